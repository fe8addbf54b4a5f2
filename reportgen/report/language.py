"""The language layer: every word and number format the report, the figures and the console
show, in Swedish (sv) or English (en).

Short strings come from gettext catalogs (reportgen/locale/<lang>/LC_MESSAGES/reportgen.po,
English message ids; `make i18n` extracts and updates them with Babel); long prose lives in
per-language templates (templates/<lang>/). Babel formats numbers, percentages and dates:
"97,5 %", "70 000", "24 november 2026" in Swedish, "97.5%", "70,000", "24 November 2026" in
English.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, get_minus_sign_symbol
from babel.support import NullTranslations, Translations

from ..config import LOCALES as LANGUAGES  # each language's Babel locale, declared once
from ..locations import LOCALE_DIR

DOMAIN = "reportgen"
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
NBSP = "\u00a0"


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
    """One language: its gettext catalog and Babel's number and date formats."""

    code: str
    locale: Locale
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    # -- numbers --------------------------------------------------------------------------

    def decimal(self, value: float, digits: int = 2, signed: bool = False) -> str:
        """A fixed-point number: '1 234,57' (sv), '1,234.57' (en); '−' for a minus."""
        if value is None or not math.isfinite(value):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        rounded = f"{abs(value):.{digits}f}"  # Python's rounding; Babel only writes it out
        text = format_decimal(Decimal(rounded), pattern, locale=self.locale)
        rounded_zero = float(rounded) == 0
        if value < 0 and not rounded_zero:
            return self.minus + text
        if signed:
            return ("±" if rounded_zero else "+") + text
        return text

    @property
    def minus(self) -> str:
        return get_minus_sign_symbol(self.locale) if self.code == "sv" else "-"

    def integer(self, value: int) -> str:
        """A whole number, thousands grouped: '70 000' (sv), '70,000' (en)."""
        return self.decimal(float(value), 0)

    def percent(self, value: float, digits: int = 1) -> str:
        """A share as a percentage: 0.975 -> '97,5 %' (sv), '97.5%' (en)."""
        number = self.decimal(value * 100, digits)
        pattern = self.locale.percent_formats[None].pattern  # '#,##0\xa0%' or '#,##0%'
        return pattern.replace("#,##0", number)

    def sci(self, value: float, digits: int = 1) -> str:
        """Scientific notation with a superscript exponent: '7,9·10⁹'."""
        if value == 0 or not math.isfinite(value):
            return self.decimal(value, digits)
        exponent = math.floor(math.log10(abs(value)))
        mantissa = value / 10**exponent
        if round(abs(mantissa), digits) >= 10:
            mantissa, exponent = mantissa / 10, exponent + 1
        return f"{self.decimal(mantissa, digits)}·10{str(exponent).translate(SUPERSCRIPT)}"

    def rmse(self, value: float) -> str:
        """An RMSE: two decimals, or scientific notation above 10 000."""
        return self.sci(value, 1) if abs(value) > 1e4 else self.decimal(value, 2)

    def pp(self, value: float, digits: int = 1, unit: bool = True, sign: bool = True) -> str:
        """A difference of two shares in percentage points: '+0,6 procentenheter'."""
        number = self.decimal(value * 100, digits, signed=sign)
        if not unit:
            return number
        _ = self.gettext
        unit_word = _("percentage points")
        return f"{number}{NBSP}{unit_word}"

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
    return Language(code, Locale.parse(LANGUAGES[code]), _translations(code))
