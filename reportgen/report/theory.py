"""The theory answers' live facts: what the illustrations of results.json (schema 6) and the
run's own search and confusion matrix let each answer say, as plain data, and the text
alternatives of their figures.

Pure, like context.py: numbers stay raw; the templates format them.
"""

from __future__ import annotations

import statistics
from typing import Any

from ..models import MODELS
from ..results import Results
from .language import N_, Language

# Julia's models (question 2), by scikit-learn's class name, in the report's words
CV_LABELS = {
    "LinearRegression": N_("Linear regression"),
    "Lasso": N_("Lasso"),
    "RandomForestRegressor": N_("Random forest"),
}
COMMON_NOUNS = {"LinearRegression", "RandomForestRegressor"}


def _mid_sentence(name: str, kind: str) -> str:
    """A common noun in lower case mid-sentence ("random forest"); a proper name ("Lasso") kept."""
    return name[:1].lower() + name[1:] if kind in COMMON_NOUNS else name


def best_classifier_key(results: Results) -> str:
    """The classifier the report calls best: highest tuned test accuracy, ties in registry
    order (as context.py chooses it)."""
    keys = [k for k, m in results.models.items() if m.family == "classification"]
    return min(keys, key=lambda k: (-results.models[k].tuned.test.accuracy, keys.index(k)))


def search_view(results: Results, key: str, lang: Language) -> dict[str, Any]:
    """Question 1: the classifier's search, each candidate's validation score beside the tuned
    model's validation and test scores."""
    m = results.models[key]
    ranked = sorted(m.tuned.candidates, key=lambda c: (c.rank, -c.score))
    scores = [c.score for c in ranked]
    return {
        "key": key,
        "name": lang.gettext(MODELS[key].label),
        "scores": scores,
        "n": len(scores),
        "best": scores[0],
        "worst": scores[-1],
        "validation": m.tuned.validation.accuracy,
        "test": m.tuned.test.accuracy,
        "gap": m.tuned.validation.accuracy - m.tuned.test.accuracy,
        "by_validation": m.tuned.scheme == "validation",
    }


def cv_view(results: Results, lang: Language) -> dict[str, Any]:
    """Question 2: each of Julia's models, its folds' RMSE, their mean and spread."""
    cv = results.illustrations.cross_validation
    models = []
    for m in cv.models:
        models.append(
            {
                "name": lang.gettext(CV_LABELS.get(m.name, m.name)),
                "name_mid": _mid_sentence(lang.gettext(CV_LABELS.get(m.name, m.name)), m.name),
                "rmse": list(m.rmse),
                "mean": statistics.fmean(m.rmse),
                "std": statistics.pstdev(m.rmse),
                "min": min(m.rmse),
                "max": max(m.rmse),
            }
        )
    best = min(models, key=lambda m: m["mean"])
    wild = max(models, key=lambda m: m["std"])
    return {
        "folds": cv.folds,
        "n_samples": cv.n_samples,
        "models": models,
        "best": best,
        "wild": wild,
        # the widest spread is worth a warning when it is a tenth of its mean or more
        "unsteady": wild["std"] >= 0.1 * wild["mean"],
    }


def residuals_view(results: Results, lang: Language) -> dict[str, Any]:
    """Questions 3 and 4, and R² (Discussion): the best regressor's residuals in digits."""
    r = results.illustrations.residuals
    edges = [r.low + r.width * i for i in range(len(r.counts) + 1)]
    return {
        "key": r.model,
        "name": lang.gettext(MODELS[r.model].label),
        "counts": list(r.counts),
        "edges": edges,
        "n": r.n,
        "mean": r.mean,
        "centred": abs(r.mean) < 0.25,
        "rmse": r.rmse,
        "r2": r.r2,
        "within_half": r.within_half,
        "rounded_accuracy": r.rounded_accuracy,
        "within_one": r.within_one,
        "off_more": 1 - r.within_one,
        # rounding is right exactly when the prediction is within half a digit, save the ends:
        # a prediction below 0 or above 9 is clipped to the nearest digit
        "clip_gain": r.rounded_accuracy - r.within_half,
        "rounding_is_half": abs(r.rounded_accuracy - r.within_half) < 1e-12,
    }


