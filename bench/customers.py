"""Simulated customers on the stand-in, timing each step from update to final answer.

A customer sends a step, waits for the bot's answer, thinks, and sends the
next: one turn at a time per chat, as people do, many chats at once. The
clock starts just before the update is queued on the stand-in and stops
when the stand-in holds the answer: the bot's next message in the chat, or
the edit of the message whose button was pressed.

One :class:`AnswerWatcher` serves every customer: it wakes on each change
of the stand-in's state and checks only the answers still awaited, so the
measuring costs the same for any bot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.traffic import Press, Say, Step
from bot.standin import InlineButton, StandinDriver, StandinServer, UserView

# No answer within this long counts the step as lost.
STEP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class StepResult:
    """One step's outcome: its kind and latency, or why it was not measured."""

    kind: str
    latency_s: float | None
    # "answered", "lost" (no answer in time), "no_button" (nothing to press) or
    # "skipped" (not pressed by this bot's customer because ours had nothing to press).
    outcome: str


@dataclass
class _Awaited:
    chat_id: int
    # A new bot message after this id, or an edit of this message ...
    message_id: int
    # ... beyond this many earlier versions (None: waiting for a new message).
    revisions_before: int | None
    future: asyncio.Future[tuple[float, int]]


class AnswerWatcher:
    """Resolves each awaited answer with ``(perf_counter when seen, message id)``."""

    def __init__(self, server: StandinServer) -> None:
        self._state = server.state
        self._awaited: list[_Awaited] = []

    def new_message(self, chat_id: int, after: int) -> asyncio.Future[tuple[float, int]]:
        """The bot's first message in ``chat_id`` with an id above ``after``."""
        return self._await(chat_id, after, None)

    def edit(
        self, chat_id: int, message_id: int, revisions_before: int
    ) -> asyncio.Future[tuple[float, int]]:
        """The next edit of ``message_id`` (it has ``revisions_before`` older versions now)."""
        return self._await(chat_id, message_id, revisions_before)

    async def run(self) -> None:
        """Watch until cancelled."""
        while True:
            await self._state.notifier.wait_until(self._resolve_seen, within=3600.0)

    def _await(
        self, chat_id: int, message_id: int, revisions_before: int | None
    ) -> asyncio.Future[tuple[float, int]]:
        future: asyncio.Future[tuple[float, int]] = asyncio.get_running_loop().create_future()
        self._awaited.append(_Awaited(chat_id, message_id, revisions_before, future))
        return future

    def _resolve_seen(self) -> bool:
        """Resolve what has arrived; always False, so the caller keeps waiting."""
        if not self._awaited:
            return False
        now = time.perf_counter()
        still: list[_Awaited] = []
        for awaited in self._awaited:
            found = None if awaited.future.done() else self._answer(awaited)
            if found is not None:
                awaited.future.set_result((now, found))
            elif not awaited.future.done():
                still.append(awaited)
        self._awaited = still
        return False

    def _answer(self, awaited: _Awaited) -> int | None:
        chat = self._state.chats[awaited.chat_id]
        if awaited.revisions_before is None:
            # Message ids run in sequence per chat: look only past the customer's message.
            for message_id in range(awaited.message_id + 1, chat.next_message_id):
                message = chat.messages.get(message_id)
                if message is not None and message.from_bot:
                    return message_id
            return None
        pressed = chat.messages[awaited.message_id]
        return pressed.message_id if len(pressed.revisions) > awaited.revisions_before else None


def button_to_press(buttons: Sequence[InlineButton], label: str) -> InlineButton | None:
    """The button labelled ``label``, else the only button there is, else None."""
    for button in buttons:
        if button.text == label and button.callback_data is not None:
            return button
    pressable = [button for button in buttons if button.callback_data is not None]
    return pressable[0] if len(pressable) == 1 else None


async def run_customer(
    driver: StandinDriver,
    watcher: AnswerWatcher,
    user: UserView,
    script: Sequence[Step],
    thinking: Sequence[float],
    skip: frozenset[int] = frozenset(),
) -> list[StepResult]:
    """Play ``script`` in the user's private chat; one result per step.

    Steps whose index is in ``skip`` are left out, so another bot can be
    given exactly the traffic an earlier one got.
    """
    results: list[StepResult] = []
    last_answer: int | None = None
    for index, (step, pause) in enumerate(zip(script, thinking, strict=True)):
        if index in skip:
            results.append(StepResult(step.kind, None, "skipped"))
            continue
        if pause > 0:
            await asyncio.sleep(pause)
        if isinstance(step, Say):
            started = time.perf_counter()
            sent = driver.send_text(user, step.text)
            assert sent.message_id is not None
            awaited = watcher.new_message(user.id, sent.message_id)
        else:
            assert isinstance(step, Press)
            button = None
            if last_answer is not None:
                answer = driver.message(user, last_answer)
                button = button_to_press(answer.buttons, step.label)
            if button is None or last_answer is None:
                results.append(StepResult(step.kind, None, "no_button"))
                continue
            before = len(driver.message(user, last_answer).edits)
            started = time.perf_counter()
            driver.press_button(user, last_answer, data=button.callback_data)
            awaited = watcher.edit(user.id, last_answer, before)
        try:
            seen_at, message_id = await asyncio.wait_for(awaited, STEP_TIMEOUT_S)
        except TimeoutError:
            results.append(StepResult(step.kind, None, "lost"))
            continue
        if isinstance(step, Say):
            last_answer = message_id
        results.append(StepResult(step.kind, seen_at - started, "answered"))
    return results
