"""Figures drawn from results: small functions that return a matplotlib Figure, and one saver.

The confusion matrices are not drawn: they are tables of readable counts (heatmap.py).
matplotlib and numpy are imported where a figure is drawn: figures found in the process's memo
or in the cache folder (see `save_figures`) need neither (0.8 s of imports).
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReportgenError
from ..files import default_cache_dir, read_bounded, write_atomic
from ..results import ModelResult, Results
from .language import Language, language
from .palette import ACCENT, DIGITS, GOLD, HATCH, MUTED

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Fixed ids, no date, text as paths: the same results give the same SVG bytes.
STYLE = {
    "svg.hashsalt": "reportgen",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def digits_figure(pixels: list[list[int]], labels: list[int]) -> Figure:
    """The first nine digits of the data set with their labels (3 x 3)."""
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2, 4.4))
    axes = fig.subplots(3, 3)
    for ax, image, label in zip(axes.flat, pixels, labels, strict=False):
        ax.imshow(np.asarray(image).reshape(28, 28), cmap="gray_r", interpolation="nearest")
        ax.set_title(f"y = {label}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def class_distribution_figure(class_counts: dict[str, list[int]], lang: Language) -> Figure:
    """Digits per class in train, validation and test, stacked."""
    import numpy as np
    from matplotlib.figure import Figure

    _ = lang.gettext
    fig = Figure(figsize=(6.2, 2.8))
    ax = fig.subplots()
    bottom = np.zeros(10)
    labels = {"train": _("Training"), "validation": _("Validation"), "test": _("Test")}
    # colour and a hatch pattern each: the legend reads without colour too. Line hatches only:
    # a dotted hatch is a 250 KB path of circles that WeasyPrint redraws for every bar (2.5 s)
    styles = [(ACCENT, ""), (MUTED, "////"), (GOLD, "\\\\\\\\")]
    for (split, label), (color, hatch) in zip(labels.items(), styles, strict=True):
        counts = np.asarray(class_counts[split])
        ax.bar(DIGITS, counts, bottom=bottom, color=color, label=label, width=0.7, hatch=hatch,
               edgecolor=HATCH, linewidth=0)  # fmt: skip
        bottom += counts
    ax.set_xlabel(_("Digit"))
    ax.set_ylabel(_("Number of images"))
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.15))
    fig.tight_layout()
    return fig


def rmse_figure(models: dict[str, ModelResult], names: dict[str, str], lang: Language) -> Figure:
    """Test RMSE of each regression model, default and tuned; log scale when one explodes."""
    import numpy as np
    from matplotlib.figure import Figure

    _ = lang.gettext
    keys = [k for k, m in models.items() if m.family == "regression"]
    regs = [models[k] for k in keys]
    labels = [names[k] for k in keys]
    default = np.array([m.default.test.rmse for m in regs])
    tuned = np.array([m.tuned.test.rmse for m in regs])
    fig = Figure(figsize=(6.2, 2.9))
    ax = fig.subplots()
    x = np.arange(len(regs))
    ax.bar(x - 0.2, default, 0.4, color=MUTED, label=_("Default parameters"), hatch="////",
           edgecolor=HATCH, linewidth=0)  # fmt: skip
    ax.bar(x + 0.2, tuned, 0.4, color=ACCENT, label=_("Tuned parameters"))
    both = np.concatenate([default, tuned])
    if both.max() > 100 * both.min():
        ax.set_yscale("log")
        ax.set_ylabel(_("Test RMSE (log scale)"))
    else:
        ax.set_ylabel(_("Test RMSE"))
    ax.set_xticks(x, labels)
    ax.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, 1.18))
    fig.tight_layout()
    return fig


def all_figures(results: Results, lang: Language) -> dict[str, Figure]:
    """Every figure of the report, by file stem, with the words of `lang`."""
    from .context import model_names
    from .theory_figures import theory_figures

    data, models = results.data, results.models
    names = model_names(lang)
    return {
        "digits": digits_figure(data.first_digits.pixels, data.first_digits.labels),
        "class_distribution": class_distribution_figure(data.class_counts.model_dump(), lang),
        "regression_rmse": rmse_figure(models, names, lang),
        **theory_figures(results, lang),
    }


def check_figure_font() -> None:
    """matplotlib draws the figures' text with its own bundled DejaVu Sans (as paths), never a
    system font of the same name: the SVG bytes are then the same on every machine."""
    from matplotlib import font_manager

    from ..errors import RenderError
    from .fonts import font_dir

    found = Path(font_manager.findfont(STYLE["font.family"], fallback_to_default=False))
    if found.parent.resolve() != font_dir().resolve():
        raise RenderError(
            f"matplotlib draws '{STYLE['font.family']}' from {found}, not from its own bundled "
            "copy: remove that font from matplotlib's font cache (~/.cache/matplotlib)"
        )


def _titled(svg: str, title: str) -> str:
    """The SVG with its text alternative as its first child (<title>), for screen readers."""
    from xml.sax.saxutils import escape

    start = svg.index("<svg")
    end = svg.index(">", start) + 1
    return f"{svg[:end]}\n <title>{escape(title)}</title>{svg[end:]}"


def save_figures(results: Results, folder: Path, use_cache: bool = True) -> dict[str, str]:
    """Write every figure as SVG into `folder`, in the run's language; return stem -> file.

    The figures of the same analysis in the same language are drawn once per process (a class
    verified here draws them once per configuration, not once per student), and kept in the
    cache folder for the next process (a verify after the build, each `--jobs` process).
    `use_cache=False` (a build or verify with --no-cache) never takes them from the cache folder:
    a cold build draws them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for stem, svg in _drawn(results, use_cache).items():
        write_atomic(folder / f"{stem}.svg", svg)
        written[stem] = f"{stem}.svg"
    return written


