"""The words a misspelt token may be corrected to, and the words never corrected.

``spelling`` maps a token it does not know onto ``DOMAIN_WORDS``: the nouns
of the telecom domain with the possessive and case endings customers put on
them, the verbs of the requests, and the question words the cues combine
them with. Everything is in folded form (see ``core.turkish.fold``).

``COMMON_WORDS`` are ordinary Turkish words one or two letters away from a
domain word ("hatta" is "even", not "hattı"; "kalem" is not "kalan"): they
are left as typed. ``ABBREVIATIONS`` are the short forms customers type
("kdr", "slm", "tşk"), too short for a fuzzy match to be safe.
"""

from __future__ import annotations

from typing import Final

# Noun stems and the endings customers add: "fatura" -> "faturam", "faturami",
# "faturamin", "faturalarim" ... Vowel harmony is not computed: a form that is
# not a real word only ever serves as a correction target, and the cues match
# prefixes, so "faturam" and "faturamı" lead to the same place.
_ENDINGS_AFTER_VOWEL: Final = ("", "m", "mi", "min", "n", "nin", "si", "sini", "ya", "ye", "lar")
_ENDINGS_AFTER_CONSONANT: Final = (
    "",
    "im",
    "um",
    "imi",
    "umu",
    "imin",
    "umun",
    "i",
    "u",
    "in",
    "e",
    "a",
    "ler",
    "lar",
)
_PLURAL_ENDINGS: Final = ("larim", "lerim", "larimi", "lerimi", "lari", "leri")

_NOUNS: Final = (
    "fatura",
    "borc",
    "internet",
    "dakika",
    "mesaj",
    "kota",
    "paket",
    "tarife",
    "kampanya",
    "numara",
    "odeme",
    "roaming",
    "dolasim",
    "sebeke",
    "kapsama",
    "kesinti",
    "ariza",
    "baglanti",
    "modem",
    "profil",
    "bilgi",
    "adres",
    "eposta",
    "email",
    "telefon",
    "temsilci",
    "musteri",
    "talimat",
    "taahhut",
    "ucret",
    "fiyat",
    "kullanim",
    "sinyal",
    "sikayet",
    "destek",
    "abonelik",
    "gecmis",
    "durum",
    "detay",
    "hiz",
)

# Forms with a changed stem or fixed expressions: written out.
_IRREGULAR: Final = (
    "hat",
    "hatt",
    "hattim",
    "hattimi",
    "hattimin",
    "hatti",
    "hattin",
    "hattimda",
    "kayit",
    "kaydim",
    "kaydimi",
    "kaydimin",
    "kaydi",
    "hesap",
    "hesabim",
    "hesabimi",
    "hesabimin",
    "borcum",
    "borcumu",
    "borcumun",
    "gecmisim",
    "gecmisimi",
    "yurt",
    "disi",
    "disinda",
    "disina",
    "otomatik",
    "kalan",
    "kaldi",
    "kadar",
    "nedir",
    "neden",
    "nasil",
    "hangi",
    "yuksek",
    "yavas",
    "aktif",
    "iptal",
    "yeniden",
    "tekrar",
    "kapali",
    "acik",
    "guncel",
    "onceki",
    "gecen",
    "mevcut",
    "yardim",
    "merhaba",
    "tesekkurler",
    "tesekkur",
    "selam",
    "istiyorum",
    "isterim",
    "istiyordum",
    "ogrenmek",
    "ogrenebilir",
    "goster",
    "gosterin",
    "gosterir",
    "gosterebilir",
    "sorgula",
    "sorgulamak",
    "kontrol",
    "degistir",
    "degistirmek",
    "degistirin",
    "degistirebilir",
    "guncelle",
    "guncellemek",
    "odemek",
    "odeyin",
    "odeyebilir",
    "acin",
    "acmak",
    "acabilir",
    "kapat",
    "kapatin",
    "kapatmak",
    "dondur",
    "dondurmak",
    "dondurun",
    "gecmek",
    "calismiyor",
    "cekmiyor",
    "baglanamiyorum",
    "baglanmiyor",
    "kopuyor",
    "kesiliyor",
    "gelmiyor",
    "listele",
    "kullandim",
    "bitti",
)


def _inflected(stem: str) -> tuple[str, ...]:
    endings = _ENDINGS_AFTER_VOWEL if stem[-1] in "aeiou" else _ENDINGS_AFTER_CONSONANT
    return tuple(stem + ending for ending in (*endings, *_PLURAL_ENDINGS))


def _domain_words() -> tuple[str, ...]:
    words: dict[str, None] = {}
    for stem in _NOUNS:
        words.update(dict.fromkeys(_inflected(stem)))
    words.update(dict.fromkeys(_IRREGULAR))
    return tuple(words)


DOMAIN_WORDS: Final[tuple[str, ...]] = _domain_words()

# Stems whose every continuation is that word with an ending.
KNOWN_STEMS: Final[frozenset[str]] = frozenset(
    stem
    for stem in (*_NOUNS, "hatt", "hesab", "kayd", "borc", "kullan", "gecik", "gelmi", "yatir")
    if len(stem) >= 4
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Ordinary words a letter or two from a domain word: never "corrected".
COMMON_WORDS: Final[frozenset[str]] = _words(
    """
    hatta hatim hatir hatira kalem kalin kadir kader kapak kapi kasa nereden nerede
    neden nedense neyse nasi bunu bunun bana beni benim bende senin sizin bizim
    onun simdi sonra once artik bile daha gibi kadar cok biraz hemen lutfen acaba
    ayrica sadece yine hala zaten bugun yarin dun hafta gundur aydir saattir
    ariyorum aradim aramak arayin ilgilenmiyor ilgilen kimse birisi herkes
    esim annem babam kardesim oglum kizim arkadasim
    gelen gelecek gecti gitti olan olsun oldu olmaz olur yapin yapar yaptim
    tamam evet hayir peki iyi kotu guzel super harika berbat rezalet
    fiyatli ucuz pahali yeni eski ilk son diger baska
    sabah aksam gece ogle mesai
    model modeli kayip gecis gecisi gelmis durur dondum yazdim anlamadim baglandi
    kullanici tatil surebilir olustu simdilik
    """
)

# Short forms customers type, with the word they stand for.
ABBREVIATIONS: Final[dict[str, str]] = {
    "kdr": "kadar",
    "kdar": "kadar",
    "nbr": "naber",
    "tsk": "tesekkurler",
    "tskler": "tesekkurler",
    "tesekkr": "tesekkurler",
    "slm": "selam",
    "mrb": "merhaba",
    "mrhb": "merhaba",
    "msj": "mesaj",
    "tmm": "tamam",
    "nsl": "nasil",
    "nasi": "nasil",
    "bi": "bir",
    "dk": "dakika",
    "ftr": "fatura",
    "frt": "fatura",
    "intrnt": "internet",
    "pkt": "paket",
    "pktm": "paketim",
    "hz": "hiz",
}
