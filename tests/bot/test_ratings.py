"""Answer ratings through the stand-in: buttons and reactions, stored with the turn, in /admin."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.standin import MessageView, StandinDriver
from core.settings import Settings
from db.models import AnswerRating, ChatMessage
from tests.bot.conftest import BotStarter, RunningBot, with_telegram


async def _ratings(sessions: async_sessionmaker[AsyncSession]) -> list[AnswerRating]:
    async with sessions() as session:
        return list((await session.scalars(select(AnswerRating))).all())


async def _answer(bot: RunningBot, user: object, text: str) -> MessageView:
    *_, answer = await bot.say(user, text)  # type: ignore[arg-type]
    return answer


async def test_an_answer_carries_rating_buttons_and_a_thumbs_down_offers_a_person(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    answer = await _answer(bot, user, "faturam ne kadar")
    assert [button.text for button in answer.buttons] == ["👍", "👎"]

    before = bot.last_message_id(user)
    toast = await bot.press(user, answer, "👎")

    assert toast is not None
    assert "teşekkürler" in toast.lower()
    shown = bot.driver.message(user, answer.message_id)
    assert [button.text for button in shown.buttons] == ["👍", "👎 ✓"]
    (offer,) = bot.bot_messages_after(user, before)
    assert "temsilci" in (offer.text or "").lower()
    (rating,) = await _ratings(sessions)
    assert (rating.rating, rating.source, rating.customer_id) == ("bad", "button", 1001)
    assert rating.tools == ["get_current_bill"]
    assert rating.topic == "get_current_bill"
    async with sessions() as session:
        stored = await session.get(ChatMessage, rating.answer_id)
        question = await session.get(ChatMessage, rating.question_id)
    assert stored is not None
    assert stored.role == "assistant"
    assert not stored.tool_calls
    assert question is not None
    assert (question.role, question.content) == (
        "user",
        "faturam ne kadar",
    )

    # The customer changes their mind: the last rating wins, no second offer.
    before = bot.last_message_id(user)
    await bot.press(user, shown, "👍")
    assert bot.bot_messages_after(user, before) == []
    (rating,) = await _ratings(sessions)
    assert rating.rating == "good"
    shown = bot.driver.message(user, answer.message_id)
    assert [button.text for button in shown.buttons] == ["👍 ✓", "👎"]


async def test_reactions_rate_change_and_withdraw(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1002, name="Ayşe")
    await _answer(bot, user, "faturam ne kadar")
    answer = await _answer(bot, user, "peki geçen ay?")

    bot.driver.react(user, answer.message_id, ["👍"])
    await bot.settle()
    (rating,) = await _ratings(sessions)
    assert (rating.rating, rating.source) == ("good", "reaction")
    # A follow-up without a tool of its own keeps the conversation's topic.
    assert rating.topic is not None
    assert [b.text for b in bot.driver.message(user, answer.message_id).buttons] == ["👍 ✓", "👎"]

    bot.driver.react(user, answer.message_id, ["👍", "😀"])  # not a rating: nothing changes
    await bot.settle()
    assert [r.rating for r in await _ratings(sessions)] == ["good"]

    before = bot.last_message_id(user)
    bot.driver.react(user, answer.message_id, ["👎"])
    await bot.settle()
    assert [r.rating for r in await _ratings(sessions)] == ["bad"]
    (offer,) = bot.bot_messages_after(user, before)
    assert "temsilci" in (offer.text or "").lower()

    bot.driver.react(user, answer.message_id, [])
    await bot.settle()
    assert await _ratings(sessions) == []


async def test_a_reaction_on_something_else_rates_nothing(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    (welcome,) = await bot.say(user, "/help")
    bot.driver.react(user, welcome.message_id, ["👎"])
    await bot.settle()

    assert await _ratings(sessions) == []
    assert bot.bot_messages_after(user, welcome.message_id) == []


async def test_admin_shows_the_share_of_good_answers_and_the_worst_tools(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver
) -> None:
    admin = driver.create_user("Yönetici")
    async with start_bot(with_telegram(bot_settings, admin_ids=[admin.id])) as bot:
        user = await bot.linked_customer(1001)
        bill = await _answer(bot, user, "faturam ne kadar")
        await bot.press(user, bill, "👎")
        package = await _answer(bot, user, "paketim ne")
        await bot.press(user, package, "👍")
        (card,) = await bot.say(admin, "/admin")

    text = card.text or ""
    assert text.startswith("Sistem durumu")
    assert "Yanıt değerlendirmeleri (son 7 gün)" in text
    assert "1/2 yanıt iyi (%50)" in text
    assert "En kötü değerlendirilen araçlar" in text
    assert "get_current_bill: 1/1 kötü (%0 iyi)" in text
    assert "En kötü değerlendirilen konular" in text
