"""Slot extraction: the tool arguments a customer writes in free Turkish text.

Each ``find_*`` function takes the analysed ``Message`` (see ``normalize``) and
returns the canonical argument value, or None when the text does not say it.
They never raise on odd input.

Package names: catalogue names are recognised without case, diacritics or the
"Paket"/"Tarife" word, also with case endings ("Premium pakete", "Mega
İnternet'e", "süper konuşmaya"). The value keeps the customer's cut of the name
in the catalogue's spelling: the "Paket"/"Tarife" word is included when the
customer wrote it right after the name ("Esnaf paketine" -> "Esnaf Paketi",
"'Öğrenci Dostu' tarifesine" -> "Öğrenci Dostu": the quotes end the name). The
tool layer matches either form with ``package_match_key``. A name that is not
in the catalogue but is quoted or written as capitalised words before
"paket"/"tarife" is passed on as written, so the tool can say it is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.rules.normalize import CASE_SUFFIXES, Message, analyse, number_at
from agent.rules.texts import SUSPENSION_REASONS
from core.phone_numbers import Written, turkish_mobile
from core.turkish import fold, tr_lower
from db.reference_data import CATALOGUE, DISTRICTS, PROVINCES, REGIONS, package_match_key

# --- identifiers --------------------------------------------------------------

_BILL_ID = re.compile(r"(?<![\w-])F[\s-]?(\d{4})[\s-]?(\d{3,7})(?![\w-])", re.IGNORECASE)
_BILL_ID_SHORT = re.compile(r"(?<![\w-])F-(\d{4,8})(?![\w-])", re.IGNORECASE)
_TICKET_ID = re.compile(r"(?<![\w-])(T|TKT)[\s-]?(\d{4})[\s-]?(\d{3,7})(?![\w-])", re.IGNORECASE)
_TICKET_ID_SHORT = re.compile(r"(?<![\w-])(TKT|T)-(\d{4,8})(?![\w-])", re.IGNORECASE)

# Customer numbers people paste into their message ("ID: 2519", "Müşteri no: 5655",
# "7306 nolu müşteri"). They never choose whose data is used; they are removed
# before numbers are read so "ID 3" is not taken for "3 bills".
_CUSTOMER_NUMBER = re.compile(
    r"(?:\b(?:user\s*id|id|müşteri\s*(?:no|numaram|numarası|numarasi)|musteri\s*(?:no|numaram)"
    r"|kullanıcı\s*no|kullanici\s*no|abone\s*no)\b['’]?\w*\s*[:#]?\s*\d+)"
    r"|(?:\b\d+\s*(?:nolu|numaralı|numarali)\s+(?:müşteri|musteri|kullanıcı|kullanici)\w*)",
    re.IGNORECASE,
)


def strip_customer_numbers(text: str) -> str:
    """``text`` without pasted customer numbers ("ID: 2519", "Müşteri no: 5655")."""
    return _CUSTOMER_NUMBER.sub(" ", text)


def find_bill_id(text: str) -> str | None:
    """A bill id such as ``F-2026-004217`` (also lower case or with spaces)."""
    match = _BILL_ID.search(text)
    if match:
        return f"F-{match.group(1)}-{match.group(2)}"
    short = _BILL_ID_SHORT.search(text)
    return f"F-{short.group(1)}" if short else None


def find_ticket_id(text: str) -> str | None:
    """A fault ticket id such as ``T-2026-000123`` (also lower case or with spaces)."""
    match = _TICKET_ID.search(text)
    if match:
        return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"
    short = _TICKET_ID_SHORT.search(text)
    return f"{short.group(1).upper()}-{short.group(2)}" if short else None


# --- packages -----------------------------------------------------------------


@dataclass(frozen=True)
class _CatalogueName:
    full: str  # "Öğrenci Dostu Tarife"
    core: str  # "Öğrenci Dostu"
    key_words: tuple[str, ...]  # ("ogrenci", "dostu")


def _catalogue_names() -> tuple[_CatalogueName, ...]:
    names = []
    for spec in CATALOGUE:
        key_words = tuple(package_match_key(spec.name).split())
        core = " ".join(spec.name.split()[: len(key_words)])
        names.append(_CatalogueName(spec.name, core, key_words))
    # Longest names first so "Yurt Dışı Avantaj" wins over any shorter overlap.
    return tuple(sorted(names, key=lambda name: -len(name.key_words)))


_CATALOGUE_NAMES = _catalogue_names()
_PACKAGE_WORDS = ("paket", "tarife")
_QUOTED = re.compile(r"['\"‘’“”«»]([^'\"‘’“”«»]{2,40})['\"‘’“”«»]")
# Capitalised words right before "paket"/"tarife": "Aile Paketi", "Limitsiz Sosyal paketine".
_NAMED_BEFORE_PACKAGE = re.compile(
    r"((?:[A-ZÇĞİÖŞÜ][\wçğıöşüÇĞİÖŞÜ]*\s+){1,3})(paket|tarife)(\w*)", re.IGNORECASE
)


@dataclass(frozen=True)
class PackageMention:
    """A package name found in the text and where it sits."""

    name: str
    start: int  # first token index, -1 when found in quotes only
    end: int  # one past the last token (the Paket/Tarife word included)


def _match_catalogue_name(message: Message, name: _CatalogueName) -> tuple[int, int] | None:
    words = message.words
    count = len(name.key_words)
    for start in range(len(words) - count + 1):
        head_ok = all(words[start + i] == name.key_words[i] for i in range(count - 1))
        last = words[start + count - 1]
        tail = name.key_words[-1]
        if head_ok and last.startswith(tail) and last[len(tail) :] in CASE_SUFFIXES:
            return start, start + count
    return None


def find_package(message: Message) -> PackageMention | None:
    """The package the customer names, canonical spelling; None when no name is given."""
    for quoted in _QUOTED.findall(message.raw):
        key = package_match_key(quoted.strip())
        for name in _CATALOGUE_NAMES:
            if key == " ".join(name.key_words):
                has_suffix = fold(quoted.strip()) != key
                found = _match_catalogue_name(message, name)
                start, end = found if found else (-1, -1)
                return PackageMention(name.full if has_suffix else name.core, start, end)
    for name in _CATALOGUE_NAMES:
        found = _match_catalogue_name(message, name)
        if found is None:
            continue
        start, end = found
        follows = message.words[end] if end < len(message.words) else ""
        if follows.startswith(_PACKAGE_WORDS) and fold(name.full) != fold(name.core):
            return PackageMention(name.full, start, end + 1)
        return PackageMention(name.core, start, end)
    return _find_by_first_word(message) or _find_unknown_package(message)


def find_packages(message: Message, limit: int = 3) -> list[str]:
    """Every catalogue package the text names, in the order written ("Mega İnternet ile
    Süper Konuşma arasındaki fark": both)."""
    found: list[tuple[int, str]] = []
    rest = message
    for _ in range(limit):
        mention = find_package(rest)
        if mention is None or mention.start < 0:
            break
        position = message.tokens.index(rest.tokens[mention.start])
        if all(package_match_key(mention.name) != package_match_key(n) for _, n in found):
            found.append((position, mention.name))
        rest = rest.without([(mention.start, mention.end)])
    return [name for _, name in sorted(found)]


def _find_by_first_word(message: Message) -> PackageMention | None:
    """ "Öğrenci paketine", "memur tarifesi": the first word of one catalogue name + "paket"."""
    words = message.words
    for index, word in enumerate(words[:-1]):
        if not words[index + 1].startswith(_PACKAGE_WORDS):
            continue
        matches = [name for name in _CATALOGUE_NAMES if word == name.key_words[0]]
        if len(matches) == 1 and len(matches[0].key_words) > 1:
            return PackageMention(matches[0].full, index, index + 2)
    return None


def _find_unknown_package(message: Message) -> PackageMention | None:
    """A name outside the catalogue: quoted next to a package word, or capitalised."""
    if not message.has("paket", "tarife", "kampanya", "package"):
        return None
    quoted = _QUOTED.findall(message.raw)
    if quoted:
        return PackageMention(quoted[0].strip(), -1, -1)
    for match in _NAMED_BEFORE_PACKAGE.finditer(message.raw):
        words = match.group(1).split()
        # Keep only the capitalised run that ends at the package word.
        run: list[str] = []
        for word in reversed(words):
            if not word[:1].isupper() or fold(word) in _NOT_NAME_WORDS:
                break
            run.insert(0, word)
        if not run:
            continue
        package_word = match.group(2)
        suffix = fold(match.group(3))
        name = " ".join(run)
        if package_word[:1].isupper() and suffix in ("", "i", "si"):
            name = f"{name} {package_word}{match.group(3)}"
        return PackageMention(name, -1, -1)
    return None


# Capitalised words that start a sentence rather than name a package.
_NOT_NAME_WORDS = frozenset(
    {
        "bu",
        "su",
        "o",
        "hangi",
        "yeni",
        "mevcut",
        "ben",
        "benim",
        "bana",
        "beni",
        "tum",
        "bir",
        "merhaba",
        "selam",
        "lutfen",
        "acaba",
        "simdi",
        "hemen",
        "acilen",
    }
)


# --- places -------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    name: str
    key_words: tuple[str, ...]
    lowered: str  # Turkish lower case with diacritics, to reject "karşı" for "Kars"


def _places() -> tuple[_Place, ...]:
    names = [*REGIONS, *(province for province, _ in PROVINCES.values())]
    places = [_Place(name, tuple(fold(name).split()), tr_lower(name)) for name in names]
    places.append(_Place("Güneydoğu Anadolu", ("guney", "dogu", "anadolu"), "güney doğu anadolu"))
    return tuple(sorted(places, key=lambda place: -len(place.key_words)))


_PLACES = _places()


def find_place(message: Message) -> str | None:
    """A province or region named in the text ("İzmir'de" -> "İzmir"), canonical spelling."""
    words = message.words
    for place in _PLACES:
        count = len(place.key_words)
        for start in range(len(words) - count + 1):
            if any(words[start + i] != place.key_words[i] for i in range(count - 1)):
                continue
            token = message.tokens[start + count - 1]
            tail = place.key_words[-1]
            if not token.folded.startswith(tail) or token.folded[len(tail) :] not in CASE_SUFFIXES:
                continue
            typed = tr_lower(token.text)
            last_lowered = place.lowered.split()[-1]
            if typed.isascii() or typed.startswith(last_lowered):
                return place.name
    return _district_province(message)


# "Bornova'da", "akçaabattayım", "Kadıköy'deki": a district with its case ending,
# and the copula a customer adds to say where they are.
_DISTRICT_ENDINGS = CASE_SUFFIXES | {
    ending + person
    for ending in ("da", "de", "ta", "te")
    for person in ("yim", "yiz", "yum", "yuz", "ki", "yken")
}
_DISTRICT_PROVINCE: dict[str, str] = {
    fold(district): province for province, districts in DISTRICTS.items() for district in districts
}


def _district_province(message: Message) -> str | None:
    """The province of a district named in the text ("Bornova'dayım" -> "İzmir")."""
    for word in message.words:
        for district, province in _DISTRICT_PROVINCE.items():
            if word.startswith(district) and word[len(district) :] in _DISTRICT_ENDINGS:
                return province
    return None


# --- payment, on/off ----------------------------------------------------


def find_payment_method(message: Message) -> str | None:
    """``credit_card`` for card words, ``bank_transfer`` for havale/EFT/bank words."""
    if message.has("havale", "eft", "banka", "hesabim", "hesabimdan", "bank transfer"):
        return "bank_transfer"
    if message.has("kart", "credit card", "kredi", "card"):
        return "credit_card"
    return None


# Words that ask for a service to be switched off, and the words of an off state.
_OFF = (
    "kapat",
    "iptal",
    "kaldir",
    "durdur",
    "sonlandir",
    "istemiyorum",
    "devre disi",
    "off$",
    "disable",
    "iptali",
)
_OFF_STATE = ("kapali", "pasif")
# Verbs that ask for a service to be switched on, and the words of an on state or
# a wish that take their sense from the rest ("açık olsun", "kapalı olsun").
_ON = (
    "ac$",
    "aca",
    "acilsin",
    "actir",
    "acin",
    "acar",
    "acab",
    "acma",
    "acsin",
    "etkinlestir",
    "kur",
    "baslat",
    "odensin",
    "enable",
    "talimat ver",
    "calissin",
    "tanimla",
    "olustur",
    "cekilsin",
    "ceksin",
    "cekilmesini",
)
_ON_STATE = ("acik", "aktif", "olsun", "on$", "istiyorum", "ver")


def find_on_off(message: Message) -> bool | None:
    """Whether the customer wants a service switched on (True) or off (False).

    A verb decides before a state word: "roaming kapalıymış, açın" asks to
    switch it on, "açıkmış, kapatın" to switch it off; "kapalı olsun" is off.
    """
    if message.has(*_OFF):
        return False
    if message.has(*_ON):
        return True
    if message.has(*_OFF_STATE):
        return False
    if message.has(*_ON_STATE):
        return True
    return None


# --- contact details ------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\d+])(?:\+?90[\s-]?|0)?\(?(5\d{2})\)?[\s-]?(\d{3})[\s-]?(\d{2})[\s-]?(\d{2})(?!\d)"
)
_ADDRESS_AS = re.compile(
    r"adres\w*\s+(?:olarak\s+)?(?P<value>.+?)\s+(?:olarak|diye|şeklinde|seklinde)\b",
    re.IGNORECASE,
)
# "yeni adresim: X", "adresim değişti: X": up to two words between the noun and the colon.
_ADDRESS_COLON = re.compile(
    r"adres\w*(?:\s+\w+){0,2}\s*:\s*(?P<value>.+)$", re.IGNORECASE | re.DOTALL
)
# "yeni adresim Kültür Mah. ...", "taşındım, Bağdat Cad. 45 ...": the rest of the message,
# taken only when it reads as a postal address (``has_address_marks``).
_ADDRESS_REST = tuple(
    re.compile(
        rf"{noun}\w*(?:\s+(?:artık|artik|değişti|degisti|oldu|şu an|su an|şimdi|simdi|şu|su"
        r"|şöyle|soyle|şudur|sudur))*"
        r"\s*[:,-]?\s+(?P<value>.+)$",
        re.IGNORECASE | re.DOTALL,
    )
    for noun in ("adres", "(?:taşındı|tasindi|taşındı|taşındık|tasindik)")
)
_ADDRESS_TRAILER = re.compile(
    r"[\s,.;]*(?:lütfen|lutfen)?[\s,]*(?:güncelle\w*|guncelle\w*|değiştir\w*|degistir\w*|"
    r"kaydet\w*|yap\w*)?[\s,.;!]*$",
    re.IGNORECASE,
)


