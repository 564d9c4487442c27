"""Confirmation cards: the proposed action with Onayla / Vazgeç, then its outcome."""

from __future__ import annotations

from agent.events import ActionOutcome, ConfirmationRequested
from bot import texts
from bot.rendering import (
    MAX_MESSAGE_LENGTH,
    PARAGRAPH_BREAK,
    escape,
    html_to_plain,
    shorten,
    visible_length,
)
from core.turkish import format_moment


def confirmation_card(request: ConfirmationRequested) -> str:
    """The summary the customer confirms, with the time the offer expires."""
    return texts.CONFIRMATION_CARD.format(
        summary=escape(request.summary), expires_at=escape(format_moment(request.expires_at))
    )


def resolved_card(card_html: str, outcome: ActionOutcome) -> str:
    """The card as it was, followed by what happened (its buttons are removed).

    The result replaces the card in one edit, so it must fit one message:
    when it would not, the card is shortened to plain text and the outcome
    kept (itself shortened only if it alone would fill the message).
    """
    outcome_html = outcome_line(outcome)
    resolved = f"{card_html}\n\n{outcome_html}".rstrip()
    if visible_length(resolved) <= MAX_MESSAGE_LENGTH:
        return resolved
    outcome_text = shorten(html_to_plain(outcome_html), MAX_MESSAGE_LENGTH // 2)
    room = MAX_MESSAGE_LENGTH - visible_length(escape(outcome_text)) - len(PARAGRAPH_BREAK)
    card_text = shorten(html_to_plain(card_html), room)
    return escape(f"{card_text}{PARAGRAPH_BREAK}{outcome_text}".strip())


def outcome_line(outcome: ActionOutcome) -> str:
    """The outcome's mark and Turkish message, as HTML: "✅ İşleminiz gerçekleştirildi. ..."

    An action that ran but ended in an error (its result says so) is marked
    as failed, not as done.
    """
    status = outcome.status
    if status in ("done", "already_done") and (outcome.result or {}).get("success") is False:
        status = "failed"
    mark = texts.CONFIRMATION_OUTCOME_MARKS.get(status, "")
    return f"{mark} {escape(outcome.message)}".strip()
