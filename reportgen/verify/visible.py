"""What a report's pages show, read from their text alone: the confusion matrices, the results
tables, the per-digit table, the class counts and the sentences that rank the models.

For a PDF that lost its attachments (re-saved by a viewer or printed to PDF), this is all that is
left to check (arithmetic.py). The page text is the page reader's (reportgen.pages: lines as
shown, so a digit an editor laid over a cell is read in that cell); the phrases that find each
table are the shipped templates' words in each language, so a report built from custom templates
may show less, and what is not found is not checked.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..pages.reader import read_pages

# The shipped templates' words that open each table's caption, and the sentences' patterns
PHRASES = {
    "sv": {
        "figure": "Figur",
        "table": "Tabell",
        "default": "Resultat med standardparametrar",
        "tuned": "Resultat med de parametrar som rutnätssökningen valde",
        "best": "Bästa modell i varje familj",
        "per_class": "Precision (P)",
        "counts": "Antal bilder per siffra i hela datamängden",
        "sum": "Summa",
        "default_words": ("före", "standardparametrar"),
        "tuned_words": ("efter", "optimerade"),
        "names": {
            "linear": "Linjär regression", "lasso": "Lasso", "ridge": "Ridge",
            "elasticnet": "Elastic Net", "logreg": "Logistisk regression", "mlp": "MLPClassifier",
        },
        "digits": ("nolla", "etta", "tvåa", "trea", "fyra", "femma", "sexa", "sjua", "åtta", "nia"),
        "lowest_rmse": (
            r"Bland regressionsmodellerna hade (?P<model>{model})\s+lägst"
            r" RMSE \((?P<value>[^)]+)\)"
        ),
        "highest_acc": (
            r"bland klassificerarna nådde (?P<model>{model}) högst"
            r" träffsäkerhet\s+\((?P<value>[^)]+)\)"
        ),
        "gap": (
            r"(?P<model>{model}) klassar (?P<value>\S+)\s+procentenheter"
            r" fler testbilder rätt än (?P<other>[^.]+)\."
        ),
        "worst": (
            r"För (?P<model>{model}) var siffran (?P<digit>\d) svårast"
            r" \(F1 (?P<value>[^)]+)\)"
        ),
        "confused": (
            r"vanligaste förväxlingen var att en (?P<true>\w+) togs för"
            r" en (?P<pred>\w+) \((?P<value>[\d\u00a0]+) gång(?:er)?\)"
        ),
        "diagonal": (
            r"låg (?P<correct>\S+) av (?P<total>\S+) testbilder på"
            r" diagonalen för (?P<model>{model}) \((?P<value>[^)]+)\)"
        ),
    },
    "en": {
        "figure": "Figure",
        "table": "Table",
        "default": "Results with default parameters",
        "tuned": "Results with the parameters selected by the grid search",
        "best": "The best model in each family",
        "per_class": "Precision (P)",
        "counts": "Number of images per digit in the whole data set",
        "sum": "Total",
        "default_words": ("before", "default"),
        "tuned_words": ("after", "tuned"),
        "names": {
            "linear": "Linear regression", "lasso": "Lasso", "ridge": "Ridge",
            "elasticnet": "Elastic Net", "logreg": "Logistic regression", "mlp": "MLPClassifier",
        },
        "digits": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
        "lowest_rmse": (
            r"(?P<model>{model}) had\s+the lowest RMSE of the regression"
            r" models \((?P<value>[^)]+)\)"
        ),
        "highest_acc": (
            r"(?P<model>{model}) reached the highest accuracy of the"
            r" classifiers\s+\((?P<value>[^)]+)\)"
        ),
        "gap": (
            r"(?P<model>{model}) classifies (?P<value>\S+)\s+percentage"
            r" points more of the test images correctly than (?P<other>[^.]+)\."
        ),
        "worst": (
            r"(?P<model>{model}) had the most difficulty with the digit"
            r" (?P<digit>\d) \(F1 (?P<value>[^)]+)\)"
        ),
        "confused": (
            r"most common\s+confusion was classifying a handwritten"
            r" (?P<true>\w+) as (?P<pred>\w+) \((?P<value>[\d,]+) times?\)"
        ),
        "diagonal": (
            r"(?P<model>{model}) had (?P<correct>\S+) of (?P<total>\S+)"
            r" test images on the diagonal \((?P<value>[^)]+)\)"
        ),
    },
}  # fmt: skip
SHORT = {"MLP": "mlp", "LR": "logreg"}  # the per-digit table's column groups
HEADER = "0 1 2 3 4 5 6 7 8 9"


@dataclass
class Cell:
    """A number as printed, where it is: its text, its value, the page (from 1), the table or
    figure and the row and column it sits in."""

    text: str
    value: Decimal | None
    page: int
    where: str


@dataclass
class Matrix:
    model: str  # registry key
    phase: str  # default | tuned
    counts: list[list[int]]
    page: int
    label: str  # 'Figur 3'


@dataclass
class Visible:
    lang: str
    producer: str
    matrices: list[Matrix] = field(default_factory=list)
    # (table, model, column) -> Cell; table: default | tuned; column: validation | test | extra
    results: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    best: dict[str, Cell] = field(default_factory=dict)  # family -> the best model's accuracy
    per_class: dict[tuple[str, str, int], Cell] = field(default_factory=dict)  # model, P/R/F1
    support: dict[int, Cell] = field(default_factory=dict)
    test_counts: dict[int, Cell] = field(default_factory=dict)  # digit -> the Test column
    test_total: Cell | None = None
    sentences: dict[str, tuple[dict[str, str], int]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.matrices or self.results or self.per_class)


def number(text: str, lang: str) -> Decimal | None:
    """'1 234,5 %' (sv) or '1,234.5%' (en) -> Decimal('1234.5'); '−0,88' and '±0,00' signed;
    None if it is no number."""
    t = text.strip().replace("%", "").replace("\u00a0", "").replace("\u202f", "").strip()
    t = t.replace("\u2212", "-").replace("±", "")
    t = t.replace(",", ".") if lang == "sv" else t.replace(",", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", t):
        return None
    return Decimal(t)


def _pdf_facts(pdf: bytes) -> tuple[str, str]:
    """The document's language (/Lang) and its Producer."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        lang = str(reader.trailer["/Root"].get("/Lang", ""))[:2]
        producer = str((reader.metadata or {}).get("/Producer", "") or "")
    except Exception:  # noqa: BLE001 (a damaged file: no language, no producer)
        return "", ""
    return lang, producer