def cell_view(results: Results, key: str) -> dict[str, Any]:
    """Question 5: the tuned classifier's most common confusion, read as one cell of its row."""
    matrix = results.models[key].tuned.confusion_matrix
    best = (0, 0, -1)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if i != j and count > best[2]:
                best = (i, j, count)
    true, predicted, count = best
    row = sum(matrix[true])
    return {
        "true": true,
        "predicted": predicted,
        "count": count,
        "row_total": row,
        "right": matrix[true][true],
        "share": count / row if row else 0.0,
    }


def kmeans_view(results: Results) -> dict[str, Any]:
    """Question 6: the clusters' purity and which digits k-means found (or merged)."""
    km = results.illustrations.kmeans
    clusters = [
        {**c.model_dump(exclude={"centre"}), "purity": c.majority_count / c.size if c.size else 0.0}
        for c in km.clusters
    ]
    majorities = [c["majority"] for c in clusters]
    sized = [c for c in clusters if c["size"]]
    purest = max(sized, key=lambda c: c["purity"])
    mixed = min(sized, key=lambda c: c["purity"])
    return {
        "k": km.k,
        "n_samples": km.n_samples,
        "clusters": clusters,
        "purity": sum(c["majority_count"] for c in clusters) / max(1, km.n_samples),
        "purest": purest,
        "mixed": mixed,
        "missing": [d for d in range(10) if d not in majorities],
        "doubled": sorted({d for d in majorities if majorities.count(d) > 1}),
    }


def theory_context(results: Results, lang: Language) -> dict[str, Any] | None:
    """What the theory answers show of this run; None for a run from before schema 6."""
    if results.illustrations is None:
        return None
    clf = best_classifier_key(results)
    return {
        "search": search_view(results, clf, lang),
        "cv": cv_view(results, lang),
        "residuals": residuals_view(results, lang),
        "cell": cell_view(results, clf),
        "kmeans": kmeans_view(results),
    }


def theory_alts(results: Results, lang: Language) -> dict[str, str]:
    """The text alternatives of the theory answers' figures, written from their data."""
    facts = theory_context(results, lang)
    if facts is None:
        return {}
    _ = lang.gettext
    s, cv, r, km = facts["search"], facts["cv"], facts["residuals"], facts["kmeans"]
    folds = [
        _("%(model)s %(mean)s ± %(std)s")
        % {"model": m["name"], "mean": lang.rmse(m["mean"]), "std": lang.rmse(m["std"])}
        for m in cv["models"]
    ]
    return {
        "theory_search": _(
            "Bar chart of the %(n)s candidates of %(model)s's search by validation score, from "
            "%(best)s down to %(worst)s, beside the chosen model's test score %(test)s"
        )
        % {
            "n": lang.integer(s["n"]),
            "model": s["name"],
            "best": lang.percent(s["best"]),
            "worst": lang.percent(s["worst"]),
            "test": lang.percent(s["test"]),
        },
        "theory_cv": _(
            "Each model's RMSE on the %(folds)s folds of a cross-validation, mean and spread: "
            "%(values)s"
        )
        % {"folds": lang.integer(cv["folds"]), "values": "; ".join(folds)},
        "theory_residuals": _(
            "Histogram of %(model)s's residuals on the %(n)s test images: RMSE %(rmse)s, "
            "%(half)s within half a digit, %(one)s within one digit after rounding"
        )
        % {
            "model": r["name"],
            "n": lang.integer(r["n"]),
            "rmse": lang.rmse(r["rmse"]),
            "half": lang.percent(r["within_half"]),
            "one": lang.percent(r["within_one"]),
        },
        "theory_kmeans": _(
            "The %(k)s cluster centres of k-means as images, each with its majority digit and "
            "purity: %(clusters)s"
        )
        % {
            "k": lang.integer(km["k"]),
            "clusters": lang.join(
                [f"{c['majority']} ({lang.percent(c['purity'])})" for c in km["clusters"]]
            ),
        },
    }
