"""Turkish text rules: casing, matching keys, money and dates.

Every user-facing number and date goes through here so the whole product
writes ``1.234,56 TL`` and ``15 Aralık 2026`` the same way.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

# Parsed once: Babel parses a locale given by name on every call.
LOCALE = Locale.parse("tr_TR")
ISTANBUL = ZoneInfo("Europe/Istanbul")

_LOWER_SPECIAL = str.maketrans({"I": "ı", "İ": "i"})
_UPPER_SPECIAL = str.maketrans({"i": "İ", "ı": "I"})
# Turkish letters folded to their ASCII look-alikes for forgiving matching.
_ASCII_FOLD = str.maketrans("çğıöşüÇĞİÖŞÜâîûÂÎÛ", "cgiosuCGIOSUaiuAIU")


def tr_lower(text: str) -> str:
    """Lower-case with Turkish rules: ``I`` -> ``ı``, ``İ`` -> ``i``."""
    return text.translate(_LOWER_SPECIAL).lower()


def tr_upper(text: str) -> str:
    """Upper-case with Turkish rules: ``i`` -> ``İ``, ``ı`` -> ``I``."""
    return text.translate(_UPPER_SPECIAL).upper()


def tr_capitalize(text: str) -> str:
    """First letter upper-cased with Turkish rules, the rest untouched."""
    return tr_upper(text[:1]) + text[1:] if text else text


def fold(text: str) -> str:
    """A matching key: Turkish-lower-cased, diacritics removed, spaces collapsed.

    "Öğrenci DOSTU" and "ogrenci dostu" give the same key; so do text typed
    with a dotless or a dotted i.
    """
    lowered = tr_lower(unicodedata.normalize("NFC", text)).translate(_ASCII_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def quantize_money(amount: Decimal | int | str) -> Decimal:
    """Two decimal places, rounded half up, as the operator's billing does."""
    return Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | int | str, currency: str = "TL") -> str:
    """``Decimal("1234.5")`` -> ``"1.234,50 TL"``."""
    text = format_decimal(quantize_money(amount), format="#,##0.00", locale=LOCALE)
    return f"{text} {currency}"


def format_day(day: date | datetime) -> str:
    """``date(2026, 12, 15)`` -> ``"15 Aralık 2026"``; datetimes in Istanbul time."""
    if isinstance(day, datetime):
        day = to_istanbul(day).date()
    return format_date(day, "d MMMM y", locale=LOCALE)


def format_moment(moment: datetime) -> str:
    """``"15 Aralık 2026 14:05"`` in Istanbul time."""
    return format_datetime(to_istanbul(moment), "d MMMM y HH:mm", locale=LOCALE)


def to_istanbul(moment: datetime) -> datetime:
    """Convert an aware (or naive UTC) datetime to Europe/Istanbul."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ISTANBUL)
