"""The test driver: plays Telegram's users against a bot talking to the stand-in.

It acts on the server object directly (no HTTP): it creates users and groups,
queues the updates their actions cause, exactly as Telegram would shape them,
and reads back what the bot did::

    driver = StandinDriver(server)
    ayse = driver.create_user("Ayşe")
    sent = driver.send_command(ayse, "start")
    reply = await driver.wait_for_bot_message(ayse, after=sent.message_id)
    assert reply.text.startswith("Merhaba")

Reading returns frozen snapshots (:mod:`bot.standin.views`). Waiting wakes on
every change the bot makes; there is no sleep-polling.

Call the driver from the event loop the server runs on; it is not thread-safe.

Misusing the driver (pressing a button that does not exist, writing into a
group one is not a member of) raises ``LookupError`` or ``ValueError`` in the
test: those are mistakes in the test, not situations Telegram produces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.standin.api_bot import command_scope_key
from bot.standin.auto_entities import detect_entities
from bot.standin.records import (
    CallbackQueryRecord,
    ChatRecord,
    JsonObject,
    MessageRecord,
    UserRecord,
)
from bot.standin.reply_markup import Markup
from bot.standin.server import StandinServer
from bot.standin.state import StandinState
from bot.standin.telegram_json import chat_json, document_json, photo_json, user_json
from bot.standin.views import (
    CallbackAnswer,
    ChatView,
    DraftView,
    Injected,
    MessageView,
    TopicView,
    UserView,
)

# A chat is named by its view, by a user (their private chat) or by its id.
ChatRef = ChatView | UserView | int

# A valid 1x1 PNG: what a user's photo contains unless the test gives one.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
_OWN = object()
_CALLBACK_QUERY_ID_BASE = 4_000_000_000_000_000_000


class StandinDriver:
    """Creates users and chats, injects their updates, reads what the bot sent."""

    def __init__(self, server: StandinServer | StandinState) -> None:
        self._state = server.state if isinstance(server, StandinServer) else server
        # Each user's current reactions per message: (chat id, message id, user id) -> emoji.
        self._reactions: dict[tuple[int, int, int], tuple[str, ...]] = {}

    @property
    def bot_username(self) -> str:
        """The bot's username, as ``@mentions`` and group commands use it."""
        return self._state.bot.username or ""

    # -- people and chats -------------------------------------------------

    def create_user(
        self,
        first_name: str = "Ayşe",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "tr",
        user_id: int | None = None,
    ) -> UserView:
        """A new Telegram user (``user_id``: a fixed id, for a user that comes back).

        The bot may write to them only after they write first.
        """
        user = self._state.add_user(
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            user_id=user_id,
        )
        return UserView.of(user)

    def create_group(
        self, title: str, members: Sequence[UserView], *, supergroup: bool = False
    ) -> ChatView:
        """A group (or supergroup) with these members and the bot."""
        member_ids = {self._user(member).id for member in members}
        return ChatView.of(self._state.add_group(title, member_ids, supergroup=supergroup))

    def create_forum(
        self,
        title: str,
        members: Sequence[UserView],
        *,
        administrators: Sequence[UserView] = (),
        bot_can_manage_topics: bool = True,
    ) -> ChatView:
        """A supergroup with topics; the bot is an administrator there.

        ``administrators`` (also members) show as ``administrator`` in
        ``getChatMember``; ``bot_can_manage_topics=False`` takes the bot's
        right to create, close and reopen topics away.
        """
        member_ids = {self._user(member).id for member in [*members, *administrators]}
        record = self._state.add_group(
            title,
            member_ids,
            supergroup=True,
            forum=True,
            administrator_ids={self._user(admin).id for admin in administrators},
        )
        record.bot_can_manage_topics = bot_can_manage_topics
        return ChatView.of(record)

    def add_member(self, chat: ChatRef, user: UserView) -> None:
        """``user`` joins the group."""
        self._chat(chat).member_ids.add(self._user(user).id)
        self._state.changed()

    def remove_member(self, chat: ChatRef, user: UserView) -> None:
        """``user`` leaves (or is removed from) the group: ``getChatMember`` says ``left``."""
        record = self._chat(chat)
        record.member_ids.discard(user.id)
        record.administrator_ids.discard(user.id)
        self._state.changed()

    def block_bot(self, user: UserView) -> None:
        """The user blocks the bot: its messages to them now fail with 403."""
        self._user(user).blocked_bot = True
        self._state.changed()

    def remove_bot_from_group(self, chat: ChatRef) -> None:
        """The bot is removed from a group: its messages there now fail with 403."""
        record = self._chat(chat)
        if record.type == "private":
            raise ValueError("the bot cannot be removed from a private chat")
        record.bot_is_member = False
        self._state.changed()

    # -- what users do ----------------------------------------------------

    def send_text(
        self,
        user: UserView,
        text: str,
        *,
        chat: ChatRef | None = None,
        reply_to: int | None = None,
        forwarded_from: UserView | None = None,
        thread_id: int | None = None,
    ) -> Injected:
        """The user sends ``text``; ``/commands``, ``@mentions`` and links get entities.

        ``forwarded_from``: the user forwards a message ``forwarded_from`` wrote.
        ``thread_id``: into that forum topic of ``chat``.
        """
        return self._send(
            user,
            chat,
            reply_to=reply_to,
            thread_id=thread_id,
            text=text,
            entities=detect_entities(text),
            forward_origin=self._forward_origin(forwarded_from),
        )

    def send_command(
        self,
        user: UserView,
        command: str,
        arguments: str = "",
        *,
        chat: ChatRef | None = None,
        addressed: bool | None = None,
    ) -> Injected:
        """The user sends ``/command arguments``.

        ``addressed`` appends ``@BotUsername`` as clients do in groups; by
        default it does so in groups and not in private chats.
        """
        record = self._chat(chat if chat is not None else user)
        if addressed is None:
            addressed = record.is_group
        text = f"/{command.lstrip('/')}"
        if addressed:
            text += f"@{self.bot_username}"
        if arguments:
            text += f" {arguments}"
        return self.send_text(user, text, chat=chat)

    def reply_to(
        self, user: UserView, message_id: int, text: str, *, chat: ChatRef | None = None
    ) -> Injected:
        """The user answers a message (usually the bot's) with ``text``."""
        return self.send_text(user, text, chat=chat, reply_to=message_id)

    def share_contact(
        self,
        user: UserView,
        phone_number: str,
        *,
        contact_user_id: int | object | None = _OWN,
        first_name: str | None = None,
        last_name: str | None = None,
        chat: ChatRef | None = None,
        forwarded_from: UserView | None = None,
    ) -> Injected:
        """The user shares a contact.

        By default it is their own (``contact.user_id`` equals ``from.id``, as
        with the ``request_contact`` button). Pass another id for someone
        else's contact, or None for a contact who is not on Telegram.
        ``forwarded_from`` makes it a forwarded message: the user forwards a
        contact message that ``forwarded_from`` sent first (``forward_origin``).
        """
        sender = self._user(user)
        contact: JsonObject = {
            "phone_number": phone_number,
            "first_name": first_name or sender.first_name,
        }
        if last_name is not None:
            contact["last_name"] = last_name
        owner = sender.id if contact_user_id is _OWN else contact_user_id
        if owner is not None:
            contact["user_id"] = owner
        origin = self._forward_origin(forwarded_from)
        return self._send(user, chat, attachment={"contact": contact}, forward_origin=origin)

    def send_photo(
        self,
        user: UserView,
        *,
        content: bytes = TINY_PNG,
        caption: str | None = None,
        chat: ChatRef | None = None,
    ) -> Injected:
        """The user sends a photo (a real 1x1 PNG unless ``content`` is given)."""
        stored = self._state.store_file(content, file_name=None, mime_type="image/png")
        return self._send(user, chat, caption=caption, attachment={"photo": photo_json(stored)})

    def send_sticker(
        self, user: UserView, *, emoji: str = "👍", chat: ChatRef | None = None
    ) -> Injected:
        """The user sends a sticker."""
        stored = self._state.store_file(b"RIFF-sticker", file_name=None, mime_type="image/webp")
        sticker: JsonObject = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._send(user, chat, attachment={"sticker": sticker})

    def send_voice(
        self,
        user: UserView,
        *,
        duration: int = 3,
        content: bytes = b"OggS-voice",
        chat: ChatRef | None = None,
    ) -> Injected:
        """The user sends a voice message of ``duration`` seconds."""
        stored = self._state.store_file(content, file_name=None, mime_type="audio/ogg")
        voice: JsonObject = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return self._send(user, chat, attachment={"voice": voice})

    def send_document(
        self,
        user: UserView,
        *,
        file_name: str = "fatura.pdf",
        content: bytes = b"%PDF-1.4\n%stand-in\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat: ChatRef | None = None,
    ) -> Injected:
        """The user sends a file."""
        stored = self._state.store_file(content, file_name=file_name, mime_type=mime_type)
        return self._send(
            user, chat, caption=caption, attachment={"document": document_json(stored)}
        )

    def edit_text(
        self, user: UserView, message_id: int, text: str, *, chat: ChatRef | None = None
    ) -> Injected:
        """The user edits one of their text messages (an ``edited_message`` update)."""
        record = self._chat(chat if chat is not None else user)
        message = record.messages.get(message_id)
        if message is None or message.sender_id != user.id or message.text is None:
            raise LookupError(f"user {user.id} has no text message {message_id} in this chat")
        self._state.revise_message(
            message,
            text=text,
            entities=detect_entities(text),
            caption=None,
            reply_markup=None,
        )
        update_id = self._state.queue_update("edited_message", self._state.render_message(message))
        return Injected(update_id, record.id, message_id=message_id)

    def press_button(
        self,
        user: UserView,
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat: ChatRef | None = None,
    ) -> Injected:
        """The user presses an inline button of a bot message, chosen by data or label."""
        sender = self._user(user)
        record = self._chat(chat if chat is not None else user)
        message = record.messages.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {record.id}")
        button_data = self._find_button_data(message, data=data, text=text)
        query_id = str(_CALLBACK_QUERY_ID_BASE + self._state.serial())
        self._state.callback_queries[query_id] = self._new_query(
            query_id, sender, message, button_data
        )
        update_id = self._state.queue_update(
            "callback_query",
            {
                "id": query_id,
                "from": user_json(sender),
                "message": self._state.render_message(message),
                "chat_instance": f"{abs(record.id) * 31 + 17}",
                "data": button_data,
            },
        )
        return Injected(update_id, record.id, callback_query_id=query_id)

    def react(
        self,
        user: UserView,
        message_id: int,
        emoji: Sequence[str],
        *,
        chat: ChatRef | None = None,
    ) -> Injected:
        """The user sets their reactions on a message: a ``message_reaction`` update.

        ``emoji`` is the user's whole new set (empty removes them); the update
        carries the previous set too, as Telegram's does. Telegram, and the
        stand-in, deliver it only to a bot that names ``message_reaction`` in
        ``allowed_updates``.
        """
        sender = self._user(user)
        record = self._chat(chat if chat is not None else user)
        message = record.messages.get(message_id)
        if message is None or message.deleted:
            raise LookupError(f"no message {message_id} in chat {record.id}")
        key = (record.id, message_id, sender.id)
        old, new = self._reactions.get(key, ()), tuple(emoji)
        self._reactions[key] = new
        update_id = self._state.queue_update(
            "message_reaction",
            {
                "chat": chat_json(record, sender if record.type == "private" else None),
                "message_id": message_id,
                "user": user_json(sender),
                "date": self._state.now(),
                "old_reaction": [{"type": "emoji", "emoji": each} for each in old],
                "new_reaction": [{"type": "emoji", "emoji": each} for each in new],
            },
        )
        return Injected(update_id, record.id, message_id=message_id)

    def continue_update_ids_after(self, last_id: int) -> None:
        """Number the next updates above ``last_id`` (a bot restarted on its database)."""
        self._state.updates.continue_after(last_id)

    def redeliver(self, update_id: int) -> None:
        """Queue an earlier update again with the same ``update_id`` (de-duplication tests)."""
        self._state.updates.redeliver(update_id)
        self._state.changed()

    # -- what the bot did -------------------------------------------------

    def messages(self, chat: ChatRef, *, include_deleted: bool = False) -> list[MessageView]:
        """Every message in the chat, both sides, in order."""
        return [
            MessageView.of(message)
            for message in self._chat(chat).messages.values()
            if include_deleted or not message.deleted
        ]

    def bot_messages(self, chat: ChatRef, *, include_deleted: bool = False) -> list[MessageView]:
        """The bot's messages in the chat, in order, edits applied."""
        return [
            message
            for message in self.messages(chat, include_deleted=include_deleted)
            if message.from_bot
        ]

    def message(self, chat: ChatRef, message_id: int) -> MessageView:
        """One message by id (deleted ones included, marked ``deleted``)."""
        record = self._chat(chat).messages.get(message_id)
        if record is None:
            raise LookupError(f"no message {message_id} in chat {self._chat(chat).id}")
        return MessageView.of(record)

    def topics(self, chat: ChatRef) -> list[TopicView]:
        """The forum topics of a supergroup, oldest first."""
        return [TopicView.of(topic) for topic in self._chat(chat).topics.values()]

    def topic_messages(self, chat: ChatRef, thread_id: int) -> list[MessageView]:
        """The messages of one forum topic, both sides and service messages, in order."""
        return [m for m in self.messages(chat) if m.message_thread_id == thread_id]

    def drafts(self, chat: ChatRef) -> list[DraftView]:
        """Every draft the bot streamed into the chat, in order."""
        return [DraftView.of(draft) for draft in self._chat(chat).drafts]

    def chat_actions(self, chat: ChatRef) -> list[str]:
        """Chat actions (``typing``...) the bot sent to the chat, in order."""
        return list(self._chat(chat).chat_actions)

    def reply_keyboard(self, chat: ChatRef) -> Markup | None:
        """The reply keyboard the user currently sees, or None."""
        return self._chat(chat).reply_keyboard

    def callback_answer(self, callback_query_id: str) -> CallbackAnswer | None:
        """How the bot answered a press, or None while unanswered."""
        query = self._state.callback_queries.get(callback_query_id)
        if query is None:
            raise LookupError(f"no callback query {callback_query_id}")
        return CallbackAnswer.of(query) if query.answered else None

    def bot_commands(
        self, *, scope: JsonObject | None = None, language_code: str = ""
    ) -> list[JsonObject]:
        """The command list set for exactly this scope and language."""
        key = command_scope_key(scope, language_code)
        return [dict(command) for command in self._state.commands.get(key, [])]

    def pending_update_ids(self) -> list[int]:
        """Updates the bot has not confirmed yet."""
        return [update.update_id for update in self._state.updates.pending]

    # -- waiting ----------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the driver's documented API
    ) -> None:
        """Wait until ``predicate()`` holds; re-checked on every change.

        Raises ``TimeoutError`` when ``timeout`` seconds pass first.
        """
        if not await self._state.notifier.wait_until(predicate, timeout):
            raise TimeoutError(f"the awaited condition did not hold within {timeout} s")

    async def wait_for_bot_message(
        self,
        chat: ChatRef,
        *,
        after: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - same API as wait_for
    ) -> MessageView:
        """The bot's first message in ``chat`` with ``message_id > after``, once it exists."""

        def newest() -> MessageView | None:
            candidates = (m for m in self.bot_messages(chat) if m.message_id > after)
            return next(candidates, None)

        await self.wait_for(lambda: newest() is not None, timeout=timeout)
        found = newest()
        assert found is not None  # wait_for returned, so the predicate held
        return found

    async def wait_until_consumed(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched and confirmed every queued update.

        Confirmed means fetched: PTB confirms a batch when it asks for the next
        one, which can be before its handlers have finished. Wait for what the
        handlers do (``wait_for_bot_message``, ``wait_for``) to know they ran.
        """
        await self.wait_for(lambda: not self._state.updates.pending, timeout=timeout)

    # -- internals --------------------------------------------------------

    def _user(self, user: UserView) -> UserRecord:
        record = self._state.users.get(user.id)
        if record is None:
            raise LookupError(f"no user {user.id} on this stand-in")
        return record

    def _chat(self, chat: ChatRef) -> ChatRecord:
        chat_id = chat if isinstance(chat, int) else chat.id
        record = self._state.chats.get(chat_id)
        if record is None:
            raise LookupError(f"no chat {chat_id} on this stand-in")
        return record

    def _forward_origin(self, author: UserView | None) -> JsonObject | None:
        """The ``MessageOrigin`` of a message first sent by ``author`` (None: not forwarded)."""
        if author is None:
            return None
        return {
            "type": "user",
            "sender_user": user_json(self._user(author)),
            "date": self._state.now(),
        }

    def _send(
        self,
        user: UserView,
        chat: ChatRef | None,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
        **fields: Any,
    ) -> Injected:
        sender = self._user(user)
        record = self._chat(chat if chat is not None else user)
        if sender.id not in record.member_ids:
            raise ValueError(f"user {sender.id} is not a member of chat {record.id}")
        if thread_id is not None:
            topic = record.topics.get(thread_id)
            if topic is None:
                raise LookupError(f"no topic {thread_id} in chat {record.id}")
            if topic.closed and sender.id not in record.administrator_ids:
                raise ValueError(f"topic {thread_id} is closed; only administrators write there")
            fields["message_thread_id"] = thread_id
        if reply_to is not None and reply_to not in record.messages:
            raise LookupError(f"no message {reply_to} in chat {record.id} to reply to")
        if record.type == "private":
            # Writing to a bot opens the chat (and unblocks a bot blocked earlier).
            sender.started_bot, sender.blocked_bot = True, False
        message = self._state.add_message(
            record, sender_id=sender.id, reply_to_message_id=reply_to, **fields
        )
        update_id = self._state.queue_update("message", self._state.render_message(message))
        return Injected(update_id, record.id, message_id=message.message_id)

    @staticmethod
    def _find_button_data(message: MessageRecord, *, data: str | None, text: str | None) -> str:
        if (data is None) == (text is None):
            raise ValueError("name the button by exactly one of data= or text=")
        markup = message.reply_markup or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if data is not None:
                    matches = button.get("callback_data") == data
                else:
                    matches = button["text"] == text
                if matches and button.get("callback_data") is not None:
                    return str(button["callback_data"])
        raise LookupError(
            f"message {message.message_id} has no callback button with "
            f"{'data' if data is not None else 'text'} {data if data is not None else text!r}"
        )

    def _new_query(
        self, query_id: str, sender: UserRecord, message: MessageRecord, data: str
    ) -> CallbackQueryRecord:
        return CallbackQueryRecord(
            id=query_id,
            user_id=sender.id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            data=data,
            pressed_at=self._state.monotonic(),
        )
