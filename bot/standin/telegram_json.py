"""Bot API objects (User, Chat, Message...) built from the stand-in's records.

Field names and optional fields follow the Bot API so python-telegram-bot
deserialises them like Telegram's own answers: optional fields are left out
rather than sent as null.
"""

from __future__ import annotations

from bot.standin.image_info import image_size
from bot.standin.records import ChatRecord, JsonObject, MessageRecord, StoredFile, UserRecord
from bot.standin.reply_markup import is_inline_keyboard


def user_json(user: UserRecord) -> JsonObject:
    """A ``User`` object."""
    body: JsonObject = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    for name in ("last_name", "username", "language_code"):
        value = getattr(user, name)
        if value is not None:
            body[name] = value
    return body


def bot_user_json(bot: UserRecord) -> JsonObject:
    """The ``User`` object ``getMe`` returns, with the bot-only capabilities."""
    return {
        **user_json(bot),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(chat: ChatRecord, peer: UserRecord | None) -> JsonObject:
    """A ``Chat`` object; ``peer`` is the other side of a private chat."""
    body: JsonObject = {"id": chat.id, "type": chat.type}
    if chat.type == "private" and peer is not None:
        body["first_name"] = peer.first_name
        if peer.last_name is not None:
            body["last_name"] = peer.last_name
        if peer.username is not None:
            body["username"] = peer.username
    else:
        body["title"] = chat.title or ""
        if chat.username is not None:
            body["username"] = chat.username
        if chat.is_forum:
            body["is_forum"] = True
    return body


def message_json(
    message: MessageRecord,
    *,
    chat: JsonObject,
    sender: JsonObject,
    reply_to: JsonObject | None = None,
) -> JsonObject:
    """A ``Message`` object as Telegram returns it."""
    body: JsonObject = {
        "message_id": message.message_id,
        "from": sender,
        "chat": chat,
        "date": message.date,
    }
    if message.message_thread_id is not None:
        body["message_thread_id"] = message.message_thread_id
        body["is_topic_message"] = True
    if message.edit_date is not None:
        body["edit_date"] = message.edit_date
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    if message.forward_origin is not None:
        body["forward_origin"] = message.forward_origin
    if message.text is not None:
        body["text"] = message.text
        if message.entities:
            body["entities"] = [dict(entity) for entity in message.entities]
    body.update(message.attachment)
    if message.caption is not None:
        body["caption"] = message.caption
        if message.caption_entities:
            body["caption_entities"] = [dict(entity) for entity in message.caption_entities]
    # A message object carries inline keyboards only; reply keyboards belong to the chat.
    if is_inline_keyboard(message.reply_markup):
        body["reply_markup"] = message.reply_markup
    return body


def document_json(stored: StoredFile) -> JsonObject:
    """A ``Document`` object."""
    body: JsonObject = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if stored.file_name:
        body["file_name"] = stored.file_name
    if stored.mime_type:
        body["mime_type"] = stored.mime_type
    return body


def photo_json(stored: StoredFile) -> list[JsonObject]:
    """The ``PhotoSize`` list of a photo (one size: the stand-in makes no thumbnails)."""
    width, height = image_size(stored.content) or (0, 0)
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "width": width,
            "height": height,
        }
    ]
