"""A typed reply to a pending action: consent, refusal, amendment, or something else.

The one rule (SECURITY.md, "Consent"): only unambiguous consent runs an
action. A reply is consent only when it says yes (a yes word, or an action
verb that fits the card), says nothing else, carries no negation and asks
nothing. Everything else is decided in this order:

1. **Amendment**: the reply keeps the action but changes one of its values:
   another payment method ("havale ile olsun", "kartla değil EFT"), another
   package ("premium olsun onun yerine"), another contact value. A value the
   reply rejects ("kartla değil") counts for the amendment, not as a refusal.
2. **Refusal**: any negation wins over every yes ("hayır", "lütfen iptal et",
   "kesinlikle olmaz", "uygun değil", "lütfen yapma", "ödemeyi durdur",
   Turkish negative verb forms such as "istemiyorum", "yapmayın", "ödenmesin").
3. **Other**: a question ("tamam mı?", "ne kadar?"), a hold-on ("lütfen
   bekleyin", "bir dakika"), a weak word alone ("tamam", "lütfen", an emoji),
   or any word that belongs to another request ("tamam hattımı açın" on a
   fault-ticket card). The action waits; the message is answered as a new
   request.

Words are compared folded (lower case, no diacritics, letters typed three or
more times in a row collapsed), so "HAYIR", "hayir" and "hayırrr" read the
same; words of five letters or more also match their typos through
``rapidfuzz`` ("onaylıyom", "istemiyrum").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from agent.rules.intents import understand
from agent.rules.normalize import Message, analyse
from agent.rules.slots import find_contact_value, find_package
from core.turkish import fold


class ReplyKind(StrEnum):
    CONSENT = "consent"
    REFUSAL = "refusal"
    AMENDMENT = "amendment"
    OTHER = "other"


@dataclass(frozen=True)
class Reading:
    """What a reply to a pending action means; ``changes`` only for an amendment."""

    kind: ReplyKind
    changes: Mapping[str, Any] = field(default_factory=dict)


# --- the lexicon (folded words) --------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Say yes on their own.
_YES = _words(
    "evet evt evett evte eet aynen aynn tabii tabi tabiki tabiiki elbette olur "
    "kabul yes yep yeah sure kesinlikle muhakkak isterim istiyorum istiyoruz onay "
    "onayliyorum onayliyoruz onaylarim onayladim onayliyom onaylyorum onayla onaylayin "
    "onaylayiniz onaylayabilirsiniz onaylaniz onaylansin dogru he hee"
)
# Too weak to say yes alone; with an action verb or a yes word they agree.
_WEAK = _words(
    "tamam tmm tmam tamamdir tamamdr tamm ok okay okey oki okeyy peki pekala lutfen uygun "
    "uygundur hadi haydi hade iyi guzel super harika olsun olabilir"
)
# Politeness, address and filler: neither yes nor no, allowed around a yes.
_FILLER = _words(
    "rica ederim ediyorum tesekkur tesekkurler tesekkurederim sagol sag ol saol sagolun "
    "abi abla hocam kardesim canim efendim bey hanim ya de da ki ve bir bi simdi hemen "
    "direkt direk artik zaten bana benim icin su bu o sunu bunu onu sunun bunun onun zaman "
    "islem islemi islemini islemim islemimi bu islemi gitsin gidelim devam et edin edelim "
    "edebilirsiniz edebilirsin ediniz etsin ettim etsem ederseniz edersen olsun sekilde "
    "boyle oyle herhangi hersey her sey sorun yok problem"
)
# Action verbs that agree with any card ("yap", "gerçekleştir", "devam et").
_ANY_ACTION = (
    "yap",
    "gerceklestir",
    "tamamla",
    "hallet",
    "devam",
    "isle",
    "ilerle",
    "onayla",
    "ver",
)
# Words that set a condition or a first step: the reply is not a plain yes.
_CONDITIONS = _words("ama fakat ancak yalniz sadece once eger ise sonra yine de")
# Verbs of another request ("göster", "söyle", "kontrol et").
_REQUEST_VERBS = (
    "goster",
    "soyle",
    "bak",
    "kontrol",
    "listele",
    "anlat",
    "ogren",
    "sorgula",
    "hesapla",
    "gonder",
    "yolla",
    "bildir",
)
# Per action: the verbs that agree with it and the words naming its object.
_ACTION_WORDS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "pay_bill": (
        ("ode", "yatir", "cek", "kes"),
        _words(
            "fatura faturayi faturami faturami faturami faturanin odeme odemeyi odemem "
            "odememi tutar tutari tutari parayi borc borcu borcumu"
        ),
    ),
    "change_package": (
        ("gec", "degistir", "tanimla", "al", "yukselt"),
        _words("paket paketi paketim paketimi tarife tarifemi tarifeyi paketime"),
    ),
    "enable_roaming": (
        ("ac", "aktif", "etkinlestir", "kur", "baslat"),
        _words("roaming roamingi roamingimi dolasim dolasimi yurt disi yurtdisi"),
    ),
    "setup_autopay": (
        ("ac", "aktif", "etkinlestir", "kur", "baslat", "tanimla", "talimat", "cek", "ode"),
        _words("otomatik odeme odemeyi talimat talimati talimatini her ay aylik fatura faturami"),
    ),
    "suspend_line": (
        ("kapat", "dondur", "al"),
        _words("hat hatti hattimi hattim hatti numarami numara askiya"),
    ),
    "reactivate_line": (
        ("ac", "aktif", "etkinlestir", "geri ac", "yeniden ac"),
        _words("hat hatti hattimi hattim hatti numarami numara geri yeniden"),
    ),
    "create_fault_ticket": (
        ("ac", "olustur", "kaydet", "kayit", "bildir", "gir"),
        _words("kayit kaydi kaydini ariza arizayi talep talebi bildirim"),
    ),
    "update_customer_contact": (
        ("guncelle", "degistir", "kaydet", "yaz"),
        _words(
            "adres adresi adresim adresimi eposta epostam epostami email emailim emaili "
            "emailimi numara numaram numarami"
        ),
    ),
}

# Verbs that agree with a card switching a service off (roaming, autopay).
_SWITCH_OFF_VERBS = ("kapat", "kaldir", "durdur", "devre disi")
_SWITCH_ON_VERBS = ("ac", "aktif", "etkinlestir", "baslat")

# Say no: any one of them makes the reply a refusal.
_NO = _words(
    "hayir hyr hayr hayi hayirr yok yo olmaz olmasin olmasn degil istemiyorum istemiyom "
    "istemiyoruz istemem istemez istemedim vazgec vazgectim vazgeciyorum vazgecin iptal "
    "dur durdur durun durdurun durdurunuz durdurabilir sakin asla bosver no nope cancel "
    "stop dont not kalsin kalsn gerek reddediyorum reddet ret"
)
# Refusal cues that are prefixes ("vazgeçtim", "iptal edin", "durdurun").
_NO_PREFIXES = ("vazgec", "iptal", "durdur", "reddet", "istemiyo", "istemi")
# "sorun değil", "problem yok", "fark etmez": agreement, although they hold a "no".
_NO_PROBLEM = frozenset({"sorun", "problem", "fark", "mahsuru", "sakincasi"})
# Hold on: the action keeps waiting ("lütfen bekleyin", "bir dakika", "düşüneyim").
_HOLD_PREFIXES = ("bekle", "dakika", "saniye", "dusun", "bilmiyo", "karar")
# Hedges: "sanırım evet" is not yet a yes.
_HEDGES = _words("sanirim galiba herhalde belki sanki bilmem")
# Question words and particles.
_QUESTION_WORDS = _words(
    "ne neden niye nicin nasil kac kaca kaci hangi hangisi nerede nereden nereye kim "
    "nedir mi mu misin misiniz musun musunuz miyim miyiz midir mudur emin"
)
_QUESTION_SUFFIXES = ("misiniz", "musunuz", "misin", "musun", "midir", "mudur", "mi", "mu")

# Verb stems whose negative forms say no: stem + (passive) + ma/me + person or mood.
_NEGATABLE_STEMS = (
    "yap",
    "et",
    "ode",
    "ac",
    "kapat",
    "gec",
    "degistir",
    "cek",
    "kes",
    "onayla",
    "dondur",
    "gonder",
    "baslat",
    "kur",
    "guncelle",
    "kaydet",
    "olustur",
    "iste",
    "ol",
    "dokun",
    "yatir",
    "tanimla",
    "al",
)
_NEGATIVE_ENDING = re.compile(
    r"^(?:il|in|n|y)?(?:y?[ae])?(?:ma|me)(?:yin|yiniz|yinn|sin|sinlar|yalim|yelim|m|z|yiz|dim|di|dik|"
    r"yacag\w*|yeceg\w*|yacam|yecem|ssin)?$"
)
_NEGATIVE_PROGRESSIVE = re.compile(r"m[iu]y[oru]")
# "ödeme" is also the noun "payment": it says no only at the end of the reply.
_NOUN_LIKE_NEGATIVES = frozenset({"odeme", "odemem", "cekme", "kesme", "alma", "acma", "gecme"})

# Payment methods: words, and the method they name.
_METHOD_WORDS: tuple[tuple[str, str], ...] = (
    ("havale", "bank_transfer"),
    ("eft", "bank_transfer"),
    ("banka", "bank_transfer"),
    ("hesab", "bank_transfer"),
    ("iban", "bank_transfer"),
    ("transfer", "bank_transfer"),
    ("kart", "credit_card"),
    ("kredi", "credit_card"),
    ("card", "credit_card"),
    ("credit", "credit_card"),
)
_REJECTS_FOLLOWING = frozenset({"degil", "olmasin", "yerine", "istemiyorum", "istemem", "yok"})
_REPEATS = re.compile(r"(.)\1{2,}")
_RUNS = re.compile(r"(.)\1+")
_SQUEEZED_YES = frozenset(_RUNS.sub(r"\1", word) for word in _YES)
_SQUEEZED_NO = frozenset(_RUNS.sub(r"\1", word) for word in _NO)
_FUZZY_MIN_LENGTH = 5
_FUZZY_SCORE = 86


# --- reading a reply -------------------------------------------------------------------


@dataclass(frozen=True)
class PendingAction:
    """The action a reply answers: its tool and proposed arguments."""

    tool_name: str
    arguments: Mapping[str, Any]


def read_reply(text: str, action: PendingAction | None = None) -> Reading:
    """What ``text`` means as a reply to ``action`` (None: a card of no known kind)."""
    message = analyse(text)
    words = [_collapse(word) for word in message.words]
    if _is_question(text, words):
        return Reading(ReplyKind.OTHER)
    consumed = _no_problem_idioms(words)
    changes = _amendment(text, message, words, action, consumed) if action else {}
    if changes:
        return Reading(ReplyKind.AMENDMENT, changes)
    if _has_refusal(words, consumed):
        if _is_hold(words) and not _has_strong_refusal(words, consumed):
            return Reading(ReplyKind.OTHER)
        return Reading(ReplyKind.REFUSAL)
    if _is_hold(words) or action is None:
        return Reading(ReplyKind.OTHER)
    return Reading(
        ReplyKind.CONSENT if _is_consent(text, words, action, consumed) else ReplyKind.OTHER
    )


def restates_card(text: str, action: PendingAction) -> bool:
    """Whether ``text`` only names the waiting card's own payment method again.

    "Kredi kartı" to a card that pays by credit card chooses nothing new and
    says no yes: the card is shown again, and nothing runs.
    """
    if action.tool_name != "pay_bill":
        return False
    methods: set[str] = set()
    for word in (_collapse(word) for word in analyse(text).words):
        method = next((m for prefix, m in _METHOD_WORDS if word.startswith(prefix)), None)
        if method is not None:
            methods.add(method)
        elif word not in _FILLER and word not in _WEAK and word not in _METHOD_LINKS:
            return False
    return methods == {action.arguments.get("method")}


# "Kredi kartıyla", "kart ile", "havaleden": words that join a method to the sentence.
_METHOD_LINKS = _words("ile ilen la le yla yle den dan uzerinden araciligiyla")
# Words a question about the waiting card itself is made of ("ne kadar?", "tutarı ne?").
_CARD_TALK = _words(
    "kadar kadardi tutar tutari tutarini ucret ucreti ucretini zaman ne zaman son islem "
    "islemi kart karti yontem yontemi dogru mu yani hmm sey gecerli olur olacak baslar "
    "baslayacak aktif gunluk gunlugu aylik ayligi"
)


_WHY = _words("neden niye nicin")
# "ödemeyi düşünüyorum", "açmak zorunda mıyım": wondering about an action, not asking for it.
_WONDERING = ("dusunuyo", "dusunuyor", "planliyo", "zorunda", "mecbur", "sart mi")
_NEEDED_QUESTION = ("gerek", "lazim", "gerekiyor")
_FEE_WORDS = ("ucret", "masraf", "para", "fiyat")
# "Kaç gün", "ne kadar süre", "en fazla ne kadar": how long an action may last.
_HOW_LONG = (
    "kac gun",
    "kac gunluk",
    "kac ay",
    "ne kadar sure",
    "en fazla ne kadar",
    "ne kadar sur",
)
# "açık mı", "kapalı mıydı", "aktif mi": a question about the current state.
_STATE_QUESTIONS = (
    "acik mi",
    "acikmi",
    "kapali mi",
    "kapalimi",
    "aktif mi",
    "aktifmi",
    "acik midir",
    "kapali midir",
    "aktif midir",
    "acik mi$",
    "devrede mi",
    "var mi",
    "varmi",
)
# Saying no to one's own action: "açmayın", "ödemeyeceğim", "değiştirmem", "yapmasın";
# not a state ("açılmıyor", "çekmiyor": a symptom) nor the bare "-ma" form (see below).
_DECLINING_ENDING = re.compile(
    r"^(?:ma|me)(?:yin|yiniz|yinn|sin|sinlar|yalim|yelim|m|yiz|yacag\w*|yeceg\w*|yacam|yecem)$"
)
_PAYMENT_NOUNS = frozenset({"odeme", "cekme", "kesme", "alma", "gecme"})
# "geçsem", "dondursak", "ödeseniz": a conditional of the action's verb.
_CONDITIONAL_ENDING = re.compile(r"^(?:y)?s[ae](?:m|k|niz|n)?$")


def declines_action(text: str, tool: str) -> bool:
    """Whether ``text`` says no to the action of ``tool`` ("roamingi açmayın", "ödemeyeceğim").

    Only a negative form of the action's own verb, or "istemiyorum", counts:
    "internetim çekmiyor, arıza kaydı açın" is a request, not a refusal.
    """
    words = [_collapse(word) for word in analyse(text).words]
    verbs = _ACTION_WORDS.get(tool, ((), frozenset()))[0]
    # "güncellemem lazım", "ödemem gerek": "-mem" is "my doing it", needed, not a refusal.
    needed = any(word.startswith(_NEEDED_QUESTION) or word == "sart" for word in words)
    for index, word in enumerate(words):
        if word.startswith(("istemiyo", "istemem")):
            return True
        if needed:
            continue
        for verb in (verb for verb in verbs if word.startswith(verb)):
            ending = word[len(verb) :]
            if _DECLINING_ENDING.match(ending):
                return True
            bare = ending in ("ma", "me") and word not in _PAYMENT_NOUNS
            if bare and index == len(words) - 1:
                return True  # "roamingi açma" (but "otomatik ödeme" is the noun)
    return False


def asks_state(text: str) -> bool:
    """Whether ``text`` asks how a service is now ("açık mı", "kapalı mı", "aktif mi")."""
    message = analyse(text)
    return message.has(*_STATE_QUESTIONS)


def wonders_about_action(text: str, tool: str) -> bool:
    """Whether ``text`` only wonders about the action ("pakete geçsem kaç para olur?").

    A conditional of the action's verb, thinking or planning it, or asking
    whether it is required is a question to answer, not a request to propose.
    Polite requests ("öder misiniz", "açar mısınız") are requests.
    """
    words = [_collapse(word) for word in analyse(text).words]
    if any(word.startswith(_WONDERING) for word in words):
        return True
    if asks_state(text):
        return True  # "roaming açık mı?": how it is now, not a request to change it
    if _is_question(text, words) and any(word.startswith(_NEEDED_QUESTION) for word in words):
        return True
    if _is_question(text, words) and any(word.startswith(_FEE_WORDS) for word in words):
        return True  # "geri açarken ücret var mı": what it costs, not a request
    if analyse(text).has(*_HOW_LONG):
        return True  # "kaç gün dondurabilirim": how long it may last, not a request
    verbs = _ACTION_WORDS.get(tool, ((), frozenset()))[0]
    return any(
        _CONDITIONAL_ENDING.match(word[len(verb) :])
        for word in words
        for verb in verbs
        if word.startswith(verb)
    )


def is_card_talk(text: str) -> bool:
    """Whether ``text`` only talks about the waiting card ("tamam mı?", "ne kadar?").

    A message with words of its own ("geçen ay ne kadardı", "neden bu kadar
    yüksek") asks something else, and is answered as a new request.
    """
    words = [_collapse(word) for word in analyse(text).words]
    if any(word in _WHY for word in words):
        return False  # "neden bu kadar?" wants an explanation, not the card again
    return bool(words) and all(
        word in _CARD_TALK
        or word in _WEAK
        or word in _FILLER
        or word in _QUESTION_WORDS
        or word in _HEDGES
        or word.startswith(_HOLD_PREFIXES)
        for word in words
    )


def yes_no(text: str, tool_name: str = "") -> bool | None:
    """The answer to a yes/no offer: True only for consent, False for a refusal, else None."""
    kind = read_reply(text, PendingAction(tool_name, {})).kind
    if kind is ReplyKind.CONSENT:
        return True
    return False if kind is ReplyKind.REFUSAL else None


def is_refusal_or_undo(text: str) -> bool:
    """Whether ``text`` takes something back ("onu iptal et", "geri al", "yanlış oldu")."""
    message = analyse(text)
    words = [_collapse(word) for word in message.words]
    if _is_question(text, words):
        return False
    if message.has("geri al", "yanlis oldu", "yanlislik", "yanlislikla", "eski haline", "hata"):
        return True
    return _has_strong_refusal(words, set())


# --- amendments --------------------------------------------------------------------------


def _amendment(
    text: str,
    message: Message,
    words: Sequence[str],
    action: PendingAction,
    consumed: set[int],
) -> dict[str, Any]:
    """The changed arguments the reply asks for; marks the words it used in ``consumed``."""
    if action.tool_name == "pay_bill":
        return _method_change(words, action.arguments.get("method"), consumed)
    if action.tool_name == "change_package":
        return _package_change(message, words, action.arguments.get("new_package_name"), consumed)
    if action.tool_name == "update_customer_contact":
        contact_type = str(action.arguments.get("contact_type", ""))
        value = find_contact_value(contact_type, text)
        if value and fold(value) != fold(str(action.arguments.get("new_value", ""))):
            return {"new_value": value}
    return {}


def _method_change(words: Sequence[str], proposed: Any, consumed: set[int]) -> dict[str, Any]:
    """Another method named and wanted; a method only rejected is no amendment (a refusal)."""
    wanted: set[str] = set()
    mentions: list[tuple[int, int, str]] = []  # [start, end) and the method
    for index, word in enumerate(words):
        method = next((m for prefix, m in _METHOD_WORDS if word.startswith(prefix)), None)
        if method is None:
            continue
        if mentions and mentions[-1][1] == index and mentions[-1][2] == method:
            mentions[-1] = (mentions[-1][0], index + 1, method)  # "kredi kartı"
        else:
            mentions.append((index, index + 1, method))
    rejections: set[int] = set()
    for start, end, method in mentions:
        following = words[end] if end < len(words) else ""
        consumed.update(range(start, end))
        if _rejects(following):
            rejections.update(range(start, end + 1))
        else:
            wanted.add(method)
    if len(wanted) == 1 and wanted != {proposed}:
        consumed.update(rejections)
        return {"method": wanted.pop()}
    return {}


def _package_change(
    message: Message, words: Sequence[str], proposed: Any, consumed: set[int]
) -> dict[str, Any]:
    proposed_key = fold(str(proposed or ""))
    wanted: list[str] = []
    rejections: set[int] = set()
    remaining = message
    spans: list[tuple[int, int]] = []
    for _ in range(4):
        mention = find_package(remaining)
        if mention is None or mention.start < 0:
            break
        start, end = _original_span(message, remaining, mention.start, mention.end)
        spans.append((start, end))
        following = words[end] if end < len(words) else ""
        named = fold(mention.name)
        same = proposed_key.startswith(named) or named.startswith(proposed_key)
        consumed.update(range(start, end))
        if _rejects(following):
            rejections.update(range(start, end + 1))
        elif not same:
            wanted.append(mention.name)
        remaining = message.without(spans)
    if len(set(wanted)) == 1:
        consumed.update(rejections)
        return {"new_package_name": wanted[0]}
    return {}


def _original_span(message: Message, remaining: Message, start: int, end: int) -> tuple[int, int]:
    """The token span in ``message`` of the span ``[start, end)`` of ``remaining``."""
    positions: list[int] = []
    cursor = 0
    for token in remaining.tokens:
        while cursor < len(message.tokens) and message.tokens[cursor] is not token:
            cursor += 1
        positions.append(cursor)
        cursor += 1
    return positions[start], positions[end - 1] + 1


def _rejects(word: str) -> bool:
    return word in _REJECTS_FOLLOWING or _is_negative_verb(word, last=False)


# --- refusal, questions, holds ------------------------------------------------------------


def _has_refusal(words: Sequence[str], consumed: set[int]) -> bool:
    last = _last_content_index(words)
    return any(
        index not in consumed
        and not word.startswith(_HOLD_PREFIXES)  # "bilmiyorum", "beklemeyin" hold, not refuse
        and (_is_no_word(word) or _is_negative_verb(word, index == last))
        for index, word in enumerate(words)
    )


def _has_strong_refusal(words: Sequence[str], consumed: set[int]) -> bool:
    """A refusal that is more than "dur" / "yok" (which also start a hold-on)."""
    last = _last_content_index(words)
    return any(
        index not in consumed
        and word not in {"dur", "yok"}
        and not word.startswith(_HOLD_PREFIXES)
        and (_is_no_word(word) or _is_negative_verb(word, index == last))
        for index, word in enumerate(words)
    )


def _no_problem_idioms(words: Sequence[str]) -> set[int]:
    """Positions of "sorun değil", "sorun yok", "fark etmez": no negation of the action."""
    found: set[int] = set()
    for index, word in enumerate(words[:-1]):
        if word in _NO_PROBLEM and _is_no_word(words[index + 1]):
            found.update({index, index + 1})
    return found


def _is_no_word(word: str) -> bool:
    # No fuzzy matching here: "istiyorum" is one edit from "istemiyorum".
    return word in _NO or _squeeze(word) in _SQUEEZED_NO or word.startswith(_NO_PREFIXES)


def _is_negative_verb(word: str, last: bool) -> bool:
    """ "yapma", "ödemeyin", "onaylamıyorum", "ödenmesin"; "ödeme" only at the end."""
    if _NEGATIVE_PROGRESSIVE.search(word):
        return True
    if word in _NOUN_LIKE_NEGATIVES:
        return last
    for stem in _NEGATABLE_STEMS:
        if word.startswith(stem) and _NEGATIVE_ENDING.match(word[len(stem) :]):
            return True
    return False


def is_question(text: str) -> bool:
    """Whether ``text`` asks something: a question mark, a question word or particle."""
    return _is_question(text, [_collapse(word) for word in analyse(text).words])


def _is_question(text: str, words: Sequence[str]) -> bool:
    if "?" in text:
        return True
    for word in words:
        if word in _QUESTION_WORDS:
            return True
        for suffix in _QUESTION_SUFFIXES:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and stem and _is_known_word(stem):
                return True
    return False


def _is_hold(words: Sequence[str]) -> bool:
    return any(word.startswith(_HOLD_PREFIXES) for word in words)


def _last_content_index(words: Sequence[str]) -> int:
    """The index of the last word that is not politeness ("ödeme lütfen" ends in "ödeme")."""
    for index in range(len(words) - 1, -1, -1):
        if words[index] not in _WEAK and words[index] not in _FILLER and words[index] != "sakin":
            return index
    return -1


# --- consent ------------------------------------------------------------------------------


def _is_consent(text: str, words: Sequence[str], action: PendingAction, consumed: set[int]) -> bool:
    """A yes, or a weak word with a fitting action verb, and nothing that asks for more.

    Every word must be a yes, an action verb or object of this card, politeness,
    or a value of the proposal. A reply with a clear yes word may also give a
    reason ("evet telefonum çalındı, kapatın"), as long as none of its words
    belongs to another request, sets a condition ("ama", "önce"), or makes the
    rules' understanding point at another tool.
    """
    verbs, objects = _ACTION_WORDS.get(action.tool_name, ((), frozenset()))
    switch = action.arguments.get("status")
    if switch is False:
        verbs = _SWITCH_OFF_VERBS  # a card that switches a service off: "evet kapat"
    if isinstance(switch, bool):
        opposite = _SWITCH_ON_VERBS if switch is False else _SWITCH_OFF_VERBS
        if any(word.startswith(opposite) for word in words):
            return False  # "evet aç" on a card that switches it off says the opposite
    values = _value_words(action)
    said_yes = agreed = False
    unknown: list[str] = []
    for index, word in enumerate(words):
        if index in consumed or word.isdigit() or word in values:
            continue
        if _is_yes_word(word):
            said_yes = agreed = True
        elif _is_action_verb(word, verbs):
            agreed = True
        elif (
            word in _WEAK
            or word in _FILLER
            or word in objects
            or _fuzzy_in(word, _long_words(_FILLER | objects))
        ):
            continue
        else:
            unknown.append(word)
    if not agreed or any(word in _HEDGES for word in words):
        return False
    if not unknown:
        return True
    if not said_yes or any(word in _CONDITIONS for word in unknown):
        return False
    if any(_belongs_elsewhere(word, action.tool_name) for word in unknown):
        return False
    return understand(text).tool in (None, action.tool_name)


def _is_yes_word(word: str) -> bool:
    return word in _YES or _squeeze(word) in _SQUEEZED_YES or _fuzzy_in(word, _long_words(_YES))


def _value_words(action: PendingAction) -> frozenset[str]:
    """The folded words of the proposal's own values (the package, the e-mail, the bill)."""
    found: set[str] = set()
    for value in action.arguments.values():
        if isinstance(value, str):
            found.update(analyse(value).words)
            found.add(fold(value))
    return frozenset(found)


def _belongs_elsewhere(word: str, tool: str) -> bool:
    """Whether ``word`` asks for something other than the card's action."""
    if word.startswith(_REQUEST_VERBS):
        return True
    own_verbs, own_objects = _ACTION_WORDS.get(tool, ((), frozenset()))
    for other, (verbs, objects) in _ACTION_WORDS.items():
        if other == tool:
            continue
        if word in objects and word not in own_objects:
            return True
        if _is_action_verb(word, tuple(v for v in verbs if v not in own_verbs)):
            return True
    return False


def _is_action_verb(word: str, verbs: Sequence[str]) -> bool:
    return any(
        word.startswith(verb) and _is_affirmative_form(word[len(verb) :])
        for verb in (*_ANY_ACTION, *verbs)
    )


_AFFIRMATIVE_ENDING = re.compile(
    r"^(?:il|in|n|y|l)?(?:|in|iniz|yin|yiniz|sin|ilsin|insin|nsin|alim|elim|yalim|yelim|"
    r"iver|ivin|abilirsiniz|ebilirsiniz|abilirsin|ebilirsin|yabilirsiniz|yebilirsiniz|"
    r"iyorum|uyorum|yorum|iyoruz|yoruz|arim|erim|rim|ar|er|ir|ur|eyim|ayim|"
    r"tir|dir|edin|ediniz|in|un|sun|gitsin|ildi|di|tim|dim|du|tu)$"
)


def _is_affirmative_form(ending: str) -> bool:
    return bool(_AFFIRMATIVE_ENDING.match(ending))


# --- word helpers --------------------------------------------------------------------------


def _squeeze(word: str) -> str:
    """Every run of one letter as one letter: "eevet" -> "evet", "hayirr" -> "hayir"."""
    return _RUNS.sub(r"\1", word)


def _collapse(word: str) -> str:
    """ "hayırrrr" -> "hayir", "eeevet" -> "evet" (after folding)."""
    return _REPEATS.sub(r"\1", word)


@lru_cache(maxsize=16)
def _long_words(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(word for word in words if len(word) >= _FUZZY_MIN_LENGTH))


def _fuzzy_in(word: str, choices: tuple[str, ...]) -> bool:
    """Whether ``word`` is a typo of one of ``choices`` (five letters or more)."""
    if len(word) < _FUZZY_MIN_LENGTH or not choices:
        return False
    return (
        process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE) is not None
    )


def _is_known_word(word: str) -> bool:
    return word in _YES or word in _WEAK or word in _FILLER or word in _NO
