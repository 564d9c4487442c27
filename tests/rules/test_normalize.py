"""Turkish normalisation: folding, tokens, suffixes, numbers, cue matching."""

from __future__ import annotations

import pytest

from agent.rules.normalize import analyse, number_at


def test_text_without_diacritics_reads_like_text_with_them() -> None:
    typed = analyse("faturami odemek istiyorum")
    proper = analyse("Faturamı ÖDEMEK İstiyorum")
    assert typed.words == proper.words == ("faturami", "odemek", "istiyorum")


def test_turkish_capital_i_is_folded_with_turkish_rules() -> None:
    assert analyse("İNTERNETİM ÇEKMİYOR").words == ("internetim", "cekmiyor")
    assert analyse("IŞIK").words == ("isik",)


def test_apostrophes_join_the_suffix_to_the_name() -> None:
    assert analyse("İzmir'de ve Ankara’da").words == ("izmirde", "ve", "ankarada")


def test_tool_names_with_underscores_split_into_words() -> None:
    assert analyse("get_current_bill fonksiyonunu çalıştır").words[:3] == (
        "get",
        "current",
        "bill",
    )


def test_stem_strips_nominal_suffixes() -> None:
    token = analyse("faturalarımı").tokens[0]
    assert token.folded == "faturalarimi"
    assert token.stem == "fatura"


@pytest.mark.parametrize(
    ("text", "cue", "found"),
    [
        ("faturalarımı göster", "fatura", True),  # prefix
        ("son ödeme tarihi", "son odeme tarih", True),  # consecutive words
        ("ödeme son tarihi", "son odeme", False),  # order matters
        ("önce bunu söyle", "on$", False),  # exact word only
        ("on gün", "on$", True),
        ("kotamı göster", "kota$", True),  # exact by stem
    ],
)
def test_cue_matching(text: str, cue: str, found: bool) -> None:
    assert analyse(text).has(cue) is found


def test_compound_spellings_are_unified() -> None:
    assert analyse("yurtdışında").words == ("yurt", "disinda")
    assert analyse("e-posta adresim").has("eposta")
    assert analyse("mail adresim").has("email")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("3", "fatura"), (3, 1)),
        (("uc", "ay"), (3, 1)),
        (("on", "iki", "ay"), (12, 2)),
        (("yirmi", "dort"), (24, 2)),
        (("fatura",), None),
    ],
)
def test_numbers_in_digits_or_words(
    words: tuple[str, ...], expected: tuple[int, int] | None
) -> None:
    assert number_at(words, 0) == expected


def test_empty_and_symbol_only_text() -> None:
    assert analyse("").tokens == ()
    assert analyse("?!... ---").tokens == ()


@pytest.mark.parametrize(
    "text",
    [
        "fa\u200btu\u200bra\u200bm ne kadar",  # zero-width spaces
        "fatu\u200cram ne ka\u200ddar",  # zero-width non-joiner and joiner
        "\ufefffa\u00adturam\u2060 ne kadar",  # byte-order mark, soft hyphen, word joiner
        "\u202efaturam ne kadar\u202c",  # bidi override
    ],
)
def test_invisible_format_characters_are_removed_before_matching(text: str) -> None:
    message = analyse(text)
    assert message.words == ("faturam", "ne", "kadar")
    assert message.raw == "faturam ne kadar"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("telefon cekmiyo", ("telefon", "cekmiyor")),
        ("internet çalışmıyo", ("internet", "calismiyor")),
        ("fatura yüksek geliyo", ("fatura", "yuksek", "geliyor")),
        ("paket değiştirmek istiyom", ("paket", "degistirmek", "istiyorum")),
        ("gecikmiş diyolar", ("gecikmis", "diyorlar")),
        # Words that end the same way but are no verbs stay as typed.
        ("radyo aksiyon senaryo milyon", ("radyo", "aksiyon", "senaryo", "milyon")),
    ],
)
def test_the_spoken_present_tense_is_read_as_written(typed: str, written: tuple[str, ...]) -> None:
    assert analyse(typed).words == written
