"""Slot extraction from free Turkish text: every slot type, suffixes, no diacritics."""

from __future__ import annotations

import pytest

from agent.consent import yes_no
from agent.rules.normalize import analyse
from agent.rules.slots import (
    find_address,
    find_bill_count,
    find_bill_id,
    find_contact_type,
    find_email,
    find_fault_category,
    find_on_off,
    find_package,
    find_payment_method,
    find_phone,
    find_place,
    find_suspension_reason,
    find_ticket_id,
    strip_customer_numbers,
)


def package(text: str) -> str | None:
    mention = find_package(analyse(text))
    return mention.name if mention else None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Premium pakete geçmek istiyorum", "Premium Paket"),
        ("Mega İnternet'e geçir", "Mega İnternet"),
        ("süper konuşmaya geçeyim", "Süper Konuşma"),
        ("ogrenci dostu tarifesine", "Öğrenci Dostu Tarife"),
        ("'Öğrenci Dostu' tarifesine geçirir misin", "Öğrenci Dostu"),
        ("Öğrenci Dostu kampanyası", "Öğrenci Dostu"),
        ("ESNAF PAKETİ nedir", "Esnaf Paketi"),
        ("gamer pro'ya", "Gamer Pro"),
        ("yurtdışı avantaj paketinin fiyatı", "Yurt Dışı Avantaj"),
        ("memur ozel", "Memur Özel"),
        ("full pakete yükselt", "Full Paket"),
    ],
)
def test_catalogue_names_with_suffixes_case_and_no_diacritics(text: str, name: str) -> None:
    assert package(text) == name


def test_unknown_package_names_are_passed_on_as_written() -> None:
    assert package("Aile Paketi'ne geçmek istiyorum") == "Aile Paketi"
    assert package("Limitsiz Sosyal paketinin detayları") == "Limitsiz Sosyal"
    assert package("'Süper İnternet' paketine geç") == "Süper İnternet"


def test_no_package_name_in_plain_requests() -> None:
    assert package("paketimi değiştirmek istiyorum") is None
    assert package("Bu paket çok pahalı") is None
    assert package("süper hizmet, teşekkürler") is None


@pytest.mark.parametrize(
    ("text", "bill_id"),
    [
        ("F-2026-004217 numaralı faturam", "F-2026-004217"),
        ("f-2026-004217 öde", "F-2026-004217"),
        ("F 2026 004217 faturası", "F-2026-004217"),
        ("F-626801 numaralı fatura", "F-626801"),
        ("faturamı ödemek istiyorum", None),
        ("5121 ID'li faturayı kapat", None),
    ],
)
def test_bill_ids(text: str, bill_id: str | None) -> None:
    assert find_bill_id(text) == bill_id


@pytest.mark.parametrize(
    ("text", "ticket_id"),
    [
        ("T-2026-000123 ne durumda", "T-2026-000123"),
        ("t-2026-000123", "T-2026-000123"),
        ("kayıt no T 2026 000123", "T-2026-000123"),
        ("TKT-857314 durumu", "TKT-857314"),
        ("arıza kaydım ne oldu", None),
    ],
)
def test_ticket_ids(text: str, ticket_id: str | None) -> None:
    assert find_ticket_id(text) == ticket_id


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("kredi kartımla", "credit_card"),
        ("kartla öde", "credit_card"),
        ("havale ile", "bank_transfer"),
        ("EFT yapacağım", "bank_transfer"),
        ("banka hesabımdan", "bank_transfer"),
        ("faturamı öde", None),
    ],
)
def test_payment_method(text: str, method: str | None) -> None:
    assert find_payment_method(analyse(text)) == method


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("evet", True),
        ("Evet, lütfen", True),
        ("olur", True),
        ("tabii ki", True),
        ("hayır", False),
        ("hayir istemiyorum", False),
        ("gerek yok", False),
        ("vazgeçtim", False),
        ("yarın bakarız", None),
    ],
)
def test_yes_no(text: str, answer: bool | None) -> None:
    assert yes_no(text) is answer


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("açın", True),
        ("aktif edilsin", True),
        ("talimat vermek istiyorum", True),
        ("kapatın", False),
        ("iptal etmek istiyorum", False),
        ("istemiyorum", False),
        ("nedir bu", None),
        # A verb decides before a state word.
        ("roaming kapalıymış, açın", True),
        ("kapalı görünüyor açar mısınız", True),
        ("açıkmış, kapatın", False),
        ("kapalı olsun", False),
        ("açık olsun", True),
        ("kapalı kalsın istiyorum", False),
        ("roaming kapalı", False),
        ("açtırmak istiyorum", True),
    ],
)
def test_on_off(text: str, state: bool | None) -> None:
    assert find_on_off(analyse(text)) is state


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("İzmir'de kesinti var mı", "İzmir"),
        ("ankarada", "Ankara"),
        ("istanbul'daki", "İstanbul"),
        ("Karadeniz bölgesinde", "Karadeniz"),
        ("Doğu Anadolu'da", "Doğu Anadolu"),
        ("guneydogu anadoluda", "Güneydoğu Anadolu"),
        ("güney doğu anadolu", "Güneydoğu Anadolu"),
        ("Şanlıurfa", "Şanlıurfa"),
        ("sanliurfada", "Şanlıurfa"),
        ("Iğdır'da", "Iğdır"),
    ],
)
def test_provinces_and_regions(text: str, place: str) -> None:
    assert find_place(analyse(text)) == place


