"""Questions about the customer's own account that need a tool and a worded answer.

* a package compared with the customer's own ("şu anki paketimle Gamer Pro
  arasında fark ne", "Full pakete geçsem ucuzlar mı", "ona geçersem aylık ne
  kadar fazla öderim"): both packages side by side and the monthly difference;
* whether automatic payment is on ("otomatik ödeme talimatım var mı"), read
  from the profile's ``autopay_enabled`` / ``autopay_method``;
* a disputed bill item ("ben o ek paketi almadım", "yurt dışı ücreti yanlış
  yansımış"): acknowledged, the item named from the bill just shown, and a
  billing ticket offered;
* impatience about an open ticket ("hala çözülmedi", "ne zaman bitecek bu
  iş"): acknowledged, the ticket's status and estimate restated, a person offered.

Each ``*_plan`` returns the calls to make, or None when the message is not
such a question; each ``*_answer`` words the results.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from agent import result_fields as rf
from agent.dialogue_state import DialogueState
from agent.rules import texts
from agent.rules.normalize import Message, analyse
from agent.rules.slots import find_packages
from agent.turns import ChatTurn, ToolCall
from core.turkish import ISTANBUL, format_day, format_money
from db.reference_data import package_match_key

# --- a package compared with one's own -----------------------------------------------

# The customer's own package: "paketim", "şu anki paketim", "mevcut tarifem".
_OWN_PACKAGE = (
    "paketim",
    "paketimi",
    "paketimle",
    "paketimden",
    "paketime",
    "paketimin",
    "tarifem",
    "tarifemle",
    "tarifemden",
    "tarifemi",
    "mevcut paket",
    "mevcut tarife",
    "su anki paket",
    "suanki paket",
    "simdiki paket",
    "su anki tarife",
    "simdiki tarife",
    "benim paket",
    "benimki",
    "bendeki",
    "kendi paket",
    "kullandigim paket",
    "my package",
    "my plan",
    "current plan",
    "current package",
)
_COMPARE = (
    "fark",
    "karsilastir",
    "kiyasla",
    "kiyas",
    "daha iyi",
    "daha mi iyi",
    "daha ucuz",
    "daha pahali",
    "ucuz mu",
    "ucuzmu",
    "pahali mi",
    "pahalimi",
    "daha uygun",
    "daha avantaj",
    "daha mantik",
    "hangisi",
    "arasinda",
    "ile arasi",
    "vs$",
    "versus",
    "compare",
    "difference",
    "better",
    "cheaper",
)
# A switch only thought about: "geçsem", "geçersem", "geçince", "alsam".
_HYPOTHETICAL = (
    "gecsem",
    "gecersem",
    "gecerse",
    "gecince",
    "gectigimde",
    "gecseydim",
    "gecmem halinde",
    "gecmis olsam",
    "alsam",
    "alirsam",
    "degistirsem",
    "degistirirsem",
    "if i switch",
    "if i change",
)
# What such a switch would cost: "ucuzlar mı", "ne kadar fazla öderim", "kaç lira fark".
_PRICE = (
    "ucuz",
    "pahali",
    "fazla",
    "az ode",
    "daha az",
    "fark",
    "tasarruf",
    "kac lira",
    "kac tl",
    "ne kadar",
    "kazanc",
    "kazanir",
    "artar",
    "artacak",
    "duser",
    "dusecek",
    "azalir",
    "oderim",
    "odeyecegim",
    "tutar",
    "ucret",
    "fatura",
    "cost",
    "pay more",
    "save",
)
# A reference to the package just shown: "ona geçersem", "o pakete geçsem".
_REFERENCE = ("ona", "onu", "o paket", "bu paket", "o tarife", "bu tarife", "buna")
# "Aylık kaç lira fark ediyor", "arada ne kadar fark var": a difference without a name.
_DIFFERENCE = (
    "fark ed",
    "fark var",
    "fark ne",
    "fark olur",
    "fark cikar",
    "fark kac",
    "farki ne",
    "farki kac",
    "ne kadar fark",
    "kac lira fark",
    "kac tl fark",
    "arada ne kadar",
    "arada kac",
    "ucuzlar",
    "pahalilas",
    "daha mi ucuz",
    "daha mi pahali",
    "fazla oder",
    "az oder",
)


def _other_package(message: Message, dialogue: DialogueState) -> str | None:
    """The one package compared with the customer's own: named, or the one just shown."""
    named = find_packages(message)
    if len(named) == 1:
        return named[0]
    if not named and dialogue.package:
        return dialogue.package
    return None


