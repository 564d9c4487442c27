"""Intent recognition: what one customer message asks for.

``understand(text)`` scores every tool against the message's cues (see
``normalize`` for the cue syntax) and picks the highest score; ties go to the
tool listed first in ``_SCORERS``. When no tool scores, the message is small
talk, an information question or out of scope (a ``ChatAct``).

Where this router deliberately differs from the original team's labels
(shared/data/uniqeai_first_turns.jsonl):

* Slow internet ("İnternet hızım yerlerde sürünüyor") runs ``test_internet_speed``
  even where the corpus has no tool: measuring is the useful first step.
* "İnternetim yok / çekmiyor / çalışmıyor" without a place opens a fault ticket
  (the corpus sometimes checks the network of a made-up place); with a province
  or region named it checks the network status there.
* A request to change package without a name lists the packages
  (``get_available_packages``) and the answer asks which one; the corpus
  invents a package name.
* Required arguments are never invented: a missing region, ticket number,
  package name, contact value or suspension reason is asked for, so "fault
  ticket status göster" gets a question, not a call with a made-up ticket id.
* Customer numbers in the text ("ID: 2519") are ignored: the linked customer
  is always the one served; ``pay_bill`` gets a ``bill_id`` only when the text
  names a bill (``F-2026-004217``), never one derived from a customer number.
* "X seyahati planlıyorum" answers with what roaming costs and offers to switch
  it on (no tool until the customer says yes), as the corpus does.
* "Telefonum çalındı" proposes suspending the line (reason "kayıp veya çalıntı");
  the customer still confirms before anything happens.
* "Bu faturalar neden hep bu kadar karışık?" (bills in general, nobody's bill)
  gets no tool, as in the corpus; "faturam neden yüksek?" shows the bill.
* Defaults are written out: ``pay_bill`` always carries ``method``
  (``credit_card`` unless the customer says havale/EFT/banka) and
  ``get_past_bills`` always carries ``limit`` (the number asked for, 1 for one
  past bill such as "geçen ayki faturam", else 12); the corpus' limits such as
  67 for "past bills göster" appear nowhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from agent.person_requests import asks_for_person
from agent.rules import cues, english, spelling
from agent.rules.bill_questions import TYPICAL_CUES, BillPick, read_bill_question
from agent.rules.line_check import asks_line_check
from agent.rules.normalize import Message, analyse
from agent.rules.recommend import read_need
from agent.rules.slots import (
    PackageMention,
    find_bill_count,
    find_bill_id,
    find_contact_type,
    find_contact_value,
    find_fault_category,
    find_on_off,
    find_package,
    find_payment_method,
    find_place,
    find_suspension_reason,
    find_ticket_id,
    strip_customer_numbers,
)
from agent.rules.texts import SUSPENSION_REASONS


class ChatAct(StrEnum):
    """A message that needs an answer but no tool."""

    GREETING = "greeting"
    HOW_ARE_YOU = "how_are_you"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    CAPABILITIES = "capabilities"
    ACKNOWLEDGED = "acknowledged"
    CANCEL = "cancel"
    ROAMING_INFO = "roaming_info"
    AUTOPAY_INFO = "autopay_info"
    REACTIVATION_INFO = "reactivation_info"
    OUTAGE_NEXT_STEP = "outage_next_step"
    ADDON = "addon"
    ELIGIBILITY_CLAIM = "eligibility_claim"
    TRAVEL = "travel"
    HUMAN_AGENT = "human_agent"
    COMPLAINT = "complaint"
    OUT_OF_SCOPE = "out_of_scope"
    EMPTY = "empty"


@dataclass(frozen=True)
class Understanding:
    """What a message asks for: a tool with the arguments found, or a chat act."""

    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    score: int = 0
    chat: ChatAct | None = None


@dataclass(frozen=True)
class Signals:
    """Everything the scorers look at, computed once per message."""

    message: Message
    text: str  # the text without pasted customer numbers
    package: PackageMention | None
    rest: Message  # the message without the package name
    place: str | None
    bill_id: str | None
    ticket_id: str | None

    def has(self, *phrases: str) -> bool:
        return self.rest.has(*phrases)

    def has_all(self, *phrases: str) -> bool:
        return self.rest.has_all(*phrases)

    def has_token(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(word) for word in self.rest.words)


# --- scorers: one per tool, 0 when the message is not about it ----------------------


def _explicit_tool(s: Signals) -> str | None:
    # Tool names arrive split ("get_current_bill" -> "get current bill").
    for phrase, tool in cues.EXPLICIT_TOOLS:
        if s.message.has(phrase):
            return tool
    return None


def _reactivate(s: Signals) -> int:
    if s.has(*cues.REACTIVATE) or (s.has(*cues.SUSPENSION_WORDS) and s.has(*cues.UNDO)):
        return 7
    if s.has(*cues.SUSPENDED_LINE) and s.has(*cues.REACTIVATE_VERB):
        return 7
    line = s.has("hat", "numara", "line")
    if line and s.has(*cues.REACTIVATE_AGAIN) and s.has(*cues.REACTIVATE_VERB, "kullanima"):
        return 7
    abroad = s.has(*cues.ROAMING, *cues.ABROAD, *cues.TRAVEL)
    if line and s.has(*cues.REACTIVATE_VERB) and not abroad:
        return 5  # "hattımı açın"
    return 0


def _suspend(s: Signals) -> int:
    if s.has(*cues.SUSPEND):
        return 6
    if find_suspension_reason(s.rest) == SUSPENSION_REASONS["lost"]:
        return 5  # "Telefonum çalındı": the line must be closed before it is misused
    return 0


def _ticket_status(s: Signals) -> int:
    if s.ticket_id and not s.has("yeni kayit", "yeni ariza", "kayit ac", "kayit olustur"):
        return 6
    if s.has(*cues.TICKET_WORDS) and s.has(*cues.TICKET_STATUS) and not _has_symptom(s):
        return 6
    return 0


def _autopay(s: Signals) -> int:
    if not s.has(*cues.AUTOPAY):
        return 0
    if _asks_how_it_works(s) or s.has(*cues.ASKS_STATE):
        return 0  # "Otomatik ödeme güvenli mi?" is answered without a tool
    return 6


def _contact(s: Signals) -> int:
    if s.has(*cues.SUSPEND):
        return 0
    kind = find_contact_type(s.rest)
    if kind is None:
        # "İletişim bilgilerimi güncellemek istiyorum": which one is asked next.
        return 5 if s.has("iletisim") and s.has(*cues.CONTACT_CHANGE) else 0
    if s.has(*cues.CONTACT_CHANGE):
        return 5
    if s.has(*cues.CONTACT_CHANGE_WITH_VALUE) and find_contact_value(kind, s.text):
        return 5
    return 0


def _change_package(s: Signals) -> int:
    changing = s.has_token(cues.CHANGE) or s.has("aktif et", "aktiflestir", "package")
    if s.package is not None:
        if changing and not _asks_how_it_works(s):
            return 5
        if s.has(*cues.MY_PACKAGE, "paketimi", "tarifemi") and s.has(*_MAKE_IT):
            return 5  # "tarifemi Süper Konuşma yapın", "paketim Premium olsun"
        if s.has(*_MAKE_IT_NOW) and not s.has(*cues.DETAILS):
            return 5  # "bunu Premium yapalım"
        if s.has(*cues.WANT) and not s.has(*cues.DETAILS):
            return 3
        return 0
    if changing and s.has(*cues.PACKAGE, "paketim", "tarifem"):
        return 4
    if s.has(*cues.UPGRADE) and s.has(*cues.PACKAGE):
        return 4
    return 0


# "X yapın", "X olsun", "X'e geçirin": the package named is the new one.
_MAKE_IT = ("yap", "olsun", "olarak", "gecir", "cevir", "alin", "alir misin")
_MAKE_IT_NOW = ("yapalim", "yapin", "yapiniz", "yapar misin", "yapabilir misin", "yap$", "yapsana")


def _pay(s: Signals) -> int:
    if s.has(*cues.AUTOPAY) or s.has(*cues.HISTORY):
        return 0
    paying = s.has_token(cues.PAY_VERB) or _pays_with_noun(s)
    closing = s.has("kapat", "cekin", "cekiniz", "cekebilir", "cekilsin", "tahsil")
    bill = s.has(*cues.BILL) or s.bill_id is not None
    if (paying or closing) and s.has("ne kadar", "kac tl", "kac lira"):
        return 0  # "Bu ay ne kadar ödemem gerekiyor?" asks for the amount
    if paying and s.has("ne zaman", "hangi tarih", "son gun", "son odeme tarih"):
        return 0  # "Ne zamana kadar ödemem lazım?" asks for the due date
    if paying and bill:
        return 5
    if closing and (bill or s.has("kart")) and not s.has("hat", "roaming"):
        return 5
    if paying and not s.has(*cues.PACKAGE):
        return 3
    return 0


def _pays_with_noun(s: Signals) -> bool:
    """ "ödeme yapmak istiyorum" / "ödeme işlemini başlat": pay, unless in the past tense."""
    index = s.rest.find("odeme")
    if index < 0 or index + 1 >= len(s.rest.words):
        return False
    following = s.rest.words[index + 1 : index + 3]
    for word in following:
        if word.startswith(("yap", "baslat", "gerceklestir")) and not cues.PAST_TENSE.search(word):
            return True
    return False


def _roaming(s: Signals) -> int:
    if _asks_roaming_price(s):
        return 0  # "yurt dışında kullanırsam ücreti ne": the terms, answered without a tool
    if s.has(*cues.ROAMING):
        if _asks_how_it_works(s) or s.has(*cues.ASKS_STATE):
            return 0  # "Roaming nasıl çalışıyor?" is answered without this tool
        return 5 if find_on_off(s.rest) is not None else 4
    if s.has(*cues.ABROAD) and (find_on_off(s.rest) is not None or s.has_token(cues.USE)):
        return 5  # "yurt dışı kullanımını kapatın", "yurt dışında internet kullanmak istiyorum"
    using = s.has_token(cues.USE) or s.has(*cues.USE_ABROAD)
    if s.has(*cues.TRAVEL) and s.has("hatt", "telefon", "numara") and using:
        return 5
    return 0


# Words that ask what using the line abroad costs or gives.
_PRICE_WORDS = ("ne kadar", "ucret", "fiyat", "kac tl", "kac lira", "kac para", "gunluk", "kac gb")


def _asks_roaming_price(s: Signals) -> bool:
    """ "Roaming ne kadar", "yurt dışında hattımı kullanırsam ücreti ne": no switch asked."""
    abroad = s.has(*cues.ROAMING, *cues.ABROAD, *cues.TRAVEL)
    return abroad and s.has(*_PRICE_WORDS) and find_on_off(s.rest) is None


def _asks_how_it_works(s: Signals) -> bool:
    """A question about how a service works or costs, not a request to change it."""
    question = "?" in s.text or s.has("mi$", "mu$", "misin", "misiniz", "nasil", "nedir$", "yarar")
    return question and s.has(*cues.INFO_QUESTION)


def _payment_history(s: Signals) -> int:
    if s.has(*cues.BILL) and _picks_by_amount(s):
        return 0  # "en az ödediğim fatura": a bill picked by its amount
    return 5 if s.has(*cues.HISTORY) and not s.has(*cues.AUTOPAY) else 0


def _picks_by_amount(s: Signals) -> bool:
    question = read_bill_question(s.text)
    return question is not None and question.pick in (BillPick.HIGHEST, BillPick.LOWEST)


def _past_bills(s: Signals) -> int:
    if s.has(*TYPICAL_CUES) and s.has("gel", "ne kadar", "tutar") and not s.has(*_USAGE):
        return 5  # "normalde ne kadar geliyordu": the bill, even unnamed
    if not s.has(*cues.BILL):
        question = read_bill_question(s.text)
        overdue = question is not None and question.overdue_only
        return 5 if overdue and s.has("odeme", "odenecek") else 0  # "geciken ödemem var mı"
    if s.has("ne zaman") and s.has("odenmis", "odendi", "odenmisti"):
        return 5  # "son faturam ne zaman ödenmiş": the paid date is on the past bills
    question = read_bill_question(s.text)
    if question is not None and question.pick is BillPick.TYPICAL:
        return 5  # "normalde ne kadar geliyordu": what most bills came to
    if question is not None and question.pick is BillPick.MONTH and question.offset != 0:
        return 5  # "ekimde ne kadar fatura geldi": that month's bill, not the current one
    if question is not None and question.pick in (BillPick.HIGHEST, BillPick.LOWEST):
        return 5  # "en pahalı faturam": one of the past bills, not the current one
    if question is not None and question.pick is BillPick.UNPAID and not _asks_amount(s):
        return 5  # "borcum var mı", "ödenmemiş faturam var mı": every unpaid bill
    plural_mine = s.has("faturalarim", "faturalarimi", "faturalarimin")
    plural_shown = s.has("faturalar") and s.has(*cues.REQUEST)
    count = find_bill_count(s.rest)
    past = s.has(*cues.PAST, *cues.MONTHS)
    if past or (count is not None and count > 1) or plural_mine or plural_shown:
        return 4
    if count == 1 and not s.has("son faturam", "son fatura$"):
        return 4
    return 0


# Words of usage, not of money: "normalde ne kadar internet kullanıyorum".
_USAGE = ("internet", "dakika", "sms", "gb", "paket", "tarife", "kullan")


def _asks_amount(s: Signals) -> bool:
    """ "Borcum ne kadar?": the amount due now, answered from the current bill first."""
    return s.has("ne kadar", "kac tl", "kac lira", "tutar", "guncel")


def _network(s: Signals) -> int:
    if s.has(*cues.NETWORK):
        if s.place:
            return 5
        if _has_symptom(s) and not s.has("var mi", "varmi"):
            return 0  # "Telefonum şebeke bulamıyor": a fault of this line
        return 4
    if s.place and (_has_symptom(s) or s.has("internet", "cekmiyor")):
        return 5
    return 0


def _speed(s: Signals) -> int:
    if s.has("hizli"):
        return 0
    if s.has(*cues.SPEED) or (s.has(*cues.MEASURE) and s.has("internet", "baglanti", "hiz")):
        return 4
    return 0


def _fault(s: Signals) -> int:
    if s.has(*cues.FAULT_REQUEST):
        return 5
    return 3 if _has_symptom(s) else 0


def _has_symptom(s: Signals) -> bool:
    if s.has(*cues.SYMPTOM):
        return True
    if s.has(*cues.VAGUE_PROBLEM) and s.has(*cues.SUBJECT):
        return True
    if s.has(*cues.WEAK_SIGNAL) and s.has(*cues.WEAK):
        return True
    if s.has(*cues.SUBJECT) and s.has(*cues.FAILED):
        return True
    # "İnternete bağlanamıyorum", "mesajlarım ulaşmıyor": a service that fails.
    return s.has(*cues.SUBJECT) and any(
        cues.NEGATIVE_VERB.search(word) and not word.startswith(cues.NOT_A_SYMPTOM)
        for word in s.rest.words
    )


def _quotas(s: Signals) -> int:
    remaining = s.has("kalan", "kaldi", "kullandim", "harcadim", "tukettim", "bitti")
    if s.has(*cues.QUOTA_NOT) or (s.package is not None and not remaining):
        return 0
    if s.has(*cues.MY_PACKAGE) and not remaining:
        return 0  # "Tarifemde kaç dakika var?" asks what the package holds
    return 4 if s.has(*cues.QUOTA) else 0


# "Bu ay neden bu kadar çok geldi?": a surprising bill, even when the word "fatura" is missing.
_BILL_SURPRISE = (
    "bu kadar cok gel",
    "bu kadar yuksek gel",
    "bu kadar fazla gel",
    "neden artti",
    "niye artti",
    "neden yuksek gel",
    "neden fazla gel",
    "cok gelmis",
    "yuksek gelmis",
    "fazla gelmis",
)


def _current_bill(s: Signals) -> int:
    if s.has(*_BILL_SURPRISE):
        return 3
    if s.has(*cues.BILL_MINE) or (s.has(*cues.BILL) and s.has(*cues.REQUEST)):
        return 3
    if s.has_token(cues.PAY_VERB) and s.has("ne kadar", "kac tl", "kac lira"):
        return 3  # "Bu ay ne kadar ödemem gerekiyor?"
    if any(word.startswith(("fatura", "borc")) and "lar" not in word for word in s.rest.words):
        return 2  # "fatura ne zmn gelcek": about the bill, even if the question is garbled
    return 0


def _customer_package(s: Signals) -> int:
    if s.has(*cues.ROAMING) and s.has(*cues.ASKS_STATE):
        return 5  # "Roaming açık mı?": the package shows whether roaming is on
    if s.has(*cues.MY_PACKAGE) or s.has_all("hangi paket", "kullan"):
        return 3
    return 0


def _profile(s: Signals) -> int:
    if asks_line_check(s.rest):
        return 6  # "hattım çekmiyor": the line's status is checked before anything else
    return 3 if s.has(*cues.PROFILE) and not s.has(*cues.BILL) else 0


def _package_details(s: Signals) -> int:
    if s.package is not None:
        return 4 if s.has(*cues.DETAILS) else 2
    if s.has(*cues.DETAILS) and s.has("paket$", "paketin", "paketi$", "tarifenin", "tarifesi"):
        return 2
    return 0


def _available_packages(s: Signals) -> int:
    if s.package is None and read_need(s.text) is not None:
        return 4  # "çok konuşuyorum hangi paket": one package named for the need
    if s.has_all("hangi paket", "kullan"):
        return 0  # "hangi paketi kullanıyorum": the customer's own package
    return 3 if s.has(*cues.LIST) else 0


# Order breaks ties: earlier wins.
_SCORERS: tuple[tuple[str, Callable[[Signals], int]], ...] = (
    ("reactivate_line", _reactivate),
    ("suspend_line", _suspend),
    ("get_fault_ticket_status", _ticket_status),
    ("setup_autopay", _autopay),
    ("update_customer_contact", _contact),
    ("get_payment_history", _payment_history),
    ("pay_bill", _pay),
    ("get_past_bills", _past_bills),
    ("change_package", _change_package),
    ("enable_roaming", _roaming),
    ("check_network_status", _network),
    ("create_fault_ticket", _fault),
    ("test_internet_speed", _speed),
    ("get_remaining_quotas", _quotas),
    ("get_current_bill", _current_bill),
    ("get_customer_package", _customer_package),
    ("get_package_details", _package_details),
    ("get_available_packages", _available_packages),
    ("get_customer_profile", _profile),
)
_EXPLICIT_SCORE = 9


def signals_of(text: str) -> Signals:
    """Analyse ``text`` once for the scorers and the slot extractors."""
    cleaned = strip_customer_numbers(text)
    message = analyse(cleaned)
    package = find_package(message)
    rest = message
    if package is not None and package.start >= 0:
        rest = message.without([(package.start, package.end)])
    return Signals(
        message=message,
        text=cleaned,
        package=package,
        rest=rest,
        place=find_place(message),
        bill_id=find_bill_id(cleaned),
        ticket_id=find_ticket_id(cleaned),
    )


def understand(text: str) -> Understanding:
    """Classify one customer message and extract the arguments it gives."""
    understood = _understand(text)
    # The cached result is shared: callers get their own arguments dict.
    return replace(understood, args=dict(understood.args))


# A turn reads its message twice (to plan the call, then to word the answer).
@lru_cache(maxsize=1024)
def _understand(text: str) -> Understanding:
    """The message as written, or as its English or misspelt words were meant.

    An English message is read through its Turkish equivalent whenever that
    says something; a message with typos is read corrected only when that
    finds a request the message as written does not (or a stronger one), so
    a message already understood never changes meaning by a correction.
    """
    written = _read_as_written(text)
    if english.is_english(text):
        meant = _read_as_written(english.to_turkish(text))
        if meant.tool is not None or meant.chat not in (None, ChatAct.OUT_OF_SCOPE):
            return _with_own_words(meant, text)
        return written
    fixed = spelling.corrected(text)
    if fixed is None:
        return written
    meant = _read_as_written(fixed)
    if meant.tool is not None and (written.tool is None or meant.score > written.score):
        return _with_own_words(meant, text)
    if written.tool is None and written.chat is ChatAct.OUT_OF_SCOPE:
        return meant
    return written


def meant_text(text: str) -> str:
    """``text`` in the words it was meant in: an English message in Turkish, typos corrected."""
    if english.is_english(text):
        return english.to_turkish(text)
    return spelling.corrected(text) or text


def _with_own_words(meant: Understanding, text: str) -> Understanding:
    """``meant`` with free-text arguments taken from what the customer typed."""
    if meant.tool is None:
        return meant
    own = arguments_for(meant.tool, signals_of(text))
    args = dict(meant.args)
    for slot in ("issue_description", "new_value"):
        if slot in args:
            args[slot] = own.get(slot, " ".join(text.split()))
    return replace(meant, args=args)


def _read_as_written(text: str) -> Understanding:
    if not text or not text.strip():
        return Understanding(chat=ChatAct.EMPTY)
    signals = signals_of(text)
    explicit = _explicit_tool(signals)
    if explicit is not None:
        return Understanding(explicit, arguments_for(explicit, signals), _EXPLICIT_SCORE)
    best_tool, best_score = None, 0
    for tool, scorer in _SCORERS:
        score = scorer(signals)
        if score > best_score:
            best_tool, best_score = tool, score
    if best_tool is None:
        return Understanding(chat=chat_act(signals.message))
    return Understanding(best_tool, arguments_for(best_tool, signals), best_score)


def arguments_for(tool: str, s: Signals) -> dict[str, Any]:
    """The arguments of ``tool`` that the message gives (user_id excluded)."""
    builder = _ARGUMENT_BUILDERS.get(tool)
    args = builder(s) if builder is not None else {}
    return {key: value for key, value in args.items() if value is not None}


def _fault_args(s: Signals) -> dict[str, Any]:
    if not (_has_symptom(s) or s.has("yavas", "hiz", "kesinti")):
        return {}  # "arıza kaydı açmak istiyorum": the problem is asked for
    return {
        "issue_description": " ".join(s.text.split()),
        "category": find_fault_category(s.rest),
    }


def _contact_args(s: Signals) -> dict[str, Any]:
    kind = find_contact_type(s.rest)
    value = find_contact_value(kind, s.text) if kind else None
    return {"contact_type": kind, "new_value": value}


def _bill_count(s: Signals) -> int | None:
    """The bills to fetch: all (the default) when one of them is picked by month or amount."""
    question = read_bill_question(s.text)
    if question is not None and question.pick is not BillPick.TOTAL:
        return None  # "geçen ayki faturam" needs the bill before the newest one too
    return find_bill_count(s.rest)


def _package_name(s: Signals) -> str | None:
    return s.package.name if s.package else None


_ARGUMENT_BUILDERS: dict[str, Callable[[Signals], dict[str, Any]]] = {
    "pay_bill": lambda s: {"bill_id": s.bill_id, "method": find_payment_method(s.rest)},
    "get_past_bills": lambda s: {"limit": _bill_count(s)},
    "setup_autopay": lambda s: {"status": find_on_off(s.rest)},
    "enable_roaming": lambda s: {"status": find_on_off(s.rest)},
    "change_package": lambda s: {"new_package_name": _package_name(s)},
    "get_package_details": lambda s: {"package_name": _package_name(s)},
    "check_network_status": lambda s: {"region": s.place},
    "create_fault_ticket": _fault_args,
    "get_fault_ticket_status": lambda s: {"ticket_id": s.ticket_id},
    "update_customer_contact": _contact_args,
    "suspend_line": lambda s: {"reason": find_suspension_reason(s.rest)},
}


def chat_act(message: Message) -> ChatAct:
    """The kind of a message that asks for no tool."""
    if message.has(*cues.AUTOPAY):
        return ChatAct.AUTOPAY_INFO
    if message.has(*cues.ROAMING):
        return ChatAct.ROAMING_INFO
    if message.has(*cues.TRAVEL) or message.has(*cues.ABROAD):
        return ChatAct.TRAVEL
    if asks_for_person(message.raw):
        return ChatAct.HUMAN_AGENT
    if message.has(*cues.ADDON) and message.has(*cues.ADDON_WANTED):
        return ChatAct.ADDON
    if message.has(*cues.THANKS):
        return ChatAct.THANKS
    if message.has(*cues.GOODBYE):
        return ChatAct.GOODBYE
    if message.has(*cues.CAPABILITIES):
        return ChatAct.CAPABILITIES
    if message.has(*cues.HOW_ARE_YOU):
        return ChatAct.HOW_ARE_YOU
    if message.has(*cues.GREETING, *cues.GREETING_MORE):
        return ChatAct.GREETING
    if message.has(*cues.COMPLAINT, *cues.EXASPERATION):
        return ChatAct.COMPLAINT
    if message.has(*cues.CANCEL):
        return ChatAct.CANCEL
    if message.has(*cues.ACK):
        return ChatAct.ACKNOWLEDGED
    return ChatAct.OUT_OF_SCOPE
