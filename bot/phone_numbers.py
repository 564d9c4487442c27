"""The number of a contact Telegram shares, read with libphonenumber (``core.phone_numbers``).

Telegram sends a shared contact's number in international form, with or
without ``+`` ("905320001001", "+905320001001"): its leading digits are the
country code. So "5320001006" is a Cuban number (+53), never the Turkish
532 000 10 06, and a Cuban account "+53 2000 1002" never matches a Turkish
line. Only a number libphonenumber says is a valid Turkish (+90) number can
link an account. A national form with a trunk ``0`` ("0532 000 10 01") can
only be Turkish and is read so. The operator stores E.164 (``+905320001001``).
"""

from __future__ import annotations

from core.phone_numbers import Written, format_international, turkish_number


def normalize_phone_number(raw: str) -> str | None:
    """A shared contact's number as E.164 when it is a valid Turkish number, else None.

    ``"905320001001"``, ``"+90 (532) 000-10-01"``, ``"0532 000 10 01"`` -> ``"+905320001001"``;
    ``"5320001001"`` (+53, Cuba), ``"+4915112345678"``, ``"0532000100"`` -> None.
    """
    return turkish_number(raw.strip(), Written.INTERNATIONAL)


def display_phone_number(e164: str) -> str:
    """``"+905320001001"`` -> ``"+90 532 000 10 01"``; anything else unchanged."""
    return format_international(e164)
