"""Entities Telegram adds to a user's plain text: commands, mentions, links.

python-telegram-bot's ``CommandHandler`` and ``filters.COMMAND`` look at the
``bot_command`` entity, not at the text, so injected messages must carry the
entities Telegram's clients would send.
"""

from __future__ import annotations

import re

from bot.standin.text_entities import Entity, sort_entities, utf16_length

_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?!\w)")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}(?!\w)")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]']")),
)


def detect_entities(text: str) -> tuple[Entity, ...]:
    """Find ``bot_command``, ``mention`` and ``url`` entities, Telegram-style."""
    taken: list[tuple[int, int]] = []
    entities: list[Entity] = []
    for entity_type, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            entities.append(
                {
                    "type": entity_type,
                    "offset": utf16_length(text[:start]),
                    "length": utf16_length(match[0]),
                }
            )
    return sort_entities(entities)
