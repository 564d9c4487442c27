"""Phone numbers through libphonenumber (``phonenumbers``): one parser for the whole project.

Linking a Telegram account (``bot.accounts``), changing the contact number
(``agent.tools.account``), finding a number in a customer's text
(``agent.rules.slots``) and masking numbers in the logs (``core.logs``) all
read numbers here, so they agree on what a Turkish number is: one that
libphonenumber's data says is valid for Turkey (+90).

How the digits are read depends on who wrote them (:class:`Written`):

- ``TYPED``: a customer typed the number in a Turkish chat. National forms
  are read as Turkish ("0532 000 10 01", "532 000 10 01" and "5320001001" are
  all +90 532 000 10 01); a number with ``+`` or ``00`` is read with its own
  country code ("+53 2000 1002" is Cuban, so not Turkish).
- ``INTERNATIONAL``: Telegram shared a contact. Telegram sends the number in
  international form, with or without ``+``: the leading digits are the
  country code. "5320001006" is therefore +53 20001006 (Cuba), never
  +90 532 000 10 06; only "905320001006" or "+905320001006" is Turkish. A
  single leading ``0`` cannot start a country code, so "0532 000 10 06" can
  only be a Turkish national number and is read as one.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, NumberParseException, PhoneNumber, PhoneNumberFormat

TURKEY = "TR"

# What a written phone number may contain: digits and the usual separators, at
# most one leading '+'. Letters ("abc5320001001", vanity numbers) are refused.
_WRITTEN_NUMBER = re.compile(r"[\s(]*\+?[\d\s().\-/]*\d[\d\s().\-/]*")
_SEPARATORS = re.compile(r"[\s().\-/]")
_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


class Written(Enum):
    """Who wrote the number, which decides how its leading digits are read."""

    TYPED = "typed"  # by a customer in a Turkish chat
    INTERNATIONAL = "international"  # by Telegram, in a shared contact


def parse_number(text: str, written: Written = Written.TYPED) -> PhoneNumber | None:
    """The number ``text`` spells, read as :class:`Written` says; None if it is not one."""
    if not _WRITTEN_NUMBER.fullmatch(text):
        return None
    try:
        if written is Written.TYPED:
            return phonenumbers.parse(text, TURKEY)
        return phonenumbers.parse(_international(text), _region_of_international(text))
    except NumberParseException:
        return None


def _international(text: str) -> str:
    """Telegram's contact number with the ``+`` its country code implies."""
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+"):
        return compact
    if compact.startswith("00"):
        return "+" + compact[2:]
    if compact.startswith("0"):
        return compact  # national form: only Turkish can be meant (see the module doc)
    return "+" + compact


def _region_of_international(text: str) -> str | None:
    compact = _SEPARATORS.sub("", text)
    national = compact.startswith("0") and not compact.startswith("00")
    return TURKEY if national else None


def is_turkish(number: PhoneNumber) -> bool:
    """Whether libphonenumber's data says ``number`` is a valid Turkish number."""
    return phonenumbers.is_valid_number_for_region(number, TURKEY)


def is_mobile(number: PhoneNumber) -> bool:
    """Whether ``number`` is a mobile number (a line that can take SMS)."""
    return phonenumbers.number_type(number) in _MOBILE_TYPES


def e164(number: PhoneNumber) -> str:
    """``+905320001001``: the form the operator stores."""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def turkish_number(text: str, written: Written = Written.TYPED) -> str | None:
    """A valid Turkish number in ``text`` as E.164, or None (foreign, invalid, not a number)."""
    number = parse_number(text, written)
    return e164(number) if number is not None and is_turkish(number) else None


def turkish_mobile(text: str, written: Written = Written.TYPED) -> str | None:
    """A valid Turkish mobile number in ``text`` as E.164, or None."""
    number = parse_number(text, written)
    if number is None or not is_turkish(number) or not is_mobile(number):
        return None
    return e164(number)


def format_international(number_e164: str) -> str:
    """``"+905320001001"`` -> ``"+90 532 000 10 01"``; anything unparsable unchanged."""
    number = _stored(number_e164)
    if number is None:
        return number_e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def format_national(number_e164: str) -> str:
    """``"+905320001001"`` -> ``"0532 000 10 01"``, as Turkish numbers are written at home.

    A foreign number keeps its international form; anything unparsable is unchanged.
    """
    number = _stored(number_e164)
    if number is None:
        return number_e164
    if not is_turkish(number):
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def _stored(number_e164: str) -> PhoneNumber | None:
    if not number_e164.startswith("+"):
        return None
    try:
        return phonenumbers.parse(number_e164, None)
    except NumberParseException:
        return None


# -- numbers inside running text (log masking) --------------------------------

# A run of at least 7 digits with at most 3 separators between two digits: the
# only places a number can hide, so libphonenumber runs on these spans alone.
_CANDIDATE = re.compile(r"(?:\+|\(\+?)?\d(?:[ \t().\-/]{0,3}\d){6,}")
_MASK = "*******"


def masked(number: PhoneNumber) -> str:
    """``+90*******02``: the country code and the last two digits, nothing else."""
    national = str(number.national_number)
    return f"+{number.country_code}{_MASK}{national[-2:]}"


def mask_numbers(text: str) -> str:
    """``text`` with every phone number in it replaced by :func:`masked`.

    libphonenumber's matcher (valid numbers, read in a Turkish context) finds
    numbers in every usual spelling; a ``+``-prefixed run it rejects as
    invalid is still masked when it is a possible number of its country.
    """
    if _CANDIDATE.search(text) is None:
        return text
    return _CANDIDATE.sub(lambda candidate: _mask_candidate(candidate.group()), text)


# Log lines repeat the same ids (chats, users); each span is judged once.
@lru_cache(maxsize=4096)
def _mask_candidate(span: str) -> str:
    if span.isdigit():
        number = _bare_digits(span)
        return masked(number) if number is not None else span
    pieces: list[str] = []
    last = 0
    for match in phonenumbers.PhoneNumberMatcher(span, TURKEY, leniency=Leniency.VALID):
        pieces += [span[last : match.start], masked(match.number)]
        last = match.end
    if pieces:
        return "".join([*pieces, span[last:]])
    if span.lstrip("(").startswith("+"):
        number = parse_number(span, Written.INTERNATIONAL)
        if number is not None and phonenumbers.is_possible_number(number):
            return masked(number)
    return span


def _bare_digits(span: str) -> PhoneNumber | None:
    """The number a run of bare digits spells, as the matcher would read it.

    Without ``+`` or ``00`` only a Turkish reading exists, and only these
    lengths can be one: 10 digits, 11 with the trunk ``0``, 12 with ``90``.
    Everything else (update ids, amounts in kuruş) is rejected without parsing.
    """
    international = span.startswith("00")
    turkish_length = (
        (len(span) == 10 and span[0] != "0")
        or (len(span) == 11 and span[0] == "0")
        or (len(span) == 12 and span.startswith("90"))
    )
    if not (international or turkish_length):
        return None
    number = parse_number(span, Written.TYPED)
    return number if number is not None and phonenumbers.is_valid_number(number) else None
