"""getUpdates long polling and webhooks, through python-telegram-bot against the stand-in.

The stand-in stands in for Telegram's servers: a waiting getUpdates returns as
soon as an update is queued, an offset confirms what came before it,
update_id grows across all chats, and a webhook excludes getUpdates.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict

from bot.standin import StandinDriver, StandinServer, StandinSettings, UserView
from bot.standin.state import StandinState


async def test_a_waiting_poll_returns_as_soon_as_an_update_arrives(
    bot: Bot, driver: StandinDriver
) -> None:
    user = driver.create_user("Ayşe")
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.3)  # let the poll reach the server and start waiting
    assert not poll.done()
    injected_at = time.monotonic()
    driver.send_text(user, "Faturam ne kadar?")
    updates = await asyncio.wait_for(poll, timeout=5)
    assert time.monotonic() - injected_at < 1.0
    assert [u.message.text for u in updates if u.message] == ["Faturam ne kadar?"]


async def test_an_empty_poll_waits_for_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_updates_repeat_until_an_offset_confirms_them(
    bot: Bot, driver: StandinDriver
) -> None:
    user = driver.create_user("Ayşe")
    driver.send_text(user, "bir")
    driver.send_text(user, "iki")
    first = await bot.get_updates()
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert [u.message.text for u in first if u.message] == ["bir", "iki"]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()
    assert driver.pending_update_ids() == []


async def test_an_offset_confirms_only_the_updates_before_it(
    bot: Bot, driver: StandinDriver
) -> None:
    user = driver.create_user("Ayşe")
    ids = [driver.send_text(user, text).update_id for text in ("bir", "iki", "üç")]
    await bot.get_updates()
    rest = await bot.get_updates(offset=ids[1])
    assert [u.update_id for u in rest] == ids[1:]


async def test_update_ids_grow_by_one_across_chats(bot: Bot, driver: StandinDriver) -> None:
    ayse, mehmet = driver.create_user("Ayşe"), driver.create_user("Mehmet")
    injected = [
        driver.send_text(ayse, "a"),
        driver.send_text(mehmet, "b"),
        driver.send_text(ayse, "c"),
    ]
    ids = [u.update_id for u in await bot.get_updates()]
    assert ids == [i.update_id for i in injected]
    assert ids == list(range(ids[0], ids[0] + 3))
    chats = [u.effective_chat.id for u in await bot.get_updates() if u.effective_chat]
    assert chats == [ayse.id, mehmet.id, ayse.id]


async def test_limit_caps_one_answer(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    for number in range(5):
        driver.send_text(user, f"mesaj {number}")
    assert len(await bot.get_updates(limit=2)) == 2


async def test_a_redelivered_update_keeps_its_update_id(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    original = driver.send_text(user, "Faturamı öde")
    [received] = await bot.get_updates()
    assert await bot.get_updates(offset=received.update_id + 1) == ()
    driver.redeliver(original.update_id)
    [again] = await bot.get_updates(offset=received.update_id + 1)
    assert again.update_id == received.update_id == original.update_id
    assert again.message is not None
    assert again.message.message_id == original.message_id
    assert again.message.text == "Faturamı öde"


async def test_a_second_bot_instance_ends_the_first_ones_poll_with_conflict(
    bot: Bot, server: StandinServer, token: str
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.3)
    async with Bot(token, base_url=server.base_url) as second_instance:
        second = asyncio.create_task(second_instance.get_updates(timeout=1))
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
            await asyncio.wait_for(first, timeout=5)
        assert await second == ()


async def test_allowed_updates_filters_what_is_delivered(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    sent = await bot.send_message(
        customer.id,
        "Onay?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Onayla", callback_data="ok")]]),
    )
    driver.send_text(customer, "yazı")
    driver.press_button(customer, sent.message_id, data="ok")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["ok"]
    assert all(u.message is None for u in updates)


async def test_a_webhook_excludes_get_updates(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    driver.send_text(user, "merhaba")
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("http://bot.example.com/hook")
    assert await bot.set_webhook("https://bot.example.com/hook", secret_token="gizli")
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.com/hook"
    assert info.pending_update_count == 1
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates() == ()


async def test_update_ids_continue_past_the_last_one_the_bot_saw(
    bot: Bot, driver: StandinDriver
) -> None:
    # A stand-in started afresh for a bot that has run before numbers on, as Telegram does.
    user = driver.create_user("Ayşe")
    driver.continue_update_ids_after(41)
    first = driver.send_text(user, "merhaba")
    driver.continue_update_ids_after(5)  # never backwards
    second = driver.send_text(user, "tekrar")
    assert (first.update_id, second.update_id) == (42, 43)
    assert [update.update_id for update in await bot.get_updates()] == [42, 43]


def test_a_stand_in_can_start_numbering_above_one() -> None:
    state = StandinState(StandinSettings(first_update_id=7))
    assert state.queue_update("message", {"text": "merhaba"}) == 7
    assert state.queue_update("message", {"text": "tekrar"}) == 8
