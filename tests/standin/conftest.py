"""Fixtures for the stand-in's own tests.

The stand-in stands in for Telegram's servers, which cannot be reached from
here; these fixtures start it on loopback and point the real
python-telegram-bot at it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.standin import FloodPolicy, StandinDriver, StandinServer, StandinSettings, UserView

TOKEN = "123456789:TEST-token-for-the-stand-in"


@pytest.fixture
def token() -> str:
    """The bot token; the stand-in accepts any and derives the bot id from it."""
    return TOKEN


@pytest.fixture
def standin_settings() -> StandinSettings:
    """Flood control off, so rules other than flood control are tested one at a time."""
    return StandinSettings(flood=FloodPolicy(enabled=False))


@pytest.fixture
async def server(standin_settings: StandinSettings) -> AsyncIterator[StandinServer]:
    """A running stand-in server."""
    async with StandinServer(standin_settings) as running:
        yield running


@pytest.fixture
def driver(server: StandinServer) -> StandinDriver:
    """The driver playing the users of ``server``."""
    return StandinDriver(server)


@pytest.fixture
async def bot(server: StandinServer, token: str) -> AsyncIterator[Bot]:
    """A real python-telegram-bot ``Bot`` talking HTTP to the stand-in."""
    async with Bot(token, base_url=server.base_url, base_file_url=server.base_file_url) as tg_bot:
        yield tg_bot


@pytest.fixture
def customer(driver: StandinDriver) -> UserView:
    """A user who has opened the private chat with the bot (sent /start)."""
    user = driver.create_user("Ayşe", last_name="Yılmaz", username="ayse_yilmaz")
    driver.send_command(user, "start")
    return user
