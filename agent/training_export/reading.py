"""What the export reads from the database: conversations, ratings, customers' personal data.

Synchronous Core reads on one connection (run with
:func:`db.retries.run_sync_in_transaction`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from agent.training_export.dialogues import Conversation, StoredRow
from agent.training_export.pseudonyms import ADDRESS, Pseudonyms
from core.turkish import tr_capitalize, tr_lower
from db.answer_ratings import ratings_of_answers
from db.handoffs import RelayedMessage, relayed_messages_since
from db.models import ChatMessage, Customer, Package, Province, Region
from db.models.handoffs import FROM_AGENT

# A pause longer than this ends a conversation (the customer came back later).
CONVERSATION_GAP = timedelta(hours=1)
_CHUNK = 500
_WORD = re.compile(r"\w+")


def read_conversations(
    connection: Connection, since: datetime, *, gap: timedelta = CONVERSATION_GAP
) -> list[Conversation]:
    """Every conversation with turns stored at or after ``since``, with its answers' ratings.

    A conversation is one chat's consecutive turns for one customer, with no
    pause over ``gap``; it starts with the customer's message and ends with
    an assistant answer (an unanswered last message is left out).

    The texts relayed in a handoff opened since ``since`` (up to a support
    agent's last reply; a handoff nobody answered adds nothing) go on the
    chat's conversation that ended at most ``gap`` before the handoff opened,
    or, with none, make a conversation of their own from the customer's first
    relayed message.
    """
    rows = connection.execute(
        select(
            ChatMessage.id,
            ChatMessage.chat_id,
            ChatMessage.customer_id,
            ChatMessage.role,
            ChatMessage.content,
            ChatMessage.tool_calls,
            ChatMessage.created_at,
        )
        .where(ChatMessage.created_at >= since)
        .order_by(ChatMessage.chat_id, ChatMessage.id)
    )
    groups = [_trimmed(group) for group in _split((StoredRow(*row) for row in rows), gap)]
    groups = [group for group in groups if group]
    answers = [row.id for group in groups for row in group if _is_answer(row)]
    ratings = ratings_of_answers(connection, answers)
    handed_off: dict[int, list[RelayedMessage]] = {}
    alone: list[Conversation] = []
    for handoff in _handoffs(relayed_messages_since(connection, since)):
        index = _conversation_before(groups, handoff, gap)
        if index is not None:
            handed_off.setdefault(index, []).extend(handoff)
        elif part := _from_first_customer_message(handoff):
            alone.append(Conversation((), {}, tuple(part)))
    return [
        Conversation(
            tuple(group),
            {row.id: ratings[row.id] for row in group if row.id in ratings},
            tuple(handed_off.get(index, ())),
        )
        for index, group in enumerate(groups)
    ] + alone


def _handoffs(messages: Iterable[RelayedMessage]) -> Iterator[list[RelayedMessage]]:
    """Each handoff's relayed texts up to a support agent's last reply (none: left out)."""
    for _, group in groupby(messages, key=lambda message: message.handoff_id):
        texts = list(group)
        last = max(
            (i for i, message in enumerate(texts) if message.sender == FROM_AGENT), default=-1
        )
        if last >= 0:
            yield texts[: last + 1]


def _conversation_before(
    groups: Sequence[list[StoredRow]], handoff: list[RelayedMessage], gap: timedelta
) -> int | None:
    """The index of the chat's conversation that ended at most ``gap`` before the handoff."""
    opened = handoff[0]
    chat_id = str(opened.customer_chat_id)
    found = None
    for index, group in enumerate(groups):
        last = group[-1]
        if (
            last.chat_id == chat_id
            and last.created_at <= opened.opened_at
            and opened.opened_at - last.created_at <= gap
        ):
            found = index  # groups are in time order within a chat: the latest wins
    return found


def _from_first_customer_message(handoff: list[RelayedMessage]) -> list[RelayedMessage]:
    """A handoff exported alone starts with the customer's words, as every dialogue does."""
    first = next((i for i, m in enumerate(handoff) if m.sender != FROM_AGENT), len(handoff))
    part = handoff[first:]
    return part if any(message.sender == FROM_AGENT for message in part) else []


def learn_customers(
    connection: Connection, pseudonyms: Pseudonyms, conversations: Sequence[Conversation]
) -> None:
    """Teach ``pseudonyms`` the exported customers' personal data, and any customer's
    name that a conversation's text contains (place and package names excepted)."""
    own = sorted({c.customer_id for c in conversations if c.customer_id is not None})
    for chunk in _chunks(own):
        for customer in connection.execute(
            select(Customer.first_name, Customer.last_name, Customer.address).where(
                Customer.id.in_(chunk)
            )
        ):
            pseudonyms.learn_names([customer.first_name, customer.last_name])
            if customer.address:
                pseudonyms.learn_phrase(ADDRESS, customer.address)
        # Phone numbers and e-mail addresses are found by their shape.
    words = _candidate_names(conversations) - _reference_words(connection)
    for chunk in _chunks(sorted(words)):
        for named in connection.execute(
            select(Customer.first_name, Customer.last_name).where(
                or_(Customer.first_name.in_(chunk), Customer.last_name.in_(chunk))
            )
        ):
            pseudonyms.learn_names(
                name for name in (named.first_name, named.last_name) if name in words
            )


def _candidate_names(conversations: Sequence[Conversation]) -> set[str]:
    """Every word of the conversations, capitalised as a name is written on file."""
    words: set[str] = set()
    for conversation in conversations:
        texts = [row.content for row in conversation.rows]
        texts += [message.text for message in conversation.handed_off]
        for text in texts:
            for word in _WORD.findall(text):
                if not word.isdigit() and len(word) > 1:
                    words.add(tr_capitalize(tr_lower(word)))
    return words


def _reference_words(connection: Connection) -> set[str]:
    """Words of place and package names: never scrubbed as someone's name."""
    names: Iterable[str] = [
        *connection.execute(select(Province.name)).scalars(),
        *connection.execute(select(Region.name)).scalars(),
        *connection.execute(select(Package.name)).scalars(),
    ]
    return {word for name in names for word in _WORD.findall(name)}


def _split(rows: Iterable[StoredRow], gap: timedelta) -> Iterator[list[StoredRow]]:
    current: list[StoredRow] = []
    for row in rows:
        if current and (
            row.chat_id != current[-1].chat_id
            or row.created_at - current[-1].created_at > gap
            or (row.customer_id != current[-1].customer_id and row.role == "user")
        ):
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def _trimmed(rows: list[StoredRow]) -> list[StoredRow]:
    """From the first customer message to the last assistant answer."""
    first = next((i for i, row in enumerate(rows) if row.role == "user"), len(rows))
    last = next((i for i in range(len(rows) - 1, -1, -1) if _is_answer(rows[i])), -1)
    return rows[first : last + 1] if last >= first else []


def _is_answer(row: StoredRow) -> bool:
    return row.role == "assistant" and not row.tool_calls


def _chunks(values: Sequence[object]) -> Iterator[list[object]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])
