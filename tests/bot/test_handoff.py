"""Human handoff through the stand-in: a customer reaches a person in the support group.

The support team works in a supergroup with topics; the bot opens one topic
per customer with a summary, relays both ways, and hands the chat back to
the assistant on ``/bitir`` or after the idle time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.training_export.command import build_dialogues
from bot import handoff_texts
from bot.standin import ChatView, MessageView, StandinDriver, UserView
from core.settings import Settings
from core.turkish import format_day
from db.models import ChatMessage
from db.retries import run_sync_in_transaction
from tests.bot.conftest import BotStarter, RunningBot, with_telegram


@dataclass
class SupportDesk:
    """The running bot, its support group and one support agent in it."""

    bot: RunningBot
    group: ChatView
    agent: UserView

    @property
    def driver(self) -> StandinDriver:
        return self.bot.driver

    def topic_of(self, customer_id: int) -> int:
        """The thread id of the customer's topic (named after their number)."""
        (topic,) = [
            t for t in self.driver.topics(self.group) if t.name.startswith(f"Müşteri {customer_id}")
        ]
        return topic.message_thread_id

    def topic_texts(self, thread_id: int) -> list[str]:
        """The texts the bot posted into a topic, in order."""
        return [
            m.text or ""
            for m in self.driver.topic_messages(self.group, thread_id)
            if m.from_bot and m.text
        ]

    async def agent_says(self, thread_id: int, text: str, *, agent: UserView | None = None) -> None:
        self.driver.send_text(agent or self.agent, text, chat=self.group, thread_id=thread_id)
        await self.bot.settle()


@pytest.fixture
async def desk(
    bot_settings: Settings, start_bot: BotStarter, driver: StandinDriver
) -> AsyncIterator[SupportDesk]:
    agent = driver.create_user("Zeynep")
    group = driver.create_forum("Telekom Destek", [agent])
    settings = with_telegram(bot_settings, support_chat_id=group.id)
    async with start_bot(settings) as running:
        yield SupportDesk(running, group, agent)


def _texts(messages: list[MessageView]) -> list[str]:
    return [m.text or "" for m in messages]


async def test_a_customer_reaches_a_person_and_comes_back_to_the_assistant(
    desk: SupportDesk,
) -> None:
    bot = desk.bot
    ahmet = await bot.linked_customer(1001)
    await bot.say(ahmet, "faturam ne kadar")

    answers = await bot.say(ahmet, "bir insanla görüşmek istiyorum")

    assert "müşteri temsilcisine aktardım" in _texts(answers)[0]
    thread = desk.topic_of(1001)
    (summary,) = desk.topic_texts(thread)
    assert "1001" in summary
    assert "Ahmet Yılmaz" in summary
    assert "Gümüş" in summary  # the tier
    assert "+905320001001 (primary, aktif)" in summary
    assert "Mega İnternet" in summary
    assert "faturam ne kadar" in summary  # the last turns
    assert "get_current_bill" in summary  # the tool called, and its result
    assert "/bitir" in summary

    # The agent answers: the customer reads it as from a person.
    await desk.agent_says(thread, "Merhaba Ahmet Bey, ben Zeynep. Nasıl yardımcı olabilirim?")
    joined, relayed = bot.bot_messages_after(ahmet, answers[-1].message_id)
    assert joined.text == "✅ Bir müşteri temsilcisi görüşmeye katıldı."
    assert relayed.text == (
        "👤 Müşteri temsilcisi:\nMerhaba Ahmet Bey, ben Zeynep. Nasıl yardımcı olabilirim?"
    )

    # The customer's reply goes to the topic; the assistant stays silent.
    silent = await bot.say(ahmet, "faturamda yurt dışı ücreti var, ben yurt dışına çıkmadım")
    assert silent == []
    assert desk.topic_texts(thread)[-1] == (
        "💬 Müşteri:\nfaturamda yurt dışı ücreti var, ben yurt dışına çıkmadım"
    )

    # /bitir hands the chat back, and the assistant answers again.
    before = bot.last_message_id(ahmet)
    await desk.agent_says(thread, "/bitir")
    (closed,) = bot.bot_messages_after(ahmet, before)
    assert "görüşmeyi sonlandırdı" in (closed.text or "")
    assert "Görüşme temsilci tarafından kapatıldı" in desk.topic_texts(thread)[-1]
    assert desk.driver.topics(desk.group)[0].closed
    (answer,) = await bot.say(ahmet, "kalan internetim ne kadar")
    assert "GB" in (answer.text or "")


