"""results.json -> the template context: every derived fact the report states, as plain data.

Pure: no Jinja2, no I/O, no clock. Numbers stay raw (floats and ints); the templates format them
with the filters of formatting.py. Prose that depends on the run is chosen by the flags made here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..analysis.search.registry import strategy_named
from ..metrics import NOISE, verdict
from ..models import DIVIDE_BY_255, MODELS
from ..results import ModelResult, Results
from .heatmap import confusion_heatmaps
from .language import N_, Language, language
from .own_sections import own_sections
from .theory import theory_alts, theory_context

# Plain linear regression "blew up" when its test RMSE exceeds Ridge's by this factor.
BLOWUP_FACTOR = 100.0
# ... and counts as "near Ridge" below this factor (between the two: clearly worse).
NEAR_FACTOR = 1.5

# Words of the language layer (English message ids): the phases of a fit, shares of the data.
PHASES = {"default": N_("default parameters"), "tuned": N_("search and tuned model")}
SPLITS = ("train", "validation", "test")


def _verdict(metric: str, default: float, tuned: float) -> str:
    """'better', 'worse' or 'same' for the tuned score against the default one."""
    return verdict(metric, default, tuned, tolerance=NOISE * max(1.0, abs(default)))


def _grid(grid: dict[str, list[Any]]) -> dict[str, Any]:
    """The searched grid: parameters with their values and the number of candidates."""
    n = 1
    for values in grid.values():
        n *= len(values)
    return {"params": [{"name": k, "values": list(v)} for k, v in grid.items()], "n_candidates": n}


# Names that are common nouns in Swedish: lower case in the middle of a sentence.
COMMON_NOUN_NAMES = {"linear", "logreg"}


def _mid_sentence(key: str, name: str) -> str:
    return name[:1].lower() + name[1:] if key in COMMON_NOUN_NAMES else name


def _params(params: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": k, "value": v} for k, v in sorted(params.items())]


def _tuned_params(t: Any) -> dict[str, Any]:
    """What the search chose, shared by regressors and classifiers."""
    return {
        "best_params": _params(t.best_params),
        "default_params": _params(t.default_params),
        "best_is_default": t.best_params == t.default_params,
        "search_score": t.best_search_score,
    }


def _regressor(key: str, m: ModelResult, grid: dict[str, list[Any]], name: str) -> dict[str, Any]:
    d, t = m.default, m.tuned
    delta = t.test.rmse - d.test.rmse
    return {
        "key": key,
        "name": name,
        "name_mid": _mid_sentence(key, name),
        "default": {
            "val_rmse": d.validation.rmse,
            "test_rmse": d.test.rmse,
            "val_rounded": d.validation.rounded_accuracy,
            "test_rounded": d.test.rounded_accuracy,
            "max_abs_coef": d.max_abs_coef,
        },
        "tuned": {
            "val_rmse": t.validation.rmse,
            "test_rmse": t.test.rmse,
            "val_rounded": t.validation.rounded_accuracy,
            "test_rounded": t.test.rounded_accuracy,
            "max_abs_coef": t.max_abs_coef,
            **_tuned_params(t),
        },
        "grid": _grid(grid),
        "delta_test": delta,
        "delta_test_abs": abs(delta),
        "delta_test_rel": abs(delta) / d.test.rmse if d.test.rmse else 0.0,
        "verdict": _verdict("rmse", d.test.rmse, t.test.rmse),
        "val_verdict": _verdict("rmse", d.validation.rmse, t.validation.rmse),
    }


def _most_confused(matrix: list[list[int]]) -> dict[str, int]:
    """The largest off-diagonal cell: which true digit was most often taken for which."""
    best = {"true": 0, "predicted": 0, "count": -1}
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if i != j and count > best["count"]:
                best = {"true": i, "predicted": j, "count": count}
    return best


def _classifier(key: str, m: ModelResult, grid: dict[str, list[Any]], name: str) -> dict[str, Any]:
    d, t = m.default, m.tuned
    delta = t.test.accuracy - d.test.accuracy
    matrix = t.confusion_matrix
    total = sum(sum(row) for row in matrix)
    correct = sum(matrix[i][i] for i in range(len(matrix)))
    pc = t.per_class
    per_class = [
        {
            "digit": i,
            "precision": pc.precision[i],
            "recall": pc.recall[i],
            "f1": pc.f1[i],
            "support": pc.support[i],
        }
        for i in range(len(pc.f1))
    ]
    worst = min(per_class, key=lambda r: (r["f1"], r["digit"]))
    return {
        "key": key,
        "name": name,
        "name_mid": _mid_sentence(key, name),
        "divided_by_255": m.preprocessing == DIVIDE_BY_255,
        "default": {"val_acc": d.validation.accuracy, "test_acc": d.test.accuracy},
        "tuned": {
            "val_acc": t.validation.accuracy,
            "test_acc": t.test.accuracy,
            **_tuned_params(t),
        },
        "grid": _grid(grid),
        "delta_test": delta,
        "delta_test_abs": abs(delta),
        "verdict": _verdict("accuracy", d.test.accuracy, t.test.accuracy),
        "val_verdict": _verdict("accuracy", d.validation.accuracy, t.validation.accuracy),
        "confusion": {
            "total": total,
            "correct": correct,
            "errors": total - correct,
            "most_confused": _most_confused(matrix),
        },
        "default_confusion": {"most_confused": _most_confused(d.confusion_matrix)},
        "per_class": per_class,
        "worst_class": worst,
    }


def _linear_fate(regs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Did plain linear regression blow up, fall clearly behind, or stay near Ridge?"""
    linear, ridge = regs["linear"], regs["ridge"]
    lin = max(linear["default"]["test_rmse"], linear["tuned"]["test_rmse"])
    ridge_best = ridge["tuned"]["test_rmse"]
    ratio = lin / ridge_best if ridge_best else float("inf")
    state = "exploded" if ratio > BLOWUP_FACTOR else "worse" if ratio > NEAR_FACTOR else "near"
    return {
        "state": state,
        "exploded": state == "exploded",
        "rmse": lin,
        "ridge_rmse": ridge_best,
        "ridge_default_rmse": ridge["default"]["test_rmse"],
        "ratio": ratio,
        "max_abs_coef": linear["default"]["max_abs_coef"],
        "factor": BLOWUP_FACTOR,
    }


