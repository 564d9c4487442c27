"""Rendering, phone numbers, callback data and quantities: the small rules users notice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.application import bot_api_urls
from bot.keyboards import (
    CALLBACK_DATA_MAX_BYTES,
    confirmation_keyboard,
    parse_confirmation_press,
    parse_pay_press,
    pay_keyboard,
)
from bot.phone_numbers import display_phone_number, normalize_phone_number
from bot.rendering import escape, html_to_plain, split_message, visible_length
from bot.views.quantities import format_duration, format_number, format_share, share_bar


@pytest.mark.parametrize(
    "raw",
    [
        "+905320001001",
        "905320001001",
        "05320001001",
        "+90 532 000 10 01",
        "0 (532) 000-10-01",
        "00905320001001",
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str) -> None:
    assert normalize_phone_number(raw) == "+905320001001"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "+4915112345678",
        "0532000100",
        "abc5320001001",
        # Telegram writes contacts in international form: these are Cuban (+53).
        "5320001001",
        "+53 2000 1002",
        "5320001006",
        # Turkish, but not a valid number (no such area code).
        "+90 000 000 10 01",
    ],
)
def test_non_turkish_or_malformed_numbers_are_rejected(raw: str) -> None:
    assert normalize_phone_number(raw) is None


def test_phone_numbers_are_displayed_in_groups() -> None:
    assert display_phone_number("+905320001001") == "+90 532 000 10 01"


def test_escape_keeps_text_as_typed() -> None:
    typed = "Fatura <F-2026-1> & ödeme > 100 TL"
    assert html_to_plain(escape(typed)) == typed
    assert "<" not in escape(typed)


def test_short_message_is_one_part() -> None:
    assert split_message("<b>Merhaba</b>\n\nNasılsınız?") == ["<b>Merhaba</b>\n\nNasılsınız?"]


def test_parts_are_cut_between_paragraphs_under_the_limit() -> None:
    paragraphs = [f"<b>{n}.</b> " + "ı" * 50 for n in range(10)]
    parts = split_message("\n\n".join(paragraphs), limit=130)

    assert all(visible_length(part) <= 130 for part in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)
    assert len(parts) == 5  # two paragraphs (2 x 54 + 2 = 110) fit, a third does not


def test_a_paragraph_longer_than_the_limit_is_cut_at_words_as_plain_text() -> None:
    paragraph = "<b>" + " ".join(["kelime"] * 50) + "</b>"

    parts = split_message(paragraph, limit=60)

    assert all(visible_length(part) <= 60 for part in parts)
    assert all(not part.startswith(" ") and "<b>" not in part for part in parts)
    assert " ".join(parts) == " ".join(["kelime"] * 50)


@given(st.text(alphabet=st.sampled_from("aıİğ<>& \n😀"), max_size=400))
def test_splitting_never_loses_visible_text(text: str) -> None:
    html_text = escape(text)
    parts = split_message(html_text, limit=50)

    assert all(visible_length(part) <= 50 for part in parts)
    shown = "".join(html_to_plain(part) for part in parts)
    assert "".join(shown.split()) == "".join(text.split())


def test_confirmation_callback_data_round_trips_within_64_bytes() -> None:
    confirmation_id = "x" * 32  # the longest id the agent issues
    keyboard = confirmation_keyboard(confirmation_id)
    approve, decline = keyboard.inline_keyboard[0]

    assert approve.text == "Onayla"
    assert decline.text == "Vazgeç"
    for button in (approve, decline):
        assert len(str(button.callback_data).encode()) <= CALLBACK_DATA_MAX_BYTES
    press = parse_confirmation_press(str(approve.callback_data))
    assert press is not None
    assert press.approve
    assert press.confirmation_id == confirmation_id
    refusal = parse_confirmation_press(str(decline.callback_data))
    assert refusal is not None
    assert not refusal.approve


def test_pay_callback_data_round_trips() -> None:
    card, transfer = pay_keyboard("F-2026-004217").inline_keyboard[0]

    assert parse_pay_press(str(card.callback_data)) == parse_pay_press("pay:cc:F-2026-004217")
    press = parse_pay_press(str(transfer.callback_data))
    assert press is not None
    assert (press.bill_id, press.method) == ("F-2026-004217", "bank_transfer")


@pytest.mark.parametrize("data", ["", "c:", "c:maybe:abc", "c:ok:", "pay:xx:F-1", "pay:cc:", "zzz"])
def test_unknown_callback_data_is_not_a_press(data: str) -> None:
    assert parse_confirmation_press(data) is None
    assert parse_pay_press(data) is None


def test_quantities_are_written_the_turkish_way() -> None:
    assert format_number(31.5) == "31,5"
    assert format_number(1000) == "1.000"
    assert format_share(52.4) == "%52"
    assert share_bar(52) == "▓▓▓▓▓░░░░░"
    assert share_bar(0) == "░" * 10
    assert share_bar(130) == "▓" * 10
    assert format_duration(93_784) == "1 gün 2 saat 3 dakika"
    assert format_duration(42) == "42 saniye"


@pytest.mark.parametrize(
    "configured", ["http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"]
)
def test_bot_api_server_urls_are_completed(configured: str) -> None:
    assert bot_api_urls(configured) == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
