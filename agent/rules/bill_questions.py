"""Which bill a customer asks about, and picking it from ``get_past_bills``.

"Ekim ayı faturam", "geçen ayki fatura", "en pahalı faturam", "borcum var mı",
"son altı ayda toplam ne kadar": each asks for a particular bill or a view of
the bills, not for the current one. ``read_bill_question`` reads the text into
a :class:`BillQuestion`; ``pick_bills`` applies it to the bills a tool result
listed.

Months are counted by the bill date: the bill issued on 27 October 2026 is the
October bill. A month that refers back ("bir önceki ay", "ondan önceki")
counts from ``anchor``, the month of the bill the conversation is about (the
dialogue state passes it, ``"2026-11"``). Otherwise a relative month counts
from the customer's newest bill, which customers call "this month's bill"
whatever day it was issued: "geçen ayki fatura" is the one before it, "iki ay
önceki" the one before that. A month name without a year is the newest such
month up to the anchor's month, or today's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from babel.dates import get_month_names

from agent.rules.normalize import CASE_SUFFIXES, Message, analyse, number_at
from core.turkish import ISTANBUL, LOCALE, fold


class BillPick(StrEnum):
    """What a bill question selects."""

    MONTH = "month"  # the bill of one month (named or relative)
    HIGHEST = "highest"  # the bill with the highest amount
    LOWEST = "lowest"  # the bill with the lowest amount
    UNPAID = "unpaid"  # every unpaid bill, overdue first, with their total (debt)
    TOTAL = "total"  # the sum of the bills listed
    TYPICAL = "typical"  # what a bill usually comes to ("normalde ne kadar geliyor")


@dataclass(frozen=True)
class BillQuestion:
    """A bill question read from the text.

    For ``MONTH``: ``month`` is the month asked for (``"2026-10"``), None
    when it counts from the newest bill (see ``resolve_month``); ``offset`` is
    set when the text counted it ("geçen ay" -1, "bu ay" 0) and ``year_given``
    when the text named the year.
    """

    pick: BillPick
    month: str | None = None
    offset: int | None = None
    year_given: bool = False
    overdue_only: bool = False  # UNPAID: the question is about overdue bills ("gecikmiş")


# Folded Turkish month names from the locale: {"ocak": 1, ..., "aralik": 12}.
MONTH_NUMBERS: dict[str, int] = {
    fold(name): number for number, name in get_month_names("wide", locale=LOCALE).items()
}
_MONTH_NAMES: dict[int, str] = dict(get_month_names("wide", locale=LOCALE).items())

# With the softened forms a suffix makes: "en yükseği", "en düşüğü", "en büyüğü".
_HIGHEST = (
    "en pahali",
    "en yuksek",
    "en yukseg",
    "en fazla",
    "en cok",
    "en buyuk",
    "en buyug",
    "highest",
)
_LOWEST = ("en dusuk", "en dusug", "en ucuz", "en az", "en kucuk", "en kucug", "lowest")
# A superlative that picks a package: "en ucuz pakete", "en pahalı tarife".
_PACKAGE_SUPERLATIVE = tuple(
    f"{superlative} {noun}"
    for superlative in ("en ucuz", "en uygun", "en pahali", "en dusuk", "en yuksek")
    for noun in ("paket", "tarife")
)
_OVERDUE = ("gecikmis", "geciken", "gecikme", "vadesi gec", "son odeme tarihi gec", "overdue")
TYPICAL_CUES = ("normalde", "genelde", "genellikle", "ortalama", "her ay ne kadar", "usually")
_UNPAID = (
    "borc",
    "odenmemis",
    "odenmeyen",
    "odemedigim",
    "odenmedi",
    "gecikmis",
    "geciken",
    "gecikme",
    "vadesi gec",
    "son odeme tarihi gec",
    "unpaid",
    "overdue",
    "debt",
)
_TOTAL = ("toplam", "toplamda", "hepsi", "total")
_YEARS = range(2000, 2100)
# Endings a month name takes: "ekimde", "eylülün", "kasımdaki", "ağustosta".
_MONTH_ENDINGS = CASE_SUFFIXES | {"ki", "inki", "unki", "indeki", "undaki"}
# "ay", "ayki", "ayın", "aya", "ayda", "aydaki": a month word after "geçen"/"bu"/"önceki".
_MONTH_WORD = ("ay$", "ayki", "ayin", "aya$", "ayda", "aydaki", "ayinki", "ayi$")


def read_bill_question(
    text: str, anchor: str | None = None, *, today: date | None = None
) -> BillQuestion | None:
    """The bill ``text`` asks about, or None when it names no particular bill.

    ``anchor`` is the month (``"2026-11"``) of the bill the conversation is about;
    relative months count from it. ``today`` defaults to today in Istanbul.
    """
    message = analyse(text)
    if message.has(*_PACKAGE_SUPERLATIVE):
        return None  # "fatura çok geliyor, en ucuz pakete geçeyim": a package, not a bill
    if message.has(*_HIGHEST) and not message.has("en cok kullan", "en fazla kullan"):
        return BillQuestion(BillPick.HIGHEST)
    if message.has(*_LOWEST):
        return BillQuestion(BillPick.LOWEST)
    if message.has(*TYPICAL_CUES):
        return BillQuestion(BillPick.TYPICAL)
    base = _month_of(anchor) or _month_index(today or datetime.now(ISTANBUL).date())
    named = _named_month(message, base)
    if named is not None:
        return named
    relative = _relative_offset(message, anchor is not None)
    if relative is not None:
        offset, anaphoric = relative
        if anaphoric and anchor is not None:
            return BillQuestion(BillPick.MONTH, _month_text(base + offset), offset)
        return BillQuestion(BillPick.MONTH, None, offset)
    if message.has(*_UNPAID):
        return BillQuestion(BillPick.UNPAID, overdue_only=message.has(*_OVERDUE))
    if message.has(*_TOTAL):
        return BillQuestion(BillPick.TOTAL)
    return None


def is_debt_question(text: str) -> bool:
    """Whether ``text`` asks what the customer owes ("borcum var mı", "ödenmemiş faturam")."""
    question = read_bill_question(text)
    return question is not None and question.pick is BillPick.UNPAID


def bill_month(bill: dict[str, Any]) -> str | None:
    """The month of a bill by its bill date: ``"2026-10"``."""
    value = bill.get("bill_date")
    if not isinstance(value, str) or len(value) < 7:
        return None
    return value[:7]


def month_label(month: str) -> str:
    """``"2026-10"`` -> ``"Ekim 2026"``."""
    number = _month_of(month)
    if number is None:
        return month
    year, index = divmod(number, 12)
    return f"{_MONTH_NAMES[index + 1]} {year}"


def amount_of(bill: dict[str, Any]) -> Decimal:
    """The bill's amount as a Decimal (0 when unreadable)."""
    try:
        return Decimal(str(bill.get("amount")))
    except ArithmeticError:
        return Decimal(0)


