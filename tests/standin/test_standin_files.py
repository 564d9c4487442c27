"""sendDocument and sendPhoto, through python-telegram-bot against the stand-in.

The stand-in stands in for Telegram's servers: uploads arrive as multipart,
are stored and can be downloaded again; a photo must be an image and a
caption at most 1024 characters.
"""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.standin import StandinDriver, UserView
from bot.standin.driver import TINY_PNG


async def test_a_document_is_stored_and_downloadable(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    content = "Fatura dönemi: Kasım 2026\nTutar: 1.234,56 TL\n".encode()
    sent = await bot.send_document(
        customer.id,
        content,
        filename="fatura.txt",
        caption="<b>Kasım</b> faturanız",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert sent.document.file_name == "fatura.txt"
    assert sent.caption == "Kasım faturanız"
    assert sent.caption_entities[0].type == "bold"
    shown = driver.bot_messages(customer)[-1]
    assert shown.kind == "document"
    assert shown.caption == "Kasım faturanız"
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content


async def test_a_document_can_be_sent_again_by_file_id(bot: Bot, customer: UserView) -> None:
    first = await bot.send_document(customer.id, b"dekont", filename="dekont.pdf")
    assert first.document is not None
    again = await bot.send_document(customer.id, first.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == first.document.file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(customer.id, "no-such-file-id")


async def test_a_photo_must_be_an_image(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    sent = await bot.send_photo(customer.id, TINY_PNG, caption="Kapsama haritası")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (1, 1)
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(customer.id, b"this is not an image")
    assert [m.kind for m in driver.bot_messages(customer)] == ["photo"]


async def test_captions_are_limited_to_1024_characters(bot: Bot, customer: UserView) -> None:
    await bot.send_document(customer.id, b"x", filename="a.txt", caption="ç" * 1024)
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_document(customer.id, b"x", filename="a.txt", caption="ç" * 1025)


async def test_an_empty_upload_is_refused(bot: Bot, customer: UserView) -> None:
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(customer.id, b"", filename="bos.txt")
