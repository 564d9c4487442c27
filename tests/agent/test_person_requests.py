"""Which messages ask for a person: the matcher over folded Turkish (``agent.person_requests``)."""

from __future__ import annotations

import pytest

from agent.person_requests import asks_for_person


@pytest.mark.parametrize(
    "text",
    [
        "bir insanla görüşmek istiyorum",
        "müşteri temsilcisi",
        "MÜŞTERİ TEMSİLCİSİ",
        "canlı destek",
        "canli destege baglanabilir miyim",
        "yetkiliyle konuşmak istiyorum",
        "bir yetkiliye ulaşmak istiyorum",
        "beni operatöre bağlar mısın",
        "operatörle görüşmek istiyorum",
        "temsilciye bağlanmak istiyorum",
        "gerçek bir insanla konuşabilir miyim",
        "müşteri hizmetlerine bağlayın",
        "biriyle görüşmem lazım",
        "bir kişiyle görüşmek istiyorum",
        "uzmana bağlanmak istiyorum",
        "Temsilci!",
    ],
)
def test_requests_for_a_person(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "temsilci istemiyorum",
        "temsilciye gerek yok",
        "kimseyle konuşmak istemiyorum",
        "faturam ne kadar",
        "operatörümü değiştirmek istiyorum",  # switching carriers
        "yetkili bayi nerede",
        "birinci faturamı ödemek istiyorum",
        "bu insanlık dışı bir fatura",
        "paketimi değiştirmek istiyorum",
        "çağrı merkezini aramak istiyorum",
        "",
    ],
)
def test_other_messages(text: str) -> None:
    assert not asks_for_person(text)
