"""What the driver injects, as python-telegram-bot receives it from the stand-in.

The stand-in stands in for Telegram's servers, and the driver for Telegram's
users: commands and mentions carry the entities Telegram sets, a contact
share says whose contact it is, replies and media arrive in Telegram's shape.
"""

from __future__ import annotations

from telegram import Bot, MessageEntity, Update

from bot.standin import StandinDriver, UserView


async def _only_update(bot: Bot) -> Update:
    updates = await bot.get_updates()
    await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates[-1]


async def test_a_command_in_a_private_chat(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe", username="ayse")
    driver.send_command(user, "fatura", "2026-11")
    message = (await _only_update(bot)).message
    assert message is not None
    assert message.text == "/fatura 2026-11"
    assert message.chat.type == "private"
    assert message.from_user is not None
    assert message.chat.id == message.from_user.id == user.id
    assert message.from_user.first_name == "Ayşe"
    assert message.parse_entities([MessageEntity.BOT_COMMAND]) == {message.entities[0]: "/fatura"}


async def test_a_command_in_a_group_names_the_bot(bot: Bot, driver: StandinDriver) -> None:
    ayse, mehmet = driver.create_user("Ayşe"), driver.create_user("Mehmet")
    group = driver.create_group("Aile Hattı", [ayse, mehmet])
    driver.send_command(mehmet, "durum", chat=group)
    message = (await _only_update(bot)).message
    assert message is not None
    assert message.chat.id == group.id
    assert message.chat.type == "group"
    assert message.chat.title == "Aile Hattı"
    assert message.text == f"/durum@{driver.bot_username}"
    [command] = message.entities
    assert (command.type, command.offset, command.length) == ("bot_command", 0, len(message.text))


async def test_mentions_and_links_get_entities(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    driver.send_text(user, "🙂 @TelekomAsistanBot bak: https://ornek.com.tr/fatura.")
    message = (await _only_update(bot)).message
    assert message is not None
    found = message.parse_entities()
    assert sorted((e.type, text) for e, text in found.items()) == [
        ("mention", "@TelekomAsistanBot"),
        ("url", "https://ornek.com.tr/fatura"),
    ]


async def test_sharing_ones_own_contact(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    driver.share_contact(user, "+905320001001")
    message = (await _only_update(bot)).message
    assert message is not None
    assert message.contact is not None
    assert message.contact.phone_number == "+905320001001"
    assert message.from_user is not None
    assert message.contact.user_id == message.from_user.id


async def test_sharing_someone_elses_contact(bot: Bot, driver: StandinDriver) -> None:
    user, other = driver.create_user("Ayşe"), driver.create_user("Mehmet")
    driver.share_contact(user, "+905320001002", contact_user_id=other.id, first_name="Mehmet")
    driver.share_contact(user, "+905320001003", contact_user_id=None, first_name="Ahmet")
    updates = await bot.get_updates()
    contacts = [u.message.contact for u in updates if u.message and u.message.contact]
    assert [(c.user_id, c.first_name) for c in contacts] == [(other.id, "Mehmet"), (None, "Ahmet")]
    senders = [u.message.from_user for u in updates if u.message]
    assert all(sender is not None and sender.id == user.id for sender in senders)


async def test_a_reply_to_the_bots_message(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    question = await bot.send_message(customer.id, "Hangi ay?")
    driver.reply_to(customer, question.message_id, "Kasım")
    message = (await _only_update(bot)).message
    assert message is not None
    assert message.reply_to_message is not None
    assert message.reply_to_message.message_id == question.message_id
    assert message.reply_to_message.from_user is not None
    assert message.reply_to_message.from_user.is_bot
    assert message.reply_to_message.text == "Hangi ay?"


async def test_media_messages_arrive_and_files_download(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    driver.send_photo(user, caption="Modem ışıkları")
    driver.send_sticker(user, emoji="😡")
    driver.send_voice(user, duration=7)
    driver.send_document(user, file_name="dekont.pdf", content=b"%PDF-1.4 dekont")
    photo, sticker, voice, document = [u.message for u in await bot.get_updates() if u.message]
    assert photo.caption == "Modem ışıkları"
    assert (photo.photo[-1].width, photo.photo[-1].height) == (1, 1)
    assert sticker.sticker is not None
    assert sticker.sticker.emoji == "😡"
    assert voice.voice is not None
    assert voice.voice.to_dict()["duration"] == 7
    assert document.document is not None
    assert document.document.file_name == "dekont.pdf"
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 dekont"


async def test_a_user_edit_arrives_as_edited_message(bot: Bot, driver: StandinDriver) -> None:
    user = driver.create_user("Ayşe")
    sent = driver.send_text(user, "Faturam 100 TL mi?")
    assert sent.message_id is not None
    driver.edit_text(user, sent.message_id, "Faturam 200 TL mi?")
    updates = await bot.get_updates()
    edited = updates[-1].edited_message
    assert edited is not None
    assert edited.message_id == sent.message_id
    assert edited.text == "Faturam 200 TL mi?"
    assert edited.edit_date is not None
