"""Turkish mobile numbers as people and Telegram write them, in one canonical form.

Telegram shares a contact's number as the user's phone book has it: with or
without ``+``, with the country code ``90``, a trunk ``0``, spaces, dashes or
brackets. The operator stores E.164 (``+905320001001``).
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_NATIONAL_DIGITS = 10  # 532 000 10 01


def normalize_phone_number(raw: str) -> str | None:
    """``"0532 000 10 01"``, ``"905320001001"``, ``"+90 (532) 000-10-01"`` -> ``"+905320001001"``.

    Returns None when ``raw`` is not a Turkish number of the right length.
    """
    compact = _SEPARATORS.sub("", raw.strip())
    if compact.startswith("+"):
        compact = compact[1:]
    elif compact.startswith("00"):
        compact = compact[2:]
    if not compact.isdigit():
        return None
    if len(compact) == _NATIONAL_DIGITS + 2 and compact.startswith("90"):
        national = compact[2:]
    elif len(compact) == _NATIONAL_DIGITS + 1 and compact.startswith("0"):
        national = compact[1:]
    elif len(compact) == _NATIONAL_DIGITS:
        national = compact
    else:
        return None
    if national.startswith("0"):
        return None
    return f"+90{national}"


def display_phone_number(e164: str) -> str:
    """``"+905320001001"`` -> ``"+90 532 000 10 01"``; anything else unchanged."""
    if not (e164.startswith("+90") and len(e164) == 13 and e164[1:].isdigit()):
        return e164
    national = e164[3:]
    return f"+90 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