def own_comparison_plan(
    text: str, customer_id: int | None, dialogue: DialogueState
) -> tuple[ToolCall, ...] | None:
    """The calls that compare a package with the customer's own; None for another question."""
    if customer_id is None:
        return None
    message = analyse(text)
    own = message.has(*_OWN_PACKAGE) and message.has(*_COMPARE)
    hypothetical = message.has(*_HYPOTHETICAL) and message.has(*_PRICE)
    difference = message.has(*_DIFFERENCE)
    if not (own or hypothetical or difference):
        return None
    named = find_packages(message)
    if not named and not dialogue.package:
        return None  # "aylık kaç lira fark ediyor" needs a package the chat is on
    if hypothetical and not named and not message.has(*_REFERENCE) and not difference:
        return None
    focus = dialogue.package
    if (
        difference
        and not (own or hypothetical)
        and len(named) == 1
        and focus is not None
        and package_match_key(focus) != package_match_key(named[0])
    ):
        # "Mega İnternet'ten farkı ne" with Gamer Pro shown: the two packages compared.
        return (
            ToolCall("get_package_details", {"package_name": focus}),
            ToolCall("get_package_details", {"package_name": named[0]}),
        )
    other = _other_package(message, dialogue)
    if other is None:
        return None
    return (
        ToolCall("get_customer_package", {"user_id": customer_id}),
        ToolCall("get_package_details", {"package_name": other}),
    )


def is_own_comparison(calls: Sequence[ToolCall], asked: str) -> bool:
    """Whether ``calls`` for ``asked`` are the pair ``own_comparison_plan`` makes."""
    if [call.name for call in calls] != ["get_customer_package", "get_package_details"]:
        return False
    message = analyse(asked)
    return message.has(*_COMPARE, *_HYPOTHETICAL, *_DIFFERENCE)


def _features(result: Mapping[str, Any]) -> Mapping[str, Any]:
    features = result.get("features")
    return features if isinstance(features, dict) else result


def _row(label: str, result: Mapping[str, Any]) -> str:
    features = _features(result)
    return "• " + texts.OWN_COMPARISON_LINE.format(
        label=label,
        monthly_fee=rf.money(result.get("monthly_fee")) or texts.UNKNOWN,
        internet_gb=rf.number(features.get("internet_gb")) or texts.UNKNOWN,
        voice_minutes=rf.number(features.get("voice_minutes")) or texts.UNKNOWN,
        sms_count=rf.number(features.get("sms_count")) or texts.UNKNOWN,
    )


def own_comparison_answer(current: Mapping[str, Any], other: Mapping[str, Any]) -> str:
    """Both packages side by side and what switching changes each month."""
    current_name = rf.text(current.get("package_name")) or texts.UNKNOWN
    other_name = rf.text(other.get("name")) or texts.UNKNOWN
    if package_match_key(current_name) == package_match_key(other_name):
        return texts.OWN_COMPARISON_SAME_PACKAGE.format(
            name=current_name, monthly_fee=rf.money(current.get("monthly_fee")) or texts.UNKNOWN
        )
    rows = [
        texts.COMPARISON_HEADER,
        _row(texts.OWN_COMPARISON_CURRENT.format(name=current_name), current),
        _row(other_name, other),
    ]
    current_fee = rf.decimal_of(current.get("monthly_fee"))
    other_fee = rf.decimal_of(other.get("monthly_fee"))
    if current_fee is not None and other_fee is not None:
        difference = other_fee - current_fee
        if difference == 0:
            rows.append(texts.OWN_COMPARISON_EQUAL.format(monthly_fee=format_money(other_fee)))
        else:
            template = texts.OWN_COMPARISON_MORE if difference > 0 else texts.OWN_COMPARISON_LESS
            rows.append(template.format(name=other_name, difference=format_money(abs(difference))))
    data = _data_difference(current, other)
    if data:
        rows.append(data)
    commitment = rf.number(other.get("contract_duration"))
    cancellation = rf.money(other.get("cancellation_fee"))
    if commitment and commitment != "0" and cancellation:
        rows.append(
            texts.OWN_COMPARISON_COMMITMENT.format(months=commitment, cancellation=cancellation)
        )
    rows.append(texts.PACKAGE_DETAILS_CLOSING)
    return "\n".join(rows)