def read_visible(pdf: bytes) -> Visible:
    """Everything arithmetic.py checks, read from the pages' text."""
    lang, producer = _pdf_facts(pdf)
    pages = [page.text for page in read_pages(pdf)]
    if lang not in PHRASES:
        joined = "\n".join(pages)
        lang = "en" if re.search(r"\bPage \d+ of \d+", joined) else "sv"
    seen = Visible(lang, producer)
    words = PHRASES[lang]
    for number_, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines()]
        _matrices(lines, number_, words, seen)
        _tables(lines, number_, words, seen)
        flat = re.sub(r"[ \t\r\n]+", " ", text)  # a no-break space stays one
        names = "|".join(re.escape(n) for n in words["names"].values())
        for key in ("lowest_rmse", "highest_acc", "gap", "worst", "confused", "diagonal"):
            found = re.search(words[key].replace("{model}", names), flat)
            if found and key not in seen.sentences:
                seen.sentences[key] = (found.groupdict(), number_)
    return seen


def _model_in(text: str, words: dict) -> str | None:
    for key, name in words["names"].items():
        if name in text:
            return key
    return None


def _matrices(lines: list[str], page: int, words: dict, seen: Visible) -> None:
    for header, line in enumerate(lines):
        if line != HEADER:
            continue
        # the axis' label ("sann ↓") stands between the header and the first row, as shown
        i = next((k for k in range(header, header + 3) if lines[k + 1 : k + 2] and
                  lines[k + 1].startswith("0 ")), header)  # fmt: skip
        if i + 11 > len(lines):
            continue
        rows = []
        for d, row in enumerate(lines[i + 1 : i + 11]):
            tokens = row.split(" ")
            if tokens[0] != str(d) or len(tokens) != 11:
                break
            values = [number(t, seen.lang) for t in tokens[1:]]
            if any(v is None for v in values):
                break
            rows.append([int(v) for v in values])  # type: ignore[arg-type]
        if len(rows) != 10:
            continue
        caption, j = [], i + 11
        while j < len(lines) and len(caption) < 5:
            caption.append(lines[j])
            if lines[j].endswith("."):
                break
            j += 1
        text = " ".join(caption)
        label = re.match(rf"({words['figure']} \d+)\.", text)
        model = _model_in(text, words)
        lowered = text.lower()
        phase = (
            "tuned"
            if any(w in lowered for w in words["tuned_words"])
            else "default"
            if any(w in lowered for w in words["default_words"])
            else None
        )
        if label and model and phase:
            seen.matrices.append(Matrix(model, phase, rows, page, label.group(1)))