def _warnings(results: Results, names: dict[str, str], lang: Language) -> list[dict[str, Any]]:
    return [
        {
            "model": w.model,
            "model_name": names[w.model],
            "model_name_mid": _mid_sentence(w.model, names[w.model]),
            "phase": w.phase,
            "phase_text": lang.gettext(PHASES[w.phase]),
            "category": w.category,
            "message": w.message.rstrip(" :"),
            "count": w.count,
        }
        for w in results.warnings
    ]


SHARES = {1: N_("all"), 2: N_("half"), 3: N_("a third"), 4: N_("a quarter"), 9: N_("a ninth")}


def _share_text(share: float, lang: Language) -> str:
    """A round's share of the data in words: 'en tredjedel', else a percentage."""
    for k, words in SHARES.items():
        if abs(share * k - 1) < 0.01:
            return lang.gettext(words)
    return lang.percent(share, 0)


def _halving(name: str, rounds: list[Any], lang: Language) -> dict[str, Any]:
    rows = [{**r.model_dump(), "share_text": _share_text(r.share, lang)} for r in rounds]
    return {"name": name, "rounds": rows, "first": rows[0]}


def _rounds_over(m: ModelResult, what: str) -> bool:
    """Whether the model's strategy searches in rounds that give more `what` (data, epochs)."""
    return strategy_named(m.tuned.search).rounds == what


def _tuning(
    results: Results, models: list[dict[str, Any]], names: dict[str, str], lang: Language
) -> dict[str, Any]:
    cv = results.config.tuning.cv
    folds = max(cv, 1)
    halving = [
        _halving(names[k], m.tuned.rounds, lang)
        for k, m in results.models.items()
        if _rounds_over(m, "data") and m.tuned.rounds
    ]
    races = [
        {"name": names[k], "rounds": [r.model_dump() for r in m.tuned.rounds]}
        for k, m in results.models.items()
        if _rounds_over(m, "epochs") and m.tuned.rounds
    ]
    fits = sum(  # rounds over the data fit each round's candidates; a grid or a race, each once
        sum(r.candidates for r in m.tuned.rounds)
        if _rounds_over(m, "data") and m.tuned.rounds
        else len(m.tuned.candidates)
        for m in results.models.values()
    )
    return {
        "cv": cv,
        "by_validation": cv == 0,
        "folds": folds,
        "n_jobs": results.config.tuning.n_jobs,
        "total_candidates": sum(m["grid"]["n_candidates"] for m in models),
        "total_fits": fits * folds,
        "halving": halving,
        "halving_names": [h["name"] for h in halving],
        "races": races,
        "race_names": [r["name"] for r in races],
    }