def find_contact_type(message: Message) -> str | None:
    """Which contact detail the text is about: ``email``, ``phone`` or ``address``."""
    if message.has("eposta", "email", "e posta", "elektronik posta") or _EMAIL.search(message.raw):
        return "email"
    if message.has("adres", "tasindim", "tasindik"):
        return "address"
    if message.has(
        "telefon numara", "numara", "cep", "gsm", "iletisim numara", "telefon$", "telefonum$"
    ):
        return "phone"
    if _PHONE.search(message.raw):
        return "phone"
    return None


def find_email(text: str) -> str | None:
    """An e-mail address, lower-cased."""
    match = _EMAIL.search(text)
    return match.group().lower().rstrip(".") if match else None


def find_phone(text: str) -> str | None:
    """A valid Turkish mobile number in any usual form, as E.164 ``+905321234567``.

    The pattern only finds where a number is written; whether it is one is
    libphonenumber's call (``core.phone_numbers``, the parser linking and the
    contact tool use), so "0590 123 45 67" (no such prefix) is not taken.
    """
    for match in _PHONE.finditer(text):
        number = turkish_mobile(match.group(), Written.TYPED)
        if number is not None:
            return number
    return None


def find_address(text: str) -> str | None:
    """A new postal address: "adresimi X olarak güncelle", "yeni adresim: X"."""
    for pattern in (_ADDRESS_COLON, _ADDRESS_AS):
        match = pattern.search(text)
        if match:
            value = clean_free_text(_ADDRESS_TRAILER.sub("", match.group("value")))
            if looks_like_address(value):
                return value
    for pattern in _ADDRESS_REST:
        match = pattern.search(text)
        if match:
            value = clean_free_text(_ADDRESS_TRAILER.sub("", match.group("value")))
            if looks_like_address(value) and has_address_marks(analyse(value)):
                return value
    return None


