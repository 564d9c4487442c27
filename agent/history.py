"""Chat history between the database rows and the model's ``ChatTurn``s.

A turn's assistant and tool turns are stored with :func:`store_turns`, which
also advances the chat's dialogue state (``agent.dialogue_state``) in the same
transaction, so the state always matches the stored history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from agent.dialogue_state import DialogueState, advance
from agent.turns import ChatTurn, Role, ToolCall
from db.chat_history import NewTurn, StoredTurn, add_turns, recent_turns
from db.customer_facts import customer_facts
from db.dialogue_states import read_state, write_state

# Rows read per turn before token-budget trimming; a bound on the query.
HISTORY_ROWS = 60

# A stored role as a turn's role; any other is read as the assistant's.
_ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "tool": "tool"}


def turn_from_row(row: StoredTurn) -> ChatTurn:
    calls = tuple(
        ToolCall(name=str(call.get("name", "")), arguments=dict(call.get("arguments") or {}))
        for call in (row.tool_calls or [])
        if isinstance(call, dict)
    )
    role = _ROLES.get(row.role, "assistant")
    return ChatTurn(role=role, content=row.content, tool_calls=calls)


def new_turn(turn: ChatTurn) -> NewTurn:
    calls: list[dict[str, Any]] | None = (
        [{"name": call.name, "arguments": call.arguments} for call in turn.tool_calls]
        if turn.tool_calls
        else None
    )
    return NewTurn(role=turn.role, content=turn.content, tool_calls=calls)


def load_turns(connection: Connection, chat_id: str) -> list[ChatTurn]:
    """The chat's recent turns, oldest first (trimmed to the token budget later)."""
    return [turn_from_row(row) for row in recent_turns(connection, chat_id, HISTORY_ROWS)]


def as_new_turns(turns: Sequence[ChatTurn]) -> list[NewTurn]:
    return [new_turn(turn) for turn in turns]


def load_state(
    connection: Connection, chat_id: str, customer_id: int | None = None
) -> DialogueState:
    """What the chat's conversation is about now (empty before its first answer).

    With ``customer_id``, the customer's own city and newest ticket are added
    for this turn ("bölgemde sorun var mı", "kaydım ne durumda").
    """
    state = DialogueState.from_json(read_state(connection, chat_id))
    if customer_id is None:
        return state
    facts = customer_facts(connection, customer_id)
    return state.model_copy(
        update={"customer_city": facts.city, "customer_ticket_id": facts.newest_ticket_id}
    )


def store_turns(
    connection: Connection, chat_id: str, turns: Sequence[ChatTurn], *, customer_id: int | None
) -> None:
    """Append a turn's assistant and tool ``turns`` and advance the chat's dialogue state."""
    if not turns:
        return
    add_turns(connection, chat_id, as_new_turns(turns), customer_id=customer_id)
    state = advance(load_state(connection, chat_id), turns)
    write_state(connection, chat_id, state.to_json())
