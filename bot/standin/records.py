"""What the stand-in remembers: users, chats, messages, drafts, files, updates.

These are the server's own records. The test driver hands out frozen snapshots
of them (:mod:`bot.standin.views`) so a test never holds live state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.standin.reply_markup import Markup
from bot.standin.text_entities import Entity

JsonObject = dict[str, Any]


@dataclass
class UserRecord:
    """A Telegram account: a customer, or the bot itself."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    # A bot may write to a user only after the user has written to it.
    started_bot: bool = False
    blocked_bot: bool = False


@dataclass(frozen=True)
class Revision:
    """One earlier version of an edited message."""

    text: str | None
    entities: tuple[Entity, ...]
    caption: str | None
    reply_markup: Markup | None
    # When this version was replaced (Unix seconds).
    replaced_at: int


@dataclass
class MessageRecord:
    """A message in a chat, from a user or from the bot."""

    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    date: int
    text: str | None = None
    entities: tuple[Entity, ...] = ()
    caption: str | None = None
    caption_entities: tuple[Entity, ...] = ()
    # Media or contact as the Bot API names it: {"photo": [...]}, {"contact": {...}}...
    attachment: JsonObject = field(default_factory=dict)
    reply_markup: Markup | None = None
    reply_to_message_id: int | None = None
    # A forwarded message's ``MessageOrigin`` ({"type": "user", "sender_user": ...}).
    forward_origin: JsonObject | None = None
    edit_date: int | None = None
    revisions: list[Revision] = field(default_factory=list)
    deleted: bool = False
    # The forum topic the message belongs to (None: the chat's general thread).
    message_thread_id: int | None = None


@dataclass
class DraftRecord:
    """A streamed message draft (``sendMessageDraft``) and every text it showed."""

    draft_id: int
    texts: list[str] = field(default_factory=list)
    # The message the bot sent next in the chat, which ends the draft.
    final_message_id: int | None = None


@dataclass
class TopicRecord:
    """A forum topic of a supergroup; its id is the id of the message that created it."""

    message_thread_id: int
    name: str
    icon_color: int
    closed: bool = False


@dataclass
class ChatRecord:
    """A private chat (id = the user's id) or a group."""

    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    username: str | None = None
    member_ids: set[int] = field(default_factory=set)
    bot_is_member: bool = True
    next_message_id: int = 1
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    drafts: list[DraftRecord] = field(default_factory=list)
    chat_actions: list[str] = field(default_factory=list)
    # The reply keyboard the bot last showed (None when removed or never set).
    reply_keyboard: Markup | None = None
    # A supergroup with topics turned on, and its topics by ``message_thread_id``.
    is_forum: bool = False
    topics: dict[int, TopicRecord] = field(default_factory=dict)
    # Members who are administrators (``getChatMember`` status ``administrator``).
    administrator_ids: set[int] = field(default_factory=set)
    # The bot's own administrator right to create, close and reopen topics.
    bot_can_manage_topics: bool = True

    @property
    def is_group(self) -> bool:
        """Groups and supergroups share the 20 messages a minute limit."""
        return self.type in ("group", "supergroup")


@dataclass
class CallbackQueryRecord:
    """A button press and the bot's answer to it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    pressed_at: float  # monotonic seconds
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    answer_url: str | None = None


@dataclass
class StoredFile:
    """A file sent by a user or the bot, downloadable through ``getFile``."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None

    @property
    def file_path(self) -> str:
        """The path under the file URL (``{base_file_url}{token}/{file_path}``)."""
        return f"files/{self.file_unique_id}"


@dataclass
class PendingUpdate:
    """An update waiting for the bot, in Bot API form."""

    update_id: int
    payload: JsonObject
    # Only an update the bot has received can be confirmed by a later offset.
    delivered: bool = False

    @property
    def kind(self) -> str:
        """The update's type as ``allowed_updates`` names it (``message``...)."""
        return next(key for key in self.payload if key != "update_id")


@dataclass
class WebhookRecord:
    """What ``setWebhook`` configured."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
