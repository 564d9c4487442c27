"""Finding the messages a call refers to: the one replied to, the one edited."""

from __future__ import annotations

from bot.standin.api_error import MESSAGE_TO_EDIT_NOT_FOUND, bad_request
from bot.standin.records import ChatRecord, MessageRecord
from bot.standin.request_params import Params


def reply_target(chat: ChatRecord, params: Params) -> int | None:
    """The ``message_id`` a new message answers, from ``reply_parameters`` or the old field.

    A missing target is refused unless ``allow_sending_without_reply`` is set.
    """
    reply = params.json_value("reply_parameters")
    allow_missing = params.flag("allow_sending_without_reply")
    if isinstance(reply, dict):
        target = reply.get("message_id")
        allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        if reply.get("chat_id") not in (None, chat.id):
            raise bad_request("replying to messages in other chats is not supported")
    elif reply is not None:
        raise bad_request("can't parse reply parameters JSON object")
    else:
        target = params.integer("reply_to_message_id")
    if target is None:
        return None
    original = chat.messages.get(target) if isinstance(target, int) else None
    if original is None or original.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return original.message_id


def bot_message_to_edit(chat: ChatRecord, params: Params) -> MessageRecord:
    """The bot's own message named by ``message_id``, or Telegram's refusal."""
    if params.text("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")
    message_id = params.integer("message_id", required=True)
    message = chat.messages.get(message_id) if message_id is not None else None
    if message is None or message.deleted:
        raise bad_request(MESSAGE_TO_EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message
