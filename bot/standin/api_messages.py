"""Bot API methods that write into chats: send, edit, delete, drafts, actions, answers."""

from __future__ import annotations

from bot.standin.api_error import (
    MESSAGE_NOT_MODIFIED,
    MESSAGE_TEXT_EMPTY,
    MESSAGE_TOO_LONG,
    bad_request,
)
from bot.standin.api_forum import thread_for_message
from bot.standin.message_lookup import bot_message_to_edit, reply_target
from bot.standin.records import JsonObject
from bot.standin.reply_markup import is_inline_keyboard, read_reply_markup
from bot.standin.request_params import Params
from bot.standin.state import StandinState
from bot.standin.text_entities import FormattedText
from bot.standin.text_rules import MESSAGE_LIMIT, TextLimits, read_formatted_text

MESSAGE_TEXT = TextLimits(MESSAGE_LIMIT, too_long=MESSAGE_TOO_LONG, empty=MESSAGE_TEXT_EMPTY)
DRAFT_TEXT = TextLimits(MESSAGE_LIMIT, too_long=MESSAGE_TOO_LONG, empty=None)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
CALLBACK_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _read_text(params: Params, limits: TextLimits) -> FormattedText:
    """The ``text`` parameter with ``parse_mode`` or ``entities`` applied and checked."""
    return read_formatted_text(
        params.text("text"),
        parse_mode=params.text("parse_mode"),
        entities=params.json_value("entities"),
        limits=limits,
    )


async def send_message(state: StandinState, params: Params) -> JsonObject:
    """``sendMessage``: 1-4096 characters after entity parsing, optionally into a forum topic."""
    chat = state.chat_for_bot(params.chat_id())
    formatted = _read_text(params, MESSAGE_TEXT)
    markup = read_reply_markup(params.json_value("reply_markup"))
    thread_id = thread_for_message(chat, params)
    reply_to = reply_target(chat, params)
    state.flood.admit(chat.id, is_group=chat.is_group)
    message = state.add_bot_message(
        chat,
        text=formatted.text,
        entities=formatted.entities,
        reply_markup=markup,
        reply_to_message_id=reply_to,
        message_thread_id=thread_id,
    )
    return state.render_message(message)


async def edit_message_text(state: StandinState, params: Params) -> JsonObject:
    """``editMessageText``; leaving out ``reply_markup`` removes an inline keyboard."""
    chat = state.chat_for_bot(params.chat_id())
    message = bot_message_to_edit(chat, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    formatted = _read_text(params, MESSAGE_TEXT)
    markup = read_reply_markup(params.json_value("reply_markup"), inline_only=True)
    current_markup = message.reply_markup if is_inline_keyboard(message.reply_markup) else None
    if (formatted.text, formatted.entities, markup) == (
        message.text,
        message.entities,
        current_markup,
    ):
        raise bad_request(MESSAGE_NOT_MODIFIED)
    state.flood.admit(chat.id, is_group=chat.is_group)
    state.revise_message(
        message,
        text=formatted.text,
        entities=formatted.entities,
        caption=message.caption,
        reply_markup=markup,
    )
    return state.render_message(message)


async def edit_message_reply_markup(state: StandinState, params: Params) -> JsonObject:
    """``editMessageReplyMarkup``: replace or (when absent) remove the inline keyboard."""
    chat = state.chat_for_bot(params.chat_id())
    message = bot_message_to_edit(chat, params)
    markup = read_reply_markup(params.json_value("reply_markup"), inline_only=True)
    current_markup = message.reply_markup if is_inline_keyboard(message.reply_markup) else None
    if markup == current_markup:
        raise bad_request(MESSAGE_NOT_MODIFIED)
    state.flood.admit(chat.id, is_group=chat.is_group)
    state.revise_message(
        message,
        text=message.text,
        entities=message.entities,
        caption=message.caption,
        reply_markup=markup,
    )
    return state.render_message(message)


async def delete_message(state: StandinState, params: Params) -> bool:
    """``deleteMessage``: the message stays in the record, marked deleted."""
    chat = state.chat_for_bot(params.chat_id())
    message_id = params.integer("message_id", required=True)
    message = chat.messages.get(message_id) if message_id is not None else None
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    message.deleted = True
    state.changed()
    return True


async def send_message_draft(state: StandinState, params: Params) -> bool:
    """``sendMessageDraft``: streamed preview, private chats only, 0-4096 characters."""
    chat = state.chat_for_bot(params.chat_id())
    if chat.type != "private":
        raise bad_request("TEXTDRAFT_PEER_INVALID")
    draft_id = params.integer("draft_id", required=True)
    if not draft_id:
        raise bad_request("DRAFT_ID_INVALID")
    formatted = _read_text(params, DRAFT_TEXT)
    state.record_draft(chat, draft_id, formatted.text)
    return True


async def send_chat_action(state: StandinState, params: Params) -> bool:
    """``sendChatAction``: recorded, not counted by flood control."""
    chat = state.chat_for_bot(params.chat_id())
    action = params.text("action", required=True)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.record_chat_action(chat, action)
    return True


async def answer_callback_query(state: StandinState, params: Params) -> bool:
    """``answerCallbackQuery``: once per press, within the answer window."""
    query_id = params.text("callback_query_id", required=True)
    query = state.callback_queries.get(query_id or "")
    window = state.settings.callback_answer_window
    expired = (
        query is not None and window is not None and state.monotonic() - query.pressed_at > window
    )
    if query is None or query.answered or expired:
        raise bad_request(CALLBACK_QUERY_INVALID)
    query.answered = True
    query.answer_text = params.text("text")
    query.show_alert = params.flag("show_alert")
    query.answer_url = params.text("url")
    state.changed()
    return True


HANDLERS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendMessageDraft": send_message_draft,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
}
