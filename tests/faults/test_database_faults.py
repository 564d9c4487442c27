"""The database locked or unreachable for a while: retried, then a Turkish error, nothing lost.

SQLite: another connection holds the write lock (a long transaction, a backup).
PostgreSQL: every connection goes through a proxy the test cuts, as a server
restart or a network failure would. Short outages are waited out with growing
pauses (``database.retry_for_s``); longer ones end in a Turkish message that
says whether the message was taken. A message once stored is never lost: it is
answered, or left for the start-up recovery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent import texts as agent_texts
from agent.backends.base import BackendStatus, GenerationRequest
from agent.events import ChatRequest, FinalAnswer
from agent.runtime import AgentRuntime
from agent.tools import confirmations
from agent.tools.context import ToolContext
from agent.tools.executor import execute
from agent.tools.telekom import default_registry
from agent.turns import ToolCall
from bot import texts as bot_texts
from core.settings import Settings
from db.chat_history import ACCEPTED, ANSWERED, unfinished_user_messages
from db.database import open_database
from db.models import ChatMessage
from tests.bot.conftest import BotStarter, RunningBot
from tests.faults.conftest import ProxiedPostgres, with_database
from tests.faults.outages import CuttableProxy, sqlite_write_lock

OUTAGE_S = 1.5


def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite file locking (the SQLite pass of the suite runs it)")


async def ask(runtime: AgentRuntime, text: str, chat: str = "chat-1") -> FinalAnswer:
    request = ChatRequest(message=text, chat_id=chat, customer_id=1001)
    events = [event async for event in runtime.chat(request)]
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    return final


async def user_messages(sessions: async_sessionmaker[AsyncSession]) -> list[ChatMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(ChatMessage).where(ChatMessage.role == "user").order_by(ChatMessage.id)
            )
        )


# -- SQLite: the write lock held by someone else -----------------------------------


async def test_a_briefly_locked_database_is_waited_out(
    runtime: AgentRuntime, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    sqlite_only(database_url)
    with caplog.at_level(logging.WARNING, logger="db.retries"):
        async with sqlite_write_lock(database_url):
            turn = asyncio.create_task(ask(runtime, "Ege bölgesinde şebeke durumu nedir"))
            await asyncio.sleep(OUTAGE_S)
            assert not turn.done()  # waiting for the lock, not failed
        final = await asyncio.wait_for(turn, timeout=30)

    assert not final.failed
    assert final.text.startswith("Ege için şebeke durumu")
    (stored,) = await user_messages(runtime.database.sessions)
    assert stored.status == ANSWERED
    assert "database is locked" in caplog.text


async def test_a_database_locked_too_long_is_a_turkish_error_and_the_next_message_works(
    settings: Settings, database_url: str
) -> None:
    sqlite_only(database_url)
    impatient = with_database(settings, retry_for_s=0.5)
    async with open_database(impatient) as database:
        runtime = AgentRuntime(impatient, database)
        await runtime.start()
        async with sqlite_write_lock(database_url):
            refused = await asyncio.wait_for(ask(runtime, "faturam ne kadar"), timeout=30)
        answered = await ask(runtime, "faturam ne kadar")
        await runtime.close()
        stored = await user_messages(database.sessions)

    assert refused.failed
    assert refused.text == agent_texts.MESSAGE_NOT_STORED  # says it was not taken
    assert not answered.failed
    assert [m.status for m in stored] == [ANSWERED]  # only the message that was taken


async def test_through_the_bot_a_locked_database_delays_but_loses_nothing(
    bot: RunningBot, database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sqlite_only(database_url)
    user = bot.driver.create_user("Ahmet")
    async with sqlite_write_lock(database_url):
        bot.driver.send_text(user, "Marmara bölgesinde şebeke durumu nedir")
        await asyncio.sleep(OUTAGE_S)
        assert bot.driver.bot_messages(user) == []
    await bot.settle(timeout=30)

    (answer,) = bot.driver.bot_messages(user)
    assert (answer.text or "").startswith("Marmara için şebeke durumu")
    (stored,) = await user_messages(sessions)
    assert stored.status == ANSWERED


async def test_through_the_bot_a_database_locked_too_long_asks_to_resend(
    start_bot: BotStarter,
    bot_settings: Settings,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    sqlite_only(database_url)
    async with start_bot(with_database(bot_settings, retry_for_s=0.5)) as bot:
        user = bot.driver.create_user("Ahmet")
        async with sqlite_write_lock(database_url):
            (apology,) = await bot.say(user, "Ege bölgesinde şebeke durumu nedir")
        (answer,) = await bot.say(user, "Ege bölgesinde şebeke durumu nedir")

    prefix = bot_texts.DATABASE_BUSY.split("{incident}")[0]
    assert (apology.text or "").startswith(prefix.removesuffix("<code>"))
    assert (answer.text or "").startswith("Ege için şebeke durumu")
    assert [m.status for m in await user_messages(sessions)] == [ANSWERED]


async def test_a_proposal_and_its_confirmation_wait_out_a_locked_database(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Tool writes outside the turn's own transactions are retried too, not failed at once."""
    sqlite_only(database_url)
    ctx = ToolContext(sessions=sessions, customer_id=1001, chat_id="chat-lock")
    registry = default_registry()
    turn_on_roaming = ToolCall("enable_roaming", {"user_id": 1001, "status": True})

    async with sqlite_write_lock(database_url):
        proposing = asyncio.create_task(execute(registry, turn_on_roaming, ctx))
        await asyncio.sleep(OUTAGE_S)
        assert not proposing.done()  # waiting for the lock, not failed
    proposed = await asyncio.wait_for(proposing, timeout=30)
    assert proposed.kind == "proposal"
    assert proposed.proposal is not None

    async with sqlite_write_lock(database_url):
        confirming = asyncio.create_task(confirmations.confirm(proposed.proposal.id, ctx, registry))
        await asyncio.sleep(OUTAGE_S)
        assert not confirming.done()
    confirmed = await asyncio.wait_for(confirming, timeout=30)
    assert confirmed.status == "done"


