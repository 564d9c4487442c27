"""Forum topics of supergroups, and who belongs to a chat: the Bot API methods.

A supergroup with topics (``is_forum``) holds threads; each topic's
``message_thread_id`` is the id of the service message that created it, as
on Telegram. Managing topics needs the bot to be an administrator with the
``can_manage_topics`` right; writing into a closed topic needs the same.
"""

from __future__ import annotations

from bot.standin.api_error import bad_request
from bot.standin.records import ChatRecord, JsonObject, TopicRecord
from bot.standin.request_params import Params
from bot.standin.state import StandinState
from bot.standin.telegram_json import user_json

TOPIC_NAME_MAX = 128
# The six colours Telegram allows for a topic's icon (RGB); the first is the default.
TOPIC_ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
NOT_A_FORUM = "the chat is not a forum"
THREAD_NOT_FOUND = "message thread not found"
TOPIC_CLOSED = "TOPIC_CLOSED"
TOPIC_NOT_MODIFIED = "TOPIC_NOT_MODIFIED"
NOT_ENOUGH_RIGHTS = "not enough rights to manage topics"
# Administrator rights the stand-in grants every administrator (ChatMemberAdministrator).
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


def _forum(state: StandinState, params: Params) -> ChatRecord:
    chat = state.chat_for_bot(params.chat_id())
    if not chat.is_forum:
        raise bad_request(NOT_A_FORUM)
    return chat


def _require_topic_rights(chat: ChatRecord) -> None:
    if not chat.bot_can_manage_topics:
        raise bad_request(NOT_ENOUGH_RIGHTS)


def _topic(chat: ChatRecord, params: Params) -> TopicRecord:
    thread_id = params.integer("message_thread_id", required=True)
    topic = chat.topics.get(thread_id) if thread_id is not None else None
    if topic is None:
        raise bad_request(THREAD_NOT_FOUND)
    return topic


def topic_json(topic: TopicRecord) -> JsonObject:
    """A ``ForumTopic`` object."""
    return {
        "message_thread_id": topic.message_thread_id,
        "name": topic.name,
        "icon_color": topic.icon_color,
    }


async def create_forum_topic(state: StandinState, params: Params) -> JsonObject:
    """``createForumTopic``: a name of 1-128 characters and one of Telegram's six colours."""
    chat = _forum(state, params)
    _require_topic_rights(chat)
    name = params.text("name") or ""
    if not name.strip():
        raise bad_request("TOPIC_TITLE_EMPTY")
    if len(name) > TOPIC_NAME_MAX:
        raise bad_request("TOPIC_TITLE_INVALID")
    color = params.integer("icon_color")
    if color is None:
        color = TOPIC_ICON_COLORS[0]
    elif color not in TOPIC_ICON_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")
    state.flood.admit(chat.id, is_group=True)
    created = state.add_service_message(
        chat,
        {"forum_topic_created": {"name": name, "icon_color": color}},
        thread_id=chat.next_message_id,
    )
    topic = TopicRecord(message_thread_id=created.message_id, name=name, icon_color=color)
    chat.topics[topic.message_thread_id] = topic
    state.changed()
    return topic_json(topic)


async def close_forum_topic(state: StandinState, params: Params) -> bool:
    """``closeForumTopic``: only members with the right may write there afterwards."""
    return _set_closed(state, params, closed=True)


async def reopen_forum_topic(state: StandinState, params: Params) -> bool:
    """``reopenForumTopic``."""
    return _set_closed(state, params, closed=False)


def _set_closed(state: StandinState, params: Params, *, closed: bool) -> bool:
    chat = _forum(state, params)
    _require_topic_rights(chat)
    topic = _topic(chat, params)
    if topic.closed == closed:
        raise bad_request(TOPIC_NOT_MODIFIED)
    topic.closed = closed
    service = "forum_topic_closed" if closed else "forum_topic_reopened"
    state.add_service_message(chat, {service: {}}, thread_id=topic.message_thread_id)
    return True


def thread_for_message(chat: ChatRecord, params: Params) -> int | None:
    """The topic a message the bot sends goes to, or Telegram's refusal.

    ``message_thread_id`` is for forum supergroups only; a topic that does
    not exist is refused, a closed one unless the bot may manage topics.
    """
    thread_id = params.integer("message_thread_id")
    if thread_id is None:
        return None
    if not chat.is_forum:
        raise bad_request(THREAD_NOT_FOUND)
    topic = chat.topics.get(thread_id)
    if topic is None:
        raise bad_request(THREAD_NOT_FOUND)
    if topic.closed and not chat.bot_can_manage_topics:
        raise bad_request(TOPIC_CLOSED)
    return thread_id


async def get_chat_member(state: StandinState, params: Params) -> JsonObject:
    """``getChatMember``: creator, administrator, member or left (never a 400 for a stranger)."""
    chat = state.chat_for_bot(params.chat_id())
    user_id = params.integer("user_id", required=True)
    if user_id == state.bot.id:
        user = state.bot
    else:
        found = state.users.get(user_id) if user_id is not None else None
        if found is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        user = found
    body: JsonObject = {"user": user_json(user)}
    if user is state.bot:
        body.update(_administrator(can_manage_topics=chat.bot_can_manage_topics))
    elif user.id not in chat.member_ids:
        body["status"] = "left"
    elif chat.type == "private":
        body["status"] = "member"
    elif user.id in chat.administrator_ids:
        body.update(_administrator(can_manage_topics=True))
    else:
        body["status"] = "member"
    return body


def _administrator(*, can_manage_topics: bool) -> JsonObject:
    body: JsonObject = {"status": "administrator", "can_be_edited": False, "is_anonymous": False}
    body.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    body["can_manage_topics"] = can_manage_topics
    return body


HANDLERS = {
    "createForumTopic": create_forum_topic,
    "closeForumTopic": close_forum_topic,
    "reopenForumTopic": reopen_forum_topic,
    "getChatMember": get_chat_member,
}
