"""Stored chat turns as the trainer's dialogues, and back.

The trainer reads a JSON list of ``{"id", "senaryo", "donguler": [...]}``
(../shared/reference/model-format.md). Each stored turn becomes one
``donguler`` entry, as it happened: the customer's text (``kullanici``), the
assistant's text and tool calls (``asistan``; a text followed by its
tool-call block is one turn carrying both, which the trainer splits back
into the two messages the model saw) and each tool result (``arac``, the
result JSON exactly as the model read it).

Texts are what the model was shown (``agent.prompt.turns_to_messages``):
the customer's and the tools' text with control tokens made inert, and the
customer number after the first customer message when the live prompt
carried it there (``agent.customer_hint: user_prefix``). So
:func:`dialogue_to_turns` followed by the prompt builder, with no customer
hint, renders the very prompt the live model got (the export test checks
this byte for byte).

A conversation handed to a person (``bot.handoff``) goes on after the
model's last answer with the texts relayed during the handoff
(``handoff_messages``): the customer's as ``kullanici``, a support agent's
replies as ``asistan`` turns marked ``"insan": true``. The trainer renders
those like any answer; the prompt builder never saw them, so the byte-for-byte
check holds for the model's part only.

Keys beyond the trainer's:

- ``degerlendirme`` (``iyi`` / ``kotu``) on an answer the customer rated,
  and on the dialogue the overall rating;
- ``insan``: ``true`` on an ``asistan`` turn a support agent wrote (a person
  corrected the conversation there);
- ``duzeltildi``: ``true`` on a dialogue with at least one such turn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent.prompt import CustomerHint, defuse_control_text, turns_to_messages
from agent.protocol.render import render_tool_block, render_tool_result
from agent.training_export.pseudonyms import Pseudonyms
from agent.turns import ChatTurn, ToolCall
from db.handoffs import RelayedMessage
from db.models.handoffs import FROM_AGENT

USER, ASSISTANT, TOOL = "kullanici", "asistan", "arac"
_ROLES = {"user": USER, "assistant": ASSISTANT, "tool": TOOL}
RATING_WORDS = {"good": "iyi", "bad": "kotu"}


@dataclass(frozen=True)
class StoredRow:
    """One stored chat message, as the export reads it."""

    id: int
    chat_id: str
    customer_id: int | None
    role: str
    content: str
    tool_calls: list[Any] | None
    created_at: datetime


@dataclass(frozen=True)
class Conversation:
    """Consecutive turns of one chat, with the ratings of its answers (by row id).

    ``handed_off``: the texts relayed during the handoffs that followed the
    model's last answer (``db.handoffs.RelayedMessage``), in order; a handoff
    with no conversation before it has no ``rows``.
    """

    rows: tuple[StoredRow, ...]
    ratings: Mapping[int, str]
    handed_off: tuple[RelayedMessage, ...] = ()

    @property
    def customer_id(self) -> int | None:
        found = next((row.customer_id for row in self.rows if row.customer_id), None)
        if found is None:
            found = next((m.customer_id for m in self.handed_off if m.customer_id), None)
        return found

    @property
    def corrected(self) -> bool:
        """Whether a support agent answered in it (its ``insan`` turns)."""
        return any(message.sender == FROM_AGENT for message in self.handed_off)

    @property
    def id(self) -> str:
        if self.rows:
            return f"telegram-{self.rows[0].id}"
        return f"telegram-temsilci-{self.handed_off[0].handoff_id}"

    @property
    def rating(self) -> str | None:
        """``bad`` if any answer was rated bad, ``good`` if some good and none bad."""
        given = {self.ratings[row.id] for row in self.rows if row.id in self.ratings}
        if "bad" in given:
            return "bad"
        return "good" if given else None


def handed_off_turns(conversation: Conversation) -> list[ChatTurn]:
    """The relayed texts as turns: the customer's as user, a support agent's as assistant.

    A person's text is defused as a customer's is (``turns_to_messages``
    defuses user turns itself): nobody's typing becomes a control token or a
    tool-call tag in the training data.
    """
    return [
        ChatTurn("assistant", defuse_control_text(message.text))
        if message.sender == FROM_AGENT
        else ChatTurn("user", message.text)
        for message in conversation.handed_off
    ]


def scrub_turns(turns: Sequence[ChatTurn], pseudonyms: Pseudonyms) -> list[ChatTurn]:
    """``turns`` with personal data replaced (texts, tool arguments, tool results)."""
    return [_scrub_turn(turn, pseudonyms) for turn in turns]


def learn_personal_values(turns: Sequence[ChatTurn], pseudonyms: Pseudonyms) -> None:
    """Teach ``pseudonyms`` the personal values the turns' tool calls and results hold."""
    for turn in turns:
        for call in turn.tool_calls:
            pseudonyms.learn_from(call.arguments)
        if turn.role == "tool":
            parsed = _json(turn.content)
            if parsed is not None:
                pseudonyms.learn_from(parsed)


