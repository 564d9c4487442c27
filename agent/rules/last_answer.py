"""A question about the answer just given: "kdv ne kadar?", "ping kaç çıktı?", "o ödendi mi?".

After a bill, a package, a network status or a ticket, customers ask about
one detail of it. The facts are already in the chat: the newest tool result.
:func:`find_result_asked_about` finds that result when the message asks about
one of its details (a word of that topic's vocabulary in a question, or a
one- or two-word question such as "adresim?"), so the engine answers again
from it, worded for the new question (``answers.compose_answers`` reads the
question: "en düşük?" after the bills picks the lowest one). Nothing is
looked up again, so the figures stay the ones the customer just read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agent.dialogue_state import DialogueState
from agent.rules.intents import ChatAct, Understanding, meant_text
from agent.rules.normalize import analyse
from agent.rules.tool_contract import ACTIONS
from agent.turns import ChatTurn, ToolCall

# Folded words that ask about a detail of each topic's result.
_DETAIL_WORDS: dict[str, tuple[str, ...]] = {
    "bill": (
        "kalem",
        "kdv",
        "vergi",
        "oiv",
        "tutar",
        "odendi",
        "odenmis",
        "odemis",
        "son odeme",
        "tarih",
        "hangi ay",
        "gecikmis",
        "en dusuk",
        "en yuksek",
        "en az",
        "en cok",
        "ucret",
        "lira",
        "tl$",
        "toplam",
        "kadar",
        "ne zaman",
        "odem",
        "neden",
        "niye",
        "yuksek",
        "fazla",
        "en dusug",
        "en yuksegi",
        "en yukseg",
        "en kucuk",
        "en kucug",
        "en buyuk",
        "en buyug",
        "ayki",
        "yurt disi",
        "yurtdisi",
        "kullanim",
        "ek paket",
        "ek$",
    ),
    "package": (
        "yenilen",
        "kurulum",
        "cayma",
        "taahhut",
        "ceza",
        "gb$",
        "internet",
        "dakika",
        "sms",
        "kimler",
        "alabilir",
        "ucret",
        "fiyat",
        "tl$",
        "lira",
        "yurt disi",
        "roaming",
        "fark",
        "yurtdisi",
        "toplam",
        "dahil",
        "var miydi",
    ),
    "quotas": (
        "sms",
        "dakika",
        "internet",
        "gb$",
        "gecerli",
        "donem",
        "yuzde",
        "bitiyor",
        "yenilen",
        "ne zaman",
        "sifirlan",
        "bitis",
    ),
    "network": (
        "duzel",
        "sebep",
        "sebeb",
        "neden",
        "bitecek",
        "biter",
        "kesinti",
        "kapsama",
        "nerede",
        "ne zaman",
        "gelir",
        "saat",
        "sorun",
        "ariza",
        "problem",
        "neyi",
        "ne oldu",
    ),
    "ticket": (
        "yapilmis",
        "cozul",
        "teknisyen",
        "not$",
        "notu",
        "bekliyor",
        "ne zaman",
        "durum",
        "numara",
        "no$",
    ),
    "speed": (
        "ping",
        "upload",
        "download",
        "yukleme",
        "indirme",
        "hiz",
        "mbps",
        "sonuc",
        "iyi",
        "kotu",
        "normal",
        "yeterli",
        "yavas",
        "kaliteli",
        "kalite",
        "kesinti",
        "biter",
        "duzel",
        "ne zaman",
        "sorun",
        "ariza",
    ),
    "profile": ("adres", "posta", "mail", "hat", "numara", "seviye", "musteri", "kayit"),
    "payments": (
        "yontem",
        "kart",
        "havale",
        "kac odeme",
        "toplam",
        "en son",
        "ne zaman",
        "tarih",
        "onceki",
        "sonuncu",
        "havale",
        "eft",
        "ay$",
    ),
    "contact": ("eski", "yeni", "numara", "adres", "posta", "mail", "kayit", "dogrula"),
    "autopay": ("tarih", "ne zaman", "cekil", "kart", "yontem", "gun"),
    "roaming": ("ucret", "gunluk", "gb$", "fiyat", "tl$", "lira", "ne zaman"),
}
_TOPIC_OF_TOOL: dict[str, str] = {
    "get_current_bill": "bill",
    "get_past_bills": "bill",
    "pay_bill": "bill",
    "get_customer_package": "package",
    "get_package_details": "package",
    "get_available_packages": "package",
    "change_package": "package",
    "get_remaining_quotas": "quotas",
    "check_network_status": "network",
    "create_fault_ticket": "ticket",
    "get_fault_ticket_status": "ticket",
    "test_internet_speed": "speed",
    "get_customer_profile": "profile",
    "get_payment_history": "payments",
    "enable_roaming": "roaming",
    "setup_autopay": "autopay",
    "update_customer_contact": "contact",
}
_QUESTION_WORDS = (
    "ne$",
    "neler",
    "nedir",
    "ne zaman",
    "kac",
    "hangi",
    "nasil",
    "nerede",
    "neden",
    "niye",
    "mi$",
    "mu$",
    "var mi",
    "what",
    "how",
    "when",
)
# "adresim?", "kdv?": a bare detail word with a question mark.
_SHORT_QUESTION_WORDS = 3
# "emin misin?": the customer doubts the answer just given.
_RECHECK = ("emin mis", "emin mi", "gercekten mi", "kesin mi", "dogru mu", "are you sure")
# "içinde", "onda": pointing at what was just shown.
_DEICTIC = (
    "icinde",
    "icerisinde",
    "onda$",
    "bunda$",
    "onun$",
    "bunun$",
    "ondaki",
    "bundaki",
    "idi$",
    "miydi",
    "muydu",
    "demistiniz",
    "demistin",
    "soylemistiniz",
)
# "o yurt dışı kullanımı ne ki": asking what something shown is, never a request.
_WHAT_IS = ("ne$", "nedir", "neymis", "ne ki", "what is")
_QUOTA_OR_NONE = frozenset({None, "get_remaining_quotas"})
_PAST_COPULA = ("ydi", "ydu", "ymis", "ymus", "miydi", "muydu", "yordu", "yodu")
# Acts that are never a question about the answer ("teşekkürler", "merhaba").
_ANSWERABLE_ACTS = frozenset(
    {None, ChatAct.OUT_OF_SCOPE, ChatAct.ACKNOWLEDGED, ChatAct.TRAVEL, ChatAct.ROAMING_INFO}
)


@dataclass(frozen=True)
class LastResult:
    """The newest tool-call turn of the chat whose results were all real answers."""

    calls: tuple[ToolCall, ...]
    contents: tuple[str, ...]


def find_result_asked_about(
    turns: Sequence[ChatTurn], own: Understanding, dialogue: DialogueState
) -> LastResult | None:
    """The result the newest message asks a detail of, or None."""
    if dialogue.topic is None:
        return None
    message = analyse(meant_text(turns[-1].content))
    asks_what_it_is = message.has(*_WHAT_IS)
    pointing_at_it = message.has(*_DEICTIC)
    if own.tool in ACTIONS and not asks_what_it_is and not pointing_at_it:
        return None  # "roaming açar mısınız": a request, even worded as a question
    if own.tool is None and message.has(*_RECHECK):
        return _newest_result(turns[:-1], errors_too=True)
    # "içinde kaç GB var" after a package: about that package, not the quotas;
    # "toplam kaç dakikaydı": the past copula points at what was said.
    pointing = (
        pointing_at_it
        or (
            own.tool in _QUOTA_OR_NONE  # "kaç GB veriyodu": the package shown, not what is left
            and any(word.endswith(_PAST_COPULA) for word in message.words)
        )
        or (own.tool in ACTIONS and asks_what_it_is)
    )
    if own.tool is not None and not pointing:
        return None
    if own.chat not in _ANSWERABLE_ACTS:
        return None
    last = _newest_result(turns[:-1])
    if last is None:
        return None
    # "sms?" after a bill and the quotas answered together: any of its topics.
    topics = [_TOPIC_OF_TOOL[call.name] for call in last.calls if call.name in _TOPIC_OF_TOOL]
    if not any(message.has(*_DETAIL_WORDS[topic]) for topic in topics):
        return None
    asks = message.has(*_QUESTION_WORDS) or "?" in message.raw
    if asks or pointing or len(message.tokens) <= _SHORT_QUESTION_WORDS:
        return last
    return None


def _newest_result(turns: Sequence[ChatTurn], *, errors_too: bool = False) -> LastResult | None:
    """The newest tool-call turn whose results are all data (not errors, not proposals).

    ``errors_too``: an error answered too ("Bu fatura zaten ödenmiş"), for "emin misin".
    """
    for index in range(len(turns) - 1, -1, -1):
        turn = turns[index]
        if not turn.is_tool_call:
            continue
        results = turns[index + 1 : index + 1 + len(turn.tool_calls)]
        if len(results) == len(turn.tool_calls) and all(
            result.role == "tool" and _is_data(result.content, errors_too) for result in results
        ):
            return LastResult(turn.tool_calls, tuple(result.content for result in results))
        # A proposal or an error answered nothing: the facts shown are older.
    return None


def _is_data(content: str, errors_too: bool) -> bool:
    try:
        value: Any = json.loads(content)
    except ValueError:
        return False
    if not isinstance(value, dict) or value.get("confirmation_required"):
        return False
    return errors_too or value.get("success") is not False
