"""Fixtures for the bot's tests: the real bot, over real HTTP, against the Telegram stand-in.

Telegram's servers cannot be reached from here, so the stand-in
(``bot.standin``) plays them on loopback. Everything else is real: the bot is
started by ``bot.runner.running_bot`` exactly as ``python -m bot`` starts it,
with the embedded agent runtime on the ``rules`` backend and a freshly seeded
database per test (``settings`` / ``sessions`` from ``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from bot.context import BotApplication
from bot.runner import running_bot
from bot.standin import (
    ChatView,
    FloodPolicy,
    MessageView,
    StandinDriver,
    StandinServer,
    StandinSettings,
    UserView,
)
from core.settings import Settings
from db.seed import primary_number

TOKEN = "123456789:bot-tests-token"
SETTLE_TIMEOUT_S = 15.0


@dataclass
class RunningBot:
    """The bot under test and the driver playing its users."""

    driver: StandinDriver
    application: BotApplication

    async def settle(self, timeout: float = SETTLE_TIMEOUT_S) -> None:  # noqa: ASYNC109
        """Until the bot has fetched every queued update and finished handling it."""
        await self.driver.wait_until_consumed(timeout=timeout)
        await asyncio.wait_for(self.application.update_queue.join(), timeout)

    async def say(
        self, user: UserView, text: str, *, chat: ChatView | None = None
    ) -> list[MessageView]:
        """``user`` sends ``text``; the bot's new messages once it has answered."""
        where = chat if chat is not None else user
        before = self.last_message_id(where)
        self.driver.send_text(user, text, chat=chat)
        await self.settle()
        return self.bot_messages_after(where, before)

    async def share_contact(self, user: UserView, phone_number: str, **kwargs: object) -> str:
        """``user`` shares a contact; the text of the bot's answer."""
        before = self.last_message_id(user)
        self.driver.share_contact(user, phone_number, **kwargs)  # type: ignore[arg-type]
        await self.settle()
        (answer,) = self.bot_messages_after(user, before)
        return answer.text or ""

    async def press(self, user: UserView, message: MessageView, text: str) -> str | None:
        """``user`` presses the button labelled ``text``; the bot's answer to the press."""
        injected = self.driver.press_button(user, message.message_id, text=text)
        await self.settle()
        assert injected.callback_query_id is not None
        answer = self.driver.callback_answer(injected.callback_query_id)
        return answer.text if answer else None

    async def linked_customer(self, customer_id: int = 1001, name: str = "Ahmet") -> UserView:
        """A new user who has linked their account with their own number on file."""
        user = self.driver.create_user(name)
        await self.say(user, "/start")
        answer = await self.share_contact(user, primary_number(customer_id))
        assert "hesabınız bu telegram hesabına bağlandı" in answer.lower()
        return user

    def last_message_id(self, chat: ChatView | UserView) -> int:
        messages = self.driver.messages(chat, include_deleted=True)
        return messages[-1].message_id if messages else 0

    def bot_messages_after(self, chat: ChatView | UserView, message_id: int) -> list[MessageView]:
        return [m for m in self.driver.bot_messages(chat) if m.message_id > message_id]


BotStarter = Callable[..., AbstractAsyncContextManager[RunningBot]]


@pytest.fixture
def standin_settings() -> StandinSettings:
    """Flood control off: most tests check one rule at a time and stay fast.

    Tests of flood handling override this fixture with Telegram's limits on.
    """
    return StandinSettings(flood=FloodPolicy(enabled=False))


@pytest.fixture
async def standin(standin_settings: StandinSettings) -> AsyncIterator[StandinServer]:
    """The Telegram stand-in on loopback."""
    async with StandinServer(standin_settings) as server:
        yield server


@pytest.fixture
def driver(standin: StandinServer) -> StandinDriver:
    return StandinDriver(standin)


@pytest.fixture
def bot_settings(settings: Settings, standin: StandinServer) -> Settings:
    """The committed configuration, pointed at the stand-in and the test database."""
    telegram = settings.telegram.model_copy(
        update={"bot_token": SecretStr(TOKEN), "api_base_url": standin.base_url}
    )
    model = settings.model.model_copy(update={"backend": "rules"})
    return settings.model_copy(update={"telegram": telegram, "model": model})


@pytest.fixture
def start_bot(bot_settings: Settings, driver: StandinDriver) -> BotStarter:
    """Start the bot (optionally with other settings) as ``async with start_bot() as bot``."""

    @asynccontextmanager
    async def start(settings: Settings | None = None) -> AsyncIterator[RunningBot]:
        async with running_bot(settings or bot_settings) as application:
            yield RunningBot(driver, application)

    return start


@pytest.fixture
async def bot(start_bot: BotStarter) -> AsyncIterator[RunningBot]:
    """The bot running with the test settings."""
    async with start_bot() as running:
        yield running


def with_telegram(settings: Settings, **changes: object) -> Settings:
    """``settings`` with some ``telegram`` settings changed."""
    return settings.model_copy(update={"telegram": settings.telegram.model_copy(update=changes)})