async def test_temsilci_command_and_a_second_customer_get_their_own_topics(
    desk: SupportDesk,
) -> None:
    bot = desk.bot
    ahmet = await bot.linked_customer(1001)
    ayse = await bot.linked_customer(1002, name="Ayşe")

    await bot.say(ahmet, "/temsilci")
    await bot.say(ayse, "müşteri temsilcisi lütfen")

    ahmet_topic, ayse_topic = desk.topic_of(1001), desk.topic_of(1002)
    assert ahmet_topic != ayse_topic
    await desk.agent_says(ayse_topic, "Ayşe Hanım merhaba")
    await desk.agent_says(ahmet_topic, "Ahmet Bey merhaba")
    assert _texts(bot.driver.bot_messages(ayse))[-1].endswith("Ayşe Hanım merhaba")
    assert _texts(bot.driver.bot_messages(ahmet))[-1].endswith("Ahmet Bey merhaba")
    # Each customer's account is only in their own topic.
    assert all("1002" not in text for text in desk.topic_texts(ahmet_topic))
    assert all("+905320001001" not in text for text in desk.topic_texts(ayse_topic))

    # Asking again while connected says so; no second topic opens.
    (again,) = await bot.say(ahmet, "/temsilci")
    assert again.text == handoff_texts.ALREADY_CONNECTED
    assert len(desk.driver.topics(desk.group)) == 2


async def test_admin_counts_the_handoffs_of_the_day(
    bot_settings: Settings, start_bot: BotStarter, driver: StandinDriver
) -> None:
    admin = driver.create_user("Yönetici")
    agent = driver.create_user("Zeynep")
    group = driver.create_forum("Telekom Destek", [agent])
    settings = with_telegram(bot_settings, support_chat_id=group.id, admin_ids=[admin.id])
    async with start_bot(settings) as bot:
        ahmet = await bot.linked_customer(1001)
        ayse = await bot.linked_customer(1002, name="Ayşe")
        await bot.say(ahmet, "/temsilci")
        await bot.say(ayse, "bir insanla görüşmek istiyorum")
        (card,) = await bot.say(admin, "/admin")

    text = card.text or ""
    today = format_day(datetime.now(UTC))
    assert f"{today}: değerlendirme yok, temsilciye aktarım: 2" in text
    yesterday = format_day(datetime.now(UTC) - timedelta(days=1))
    assert f"{yesterday}: değerlendirme yok, temsilciye aktarım: 0" in text


async def test_a_returning_customer_gets_their_topic_reopened(desk: SupportDesk) -> None:
    bot = desk.bot
    ahmet = await bot.linked_customer(1001)
    await bot.say(ahmet, "/temsilci")
    thread = desk.topic_of(1001)
    await desk.agent_says(thread, "/bitir")

    await bot.say(ahmet, "canlı destek")

    (topic,) = desk.driver.topics(desk.group)
    assert topic.message_thread_id == thread
    assert not topic.closed
    assert sum("Temsilci talebi" in text for text in desk.topic_texts(thread)) == 2


async def test_a_non_member_writing_in_the_topic_relays_nothing(desk: SupportDesk) -> None:
    bot = desk.bot
    ahmet = await bot.linked_customer(1001)
    await bot.say(ahmet, "/temsilci")
    thread = desk.topic_of(1001)
    before = bot.last_message_id(ahmet)
    former = bot.driver.create_user("Eski")
    bot.driver.add_member(desk.group, former)

    # Removed from the group before the bot reads the message it wrote.
    bot.driver.send_text(
        former, "Kartınızın son 4 hanesi nedir?", chat=desk.group, thread_id=thread
    )
    bot.driver.remove_member(desk.group, former)
    await bot.settle()

    assert bot.bot_messages_after(ahmet, before) == []


async def test_without_a_support_group_the_customer_gets_the_call_centre(bot: RunningBot) -> None:
    ahmet = await bot.linked_customer(1001)

    (by_words,) = await bot.say(ahmet, "yetkiliyle konuşmak istiyorum")
    (by_command,) = await bot.say(ahmet, "/temsilci")

    for answer in (by_words, by_command):
        assert "444 0 532" in (answer.text or "")
        assert "çağrı merkezi" in (answer.text or "")


