"""`reportgen app [OUT]`: Streamlit on 127.0.0.1, offline, on a free port, printed with its URL.

No usage statistics, headless, no Deploy button, no file watcher. The app reads runs only.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from ..errors import ReportgenError

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def command(out: Path, port: int, data_dir: str | None = None) -> list[str]:
    """The streamlit command line for the app."""
    script = Path(__file__).resolve().parent / "streamlit_app.py"
    args = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.address", HOST,
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--global.developmentMode", "false",
        "--theme.base", "light",
        "--", "--out", str(out),
    ]  # fmt: skip
    return args + (["--data", data_dir] if data_dir else [])


def serve(out: Path, port: int | None = None, data_dir: str | None = None) -> int:
    """Run the app until Ctrl-C; returns streamlit's exit code."""
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise ReportgenError(
            "the app needs Streamlit: pip install 'reportgen[app]' (make install does)"
        ) from None
    if not Path(out).is_dir():
        raise ReportgenError(f"{out} is not a folder: give the output folder of `reportgen build`")
    port = port or free_port()
    print(f"reportgen app: http://{HOST}:{port}/  (runs of {out}; Ctrl-C stops it)", flush=True)
    return subprocess.call(command(Path(out), port, data_dir))
