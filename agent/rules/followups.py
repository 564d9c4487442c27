"""Follow-ups: a message that refers to what earlier answers established.

Customers do not repeat themselves. After the package list, "ikincisine
geçeyim" means the second package shown; after a network status, "ya
Bursa?" asks the same about Bursa; after a ticket was opened, "kaydım ne
durumda" means that ticket; after a bill, "peki bir önceki ay?" asks for the
month before. :func:`resolve` turns such a message into the request it
stands for, using the chat's :class:`~agent.dialogue_state.DialogueState`.
It only fills what the message leaves open: anything the message names
itself (a package, a place, a ticket number) wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from agent import consent
from agent.dialogue_state import DialogueState
from agent.rules import cues, texts
from agent.rules.intents import ChatAct, Understanding, arguments_for, signals_of, understand
from agent.rules.normalize import Message, analyse
from agent.rules.slots import (
    clean_free_text,
    find_contact_value,
    find_on_off,
    looks_like_address,
)
from agent.turns import ChatTurn

# Folded ordinal words (prefixes: "ikincisine", "üçüncüsünün") and their index.
_ORDINALS: tuple[tuple[str, int], ...] = (
    ("birinci", 0),
    ("ilk", 0),
    ("ikinci", 1),
    ("ucuncu", 2),
    ("dorduncu", 3),
    ("besinci", 4),
    ("altinci", 5),
    ("yedinci", 6),
    ("sekizinci", 7),
    ("dokuzuncu", 8),
    ("onuncu", 9),
    ("sonuncu", -1),
    ("sondaki", -1),
    ("en son", -1),
    ("first", 0),
    ("second", 1),
    ("third", 2),
    ("last", -1),
)
# "2. paket", "3'üncü", "2nci", "2.si"
_NUMBERED = re.compile(
    r"(?<![\d.,])(\d{1,2})(?:\.(?!\d)|'?(?:nci|ncı|ncu|ncü|inci|ıncı|uncu|üncü))"
)
# "o paket", "bu pakete", "onu", "ona geçeyim", "aynı paket"
_THAT_PACKAGE = ("o paket", "bu paket", "o tarife", "bu tarife", "ayni paket", "onu$", "ona$")
_THAT_PACKAGE_ALONE = ("onu$", "ona$", "onun$", "onda$", "bunu$", "buna$", "bunun$")
# Words that make a package reference a change ("ikincisine geçeyim").
_CHOOSE = ("gec", "degis", "istiyorum", "isterim", "olsun", "alayim", "alalim", "sec", "yap")
# "ya X?", "peki X?", "X'te durum ne": an elliptic question about another value.
_ELLIPSIS = ("ya$", "peki", "pekii", "ayni sey", "orada", "orasi", "orda", "what about")
# "kaydım", "son arıza kaydım", "talebim": the customer's own ticket, already open.
_MY_TICKET = ("kaydim", "kaydimin", "kaydimi", "kaydima", "talebim", "basvurum", "son kayd")
_OPEN_TICKET = ("ac", "olustur", "yeni kayit", "kayit ac", "kaydi ac")
# "bölgemde", "burada", "evde": the customer's own city.
_MY_AREA = ("bolgem", "bolgede", "bolgesinde", "burada", "burda", "evde", "evim", "oturdugum")
# What a message of the customer's own words is read as when it describes a problem.
_COMPLAINING = frozenset({ChatAct.OUT_OF_SCOPE, ChatAct.COMPLAINT})
# Reopening a suspended line, named without "hat": "geri açarken", "açtırırken".
# What an answer says of a suspended line: "hattınız askıda (dondurulmuş)", "askıya alınmış".
_SUSPENDED = ("askida", "askiya alin", "dondurulmus")
# The longest answer whose subject a bare "aç" / "kapat" may refer to: a status, a
# package, an offer; not a list of nine packages that mentions roaming in passing.
_SHORT_ANSWER_WORDS = 60
# A question of how to do something or what it costs: "nasıl açtırırım", "ne tutar".
_HOW = (
    "nasil",
    "ne yapmam",
    "ne yapmaliyim",
    "ne gerekiyor",
    "ne kadar",
    "ne tutar",
    "kac para",
    "kac lira",
    "kac tl",
)
# What a message about reopening the line may read as on its own words ("ücret ödeyecek").
_REOPENING_READS = frozenset({None, "pay_bill", "get_current_bill"})
# "Ne yapacağım", "ne yapıcam", "napayım": what the customer should do next.
_WHAT_TO_DO = ("ne yap", "napa", "napic", "napcam", "ne etme", "ne olacak")
# What a network status says when an outage is on ("Aktif kesintiler:", "tahmini bitiş").
_OUTAGE_SHOWN = ("aktif kesinti", "tahmini bitis")
# The particles of a yes/no question (folded), and how short one with no subject of its
# own is ("güvenli mi", "peki ücretli mi").
_YES_NO_PARTICLES = frozenset({"mi", "mu", "midir", "mudur", "miydi", "muydu", "misin"})
_SHORT_QUESTION_WORDS = 4
# Replies that list the assistant's services: they name no subject to follow up on.
_GENERIC_REPLIES = (texts.OUT_OF_SCOPE, texts.CAPABILITIES, texts.GREETING, texts.HUMAN_AGENT)
# A customer group claimed ("öğrenciyim", "memurum"), after a package reserved for one
# was refused ("... yalnızca öğrencilere açık bir pakettir").
_GROUP_CLAIMED = ("ogrenci", "universite", "memur", "kamu", "ogretmen", "esnaf", "isletme")
_ONLY_FOR_A_GROUP = ("acik bir pakettir",)
# What a service costs: "ücreti ne olur", "fiyatı ne".
_FEE = ("ucret", "fiyat", "masraf")
_FEE_PERIOD = ("gunluk", "aylik", "gunde", "ayda")
# The information (with its offer) for a service switched on and off.
_SERVICE_INFO = {"enable_roaming": ChatAct.ROAMING_INFO, "setup_autopay": ChatAct.AUTOPAY_INFO}
_REOPENING = ("geri ac", "yeniden ac", "tekrar ac", "acarken", "actirirken", "actiririrken")
# Requests whose message describes a fault.
_FAULT_TOOLS = frozenset({"create_fault_ticket", "test_internet_speed", "check_network_status"})
# Tools a package reference can stand for.
_PACKAGE_TOOLS = frozenset({None, "change_package", "get_package_details"})
# Tools a question about a listed package's contents reads as ("üçüncüsü kaç dakika").
_PACKAGE_WORDS_TOOLS = frozenset({"get_remaining_quotas", "get_customer_package"})
_BILL_TOPICS = frozenset({"get_current_bill", "get_past_bills", "pay_bill", "get_payment_history"})
# Read-only tools without arguments that "peki ya SMS?" asks again about.
_ASKED_AGAIN = frozenset(
    {
        "get_remaining_quotas",
        "get_customer_package",
        "get_customer_profile",
        "get_payment_history",
        "get_current_bill",
    }
)
# An elliptic follow-up is short: "ya SMS?", "peki dakikam ne kadar?".
_ELLIPSIS_MAX_WORDS = 5
_THIS_MONTH = ("bu ay", "bu ayki", "bu ayin", "guncel", "this month")
# Services switched on and off: "tamam şimdi kapatın" after roaming was switched on.
_SWITCHES = frozenset({"enable_roaming", "setup_autopay"})
# Regions by the word that tells them apart ("ya güneydoğu?").
_REGION_SHORT_NAMES: tuple[tuple[str, str], ...] = (
    ("guneydogu", "Güneydoğu Anadolu"),
    ("dogu anadolu", "Doğu Anadolu"),
    ("dogu$", "Doğu Anadolu"),
    ("ic anadolu", "İç Anadolu"),
)
# How far back a problem the customer described still counts for a new ticket.
_PROBLEM_LOOKBACK_MESSAGES = 6
# After the payments, only a month by name or "geçen ay" asks for a bill ("bi öncekini?"
# is the payment before).
_MONTH_NAMED = (*cues.MONTHS, "gecen ay")
_MONTH_WORDS = (*cues.MONTHS, "onceki ay", "gecen ay", "ondan once", "bir once", "evvelki")


def resolve(
    text: str, turns: Sequence[ChatTurn], own: Understanding, dialogue: DialogueState
) -> Understanding | None:
    """The request ``text`` (the newest message of ``turns``, as meant) stands for.

    None when it is not a follow-up.
    """
    signals = signals_of(text)
    message = signals.message
    package = _package_reference(message, own, dialogue)
    if package is not None:
        return package
    place = signals.place or _region_named_short(message)
    elliptic = message.has(*_ELLIPSIS) and len(message.tokens) <= _ELLIPSIS_MAX_WORDS
    if place and own.tool is None and (dialogue.topic == "check_network_status" or elliptic):
        return Understanding("check_network_status", {"region": place}, 3)
    reopening = message.has(*_REOPENING)
    if own.tool is None and (reopening or find_on_off(message)) and _line_suspended_last(turns):
        # Right after the answer said the line is suspended: "aç o zaman" asks to reopen
        # it (a card, with the fee); "nasıl açtırırım", "ücreti var mı" ask how, first.
        if message.has(*_HOW) or consent.wonders_about_action(text, "reactivate_line"):
            return Understanding(chat=ChatAct.REACTIVATION_INFO)
        return Understanding("reactivate_line", {}, 2)
    if (
        own.tool is None
        and message.has(*cues.SUSPENSION_WORDS)
        and consent.wonders_about_action(text, "suspend_line")
    ):
        # "Kaç gün kalabilir askıda": the terms of a suspension (the mood words them).
        return Understanding("suspend_line", {}, 2)
    if own.tool in _REOPENING_READS and reopening:
        # "geri açarken ücret var mı", "açtırırken ücret ödeyecek miyim": about reopening the
        # line, not a bill (the mood decides what to say).
        return Understanding("reactivate_line", {}, 2)
    if (
        own.tool is None
        and dialogue.topic == "check_network_status"
        and message.has(*_WHAT_TO_DO)
        and _outage_shown_last(turns)
    ):
        # "O bitince de düzelmezse ne yapıcam": what happens after the outage.
        return Understanding(chat=ChatAct.OUTAGE_NEXT_STEP)
    claims_group = message.has(*_GROUP_CLAIMED) and signals.package is None
    if own.tool in (None, "change_package") and claims_group:
        last = _last_answer(turns)
        if last is not None and last.has(*_ONLY_FOR_A_GROUP):
            # "Öğrenciyim" after the package was refused as reserved for students.
            return Understanding(chat=ChatAct.ELIGIBILITY_CLAIM)
    contact = _contact_change(text, message, own, dialogue)
    if contact is not None:
        return contact
    ticket = _ticket_reference(message, own, dialogue)
    if ticket is not None:
        return ticket
    if (
        own.tool in (None, "check_network_status")
        and not signals.place
        and dialogue.customer_city
        and message.has(*_MY_AREA)
    ):
        return Understanding("check_network_status", {"region": dialogue.customer_city}, 3)
    if own.tool is None and dialogue.topic in _BILL_TOPICS and message.has(*_THIS_MONTH):
        return Understanding("get_current_bill", {}, 3)
    month_words = _MONTH_NAMED if dialogue.topic == "get_payment_history" else _MONTH_WORDS
    if own.tool is None and dialogue.topic in _BILL_TOPICS and message.has(*month_words):
        return Understanding("get_past_bills", {"limit": 12}, 3)
    switched = find_on_off(message)
    service = _service_talked_about(turns, dialogue)
    if own.tool is None and switched is not None and service is not None:
        if switched and (message.has(*_HOW, *_FEE) or consent.wonders_about_action(text, service)):
            # "açtırırsam ücreti ne olur" after "Roaming: kapalı": the terms, then the offer.
            return Understanding(chat=_SERVICE_INFO[service])
        return Understanding(service, {"status": switched}, 3)
    if (
        own.tool is None
        and service is not None
        and message.has(*_FEE, *_FEE_PERIOD)
        and len(message.tokens) <= _ELLIPSIS_MAX_WORDS
    ):
        # "o ücret günlük müydü" while roaming is talked about: its terms again.
        return Understanding(chat=_SERVICE_INFO[service])
    if own.tool is None and own.chat in (None, ChatAct.OUT_OF_SCOPE) and _short_question(message):
        about = _service_in_last_answer(turns)
        if about is not None:
            # "güvenli mi" after what autopay is: a question about that, answered again.
            return Understanding(chat=_SERVICE_INFO[about])
    if _asks_to_open_without_problem(own):
        described = _problem_described_earlier(turns)
        if described is not None:
            return replace(own, args={**own.args, "issue_description": described})
    if (
        own.tool is None
        and signals.package is not None
        and dialogue.topic in ("get_package_details", "get_available_packages")
        and message.has(*_ELLIPSIS)
    ):
        return Understanding("get_package_details", {"package_name": signals.package.name}, 3)
    if (
        own.tool is None
        and dialogue.topic in _ASKED_AGAIN
        and message.has(*_ELLIPSIS)
        and len(message.tokens) <= _ELLIPSIS_MAX_WORDS
    ):
        return Understanding(dialogue.topic, {}, 2)
    return None


def _region_named_short(message: Message) -> str | None:
    """ "ya güneydoğu?", "peki iç anadolu": a region by its distinctive word."""
    for cue, region in _REGION_SHORT_NAMES:
        if message.has(cue):
            return region
    return None


def _service_talked_about(turns: Sequence[ChatTurn], dialogue: DialogueState) -> str | None:
    """The on/off service of the last answer or of the customer's recent messages."""
    if dialogue.topic in _SWITCHES:
        return dialogue.topic
    reported = _service_in_last_answer(turns)
    if reported is not None:
        return reported
    for text in [turn.content for turn in turns[:-1] if turn.role == "user"][-3:][::-1]:
        earlier = signals_of(text).message
        if earlier.has(*cues.ROAMING):
            return "enable_roaming"
        if earlier.has(*cues.AUTOPAY):
            return "setup_autopay"
    return None


