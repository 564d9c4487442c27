"""Message text with its entities, measured the way Telegram measures it.

Telegram counts entity offsets and lengths in UTF-16 code units. Turkish
letters are one unit each; emoji outside the Basic Multilingual Plane are two.
Entities are plain Bot API dictionaries (``{"type": "bold", "offset": 0,
"length": 4}``) because that is what goes over the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class FormattedText:
    """Text after entity parsing and the entities found in it."""

    text: str
    entities: tuple[Entity, ...] = ()

    @property
    def length(self) -> int:
        """Length as Telegram's limits count it (UTF-16 code units)."""
        return utf16_length(self.text)


def sort_entities(entities: list[Entity]) -> tuple[Entity, ...]:
    """Order entities as Telegram returns them: by offset, longer first."""
    return tuple(sorted(entities, key=lambda entity: (entity["offset"], -entity["length"])))


def strip_formatted(formatted: FormattedText) -> FormattedText:
    """Trim surrounding whitespace as Telegram does, keeping entities aligned.

    Entities are shifted by the removed prefix and clipped to the remaining
    text; an entity left empty disappears.
    """
    text = formatted.text
    stripped = text.strip()
    if stripped == text:
        return formatted
    prefix_units = utf16_length(text[: len(text) - len(text.lstrip())])
    end_units = utf16_length(stripped)
    entities: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - prefix_units, 0)
        end = min(entity["offset"] + entity["length"] - prefix_units, end_units)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, sort_entities(entities))
