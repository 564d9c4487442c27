"""Everything one stand-in server knows, and the changes both sides make to it.

The Bot API side (the bot under test) and the driver side (tests, sandbox)
change the same :class:`StandinState`. Every change wakes waiters through the
:class:`~bot.standin.notifier.ChangeNotifier`: long-polling ``getUpdates``
calls and the driver's ``wait_for``. All of it runs on one event loop and no
change awaits halfway, so no locking is needed.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.standin.api_error import CHAT_NOT_FOUND, bad_request, forbidden
from bot.standin.faults import FaultInjector
from bot.standin.flood import FloodControl, FloodPolicy
from bot.standin.notifier import ChangeNotifier
from bot.standin.records import (
    CallbackQueryRecord,
    ChatRecord,
    DraftRecord,
    JsonObject,
    MessageRecord,
    Revision,
    StoredFile,
    UserRecord,
    WebhookRecord,
)
from bot.standin.reply_markup import Markup
from bot.standin.telegram_json import chat_json, message_json, user_json
from bot.standin.text_entities import Entity
from bot.standin.update_queue import UpdateQueue

DEFAULT_BOT_ID = 7_000_000_001
FIRST_USER_ID = 500_000_001
FIRST_GROUP_ID = -4_000_000_001
FIRST_SUPERGROUP_ID = -1_002_000_000_001


@dataclass(frozen=True)
class StandinSettings:
    """How a stand-in server behaves; the defaults mirror Telegram."""

    bot_username: str = "TelekomAsistanBot"
    bot_first_name: str = "Telekom Asistan"
    flood: FloodPolicy = field(default_factory=FloodPolicy)
    # Telegram refuses to answer a button press after a short while;
    # None never expires presses.
    callback_answer_window: float | None = 15.0
    # The first update_id; a stand-in standing in for a bot that has run before
    # continues its numbering, as Telegram does (1 for a new bot).
    first_update_id: int = 1


class StandinState:
    """Users, chats, messages, updates and settings of one stand-in server."""

    def __init__(
        self,
        settings: StandinSettings,
        *,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.wall_clock = wall_clock
        self.monotonic = monotonic
        self.notifier = ChangeNotifier()
        self.flood = FloodControl(settings.flood, monotonic)
        self.faults = FaultInjector()
        self.updates = UpdateQueue(settings.first_update_id)
        self.bot = UserRecord(
            id=DEFAULT_BOT_ID,
            first_name=settings.bot_first_name,
            username=settings.bot_username,
            is_bot=True,
        )
        self.tokens_seen: list[str] = []
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[Any, ...], list[JsonObject]] = {}
        self.webhook = WebhookRecord()
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.closing = False
        # Bumped by each getUpdates call; an older long poll that sees it change
        # is answered 409, as Telegram does when two bot instances poll.
        self.poll_generation = 0
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._group_ids = itertools.count(FIRST_GROUP_ID, -1)
        self._supergroup_ids = itertools.count(FIRST_SUPERGROUP_ID, -1)
        self._serials = itertools.count(1)

    # -- bookkeeping ------------------------------------------------------

    def now(self) -> int:
        """Unix time in whole seconds, as Telegram dates are."""
        return int(self.wall_clock())

    def serial(self) -> int:
        """A fresh number for ids that only need to be unique (files, queries)."""
        return next(self._serials)

    def changed(self) -> None:
        """Wake everyone waiting on the state."""
        self.notifier.notify()

    def note_token(self, token: str) -> None:
        """Remember a token the bot used; the first numeric prefix becomes the bot id."""
        if token in self.tokens_seen:
            return
        self.tokens_seen.append(token)
        prefix = token.split(":", 1)[0]
        if len(self.tokens_seen) == 1 and prefix.isdigit():
            self.bot.id = int(prefix)

    # -- users and chats --------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        user_id: int | None = None,
    ) -> UserRecord:
        """A new account with its (not yet opened) private chat with the bot."""
        user = UserRecord(
            id=user_id if user_id is not None else next(self._user_ids),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user.id] = user
        self.chats[user.id] = ChatRecord(id=user.id, type="private", member_ids={user.id})
        return user

    def add_group(
        self,
        title: str,
        member_ids: set[int],
        *,
        supergroup: bool,
        forum: bool = False,
        administrator_ids: set[int] | None = None,
    ) -> ChatRecord:
        """A new group (or supergroup, with topics when ``forum``) with the bot as a member."""
        if forum and not supergroup:
            raise ValueError("only supergroups have topics")
        chat_id = next(self._supergroup_ids if supergroup else self._group_ids)
        chat = ChatRecord(
            id=chat_id,
            type="supergroup" if supergroup else "group",
            title=title,
            member_ids=set(member_ids),
            is_forum=forum,
            administrator_ids=set(administrator_ids or ()) & set(member_ids),
        )
        self.chats[chat_id] = chat
        return chat

    def chat_for_bot(self, chat_id: object) -> ChatRecord:
        """The chat a bot call names, or the ``ApiError`` Telegram would give."""
        chat = self._find_chat(chat_id)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        if chat.type == "private":
            user = self.users[chat.id]
            if user.blocked_bot:
                raise forbidden("bot was blocked by the user")
            if not user.started_bot:
                raise forbidden("bot can't initiate conversation with a user")
        elif not chat.bot_is_member:
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        return chat

    def _find_chat(self, chat_id: object) -> ChatRecord | None:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            return next(
                (chat for chat in self.chats.values() if (chat.username or "").lower() == wanted),
                None,
            )
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                return None
        return self.chats.get(chat_id) if isinstance(chat_id, int) else None

    # -- messages ---------------------------------------------------------

    def add_message(
        self, chat: ChatRecord, *, sender_id: int, from_bot: bool = False, **fields: Any
    ) -> MessageRecord:
        """Append a message to ``chat`` with the chat's next ``message_id``."""
        message = MessageRecord(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            sender_id=sender_id,
            from_bot=from_bot,
            date=self.now(),
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def add_bot_message(self, chat: ChatRecord, **fields: Any) -> MessageRecord:
        """Record a message the bot sent; it ends any open draft in the chat."""
        message = self.add_message(chat, sender_id=self.bot.id, from_bot=True, **fields)
        for draft in chat.drafts:
            if draft.final_message_id is None:
                draft.final_message_id = message.message_id
        markup = message.reply_markup or {}
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        self.changed()
        return message

    def add_service_message(
        self, chat: ChatRecord, service: JsonObject, *, thread_id: int | None
    ) -> MessageRecord:
        """A service message the bot's action caused (``forum_topic_created``...)."""
        message = self.add_message(
            chat,
            sender_id=self.bot.id,
            from_bot=True,
            attachment=service,
            message_thread_id=thread_id,
        )
        self.changed()
        return message

    def revise_message(
        self,
        message: MessageRecord,
        *,
        text: str | None,
        entities: tuple[Entity, ...],
        caption: str | None,
        reply_markup: Markup | None,
    ) -> None:
        """Apply an edit, keeping the replaced version in the message's history."""
        edited_at = self.now()
        message.revisions.append(
            Revision(
                text=message.text,
                entities=message.entities,
                caption=message.caption,
                reply_markup=message.reply_markup,
                replaced_at=edited_at,
            )
        )
        message.text, message.entities = text, entities
        message.caption, message.reply_markup = caption, reply_markup
        message.edit_date = edited_at
        self.changed()

    def record_draft(self, chat: ChatRecord, draft_id: int, text: str) -> None:
        """Show a draft text; the same ``draft_id`` continues an open draft."""
        draft = next(
            (
                draft
                for draft in reversed(chat.drafts)
                if draft.draft_id == draft_id and draft.final_message_id is None
            ),
            None,
        )
        if draft is None:
            draft = DraftRecord(draft_id)
            chat.drafts.append(draft)
        draft.texts.append(text)
        self.changed()

    def record_chat_action(self, chat: ChatRecord, action: str) -> None:
        """Remember a chat action such as ``typing``."""
        chat.chat_actions.append(action)
        self.changed()

    def render_message(self, message: MessageRecord, *, with_reply: bool = True) -> JsonObject:
        """The Bot API ``Message`` object for a stored message."""
        chat = self.chats[message.chat_id]
        peer = self.users.get(chat.id) if chat.type == "private" else None
        sender = self.bot if message.from_bot else self.users[message.sender_id]
        reply_to = None
        if with_reply and message.reply_to_message_id is not None:
            original = chat.messages.get(message.reply_to_message_id)
            if original is not None and not original.deleted:
                reply_to = self.render_message(original, with_reply=False)
        return message_json(
            message, chat=chat_json(chat, peer), sender=user_json(sender), reply_to=reply_to
        )

    # -- files ------------------------------------------------------------

    def store_file(
        self, content: bytes, *, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        """Keep a file and give it Telegram-looking identifiers."""
        number = self.serial()
        stored = StoredFile(
            file_id=f"BQACAgIAAxk-standin-{number:06d}",
            file_unique_id=f"AgAD{number:06d}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """The stored file behind a ``getFile`` path."""
        matches = (stored for stored in self.files.values() if stored.file_path == file_path)
        return next(matches, None)

    # -- updates ----------------------------------------------------------

    def queue_update(self, kind: str, body: JsonObject) -> int:
        """Queue an update for the bot and return its ``update_id``."""
        update = self.updates.push(kind, body)
        self.changed()
        return update.update_id

    def close(self) -> None:
        """Release every long poll; the server is stopping."""
        self.closing = True
        self.changed()
