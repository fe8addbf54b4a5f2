"""The preview's server: Python's ThreadingHTTPServer on 127.0.0.1 only, and the watcher's
thread, until Ctrl-C.

Routes: `/` the page (page.served), `/figures/NAME` the figures it shows, `/events` the
Server-Sent Events that tell the page a new version is ready. Nothing else is served: no other
file of the folder, and a request naming another host (a DNS rebinding) is refused.
"""

from __future__ import annotations

import errno
import hashlib
import http.server
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReportgenError
from .page import VERSION_HEADER, event, served
from .session import Preview
from .watch import Watcher, stamp

if TYPE_CHECKING:
    from ..analysis.search import Progress

HOST = "127.0.0.1"
KEEP_ALIVE_SECONDS = 15.0  # a comment line on /events: a closed tab is noticed and let go
_FIGURE = re.compile(r"^/figures/([A-Za-z0-9_-]+\.svg)$")


class _Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made for each server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: the terminal is the
        pass  # preview's own lines

    def _send(self, status: int, body: bytes, kind: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _local(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in (HOST, "localhost")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._local():
            self._send(403, b"the preview answers only on 127.0.0.1\n", "text/plain")
            return
        path = self.path.split("?", 1)[0]
        if path == "/":
            shown = self.preview.shown
            body = served(shown)
            self._send(
                200,
                body,
                "text/html; charset=utf-8",
                Cache_Control="no-store",
                **{VERSION_HEADER: shown.version},
            )
        elif path == "/events":
            self._events()
        elif match := _FIGURE.match(path):
            self._figure(self.preview.shown.figures / match.group(1))
        else:
            self._send(404, b"not found\n", "text/plain")

    def _figure(self, file: Path) -> None:
        found = stamp(file)
        if found is None:
            self._send(404, b"no such figure\n", "text/plain")
            return
        tag = '"' + hashlib.sha256(repr((str(file), found)).encode()).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        self._send(200, file.read_bytes(), "image/svg+xml", Cache_Control="no-cache", ETag=tag)

    def _events(self) -> None:
        """The current version at once, then each new one, until the page or the preview goes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = None
        try:
            while not self.preview.closed:
                shown = self.preview.wait(seen, KEEP_ALIVE_SECONDS)
                if shown is None:
                    if self.preview.closed:
                        return
                    self.wfile.write(b": still here\n\n")
                else:
                    self.wfile.write(event(shown))
                    seen = shown.version
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def make_server(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """A server of `preview` on 127.0.0.1:`port` (0: a free one); one line if it is taken."""
    handler = type("PreviewHandler", (_Handler,), {"preview": preview})
    try:
        server = http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ReportgenError(
                f"port {port} is in use: pass another --port, or --port 0 for a free one"
            ) from None
        raise ReportgenError(f"cannot listen on {HOST}:{port} ({exc.strerror})") from None
    server.daemon_threads = True
    return server


def watch(preview: Preview, stop: threading.Event) -> None:
    """Refresh the preview after each save until `stop` is set."""
    watcher = Watcher(preview.watched)
    while not stop.is_set():
        saved = watcher.wait(stop)
        if saved:
            preview.refresh(saved)


def run_preview(folder: Path, port: int, progress: Progress = print) -> int:
    """Serve the folder's report until Ctrl-C; 0 once stopped."""
    preview = Preview(folder, progress)
    preview.start()
    server = make_server(preview, port)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), name="preview-watch")
    watcher.daemon = True  # a rebuild under way when Ctrl-C comes is abandoned (run kept)
    watcher.start()
    url = f"http://{HOST}:{server.server_address[1]}/"
    files = ", ".join(_shorter(p, folder) for p in preview.watched())
    progress(f"preview: serving {url} (Ctrl-C stops)")
    progress(f"preview: watching {files}")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        if preview.building:  # its fits cannot be stopped: the command ends without them
            progress("\npreview: stopped during a rebuild; the run before it is kept")
            return 130
        progress("\npreview: stopped")
    finally:
        stop.set()
        preview.close()
        server.server_close()
    return 0


def _shorter(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(folder).resolve()))
    except ValueError:
        return str(path)
