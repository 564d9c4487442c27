"""The driver's waiting and reading, against a bot using the stand-in.

The stand-in stands in for Telegram's servers. ``wait_for`` must wake as soon
as the bot acts (no sleep-polling) and give up with ``TimeoutError``; what the
driver returns is a snapshot that later edits do not change.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot

from bot.standin import StandinDriver, UserView


async def test_wait_for_wakes_as_soon_as_the_bot_acts(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    waiting = asyncio.create_task(
        driver.wait_for(lambda: len(driver.bot_messages(customer)) == 1, timeout=10)
    )
    await asyncio.sleep(0.2)
    assert not waiting.done()
    sent_at = time.monotonic()
    await bot.send_message(customer.id, "Merhaba")
    await waiting
    assert time.monotonic() - sent_at < 0.5


async def test_wait_for_gives_up_after_its_timeout(
    driver: StandinDriver, customer: UserView
) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await driver.wait_for(lambda: bool(driver.bot_messages(customer)), timeout=0.3)
    assert time.monotonic() - started >= 0.3


async def test_wait_for_bot_message_skips_older_messages(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    older = await bot.send_message(customer.id, "eski")
    question = driver.send_text(customer, "yeni soru")
    waiting = asyncio.create_task(
        driver.wait_for_bot_message(customer, after=question.message_id or 0)
    )
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await bot.send_message(customer.id, "yeni yanıt")
    reply = await waiting
    assert reply.text == "yeni yanıt"
    assert reply.message_id > older.message_id


async def test_views_are_snapshots(bot: Bot, driver: StandinDriver, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "ilk hali")
    before = driver.message(customer, sent.message_id)
    await bot.edit_message_text("son hali", customer.id, sent.message_id)
    assert before.text == "ilk hali"
    assert driver.message(customer, sent.message_id).text == "son hali"


async def test_messages_list_both_sides_in_order(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    driver.send_text(customer, "Faturam?")
    await bot.send_message(customer.id, "1.234,56 TL")
    conversation = [(m.from_bot, m.text) for m in driver.messages(customer)]
    assert conversation == [(False, "/start"), (False, "Faturam?"), (True, "1.234,56 TL")]
