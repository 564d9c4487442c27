"""Error answers and fault injection, through python-telegram-bot and raw HTTP.

The stand-in stands in for Telegram's servers: errors have Telegram's body
and status, so PTB raises the same exception it would raise against
Telegram, and injected faults let tests rehearse Telegram's bad days.
"""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter

from bot.standin import StandinDriver, StandinServer, UserView


async def test_an_unknown_method_is_404_not_found(bot: Bot, server: StandinServer) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.base_url}1:x/sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive(server: StandinServer) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.base_url}1:x/GETME")
    assert response.json()["result"]["is_bot"] is True


async def test_json_and_form_bodies_are_both_understood(
    server: StandinServer, driver: StandinDriver, customer: UserView
) -> None:
    url = f"{server.base_url}1:x/sendMessage"
    async with httpx.AsyncClient() as client:
        as_json = await client.post(url, json={"chat_id": customer.id, "text": "json"})
        as_form = await client.post(url, data={"chat_id": str(customer.id), "text": "form"})
        missing = await client.post(url, json={"chat_id": customer.id})
    assert as_json.json()["result"]["text"] == "json"
    assert as_form.json()["result"]["text"] == "form"
    assert missing.status_code == 400
    assert missing.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    assert [m.text for m in driver.bot_messages(customer)] == ["json", "form"]


async def test_the_token_used_is_recorded_and_names_the_bot(
    bot: Bot, server: StandinServer, token: str
) -> None:
    me = await bot.get_me()
    assert server.state.tokens_seen == [token]
    assert me.id == int(token.split(":")[0])
    assert me.is_bot
    assert me.username == "TelekomAsistanBot"


async def test_an_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "Merhaba")


async def test_the_bot_cannot_write_first(bot: Bot, driver: StandinDriver) -> None:
    silent = driver.create_user("Sessiz")
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation"):
        await bot.send_message(silent.id, "Merhaba")


async def test_a_user_who_blocked_the_bot(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    driver.block_bot(customer)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(customer.id, "Merhaba")
    driver.send_command(customer, "start")
    await bot.send_message(customer.id, "Tekrar hoş geldiniz")


async def test_a_group_that_removed_the_bot(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    group = driver.create_group("Aile", [customer])
    await bot.send_message(group.id, "Merhaba")
    driver.remove_bot_from_group(group)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked"):
        await bot.send_message(group.id, "Merhaba")


async def test_injected_server_errors_hit_only_the_named_method(
    bot: Bot, server: StandinServer, driver: StandinDriver, customer: UserView
) -> None:
    server.inject_faults(2, status=502, method="sendMessage")
    await bot.send_chat_action(customer.id, "typing")
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)bad gateway"):
            await bot.send_message(customer.id, "Merhaba")
    await bot.send_message(customer.id, "Merhaba")
    assert [m.text for m in driver.bot_messages(customer)] == ["Merhaba"]


async def test_an_injected_429_carries_retry_after(
    bot: Bot, server: StandinServer, customer: UserView
) -> None:
    server.inject_faults(status=429, retry_after=7)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(customer.id, "Merhaba")
    assert refused.value.message == "Flood control exceeded. Retry in 7 seconds"


async def test_an_applied_fault_delivers_but_loses_the_answer(
    bot: Bot, server: StandinServer, driver: StandinDriver, customer: UserView
) -> None:
    server.inject_faults(status=500, method="sendMessage", applied=True)
    with pytest.raises(NetworkError):
        await bot.send_message(customer.id, "Ödemeniz alındı")
    assert [m.text for m in driver.bot_messages(customer)] == ["Ödemeniz alındı"]
