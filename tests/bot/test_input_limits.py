"""Bad or unusual input: too long, too fast, not text, edited, delivered twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.standin import Injected, StandinDriver, UserView
from core.settings import RateLimitSettings, Settings
from db.models import ChatMessage, ProcessedUpdate
from db.processed_updates import DUPLICATE_WINDOW
from tests.bot.conftest import BotStarter, RunningBot, with_telegram


async def _stored_messages(sessions: async_sessionmaker[AsyncSession], chat_id: int) -> int:
    """How many of the customer's own messages the chat history holds."""
    async with sessions() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(ChatMessage)
                .where(ChatMessage.chat_id == str(chat_id), ChatMessage.role == "user")
            )
            or 0
        )


async def test_an_over_long_message_is_refused_politely(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)

    (answer,) = await bot.say(user, "fatura " * 400)  # 2.799 characters after trimming

    assert answer.text == (
        "Mesajınız çok uzun: en fazla 2.000 karakter yazabilirsiniz, sizinki 2.799 karakter. "
        "Lütfen kısaltıp yeniden gönderin."
    )
    assert await _stored_messages(sessions, user.id) == 0


@pytest.mark.parametrize(
    "send",
    [
        lambda driver, user: driver.send_sticker(user),
        lambda driver, user: driver.send_photo(user, caption="bu ne?"),
        lambda driver, user: driver.send_voice(user),
        lambda driver, user: driver.send_document(user),
    ],
    ids=["sticker", "photo", "voice", "document"],
)
async def test_media_is_answered_with_what_the_bot_can_do(
    bot: RunningBot, send: Callable[[StandinDriver, UserView], Injected]
) -> None:
    user = bot.driver.create_user("Ahmet")
    before = bot.last_message_id(user)

    send(bot.driver, user)
    await bot.settle()

    (answer,) = bot.bot_messages_after(user, before)
    assert (answer.text or "").startswith("Şimdilik yalnızca yazılı mesajları anlayabiliyorum")
    assert "/fatura" in (answer.text or "")


async def test_rate_limit_notice_once_then_silence(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver
) -> None:
    limited = with_telegram(bot_settings, rate_limit=RateLimitSettings(messages=2, per_seconds=60))
    user = driver.create_user("Hızlı")
    async with start_bot(limited) as bot:
        first = await bot.say(user, "/help")
        second = await bot.say(user, "/help")
        third = await bot.say(user, "/help")
        fourth = await bot.say(user, "/help")
        other = driver.create_user("Sakin")
        unaffected = await bot.say(other, "/help")

    assert len(first) == len(second) == 1
    (notice,) = third
    assert (notice.text or "").startswith("Çok sık mesaj gönderiyorsunuz. Lütfen ")
    assert fourth == []
    assert len(unaffected) == 1


async def test_a_redelivered_update_is_handled_once(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    before = bot.last_message_id(user)
    sent = bot.driver.send_text(user, "hangi paketim var")
    await bot.settle()

    bot.driver.redeliver(sent.update_id)
    await bot.settle()

    assert len(bot.bot_messages_after(user, before)) == 1
    assert await _stored_messages(sessions, user.id) == 1


async def test_update_ids_restarting_lower_after_the_window_are_all_answered(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Ids handled long ago, higher than the ones Telegram (or a restarted
    # stand-in) now sends: after a week without updates Telegram picks the
    # next id at random, and it may be lower.
    long_ago = datetime.now(UTC) - DUPLICATE_WINDOW - timedelta(hours=1)
    upcoming = bot.driver.pending_update_ids()
    async with sessions() as session, session.begin():
        await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.update_id < 10_000))
        session.add_all(
            ProcessedUpdate(update_id=update_id, processed_at=long_ago)
            for update_id in range(1, 10_000)
        )
    user = await bot.linked_customer(1001)
    assert upcoming == []
    before = bot.last_message_id(user)

    sent = [bot.driver.send_text(user, text) for text in ("/help", "hangi paketim var", "/help")]
    await bot.settle()
    assert all(item.update_id < 10_000 for item in sent)
    assert len(bot.bot_messages_after(user, before)) == 3

    # A real redelivery, inside the window, is still answered once.
    after_three = bot.last_message_id(user)
    bot.driver.redeliver(sent[1].update_id)
    await bot.settle()
    assert bot.bot_messages_after(user, after_three) == []


async def test_an_edited_message_is_not_a_new_question(bot: RunningBot) -> None:
    user = await bot.linked_customer(1001)
    (answer,) = await bot.say(user, "hangi paketim var")

    bot.driver.edit_text(user, answer.message_id - 1, "faturam ne kadar")
    await bot.settle()

    assert bot.bot_messages_after(user, answer.message_id) == []
