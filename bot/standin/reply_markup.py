"""Checks on ``reply_markup``: inline keyboards, reply keyboards and the rest.

The rule that bites a confirmation flow is ``callback_data``: 1-64 bytes of
UTF-8, so ``"onayla:ödeme:…"`` runs out faster than its character count
suggests. Telegram answers ``BUTTON_DATA_INVALID`` when it is broken.
"""

from __future__ import annotations

from typing import Any

from bot.standin.api_error import bad_request

Markup = dict[str, Any]

CALLBACK_DATA_MAX_BYTES = 64

# Exactly one of these makes an inline button do something.
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_URL_SCHEMES = ("http://", "https://", "tg://")

_MARKUP_UNPARSABLE = "can't parse reply keyboard markup JSON object"
_TEXT_BUTTON_IN_INLINE = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)


def read_reply_markup(value: object, *, inline_only: bool = False) -> Markup | None:
    """Validate a ``reply_markup`` parameter and return it, or None when absent.

    ``inline_only`` is for edits, which accept only inline keyboards.
    Raises ``ApiError`` with Telegram's description when a rule is broken.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(_MARKUP_UNPARSABLE)
    if "inline_keyboard" in value:
        _check_inline_keyboard(value["inline_keyboard"])
        return value
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in value:
        _check_reply_keyboard(value["keyboard"])
        return value
    if value.get("remove_keyboard") is True or value.get("force_reply") is True:
        return value
    raise bad_request(_MARKUP_UNPARSABLE)


def is_inline_keyboard(markup: Markup | None) -> bool:
    """Whether the markup is an inline keyboard (the only kind a message object carries)."""
    return markup is not None and "inline_keyboard" in markup


def _rows(keyboard: object) -> list[list[Any]]:
    if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
        raise bad_request(_MARKUP_UNPARSABLE)
    return keyboard


def _check_inline_keyboard(keyboard: object) -> None:
    for row in _rows(keyboard):
        for button in row:
            _check_inline_button(button)


def _check_inline_button(button: object) -> None:
    if not isinstance(button, dict):
        raise bad_request(_MARKUP_UNPARSABLE)
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _INLINE_ACTIONS if button.get(name) is not None]
    if not actions:
        raise bad_request(_TEXT_BUTTON_IN_INLINE)
    data = button.get("callback_data")
    if data is not None and not (
        isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(_URL_SCHEMES)):
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(keyboard: object) -> None:
    for row in _rows(keyboard):
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
