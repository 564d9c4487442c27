"""Frozen snapshots of the stand-in's state, as the test driver hands them out.

A view is taken at the moment of the call; later edits do not change it. Ask
the driver again (or ``wait_for`` a condition) to see newer state.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from bot.standin.records import (
    CallbackQueryRecord,
    ChatRecord,
    DraftRecord,
    MessageRecord,
    Revision,
    TopicRecord,
    UserRecord,
)
from bot.standin.reply_markup import Markup, is_inline_keyboard
from bot.standin.text_entities import Entity

_ATTACHMENT_KINDS = ("photo", "document", "sticker", "voice", "contact")


@dataclass(frozen=True)
class UserView:
    """A Telegram user created by the driver; ``id`` is also their private chat's id."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None

    @classmethod
    def of(cls, user: UserRecord) -> UserView:
        """Snapshot a user record."""
        return cls(user.id, user.first_name, user.last_name, user.username, user.language_code)


@dataclass(frozen=True)
class ChatView:
    """A chat: ``type`` is ``private``, ``group`` or ``supergroup``."""

    id: int
    type: str
    title: str | None

    @classmethod
    def of(cls, chat: ChatRecord) -> ChatView:
        """Snapshot a chat record."""
        return cls(chat.id, chat.type, chat.title)


@dataclass(frozen=True)
class InlineButton:
    """One button of an inline keyboard."""

    text: str
    callback_data: str | None
    url: str | None


@dataclass(frozen=True)
class MessageView:
    """A message as the chat shows it now, with its earlier versions."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: int
    text: str | None
    entities: tuple[Entity, ...]
    caption: str | None
    # As sent: an inline keyboard, or a reply keyboard / removal / force reply.
    reply_markup: Markup | None
    # {"photo": [...]}, {"document": {...}}, {"contact": {...}}... or empty.
    attachment: dict[str, Any]
    reply_to_message_id: int | None
    edit_date: int | None
    # Versions replaced by edits, oldest first.
    edits: tuple[Revision, ...]
    deleted: bool
    # The forum topic it belongs to (None: not in a topic).
    message_thread_id: int | None = None

    @classmethod
    def of(cls, message: MessageRecord) -> MessageView:
        """Snapshot a message record (deep copies, so the view never changes)."""
        return cls(
            message_id=message.message_id,
            chat_id=message.chat_id,
            from_bot=message.from_bot,
            sender_id=message.sender_id,
            date=message.date,
            text=message.text,
            entities=copy.deepcopy(message.entities),
            caption=message.caption,
            reply_markup=copy.deepcopy(message.reply_markup),
            attachment=copy.deepcopy(message.attachment),
            reply_to_message_id=message.reply_to_message_id,
            edit_date=message.edit_date,
            edits=tuple(copy.deepcopy(message.revisions)),
            deleted=message.deleted,
            message_thread_id=message.message_thread_id,
        )

    @property
    def kind(self) -> str:
        """``text``, or the attachment's kind (``photo``, ``document``, ``contact``...)."""
        return next((kind for kind in _ATTACHMENT_KINDS if kind in self.attachment), "text")

    @property
    def buttons(self) -> tuple[InlineButton, ...]:
        """The inline keyboard's buttons, row by row (empty without one)."""
        if not is_inline_keyboard(self.reply_markup):
            return ()
        assert self.reply_markup is not None
        return tuple(
            InlineButton(button["text"], button.get("callback_data"), button.get("url"))
            for row in self.reply_markup["inline_keyboard"]
            for button in row
        )

    @property
    def text_history(self) -> tuple[str | None, ...]:
        """Every text the message has shown, oldest first, ending with the current one."""
        return (*(revision.text for revision in self.edits), self.text)


@dataclass(frozen=True)
class TopicView:
    """A forum topic of a supergroup."""

    message_thread_id: int
    name: str
    icon_color: int
    closed: bool

    @classmethod
    def of(cls, topic: TopicRecord) -> TopicView:
        """Snapshot a topic record."""
        return cls(topic.message_thread_id, topic.name, topic.icon_color, topic.closed)


@dataclass(frozen=True)
class DraftView:
    """A streamed draft: every text it showed and the message that ended it."""

    draft_id: int
    texts: tuple[str, ...]
    final_message_id: int | None

    @classmethod
    def of(cls, draft: DraftRecord) -> DraftView:
        """Snapshot a draft record."""
        return cls(draft.draft_id, tuple(draft.texts), draft.final_message_id)


@dataclass(frozen=True)
class CallbackAnswer:
    """How the bot answered a button press (``answerCallbackQuery``)."""

    text: str | None
    show_alert: bool
    url: str | None

    @classmethod
    def of(cls, query: CallbackQueryRecord) -> CallbackAnswer:
        """Snapshot an answered query."""
        return cls(query.answer_text, query.show_alert, query.answer_url)


@dataclass(frozen=True)
class Injected:
    """What the driver queued: the update and the message or query inside it."""

    update_id: int
    chat_id: int
    message_id: int | None = None
    callback_query_id: str | None = None
