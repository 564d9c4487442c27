"""At most ``telegram.max_concurrent_turns`` customer turns run at once; the rest wait.

A waiting turn's message is already stored, it shows nothing yet, and
``/iptal`` still cancels it. The model is a slow stand-in (a real one needs
a GPU) that counts how many turns it is writing at the same time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from agent.backends.base import BackendStatus, GenerationRequest
from agent.runtime import AgentRuntime
from bot import texts
from bot.context import SERVICES_KEY
from core.settings import Settings
from tests.bot.conftest import BotStarter, RunningBot, with_telegram

ANSWER = "Yanıtınız hazır."


class CountingModel:
    """Writes each answer in ``write_s`` seconds and records the most turns written at once."""

    name = "counting"

    def __init__(self, write_s: float) -> None:
        self._write_s = write_s
        self.writing = 0
        self.most_at_once = 0

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        self.writing += 1
        self.most_at_once = max(self.most_at_once, self.writing)
        try:
            await asyncio.sleep(self._write_s)
            yield ANSWER
        finally:
            self.writing -= 1

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="counting", state="loaded")

    async def close(self) -> None:
        return None


async def _install(bot: RunningBot, model: CountingModel) -> None:
    runtime = bot.application.bot_data[SERVICES_KEY].agent
    assert isinstance(runtime, AgentRuntime)
    await runtime.backends.install(model)


async def test_turns_beyond_the_limit_wait_and_are_all_answered(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    model = CountingModel(write_s=0.3)
    async with start_bot(with_telegram(bot_settings, max_concurrent_turns=2)) as bot:
        await _install(bot, model)
        users = [bot.driver.create_user(f"Müşteri {n}") for n in range(5)]
        for user in users:
            bot.driver.send_text(user, "bir sorum var")
        await bot.settle()

    assert model.most_at_once == 2
    for user in users:
        assert [m.text for m in bot.driver.bot_messages(user)] == [ANSWER]


async def test_iptal_cancels_a_turn_still_waiting_for_its_slot(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    model = CountingModel(write_s=1.0)
    async with start_bot(with_telegram(bot_settings, max_concurrent_turns=1)) as bot:
        await _install(bot, model)
        first, second = bot.driver.create_user("Ahmet"), bot.driver.create_user("Ayşe")
        bot.driver.send_text(first, "bir sorum var")
        await bot.driver.wait_for(lambda: model.writing == 1, timeout=5)
        bot.driver.send_text(second, "benim de bir sorum var")
        # /iptal must reach a turn that exists: wait until Ayşe's is queued for a slot.
        # (Nothing reaches Telegram while it waits, so poll rather than wait_for.)
        turns = bot.application.bot_data[SERVICES_KEY].turns
        async with asyncio.timeout(5):
            while not turns.running(second.id):  # noqa: ASYNC110 (no event to wait on)
                await asyncio.sleep(0.01)
        (cancelled,) = await bot.say(second, "/iptal")
        await bot.settle()

    assert cancelled.text == texts.TURN_CANCELLED
    assert [m.text for m in bot.driver.bot_messages(second)] == [texts.TURN_CANCELLED]
    assert [m.text for m in bot.driver.bot_messages(first)] == [ANSWER]
    assert model.most_at_once == 1