def _last_answer(turns: Sequence[ChatTurn]) -> Message | None:
    """The assistant's answer right before the newest message, as words to match.

    None for a reply that only lists what the assistant can do ("Bu konuda yardımcı
    olamıyorum; ... roaming, ..."): its words name no subject of the conversation.
    """
    if len(turns) < 2 or turns[-2].role != "assistant" or not turns[-2].content:
        return None
    content = turns[-2].content
    if any(generic in content for generic in _GENERIC_REPLIES):
        return None
    return analyse(content)


def _service_in_last_answer(turns: Sequence[ChatTurn]) -> str | None:
    """The on/off service a short last answer reported ("Roaming: kapalı"), if any."""
    last = _last_answer(turns)
    if last is None or len(last.tokens) > _SHORT_ANSWER_WORDS:
        return None
    if last.has(*cues.ROAMING):
        return "enable_roaming"
    if last.has(*cues.AUTOPAY):
        return "setup_autopay"
    return None


def _short_question(message: Message) -> bool:
    """ "Güvenli mi?", "peki ücretli mi": a short yes/no question with no subject of its own.

    Only the particle makes it one: "hava nasıl bugün" asks about something else.
    """
    words = message.words
    asks = "?" in message.raw or any(word in _YES_NO_PARTICLES for word in words)
    return asks and len(words) <= _SHORT_QUESTION_WORDS


