"""Checking and normalising the contact details a customer asks to change.

Phone numbers go through the project's one parser (``core.phone_numbers``,
libphonenumber's data): a customer types them in a Turkish chat, so national
forms ("0532 123 45 67", "5321234567") are Turkish, and only a valid Turkish
mobile number is accepted; "+53 2000 1002" (Cuba) or a number with no such
Turkish prefix is refused.
"""

from __future__ import annotations

import re

from core.phone_numbers import Written, format_national, turkish_mobile

# Deliberately simple: something@domain.tld, no spaces; the verification mail
# is the real check.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

MIN_ADDRESS_CHARS = 10


def normalize_mobile(text: str) -> str | None:
    """``"0532 123 45 67"`` -> ``"+905321234567"``; None if it is not a valid Turkish mobile."""
    return turkish_mobile(text.strip(), Written.TYPED)


def format_mobile(e164: str) -> str:
    """``"+905321234567"`` -> ``"0532 123 45 67"``, the way Turkish numbers are written."""
    return format_national(e164)


def is_email(text: str) -> bool:
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None
