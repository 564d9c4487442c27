"""Recovery: every message a crash left unanswered gets its answer or an apology.

The bot marks a customer's message ``answered`` or ``failed`` only after the
reply has reached Telegram (``bot.conversation``). While its turn runs, the
instance answering it renews its lease (``bot.turn_leases``). A message still
``accepted`` whose lease lapsed was interrupted by a crash, a kill or a lost
database; one whose lease is live is being answered by another instance (a
replica, or one still stopping) and is left alone. Recovery runs at start-up
and then every third of ``telegram.turn_lease_s``; it claims the lapsed
messages in one conditional update (``db.turn_leases``), so one instance
takes each over. For each one, oldest first:

- the agent had finished (its final answer is in the chat history): that
  answer is sent now, or the confirmation card when it proposed an action
  that still waits for the customer (unless that card was already sent:
  ``db.confirmation_cards``); the message becomes ``answered``;
- otherwise the customer is told, in Turkish and quoting the question, that
  it could not be answered, and asked to write it again; the message becomes
  ``failed``.

The turn is not run again: the crash may have come from that very message,
and the customer may have moved on. Messages older than ``RECOVERY_WINDOW``
are only marked failed. Only messages the bot took from Telegram (they carry
an update id) are touched; the HTTP API's callers own theirs. A message
stored before leases existed, or whose instance stopped cleanly (releasing
its leases), has no live lease and is taken over at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import ExtBot

from agent.events import ConfirmationRequested
from bot import texts
from bot.conversation import mark_message, send_confirmation_card
from bot.delivery import UndeliverableError, send_html
from bot.rendering import escape
from bot.services import BotServices
from db.chat_history import ANSWERED, FAILED, replies_to
from db.confirmation_cards import shown_confirmations
from db.engine import run_on_connection
from db.models import ChatMessage, PendingConfirmation
from db.retries import retry_policy, run_in_transaction
from db.turn_leases import Lease, claim_lapsed_turns

log = logging.getLogger(__name__)

# Older interrupted messages are closed without writing to the customer.
RECOVERY_WINDOW = timedelta(days=2)
# How much of the question the apology quotes.
QUESTION_PREVIEW_CHARS = 80


@dataclass(frozen=True)
class RecoveryReport:
    """What start-up recovery did, for the log and for tests."""

    resent: list[int] = field(default_factory=list)
    apologised: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    undeliverable: list[int] = field(default_factory=list)
    # Chats that got a stored text answer now (it may tell an action's result).
    resent_chats: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many interrupted messages were handled."""
        return sum(map(len, (self.resent, self.apologised, self.expired, self.undeliverable)))


@dataclass(frozen=True)
class _Interrupted:
    """An accepted message and what the agent had stored for it."""

    message_id: int
    chat_id: int
    question: str
    received_at: datetime
    # The final answer, when the agent finished the turn; None otherwise.
    answer: str | None
    waiting_actions: list[ConfirmationRequested]
    # Those of ``waiting_actions`` whose card was sent before the crash.
    shown: set[str] = field(default_factory=set)


async def recover_unfinished_turns(bot: ExtBot[None], services: BotServices) -> RecoveryReport:
    """Answer or apologise for every message left ``accepted`` by an instance now gone.

    Never raises for one message. A message whose lease is live is another
    instance's turn in progress and is not touched.
    """
    leases = services.turn_leases

    async def claim(session: AsyncSession) -> list[_Interrupted]:
        return await _claim_interrupted(session, leases.new_lease())

    interrupted = await run_in_transaction(
        services.database.sessions,
        claim,
        what="recovery: claim interrupted messages",
        policy=retry_policy(services.settings),
    )
    with leases.holding(item.message_id for item in interrupted):
        return await _finish(bot, services, interrupted)


