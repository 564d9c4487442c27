"""Confirmation cards that show their action's true state, across restarts.

A card offers Onayla / Vazgeç for one proposed action. When it is sent, its
place (the chat, the message carrying the buttons) and its HTML are recorded
in the database (``db.confirmation_cards``). Whatever settles the action (a
press, a typed reply, ``/iptal``) edits the card at once to show the outcome
without buttons (``bot.views.confirmation.resolved_card``) and closes it.
What no one settles here (expiry, another front end, a crash between an
action and its card's edit) is found by the sweep (``bot.card_sweep``).

Recording and closing are best effort: a database out of reach is logged
and the card left open, so the sweep edits it later (an edit to the same
text is harmless).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection
from telegram import Message
from telegram.ext import ExtBot

from agent.events import ActionOutcome, ActionStatus
from bot import texts
from bot.delivery import EditResult, UndeliverableError, edit_message, send_html
from bot.views.confirmation import outcome_line, resolved_card
from db.confirmation_cards import StoredCard, close_card, find_card, save_card
from db.retries import run_sync_in_transaction

if TYPE_CHECKING:
    from bot.services import BotServices

log = logging.getLogger(__name__)

# Outcomes that end a card. "failed" (the action stays pending and may be
# tried again) and "not_found" (another customer's, or unknown) leave it as
# it was, buttons and all.
CLOSING_STATUSES: frozenset[ActionStatus] = frozenset(
    {"done", "already_done", "cancelled", "expired"}
)


async def remember_card(services: BotServices, confirmation_id: str, message: Message) -> None:
    """Record ``message``, the part of a card that carries its buttons, as open."""
    card_html = message.text_html or ""

    def save(connection: Connection) -> None:
        save_card(
            connection,
            confirmation_id,
            chat_id=message.chat.id,
            message_id=message.message_id,
            card_html=card_html,
            created_at=datetime.now(UTC),
        )

    try:
        await run_sync_in_transaction(
            services.database.sessions,
            save,
            what=f"remember card of {confirmation_id}",
            policy=services.database.retry,
        )
    except Exception:
        # The card works without its record; only a later settle cannot find it.
        log.exception("card of %s not recorded", confirmation_id)


async def stored_card(services: BotServices, confirmation_id: str) -> StoredCard | None:
    """The recorded card of ``confirmation_id``; None when there is none or it cannot be read."""
    try:
        return await run_sync_in_transaction(
            services.database.sessions,
            lambda connection: find_card(connection, confirmation_id),
            what=f"find card of {confirmation_id}",
            policy=services.database.retry,
        )
    except Exception:
        log.exception("card of %s could not be read", confirmation_id)
        return None


async def settle_card(
    bot: ExtBot[None], services: BotServices, confirmation_id: str, outcome: ActionOutcome
) -> None:
    """Show ``outcome`` on the card of ``confirmation_id`` if it is still open, and close it.

    For an action settled without a press (a typed reply, ``/iptal``). An
    outcome that does not end the action leaves the card as it is.
    """
    if outcome.status not in CLOSING_STATUSES:
        return
    card = await stored_card(services, confirmation_id)
    if card is None or card.closed:
        return
    await close_card_showing(bot, services, card, outcome)


async def close_card_showing(
    bot: ExtBot[None],
    services: BotServices,
    card: StoredCard,
    outcome: ActionOutcome,
    *,
    tell_result: bool = False,
) -> EditResult:
    """Edit ``card`` to show ``outcome`` without buttons, then record it closed.

    ``tell_result`` also sends the outcome as a message of its own, in reply
    to the card, before the card is closed: for a result a crash kept from
    the customer. A card Telegram refused to edit for now (``FAILED``) stays
    open for the next sweep; one it can never edit (``GONE``: deleted, bot
    blocked) is closed.
    """
    edited = await edit_message(
        bot,
        card.chat_id,
        card.message_id,
        resolved_card(card.card_html, outcome),
        reply_markup=None,
    )
    if edited is EditResult.FAILED:
        return edited
    if tell_result:
        await _tell_result(bot, card, outcome)
    await mark_card_closed(services, card.confirmation_id)
    return edited


async def mark_card_closed(services: BotServices, confirmation_id: str) -> None:
    """Record the card of ``confirmation_id`` as showing its outcome; a failure is logged."""
    closed_at = datetime.now(UTC)
    try:
        await run_sync_in_transaction(
            services.database.sessions,
            lambda connection: close_card(connection, confirmation_id, closed_at),
            what=f"close card of {confirmation_id}",
            policy=services.database.retry,
        )
    except Exception:
        # Left open: the next sweep edits it again to the same text and closes it.
        log.exception("card of %s not recorded as closed", confirmation_id)


async def _tell_result(bot: ExtBot[None], card: StoredCard, outcome: ActionOutcome) -> None:
    text = texts.RECOVERED_ACTION_RESULT.format(outcome=outcome_line(outcome))
    try:
        await send_html(bot, card.chat_id, text, reply_to=card.message_id)
    except UndeliverableError:
        log.warning(
            "chat %s: result of %s undeliverable; the card shows it",
            card.chat_id,
            card.confirmation_id,
        )
        return
    log.info("chat %s: told the result of %s after a restart", card.chat_id, card.confirmation_id)
