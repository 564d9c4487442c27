"""How an answer sounds: an upset customer is acknowledged, shouting is not copied.

``is_upset`` recognises an angry or exasperated message (complaint words,
"üç gündür arıyorum", text in capitals, "!!" runs). ``with_acknowledgement``
puts one short line before the answer to such a message, once in a stretch
of the conversation rather than on every turn, and notes that the answer is
in Turkish when the customer wrote in English. ``calm`` turns shouted text
into a sentence-case description for a fault ticket.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from agent.rules import cues, english, texts
from agent.rules.normalize import analyse
from agent.turns import ChatTurn
from core.turkish import tr_capitalize, tr_lower

_RUNS: Final = re.compile(r"([!?.])\1+")
_LETTERS: Final = re.compile(r"[^\W\d_]")
# Shouting: this many letters at least, nearly all of them capitals.
_SHOUT_LETTERS: Final = 8
_SHOUT_SHARE: Final = 0.8
# Assistant turns looked back on before the acknowledgement is said again.
_ACK_MEMORY: Final = 6


def is_shouting(text: str) -> bool:
    """Whether ``text`` is written (nearly) all in capitals."""
    letters = _LETTERS.findall(text)
    if len(letters) < _SHOUT_LETTERS:
        return False
    capitals = sum(1 for letter in letters if letter.isupper())
    return capitals >= _SHOUT_SHARE * len(letters)


def is_upset(text: str) -> bool:
    """Whether the customer sounds angry or exasperated."""
    if is_shouting(text) or "!!" in text:
        return True
    return analyse(text).has(*cues.COMPLAINT, *cues.EXASPERATION)


def calm(text: str) -> str:
    """``text`` for a record: runs of "!" or "?" as one, shouting in sentence case."""
    text = _RUNS.sub(r"\1", " ".join(text.split()))
    if is_shouting(text):
        text = tr_capitalize(tr_lower(text))
    return text


def with_acknowledgement(answer: str, asked: str | None, turns: Sequence[ChatTurn]) -> str:
    """``answer`` with the lines the customer's message ``asked`` calls for before it."""
    if not answer or not asked or answer in (texts.COMPLAINT, texts.OTHER_PERSON_DATA):
        return answer
    opening = opening_lines(asked, turns)
    return f"{opening}\n{answer}" if opening else answer


def opening_lines(asked: str, turns: Sequence[ChatTurn]) -> str:
    """What to say first to ``asked``: a note on answering in Turkish, an acknowledgement.

    Also said before a proposed action, whose card is the rest of the answer.
    """
    lines: list[str] = []
    if english.is_english(asked) and not _said_before(texts.ANSWERING_IN_TURKISH, turns):
        lines.append(texts.ANSWERING_IN_TURKISH)
    if is_upset(asked) and not _said_before(texts.UPSET_ACKNOWLEDGED, turns, _ACK_MEMORY):
        lines.append(texts.UPSET_ACKNOWLEDGED)
    return "\n".join(lines)


def _said_before(line: str, turns: Sequence[ChatTurn], memory: int | None = None) -> bool:
    said = [turn.content for turn in turns if turn.role == "assistant" and not turn.tool_calls]
    recent = said[-memory:] if memory else said
    return any(line in content for content in recent)