def _caption_at(lines: list[str], words: dict, opening: str) -> tuple[int, str] | None:
    for i, line in enumerate(lines):
        found = re.match(rf"({words['table']} \d+)\. {re.escape(opening)}", line)
        if found:
            return i, found.group(1)
    return None


def _tables(lines: list[str], page: int, words: dict, seen: Visible) -> None:
    lang = seen.lang
    for table in ("default", "tuned"):
        at = _caption_at(lines, words, words[table])
        if at is None:
            continue
        start, label = at
        tokens = " ".join(lines[start + 2 : start + 40]).split(" ")
        text = " ".join(tokens)
        for key, name in words["names"].items():
            spot = text.find(name + " ")
            if spot < 0:
                continue
            after = text[spot + len(name) + 1 :].split(" ")
            numbers = [t for t in after[:24] if number(t, lang) is not None or t == "–"]
            if len(numbers) < 3:
                continue
            for column, token in zip(("validation", "test", "extra"), numbers[:3], strict=True):
                where = f"{label}, {name}, {column}"
                seen.results[(table, key, column)] = Cell(token, number(token, lang), page, where)
    at = _caption_at(lines, words, words["best"])
    if at is not None:
        start, label = at
        for line in lines[start + 1 : start + 8]:
            key = _model_in(line, words)
            token = line.split(" ")[-1]
            if key is not None and number(token, lang) is not None:
                family = "classification" if key in ("logreg", "mlp") else "regression"
                where = f"{label}, {words['names'][key]}"
                seen.best.setdefault(family, Cell(token, number(token, lang), page, where))
    at = _caption_at(lines, words, words["per_class"])
    if at is not None:
        start, label = at
        head = next((k for k in range(start, start + 4) if lines[k].split(" ")[0] in
                     ("Siffra", "Digit")), None)  # fmt: skip
        if head is not None:
            groups = re.findall(r"(MLP|LR) (\S+)", lines[head])
            if any(metric not in METRICS for _, metric in groups):
                groups = []  # a header this reader does not know: no cell is trusted
            for row in lines[head + 1 : head + 11]:
                tokens = row.split(" ")
                if len(tokens) != len(groups) + 2 or not tokens[0].isdigit():
                    break
                digit = int(tokens[0])
                for (short, metric), token in zip(groups, tokens[1:-1], strict=True):
                    where = f"{label}, digit {digit}, {short} {metric}"
                    cell = Cell(token, number(token, lang), page, where)
                    seen.per_class[(SHORT[short], _metric(metric), digit)] = cell
                seen.support[digit] = Cell(
                    tokens[-1], number(tokens[-1], lang), page, f"{label}, digit {digit}, support"
                )
    at = _caption_at(lines, words, words["counts"])
    if at is not None:
        start, label = at
        for row in lines[start + 1 : start + 16]:
            tokens = row.split(" ")
            if tokens[0].isdigit() and len(tokens) == 5:
                digit = int(tokens[0])
                seen.test_counts[digit] = Cell(
                    tokens[4], number(tokens[4], lang), page, f"{label}, digit {digit}, test"
                )
            elif tokens[0] == words["sum"] and len(tokens) == 5:
                seen.test_total = Cell(
                    tokens[4], number(tokens[4], lang), page, f"{label}, {words['sum']}, test"
                )


METRICS = {"P": "precision", "T": "recall", "R": "recall", "F1": "f1"}  # the per-digit headers


def _metric(header: str) -> str:
    return METRICS[header]
