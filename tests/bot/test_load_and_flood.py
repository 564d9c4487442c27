"""Many chats at once, and Telegram's flood control: every answer arrives, in order.

Here the stand-in enforces Telegram's limits (about 1 message/s per chat with
short bursts, 30/s overall) and answers 429 with ``retry_after`` beyond them.
"""

from __future__ import annotations

import pytest

from bot.standin import FloodPolicy, StandinServer, StandinSettings
from tests.bot.conftest import RunningBot

REGIONS = ("Marmara", "Ege", "Akdeniz")


@pytest.fixture
def standin_settings() -> StandinSettings:
    """Telegram's flood limits on."""
    return StandinSettings(flood=FloodPolicy())


async def test_twenty_chats_at_once_each_answered_in_order(bot: RunningBot) -> None:
    users = [bot.driver.create_user(f"Müşteri {n}") for n in range(20)]

    # Every user sends three questions at once; all 60 are queued before the bot polls.
    for user in users:
        for region in REGIONS:
            bot.driver.send_text(user, f"{region} bölgesinde şebeke durumu nedir")
    await bot.settle(timeout=60)

    for user in users:
        answers = [m.text or "" for m in bot.driver.bot_messages(user)]
        assert [answer.split(" için ")[0] for answer in answers] == list(REGIONS)


async def test_a_burst_of_429_loses_no_answer(bot: RunningBot, standin: StandinServer) -> None:
    user = bot.driver.create_user("Ahmet")
    standin.inject_faults(3, status=429, method="sendMessage", retry_after=1)

    answers = await bot.say(user, "Ege bölgesinde şebeke durumu nedir")

    (answer,) = answers  # delivered once, after waiting as asked
    assert (answer.text or "").startswith("Ege için şebeke durumu")


async def test_a_failing_front_end_is_retried(bot: RunningBot, standin: StandinServer) -> None:
    user = bot.driver.create_user("Ahmet")
    standin.inject_faults(2, status=502, method="sendMessage")

    (answer,) = await bot.say(user, "/help")

    assert (answer.text or "").startswith("Neler yapabilirim?")
