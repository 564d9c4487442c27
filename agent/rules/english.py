"""Common English requests, read as their Turkish equivalents.

Customers sometimes write in English ("what is my bill", "turn on roaming").
``is_english`` tells such a message apart from Turkish (loanwords such as
"internet" or "roaming" alone do not make a message English), and
``to_turkish`` rewrites it word by word into the Turkish request words the
cues know: "how much internet do I have left" -> "ne kadar internet kalan".
The rewrite is only read by the intent scorers; the answer stays Turkish.

A phrase table rather than a translation library: the domain has a few dozen
request words, and a deterministic table keeps the engine offline and pure.
"""

from __future__ import annotations

import re
from typing import Final

from agent.rules.spelling import is_cue_word

# English phrases (longest first wins) and the Turkish words they stand for.
_PHRASES: Final[dict[str, str]] = {
    # bills and payments
    "how much do i owe": "borcum ne kadar",
    "do i owe": "borcum var mi",
    "my bills": "faturalarim",
    "my bill": "faturam",
    "my invoice": "faturam",
    "bills": "faturalar",
    "invoices": "faturalar",
    "bill": "fatura",
    "invoice": "fatura",
    "payment history": "odeme gecmisim",
    "my payments": "odeme gecmisim",
    "payments": "odemeler",
    "payment": "odeme",
    "pay": "ode",
    "autopay": "otomatik odeme",
    "auto pay": "otomatik odeme",
    "automatic payment": "otomatik odeme",
    "last month": "gecen ay",
    "previous": "onceki",
    "past": "gecmis",
    "owe": "borcum",
    "debt": "borcum",
    # usage and packages
    "how much": "ne kadar",
    "how many": "kac",
    "left": "kalan",
    "remaining": "kalan",
    "quota": "kota",
    "allowance": "kota",
    "data": "internet",
    "minutes": "dakika",
    "texts": "sms",
    "current plan": "mevcut paket",
    "current package": "mevcut paket",
    "current tariff": "mevcut paket",
    "current bill": "guncel fatura",
    "current": "guncel",
    "my package": "paketim",
    "my plan": "paketim",
    "my tariff": "paketim",
    "packages": "paketler",
    "plans": "paketler",
    "tariffs": "paketler",
    "package": "paket",
    "plan": "paket",
    "tariff": "paket",
    "cheapest": "en ucuz",
    "details": "detaylari",
    "change": "degistir",
    "switch": "degistir",
    "upgrade": "yukselt",
    # roaming and the line
    "turn on": "ac",
    "switch on": "ac",
    "enable": "ac",
    "activate": "ac",
    "turn off": "kapat",
    "switch off": "kapat",
    "disable": "kapat",
    "deactivate": "kapat",
    "roaming": "roaming",
    "abroad": "yurt disinda",
    "cancel my line": "hattimi iptal",
    "close my line": "hattimi kapat",
    "suspend my line": "hattimi dondur",
    "freeze my line": "hattimi dondur",
    "suspend": "dondur",
    "freeze": "dondur",
    "reactivate my line": "hattimi yeniden ac",
    "unfreeze": "dondurmayi kaldir",
    "my line": "hattim",
    "line": "hat",
    "lost my phone": "telefonum kayboldu hattimi dondur",
    "stolen": "calindi hattimi dondur",
    # faults and the network
    "slow": "yavas",
    "speed test": "hiz testi",
    "speed": "hizim",
    "not working": "calismiyor",
    "doesn't work": "calismiyor",
    "does not work": "calismiyor",
    "is down": "calismiyor",
    "no signal": "sinyal yok",
    "no internet": "internet yok",
    "outage": "kesinti",
    "network": "sebeke",
    "coverage": "kapsama",
    "ticket status": "ariza kaydim ne durumda",
    "my ticket": "ariza kaydim",
    "ticket": "ariza kaydi",
    "report a fault": "ariza kaydi ac",
    "report a problem": "ariza kaydi ac",
    "open a ticket": "ariza kaydi ac",
    "internet": "internet",
    "my internet": "internetim",
    "my phone": "telefonum",
    "phone number": "telefon numarasi",
    # the account
    "my profile": "bilgilerim",
    "my details": "bilgilerim",
    "my info": "bilgilerim",
    "account details": "hesap bilgilerim",
    "profile": "profil",
    "email": "eposta",
    "e-mail": "eposta",
    "address": "adres",
    "update": "guncelle",
    # people and small talk
    "talk to a human": "temsilci ile gorusmek",
    "speak to a human": "temsilci ile gorusmek",
    "real person": "temsilci",
    "human": "temsilci",
    "agent": "temsilci",
    "representative": "temsilci",
    "customer service": "temsilci",
    "thank you": "tesekkurler",
    "thanks": "tesekkurler",
    "hello": "merhaba",
    "hi": "merhaba",
    "goodbye": "gorusuruz",
    "bye": "gorusuruz",
    "help": "yardim",
    "what can you do": "neler yapabilirsin",
    # question and request words
    "what is": "nedir",
    "what's": "nedir",
    "why": "neden",
    "high": "yuksek",
    "expensive": "yuksek",
    "show": "goster",
    "list": "listele",
    "check": "kontrol",
    "when": "ne zaman",
    "status": "durumu",
    "want": "istiyorum",
    "cancel": "iptal",
    # follow-ups and judgements about the answer just shown
    "is that good": "iyi mi",
    "is it good": "iyi mi",
    "is this good": "iyi mi",
    "good": "iyi",
    "bad": "kotu",
    "normal": "normal",
    "enough": "yeterli",
    "per day": "gunluk ucret",
    "a day": "gunluk ucret",
    "daily": "gunluk",
    "cost": "ucret",
    "costs": "ucret",
    "price": "fiyat",
    "fee": "ucret",
    "most": "en cok",
    "cheapest one": "en ucuz",
    "which one": "hangisi",
    "which": "hangisi",
    "recommend": "oner",
    "yes please": "evet",
    "yes": "evet",
    "no": "hayir",
}
# Openings of an elliptic follow-up ("and minutes?", "what about Ankara?").
_FOLLOW_UP_OPENINGS: Final = ("and", "what about", "how about")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no request of their own: dropped.
_FILLER: Final = _words(
    """
    i me my mine the a an is are am was be do does did have has had to of for in on at
    it its this that these those please can could would will you your me us we our
    what how which there any some with from about and or but so just also now today
    much many like need get give tell let know see am i'm i'd i've it's is there
    """
)

