"""The theory answers' figures: the search beside the test score (question 1), the
cross-validation of Julia's models (2), the best regressor's residuals (3 and 4), the k-means
centres (6). Drawn from the run's results in figures.py's style: hatches tell series apart
without colour."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..results import Results
from .language import Language
from .palette import ACCENT, GOLD, HATCH, MUTED
from .theory import theory_context


def search_figure(s: dict[str, Any], lang: Language) -> Figure:
    """Each candidate's validation score in rank order; the chosen one solid, the tuned model's
    test score as a dashed line."""
    _ = lang.gettext
    fig = Figure(figsize=(6.2, 2.6))
    ax = fig.subplots()
    scores = np.asarray(s["scores"]) * 100
    x = np.arange(1, len(scores) + 1)
    ax.bar(x[1:], scores[1:], 0.7, color=MUTED, hatch="////", edgecolor=HATCH, linewidth=0,
           label=_("Other candidates (validation)"))  # fmt: skip
    ax.bar(x[:1], scores[:1], 0.7, color=ACCENT, label=_("Chosen (validation)"))
    ax.axhline(s["test"] * 100, color=GOLD, linestyle="--", linewidth=1.5, label=_("Test score"))
    low = min(scores.min(), s["test"] * 100)
    high = max(scores.max(), s["test"] * 100)
    pad = max(1.0, (high - low) * 0.15)
    ax.set_ylim(max(0.0, low - pad), min(100.0, high + pad))
    ax.set_xticks(x, [str(i) for i in x])
    ax.set_xlabel(_("Candidate, by rank in the search"))
    ax.set_ylabel(_("Accuracy (%)"))
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.2), fontsize=8)
    fig.tight_layout()
    return fig


def cv_figure(cv: dict[str, Any], lang: Language) -> Figure:
    """Each model's mean RMSE over the folds (bar) with its spread (a line of one standard
    deviation) and every fold as a dot; a log scale when one model is far off the others."""
    _ = lang.gettext
    fig = Figure(figsize=(6.2, 2.7))
    ax = fig.subplots()
    models = cv["models"]
    x = np.arange(len(models))
    hatches = ["", "////", "\\\\\\\\", "xx"]
    colors = [ACCENT, MUTED, GOLD, MUTED]
    for i, m in enumerate(models):
        ax.bar(i, m["mean"], 0.55, color=colors[i % 4], hatch=hatches[i % 4], edgecolor=HATCH,
               linewidth=0)  # fmt: skip
        ax.errorbar(i, m["mean"], yerr=m["std"], color="#222222", capsize=4, linewidth=1)
        ax.plot([i] * len(m["rmse"]), m["rmse"], "o", color="#222222", markersize=3)
    values = [v for m in models for v in m["rmse"]]
    if max(values) > 10 * min(values):
        ax.set_yscale("log")
        ax.set_ylabel(_("RMSE per fold (log scale)"))
    else:
        ax.set_ylabel(_("RMSE per fold"))
    ax.set_xticks(x, [m["name"] for m in models])
    fig.tight_layout()
    return fig


def residuals_figure(r: dict[str, Any], lang: Language) -> Figure:
    """The residuals' histogram: within half a digit (rounded right) solid, within one and a
    half (one digit off after rounding) hatched one way, further off the other way."""
    _ = lang.gettext
    fig = Figure(figsize=(6.2, 2.7))
    ax = fig.subplots()
    edges = np.asarray(r["edges"])
    centres = (edges[:-1] + edges[1:]) / 2
    width = edges[1] - edges[0]
    counts = np.asarray(r["counts"])
    far = np.abs(centres) > 1.5
    near = ~far & (np.abs(centres) > 0.5)
    right = ~far & ~near
    ax.bar(centres[right], counts[right], width * 0.95, color=ACCENT,
           label=_("Rounded to the right digit"))  # fmt: skip
    ax.bar(centres[near], counts[near], width * 0.95, color=MUTED, hatch="////",
           edgecolor=HATCH, linewidth=0, label=_("One digit off"))  # fmt: skip
    ax.bar(centres[far], counts[far], width * 0.95, color=GOLD, hatch="\\\\\\\\",
           edgecolor=HATCH, linewidth=0, label=_("Further off"))  # fmt: skip
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(_("Predicted minus true digit"))
    ax.set_ylabel(_("Number of test images"))
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.2), fontsize=8)
    fig.tight_layout()
    return fig


def kmeans_figure(centres: list[list[int]], km: dict[str, Any], lang: Language) -> Figure:
    """The cluster centres as 28 x 28 images (2 rows of 5), each titled with its majority digit
    and the share of the cluster that digit makes up."""
    cols = 5
    rows = (len(centres) + cols - 1) // cols
    fig = Figure(figsize=(6.2, 1.45 * rows + 0.1))
    axes = np.atleast_2d(fig.subplots(rows, cols))
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, image, c in zip(axes.flat, centres, km["clusters"], strict=False):
        ax.imshow(np.asarray(image).reshape(28, 28), cmap="gray_r", interpolation="nearest")
        ax.set_title(f"{c['majority']} · {lang.percent(c['purity'], 0)}", fontsize=9)
    fig.tight_layout()
    return fig


def theory_figures(results: Results, lang: Language) -> dict[str, Figure]:
    """The theory answers' figures by file stem; none for a run from before schema 6."""
    facts = theory_context(results, lang)
    if facts is None:
        return {}
    return {
        "theory_search": search_figure(facts["search"], lang),
        "theory_cv": cv_figure(facts["cv"], lang),
        "theory_residuals": residuals_figure(facts["residuals"], lang),
        "theory_kmeans": kmeans_figure(
            [c.centre for c in results.illustrations.kmeans.clusters], facts["kmeans"], lang
        ),
    }
