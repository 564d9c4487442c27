"""Two requests in one message, both answered.

"faturamı göster bir de kalan internetim ne kadar" asks two things. The
message is cut at its joints ("ve", "bir de", "ayrıca", commas, sentence
ends) and every part is understood on its own; when two or more parts ask
for different tools, the message holds several requests:

* requests that only read run together, in one step (the answers are joined);
* an action (anything the customer confirms on a card) cannot share the
  turn with an answer: the agent loop ends a turn that proposes an action
  with the proposal alone. So the reading requests are answered first and
  the answer ends with an explicit offer for the action ("İsterseniz
  faturanızı ödemek için de yardımcı olabilirim; başlatayım mı?"); a yes
  proposes it. Only actions ("roaming aç ve faturamı öde") are proposed
  together, one card each.

A message whose parts are one problem told twice ("internetim yavaş ve
sürekli kopuyor") stays one request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from agent import consent
from agent.rules import texts
from agent.rules.dialogue import user_text_before
from agent.rules.intents import Understanding, understand
from agent.turns import ChatTurn, ToolCall

# Tools that change the account: proposed on a card, confirmed by the customer.
ACTIONS: Final = frozenset(texts.REQUEST_NAMES)
# Tools that look at one problem from different sides: never two requests.
_ONE_PROBLEM: Final = frozenset(
    {
        "create_fault_ticket",
        "test_internet_speed",
        "check_network_status",
        "get_customer_profile",
        "get_fault_ticket_status",
    }
)
# A part must be understood at least this surely to count as a request.
_MIN_SCORE: Final = 3
# Words that join two requests ("faturamı göster ve öde", "bir de kalan internetim").
_CONJUNCTIONS: Final = re.compile(
    r"\s+(?:ve|bir de|birde|bi de|bide|ayrıca|ayrica|hem de|sonra da|ardından|ardindan"
    r"|and|also)\s+",
    re.IGNORECASE,
)
# "faturamı ödeyip talimat da verin", "roamingi açıp paketimi değiştirin": an action verb
# with "-(y)Ip" joins two requests like "ve".
_CONVERB: Final = re.compile(
    r"\b(öde|ode|aç|ac|kapat|geç|gec|değiştir|degistir|dondur|yap|ed)y?[iıuü]p\b",
    re.IGNORECASE,
)
# Commas and sentence ends also join the parts of one request ("paketim ne, kaç GB
# veriyordu?"): there, only requests about different subjects count as two.
_PAUSES: Final = re.compile(r"\s*(?:[,;]|(?<=[.?!])\s)\s*")
_SUBJECTS: Final = {
    **dict.fromkeys(
        ("get_current_bill", "get_past_bills", "pay_bill", "get_payment_history", "setup_autopay"),
        "bill",
    ),
    **dict.fromkeys(
        (
            "get_customer_package",
            "get_remaining_quotas",
            "change_package",
            "get_available_packages",
            "get_package_details",
        ),
        "package",
    ),
    "enable_roaming": "roaming",
    "update_customer_contact": "contact",
}
_OFFER: Final = re.compile(
    re.escape(texts.OFFER_NEXT_REQUEST).replace(re.escape("{request}"), "(?P<request>.+?)")
)


class Planned(Protocol):
    """The engine's reply to one request: a question, or the calls to make."""

    @property
    def text(self) -> str: ...

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]: ...


# Plans one request: (tool, arguments) -> the engine's reply to it alone.
Planner = Callable[[str, Mapping[str, Any]], Planned]


@dataclass(frozen=True)
class Plan:
    """What to do now for a message with several requests."""

    text: str
    calls: tuple[ToolCall, ...]


