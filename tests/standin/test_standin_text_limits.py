"""Message text limits, checked through python-telegram-bot against the stand-in.

The stand-in stands in for Telegram's servers: it must refuse what Telegram
refuses (empty text, more than 4096 characters after entity parsing) and
accept what Telegram accepts.
"""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.standin import StandinDriver, UserView


async def test_4096_characters_are_accepted(bot: Bot, customer: UserView) -> None:
    text = "ğ" * 4096
    sent = await bot.send_message(customer.id, text)
    assert sent.text == text


async def test_4097_characters_are_too_long(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(customer.id, "a" * 4097)
    assert driver.bot_messages(customer) == []


async def test_html_tags_do_not_count_toward_the_limit(bot: Bot, customer: UserView) -> None:
    body = "ş" * 4000
    html = f"<b>{body[:2000]}</b><i>{body[2000:]}</i>" + "&lt;" * 96
    sent = await bot.send_message(customer.id, html, parse_mode=ParseMode.HTML)
    assert sent.text is not None
    assert len(sent.text) == 4096
    assert sent.text.endswith("<" * 96)


async def test_html_text_over_the_limit_after_parsing_is_refused(
    bot: Bot, customer: UserView
) -> None:
    html = "<b>" + "ş" * 4097 + "</b>"
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(customer.id, html, parse_mode=ParseMode.HTML)


async def test_emoji_outside_the_bmp_count_twice(bot: Bot, customer: UserView) -> None:
    # Limits are counted in UTF-16 code units, like entity offsets.
    await bot.send_message(customer.id, "📶" * 2048)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(customer.id, "📶" * 2049)


@pytest.mark.parametrize("text", ["   ", "\n\t", "<b></b>", "<i>  </i>"])
async def test_text_empty_after_parsing_is_refused(bot: Bot, customer: UserView, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(customer.id, text, parse_mode=ParseMode.HTML)


async def test_surrounding_whitespace_is_trimmed_with_entities_kept_aligned(
    bot: Bot, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "  <b>Fatura</b> hazır \n", parse_mode="HTML")
    assert sent.text == "Fatura hazır"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6)]


async def test_markdown_is_refused_with_a_reason_naming_the_stand_in(
    bot: Bot, customer: UserView
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities.*stand-in"):
        await bot.send_message(customer.id, "*kalın*", parse_mode=ParseMode.MARKDOWN_V2)


async def test_an_unknown_parse_mode_is_refused(bot: Bot, customer: UserView) -> None:
    with pytest.raises(BadRequest, match=r"(?i)unsupported parse_mode"):
        await bot.send_message(customer.id, "metin", parse_mode="XML")
