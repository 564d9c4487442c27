"""Turkish casing, matching keys, money and dates as customers read them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.logs import mask_phone_numbers
from core.turkish import fold, format_day, format_moment, format_money, tr_lower, tr_upper


def test_turkish_casing_keeps_dotted_and_dotless_i_apart() -> None:
    assert tr_lower("IĞDIR İZMİR") == "ığdır izmir"
    assert tr_upper("istanbul ılıca") == "İSTANBUL ILICA"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ogrenci dostu", "Öğrenci Dostu"),
        ("SÜPER KONUŞMA", "Süper  Konuşma"),
        ("MEGA INTERNET", "Mega İnternet"),
        ("mega ınternet", "Mega İnternet"),
    ],
)
def test_fold_matches_text_typed_without_diacritics_or_in_capitals(
    typed: str, canonical: str
) -> None:
    assert fold(typed) == fold(canonical)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234.56"), "1.234,56 TL"),
        (Decimal("69.5"), "69,50 TL"),
        (Decimal("0"), "0,00 TL"),
        (Decimal("1234567.005"), "1.234.567,01 TL"),
        (25, "25,00 TL"),
    ],
)
def test_money_is_written_the_turkish_way(amount: Decimal | int, text: str) -> None:
    assert format_money(amount) == text


def test_dates_use_turkish_month_names_and_istanbul_time() -> None:
    assert format_day(date(2026, 12, 15)) == "15 Aralık 2026"
    assert format_day(date(2026, 2, 1)) == "1 Şubat 2026"
    # 22:30 UTC on 31 August is already 1 September in Istanbul (UTC+3).
    late = datetime(2026, 8, 31, 22, 30, tzinfo=UTC)
    assert format_day(late) == "1 Eylül 2026"
    assert format_moment(late) == "1 Eylül 2026 01:30"


@pytest.mark.parametrize(
    "number",
    ["+905320001001", "05320001001", "+90 532 000 10 01", "905320001001", "0532-000-10-01"],
)
def test_phone_numbers_are_masked_in_logs(number: str) -> None:
    masked = mask_phone_numbers(f"linked {number} to customer 1001")
    assert masked == "linked +90*******01 to customer 1001"
