"""What the customer types is read as meant: invisible characters, values typed on request.

Through the real bot and the Telegram stand-in (``tests/bot/conftest.py``).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ChatMessage, Customer
from tests.bot.conftest import RunningBot

ZWSP, ZWNJ, WORD_JOINER, SOFT_HYPHEN = "\u200b", "\u200c", "\u2060", "\u00ad"


@pytest.mark.parametrize(
    "text",
    [
        f"fa{ZWSP}tu{ZWSP}ra{ZWSP}m ne kadar",
        f"fatu{ZWNJ}ram ne ka{WORD_JOINER}dar",
        f"\ufefffa{SOFT_HYPHEN}turam ne kadar",
    ],
)
async def test_invisible_characters_inside_words_do_not_hide_a_bill_question(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession], text: str
) -> None:
    ahmet = await bot.linked_customer(1001)
    (plain,) = await bot.say(ahmet, "faturam ne kadar")

    (answer,) = await bot.say(ahmet, text)

    assert answer.text == plain.text
    assert " TL" in (answer.text or "")
    async with sessions() as session:
        stored = list(
            await session.scalars(
                select(ChatMessage.content).where(
                    ChatMessage.chat_id == str(ahmet.id), ChatMessage.role == "user"
                )
            )
        )
    assert stored[-1] == "faturam ne kadar"  # stored as meant, without the invisible characters


async def test_a_command_with_invisible_characters_is_still_the_command(bot: RunningBot) -> None:
    ahmet = await bot.linked_customer(1001)
    (plain,) = await bot.say(ahmet, "/fatura")

    (answer,) = await bot.say(ahmet, f"/fa{ZWSP}tura")

    assert answer.text == plain.text
    assert "Güncel faturanız" in (answer.text or "")


@pytest.mark.parametrize(
    "address",
    [
        "Paket Sokak No 5 Kadıköy İstanbul",
        "Fatura Öde Sokak No 5 Üsküdar İstanbul",
        "İnternet Sokak No 7 Daire 2 Kadıköy İstanbul",
        "Roaming Caddesi 3/1 Şişli İstanbul",
        "Hattı Kapat Sokak 12 Çankaya Ankara",
    ],
)
async def test_an_address_typed_on_request_is_the_new_address(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession], address: str
) -> None:
    """After "Yeni adresinizi yazar mısınız?" the answer is the address, whatever words it holds."""
    ahmet = await bot.linked_customer(1001)
    (question,) = await bot.say(ahmet, "adresimi değiştirmek istiyorum")
    assert "Yeni adresinizi" in (question.text or "")

    (card,) = await bot.say(ahmet, address)

    assert f"Adresiniz hemen “{address}” olarak güncellenecek" in (card.text or "")
    assert [button.text for button in card.buttons] == ["Onayla", "Vazgeç"]
    await bot.press(ahmet, card, "Onayla")
    async with sessions() as session:
        assert await session.scalar(select(Customer.address).where(Customer.id == 1001)) == address


async def test_a_new_request_instead_of_the_address_is_still_answered(bot: RunningBot) -> None:
    """A plain request (no street, number or place) is not taken for an address."""
    ahmet = await bot.linked_customer(1001)
    await bot.say(ahmet, "adresimi değiştirmek istiyorum")

    (answer,) = await bot.say(ahmet, "vazgeçtim, faturam ne kadar")

    assert " TL" in (answer.text or "")
    assert answer.buttons == () or "Onayla" not in [b.text for b in answer.buttons]
