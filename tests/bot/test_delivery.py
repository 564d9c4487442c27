"""Delivery against the stand-in: HTML that Telegram cannot parse still arrives, as plain text.

The bot's own texts escape every dynamic part, so a parse error means a bug in
a template; the answer must arrive anyway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import ExtBot

from bot.delivery import edit_html, send_html
from bot.standin import StandinDriver, StandinServer
from tests.bot.conftest import TOKEN


@pytest.fixture
async def telegram_bot(standin: StandinServer) -> AsyncIterator[ExtBot[None]]:
    async with ExtBot(TOKEN, base_url=standin.base_url) as bot:
        yield bot


async def test_unparsable_html_falls_back_to_plain_text(
    telegram_bot: ExtBot[None], driver: StandinDriver
) -> None:
    user = driver.create_user("Ahmet")
    driver.send_command(user, "start")

    (sent,) = await send_html(telegram_bot, user.id, "<b>Faturanız: 129,22 TL & vergiler")

    shown = driver.message(user, sent.message_id)
    assert shown.text == "Faturanız: 129,22 TL & vergiler"
    assert shown.entities == ()


async def test_edit_with_unparsable_html_falls_back_and_identical_text_is_fine(
    telegram_bot: ExtBot[None], driver: StandinDriver
) -> None:
    user = driver.create_user("Ahmet")
    driver.send_command(user, "start")
    (sent,) = await send_html(telegram_bot, user.id, "<b>Bekliyor</b>")

    assert await edit_html(telegram_bot, user.id, sent.message_id, "<i>Tamam & bitti")
    assert await edit_html(telegram_bot, user.id, sent.message_id, "Tamam &amp; bitti")

    assert driver.message(user, sent.message_id).text == "Tamam & bitti"
