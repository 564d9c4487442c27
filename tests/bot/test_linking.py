"""Linking a Telegram account: only the sender's own contact, only a number on file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import TelegramLink
from db.seed import primary_number
from tests.bot.conftest import RunningBot


async def _link_of(sessions: async_sessionmaker[AsyncSession], user_id: int) -> int | None:
    async with sessions() as session:
        return await session.scalar(
            select(TelegramLink.customer_id).where(TelegramLink.telegram_user_id == user_id)
        )


async def test_start_offers_the_contact_button(bot: RunningBot) -> None:
    user = bot.driver.create_user("Ahmet")
    (welcome,) = await bot.say(user, "/start")

    assert "Telekom Asistan" in (welcome.text or "")
    keyboard = bot.driver.reply_keyboard(user)
    assert keyboard is not None
    (button,) = keyboard["keyboard"][0]
    assert button == {"text": "Telefon numaramı paylaş", "request_contact": True}


async def test_own_contact_with_a_number_on_file_links_the_account(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = bot.driver.create_user("Ahmet")
    await bot.say(user, "/start")

    # Written the way a phone book might hold it: trunk zero and spaces.
    answer = await bot.share_contact(user, "0532 000 10 01")

    assert answer.startswith("Teşekkürler, Ahmet Yılmaz.")
    assert await _link_of(sessions, user.id) == 1001
    assert bot.driver.reply_keyboard(user) is None  # the contact button is gone


async def test_someone_elses_contact_is_refused(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = bot.driver.create_user("Mallory")
    other = bot.driver.create_user("Ahmet")
    await bot.say(user, "/start")

    answer = await bot.share_contact(user, primary_number(1001), contact_user_id=other.id)

    assert "yalnızca kendi telefon numaranızı" in answer
    assert await _link_of(sessions, user.id) is None


async def test_a_contact_without_telegram_account_is_refused(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = bot.driver.create_user("Mallory")
    await bot.say(user, "/start")

    answer = await bot.share_contact(user, primary_number(1001), contact_user_id=None)

    assert "yalnızca kendi telefon numaranızı" in answer
    assert await _link_of(sessions, user.id) is None


async def test_unknown_number_is_refused(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = bot.driver.create_user("Zeynep")
    await bot.say(user, "/start")

    answer = await bot.share_contact(user, "+90 555 999 99 99")

    assert "hattımız bulunamadı" in answer
    assert await _link_of(sessions, user.id) is None


async def test_unlinked_user_gets_general_answers_but_no_account_data(bot: RunningBot) -> None:
    user = bot.driver.create_user("Zeynep")

    (general,) = await bot.say(user, "Ege bölgesinde şebeke durumu nedir")
    (account,) = await bot.say(user, "faturam ne kadar")
    (command,) = await bot.say(user, "/fatura")

    assert "Ege" in (general.text or "")
    assert "hesabınızı bağlamanız gerekiyor" in (account.text or "")
    assert "TL" not in (account.text or "")
    assert "hesabınızı bağlamanız gerekiyor" in (command.text or "")


async def test_linked_user_is_welcomed_by_name(bot: RunningBot) -> None:
    user = await bot.linked_customer(1002, name="Ayşe")

    (welcome,) = await bot.say(user, "/start")

    assert (welcome.text or "").startswith("Tekrar hoş geldiniz, Ayşe Kaya.")


async def test_a_foreign_number_never_links_to_a_turkish_line(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Issue 17: a Cuban account (+53 2000 1002) was linked to customer 1002."""
    cuban = bot.driver.create_user("Mallory")
    await bot.say(cuban, "/start")

    answer = await bot.share_contact(cuban, "+53 2000 1002")

    assert "hattımız bulunamadı" in answer
    assert await _link_of(sessions, cuban.id) is None


async def test_a_contact_number_is_read_in_international_form(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Telegram omits the '+': "5320001006" is +53 20001006, not customer 1006's line."""
    mallory = bot.driver.create_user("Mallory")
    await bot.say(mallory, "/start")
    refused = await bot.share_contact(mallory, "5320001006")

    ahmet = bot.driver.create_user("Ahmet")
    await bot.say(ahmet, "/start")
    linked = await bot.share_contact(ahmet, "905320001006")

    assert "hattımız bulunamadı" in refused
    assert await _link_of(sessions, mallory.id) is None
    assert linked.startswith("Teşekkürler,")
    assert await _link_of(sessions, ahmet.id) == 1006


async def test_a_forwarded_contact_is_refused(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A contact inside a forwarded message proves nothing about who shares it."""
    user = bot.driver.create_user("Ahmet")
    other = bot.driver.create_user("Ayşe")
    await bot.say(user, "/start")

    answer = await bot.share_contact(user, primary_number(1001), forwarded_from=other)

    assert "iletilen kişi kartlarını kabul edemiyorum" in answer
    assert await _link_of(sessions, user.id) is None
    assert bot.driver.reply_keyboard(user) is not None  # the contact button stays offered
