"""A parser for Telegram's HTML subset (``parse_mode="HTML"``).

It follows Telegram's own parser closely enough that text it accepts is text
Telegram accepts, and text Telegram refuses is refused here with the same
reason, e.g. ``Unsupported start tag "foo" at byte offset 0``. Byte offsets
count UTF-8 bytes of the input, as Telegram's do.

Supported: ``b strong i em u ins s strike del span class="tg-spoiler"
tg-spoiler a href code pre pre>code class="language-x" blockquote
blockquote expandable tg-emoji emoji-id``. Character references: ``&lt; &gt;
&amp; &quot;`` and numeric ones.

One deliberate difference: Telegram's parser keeps a stray ``&`` or an
unknown reference like ``&foo;`` as literal text, although the Bot API
documentation says every ``&`` must be escaped. The stand-in refuses both, so
a bot that passes here also follows the documented rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.standin.text_entities import Entity, FormattedText, sort_entities, utf16_length

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)

# Tags that become an entity of a fixed type.
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}

_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REFERENCE = re.compile(
    r"&(?:#(?P<dec>[0-9]{1,8})|#[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<name>[a-zA-Z]+));"
)
_UNQUOTED_VALUE = re.compile(r"[a-zA-Z0-9.\-]*")


class MarkupError(ValueError):
    """The text is not valid Telegram HTML; the message says why, as Telegram does."""


@dataclass
class _OpenTag:
    name: str
    begin: int  # index of "<" in the source, for error messages
    utf16_start: int
    argument: str | None


class _HtmlParser:
    """One pass over the source, building the plain text and the entities."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.parts: list[str] = []
        self.utf16_pos = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def parse(self) -> FormattedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "&":
                self._emit(self._read_reference(self.pos))
            elif char == "<":
                if source.startswith("</", self.pos):
                    self._read_end_tag()
                else:
                    self._read_start_tag()
            else:
                self._emit(char)
                self.pos += 1
        if self.open_tags:
            raise MarkupError(
                f'Can\'t find end tag corresponding to start tag "{self.open_tags[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return FormattedText("".join(self.parts), sort_entities(self.entities))

    # -- text -------------------------------------------------------------

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.utf16_pos += utf16_length(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _read_reference(self, start: int) -> str:
        """Decode the character reference at ``start`` and move past it."""
        match = _REFERENCE.match(self.source, start)
        if match is None:
            raise MarkupError(
                f'Character "&" at byte offset {self._byte_offset(start)} must be escaped '
                'as "&amp;"'
            )
        if match["name"] is not None:
            decoded = _NAMED_REFERENCES.get(match["name"].lower())
        else:
            code = int(match["dec"]) if match["dec"] is not None else int(match["hex"], 16)
            valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
            decoded = chr(code) if valid else None
        if decoded is None:
            raise MarkupError(
                f'Unsupported HTML entity "{match[0]}" at byte offset {self._byte_offset(start)}'
            )
        self.pos = match.end()
        return decoded

    # -- tags -------------------------------------------------------------

    def _skip_spaces(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def _current(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def _read_start_tag(self) -> None:
        source, begin = self.source, self.pos
        self.pos += 1
        while self.pos < len(source) and not source[self.pos].isspace() and source[self.pos] != ">":
            self.pos += 1
        if self.pos >= len(source):
            raise MarkupError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = source[begin + 1 : self.pos].lower()
        if name not in SUPPORTED_TAGS:
            raise MarkupError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}'
            )
        attributes = self._read_attributes(name, begin)
        self.pos += 1  # the closing ">"
        argument: str | None = None
        if name == "a":
            argument = attributes.get("href")
        elif name == "code":
            css_class = attributes.get("class") or ""
            if css_class.startswith("language-"):
                argument = css_class.removeprefix("language-")
        elif name == "span":
            if attributes.get("class") != "tg-spoiler":
                raise MarkupError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{self._byte_offset(begin)}"
                )
        elif name == "blockquote":
            argument = "expandable" if "expandable" in attributes else None
        elif name == "tg-emoji":
            argument = attributes.get("emoji-id")
        self.open_tags.append(_OpenTag(name, begin, self.utf16_pos, argument))

    def _read_attributes(self, tag: str, begin: int) -> dict[str, str]:
        """Read ``name="value"`` pairs up to the tag's ``>``; unknown ones are ignored."""
        source = self.source
        attributes: dict[str, str] = {}
        while True:
            self._skip_spaces()
            if self._current() == ">":
                return attributes
            name_start = self.pos
            while self.pos < len(source) and not (
                source[self.pos].isspace() or source[self.pos] in "=>/\"'"
            ):
                self.pos += 1
            name = source[name_start : self.pos].lower()
            if not name:
                raise MarkupError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self._byte_offset(begin)}"
                )
            self._skip_spaces()
            if self._current() != "=":
                if not self._current():
                    raise MarkupError(
                        f'Unclosed start tag "{tag}" at byte offset {self._byte_offset(begin)}'
                    )
                attributes[name] = ""
                continue
            self.pos += 1
            self._skip_spaces()
            attributes[name] = self._read_attribute_value(tag, begin)

    def _read_attribute_value(self, tag: str, begin: int) -> str:
        source = self.source
        quote = self._current()
        if not quote:
            raise MarkupError(
                f'Unclosed start tag "{tag}" at byte offset {self._byte_offset(begin)}'
            )
        if quote not in "\"'":
            match = _UNQUOTED_VALUE.match(source, self.pos)
            assert match is not None  # the pattern also matches the empty string
            self.pos = match.end()
            if not (self._current().isspace() or self._current() == ">"):
                raise MarkupError(
                    f"Unexpected end of name token at byte offset {self._byte_offset(self.pos)}"
                )
            return match[0].lower()
        self.pos += 1
        value: list[str] = []
        while self.pos < len(source) and source[self.pos] != quote:
            if source[self.pos] == "&":
                value.append(self._read_reference(self.pos))
            else:
                value.append(source[self.pos])
                self.pos += 1
        if self.pos >= len(source):
            raise MarkupError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        self.pos += 1  # the closing quote
        if not self._current():
            raise MarkupError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        return "".join(value)

    def _read_end_tag(self) -> None:
        source, begin = self.source, self.pos
        self.pos += 2
        name_start = self.pos
        while self.pos < len(source) and not source[self.pos].isspace() and source[self.pos] != ">":
            self.pos += 1
        name = source[name_start : self.pos].lower()
        self._skip_spaces()
        if self._current() != ">":
            raise MarkupError(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 1
        if not self.open_tags:
            raise MarkupError(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        open_tag = self.open_tags[-1]
        if name and name != open_tag.name:
            raise MarkupError(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{open_tag.name}>", found "</{name}>"'
            )
        self.open_tags.pop()
        self._close(open_tag)

    def _close(self, tag: _OpenTag) -> None:
        """Turn a closed tag into its entity (empty ones vanish, as on Telegram)."""
        length = self.utf16_pos - tag.utf16_start
        if length <= 0:
            return
        entity: Entity = {"type": "", "offset": tag.utf16_start, "length": length}
        if tag.name in _SIMPLE_ENTITY_TYPES:
            entity["type"] = _SIMPLE_ENTITY_TYPES[tag.name]
        elif tag.name == "a":
            if not tag.argument:
                return
            entity.update(type="text_link", url=tag.argument)
        elif tag.name == "code":
            entity["type"] = "code"
            if tag.argument:
                entity["language"] = tag.argument
        elif tag.name == "pre":
            last = self.entities[-1] if self.entities else None
            if (
                last
                and last["type"] == "code"
                and last["offset"] == tag.utf16_start
                and (last["length"] == length)
            ):
                # <pre><code class="language-x">...</code></pre> is one pre entity.
                self.entities.pop()
                if last.get("language"):
                    entity["language"] = last["language"]
            entity["type"] = "pre"
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        elif tag.name == "tg-emoji":
            if not (tag.argument and tag.argument.isdigit()):
                raise MarkupError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        self.entities.append(entity)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML into plain text and entities.

    Raises :class:`MarkupError` with Telegram's reason when the markup is invalid.
    """
    return _HtmlParser(source).parse()
