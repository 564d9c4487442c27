"""Flood control, through python-telegram-bot against the stand-in.

The stand-in stands in for Telegram's servers: about one message a second per
chat with a burst of three, 20 a minute per group, edits counting too; over
the limit the answer is 429 with ``retry_after``, which PTB raises as
``RetryAfter``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.standin import FloodPolicy, StandinDriver, StandinServer, StandinSettings, UserView


@pytest.fixture
def standin_settings() -> StandinSettings:
    """Telegram's default limits (the shared fixture switches them off)."""
    return StandinSettings(flood=FloodPolicy())


def _seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def test_a_burst_of_three_then_retry_after(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    for number in range(3):
        await bot.send_message(customer.id, f"mesaj {number}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(customer.id, "bir fazla")
    assert _seconds(refused.value) == 1
    assert [m.text for m in driver.bot_messages(customer)] == ["mesaj 0", "mesaj 1", "mesaj 2"]


async def test_sending_works_again_after_retry_after(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    for number in range(3):
        await bot.send_message(customer.id, f"mesaj {number}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(customer.id, "son mesaj")
    await asyncio.sleep(_seconds(refused.value))
    await bot.send_message(customer.id, "son mesaj")
    assert driver.bot_messages(customer)[-1].text == "son mesaj"


async def test_edits_count_toward_the_limit(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "Yanıt")
    await bot.edit_message_text("Yanıt.", customer.id, sent.message_id)
    await bot.edit_message_text("Yanıt..", customer.id, sent.message_id)
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("Yanıt...", customer.id, sent.message_id)


async def test_chat_actions_and_drafts_do_not_count(bot: Bot, customer: UserView) -> None:
    for number in range(10):
        await bot.send_chat_action(customer.id, "typing")
        await bot.send_message_draft(customer.id, 1, f"taslak {number}")
    for number in range(3):
        await bot.send_message(customer.id, f"mesaj {number}")


async def test_each_chat_has_its_own_allowance(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    other = driver.create_user("Mehmet")
    driver.send_command(other, "start")
    for number in range(3):
        await bot.send_message(customer.id, f"mesaj {number}")
    with pytest.raises(RetryAfter):
        await bot.send_message(customer.id, "bir fazla")
    await bot.send_message(other.id, "Merhaba Mehmet")


async def test_groups_are_limited_to_20_a_minute(token: str) -> None:
    # Generous per-chat and overall buckets isolate the per-minute group rule.
    policy = FloodPolicy(
        chat_burst=100, chat_per_second=100.0, global_burst=100, global_per_second=100.0
    )
    async with (
        StandinServer(StandinSettings(flood=policy)) as server,
        Bot(token, base_url=server.base_url) as bot,
    ):
        driver = StandinDriver(server)
        member = driver.create_user("Zeynep")
        driver.send_command(member, "start")
        group = driver.create_group("Aile", [member])
        for number in range(20):
            await bot.send_message(group.id, f"duyuru {number}")
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(group.id, "bir fazla")
        assert 50 <= _seconds(refused.value) <= 60
        # The same pace is fine in a private chat.
        for number in range(21):
            await bot.send_message(member.id, f"mesaj {number}")