# -- PostgreSQL: the server out of reach --------------------------------------------


@asynccontextmanager
async def runtime_on(
    settings: Settings, url: str, **database: object
) -> AsyncIterator[AgentRuntime]:
    """The runtime on ``url`` (through the proxy), with some database settings changed."""
    configured = with_database(settings, url=url, **database)
    async with open_database(configured) as opened:
        runtime = AgentRuntime(configured, opened)
        await runtime.start()
        try:
            yield runtime
        finally:
            await runtime.close()


async def test_postgres_out_of_reach_for_a_while_is_waited_out(
    settings: Settings, postgres_behind_proxy: ProxiedPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    proxy = postgres_behind_proxy.proxy
    async with runtime_on(settings, postgres_behind_proxy.url) as runtime:
        await ask(runtime, "merhaba")  # the pool holds live connections now
        await proxy.cut()
        with caplog.at_level(logging.WARNING, logger="db.retries"):
            turn = asyncio.create_task(ask(runtime, "Akdeniz bölgesinde şebeke durumu nedir"))
            await asyncio.sleep(OUTAGE_S)
            assert not turn.done()
            await proxy.restore()
            final = await asyncio.wait_for(turn, timeout=30)
        stored = await user_messages(runtime.database.sessions)

    assert not final.failed
    assert final.text.startswith("Akdeniz için şebeke durumu")
    assert [m.status for m in stored] == [ANSWERED, ANSWERED]
    assert "database out of reach" in caplog.text


class CutsTheDatabase:
    """A model step during which the database goes away (the proxy is cut)."""

    name = "cuts-the-database"

    def __init__(self, proxy: CuttableProxy) -> None:
        self._proxy = proxy

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        await self._proxy.cut()
        yield "Yanıtınız hazır."

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="scripted", state="loaded")

    async def close(self) -> None:
        return None


async def test_postgres_lost_mid_turn_for_too_long_keeps_the_message_for_recovery(
    settings: Settings, postgres_behind_proxy: ProxiedPostgres
) -> None:
    proxy = postgres_behind_proxy.proxy
    async with runtime_on(settings, postgres_behind_proxy.url, retry_for_s=1.0) as runtime:
        await runtime.backends.install(CutsTheDatabase(proxy))
        final = await asyncio.wait_for(ask(runtime, "bir sorum var"), timeout=30)
        await proxy.restore()
        async with runtime.database.sessions() as session:
            unfinished = await unfinished_user_messages(session)
            stored = await session.scalar(select(func.count()).select_from(ChatMessage))

    assert final.failed
    assert final.text == agent_texts.DATABASE_UNAVAILABLE
    # Stored before the outage, never marked: the bot's start-up recovery answers it.
    assert [(m.content, m.status) for m in unfinished] == [("bir sorum var", ACCEPTED)]
    assert stored == 1


async def test_postgres_gone_too_long_refuses_the_message_in_turkish(
    settings: Settings, postgres_behind_proxy: ProxiedPostgres
) -> None:
    proxy = postgres_behind_proxy.proxy
    async with runtime_on(settings, postgres_behind_proxy.url, retry_for_s=1.0) as runtime:
        await proxy.cut()
        refused = await asyncio.wait_for(ask(runtime, "faturam ne kadar"), timeout=30)
        await proxy.restore()
        answered = await ask(runtime, "faturam ne kadar")
        stored = await user_messages(runtime.database.sessions)

    assert refused.failed
    assert refused.text == agent_texts.MESSAGE_NOT_STORED
    assert not answered.failed
    assert [m.status for m in stored] == [ANSWERED]
