"""Why a submission got its verdict, in one short line of the class summary's language.

Every verdict but `reproduced` has one: `tampered`, the first text changed after the build and
its page; `differs` and `within_tolerance`, the first tuned test score that differs from the
rebuilt analysis's; `error` and `unverifiable`, what stopped the check (the errors a class meets
most in the page's language: KNOWN_ERRORS). Where the entry holds no such fact, its first detail
(verify's own words, in English) stands in. The class summary's
index.html shows it in a cell cut short (its title holds the whole); summary.csv, in English.
"""

from __future__ import annotations

import re
from typing import Any

from .. import numbers
from ..models import MODELS
from ..report.language import N_, Language, language

# the details verify adds that say what was not done, not why: never a reason
NOT_A_REASON = ("reproduction not run",)


# The errors a class meets most (what was handed in, a PDF that cannot be read), as the intake
# and the attachment reader word them (tests/verify/test_reasons.py makes each with the code that
# writes it): in the page's language. Any other error stays in verify's own words, English.
KNOWN_ERRORS = (
    (re.compile(r"(?:refused: )?handed in a file without an extension, not a report PDF: ask "
                r"for the PDF reportgen built"),
     N_("handed in a file without an extension, not a report PDF: ask for the PDF reportgen "
        "built")),
    (re.compile(r"(?:refused: )?handed in a (?P<suffix>\.\S+) file, not a report PDF: ask for "
                r"the PDF reportgen built"),
     N_("handed in a %(suffix)s file, not a report PDF: ask for the PDF reportgen built")),
    (re.compile(r"(?:refused: )?handed in an empty file: ask for the PDF reportgen built"),
     N_("handed in an empty file: ask for the PDF reportgen built")),
    (re.compile(r"(?P<file>.+) is not a PDF \(no %PDF- header\): give a report PDF made by "
                r"`reportgen build`"),
     N_("%(file)s is not a PDF: ask for the PDF reportgen built")),
    (re.compile(r"(?P<file>.+) is not a readable PDF \((?P<why>.*)\): give a report PDF made "
                r"by `reportgen build`"),
     N_("%(file)s cannot be read as a PDF (%(why)s): ask for the PDF reportgen built")),
    (re.compile(r"(?P<file>.+) is encrypted: ask for the report PDF without a password"),
     N_("%(file)s is encrypted: ask for the report PDF without a password")),
    (re.compile(r"(?:refused: )?its name is not in (?P<lms>\w+)'s form: which student is it\?"),
     N_("its name is not in %(lms)s's form: which student is it?")),
)  # fmt: skip


def error_line(text: str, lang: Language) -> str:
    """An error's line in `lang` where it is one of KNOWN_ERRORS, else as verify wrote it (in
    English always as verify wrote it)."""
    if lang.code == "en":
        return text
    for pattern, message in KNOWN_ERRORS:
        found = pattern.fullmatch(text)
        if found:
            return lang.gettext(message) % found.groupdict()
    return text


def reason(entry: dict[str, Any], code: str = "en") -> str:
    """One line: why `entry` is not `reproduced` ('' when it is), in the language `code`."""
    verdict = entry["verdict"]
    if verdict == "reproduced":
        return ""
    lang = language(code)
    if verdict == "error":
        return error_line(entry.get("reason") or _first_detail(entry, last=True), lang)
    if verdict == "tampered":
        return _changed_text(entry, lang) or _first_detail(entry)
    if verdict in ("differs", "within_tolerance"):
        return _first_score(entry, lang) or _first_detail(entry)
    return _first_detail(entry)  # unverifiable: why its attachments could not be read


def _first_detail(entry: dict[str, Any], last: bool = False) -> str:
    details = [d for d in entry.get("details", []) if not d.startswith(NOT_A_REASON)]
    if not details:
        return ""
    return details[-1] if last else details[0]


def changed_words(before: str, after: str) -> tuple[str, str]:
    """The words of two lines that differ, without the words they share at either end:
    ('Ridge 93,3 % 73,3 % – MLP', 'Ridge 93,3 % 99,9 % – MLP') -> ('73,3', '99,9')."""
    old, new = before.split(), after.split()
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old, new = old[start : len(old) - end], new[start : len(new) - end]
    if not old and not new:  # the lines differ in their spaces alone
        return before, after
    return " ".join(old), " ".join(new)


def _changed_text(entry: dict[str, Any], lang: Language) -> str:
    """'page 3: "73.3" → "99.9"' (the words that changed in the first text changed after the
    build), and how many more texts changed."""
    changes = entry.get("text_changes") or []
    if not changes:
        return ""
    _ = lang.gettext
    first = changes[0]
    before, after = changed_words(first["before"], first["after"])
    line = _("page %(page)s: “%(before)s” → “%(after)s”") % {
        "page": first["page"], "before": before, "after": after,
    }  # fmt: skip
    more = len(changes) - 1
    if more:
        line += " " + lang.ngettext("(and %(n)s more change)", "(and %(n)s more changes)", more) % {
            "n": more
        }
    return line


def _first_score(entry: dict[str, Any], lang: Language) -> str:
    """'Ridge, test RMSE: report 2.59, rebuilt 2.60': the first model (in the report's order)
    whose tuned test score differs from the rebuilt analysis's."""
    facts = entry.get("facts") or {}
    theirs = facts.get("scores") or {}
    ours = (entry.get("rebuilt") or {}).get("scores") or {}
    metrics = facts.get("metrics") or {}
    _ = lang.gettext
    for key, spec in MODELS.items():
        old, new = theirs.get(key), ours.get(key)
        if old is None or new is None or old == new or key not in metrics:
            continue
        shown_old, shown_new, _change = numbers.pair(metrics[key], old, new, lang.code, "summary")
        return _("%(model)s, test %(metric)s: report %(report)s, rebuilt %(rebuilt)s") % {
            "model": _(spec.label), "metric": _(metrics[key]),
            "report": shown_old, "rebuilt": shown_new,
        }  # fmt: skip
    return ""
