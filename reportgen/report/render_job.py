"""One report rendered in a process of its own: `python -m reportgen.report.render_job FOLDER`.

verify starts it under a budget of time and memory (environments/budget.py), with this
environment's interpreter or with the one of a submission's own render stack (environments/
venvs.py). FOLDER holds request.json (results.json's text, the custom templates, whether the
cache folder may serve figures); the job writes FOLDER/report.pdf and report.html. A problem is
one line on stderr and exit 1; running out of memory exits budget.MEMORY_EXIT.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..environments.budget import MEMORY_EXIT
from ..errors import ReportgenError, one_line

REQUEST_FILE = "request.json"


def request(results_json: str, templates: dict[str, str], use_cache: bool) -> str:
    """request.json's text for a render of these results and templates."""
    return json.dumps({"results": results_json, "templates": templates, "use_cache": use_cache})


def render(folder: Path) -> Path:
    """Render FOLDER/request.json into FOLDER/report.pdf (figures drawn or from the cache)."""
    from ..results import parse_results
    from .figures import save_figures
    from .html import pdf_options, render_html, write_report

    job = json.loads((folder / REQUEST_FILE).read_text(encoding="utf-8"))
    results = parse_results(job["results"])
    templates = job["templates"]
    save_figures(results, folder / "figures", job["use_cache"])
    html = render_html(results, templates)  # Jinja2 compiles the templates here, in the budget
    options = pdf_options(results, templates)
    write_report(results, folder, templates, html=html, options=options)
    return folder / "report.pdf"


def main(argv: list[str]) -> int:
    """The job's entry point: 0 when report.pdf is written."""
    try:
        render(Path(argv[0]))
    except MemoryError:
        sys.stderr.write("MemoryError: the render ran out of its memory budget\n")
        return MEMORY_EXIT
    except ReportgenError as exc:
        sys.stderr.write(one_line(exc) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
