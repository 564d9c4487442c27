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
  that still waits for the customer (asked of the agent through its client
  interface, ``AgentClient.waiting_confirmations``; unless that card was
  already sent: ``db.confirmation_cards``); the message becomes ``answered``;
- otherwise the customer is told, in Turkish and quoting the question, that
  it could not be answered, and asked to write it again; the message becomes
  ``failed``.

The turn is not run again: the crash may have come from that very message,
and the customer may have moved on. Messages older than ``RECOVERY_WINDOW``
are only marked failed. Only messages the bot took from Telegram (they carry
an update id) are touched; the HTTP API's callers own theirs. A message
stored before leases existed, or whose instance stopped cleanly (releasing
its leases), has no live lease and is taken over at once. The claim and the
marks are the message store's (``db.message_store``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from telegram.ext import ExtBot

from agent.events import ConfirmationRequested
from bot import texts
from bot.conversation import send_confirmation_card
from bot.delivery import UndeliverableError, send_html
from bot.rendering import escape
from bot.services import BotServices
from db.confirmation_cards import shown_confirmations
from db.engine import run_on_connection, transaction
from db.message_store import ANSWERED, FAILED, LapsedMessage

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
    lapsed = await services.messages.take_over_lapsed(leases.new_lease())
    with leases.holding(message.message_id for message in lapsed):
        return await _finish(bot, services, lapsed)


async def _finish(
    bot: ExtBot[None], services: BotServices, lapsed: list[LapsedMessage]
) -> RecoveryReport:
    report = RecoveryReport()
    oldest_kept = datetime.now(UTC) - RECOVERY_WINDOW
    for message in lapsed:
        chat_id = _telegram_chat_id(message)
        if chat_id is None:
            continue
        if message.received_at < oldest_kept:
            log.warning("recovery: message %s is too old to answer; failed", message.message_id)
            await services.messages.mark(message.message_id, FAILED)
            report.expired.append(message.message_id)
            continue
        item = await _interrupted(services, message, chat_id)
        if item is None:
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
        await services.messages.mark(item.message_id, status)
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


async def _interrupted(
    services: BotServices, message: LapsedMessage, chat_id: int
) -> _Interrupted | None:
    """What to send for ``message``; None when the agent cannot say now (tried at a later sweep).

    The actions a finished turn proposed, still waiting, come from the agent
    (its interface, not its table); which of their cards were sent, from the
    bot's own records.
    """
    waiting: list[ConfirmationRequested] = []
    shown: set[str] = set()
    if message.answer is not None:
        try:
            waiting = await services.agent.waiting_confirmations(
                message.chat_id,
                proposed_from=message.received_at,
                proposed_before=message.next_question_at,
            )
            if waiting:
                shown = await _shown(services, [action.confirmation_id for action in waiting])
        except Exception as error:
            # Its lease lapses unrenewed: a later sweep takes the message over again.
            log.warning(
                "recovery: message %s left for the next sweep: its actions could not be read: %s",
                message.message_id,
                error,
            )
            return None
    return _Interrupted(
        message_id=message.message_id,
        chat_id=chat_id,
        question=message.question,
        received_at=message.received_at,
        answer=message.answer,
        waiting_actions=waiting,
        shown=shown,
    )


async def _shown(services: BotServices, confirmation_ids: list[str]) -> set[str]:
    """Those of ``confirmation_ids`` whose card was sent (``db.confirmation_cards``)."""
    async with transaction(services.database.sessions) as session:
        return await run_on_connection(session, shown_confirmations, confirmation_ids)


def _telegram_chat_id(message: LapsedMessage) -> int | None:
    """The Telegram chat of a message the bot took from Telegram; None for any other."""
    if message.update_id is None:
        return None
    try:
        return int(message.chat_id)
    except ValueError:
        return None


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