def _line_suspended_last(turns: Sequence[ChatTurn]) -> bool:
    """Whether the answer right before the newest message said the line is suspended."""
    last = _last_answer(turns)
    return last is not None and last.has(*_SUSPENDED)


def _outage_shown_last(turns: Sequence[ChatTurn]) -> bool:
    """Whether the answer before the newest message listed an active outage."""
    last = _last_answer(turns)
    return last is not None and last.has(*_OUTAGE_SHOWN)


def _problem_described_earlier(turns: Sequence[ChatTurn]) -> str | None:
    """The customer's recent message that described the problem.

    A fault first ("internetim çok yavaş ..."); else the customer's last
    message of their own words that asked for nothing the assistant could
    do ("bu 5 GB ek paketi ben almadım"): the complaint the ticket is for.
    """
    earlier = [turn.content for turn in turns[:-1] if turn.role == "user"]
    recent = earlier[-_PROBLEM_LOOKBACK_MESSAGES:]
    for text in reversed(recent):
        understood = understand(text)
        if understood.tool in _FAULT_TOOLS:
            described = arguments_for("create_fault_ticket", signals_of(text))
            if described.get("issue_description"):
                return str(described["issue_description"])
    for text in reversed(recent[-2:]):
        understood = understand(text)
        message = signals_of(text).message
        complaint = understood.tool is None and understood.chat in _COMPLAINING
        symptom = message.has(*cues.SYMPTOM)  # "hattım çalışmıyor" (its line was checked)
        if (complaint or symptom) and len(message.tokens) >= 3:
            return " ".join(text.split())
    return None


