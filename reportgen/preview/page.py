"""The served copy of the report: its HTML with a banner (an error, a rebuild under way) and the
live-reload script added after <body>. Only this copy has them: report.html and the PDF are
never written by the preview.

The script listens to /events (Server-Sent Events, which the browser reconnects by itself); on a
new version it fetches the page and swaps its head and body in place, keeping the scroll
position. New figures (another language, a rebuilt run) reload the page instead, so the browser
asks for them again.
"""

from __future__ import annotations

import html as htmllib
import json
import re

from .session import Shown

BANNER_ID = "reportgen-preview-banner"
VERSION_HEADER = "X-Preview-Version"

_COLOURS = {"error": ("#fde8e8", "#9b1c1c"), "info": ("#e8f0fe", "#1a3e8c")}

SCRIPT = """\
<script id="reportgen-preview-script">
(() => {
  let shown = %(version)s, wanted = shown, busy = false;
  const figures = %(figures)s;
  async function update() {
    if (busy) return;
    busy = true;
    try {
      for (let tries = 0; wanted !== shown && tries < 3; tries++) {
        const answer = await fetch("/", {cache: "no-store"});
        const doc = new DOMParser().parseFromString(await answer.text(), "text/html");
        const [x, y] = [window.scrollX, window.scrollY];
        document.head.replaceChildren(...doc.head.childNodes);
        document.body.replaceChildren(...doc.body.childNodes);
        window.scrollTo(x, y);
        shown = answer.headers.get("%(header)s");
      }
    } finally { busy = false; }
  }
  new EventSource("/events").onmessage = (event) => {
    const news = JSON.parse(event.data);
    if (news.figures !== figures) { location.reload(); return; }
    wanted = news.version;
    update();
  };
})();
</script>
"""


def banner(text: str, kind: str) -> str:
    """The banner above the report: the message as text (escaped), its lines kept."""
    background, colour = _COLOURS.get(kind, _COLOURS["error"])
    style = (
        "position:fixed;top:0;left:0;right:0;z-index:1000;margin:0;padding:0.8em 1em;"
        f"background:{background};color:{colour};border-bottom:3px solid {colour};"
        "font:14px/1.4 sans-serif;white-space:pre-wrap"
    )
    role = "alert" if kind == "error" else "status"
    label = "reportgen preview: " + ("error" if kind == "error" else "rebuilding")
    return (
        f'<div id="{BANNER_ID}" class="{kind}" role="{role}" style="{style}">'
        f"<strong>{label}</strong>\n{htmllib.escape(text)}</div>\n"
    )


def served(shown: Shown) -> bytes:
    """The page as the browser gets it: the report, the banner if any, the script."""
    added = SCRIPT % {
        "version": json.dumps(shown.version),
        "figures": json.dumps(shown.figures_key),
        "header": VERSION_HEADER,
    }
    if shown.banner:
        added = banner(shown.banner, shown.kind) + added
    body = re.search(r"<body\b[^>]*>", shown.html, re.IGNORECASE)
    at = body.end() if body else 0
    return (shown.html[:at] + "\n" + added + shown.html[at:]).encode("utf-8")


def event(shown: Shown) -> bytes:
    """One Server-Sent Event: the version and the figures' key."""
    data = json.dumps({"version": shown.version, "figures": shown.figures_key})
    return f"id: {shown.version}\ndata: {data}\n\n".encode()
