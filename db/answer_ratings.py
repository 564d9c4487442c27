"""Answer ratings: which Telegram message shows which answer, and the customers' 👍 / 👎.

The bot records every message that carries an assistant answer
(:func:`remember_answer_messages`), so a reaction or a button press, which
names only the chat and the message, finds the stored turn. Rating an answer
(:func:`rate_answer`) stores one row per answer: a later rating of the same
answer replaces it (the last one wins), a withdrawn reaction removes it
(:func:`withdraw_rating`). With the rating go what the turn did, read from
the stored turns: the tools it called and its topic (``agent.dialogue_state``'s
``topic``: the tool behind the newest answer that used one), so ``/admin``
reads ratings without walking the history.

Synchronous Core functions on the transaction's connection, for SQLite and
PostgreSQL: run them with :func:`db.retries.run_sync_in_transaction`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from db.models import AnswerMessage, AnswerRating, ChatMessage
from db.models.ratings import BAD, GOOD

RATINGS = (GOOD, BAD)
# Rows read after a question for its answer, and before it for the topic
# (more than one turn ever stores; a bound on the query).
_TURN_ROWS = 200
# Ids per IN (...) list, under every database's parameter limit.
_CHUNK = 500

_RATINGS_TABLE = AnswerRating.__table__
_ADD_ANSWER_MESSAGE = insert(AnswerMessage.__table__)
_QUESTION_OF = select(AnswerMessage.question_id).where(
    AnswerMessage.chat_id == bindparam("chat_id"),
    AnswerMessage.message_id == bindparam("message_id"),
)
_TURN_AFTER = (
    select(ChatMessage.id, ChatMessage.role, ChatMessage.tool_calls, ChatMessage.customer_id)
    .where(ChatMessage.chat_id == bindparam("chat_id"), ChatMessage.id > bindparam("question_id"))
    .order_by(ChatMessage.id)
    .limit(_TURN_ROWS)
)
_CALLS_BEFORE = (
    select(ChatMessage.tool_calls)
    .where(
        ChatMessage.chat_id == bindparam("chat_id"),
        ChatMessage.id < bindparam("question_id"),
        ChatMessage.role == "assistant",
    )
    .order_by(ChatMessage.id.desc())
    .limit(_TURN_ROWS)
)
_PREVIOUS = select(AnswerRating.rating).where(AnswerRating.answer_id == bindparam("answer_id"))
_WITHDRAW = delete(_RATINGS_TABLE).where(AnswerRating.answer_id == bindparam("answer_id"))
_SINCE = (
    select(AnswerRating.rated_at, AnswerRating.rating, AnswerRating.tools, AnswerRating.topic)
    .where(AnswerRating.rated_at >= bindparam("since"))
    .order_by(AnswerRating.rated_at)
)


def _upsert_statement(
    insert_for: Callable[[Table], sqlite.Insert | postgresql.Insert],
) -> sqlite.Insert | postgresql.Insert:
    """INSERT ... ON CONFLICT DO UPDATE: the customer's newest rating of an answer wins."""
    statement = insert_for(_RATINGS_TABLE)
    return statement.on_conflict_do_update(
        index_elements=[AnswerRating.answer_id],
        set_={
            "rating": statement.excluded.rating,
            "source": statement.excluded.source,
            "rated_at": statement.excluded.rated_at,
        },
    )


_UPSERT = {
    name: _upsert_statement(insert_for)
    for name, insert_for in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


@dataclass(frozen=True)
class RatedAnswer:
    """A rating just stored (or withdrawn), and the one it replaced."""

    answer_id: int
    question_id: int
    rating: str | None  # None: withdrawn
    previous: str | None


@dataclass(frozen=True)
class RatingRecord:
    """One stored rating as ``/admin`` reads it."""

    rated_at: datetime
    rating: str
    tools: tuple[str, ...]
    topic: str | None


@dataclass(frozen=True)
class _Turn:
    answer_id: int
    customer_id: int | None
    tools: tuple[str, ...]


def remember_answer_messages(
    connection: Connection,
    chat_id: int,
    message_ids: Sequence[int],
    *,
    question_id: int,
    shown_at: datetime,
) -> None:
    """Record that the Telegram messages ``message_ids`` show the answer to ``question_id``."""
    if not message_ids:
        return
    connection.execute(
        _ADD_ANSWER_MESSAGE,
        [
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "question_id": question_id,
                "created_at": shown_at,
            }
            for message_id in message_ids
        ],
    )


