"""Checking and normalising the contact details a customer asks to change."""

from __future__ import annotations

import re

# A Turkish mobile number in any usual spelling: +90 532 ..., 0532 ..., 532 ...
_MOBILE = re.compile(r"(?:\+?90|0)?(5\d{9})")
# Deliberately simple: something@domain.tld, no spaces; the verification mail
# is the real check.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")

MIN_ADDRESS_CHARS = 10


def normalize_mobile(text: str) -> str | None:
    """``"0532 123 45 67"`` -> ``"+905321234567"``; None if it is not a Turkish mobile number."""
    match = _MOBILE.fullmatch(_PHONE_SEPARATORS.sub("", text))
    return f"+90{match.group(1)}" if match else None


def format_mobile(e164: str) -> str:
    """``"+905321234567"`` -> ``"0532 123 45 67"``, the way Turkish numbers are written."""
    digits = e164.removeprefix("+90")
    if len(digits) != 10:
        return e164
    return f"0{digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"


def is_email(text: str) -> bool:
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None
