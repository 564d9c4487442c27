"""Telegram HTML for the bot's messages: escaping, a plain-text twin, and splitting.

Every message is HTML (``parse_mode="HTML"``). Dynamic parts go through
:func:`escape`; :func:`html_to_plain` gives the same text without markup for
the fallback when Telegram cannot parse it; :func:`split_message` cuts a long
message at paragraph boundaries so each part stays under Telegram's 4096
character limit, counted as Telegram counts it (after parsing, in UTF-16 code
units).
"""

from __future__ import annotations

import html
import re

from telegram.constants import MessageLimit

MAX_MESSAGE_LENGTH: int = MessageLimit.MAX_TEXT_LENGTH
PARAGRAPH_BREAK = "\n\n"

_TAG = re.compile(r"<[^>]*>")


def escape(text: object) -> str:
    """``text`` safe to put into Telegram HTML (``<``, ``>`` and ``&`` escaped)."""
    return html.escape(str(text), quote=False)


def html_to_plain(html_text: str) -> str:
    """The text Telegram would show for ``html_text``, without any formatting."""
    return html.unescape(_TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """Length of the shown text in UTF-16 code units, as Telegram's limits count it."""
    return utf16_length(html_to_plain(html_text).strip())


def split_message(html_text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Cut ``html_text`` into messages of at most ``limit`` visible characters.

    Cuts fall between paragraphs (blank lines) where possible. A single
    paragraph longer than ``limit`` loses its markup and is cut between lines,
    then between words, then anywhere. The bot's templates never open a tag in
    one paragraph and close it in another, so every part is valid HTML.
    """
    parts: list[str] = []
    current = ""
    for paragraph in _paragraph_pieces(html_text, limit):
        candidate = f"{current}{PARAGRAPH_BREAK}{paragraph}" if current else paragraph
        if visible_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = paragraph
    if current.strip():
        parts.append(current)
    return parts


def _paragraph_pieces(html_text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in html_text.strip().split(PARAGRAPH_BREAK):
        if not paragraph.strip():
            continue
        if visible_length(paragraph) <= limit:
            pieces.append(paragraph)
        else:
            plain = html_to_plain(paragraph)
            pieces.extend(escape(piece) for piece in _split_plain(plain, limit))
    return pieces


def _split_plain(text: str, limit: int) -> list[str]:
    """Cut plain text under ``limit`` UTF-16 units: at line ends, then spaces, then anywhere."""
    pieces: list[str] = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        window = _prefix_within(rest, limit)
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = len(window)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def shorten(text: str, limit: int) -> str:
    """Plain ``text`` cut to at most ``limit`` UTF-16 units, ending in "…" when cut."""
    text = text.strip()
    if utf16_length(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return _prefix_within(text, limit - 1).rstrip() + "…"


def suffix_within(text: str, limit: int) -> str:
    """The longest end of ``text`` of at most ``limit`` UTF-16 units (Telegram's count)."""
    units = 0
    for index in range(len(text) - 1, -1, -1):
        units += 2 if ord(text[index]) > 0xFFFF else 1
        if units > limit:
            return text[index + 1 :]
    return text


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (emoji count twice), as Telegram counts."""
    # Two bytes per unit; the codec does in C what a loop over characters did
    # in Python (a lone surrogate passes as the one unit Telegram counts).
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