def to_dialogue(
    conversation: Conversation,
    turns: Sequence[ChatTurn],
    *,
    customer_hint: CustomerHint,
) -> dict[str, Any]:
    """The trainer's dialogue for ``conversation`` whose (scrubbed) turns are ``turns``:
    one per stored row, then one per relayed text (:func:`handed_off_turns`)."""
    customer_id = conversation.customer_id
    # The trainer has no system turn: only the hint written into a message survives.
    hint: CustomerHint = "user_prefix" if customer_hint == "user_prefix" else "none"
    messages = turns_to_messages(turns, customer_id=customer_id, customer_hint=hint)
    row_ids: list[int | None] = [row.id for row in conversation.rows]
    row_ids += [None] * len(conversation.handed_off)
    by_person = [False] * len(conversation.rows)
    by_person += [message.sender == FROM_AGENT for message in conversation.handed_off]
    entries: list[dict[str, Any]] = []
    for row_id, person, turn, message in zip(row_ids, by_person, turns, messages, strict=True):
        if turn.is_tool_call:
            calls = [
                {"fonksiyon": c.name, "parametreler": dict(c.arguments)} for c in turn.tool_calls
            ]
            previous = entries[-1] if entries else None
            if (
                previous is not None
                and previous["rol"] == ASSISTANT
                and not previous["arac_cagrilari"]
            ):
                previous["arac_cagrilari"] = calls  # the text said before its calls
            else:
                entries.append({"rol": ASSISTANT, "icerik": None, "arac_cagrilari": calls})
            continue
        entry: dict[str, Any] = {
            "rol": _ROLES[turn.role],
            "icerik": message["content"],
            "arac_cagrilari": [],
        }
        rating = conversation.ratings.get(row_id) if row_id is not None else None
        if rating is not None:
            entry["degerlendirme"] = RATING_WORDS[rating]
        if person:
            entry["insan"] = True
        entries.append(entry)
    tools = list(dict.fromkeys(call.name for turn in turns for call in turn.tool_calls))
    dialogue: dict[str, Any] = {
        "id": conversation.id,
        "senaryo": "canlı sohbet: " + (", ".join(tools) if tools else "genel"),
        "donguler": entries,
    }
    if conversation.rating is not None:
        dialogue["degerlendirme"] = RATING_WORDS[conversation.rating]
    if conversation.corrected:
        dialogue["duzeltildi"] = True
    return dialogue


def dialogue_to_turns(dialogue: Mapping[str, Any]) -> list[ChatTurn]:
    """The trainer's reading of a dialogue: its ``donguler`` as the model's turns.

    An assistant turn with text and calls is two messages, the text first.
    """
    turns: list[ChatTurn] = []
    for entry in dialogue["donguler"]:
        role, text = entry["rol"], entry.get("icerik")
        calls = tuple(
            ToolCall(call["fonksiyon"], dict(call.get("parametreler") or {}))
            for call in entry.get("arac_cagrilari") or []
        )
        if role == USER:
            turns.append(ChatTurn("user", text or ""))
        elif role == TOOL:
            turns.append(ChatTurn("tool", text or ""))
        else:
            if text:
                turns.append(ChatTurn("assistant", text))
            if calls:
                turns.append(ChatTurn("assistant", render_tool_block(calls), tool_calls=calls))
    return turns


def _scrub_turn(turn: ChatTurn, pseudonyms: Pseudonyms) -> ChatTurn:
    if turn.is_tool_call:
        calls = tuple(
            ToolCall(call.name, pseudonyms.scrub_value(call.arguments)) for call in turn.tool_calls
        )
        return ChatTurn("assistant", render_tool_block(calls), tool_calls=calls)
    if turn.role == "tool":
        parsed = _json(turn.content)
        if parsed is None:
            return ChatTurn("tool", pseudonyms.scrub_text(turn.content))
        scrubbed = pseudonyms.scrub_value(parsed)
        # Unchanged results keep their stored bytes; changed ones are written as
        # the runtime writes results.
        content = turn.content if scrubbed == parsed else render_tool_result(scrubbed)
        return ChatTurn("tool", content)
    return ChatTurn(turn.role, pseudonyms.scrub_text(turn.content))


def _json(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