def rate_answer(
    connection: Connection,
    chat_id: int,
    message_id: int,
    *,
    rating: str,
    source: str,
    rated_at: datetime,
) -> RatedAnswer | None:
    """Store ``rating`` (good | bad) of the answer Telegram message ``message_id`` shows.

    None when the message shows no stored answer (not an answer, or one
    recorded before ratings existed).
    """
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    shown = _shown_answer(connection, chat_id, message_id)
    if shown is None:
        return None
    question_id, turn, previous = shown
    topic = turn.tools[-1] if turn.tools else _earlier_topic(connection, str(chat_id), question_id)
    connection.execute(
        _UPSERT[connection.dialect.name],
        {
            "answer_id": turn.answer_id,
            "question_id": question_id,
            "chat_id": str(chat_id),
            "customer_id": turn.customer_id,
            "rating": rating,
            "source": source,
            "tools": list(turn.tools),
            "topic": topic,
            "rated_at": rated_at,
        },
    )
    return RatedAnswer(turn.answer_id, question_id, rating, previous)


def _shown_answer(
    connection: Connection, chat_id: int, message_id: int
) -> tuple[int, _Turn, str | None] | None:
    """The stored answer Telegram message ``message_id`` shows: its question's id, the
    turn, and the rating it has now; None when the message shows no stored answer."""
    question_id = connection.execute(
        _QUESTION_OF, {"chat_id": chat_id, "message_id": message_id}
    ).scalar()
    if question_id is None:
        return None
    turn = _turn_of(connection, str(chat_id), question_id)
    if turn is None:
        return None
    previous = connection.execute(_PREVIOUS, {"answer_id": turn.answer_id}).scalar()
    return question_id, turn, previous


def withdraw_rating(connection: Connection, chat_id: int, message_id: int) -> RatedAnswer | None:
    """Remove the rating of the answer ``message_id`` shows; None when it had none."""
    shown = _shown_answer(connection, chat_id, message_id)
    if shown is None:
        return None
    question_id, turn, previous = shown
    if previous is None:
        return None
    connection.execute(_WITHDRAW, {"answer_id": turn.answer_id})
    return RatedAnswer(turn.answer_id, question_id, None, previous)


def ratings_since(connection: Connection, since: datetime) -> list[RatingRecord]:
    """Every rating given (or last changed) at or after ``since``, oldest first."""
    return [
        RatingRecord(row.rated_at, row.rating, tuple(_names(row.tools)), row.topic)
        for row in connection.execute(_SINCE, {"since": since})
    ]


def ratings_of_answers(connection: Connection, answer_ids: Collection[int]) -> dict[int, str]:
    """The ratings (good | bad) of those of ``answer_ids`` that have one."""
    ids = sorted(set(answer_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = connection.execute(
            select(AnswerRating.answer_id, AnswerRating.rating).where(
                AnswerRating.answer_id.in_(ids[start : start + _CHUNK])
            )
        )
        found.update({row.answer_id: row.rating for row in rows})
    return found


def _turn_of(connection: Connection, chat_id: str, question_id: int) -> _Turn | None:
    """The turn after ``question_id``: its answer (closing assistant text) and tools."""
    answer_id: int | None = None
    customer_id: int | None = None
    tools: list[str] = []
    rows = connection.execute(_TURN_AFTER, {"chat_id": chat_id, "question_id": question_id})
    for row in rows:
        if row.role == "user":
            break
        if row.role != "assistant":
            continue
        names = _names(row.tool_calls)
        if names:
            tools.extend(names)
        else:
            answer_id, customer_id = row.id, row.customer_id
    if answer_id is None:
        return None
    return _Turn(answer_id, customer_id, tuple(tools))


def _earlier_topic(connection: Connection, chat_id: str, question_id: int) -> str | None:
    """The last tool of the newest earlier turn that called one (a follow-up keeps its topic)."""
    rows = connection.execute(_CALLS_BEFORE, {"chat_id": chat_id, "question_id": question_id})
    for (calls,) in rows:
        names = _names(calls)
        if names:
            return names[-1]
    return None


def _names(calls: Any) -> list[str]:
    """Tool names of a stored ``tool_calls`` value (``[{"name": ...}]``) or a ``tools`` list."""
    if not isinstance(calls, list):
        return []
    names: Iterable[Any] = (call.get("name") if isinstance(call, dict) else call for call in calls)
    return [name for name in names if isinstance(name, str) and name]