def _data(results: Results) -> dict[str, Any]:
    data, ds = results.data, results.dataset
    sizes = data.split_sizes.model_dump()
    total = sum(sizes.values())
    counts = data.class_counts.model_dump()
    class_rows = [
        {"digit": c, "all": counts["all"][i], **{s: counts[s][i] for s in SPLITS}}
        for i, c in enumerate(data.target_summary.categories)
    ]
    full = ds.source != "sample" and ds.n_samples >= 70000
    return {
        "source": ds.source,
        # a local folder says nothing to a reader and differs between machines: its name only
        "origin": Path(ds.origin).name + "/" if ds.source == "idx" else ds.origin,
        "reason": ds.reason,
        "fingerprint": ds.fingerprint,
        "fingerprint_short": ds.fingerprint[:16],
        "n_samples": data.n_samples,
        "n_features": data.n_features,
        "is_full_mnist": full,
        "is_sample": ds.source == "sample",
        "image_shape": data.image_shape,
        "pixel_dtype": data.pixel_dtype,
        "label_dtype": data.label_dtype,
        "pixel_min": data.pixel_min,
        "pixel_max": data.pixel_max,
        "pixel_mean": data.pixel_mean,
        "pixels_zero_everywhere": data.pixels_zero_everywhere,
        "split": {
            "sizes": sizes,
            "total": total,
            "fractions": {s: sizes[s] / total for s in SPLITS},
            "configured": dict(zip(SPLITS, results.config.data.split, strict=True)),
            "seed": results.config.data.seed,
            "one_test_image": 1 / sizes["test"] if sizes["test"] else 0.0,
        },
        "class_rows": class_rows,
        "class_min": min(counts["all"]),
        "class_max": max(counts["all"]),
        "preview": data.preview.model_dump(),
        "target": data.target_summary.model_dump(),
        "n_classes": len(data.target_summary.categories),
    }


