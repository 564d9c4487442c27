"""Calls a request needs beyond its main tool: in the same step, or after a result.

Some answers are only complete with a second call:

* in the same step (``companion_calls``): a comparison needs the details of
  every package named ("Mega İnternet ile Süper Konuşma arasındaki fark"); a
  cheaper package is chosen against the customer's own package;
* after a result, in the same turn (``chained_calls``): "niye bu kadar yüksek,
  normalde 90 lira geliyordu" answered from the bill list reads the current
  bill's items (the cause) as well; a line that does not
  work is checked for an outage in the customer's city once the line proves
  active; "ne kadar borcum var" reads every unpaid bill after the current one;
  "en ucuz pakete geç" proposes the change once the cheapest package the
  customer can take is known.

Both return nothing when the request needs no more; the engine then answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from agent import result_fields as rf
from agent.rules.account_questions import asks_autopay_status, asks_own_contract
from agent.rules.bill_questions import BillPick, is_debt_question, read_bill_question
from agent.rules.dialogue import user_text_before
from agent.rules.intents import understand
from agent.rules.line_check import asks_state_only, is_line_check, line_state
from agent.rules.normalize import Message, analyse
from agent.rules.slots import find_packages
from agent.turns import ChatTurn, ToolCall
from db.reference_data import CATALOGUE, package_match_key

# "Daha uygun / daha ucuz / en ucuz bir pakete geç": a cheaper package is wanted.
_CHEAPER = ("daha uygun", "daha ucuz", "en ucuz", "en uygun", "ucuz bir", "uygun bir", "cheaper")
# Why a bill is what it is, and that it is more than usual.
_WHY = ("neden", "niye", "nicin", "niçin", "artt", "fazla gel", "cok gel", "yuksek gel", "why")
_HIGH = ("yuksek", "fazla", "cok", "artt", "kabarik", "tuzlu", "pahali", "high", "much")
# "En ucuz pakete geç": the cheapest one, no need to ask which.
_CHEAPEST = ("en ucuz", "en uygun", "cheapest")


# "Daha çok internet", "dakikam yetmiyor", "paketimi yükseltmek": more than the own package.
_MORE = ("daha cok", "daha fazla", "daha buyuk", "daha yuksek", "yukselt", "yetmiyor", "buyut")
# The feature a "more" names, and the one a bare "daha büyük paket" means.
_FEATURES_NAMED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("voice_minutes", ("dakika", "konusma", "dk$", "minute")),
    ("sms_count", ("sms", "mesaj")),
    ("internet_gb", ("internet", "gb$", "data", "veri")),
)
_DEFAULT_FEATURE = "internet_gb"


def wants_more(text: str) -> str | None:
    """The feature ("internet_gb", ...) of which "daha çok internetli paket", "paketimi
    yükseltmek istiyorum" asks for more than the own package gives; None for another ask."""
    message = analyse(text)
    if not message.has(*_MORE) or wants_cheaper(text):
        return None
    for feature, cues in _FEATURES_NAMED:
        if message.has(*cues):
            return feature
    return _DEFAULT_FEATURE if message.has("paket", "tarife", "yukselt", "buyut") else None


def more_than_own(
    available: Mapping[str, Any], current: Mapping[str, Any], feature: str
) -> tuple[dict[str, Any], ...]:
    """The packages open to the customer that give more of ``feature``, cheapest first."""
    own = _amount(current, feature)
    own_group = _eligibility(rf.text(current.get("package_name")))
    more = [
        package
        for package in available.get("packages") or []
        if isinstance(package, dict)
        and (name := rf.text(package.get("name"))) is not None
        and _amount(package, feature) > own
        and _open_to_customer(package, name, own_group)
    ]
    more.sort(key=lambda package: rf.decimal_of(package.get("monthly_fee")) or Decimal(0))
    return tuple(more)


def _amount(package: Mapping[str, Any], feature: str) -> float:
    features = package.get("features")
    value = features.get(feature) if isinstance(features, Mapping) else None
    return float(value) if isinstance(value, int | float) else 0.0


def asks_why_high(text: str) -> bool:
    """ "Niye bu kadar yüksek", "bu ay fazla gelmiş": why a bill came to more than usual."""
    message = analyse(text)
    return message.has(*_WHY) and message.has(*_HIGH)


def wants_cheaper(text: str) -> bool:
    """ "Daha uygun bir pakete geçmek istiyorum": a switch to a cheaper, unnamed package."""
    understood = understand(text)
    return (
        understood.tool == "change_package"
        and not understood.args.get("new_package_name")
        and analyse(text).has(*_CHEAPER)
    )


def companion_calls(
    calls: Sequence[ToolCall], text: str, customer_id: int | None
) -> tuple[ToolCall, ...]:
    """Calls to make together with ``calls`` (the step planned for ``text``)."""
    if not calls:
        return ()
    first = calls[0]
    message = analyse(text)
    if first.name == "get_package_details":
        shown = package_match_key(str(first.arguments.get("package_name") or ""))
        return tuple(
            ToolCall("get_package_details", {"package_name": name})
            for name in find_packages(message)
            if package_match_key(name) != shown
        )
    if (
        first.name == "get_available_packages"
        and customer_id is not None
        and (wants_cheaper(text) or wants_more(text) is not None)
    ):
        return (ToolCall("get_customer_package", {"user_id": customer_id}),)
    return ()