# Words only a postal address holds: street kinds, building parts, "No", folded.
_ADDRESS_WORDS = (
    "sokag",
    "sokak",
    "sok$",
    "sk$",
    "cadde",
    "cad$",
    "cd$",
    "mahalle",
    "mah$",
    "mh$",
    "bulvar",
    "blv$",
    "apartman",
    "apt$",
    "daire",
    "kat$",
    "no$",
    "sitesi",
    "blok",
    "koy$",
    "koyu",
    "mevki",
)


def has_address_marks(message: Message) -> bool:
    """Whether the text has what a postal address has and a request has not.

    A street or building word ("Sokak", "Cad.", "Mah.", "Daire", "No"), or a
    number together with a province ("Kadıköy İstanbul 34710"). Words such as
    "fatura" or "paket" in a street name do not matter.
    """
    if message.has(*_ADDRESS_WORDS):
        return True
    return any(char.isdigit() for char in message.raw) and find_place(message) is not None


def looks_like_address(value: str) -> bool:
    """A plausible postal address: a few words, letters and some length."""
    return len(value) >= 8 and len(value.split()) >= 2 and any(ch.isalpha() for ch in value)


def clean_free_text(text: str) -> str:
    """Trim spaces and the trailing punctuation of a free-text answer."""
    return " ".join(text.split()).strip(" ,.;!")


