"""The preview's server in-process: the page with its banner and script, the figures, the events,
nothing else of the folder and no other host; the command's one-line refusals."""

from __future__ import annotations

import http.client
import json
import socket
import threading

import pytest

from reportgen.cli import main
from reportgen.errors import ReportgenError
from reportgen.preview.page import BANNER_ID, VERSION_HEADER, banner, served
from reportgen.preview.server import make_server
from reportgen.preview.session import Preview, Shown


@pytest.fixture
def served_preview(student, monkeypatch):
    """(preview, port): a started preview of the folder behind a server on a free port."""
    monkeypatch.chdir(student)
    preview = Preview(student, lambda message, transient=False: None)
    preview.start()
    server = make_server(preview, 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield preview, server.server_address[1]
    preview.close()
    server.shutdown()
    server.server_close()
    thread.join(5)


def _get(port: int, path: str, host: str | None = None, **headers: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}", **headers})
    answer = connection.getresponse()
    return answer.status, dict(answer.getheaders()), answer.read()


def test_the_page_has_the_script_after_body_and_the_version_it_shows(served_preview):
    preview, port = served_preview
    status, headers, body = _get(port, "/")
    page = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers[VERSION_HEADER] == preview.shown.version
    assert json.dumps(preview.shown.version) in page
    assert page.index("<body") < page.index('<script id="reportgen-preview-script">')
    assert BANNER_ID not in page
    assert 'src="figures/digits.svg"' in page


def test_figures_are_served_with_a_tag_and_nothing_else_of_the_folder(served_preview, student):
    _, port = served_preview
    status, headers, body = _get(port, "/figures/digits.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert body == (student / "output" / "figures" / "digits.svg").read_bytes()
    again, _, _ = _get(port, "/figures/digits.svg", **{"If-None-Match": headers["ETag"]})
    assert again == 304
    for path in (
        "/figures/../report.toml",
        "/figures/%2e%2e/report.toml",
        "/report.toml",
        "/output/report.pdf",
        "/figures/nothing.svg",
    ):
        assert _get(port, path)[0] == 404, path


def test_a_request_for_another_host_is_refused(served_preview):
    _, port = served_preview
    assert _get(port, "/", host="attacker.example")[0] == 403
    assert _get(port, "/", host=f"localhost:{port}")[0] == 200


def test_events_say_the_current_version_then_each_new_one(served_preview, self_evaluation):
    preview, port = served_preview
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/events", headers={"Host": f"127.0.0.1:{port}"})
    answer = connection.getresponse()
    assert answer.getheader("Content-Type") == "text/event-stream"

    def next_event() -> dict:
        lines = []
        while (line := answer.fp.readline().decode()) != "\n":
            lines.append(line)
        data = next(x for x in lines if x.startswith("data: "))
        return json.loads(data[len("data: ") :])

    first = next_event()
    assert first == {"version": preview.shown.version, "figures": preview.shown.figures_key}
    self_evaluation.write_text("En ändring.\n", encoding="utf-8")
    preview.refresh([self_evaluation])
    assert next_event()["version"] == preview.shown.version != first["version"]
    connection.close()


def test_the_banner_is_text_and_only_in_the_served_copy():
    shown = Shown(
        version="v-1",
        html="<html><head></head><body><p>rapport</p></body></html>",
        figures=__import__("pathlib").Path("."),
        figures_key="sv",
        banner="mall.html line 3: <script>alert(1)</script>",
        kind="error",
    )
    page = served(shown).decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert page.index(f'id="{BANNER_ID}"') < page.index("<p>rapport</p>")
    assert 'role="alert"' in banner("x", "error") and 'role="status"' in banner("x", "info")


def test_a_taken_port_is_one_line(student, monkeypatch):
    monkeypatch.chdir(student)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ReportgenError, match=f"port {port} is in use.*--port 0"):
            make_server(Preview(student), port)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["preview", "no-such-folder"], "no-such-folder is not a folder"),
        (["preview", ".", "--port", "70000"], "--port must be 0"),
    ],
)
def test_the_command_refuses_in_one_line(argv, says, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err, err


def test_a_folder_without_report_toml_says_to_init(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tom").mkdir()
    assert main(["preview", "tom"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no report.toml in" in err and "reportgen init" in err