def _data_difference(current: Mapping[str, Any], other: Mapping[str, Any]) -> str | None:
    mine = rf.decimal_of(_features(current).get("internet_gb"))
    theirs = rf.decimal_of(_features(other).get("internet_gb"))
    if mine is None or theirs is None or mine == theirs:
        return None
    template = texts.OWN_COMPARISON_MORE_DATA if theirs > mine else texts.OWN_COMPARISON_LESS_DATA
    return template.format(gb=rf.number(abs(theirs - mine)))


# --- autopay ------------------------------------------------------------------------

_AUTOPAY = (
    "otomatik odeme",
    "otomatik ode",
    "otomatik odm",
    "oto odeme",
    "otomatik talimat",
    "odeme talimat",
    "otomatik mi",
    "otomatikmi",
    "otomatik olarak",
    "otomatik cek",
    "otomatige",
    "otomatikte",
    "otomatikten",
    "otomatik odeniyor",
    "kendiliginden",
    "autopay",
    "auto pay",
    "automatic payment",
)
_ASKS_STATE = (
    "acik mi",
    "acikmi",
    "aktif mi",
    "aktifmi",
    "kapali mi",
    "kapalimi",
    "devrede mi",
    "var mi",
    "varmi",
    "var midir",
    "yok mu",
    "tanimli mi",
    "tanimlimi",
    "kayitli mi",
    "bagli mi",
    "kurulu mu",
    "verdim mi",
    "vermis miyim",
    "verilmis mi",
    "verdik mi",
    "acilmis mi",
    "durum",
    "odeniyor mu",
    "cekiliyor mu",
    "mi odeniyor",
    "mi cekiliyor",
    "mi oduyor",
    "mi odeniyo",
    "otomatik mi",
    "otomatikmi",
    "acik olup olmadig",
    "aktif olup olmadig",
    "olup olmadig",
    "is autopay",
    "is my autopay",
    "do i have",
)


def asks_autopay_status(text: str) -> bool:
    """ "Otomatik ödeme talimatım var mı", "faturam otomatik mi ödeniyor": is autopay on."""
    message = analyse(text)
    return message.has(*_AUTOPAY) and message.has(*_ASKS_STATE)


def autopay_answer(profile: Mapping[str, Any]) -> str | None:
    """Whether autopay is on, and by which method; None when the profile does not say."""
    enabled = profile.get("autopay_enabled")
    if not isinstance(enabled, bool):
        return None
    if not enabled:
        return f"{texts.AUTOPAY_STATUS_OFF}\n{texts.OFFER_AUTOPAY}"
    method = texts.AUTOPAY_METHODS.get(str(profile.get("autopay_method") or ""))
    if method:
        return texts.AUTOPAY_STATUS_ON_WITH.format(method=method)
    return texts.AUTOPAY_STATUS_ON


# --- results earlier in the conversation ----------------------------------------------


