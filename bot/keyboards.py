"""Buttons the bot shows, and the ``callback_data`` its inline buttons carry.

``callback_data`` is at most 64 bytes of UTF-8, so it holds short ASCII codes:

- ``c:ok:<confirmation id>`` / ``c:no:<confirmation id>``: Onayla / Vazgeç;
- ``pay:<method code>:<bill id>``: a pay button under ``/fatura``;
- ``r:good`` / ``r:bad``: 👍 / 👎 under an answer (the message itself names the answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot import texts

CONFIRMATION_PREFIX = "c:"
PAY_PREFIX = "pay:"
RATING_PREFIX = "r:"
CALLBACK_DATA_MAX_BYTES = 64

PaymentMethod = Literal["credit_card", "bank_transfer"]
_PAYMENT_METHOD_CODES: dict[str, PaymentMethod] = {"cc": "credit_card", "bt": "bank_transfer"}


@dataclass(frozen=True)
class ConfirmationPress:
    """A press of Onayla (``approve``) or Vazgeç on a confirmation card."""

    approve: bool
    confirmation_id: str


@dataclass(frozen=True)
class PayPress:
    """A press of a pay button under a bill."""

    bill_id: str
    method: PaymentMethod


def contact_request_keyboard() -> ReplyKeyboardMarkup:
    """The one-button keyboard that shares the user's own, Telegram-verified number."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.SHARE_CONTACT_BUTTON, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def confirmation_keyboard(confirmation_id: str) -> InlineKeyboardMarkup:
    """Onayla / Vazgeç for one proposed action."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.CONFIRM_BUTTON,
                    callback_data=_checked(f"{CONFIRMATION_PREFIX}ok:{confirmation_id}"),
                ),
                InlineKeyboardButton(
                    texts.DECLINE_BUTTON,
                    callback_data=_checked(f"{CONFIRMATION_PREFIX}no:{confirmation_id}"),
                ),
            ]
        ]
    )


def pay_keyboard(bill_id: str) -> InlineKeyboardMarkup:
    """Pay by card / by bank transfer, under a payable bill."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.PAY_BY_CARD_BUTTON, callback_data=_checked(f"{PAY_PREFIX}cc:{bill_id}")
                ),
                InlineKeyboardButton(
                    texts.PAY_BY_TRANSFER_BUTTON,
                    callback_data=_checked(f"{PAY_PREFIX}bt:{bill_id}"),
                ),
            ]
        ]
    )


def rating_keyboard(chosen: str | None = None) -> InlineKeyboardMarkup:
    """👍 / 👎 under an answer; the ``chosen`` rating (good | bad) carries a check mark.

    Both stay pressable: the customer may change their mind (the last rating wins).
    """
    buttons = []
    for rating, label in (("good", texts.RATE_GOOD_BUTTON), ("bad", texts.RATE_BAD_BUTTON)):
        shown = texts.RATE_CHOSEN_BUTTON.format(label=label) if rating == chosen else label
        buttons.append(
            InlineKeyboardButton(shown, callback_data=_checked(f"{RATING_PREFIX}{rating}"))
        )
    return InlineKeyboardMarkup([buttons])


def parse_rating_press(data: str) -> str | None:
    """``"r:good"`` -> ``"good"``, ``"r:bad"`` -> ``"bad"``; None for anything else."""
    if not data.startswith(RATING_PREFIX):
        return None
    rating = data[len(RATING_PREFIX) :]
    return rating if rating in ("good", "bad") else None


def private_chat_keyboard(bot_username: str) -> InlineKeyboardMarkup:
    """A button that opens the private chat with the bot (used in groups)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.PRIVATE_CHAT_BUTTON, url=f"https://t.me/{bot_username}")]]
    )


def parse_confirmation_press(data: str) -> ConfirmationPress | None:
    """``"c:ok:abc"`` -> ``ConfirmationPress(True, "abc")``; None for anything else."""
    if not data.startswith(CONFIRMATION_PREFIX):
        return None
    decision, _, confirmation_id = data[len(CONFIRMATION_PREFIX) :].partition(":")
    if decision not in ("ok", "no") or not confirmation_id:
        return None
    return ConfirmationPress(approve=decision == "ok", confirmation_id=confirmation_id)


def parse_pay_press(data: str) -> PayPress | None:
    """``"pay:cc:F-2026-004217"`` -> ``PayPress("F-2026-004217", "credit_card")``."""
    if not data.startswith(PAY_PREFIX):
        return None
    code, _, bill_id = data[len(PAY_PREFIX) :].partition(":")
    method = _PAYMENT_METHOD_CODES.get(code)
    if method is None or not bill_id:
        return None
    return PayPress(bill_id=bill_id, method=method)


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback_data over {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
    return data
