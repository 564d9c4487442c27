"""Telegram's HTML subset, checked through python-telegram-bot against the stand-in.

The stand-in stands in for Telegram's servers: valid HTML becomes the entities
Telegram would report; invalid HTML is refused with 400 "can't parse
entities" and Telegram's reason.
"""

from __future__ import annotations

import pytest
from telegram import Bot, MessageEntity
from telegram.error import BadRequest

from bot.standin import StandinDriver, UserView
from bot.standin.html_markup import MarkupError, parse_html


def _shape(entities: tuple[MessageEntity, ...]) -> list[tuple[object, ...]]:
    return [(e.type, e.offset, e.length, e.url, e.language) for e in entities]


async def test_nested_tags_become_entities(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(
        customer.id, "<b>Kalan <i>kota</i></b>: <u>5 GB</u>", parse_mode="HTML"
    )
    assert sent.text == "Kalan kota: 5 GB"
    assert _shape(sent.entities) == [
        ("bold", 0, 10, None, None),
        ("italic", 6, 4, None, None),
        ("underline", 12, 4, None, None),
    ]


async def test_every_supported_tag_is_accepted(bot: Bot, customer: UserView) -> None:
    html = (
        "<strong>a</strong><em>b</em><ins>c</ins><s>d</s><strike>e</strike><del>f</del>"
        '<span class="tg-spoiler">g</span><tg-spoiler>h</tg-spoiler>'
        '<a href="https://example.com/fatura?no=1&amp;x=2">i</a><code>j</code>'
        '<pre><code class="language-python">k</code></pre><pre>l</pre>'
        "<blockquote>m</blockquote><blockquote expandable>n</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    sent = await bot.send_message(customer.id, html, parse_mode="HTML")
    assert sent.text == "abcdefghijklmn👍"
    assert [e.type for e in sent.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    link = sent.entities[8]
    assert link.url == "https://example.com/fatura?no=1&x=2"
    assert sent.entities[10].language == "python"
    assert sent.entities[11].language is None


async def test_references_are_decoded(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(
        customer.id,
        "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;tamam&quot; &#286;&#x131;",
        parse_mode="HTML",
    )
    assert sent.text == '1 < 2 && 3 > 2 "tamam" Ğı'


async def test_offsets_count_utf16_units_after_an_emoji(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "📶 <b>Şebeke</b>", parse_mode="HTML")
    assert _shape(sent.entities) == [("bold", 3, 6, None, None)]
    assert sent.parse_entity(sent.entities[0]) == "Şebeke"


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<foo>kota</foo>", 'unsupported start tag "foo" at byte offset 0'),
        ("<b>kalın", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("metin</b>", "unexpected end tag at byte offset 5"),
        ("a < b", 'unsupported start tag "" at byte offset 2'),
        ("fiyat <", "unclosed start tag at byte offset 6"),
        ("Tom &foo; Jerry", 'unsupported html entity "&foo;" at byte offset 4'),
        ("AT&T", 'character "&" at byte offset 2 must be escaped as "&amp;"'),
        ('<span class="x">s</span>', 'tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="https://x.com>link</a>', "unclosed start tag at byte offset 0"),
        ("<b>x</b", "unclosed end tag at byte offset 4"),
        ("şğ<xx>", 'unsupported start tag "xx" at byte offset 4'),
    ],
)
async def test_invalid_html_is_refused_with_telegrams_reason(
    bot: Bot, driver: StandinDriver, customer: UserView, html: str, reason: str
) -> None:
    with pytest.raises(BadRequest) as refused:
        await bot.send_message(customer.id, html, parse_mode="HTML")
    assert refused.value.message.lower() == f"can't parse entities: {reason}".lower()
    assert driver.bot_messages(customer) == []


async def test_the_same_text_without_parse_mode_is_plain_text(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "<foo> & <b>")
    assert sent.text == "<foo> & <b>"
    assert sent.entities == ()


def test_parser_reports_byte_offsets_in_utf8() -> None:
    # "ş" is two bytes in UTF-8, so the tag starts at byte 2, not character 1.
    with pytest.raises(MarkupError, match=r"byte offset 2$"):
        parse_html("ş<q>")


def test_empty_elements_leave_no_entity() -> None:
    parsed = parse_html("<b></b>x<i></i>")
    assert parsed.text == "x"
    assert parsed.entities == ()