def find_contact_value(contact_type: str, text: str) -> str | None:
    """The new value of ``contact_type`` written in ``text``."""
    if contact_type == "email":
        return find_email(text)
    if contact_type == "phone":
        return find_phone(text)
    if contact_type == "address":
        return find_address(text)
    return None


# --- line suspension, faults, bills -------------------------------------------------

_REASON_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("military", ("asker", "bedelli")),
    ("abroad", ("yurt disi", "gurbet", "ulke disi", "yabanci ulke")),
    ("lost", ("calindi", "caldir", "calinti", "kaybet", "kayboldu", "kayip", "kaybol")),
    ("financial", ("maddi", "ekonomik", "param yok", "butce", "issiz")),
    ("health", ("hastane", "saglik", "tedavi", "ameliyat", "hasta")),
    ("unused", ("kullanmayacag", "ihtiyacim yok", "kullanmiyorum", "kullanmayacam")),
)


def find_suspension_reason(message: Message) -> str | None:
    """The reason to suspend a line, as one of the canonical reason texts."""
    for reason, cues in _REASON_CUES:
        if message.has(*cues):
            return SUSPENSION_REASONS[reason]
    return None


_CATEGORY_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "internet",
        ("internet", "mobil veri", "veri", "data", "4g", "4.5g", "5g", "wifi", "wi-fi", "modem"),
    ),
    ("sms", ("sms", "mesaj", "kisa mesaj")),
    (
        "voice",
        (
            "arama",
            "aray",
            "konusma",
            "ses$",
            "sesim",
            "sesi",
            "cagri",
            "duymuyor",
            "duyamiyor",
            "hat",
        ),
    ),
    ("coverage", ("sebeke", "kapsama", "sinyal", "cekmiyor")),
    ("device", ("cihaz", "sim kart", "simkart", "telefonum bozuk")),
    ("billing", ("fatura", "ucret")),
)


def find_fault_category(message: Message) -> str:
    """The ticket category a fault description points at (``other`` when unclear)."""
    for category, cues in _CATEGORY_CUES:
        if message.has(*cues):
            return category
    return "other"


_COUNT_UNITS = ("ay", "aylik", "fatura", "donem")
_YEAR_UNITS = ("yil", "sene")


def find_bill_count(message: Message) -> int | None:
    """How many past bills the customer asks for ("son 3 fatura", "son üç ayın")."""
    words = message.words
    for index in range(len(words)):
        number = number_at(words, index)
        if number is None:
            continue
        value, used = number
        unit = words[index + used] if index + used < len(words) else ""
        after_son = index > 0 and words[index - 1] == "son"
        if unit.startswith(_YEAR_UNITS) and (after_son or value <= 3):
            return max(1, min(value * 12, 36))
        counted = unit.startswith(_COUNT_UNITS) or (after_son and value != 1 and unit != "")
        if counted and 1 <= value <= 36:
            return value
    if message.has("gecen ay", "onceki fatura", "bir onceki", "gecen yil", "gecen sene"):
        plural = any(word.startswith("faturalar") for word in words)
        if not plural:
            return 1
    return None
