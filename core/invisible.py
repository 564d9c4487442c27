"""Invisible format characters (Unicode category Cf) taken out of what a customer types.

Zero-width spaces and joiners, the soft hyphen, the byte-order mark, bidi
controls and tag characters render as nothing, but they split words for
every matcher: "fa\\u200btu\\u200bra" would not be "fatura". They carry no
meaning in a Turkish customer message, so they are removed wherever a
customer's text enters (the bot's ``bot.questions.read_question`` and the
rules engine's ``agent.rules.normalize.analyse``).
"""

from __future__ import annotations

import unicodedata


def remove_format_characters(text: str) -> str:
    """``text`` without invisible format characters: ``"fa\\u200btura"`` -> ``"fatura"``."""
    if text.isascii():
        return text  # no format character is ASCII: the common case costs one scan
    return "".join(char for char in text if unicodedata.category(char) != "Cf")
