"""Telegram's rules for a message's text: parse mode, emptiness and length.

``parse_mode="HTML"`` is parsed with :mod:`bot.standin.html_markup`; the
length limit counts the text *after* parsing (tags removed, references
decoded, surrounding whitespace trimmed), in UTF-16 code units like entity
offsets. For text without emoji, Turkish included, that equals the number of
characters.

Markdown and MarkdownV2 are not implemented by the stand-in; they are refused
with a ``can't parse entities`` reason that says so, so a bot under test
notices instead of passing silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.standin.api_error import ApiError, bad_request
from bot.standin.html_markup import MarkupError, parse_html
from bot.standin.text_entities import Entity, FormattedText, sort_entities, strip_formatted

logger = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class TextLimits:
    """How long a text may be and which reason Telegram gives when it is not."""

    max_length: int
    too_long: str
    # None: an empty text is allowed (message drafts, captions).
    empty: str | None


def read_formatted_text(
    text: str | None,
    *,
    parse_mode: str | None,
    entities: object,
    limits: TextLimits,
) -> FormattedText:
    """Apply ``parse_mode`` or explicit ``entities`` to ``text`` and check the limits.

    Raises :class:`ApiError` with Telegram's description when a rule is broken.
    """
    formatted = strip_formatted(_parse(text or "", parse_mode, entities))
    if not formatted.text and limits.empty is not None:
        raise bad_request(limits.empty)
    if formatted.length > limits.max_length:
        raise bad_request(limits.too_long)
    return formatted


def _parse(text: str, parse_mode: str | None, entities: object) -> FormattedText:
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        try:
            return parse_html(text.strip())
        except MarkupError as error:
            raise bad_request(f"can't parse entities: {error}") from error
    if mode in ("markdown", "markdownv2"):
        logger.warning("parse_mode %s requested; the stand-in implements HTML only", parse_mode)
        raise bad_request(
            f"can't parse entities: parse_mode {parse_mode} is not implemented by the stand-in"
        )
    if mode:
        raise bad_request("unsupported parse_mode")
    return FormattedText(text, _explicit_entities(entities, text))


def _explicit_entities(entities: object, text: str) -> tuple[Entity, ...]:
    """Validate entities given as a list instead of a parse mode."""
    if entities is None:
        return ()
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    units = FormattedText(text).length
    checked: list[Entity] = []
    for entity in entities:
        if not _is_valid_entity(entity, units):
            raise _invalid_entity(entity)
        checked.append(dict(entity))
    return sort_entities(checked)


def _is_valid_entity(entity: object, text_units: int) -> bool:
    if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
        return False
    offset, length = entity.get("offset"), entity.get("length")
    if not isinstance(offset, int) or not isinstance(length, int):
        return False
    return offset >= 0 and length > 0 and offset + length <= text_units


def _invalid_entity(entity: object) -> ApiError:
    return bad_request(f"can't parse entities: invalid entity {entity!r}")
