"""Groups: the bot speaks only when addressed, and never shows account data there."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.standin import StandinServer
from db.models import Bill, ChatMessage, Payment, PendingConfirmation
from tests.bot.conftest import RunningBot
from tests.bot.forged import forged_press


async def test_group_chatter_is_ignored(bot: RunningBot) -> None:
    ahmet = await bot.linked_customer(1001)
    group = bot.driver.create_group("Aile", [ahmet])

    answers = await bot.say(ahmet, "faturam ne kadar acaba", chat=group)

    assert answers == []


async def test_mentioned_in_a_group_the_bot_leaks_no_account_data(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ahmet = await bot.linked_customer(1001)
    group = bot.driver.create_group("Aile", [ahmet])
    async with sessions() as session:
        bill_ids = set(await session.scalars(select(Bill.id).where(Bill.customer_id == 1001)))

    mention = f"@{bot.driver.bot_username}"
    question = bot.driver.send_text(ahmet, f"{mention} faturam ne kadar", chat=group)
    await bot.settle()
    fatura = await bot.say(ahmet, f"/fatura@{bot.driver.bot_username}", chat=group)
    durum = await bot.say(ahmet, "/durum", chat=group)

    (answer,) = bot.bot_messages_after(group, question.message_id or 0)[:1]
    assert answer.reply_to_message_id == question.message_id
    shown = [answer.text or "", *(m.text or "" for m in [*fatura, *durum])]
    for text in shown:
        assert not any(bill_id in text for bill_id in bill_ids)
        assert " TL" not in text
    # Ahmet is linked: he is sent to the private chat, not asked to link again.
    assert "grupta paylaşamam" in shown[0]
    assert "özelden yazın" in shown[0]
    assert "bağla" not in shown[0]
    assert "grupta paylaşamam" in shown[1]
    assert "grupta paylaşamam" in shown[2]
    (button,) = fatura[0].buttons
    assert button.url == f"https://t.me/{bot.driver.bot_username}"
    # The agent worked for nobody in the group.
    async with sessions() as session:
        customers = set(
            await session.scalars(
                select(ChatMessage.customer_id).where(ChatMessage.chat_id == str(group.id))
            )
        )
    assert customers == {None}


async def test_a_reply_to_the_bot_in_a_group_gets_a_general_answer(bot: RunningBot) -> None:
    ahmet = await bot.linked_customer(1001)
    group = bot.driver.create_group("Komşular", [ahmet])
    (intro,) = await bot.say(ahmet, "/start", chat=group)

    before = bot.last_message_id(group)
    bot.driver.reply_to(ahmet, intro.message_id, "Ege bölgesinde şebeke durumu nedir", chat=group)
    await bot.settle()

    answers = bot.bot_messages_after(group, before)
    assert [m.deleted for m in answers] == [False]  # the streaming preview is gone
    assert "Ege için şebeke durumu" in (answers[0].text or "")


async def test_a_contact_shared_among_group_members_is_not_for_the_bot(bot: RunningBot) -> None:
    ahmet = bot.driver.create_user("Ahmet")
    group = bot.driver.create_group("Aile", [ahmet])
    before = bot.last_message_id(group)

    bot.driver.share_contact(ahmet, "+905320001001", chat=group)
    await bot.settle()

    assert bot.bot_messages_after(group, before) == []


async def test_pay_and_confirm_presses_in_a_group_are_refused_and_post_nothing(
    bot: RunningBot, standin: StandinServer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A bill card or a confirmation card forwarded into a group is pressed there.

    Telegram's apps keep a forwarded message's buttons; the bot must act on
    them only in the presser's own private chat.
    """
    ahmet = await bot.linked_customer(1001)
    ayse = await bot.linked_customer(1002, name="Ayşe")
    async with sessions() as session:
        bill_id = await session.scalar(
            select(Bill.id).where(Bill.customer_id == 1001, Bill.paid_at.is_(None)).limit(1)
        )
    assert bill_id is not None
    (private_card,) = await bot.say(ahmet, "faturamı kredi kartıyla ödemek istiyorum")
    (approve,) = [button for button in private_card.buttons if button.text == "Onayla"]
    assert approve.callback_data is not None
    group = bot.driver.create_group("Aile", [ahmet, ayse])
    (intro,) = await bot.say(ahmet, "/start", chat=group)
    before = bot.last_message_id(group)

    presses = [
        forged_press(standin, ahmet, intro, f"pay:cc:{bill_id}"),
        forged_press(standin, ahmet, intro, approve.callback_data),
        forged_press(standin, ayse, intro, approve.callback_data),
    ]
    await bot.settle()

    for query_id in presses:
        answer = bot.driver.callback_answer(query_id)
        assert answer is not None
        assert answer.text == texts.PRESS_PRIVATE_ONLY
        assert answer.show_alert
    assert bot.bot_messages_after(group, before) == []
    assert bot.driver.message(group, intro.message_id).text == intro.text
    # Ahmet's own card is as it was, and nothing was paid or proposed.
    assert bot.driver.message(ahmet, private_card.message_id).text == private_card.text
    assert bot.driver.message(ahmet, private_card.message_id).buttons == private_card.buttons
    async with sessions() as session:
        assert await session.scalar(select(Bill.paid_at).where(Bill.id == bill_id)) is None
        assert (
            await session.scalar(
                select(func.count()).select_from(Payment).where(Payment.bill_id == bill_id)
            )
            == 0
        )
        assert list(await session.scalars(select(PendingConfirmation.status))) == ["pending"]