def is_unpaid(bill: dict[str, Any]) -> bool:
    return str(bill.get("status") or "").lower() in ("unpaid", "overdue")


def pick_bills(question: BillQuestion, bills: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bills ``question`` selects from ``bills`` (newest first, as the tool lists them).

    ``MONTH``: the bill of that month; when the month has none and the text
    named no year, the newest bill of the same calendar month. ``HIGHEST`` /
    ``LOWEST``: the bill with the extreme amount (the newest one on a tie).
    ``UNPAID``: every unpaid bill, overdue ones first, oldest first within a
    status. ``TOTAL``: all of them.
    """
    if question.pick is BillPick.MONTH:
        month = resolve_month(question, bills)
        exact = [bill for bill in bills if bill_month(bill) == month]
        if exact or question.year_given or question.offset is not None or not month:
            return exact[:1]
        same_name = [bill for bill in bills if (bill_month(bill) or "")[5:] == month[5:]]
        return same_name[:1]
    if question.pick in (BillPick.HIGHEST, BillPick.LOWEST) and bills:
        extreme = max if question.pick is BillPick.HIGHEST else min
        target = extreme(amount_of(bill) for bill in bills)
        return [next(bill for bill in bills if amount_of(bill) == target)]
    if question.pick is BillPick.UNPAID:
        unpaid = [bill for bill in bills if is_unpaid(bill)]
        overdue = [bill for bill in unpaid if str(bill.get("status")).lower() == "overdue"]
        rest = [bill for bill in unpaid if bill not in overdue]
        return _oldest_first(overdue) + _oldest_first(rest)
    return list(bills)


def resolve_month(question: BillQuestion, bills: Sequence[dict[str, Any]]) -> str | None:
    """The month ``question`` asks for, a count from the newest bill resolved against ``bills``."""
    if question.month is not None or question.offset is None:
        return question.month
    newest = max((month for bill in bills if (month := bill_month(bill))), default=None)
    index = _month_of(newest)
    return _month_text(index + question.offset) if index is not None else None


def typical_amount(bills: Sequence[dict[str, Any]]) -> tuple[Decimal, int] | None:
    """The amount most bills came to, and how many did (the newest such amount on a tie)."""
    counts: dict[Decimal, int] = {}
    for bill in bills:
        counts[amount_of(bill)] = counts.get(amount_of(bill), 0) + 1
    if not counts:
        return None
    amount = max(counts, key=lambda value: counts[value])  # dicts keep the newest first
    return amount, counts[amount]


def total_of(bills: Iterable[dict[str, Any]]) -> Decimal:
    return sum((amount_of(bill) for bill in bills), Decimal(0))


def ties_of(bill: dict[str, Any], bills: Sequence[dict[str, Any]]) -> int:
    """How many of ``bills`` have the same amount as ``bill`` (itself included)."""
    return sum(1 for other in bills if amount_of(other) == amount_of(bill))


# --- reading the text -------------------------------------------------------------


def _named_month(message: Message, base: int) -> BillQuestion | None:
    words = message.words
    for index, word in enumerate(words):
        number = _month_name_number(word)
        if number is None:
            continue
        year = _year_near(words, index)
        if year is not None:
            return BillQuestion(BillPick.MONTH, f"{year:04d}-{number:02d}", year_given=True)
        base_year, base_index = divmod(base, 12)
        year = base_year if number - 1 <= base_index else base_year - 1
        return BillQuestion(BillPick.MONTH, f"{year:04d}-{number:02d}")
    return None


def _month_name_number(word: str) -> int | None:
    """ "ekim", "ekimde", "eylulun", "kasimdaki" -> the month number."""
    for name, number in MONTH_NUMBERS.items():
        if word.startswith(name) and word[len(name) :] in _MONTH_ENDINGS:
            return number
    return None


def _year_near(words: tuple[str, ...], index: int) -> int | None:
    for near in (index + 1, index - 1):
        if 0 <= near < len(words) and words[near].isdigit() and int(words[near]) in _YEARS:
            return int(words[near])
    return None


def _relative_offset(message: Message, anchored: bool) -> tuple[int, bool] | None:
    """Months before (negative) or after a base month that the text counts.

    The flag says whether the count refers back to the bill in focus ("bir
    önceki", "ondan sonraki": from the anchor) or to today ("geçen ay",
    "iki ay önce", "bu ay").
    """
    words = message.words
    for index in range(len(words)):
        number = number_at(words, index)
        if number is None:
            continue
        value, used = number
        rest = words[index + used : index + used + 2]
        if len(rest) == 2 and rest[0] == "ay" and rest[1].startswith("once") and 1 <= value <= 24:
            return -value, False  # "iki ay önceki", "3 ay önce"
    plural = any(word.startswith("faturalar") for word in words)
    if message.has("bir onceki", "ondan onceki", "onceki ay") or (
        anchored and not plural and message.has("onceki$", "oncesi")
    ):
        return -1, True
    if message.has("bir sonraki", "ondan sonraki", "sonraki ay") or (
        anchored and message.has("sonraki$")
    ):
        return 1, True
    if message.has("son faturam$", "son faturami$", "son faturamin", "son fatura$") and not any(
        number_at(words, index) for index in range(len(words))
    ):
        return 0, False  # "son faturam ne zaman ödenmiş": the newest bill
    if message.has("gecen ay", "gecen fatura", "gecen faturam") or (
        message.has("onceki fatura") and not plural
    ):
        return -1, False
    if any(message.has(f"bu {word}") for word in _MONTH_WORD) or message.has("bu donem"):
        return 0, False
    return None


# --- months as integers (year * 12 + month - 1) ------------------------------------------


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_of(month: str | None) -> int | None:
    if not month or len(month) < 7:
        return None
    try:
        year, number = int(month[:4]), int(month[5:7])
    except ValueError:
        return None
    return year * 12 + number - 1 if 1 <= number <= 12 else None


def _month_text(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def _oldest_first(bills: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(bills, key=lambda bill: str(bill.get("bill_date") or ""))
