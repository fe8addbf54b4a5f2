"""The language layer: every word and number format the report, the figures and the console
show, in Swedish (sv) or English (en).

Short strings come from gettext catalogs (reportgen/locale/<lang>/LC_MESSAGES/reportgen.po,
English message ids; `make i18n` extracts and updates them with Babel); long prose lives in
per-language templates (templates/<lang>/). Babel formats dates ("24 november 2026",
"24 November 2026"); numbers ("97,5 %", "70 000" in Swedish, "97.5%", "70,000" in English) come
from reportgen/numbers.py, the one home of every number reportgen writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.support import NullTranslations, Translations

from .. import numbers
from ..locations import LOCALE_DIR

LANGUAGES = numbers.LOCALES
DOMAIN = "reportgen"


def catalog_files() -> list[Path]:
    """Every catalog of the language layer (part of the render key)."""
    return sorted(LOCALE_DIR.rglob("*.po"))


def _translations(code: str) -> NullTranslations:
    """The catalog of `code`, compiled in memory from its .po file (no .mo is committed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return NullTranslations()  # the message ids are the text
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=LANGUAGES[code])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Language:
    """One language: its gettext catalog, Babel's date formats, and the numbers of
    reportgen/numbers.py in this language."""

    code: str
    locale: Locale
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # -- numbers: reportgen/numbers.py writes them; these are the templates' filters ---------

    def decimal(self, value: float, digits: int = 2, signed: bool = False) -> str:
        """A fixed-point number: '1 234,57' (sv), '1,234.57' (en); '−' for a minus."""
        return numbers.decimal_number(value, self.code, digits, signed)

    def integer(self, value: int) -> str:
        """A whole number, thousands grouped: '70 000' (sv), '70,000' (en)."""
        return numbers.integer(value, self.code)

    def percent(self, value: float, digits: int = numbers.SHARE_DIGITS) -> str:
        """A share as a percentage: 0.975 -> '97,5 %' (sv), '97.5%' (en)."""
        return numbers.percent(value, self.code, digits)

    def sci(self, value: float, digits: int = numbers.SCI_DIGITS) -> str:
        """Scientific notation with a superscript exponent: '7,9·10⁹'."""
        return numbers.scientific(value, self.code, digits)

    def rmse(self, value: float) -> str:
        """An RMSE: two decimals, or scientific notation above 10 000 (numbers.SCI_ABOVE)."""
        return numbers.metric("rmse", value, self.code)

    def pp(self, value: float, digits: int = 1, unit: bool = True, sign: bool = True) -> str:
        """A difference of two shares in percentage points: '+0,6 procentenheter'."""
        number = numbers.points(value, self.code, digits, signed=sign)
        if not unit:
            return number
        _ = self.gettext
        unit_word = _("percentage points")
        return f"{number}{numbers.NBSP}{unit_word}"

    # -- words ----------------------------------------------------------------------------

    def date(self, iso: str) -> str:
        """'2026-11-24' -> '24 november 2026' (sv), '24 November 2026' (en); other text as is."""
        try:
            return format_date(dt.date.fromisoformat(iso), "d MMMM y", locale=self.locale)
        except (ValueError, TypeError):
            return iso

    def join(self, items: list[str]) -> str:
        """'a, b och c' (sv), 'a, b and c' (en)."""
        items = [str(i) for i in items]
        return format_list(items, locale=self.locale) if items else ""


def N_(message: str) -> str:
    """Marks a message for the catalog (`make i18n` finds it) where it is translated later."""
    return message


@functools.cache
def language(code: str) -> Language:
    """The language layer of `code` ('sv' or 'en')."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: use {' or '.join(LANGUAGES)}")
    return Language(code, numbers.locale(code), _translations(code))
