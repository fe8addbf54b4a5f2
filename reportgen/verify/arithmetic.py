"""The arithmetic of a report's visible text: what its own printed numbers imply.

A PDF without its attachments cannot be regenerated, but its pages still hold numbers that fix
each other: a confusion matrix's diagonal over its total is the stated accuracy, its rows add up
to the test part's class counts, the per-digit precision, recall and F1 follow from it, a change
is the difference of the two numbers it compares, and the sentences that rank the models agree
with the tables. Each check names the page and the cell it read; the verdict of such a PDF is
`unverifiable`, with the checks that passed and failed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction

from .. import numbers
from .visible import PHRASES, Cell, Matrix, Visible


@dataclass(frozen=True)
class Check:
    name: str  # what was checked: accuracy, row_sums, per_class, change, ranking, ...
    page: int
    where: str  # the table or figure, and the cell
    passed: bool
    detail: str  # what the page says and what its other numbers give


def _percent(share: Fraction, lang: str) -> str:
    return numbers.percent(float(share), lang)


def _same(cell: Cell, expected: str) -> bool:
    return cell.text.replace(" ", "\u00a0") == expected or cell.text == expected


def _check(name: str, cell: Cell, expected: str, says: str) -> Check:
    ok = _same(cell, expected)
    detail = f"the page says {cell.text}; {says} {expected}"
    return Check(name, cell.page, cell.where, ok, detail)


def _matrix_checks(seen: Visible) -> list[Check]:
    out = []
    lang = seen.lang
    for m in seen.matrices:
        trace = sum(m.counts[i][i] for i in range(10))
        total = sum(map(sum, m.counts))
        stated = seen.results.get((m.phase, m.model, "test"))
        if stated is not None and total:
            says = f"{m.label}'s diagonal, {trace} of {total}, gives"
            out.append(_check("accuracy", stated, _percent(Fraction(trace, total), lang), says))
        for digit, row in enumerate(m.counts):
            count = seen.test_counts.get(digit)
            if count is not None:
                says = f"row {digit} of {m.label} adds up to"
                out.append(_check("row_sum", count, numbers.integer(sum(row), lang), says))
        if seen.test_total is not None:
            says = f"the counts of {m.label} add up to"
            out.append(_check("total", seen.test_total, numbers.integer(total, lang), says))
    return out


def _per_digit(m: Matrix, digit: int) -> dict[str, float]:
    tp = m.counts[digit][digit]
    predicted = sum(row[digit] for row in m.counts)
    actual = sum(m.counts[digit])
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * tp / (predicted + actual) if predicted + actual else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _tuned(seen: Visible, model: str) -> Matrix | None:
    return next((m for m in seen.matrices if m.model == model and m.phase == "tuned"), None)


def _per_class_checks(seen: Visible) -> list[Check]:
    out = []
    for model in ("logreg", "mlp"):
        m = _tuned(seen, model)
        if m is None:
            continue
        for digit in range(10):
            values = _per_digit(m, digit)
            for metric, value in values.items():
                cell = seen.per_class.get((model, metric, digit))
                if cell is not None:
                    expected = numbers.decimal_number(value, seen.lang, 2)
                    says = f"row {digit} and column {digit} of {m.label} give"
                    out.append(_check("per_class", cell, expected, says))
            if digit in seen.support:
                expected = numbers.integer(sum(m.counts[digit]), seen.lang)
                says = f"row {digit} of {m.label} adds up to"
                out.append(_check("support", seen.support[digit], expected, says))
    return out


def _change_checks(seen: Visible) -> list[Check]:
    """A printed change against the difference of the two printed numbers it compares: each of
    the three is rounded, so they may differ by one unit of the last digit shown."""
    out = []
    for key in PHRASES[seen.lang]["names"]:
        change = seen.results.get(("tuned", key, "extra"))
        before = seen.results.get(("default", key, "test"))
        after = seen.results.get(("tuned", key, "test"))
        if None in (change, before, after) or None in (change.value, before.value, after.value):
            continue
        unit = Decimal(1).scaleb(change.value.as_tuple().exponent)  # type: ignore[union-attr]
        difference = after.value - before.value  # type: ignore[operator]
        ok = abs(change.value - difference) <= unit  # type: ignore[operator]
        detail = (
            f"the page says {change.text}; {after.text} minus {before.text} ({before.where}) "
            f"is {difference:+}"
        )
        out.append(Check("change", change.page, change.where, ok, detail))
    return out


def _key_of(name: str, seen: Visible) -> str | None:
    return next((k for k, n in PHRASES[seen.lang]["names"].items() if n == name), None)


def _sentence_checks(seen: Visible) -> list[Check]:
    out = []
    names = PHRASES[seen.lang]["names"]

    def ranking(key: str, column: str, best) -> None:
        found = seen.sentences.get(key)
        if found is None:
            return
        said, page = found
        candidates = {
            k: seen.results[("default", k, column)]
            for k in names
            if ("default", k, column) in seen.results
            and seen.results[("default", k, column)].value is not None
            and (key == "lowest_rmse") == (k not in ("logreg", "mlp"))
        }
        if not candidates:
            return
        top = best(c.value for c in candidates.values())
        winners = [names[k] for k, c in candidates.items() if c.value == top]
        chosen = candidates.get(_key_of(said["model"], seen) or "")
        ok = said["model"] in winners and chosen is not None and _same(chosen, said["value"])
        where = f"the sentence naming {said['model']} ({said['value']})"
        detail = f"the table's best is {' or '.join(winners)} with {top}"
        out.append(Check("ranking", page, where, ok, detail))

    ranking("lowest_rmse", "test", min)
    ranking("highest_acc", "test", max)
    out += _best_checks(seen)
    out += _confusion_sentences(seen)
    return out


def _best_checks(seen: Visible) -> list[Check]:
    """The table of the best model in each family against the tuned table, and the sentence on
    the gap between them."""
    out = []
    best_clf, best_reg = seen.best.get("classification"), seen.best.get("regression")
    tuned = [
        seen.results[("tuned", k, "test")]
        for k in ("logreg", "mlp")
        if ("tuned", k, "test") in seen.results
    ]
    if best_clf is not None and tuned:
        top = max(tuned, key=lambda c: c.value or Decimal(0))
        says = f"the best tuned classifier ({top.where}) has"
        out.append(_check("best", best_clf, top.text, says))
    gap = seen.sentences.get("gap")
    if gap and best_clf is not None and best_reg is not None:
        said, page = gap
        stated = numbers_value(said["value"], seen.lang)
        difference = (best_clf.value or Decimal(0)) - (best_reg.value or Decimal(0))
        ok = stated is not None and abs(stated - difference) <= Decimal("0.1")
        detail = (
            f"the page says {said['value']}; {best_clf.text} minus {best_reg.text} "
            f"({best_reg.where}) is {difference}"
        )
        out.append(Check("gap", page, "the sentence on the gap between the families", ok, detail))
    return out


def numbers_value(text: str, lang: str) -> Decimal | None:
    from .visible import number

    return number(text, lang)


def _confusion_sentences(seen: Visible) -> list[Check]:
    out = []
    lang = seen.lang
    digits = PHRASES[lang]["digits"]
    worst = seen.sentences.get("worst")
    if worst:
        said, page = worst
        m = _tuned(seen, _key_of(said["model"], seen) or "")
        if m is not None:
            f1 = {d: _per_digit(m, d)["f1"] for d in range(10)}
            digit = int(said["digit"])
            expected = numbers.decimal_number(f1[digit], lang, 3)
            lowest = min(f1.values())
            ok = said["value"] == expected and f1[digit] == lowest
            out.append(
                Check("hardest_digit", page, f"the sentence on the digit {digit}", ok,
                      f"the page says F1 {said['value']}; {m.label} gives {expected}, and the "
                      f"lowest F1 is digit {min(f1, key=f1.get)}'s")
            )  # fmt: skip
    confused = seen.sentences.get("confused")
    if confused and worst:
        said, page = confused
        m = _tuned(seen, _key_of(worst[0]["model"], seen) or "")
        if m is not None and said["true"] in digits and said["pred"] in digits:
            true, pred = digits.index(said["true"]), digits.index(said["pred"])
            most = max(m.counts[i][j] for i in range(10) for j in range(10) if i != j)
            count = numbers_value(said["value"], lang)
            ok = count == m.counts[true][pred] == most
            out.append(
                Check("most_confused", page, f"the sentence on {said['true']} taken for "
                      f"{said['pred']}", ok,
                      f"the page says {said['value']}; {m.label} has {m.counts[true][pred]} in "
                      f"that cell, and the most in any cell off the diagonal is {most}")
            )  # fmt: skip
    diagonal = seen.sentences.get("diagonal")
    if diagonal:
        said, page = diagonal
        m = _tuned(seen, _key_of(said["model"], seen) or "")
        if m is not None:
            trace = sum(m.counts[i][i] for i in range(10))
            total = sum(map(sum, m.counts))
            ok = (
                numbers_value(said["correct"], lang) == trace
                and numbers_value(said["total"], lang) == total
                and said["value"].replace(" ", "\u00a0") == _percent(Fraction(trace, total), lang)
            )
            out.append(
                Check("diagonal", page, "the sentence on the diagonal", ok,
                      f"the page says {said['correct']} of {said['total']} "
                      f"({said['value']}); {m.label} has {trace} of {total}")
            )  # fmt: skip
    return out


# What the shipped templates print, each found by read_visible: a digit edited in a header or a
# row label hides a matrix or a row from the other checks, so what is missing is a failed check
EXPECTED = {
    "confusion matrices": 4,
    "results table cells": 36,
    "per-digit table cells": 60,
    "class counts": 10,
    "sentences": 6,
}


def _complete(seen: Visible) -> list[Check]:
    found = {
        "confusion matrices": len(seen.matrices),
        "results table cells": len(seen.results),
        "per-digit table cells": len(seen.per_class),
        "class counts": len(seen.test_counts),
        "sentences": len(seen.sentences),
    }
    missing = [f"{n} of {EXPECTED[k]} {k}" for k, n in found.items() if n != EXPECTED[k]]
    detail = (
        "found " + ", ".join(missing) + " (a number edited in a header, or custom templates)"
        if missing
        else "every table, matrix and sentence of the shipped templates found"
    )
    return [Check("complete", 1, "the whole report", not missing, detail)]


def check_arithmetic(seen: Visible) -> list[Check]:
    """Every check the visible numbers allow, in page order."""
    found = (
        _complete(seen)
        + _matrix_checks(seen)
        + _per_class_checks(seen)
        + _change_checks(seen)
        + _sentence_checks(seen)
    )
    return sorted(found, key=lambda c: c.page)


def as_records(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]


def unverifiable(path: str, why: str, raw: bytes | None = None) -> dict:
    """The verdict of a PDF without attachments (`why`: the one line that says so, naming the
    program that re-saved it): its pages' arithmetic, or an error when no page shows a report's
    tables."""
    import time
    from pathlib import Path

    from ..bundle.attachments import read_pdf
    from .visible import read_visible

    t0 = time.perf_counter()
    raw = read_pdf(Path(path)) if raw is None else raw
    seen = read_visible(raw)
    entry = {"path": path, "author": None, "verdict": "error", "checks": {}, "details": [why]}
    if seen.found:
        checks = check_arithmetic(seen)
        failed = [c for c in checks if not c.passed]
        entry["verdict"] = "unverifiable"
        entry["checks"] = {"attachments": "missing", "arithmetic": "failed" if failed else "ok"}
        entry["details"].append(
            f"{len(checks) - len(failed)} of {len(checks)} arithmetic checks of the visible "
            "numbers passed"
        )
        entry["details"] += [f"page {c.page}, {c.where}: {c.detail}" for c in failed]
        entry["arithmetic"] = as_records(checks)
    # else: no page shows a report's tables; the error stays the missing attachment's line
    entry["seconds"] = round(time.perf_counter() - t0, 2)
    return entry