async def test_the_idle_time_hands_the_chat_back(
    bot_settings: Settings, start_bot: BotStarter, driver: StandinDriver
) -> None:
    agent = driver.create_user("Zeynep")
    group = driver.create_forum("Telekom Destek", [agent])
    settings = with_telegram(bot_settings, support_chat_id=group.id, handoff_idle_minutes=0.01)
    async with start_bot(settings) as bot:
        ahmet = await bot.linked_customer(1001)
        await bot.say(ahmet, "/temsilci")
        before = bot.last_message_id(ahmet)

        await driver.wait_for(
            lambda: any(
                "mesaj olmadığı için görüşme kapandı" in (m.text or "")
                for m in bot.bot_messages_after(ahmet, before)
            ),
            timeout=10,
        )
        (answer,) = await bot.say(ahmet, "kalan internetim ne kadar")
        assert "GB" in (answer.text or "")


async def test_topic_creation_failing_gets_a_turkish_answer(
    bot_settings: Settings, start_bot: BotStarter, driver: StandinDriver
) -> None:
    group = driver.create_forum("Telekom Destek", [], bot_can_manage_topics=False)
    settings = with_telegram(bot_settings, support_chat_id=group.id)
    async with start_bot(settings) as bot:
        ahmet = await bot.linked_customer(1001)

        (answer,) = await bot.say(ahmet, "/temsilci")
        assert "bağlayamadım" in (answer.text or "")
        assert "444 0 532" in (answer.text or "")
        # The assistant keeps answering.
        (reply,) = await bot.say(ahmet, "kalan internetim ne kadar")
        assert "GB" in (reply.text or "")


async def test_failing_twice_in_a_row_offers_a_person(
    bot_settings: Settings, start_bot: BotStarter, driver: StandinDriver
) -> None:
    agent = driver.create_user("Zeynep")
    group = driver.create_forum("Telekom Destek", [agent])
    unreachable = bot_settings.agent.model_copy(update={"url": "http://127.0.0.1:9"})
    settings = with_telegram(
        bot_settings.model_copy(update={"agent": unreachable}), support_chat_id=group.id
    )
    async with start_bot(settings) as bot:
        user = driver.create_user("Ahmet")
        first = await bot.say(user, "kalan internetim ne kadar")
        second = await bot.say(user, "kalan internetim ne kadar")
        third = await bot.say(user, "kalan internetim ne kadar")

        assert [b.text for m in first for b in m.buttons] == []
        offer = second[-1]
        assert "müşteri temsilcisine bağlayabilirim" in (offer.text or "")
        assert [b.text for b in offer.buttons] == ["Temsilciye bağlan"]
        assert len(third) == 1  # offered once per run of failures

        answer = await bot.press(user, offer, "Temsilciye bağlan")
        await bot.settle()

        assert answer == handoff_texts.OFFER_PRESSED
        (topic,) = driver.topics(group)
        assert topic.name == "Hesabı bağlı değil · Ahmet"
        summary = driver.topic_messages(group, topic.message_thread_id)[1].text or ""
        assert "asistanın önerisiyle" in summary
        assert "müşteriye bağlı değil" in summary
        assert "müşteri temsilcisine aktardım" in (driver.bot_messages(user)[-1].text or "")


async def test_an_agents_reply_is_exported_as_a_persons_turn_not_read_by_the_model(
    desk: SupportDesk, bot_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bot = desk.bot
    ahmet = await bot.linked_customer(1001)
    await bot.say(ahmet, "faturam ne kadar")
    await bot.say(ahmet, "/temsilci")
    thread = desk.topic_of(1001)
    await bot.say(ahmet, "faturamdaki yurt dışı ücreti yanlış")
    await desk.agent_says(thread, "Ücreti iade ettim, 0532 000 10 01 numarasından arayacağız.")
    await desk.agent_says(thread, "/bitir")

    since = datetime.now(UTC) - timedelta(hours=1)
    (dialogue,) = await run_sync_in_transaction(
        sessions,
        lambda connection: build_dialogues(connection, since, "all", bot_settings),
        what="export",
    )

    assert dialogue["duzeltildi"] is True
    asked, corrected = dialogue["donguler"][-2:]
    assert (asked["rol"], asked["icerik"]) == ("kullanici", "faturamdaki yurt dışı ücreti yanlış")
    assert corrected["rol"] == "asistan"
    assert corrected["insan"] is True
    assert corrected["icerik"].startswith("Ücreti iade ettim, [TELEFON_")
    # Back with the assistant, the model's history holds no word the person wrote.
    async with sessions() as session:
        contents = (
            await session.scalars(
                select(ChatMessage.content).where(ChatMessage.chat_id == str(ahmet.id))
            )
        ).all()
    assert not any("iade ettim" in content for content in contents)