async def _finish(
    bot: ExtBot[None], services: BotServices, interrupted: list[_Interrupted]
) -> RecoveryReport:
    report = RecoveryReport()
    oldest_kept = datetime.now(UTC) - RECOVERY_WINDOW
    for item in interrupted:
        if item.received_at < oldest_kept:
            log.warning("recovery: message %s is too old to answer; failed", item.message_id)
            await mark_message(services, item.message_id, FAILED)
            report.expired.append(item.message_id)
            continue
        try:
            if item.answer is not None:
                await _resend(bot, services, item)
                status, done = ANSWERED, report.resent
                if not item.waiting_actions:
                    report.resent_chats.append(item.chat_id)
            else:
                await _apologise(bot, item)
                status, done = FAILED, report.apologised
        except UndeliverableError:
            log.warning(
                "recovery: chat %s unreachable; message %s failed", item.chat_id, item.message_id
            )
            status, done = FAILED, report.undeliverable
        await mark_message(services, item.message_id, status)
        done.append(item.message_id)
    if report.total:
        log.info(
            "recovery: %d answers resent, %d apologies, %d too old, %d undeliverable",
            len(report.resent),
            len(report.apologised),
            len(report.expired),
            len(report.undeliverable),
        )
    return report


async def _claim_interrupted(session: AsyncSession, lease: Lease) -> list[_Interrupted]:
    """Claim the accepted messages whose lease lapsed, with what the agent stored for them."""
    claimed = await run_on_connection(session, claim_lapsed_turns, lease, datetime.now(UTC))
    if not claimed:
        return []
    messages = await session.scalars(
        select(ChatMessage).where(ChatMessage.id.in_(claimed)).order_by(ChatMessage.id)
    )
    found: list[_Interrupted] = []
    for message in messages.all():
        chat_id = _telegram_chat_id(message)
        if chat_id is None:
            continue
        replies = await replies_to(session, message)
        last = replies[-1] if replies else None
        finished = last is not None and last.role == "assistant" and not last.tool_calls
        waiting = await _waiting_actions(session, message) if finished else []
        shown = await run_on_connection(
            session, shown_confirmations, [action.confirmation_id for action in waiting]
        )
        found.append(
            _Interrupted(
                message_id=message.id,
                chat_id=chat_id,
                question=message.content,
                received_at=message.created_at,
                answer=last.content if finished and last is not None else None,
                waiting_actions=waiting,
                shown=shown,
            )
        )
    return found


def _telegram_chat_id(message: ChatMessage) -> int | None:
    """The Telegram chat of a message the bot took from Telegram; None for any other."""
    if message.telegram_update_id is None:
        return None
    try:
        return int(message.chat_id)
    except ValueError:
        return None


async def _waiting_actions(
    session: AsyncSession, message: ChatMessage
) -> list[ConfirmationRequested]:
    """Actions the turn proposed that still wait for the customer's answer."""
    now = datetime.now(UTC)
    next_question_at = await session.scalar(
        select(ChatMessage.created_at)
        .where(
            ChatMessage.chat_id == message.chat_id,
            ChatMessage.role == "user",
            ChatMessage.id > message.id,
        )
        .order_by(ChatMessage.id)
        .limit(1)
    )
    query = select(PendingConfirmation).where(
        PendingConfirmation.chat_id == message.chat_id,
        PendingConfirmation.status == "pending",
        PendingConfirmation.created_at >= message.created_at,
    )
    if next_question_at is not None:
        query = query.where(PendingConfirmation.created_at < next_question_at)
    rows = await session.scalars(query.order_by(PendingConfirmation.created_at))
    return [
        ConfirmationRequested(
            confirmation_id=row.id,
            tool=row.tool_name,
            summary=row.summary,
            expires_at=row.expires_at,
        )
        for row in rows
        if row.expires_at > now
    ]


async def _resend(bot: ExtBot[None], services: BotServices, item: _Interrupted) -> None:
    if item.waiting_actions:
        for action in item.waiting_actions:
            if action.confirmation_id not in item.shown:
                await send_confirmation_card(bot, services, item.chat_id, action)
        return
    intro = texts.RECOVERED_ANSWER_INTRO.format(question=_quote(item.question))
    await send_html(bot, item.chat_id, f"{intro}\n\n{escape(item.answer or '')}")


async def _apologise(bot: ExtBot[None], item: _Interrupted) -> None:
    await send_html(
        bot, item.chat_id, texts.RECOVERY_APOLOGY.format(question=_quote(item.question))
    )


def _quote(question: str) -> str:
    """The start of the customer's question, on one line, escaped for HTML."""
    line = " ".join(question.split())
    if len(line) > QUESTION_PREVIEW_CHARS:
        line = line[: QUESTION_PREVIEW_CHARS - 1].rstrip() + "…"
    return escape(line)