_WORDS: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
_TURKISH_LETTERS: Final = re.compile(r"[çğıöşüÇĞİÖŞÜ]")
_LONGEST_PHRASE: Final = max(len(phrase.split()) for phrase in _PHRASES)
# Words that are the same in both languages: they make no message English.
_SHARED: Final = frozenset(
    {"internet", "roaming", "sms", "data", "email", "e-mail", "hi", "gb", "mb", "modem"}
)


def is_english(text: str) -> bool:
    """Whether ``text`` is written in English (two or more English words, nothing Turkish)."""
    if _TURKISH_LETTERS.search(text):
        return False
    words = _WORDS.findall(text.lower())
    if len(words) < 2:
        return False
    english = [word for word in words if word in _FILLER or _starts_phrase(word)]
    if any(is_cue_word(w) for w in words if w not in english and w not in _SHARED):
        return False  # "past bills nedir?": a Turkish question about English words
    distinct = [word for word in english if word not in _SHARED]
    return len(distinct) >= 2 and len(english) >= 0.6 * len(words)


def _starts_phrase(word: str) -> bool:
    return word in _PHRASES or any(phrase.startswith(word + " ") for phrase in _PHRASES)


def to_turkish(text: str) -> str:
    """The Turkish request words of an English ``text``; other words (names, numbers) stay."""
    words = text.lower().split()
    out: list[str] = []
    index = 0
    for opening in _FOLLOW_UP_OPENINGS:
        size = len(opening.split())
        if " ".join(_bare(word) for word in words[:size]) == opening and len(words) > size:
            out.append("peki")
            index = size
            break
    while index < len(words):
        for size in range(min(_LONGEST_PHRASE, len(words) - index), 0, -1):
            phrase = " ".join(_bare(word) for word in words[index : index + size])
            if phrase in _PHRASES:
                out.append(_PHRASES[phrase])
                index += size
                break
        else:
            word = words[index]
            if _bare(word) not in _FILLER:
                out.append(word)
            index += 1
    meant = " ".join(out)
    # The question mark tells a question from a request ("how much is roaming per day?").
    return f"{meant}?" if text.rstrip().endswith("?") and not meant.endswith("?") else meant


def _bare(word: str) -> str:
    """A word without the punctuation around it ("bill?" -> "bill")."""
    return word.strip('.,!?;:()"')