def requests_of(text: str) -> tuple[Understanding, ...]:
    """The separate requests of ``text`` in order; empty when it holds one request or none."""
    found: dict[str, Understanding] = {}
    for clause in _CONJUNCTIONS.split(_CONVERB.sub(r"\1 ve", text)):
        in_clause = [_understood(part) for part in _PAUSES.split(clause)]
        requests = [request for request in in_clause if request is not None]
        # Reading requests about one subject are one request told in parts; an action
        # next to a question ("faturam ne kadar, kartla ödemek istiyorum") is its own.
        reads = [request for request in requests if request.tool not in ACTIONS]
        subjects = {_SUBJECTS.get(str(request.tool), request.tool) for request in reads}
        if len(subjects) < len(reads):
            requests = [r for r in [_understood(clause)] if r is not None]
        for request in requests:
            found.setdefault(str(request.tool), request)
    if len(found) < 2 or (len(_ONE_PROBLEM.intersection(found)) > 1 and not _asked_apart(found)):
        return ()
    if understand(text).tool not in found:
        return ()  # the parts read differently from the whole: one request after all
    return tuple(found.values())


def _asked_apart(found: Mapping[str, Understanding]) -> bool:
    """ "hız testi yap bir de İzmir'de arıza var mı": a measurement and a named place's status.

    Two views of one problem are one request ("internetim yavaş, kopuyor"); a speed
    test asked for by name and the status of a place named are two.
    """
    if set(found) != {"test_internet_speed", "check_network_status"}:
        return False
    return bool(found["check_network_status"].args.get("region"))


def _understood(part: str) -> Understanding | None:
    """``part`` as a request of its own, or None when it asks for no tool surely."""
    if not part.strip():
        return None
    understood = understand(part)
    if understood.tool is None or understood.score < _MIN_SCORE:
        return None
    return understood


def plan(turns: Sequence[ChatTurn], planner: Planner) -> Plan | None:
    """The step for the newest message when it accepts an offer or holds several requests."""
    accepted = _offer_answered(turns)
    if accepted is False:
        return Plan(texts.DECLINED, ())
    if isinstance(accepted, Understanding) and accepted.tool is not None:
        planned = planner(accepted.tool, accepted.args)
        return Plan(planned.text, planned.tool_calls)
    requests = requests_of(turns[-1].content)
    if not requests:
        return None
    reading = [request for request in requests if request.tool not in ACTIONS]
    now = reading or list(requests)
    calls: list[ToolCall] = []
    for request in now:
        assert request.tool is not None
        planned = planner(request.tool, request.args)
        if not planned.tool_calls or planned.text:
            return None  # a part needs a question first: the message is taken as one request
        calls.extend(c for c in planned.tool_calls if c.name not in {d.name for d in calls})
    return Plan("", tuple(calls))


def waiting_action(turns: Sequence[ChatTurn]) -> Understanding | None:
    """The action of the message whose reading requests were just answered, if any."""
    call_index = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].is_tool_call), None)
    if call_index is None:
        return None
    asked = user_text_before(turns, call_index)
    done = {call.name for call in turns[call_index].tool_calls}
    if not asked or done & ACTIONS:
        return None
    waiting = [r for r in requests_of(asked) if r.tool in ACTIONS and r.tool not in done]
    return waiting[0] if waiting and waiting[0].tool is not None else None


def with_rest_offered(answer: str, turns: Sequence[ChatTurn]) -> str:
    """``answer`` to the reading requests, with the message's action offered after it.

    Used when the action needs a question first (a contact value, a reason);
    otherwise the engine proposes it with the answer (``router``).
    """
    waiting = waiting_action(turns)
    if waiting is None or waiting.tool is None:
        return answer
    offer = texts.OFFER_NEXT_REQUEST.format(request=texts.REQUEST_NAMES[waiting.tool])
    return f"{answer}\n\n{offer}"


def _offer_answered(turns: Sequence[ChatTurn]) -> Understanding | bool | None:
    """The offered request on a yes, False on a no, None when no offer was answered."""
    if len(turns) < 2 or turns[-2].role != "assistant" or turns[-2].tool_calls:
        return None
    match = _OFFER.search(turns[-2].content)
    if match is None:
        return None
    tool = next((t for t, name in texts.REQUEST_NAMES.items() if name == match["request"]), None)
    asked = user_text_before(turns, len(turns) - 2)
    if tool is None or asked is None:
        return None
    answer = consent.yes_no(turns[-1].content, tool)
    if answer is None:
        return None
    if answer is False:
        return False
    return next((r for r in requests_of(asked) if r.tool == tool), None)
