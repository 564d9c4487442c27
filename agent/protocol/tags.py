"""The tags that open and close a tool-call block, in one place.

The model writes ``<|begin_of_tool_code|>`` and ``<|end_of_tool_code|>`` as
plain text (they are not special tokens of the Llama-3 vocabulary). Small
models sometimes drop one ``|`` (``<begin_of_tool_code|>``), so the parser
accepts each tag with either ``|`` missing. A tag contains ``<`` only as its
first character, which is what lets a streaming reader decide with a bounded
look-back whether the end of its buffer might still become a tag.
"""

from __future__ import annotations

import re
from typing import Final, Literal

BEGIN_TOOL_CODE: Final = "<|begin_of_tool_code|>"
END_TOOL_CODE: Final = "<|end_of_tool_code|>"

TagKind = Literal["begin", "end"]

# A fixed-length alternation with two optional characters: no unbounded
# repetition, so a search is linear in the text it scans.
TAG_PATTERN: Final = re.compile(r"<\|?(begin|end)_of_tool_code\|?>")

# Every spelling TAG_PATTERN accepts.
TAG_SPELLINGS: Final = tuple(
    f"{left}{kind}_of_tool_code{right}"
    for kind in ("begin", "end")
    for left in ("<|", "<")
    for right in ("|>", ">")
)
LONGEST_TAG: Final = max(len(spelling) for spelling in TAG_SPELLINGS)


def tag_kind(match: re.Match[str]) -> TagKind:
    """Whether a TAG_PATTERN match opens or closes a block."""
    return "begin" if match.group(1) == "begin" else "end"


def partial_tag_length(text: str) -> int:
    """Length of the longest suffix of ``text`` that could still grow into a tag.

    Only the last ``<`` can start such a suffix (a tag holds no other ``<``),
    and only within the last ``LONGEST_TAG - 1`` characters, so this costs
    constant time whatever the length of ``text``.
    """
    start = text.rfind("<", max(0, len(text) - LONGEST_TAG + 1))
    if start == -1:
        return 0
    suffix = text[start:]
    if any(spelling.startswith(suffix) for spelling in TAG_SPELLINGS):
        return len(suffix)
    return 0


# Stands in for the "<" of a tag that must stay text: FULLWIDTH LESS-THAN SIGN.
INERT_LESS_THAN: Final = "\uff1c"


def neutralise_tags(text: str) -> str:
    """``text`` with every block tag made inert (its ``<`` becomes ``＜``).

    For text that is shown but must never be read as a tool call, such as a
    customer's own words quoted back in an answer: the parser finds no tag in
    the result, whatever the text held.
    """
    return TAG_PATTERN.sub(lambda match: INERT_LESS_THAN + match.group(0)[1:], text)