_DRAWN: OrderedDict[str, dict[str, str]] = OrderedDict()  # figures_key -> stem -> SVG text
_DRAWN_LOCK = threading.Lock()
_DRAWN_KEEP = 4


def figures_key(results: Results) -> str:
    """What the figures are drawn from: the analysis and the language, not the report's words
    (title, author, date, self-evaluation)."""
    data = results.to_data()
    data["config"]["report"] = {"lang": results.config.report.lang or "sv"}
    for words in ("report_date", "self_evaluation"):
        data.pop(words, None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _stored_path(key: str) -> Path:
    """The cache folder's entry for these figures drawn by this code: the figures' key, every
    file of reportgen (code_digest), matplotlib's and numpy's versions and the font files."""
    from importlib.metadata import version

    from ..bundle.manifest import code_digest
    from .fonts import font_records

    material = [key, code_digest(), version("matplotlib"), version("numpy"), font_records()]
    digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return default_cache_dir() / "figures" / digest[:2] / f"{digest}.json"


def clear_stored() -> int:
    """Remove every figure set kept in the cache folder; return how many."""
    count = 0
    for path in (default_cache_dir() / "figures").glob("*/*.json"):
        path.unlink(missing_ok=True)
        count += 1
    return count


def _stored(path: Path) -> dict[str, str] | None:
    """The SVGs of a cache entry, checked like any document from outside (the cache folder may
    be shared): size, JSON, shape, checksum; None when absent or not sound (then redrawn)."""
    try:
        entry = json.loads(read_bounded(path))
        svgs = entry["svgs"]
        text = json.dumps(svgs, sort_keys=True)
        sound = isinstance(svgs, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in svgs.items()
        )
        if sound and entry["checksum"] == hashlib.sha256(text.encode()).hexdigest():
            return svgs
    except (OSError, ValueError, TypeError, KeyError, AttributeError, ReportgenError):
        pass
    return None


def _store(path: Path, svgs: dict[str, str]) -> None:
    """Keep drawn SVGs in the cache folder; a folder that cannot be written is skipped."""
    text = json.dumps(svgs, sort_keys=True)
    entry = {"checksum": hashlib.sha256(text.encode()).hexdigest(), "svgs": svgs}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry))
    except OSError:
        pass


def _drawn(results: Results, use_cache: bool = True) -> dict[str, str]:
    key = figures_key(results)
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    stored = _stored_path(key)
    svgs = _stored(stored) if use_cache else None
    if svgs is None:
        svgs = _draw(results)
        _store(stored, svgs)
    with _DRAWN_LOCK:
        _DRAWN[key] = svgs
        while len(_DRAWN) > _DRAWN_KEEP:
            _DRAWN.popitem(last=False)
    return svgs


def _draw(results: Results) -> dict[str, str]:
    """Every figure drawn now, as SVG text with its <title>."""
    import matplotlib

    from .context import figure_alts

    check_figure_font()
    lang = language(results.config.report.lang or "sv")
    alts = figure_alts(results, lang)
    svgs = {}
    with matplotlib.rc_context(STYLE):
        for stem, fig in all_figures(results, lang).items():
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
            svgs[stem] = _titled(buf.getvalue(), alts[stem])
    return svgs
