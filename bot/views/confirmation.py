"""Confirmation cards: the proposed action with Onayla / Vazgeç, then its outcome."""

from __future__ import annotations

from agent.events import ActionOutcome, ConfirmationRequested
from bot import texts
from bot.rendering import escape
from core.turkish import format_moment


def confirmation_card(request: ConfirmationRequested) -> str:
    """The summary the customer confirms, with the time the offer expires."""
    return texts.CONFIRMATION_CARD.format(
        summary=escape(request.summary), expires_at=escape(format_moment(request.expires_at))
    )


def resolved_card(card_html: str, outcome: ActionOutcome) -> str:
    """The card as it was, followed by what happened (its buttons are removed)."""
    mark = texts.CONFIRMATION_OUTCOME_MARKS.get(outcome.status, "")
    return f"{card_html}\n\n{mark} {escape(outcome.message)}".rstrip()
