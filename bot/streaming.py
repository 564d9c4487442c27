"""Showing an answer while the agent writes it, without tripping flood control.

- Private chats: message drafts (``sendMessageDraft``), an animated preview
  that Telegram replaces with the final message.
- Groups: one preview message, edited at most once per
  ``telegram.stream_edit_interval_s``, deleted when the final answer is sent.
- Everywhere: "typing" renewed every few seconds while the turn runs.
- Nothing at all for a turn answered within ``telegram.preview_after_s``:
  Telegram recommends chat actions only when the answer takes noticeable
  time, and each preview is a Bot API call. Text offered before then is shown
  when the delay ends, if the turn is still running.

Previews are plain text (no parse mode): a half-written answer is shown as
written, with nothing to escape and nothing to mis-parse. A preview is best
effort: when Telegram asks to slow down (429) the preview pauses for the time
asked and the turn goes on; nothing here raises. The final answer is sent
separately (``bot.delivery``) and never depends on a preview.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from types import TracebackType

from telegram.constants import ChatAction
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.delivery import is_not_modified, retry_after_seconds
from bot.rendering import MAX_MESSAGE_LENGTH, suffix_within, utf16_length

log = logging.getLogger(__name__)

# Telegram shows a chat action for at most 5 s.
TYPING_RENEWAL_S = 4.0
# Drafts animate in place and are not messages; a few per second look smooth.
DRAFT_INTERVAL_S = 0.3
# Previews are cut to this many characters (UTF-16 units, as Telegram counts),
# keeping the end the customer reads.
PREVIEW_CHARS = MAX_MESSAGE_LENGTH - 96
ELLIPSIS = "…"


class AnswerPreview:
    """The live preview of one turn's answer in one chat (``async with``)."""

    def __init__(
        self,
        bot: ExtBot[None],
        chat_id: int,
        *,
        private: bool,
        edit_interval_s: float,
        draft_id: int,
        show_after_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._private = private
        self._interval = DRAFT_INTERVAL_S if private else edit_interval_s
        self._draft_id = draft_id
        self._clock = clock
        self._show_after_s = show_after_s
        self._hidden_until = float("inf")
        self._pending = ""
        self._shown = ""
        self._last_shown_at = float("-inf")
        self._paused_until = float("-inf")
        self._message_id: int | None = None
        self._broken = False
        # "typing" starts when the turn has run show_after_s; most turns end
        # before, and then cost a timer, not a task started and cancelled.
        self._typing_timer: asyncio.TimerHandle | None = None
        self._typing: asyncio.Task[None] | None = None

    async def __aenter__(self) -> AnswerPreview:
        self._hidden_until = self._clock() + self._show_after_s
        if self._show_after_s > 0:
            loop = asyncio.get_running_loop()
            self._typing_timer = loop.call_later(self._show_after_s, self._start_typing)
        else:
            self._start_typing()
            # Let it send "typing" now: a turn that never waits (the rules
            # backend on SQLite) would otherwise end before it ran.
            await asyncio.sleep(0)
        return self

    def _start_typing(self) -> None:
        self._typing = asyncio.create_task(self._keep_typing(), name=f"typing:{self._chat_id}")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._typing_timer is not None:
            self._typing_timer.cancel()
        if self._typing is not None:
            self._typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._typing

    async def show(self, text: str) -> None:
        """Show ``text`` (plain) as the answer so far, if the throttle allows now."""
        text = fit_preview(text.strip())
        now = self._clock()
        if now < self._hidden_until:
            self._pending = text  # shown when the delay ends (_keep_typing)
            return
        if (
            not text
            or text == self._shown
            or self._broken
            or now < self._paused_until
            or now - self._last_shown_at < self._interval
        ):
            return
        self._last_shown_at = now
        try:
            if self._private:
                await self._bot.send_message_draft(self._chat_id, self._draft_id, text)
            elif self._message_id is None:
                message = await self._bot.send_message(self._chat_id, text)
                self._message_id = message.message_id
            else:
                await self._bot.edit_message_text(
                    text, chat_id=self._chat_id, message_id=self._message_id
                )
            self._shown = text
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            self._paused_until = now + wait
            log.info("chat %s: preview paused %.0f s by flood control", self._chat_id, wait)
        except BadRequest as error:
            if not is_not_modified(error):
                self._give_up(error)
        except TelegramError as error:
            self._give_up(error)

    async def discard(self) -> None:
        """Remove the group preview message once the final answer is out."""
        if self._message_id is None:
            return
        try:
            await self._bot.delete_message(self._chat_id, self._message_id)
        except TelegramError as error:
            log.info("chat %s: could not delete preview: %s", self._chat_id, error)
        self._message_id = None

    def _give_up(self, error: TelegramError) -> None:
        log.info("chat %s: preview stopped: %s", self._chat_id, error)
        self._broken = True

    async def _keep_typing(self) -> None:
        self._hidden_until = float("-inf")
        await self._send_typing()
        if self._pending:
            await self.show(self._pending)
        while True:
            await asyncio.sleep(TYPING_RENEWAL_S)
            await self._send_typing()

    async def _send_typing(self) -> None:
        try:
            await self._bot.send_chat_action(self._chat_id, ChatAction.TYPING)
        except TelegramError as error:
            log.debug("chat %s: typing not shown: %s", self._chat_id, error)


def fit_preview(text: str) -> str:
    """``text`` cut to ``PREVIEW_CHARS`` as Telegram counts (UTF-16), keeping its end."""
    if utf16_length(text) <= PREVIEW_CHARS:
        return text
    return ELLIPSIS + suffix_within(text, PREVIEW_CHARS - 1)