def _results(turns: Sequence[ChatTurn]) -> list[tuple[ToolCall, dict[str, Any]]]:
    """Every (call, readable result) of ``turns``, oldest first."""
    found: list[tuple[ToolCall, dict[str, Any]]] = []
    index = 0
    while index < len(turns):
        turn = turns[index]
        if not turn.is_tool_call:
            index += 1
            continue
        calls = turn.tool_calls
        index += 1
        position = 0
        while index < len(turns) and turns[index].role == "tool":
            if position < len(calls):
                result = rf.parse_result(turns[index].content)
                if isinstance(result, dict) and rf.error_of(result) is None:
                    found.append((calls[position], result))
            position += 1
            index += 1
    return found


def _user_turns_since(turns: Sequence[ChatTurn], call: ToolCall) -> int:
    """How many customer messages came after the turn that made ``call``."""
    for index in range(len(turns) - 1, -1, -1):
        if call in turns[index].tool_calls:
            return sum(1 for turn in turns[index + 1 :] if turn.role == "user")
    return len(turns)


# --- the own package's commitment --------------------------------------------------------

# "Taahhüdüm ne zaman bitiyor", "cayma bedeli ne kadar", "sözleşmem ne zaman bitiyor".
_CONTRACT = ("taahhut", "taahhud", "cayma", "sozlesme", "kontrat", "commitment")


def asks_own_contract(text: str) -> bool:
    """Whether ``text`` asks about the commitment of the customer's own package.

    A package named ("Gamer Pro'nun cayma bedeli") is asked about by its details instead.
    """
    message = analyse(text)
    return message.has(*_CONTRACT) and not find_packages(message)


def names_own_contract(text: str) -> bool:
    """ "Taahhüdüm", "sözleşmem", "benim paketimin cayması": the customer's own, explicitly."""
    return analyse(text).has(*_OWN_CONTRACT)


# Words that make the commitment asked about the customer's own.
_OWN_CONTRACT = (
    "taahhudum",
    "sozlesmem",
    "kontratim",
    "benim",
    "paketim",
    "tarifem",
    "mevcut paket",
    "hattim",
    "my contract",
)


def contract_answer(
    own: Mapping[str, Any], details: Mapping[str, Any], today: date | None = None
) -> str:
    """The own package's commitment: its length, start and end, and the cancellation fee.

    ``today`` (Istanbul) tells a commitment still running from one that has ended.
    """
    today = today or datetime.now(ISTANBUL).date()
    name = rf.text(own.get("package_name")) or rf.text(details.get("name")) or texts.UNKNOWN
    months = details.get("contract_duration")
    fee = rf.money(details.get("cancellation_fee"))
    if not isinstance(months, int) or months <= 0:
        return texts.CONTRACT_NONE.format(package=name)
    lines = [texts.CONTRACT_LENGTH.format(package=name, months=months)]
    started = rf.date_of(own.get("activation_date"))
    ends = _months_after(started, months) if started is not None else None
    if started is not None and ends is not None and ends <= today:
        lines.append(texts.CONTRACT_ENDED.format(start=format_day(started), end=format_day(ends)))
        return "\n".join(lines)
    if started is not None and ends is not None:
        lines.append(texts.CONTRACT_DATES.format(start=format_day(started), end=format_day(ends)))
    if fee:
        lines.append(texts.CONTRACT_FEE.format(fee=fee))
    return "\n".join(lines)