async def test_a_command_for_another_bot_gets_no_answer(bot: RunningBot) -> None:
    """``/fatura@OtherBot`` is that bot's business: no answer, not even "unknown command"."""
    ahmet = await bot.linked_customer(1001)
    group = bot.driver.create_group("Aile", [ahmet])

    in_group = await bot.say(ahmet, "/fatura@OtherBot", chat=group)
    unknown_in_group = await bot.say(ahmet, "/hava@OtherBot Ankara", chat=group)
    in_private = await bot.say(ahmet, "/fatura@OtherBot")
    ours = await bot.say(ahmet, f"/yardim@{bot.driver.bot_username}", chat=group)

    assert in_group == []
    assert unknown_in_group == []
    assert in_private == []
    (unknown,) = ours  # a command for this bot that it lacks is still answered
    assert "Bu komutu tanımıyorum" in (unknown.text or "")


async def test_a_linked_customer_asking_in_a_group_is_sent_to_the_private_chat(
    bot: RunningBot,
) -> None:
    """Account questions in a group: "write to me privately", never "link your account"."""
    ahmet = await bot.linked_customer(1001)
    group = bot.driver.create_group("Aile", [ahmet])
    (intro,) = await bot.say(ahmet, "/start", chat=group)
    mention = f"@{bot.driver.bot_username}"

    answers = [
        *await bot.say(ahmet, f"{mention} faturamı ödemek istiyorum", chat=group),
        *await bot.say(ahmet, f"{mention} kalan internetim ne kadar", chat=group),
    ]
    before = bot.last_message_id(group)
    bot.driver.reply_to(ahmet, intro.message_id, "hattımı dondurmak istiyorum", chat=group)
    await bot.settle()
    answers += bot.bot_messages_after(group, before)

    assert len(answers) == 3
    for answer in answers:
        text = answer.text or ""
        assert "grupta paylaşamam" in text
        assert "özelden yazın" in text
        assert "/start" not in text
        assert "bağlamanız gerekiyor" not in text
        assert answer.buttons == ()  # no card, nothing to confirm in a group
    # General questions are still answered there.
    (general,) = await bot.say(ahmet, f"{mention} İzmir'de kesinti var mı", chat=group)
    assert "İzmir" in (general.text or "")
