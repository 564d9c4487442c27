"""One user's flood must not stall everyone else (issue 17).

Under the stand-in's Telegram limits, one user sends a burst of 300 messages
and another presses a pay button 500 times; a third customer's answers must
take at most twice their time without the flood. The model is a stand-in
that takes ``WRITE_S`` per answer (a real one needs a GPU), so a turn costs
what a model turn costs and the comparison is not lost in noise. The figures
are printed (``-s``) and reported in BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncGenerator

import pytest

from agent.backends.base import BackendStatus, GenerationRequest
from agent.runtime import AgentRuntime
from bot.context import SERVICES_KEY
from bot.standin import FloodPolicy, StandinSettings, UserView
from tests.bot.conftest import RunningBot

WRITE_S = 1.0
ANSWER = "Yanıtınız hazır."
QUESTIONS = 3
FLOOD_MESSAGES = 300
FLOOD_PRESSES = 500


class SlowModel:
    """Writes every answer in ``WRITE_S`` seconds."""

    name = "slow"

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        await asyncio.sleep(WRITE_S)
        yield ANSWER

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="slow", state="loaded")

    async def close(self) -> None:
        return None


@pytest.fixture
def standin_settings() -> StandinSettings:
    """Telegram's flood limits on."""
    return StandinSettings(flood=FloodPolicy())


async def _answer_times(bot: RunningBot, user: UserView) -> list[float]:
    """Seconds from each question to its answer, one question after the other."""
    times = []
    for number in range(QUESTIONS):
        after = bot.last_message_id(user)
        started = time.monotonic()
        bot.driver.send_text(user, f"bir sorum var {number}")
        await bot.driver.wait_for_bot_message(user, after=after, timeout=120)
        times.append(time.monotonic() - started)
    return times


async def test_a_flooding_user_does_not_stall_another_customer(bot: RunningBot) -> None:
    runtime = bot.application.bot_data[SERVICES_KEY].agent
    assert isinstance(runtime, AgentRuntime)
    await runtime.backends.install(SlowModel())
    victim = await bot.linked_customer(1002, name="Ayşe")
    presser = await bot.linked_customer(1001, name="Ahmet")
    (bill_card,) = await bot.say(presser, "/fatura")
    quiet = statistics.median(await _answer_times(bot, victim))

    flooder = bot.driver.create_user("Flood")
    for number in range(FLOOD_MESSAGES):
        bot.driver.send_text(flooder, f"mesaj {number}")
    for _ in range(FLOOD_PRESSES):
        bot.driver.press_button(presser, bill_card.message_id, text="Kredi kartıyla öde")
    flooded = statistics.median(await _answer_times(bot, victim))
    await bot.settle(timeout=300)

    print(
        f"\nfairness: answer {quiet:.2f} s quiet, {flooded:.2f} s during a flood of "
        f"{FLOOD_MESSAGES} messages and {FLOOD_PRESSES} presses (x{flooded / quiet:.2f})"
    )
    # Each admitted pay press becomes a turn of the agent (here the stand-in model's answer).
    answered_presses = bot.bot_messages_after(presser, bill_card.message_id)
    budget = bot.application.bot_data[SERVICES_KEY].settings.telegram.rate_limit.messages
    print(f"fairness: {len(answered_presses)} of {FLOOD_PRESSES} presses answered")
    assert flooded <= 2 * quiet
    # Presses share the per-user budget with messages (three went on /start, contact, /fatura).
    assert len(answered_presses) <= budget - 3