def _months_after(start: date, months: int) -> date:
    """``start`` moved ``months`` calendar months on (the day clamped to the month's end)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# --- a disputed bill item -------------------------------------------------------------

# "Ben almadım", "istemedim", "yanlış yansımış", "haksız ücret": the customer disputes it.
_DISPUTE = (
    "almadim",
    "almadik",
    "almadig",
    "istemedim",
    "istemedik",
    "istemedig",
    "talep etmedi",
    "onaylamadi",
    "kullanmadim",
    "kullanmadik",
    "kullanmadig",
    "yuklemedim",
    "tanimlamadim",
    "benim degil",
    "bana ait degil",
    "haberim yok",
    "yanlis yansi",
    "yanlis yaz",
    "yanlis gel",
    "yanlis fatura",
    "yanlislik",
    "hatali yansi",
    "hatali ucret",
    "hatali fatura",
    "haksiz",
    "fazladan",
    "itiraz ed",
    "itiraz etmek",
    "itirazim var",
    "itiraz ediyorum",
    "kabul etmiyorum",
    "neden yansi",
    "niye yansi",
    "didn't buy",
    "did not buy",
    "never ordered",
    "not mine",
    "wrong charge",
    "dispute",
)
# What on a bill can be disputed.
_CHARGE_WORDS = (
    "ek paket",
    "ekpaket",
    "paket",
    "ucret",
    "kalem",
    "fatura",
    "yurt disi",
    "yurtdisi",
    "roaming",
    "gb",
    "tl$",
    "lira",
    "tutar",
    "kesinti",
    "borc",
    "charge",
    "bundle",
    "bunu",
    "bunlari",
    "onu",
)
# Words that pick a bill item out: "ek paket" -> "Ek paket: 5 GB internet".
_ITEM_HINTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("ek paket", "ekpaket", "gb"), ("ek paket", "extra", "add-on")),
    (("yurt disi", "yurtdisi", "roaming"), ("yurt dışı", "roaming")),
    (("kdv",), ("kdv",)),
    (("vergi", "oiv"), ("vergi",)),
    (("gecikme",), ("gecikme",)),
)


# A dispute already filed: "açtığım itiraz kaydı", "T-2026-000580": its status is asked.
_FILED = ("kayd", "kayit", "basvuru", "talebim", "ticket")
_TICKET_ID = re.compile(r"\bt-?\d{4}-?\d+", re.IGNORECASE)


def disputes_charge(text: str) -> bool:
    """ "Ben o ek paketi almadım", "yurt dışı ücreti yanlış yansımış": a charge disputed."""
    message = analyse(text)
    if message.has(*_FILED) or _TICKET_ID.search(text):
        return False
    return message.has(*_DISPUTE) and (message.has(*_CHARGE_WORDS) or "almadim" in message.folded)


# The billing ticket asked for in the dispute itself: "şikayet açın", "itiraz kaydı açın".
_FILE_NOW = (
    "sikayet ac",
    "sikayet olustur",
    "sikayet kayd",
    "itiraz kayd",
    "itiraz ac",
    "itiraz olustur",
    "kayit ac",
    "kayd ac",
    "kayit olustur",
    "sikayetciyim",
)
# "Açtığım itiraz kaydı ne oldu": a ticket filed before, whose status is asked.
_FILED_BEFORE = ("actigim", "acilan", "actiginiz", "acmistim", "acmistiniz", "olusturdugum")


def files_dispute(text: str) -> bool:
    """ "O ek paketi almadım, şikayet açın": a disputed charge and, in the same
    message, the billing ticket asked for (proposed at once, not offered)."""
    message = analyse(text)
    if _TICKET_ID.search(text) or message.has(*_FILED_BEFORE) or not message.has(*_FILE_NOW):
        return False
    return message.has(*_DISPUTE) and (message.has(*_CHARGE_WORDS) or "almadim" in message.folded)


def _bill_items(turns: Sequence[ChatTurn]) -> list[dict[str, Any]]:
    """The line items of the newest bill shown in ``turns``."""
    for call, result in reversed(_results(turns)):
        if call.name == "get_current_bill":
            items = result.get("services") or result.get("items")
            return [item for item in items or [] if isinstance(item, dict)]
    return []


def _item_text(item: Mapping[str, Any]) -> str:
    description = (
        rf.text(item.get("service_name")) or rf.text(item.get("description")) or texts.UNKNOWN
    )
    amount = rf.money(item.get("amount"))
    return f"{description} ({amount})" if amount else description


def _disputed_item(text: str, items: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    message = analyse(text)
    for asked, in_item in _ITEM_HINTS:
        if not message.has(*asked):
            continue
        for item in items:
            label = analyse(str(item.get("service_name") or item.get("description") or "")).folded
            if any(analyse(word).folded in label for word in in_item):
                return item
    return None


def dispute_answer(
    text: str, turns: Sequence[ChatTurn], *, acknowledge: bool = True, offer: bool = True
) -> str:
    """Acknowledge the disputed charge, name it from the bill shown, offer a billing ticket.

    ``acknowledge`` False leaves the acknowledgement to the tone's opening line;
    ``offer`` False leaves the offer out (the ticket's card follows instead).
    """
    item = _disputed_item(text, _bill_items(turns))
    lines = [texts.DISPUTE_ACKNOWLEDGED] if acknowledge else []
    if item is not None:
        lines.append(texts.DISPUTE_ITEM.format(item=_item_text(item)))
    lines.append(texts.DISPUTE_NEXT_STEP)
    if offer:
        lines.append(texts.OFFER_BILLING_TICKET)
    return "\n".join(lines)


# --- impatience about a ticket ---------------------------------------------------------

_IMPATIENT = (
    "uzun surdu",
    "cok surdu",
    "uzadi",
    "hala cozul",
    "hala cozulmedi",
    "halen cozul",
    "hala duzel",
    "hala ayni",
    "hala bekli",
    "hala acik",
    "cozulmedi",
    "cozulmemis",
    "duzelmedi",
    "ne zaman bitecek",
    "ne zaman bit",
    "ne zaman cozul",
    "ne zaman duzel",
    "ne zaman halled",
    "ne zamana kadar",
    "daha ne kadar",
    "kac gun oldu",
    "kac gundur",
    "gunlerdir",
    "haftalardir",
    "saatlerdir",
    "bekliyorum",
    "bekletiyorsunuz",
    "bekleyecegim",
    "bekleyecek miyim",
    "sabrim",
    "biktim",
    "yeter artik",
    "ilgilenen yok",
    "ilgilenmiyor",
    "kimse ilgilen",
    "still not",
    "taking too long",
    "how long",
)


def _latest_ticket(turns: Sequence[ChatTurn]) -> tuple[ToolCall, dict[str, Any]] | None:
    for call, result in reversed(_results(turns)):
        if call.name in ("get_fault_ticket_status", "create_fault_ticket") and result.get(
            "ticket_id"
        ):
            return call, result
    return None


def impatient_about_ticket(text: str, turns: Sequence[ChatTurn]) -> bool:
    """ "Hala çözülmedi" within a few messages of a ticket's status or creation."""
    if not analyse(text).has(*_IMPATIENT):
        return False
    latest = _latest_ticket(turns)
    return latest is not None and _user_turns_since(turns, latest[0]) <= 3


def impatience_answer(turns: Sequence[ChatTurn], *, acknowledge: bool = True) -> str | None:
    """Acknowledged, the ticket's status and estimate restated, a person offered.

    ``acknowledge`` False leaves the acknowledgement to the tone's opening line.
    """
    latest = _latest_ticket(turns)
    if latest is None:
        return None
    _, ticket = latest
    ticket_id = rf.text(ticket.get("ticket_id")) or texts.UNKNOWN
    status = str(ticket.get("status") or "")
    label = rf.label(status, texts.TICKET_STATUSES) or texts.UNKNOWN
    lines = [texts.IMPATIENCE_ACKNOWLEDGED] if acknowledge else []
    if status == "resolved":
        resolved = rf.moment(ticket.get("resolved_at"))
        lines.append(
            texts.IMPATIENCE_RESOLVED.format(ticket_id=ticket_id, resolved_at=resolved)
            if resolved
            else texts.TICKET_STATUS.format(ticket_id=ticket_id, status=label) + "."
        )
        lines.append(texts.HUMAN_AGENT_OFFER)
        lines.append(texts.ASK_FAULT_DESCRIPTION)
        return "\n".join(lines)
    lines.append(texts.TICKET_STATUS.format(ticket_id=ticket_id, status=label) + ".")
    estimate = rf.moment(ticket.get("estimated_resolution"))
    if estimate:
        lines.append(texts.TICKET_ESTIMATE.format(estimate=estimate))
    lines.append(texts.HUMAN_AGENT_OFFER)
    return "\n".join(lines)