def _contact_change(
    text: str, message: Message, own: Understanding, dialogue: DialogueState
) -> Understanding | None:
    """ "Onu değiştirelim: Barbaros Bulvarı No 12 …" after the profile: the value it gives."""
    if dialogue.topic != "get_customer_profile" or not message.has(*cues.CONTACT_CHANGE):
        return None
    if own.tool not in (None, "update_customer_contact") or own.args.get("new_value"):
        return None
    for contact_type in ("email", "phone", "address"):
        value = find_contact_value(contact_type, text)
        if value is None and contact_type == "address" and ":" in text:
            candidate = clean_free_text(text.split(":", 1)[1])
            value = candidate if looks_like_address(candidate) else None
        if value is not None:
            arguments = {"contact_type": contact_type, "new_value": value}
            return Understanding("update_customer_contact", arguments, 5)
    return None


def _ticket_reference(
    message: Message, own: Understanding, dialogue: DialogueState
) -> Understanding | None:
    """ "kaydım ne durumda", "son arıza kaydım": the chat's ticket, else the customer's newest."""
    ticket_id = dialogue.ticket_id or dialogue.customer_ticket_id
    if ticket_id is None or own.args.get("ticket_id"):
        return None
    if own.tool == "get_fault_ticket_status":
        return replace(own, args={**own.args, "ticket_id": ticket_id})
    about_my_ticket = message.has(*_MY_TICKET) and not message.has(*_OPEN_TICKET)
    if about_my_ticket and (own.tool is None or _asks_to_open_without_problem(own)):
        return Understanding("get_fault_ticket_status", {"ticket_id": ticket_id}, 3)
    return None