def chained_calls(turns: Sequence[ChatTurn], customer_id: int | None) -> tuple[ToolCall, ...]:
    """The next calls of this turn once the newest results are in; () when the answer is due."""
    call_index = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].is_tool_call), None)
    if call_index is None or customer_id is None:
        return ()
    calls = turns[call_index].tool_calls
    results = [rf.parse_result(turn.content) for turn in turns[call_index + 1 :]]
    if len(results) != len(calls) or any(
        result is None or rf.error_of(result) is not None for result in results
    ):
        return ()
    asked = user_text_before(turns, call_index) or ""
    by_tool: dict[str, dict[str, Any]] = {
        call.name: result for call, result in zip(calls, results, strict=True) if result
    }
    names = [call.name for call in calls]
    if (
        names == ["get_customer_profile"]
        and is_line_check(asked)
        and not asks_autopay_status(asked)
    ):
        state = line_state(by_tool["get_customer_profile"])
        if not state.suspended and state.active and state.city and not asks_state_only(asked):
            return (ToolCall("check_network_status", {"region": state.city}),)
        return ()
    if names == ["get_past_bills"] and asks_why_high(asked):
        # "Niye bu kadar yüksek, normalde 90 lira geliyordu": the cause is in the bill's items.
        question = read_bill_question(asked)
        if question is None or question.pick is BillPick.TYPICAL:
            return (ToolCall("get_current_bill", {"user_id": customer_id}),)
        return ()
    if names == ["get_customer_package"] and asks_own_contract(asked):
        # "Taahhüdüm ne zaman bitiyor": the commitment is in the own package's details.
        own = rf.text(by_tool["get_customer_package"].get("package_name"))
        if own:
            return (ToolCall("get_package_details", {"package_name": own}),)
        return ()
    if names == ["get_current_bill"] and is_debt_question(asked):
        return (ToolCall("get_past_bills", {"user_id": customer_id, "limit": 12}),)
    if set(names) == {"get_available_packages", "get_customer_package"} and wants_cheaper(asked):
        choice = cheaper_choice(
            by_tool["get_available_packages"], by_tool["get_customer_package"], analyse(asked)
        )
        if choice.proposal is not None:
            return (
                ToolCall(
                    "change_package", {"user_id": customer_id, "new_package_name": choice.proposal}
                ),
            )
    return ()


@dataclass(frozen=True)
class CheaperChoice:
    """Packages cheaper than the customer's, among those the customer can take."""

    current: str | None
    current_fee: Decimal | None
    cheaper: tuple[dict[str, Any], ...]  # cheapest first
    restricted: tuple[str, ...]  # cheaper ones open only to a group (students, ...)
    proposal: str | None  # the package to propose at once, when the choice is clear


def cheaper_choice(
    available: Mapping[str, Any], current: Mapping[str, Any], asked: Message
) -> CheaperChoice:
    """Which cheaper package to propose for "en ucuz / daha uygun bir pakete geç"."""
    current_name = rf.text(current.get("package_name"))
    current_fee = rf.decimal_of(current.get("monthly_fee"))
    own_group = _eligibility(current_name)
    cheaper: list[dict[str, Any]] = []
    restricted: list[str] = []
    for package in available.get("packages") or []:
        if not isinstance(package, dict):
            continue
        fee = rf.decimal_of(package.get("monthly_fee"))
        name = rf.text(package.get("name"))
        if fee is None or name is None or current_fee is None or fee >= current_fee:
            continue
        if _open_to_customer(package, name, own_group):
            cheaper.append(package)
        else:
            restricted.append(name)
    cheaper.sort(key=lambda package: rf.decimal_of(package.get("monthly_fee")) or Decimal(0))
    proposal = None
    if cheaper and (len(cheaper) == 1 or asked.has(*_CHEAPEST)):
        proposal = rf.text(cheaper[0].get("name"))
    return CheaperChoice(current_name, current_fee, tuple(cheaper), tuple(restricted), proposal)


def _open_to_customer(package: Mapping[str, Any], name: str, own_group: str | None) -> bool:
    """Whether the customer may take ``package``.

    The tool says so (``eligible``) for a package reserved for a group when it
    knows the customer; without that, a reserved package counts as open only
    to a customer already on a package of the same group.
    """
    eligible = package.get("eligible")
    if isinstance(eligible, bool):
        return eligible
    group = _eligibility(name)
    return group is None or group == own_group


def _eligibility(name: str | None) -> str | None:
    """The customer group a catalogue package is reserved for (None: open to all)."""
    if not name:
        return None
    key = package_match_key(name)
    for spec in CATALOGUE:
        if package_match_key(spec.name) == key:
            return spec.eligibility
    return None