def test_words_that_only_look_like_provinces() -> None:
    assert find_place(analyse("karşı taraf beni duymuyor")) is None  # not Kars
    assert find_place(analyse("bölümüm yok")) is None  # not Bolu
    assert find_place(analyse("müşteri hizmetleri")) is None  # not Muş


def test_email_and_phone_values() -> None:
    assert find_email("yeni adresim Ayse.Yilmaz@Example.com.") == "ayse.yilmaz@example.com"
    assert find_phone("0532 123 45 67") == "+905321234567"
    assert find_phone("+90 (532) 123-45-67") == "+905321234567"
    assert find_phone("5321234567") == "+905321234567"
    assert find_phone("numaram 05321234567'dir") == "+905321234567"
    assert find_phone("F-2026-004217") is None


@pytest.mark.parametrize(
    "text",
    [
        "yeni numaram 0590 123 45 67",  # no such Turkish mobile prefix
        "numaram +53 2000 1002",  # Cuba
        "numaram 0212 555 00 00",  # a landline
    ],
)
def test_a_number_libphonenumber_rejects_is_no_phone_value(text: str) -> None:
    assert find_phone(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("e-posta adresimi değiştir", "email"),
        ("mailimi güncelle", "email"),
        ("adresim değişti", "address"),
        ("telefon numaramı güncelleyin", "phone"),
        ("cep numaram değişti", "phone"),
        ("paketimi değiştir", None),
    ],
)
def test_contact_type(text: str, kind: str | None) -> None:
    assert find_contact_type(analyse(text)) == kind


def test_address_value() -> None:
    assert find_address("Adresimi Bağdat Cad. No:5 Kadıköy İstanbul olarak güncelleyin") == (
        "Bağdat Cad. No:5 Kadıköy İstanbul"
    )
    assert find_address("Yeni adresim: Cumhuriyet Mah. 3. Sokak No:7 Çankaya/Ankara") == (
        "Cumhuriyet Mah. 3. Sokak No:7 Çankaya/Ankara"
    )
    assert find_address("adresimi değiştirmek istiyorum") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("askere gidiyorum", "askerlik"),
        ("askerlik nedeniyle", "askerlik"),
        ("yurt dışına çıkıyorum", "yurt dışı"),
        ("yurtdisinda olacagim", "yurt dışı"),
        ("telefonum çalındı", "kayıp veya çalıntı"),
        ("telefonumu kaybettim", "kayıp veya çalıntı"),
        ("maddi sebeplerden", "maddi nedenler"),
        ("bir süre kullanmayacağım", "geçici olarak kullanılmayacak"),
        ("dondurmak istiyorum", None),
    ],
)
def test_suspension_reason(text: str, reason: str | None) -> None:
    assert find_suspension_reason(analyse(text)) == reason


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("internetim çekmiyor", "internet"),
        ("mobil veri çalışmıyor", "internet"),
        ("sms gönderemiyorum", "sms"),
        ("aramalarım kesiliyor", "voice"),
        ("karşı taraf beni duymuyor", "voice"),
        ("telefonum çekmiyor", "coverage"),
        ("bir sorun var", "other"),
    ],
)
def test_fault_category(text: str, category: str) -> None:
    assert find_fault_category(analyse(text)) == category


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("son 3 fatura", 3),
        ("son üç ayın faturası", 3),
        ("son 6 faturamı", 6),
        ("son iki faturam", 2),
        ("son on iki ay", 12),
        ("son bir yılın faturaları", 12),
        ("geçen ayki faturam", 1),
        ("bir önceki faturam", 1),
        ("geçmiş faturalarım", None),
        ("son faturam", None),
    ],
)
def test_bill_count(text: str, count: int | None) -> None:
    assert find_bill_count(analyse(text)) == count


def test_pasted_customer_numbers_are_removed() -> None:
    assert "2519" not in strip_customer_numbers("İnternetim yavaş! ID: 2519")
    assert "5655" not in strip_customer_numbers("Selam. Müşteri no: 5655")
    assert "6384" not in strip_customer_numbers("Faturamı öde. User ID 6384")
    assert "2836" not in strip_customer_numbers("Geçmem gerek. ID'm 2836.")
    assert "7306" not in strip_customer_numbers("7306 nolu müşterinin paketi")
    assert "F-2026-004217" in strip_customer_numbers("F-2026-004217 öde")