def _asks_to_open_without_problem(own: Understanding) -> bool:
    return own.tool == "create_fault_ticket" and not own.args.get("issue_description")


def _package_reference(
    message: Message, own: Understanding, dialogue: DialogueState
) -> Understanding | None:
    """ "ikincisine geçeyim", "o paketin taahhüt cezası": a package the chat showed."""
    if own.args.get("new_package_name") or own.args.get("package_name"):
        return None
    ordinal = _ordinal_package(message, dialogue)
    # "sonuncusu kaç GB veriyor" over the list shown: the package's GB, not the quotas.
    if own.tool not in _PACKAGE_TOOLS and not (ordinal and own.tool in _PACKAGE_WORDS_TOOLS):
        return None
    name = ordinal or _that_package(message, dialogue)
    if name is None and own.tool is None and dialogue.topic == "get_package_details":
        # "geçelim o zaman" right after a package's details: that package.
        name = dialogue.package if message.has(*_CHOOSE) else None
    if name is None:
        return None
    changing = own.tool == "change_package" or (
        own.tool is None and message.has(*_CHOOSE) and not message.has(*cues.DETAILS)
    )
    if changing:
        return Understanding("change_package", {"new_package_name": name}, 5)
    return Understanding("get_package_details", {"package_name": name}, 4)


def _ordinal_package(message: Message, dialogue: DialogueState) -> str | None:
    if not dialogue.packages:
        return None
    index = _ordinal(message)
    if index is None or index >= len(dialogue.packages):
        return None
    return dialogue.packages[index]


def names_listed_position(text: str) -> bool:
    """Whether ``text`` points at a package by its place in a list ("ilkine geçeyim")."""
    return _ordinal(analyse(text)) is not None


def points_at_a_package(text: str) -> bool:
    """Whether ``text`` points at a package without naming it ("ona geçelim", "o paket")."""
    return analyse(text).has(*_THAT_PACKAGE, *_THAT_PACKAGE_ALONE)


def _ordinal(message: Message) -> int | None:
    """The position a message names ("ikincisi" -> 1, "sonuncusu" -> -1), if any."""
    for word, index in _ORDINALS:
        if message.has(word):
            return index
    numbered = _NUMBERED.search(message.raw)
    if numbered is not None and 0 < int(numbered.group(1)) <= 20:
        return int(numbered.group(1)) - 1
    return None


def _that_package(message: Message, dialogue: DialogueState) -> str | None:
    """ "o paket", "onu": the package the conversation is about."""
    if dialogue.package is None:
        return None
    if message.has(*_THAT_PACKAGE):
        return dialogue.package
    about_packages = dialogue.topic in ("get_package_details", "get_available_packages")
    if about_packages and message.has(*_THAT_PACKAGE_ALONE):
        return dialogue.package
    return None