def _largest_gain(regressors: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The regressor whose test RMSE tuning lowered the most (relative), or None."""
    gains = [r for r in regressors if r["verdict"] == "better"]
    return max(gains, key=lambda r: r["delta_test_rel"]) if gains else None


def _photo_finish(items: list[dict[str, Any]], best: dict[str, Any], phase: str) -> dict[str, Any]:
    """The runner-up regressor, and whether it ties the best at the two decimals shown."""
    rest = [r for r in items if r is not best]
    if not rest:
        return {"runner_up": None, "close": False}
    runner = _best(rest, lambda r: r[phase]["test_rmse"], lowest=True)
    gap = runner[phase]["test_rmse"] - best[phase]["test_rmse"]
    return {"runner_up": runner, "close": gap < 0.01, "gap": gap}


def _best(items: list[dict[str, Any]], score: Any, lowest: bool) -> dict[str, Any]:
    """The first item with the lowest (or highest) score: ties keep the registry order."""
    pick = items[0]
    for item in items[1:]:
        better = score(item) < score(pick) if lowest else score(item) > score(pick)
        if better:
            pick = item
    return pick


def _speed(results: Results, names: dict[str, str]) -> dict[str, Any]:
    """Settings that made the search faster without changing what it finds."""
    return {
        "n_jobs": results.config.tuning.n_jobs,
        "float32": [names[k] for k, m in results.models.items() if m.float32],
        # the defaults fitted on float32 too (schema 5); before, every default was float64
        "default_float32": [names[k] for k, m in results.models.items() if m.default_float32],
        "default_from_search": [
            _mid_sentence(k, names[k]) for k, m in results.models.items() if m.default_from_search
        ],
        # a default from a race over epochs: its candidate was trained on to its own stop
        "default_raced": [
            _mid_sentence(k, names[k])
            for k, m in results.models.items()
            if m.default_from_search and _rounds_over(m, "epochs")
        ],
    }


def figure_alts(results: Results, lang: Language) -> dict[str, str]:
    """Each figure's text alternative, written from its data (the PDF's /Alt, the SVG's title)."""
    _ = lang.gettext
    names = model_names(lang)
    data, models = results.data, results.models

    counts = data.class_counts.all
    rmse = [
        _("%(model)s %(default)s and %(tuned)s")
        % {
            "model": _mid_sentence(k, names[k]),
            "default": lang.rmse(m.default.test.rmse),
            "tuned": lang.rmse(m.tuned.test.rmse),
        }
        for k, m in models.items()
        if m.family == "regression"
    ]
    return {
        "digits": _("The first nine images of the training split, labelled %(labels)s")
        % {"labels": lang.join([str(label) for label in data.first_digits.labels])},
        "class_distribution": _(
            "Bar chart of the number of images per digit in the training, validation and test "
            "splits: between %(min)s and %(max)s images per digit in all"
        )
        % {"min": lang.integer(min(counts)), "max": lang.integer(max(counts))},
        "regression_rmse": _(
            "Bar chart of each regression model's test RMSE, with default and with tuned "
            "parameters: %(values)s"
        )
        % {"values": "; ".join(rmse)},
        **theory_alts(results, lang),
    }


def model_names(lang: Language) -> dict[str, str]:
    """Each model's name in the report's language, by registry key."""
    return {key: lang.gettext(spec.label) for key, spec in MODELS.items()}


def _environment(results: Results) -> dict[str, str]:
    """The versions the report's table shows and, where the run recorded them (schema 7), each
    BLAS library with the kernel it ran: 'openblas 0.3.31.188.0 (Haswell)'."""
    env = dict(results.environment)
    if results.system is not None and results.system.blas:
        libraries = sorted({f"{b.library} {b.version} ({b.kernel})" for b in results.system.blas})
        env["BLAS"] = ", ".join(libraries)
    return env


def build_context(results: Results, lang: Language | None = None) -> dict[str, Any]:
    """Every fact the templates show, derived from `results` (a validated results.json), with
    the words and names of `lang` (the run's own language by default)."""
    lang = lang or language(results.config.report.lang or "sv")
    names = model_names(lang)
    report = results.config.report
    grids = results.config.grids
    regs = {
        k: _regressor(k, m, grids.get(k, {}), names[k])
        for k, m in results.models.items()
        if m.family == "regression"
    }
    clfs = {
        k: _classifier(k, m, grids.get(k, {}), names[k])
        for k, m in results.models.items()
        if m.family == "classification"
    }
    regressors, classifiers = list(regs.values()), list(clfs.values())
    best_reg = _best(regressors, lambda r: r["tuned"]["test_rmse"], lowest=True)
    best_clf = _best(classifiers, lambda c: c["tuned"]["test_acc"], lowest=False)
    best_clf_default = _best(classifiers, lambda c: c["default"]["test_acc"], lowest=False)
    best_reg_default = _best(regressors, lambda r: r["default"]["test_rmse"], lowest=True)
    warnings = _warnings(results, names, lang)
    scaling = results.scaling
    tuned_models = regressors + classifiers
    selfeval = results.self_evaluation
    return {
        "meta": {
            "title": report.title,
            "author": report.author,
            "course": report.course,
            "date": results.report_date,
            "date_long": lang.date(results.report_date),
            "lang": lang.code,
            "reportgen_version": results.reportgen_version,
            "schema_version": results.schema_version,
        },
        "data": _data(results),
        "environment": _environment(results),
        "scaling": {
            "zero_variance": scaling.zero_variance_pixels_train,
            "max_z_val": scaling.max_abs_z.validation,
            "max_z_test": scaling.max_abs_z.test,
            "max_z_train": scaling.max_abs_z.train,  # older runs lack it
            "max_z": max(scaling.max_abs_z.validation, scaling.max_abs_z.test),
            "nonzero_outside_val": scaling.pixels_nonzero_outside_train.validation,
            "nonzero_outside_test": scaling.pixels_nonzero_outside_train.test,
            "divided": [c["name_mid"] for c in classifiers if c["divided_by_255"]],
            "network_divided": clfs.get("mlp", {}).get("divided_by_255", False),
        },
        "regressors": regressors,
        "classifiers": classifiers,
        "reg": regs,
        "clf": clfs,
        "best_regressor": best_reg,
        "best_classifier": best_clf,
        "best_default_classifier": best_clf_default,
        "best_default_regressor": best_reg_default,
        "regressor_race": {
            "tuned": _photo_finish(regressors, best_reg, "tuned"),
            "default": _photo_finish(regressors, best_reg_default, "default"),
        },
        "comparison": {
            "regressor_accuracy": best_reg["tuned"]["test_rounded"],
            "classifier_accuracy": best_clf["tuned"]["test_acc"],
            "gap": best_clf["tuned"]["test_acc"] - best_reg["tuned"]["test_rounded"],
            "best_rounded": _best(regressors, lambda r: r["tuned"]["test_rounded"], False),
        },
        "linear": _linear_fate(regs),
        "tuning": _tuning(results, tuned_models, names, lang),
        "tuning_summary": {
            "better": [m["name"] for m in tuned_models if m["verdict"] == "better"],
            "worse": [m["name"] for m in tuned_models if m["verdict"] == "worse"],
            "same": [m["name"] for m in tuned_models if m["verdict"] == "same"],
            "largest_regression_gain": _largest_gain(regressors),
        },
        "speed": _speed(results, names),
        "warnings": warnings,
        "warned_models": sorted({w["model_name_mid"] for w in warnings}),
        "convergence_warnings": [w for w in warnings if w["category"] == "ConvergenceWarning"],
        "self_evaluation": selfeval.model_dump() if selfeval else None,
        "own": own_sections(results, lang, names, best_reg["key"], best_clf["key"]),
        "alts": figure_alts(results, lang),
        "theory": theory_context(results, lang),
        "heatmaps": confusion_heatmaps(results),
        "short": {"mlp": "MLP", "logreg": lang.gettext("LR")},
    }
