"""One customer turn through the agent: store, stream, answer, offer confirmations.

The user's message is stored before the agent is called and its id passed
on (``ChatRequest.message_id``), so a message survives an unreachable agent
and a crash; it is marked answered (or failed) only once the reply has been
delivered, so ``bot.recovery`` can finish what a crash interrupted. The
agent's events drive a live preview (``bot.streaming``); the final answer is
sent as real messages (``bot.delivery``). A proposed action
arrives as a card with Onayla / Vazgeç; the card replaces the agent's final
text, which only repeats the proposal's summary. Each card is recorded
(``bot.confirmation_cards``); a card the turn settles (a typed "evet",
"hayır", or an amendment that replaces it) is edited to show the outcome as
soon as the agent says so.

Concurrency: a turn starts here already behind its chat's lane (and, on
PostgreSQL, the chat's advisory lock: ``bot.update_order``), so one chat runs
one turn at a time. ``services.turn_slots`` then lets at most
``telegram.max_concurrent_turns`` turns run at once in this process;
``services.turns`` only keeps the running turn for ``/iptal`` to cancel; the
message's turn lease (``bot.turn_leases``) keeps other instances' recovery off
it while it runs. The message itself is stored and marked through
``services.messages`` (``db.message_store``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram.ext import ExtBot

from agent.client import AgentUnavailableError
from agent.events import (
    ActionOutcome,
    ChatRequest,
    ConfirmationRequested,
    ConfirmationSettled,
    FinalAnswer,
    TextDelta,
    ToolStarted,
)
from bot import texts
from bot.confirmation_cards import remember_card, settle_card
from bot.delivery import UndeliverableError, send_html
from bot.handoff import offer_after_failures
from bot.keyboards import confirmation_keyboard, rating_keyboard
from bot.ratings import remember_answer
from bot.rendering import escape
from bot.services import BotServices
from bot.streaming import AnswerPreview
from bot.views.confirmation import confirmation_card
from db.message_store import ANSWERED, FAILED, NewMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerMessage:
    """A message to answer: where it came from and for whom the agent works."""

    chat_id: int
    private: bool
    text: str
    # The chat's verified customer; always None in groups.
    customer_id: int | None
    update_id: int | None
    # The Telegram message answered (replied to in groups; names the draft).
    telegram_message_id: int
    # Already stored with the update's claim (``bot.handlers.gate``); else stored here.
    stored_id: int | None = None


@dataclass
class _TurnResult:
    """What to send when the turn is over: an answer, or the proposals to confirm."""

    answer_html: str
    confirmations: list[ConfirmationRequested] = field(default_factory=list)
    # The agent apologised instead of answering.
    failed: bool = False
    # Sent before the cards: what the assistant said before proposing (an acknowledgement).
    preface_html: str = ""


async def answer_customer(
    bot: ExtBot[None], services: BotServices, message: CustomerMessage
) -> None:
    """Store ``message`` (unless the gate did), run the agent turn, deliver, mark the message.

    The message stays ``accepted`` until the answer (or an apology) has reached
    the customer, so a crash before that is found by ``bot.recovery`` at the
    next start. ``/iptal`` may cancel the turn (``services.turns``); the
    message is then marked failed and the customer has already been told.
    A database still out of reach after the retries raises
    ``DatabaseBusyError`` before anything is accepted; the error handler asks
    the customer to send the message again.
    """
    stored_id = message.stored_id
    if stored_id is None:
        stored_id = await services.messages.add(
            NewMessage(
                str(message.chat_id),
                message.text,
                customer_id=message.customer_id,
                update_id=message.update_id,
                lease=services.turn_leases.new_lease(),
            )
        )
    # The lease is renewed while the turn runs: no other instance takes it over.
    with services.turn_leases.holding([stored_id]):
        finished = await services.turns.run(
            message.chat_id, _converse_in_turn_slot(bot, services, message, stored_id)
        )
    if not finished:
        log.info("chat %s: turn cancelled by the customer", message.chat_id)
        await services.messages.mark(stored_id, FAILED)


async def _converse_in_turn_slot(
    bot: ExtBot[None], services: BotServices, message: CustomerMessage, stored_id: int
) -> None:
    """:func:`_converse` once fewer than ``telegram.max_concurrent_turns`` turns run.

    Turns beyond that wait here, their message stored, showing nothing yet:
    more turns at once would each take longer and send more "typing" renewals.
    """
    async with services.turn_slots:
        await _converse(bot, services, message, stored_id)


async def _converse(
    bot: ExtBot[None], services: BotServices, message: CustomerMessage, stored_id: int
) -> None:
    preview = AnswerPreview(
        bot,
        message.chat_id,
        private=message.private,
        edit_interval_s=services.settings.telegram.stream_edit_interval_s,
        draft_id=message.telegram_message_id,
        show_after_s=services.settings.telegram.preview_after_s,
    )
    try:
        async with preview:
            try:
                result = await _run_agent(bot, services, message, stored_id, preview)
            except AgentUnavailableError as error:
                log.warning("chat %s: agent unavailable: %s", message.chat_id, error)
                result = _TurnResult(answer_html=texts.AGENT_UNAVAILABLE, failed=True)
            except Exception:
                await services.messages.mark(stored_id, FAILED)
                raise
        if await _deliver(bot, services, message, result, stored_id):
            await services.messages.mark(stored_id, FAILED if result.failed else ANSWERED)
            if result.failed and message.private:
                # Failing again and again: a person may help (bot.handoff).
                await offer_after_failures(bot, services, message.chat_id)
        else:
            log.warning(
                "chat %s: message %s left accepted for recovery at the next start",
                message.chat_id,
                stored_id,
            )
    finally:
        # The group preview goes once the answer is out, or when the turn is cancelled.
        await preview.discard()


async def _run_agent(
    bot: ExtBot[None],
    services: BotServices,
    message: CustomerMessage,
    stored_id: int,
    preview: AnswerPreview,
) -> _TurnResult:
    request = ChatRequest(
        message=message.text,
        chat_id=str(message.chat_id),
        customer_id=message.customer_id,
        message_id=stored_id,
        update_id=message.update_id,
        private=message.private,
    )
    written = ""
    final: FinalAnswer | None = None
    confirmations: list[ConfirmationRequested] = []
    async for event in services.agent.chat(request):
        if isinstance(event, TextDelta):
            written += event.text
            await preview.show(written)
        elif isinstance(event, ToolStarted):
            written = ""
            await preview.show(texts.TOOL_PROGRESS.get(event.name, texts.TOOL_PROGRESS_DEFAULT))
        elif isinstance(event, ConfirmationRequested):
            confirmations.append(event)
        elif isinstance(event, ConfirmationSettled):
            # The card shows the outcome at once, before the answer is delivered.
            outcome = ActionOutcome(
                status=event.status, message=event.message, confirmation_id=event.confirmation_id
            )
            await settle_card(bot, services, event.confirmation_id, outcome)
        elif isinstance(event, FinalAnswer):
            final = event
    answer = final.text.strip() if final is not None else ""
    if final is None:
        log.error("chat %s: the agent ended the turn without a final answer", message.chat_id)
    return _TurnResult(
        answer_html=escape(answer) if answer else texts.EMPTY_ANSWER,
        confirmations=confirmations,
        failed=final is None or final.failed,
        preface_html=escape(final.preface.strip()) if final is not None else "",
    )


async def _deliver(
    bot: ExtBot[None],
    services: BotServices,
    message: CustomerMessage,
    result: _TurnResult,
    stored_id: int,
) -> bool:
    """Send the answer or the confirmation cards; False when Telegram would not take them.

    An answer in a private chat carries the 👍 / 👎 buttons and is recorded
    for ratings (``bot.ratings``).
    """
    reply_to = None if message.private else message.telegram_message_id
    try:
        if not result.confirmations:
            rateable = message.private and not result.failed
            parts = await send_html(
                bot,
                message.chat_id,
                result.answer_html,
                reply_to=reply_to,
                reply_markup=rating_keyboard() if rateable else None,
            )
            if rateable:
                await remember_answer(services, message.chat_id, stored_id, parts)
            return True
        if result.preface_html:
            await send_html(bot, message.chat_id, result.preface_html, reply_to=reply_to)
        for confirmation in result.confirmations:
            await send_confirmation_card(
                bot, services, message.chat_id, confirmation, reply_to=reply_to
            )
    except UndeliverableError:
        # Logged where it failed; the answer is stored in the chat history.
        return False
    return True


async def send_confirmation_card(
    bot: ExtBot[None],
    services: BotServices,
    chat_id: int,
    confirmation: ConfirmationRequested,
    *,
    reply_to: int | None = None,
) -> None:
    """Offer Onayla / Vazgeç for ``confirmation`` and record the card, to close it later."""
    parts = await send_html(
        bot,
        chat_id,
        confirmation_card(confirmation),
        reply_markup=confirmation_keyboard(confirmation.confirmation_id),
        reply_to=reply_to,
    )
    # The buttons ride on the last part of a card split in parts.
    await remember_card(services, confirmation.confirmation_id, parts[-1])
