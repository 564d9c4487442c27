"""setMyCommands and friends, through python-telegram-bot against the stand-in.

The stand-in stands in for Telegram's servers: command names are 1-32
characters of a-z, 0-9 and _ (no Turkish letters, no capitals) and
descriptions 1-256 characters.
"""

from __future__ import annotations

import pytest
from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import BadRequest

from bot.standin import StandinDriver

VALID = [
    BotCommand("fatura", "Son faturanızı gösterir"),
    BotCommand("durum", "Hat ve kota durumu"),
    BotCommand("a" * 32, "x" * 256),
    BotCommand("paket_2", "Rakam ve alt çizgi olur"),
]


async def test_valid_commands_are_stored_per_scope_and_language(
    bot: Bot, driver: StandinDriver
) -> None:
    assert await bot.set_my_commands(
        VALID, scope=BotCommandScopeAllPrivateChats(), language_code="tr"
    )
    stored = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="tr")
    assert [(c.command, c.description) for c in stored] == [
        (c.command, c.description) for c in VALID
    ]
    assert await bot.get_my_commands() == ()
    listed = driver.bot_commands(scope={"type": "all_private_chats"}, language_code="tr")
    assert [c["command"] for c in listed] == ["fatura", "durum", "a" * 32, "paket_2"]
    assert await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="tr")
    assert driver.bot_commands(scope={"type": "all_private_chats"}, language_code="tr") == []


@pytest.mark.parametrize("name", ["Fatura", "fatura_öde", "a" * 33, "", "fatura-detay", "/start"])
async def test_invalid_command_names_are_refused(
    bot: Bot, driver: StandinDriver, name: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(name, "Açıklama")])
    assert driver.bot_commands() == []


@pytest.mark.parametrize("description", ["", "   ", "x" * 257])
async def test_invalid_descriptions_are_refused(bot: Bot, description: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand("fatura", description)])
