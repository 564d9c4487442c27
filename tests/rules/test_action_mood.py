"""A message about an action that does not ask for it gets no card.

Saying no to the action's own verb, wondering about it (a conditional,
"düşünüyorum", "zorunda mıyım") and polite requests, as customers write them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.rules import RulesReply, texts
from agent.rules.tool_contract import ACTIONS


@pytest.mark.parametrize(
    "text",
    [
        "roamingi açmayın",
        "roamingi açma",
        "faturamı ödemeyeceğim",
        "faturamı kartımdan çekmeyin",
        "paketimi değiştirmeyin",
        "hattımı kapatmayın lütfen",
    ],
)
def test_saying_no_to_the_action_proposes_nothing(
    ask: Callable[..., RulesReply], text: str
) -> None:
    reply = ask(text)

    assert not any(call.name in ACTIONS for call in reply.tool_calls)
    assert reply.tool_calls or reply.text == texts.DECLINED


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("faturamı ödemeyi düşünüyorum ama önce tutarı söyle", "get_current_bill"),
        ("ödeme yapmak zorunda mıyım", "get_current_bill"),
        ("faturamı ödemem gerekiyor mu", "get_current_bill"),
        ("premium pakete geçsem kaç para", "get_package_details"),
        ("süper konuşmaya geçsek ne değişir", "get_package_details"),
    ],
)
def test_wondering_about_the_action_gets_the_facts_instead(
    ask: Callable[..., RulesReply], text: str, tool: str
) -> None:
    reply = ask(text)

    assert [call.name for call in reply.tool_calls] == [tool]


def test_wondering_about_a_suspension_gets_its_terms(ask: Callable[..., RulesReply]) -> None:
    reply = ask("hattımı dondursam ücret çıkar mı")

    assert reply.tool_calls == ()
    assert "90 gün" in reply.text
    assert "25,00 TL" in reply.text
    assert "askerlik" in reply.text


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("faturamı öder misiniz", "pay_bill"),
        ("roaming açar mısınız", "enable_roaming"),
        ("roaming istemiyorum kapatın", "enable_roaming"),
        ("internetim açılmıyor arıza kaydı açın", "create_fault_ticket"),
        ("otomatik ödeme talimatı vermek istiyorum", "setup_autopay"),
        ("Mega İnternet paketine geçmek istiyorum", "change_package"),
    ],
)
def test_requests_are_still_proposed(ask: Callable[..., RulesReply], text: str, tool: str) -> None:
    reply = ask(text)

    assert [call.name for call in reply.tool_calls] == [tool]
    assert tool in ACTIONS


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("adresimi güncellemem lazım", "update_customer_contact"),
        ("faturamı ödemem gerek", "pay_bill"),
        ("paketimi değiştirmem lazım", "change_package"),
    ],
)
def test_a_need_in_the_first_person_is_a_request_not_a_refusal(
    ask: Callable[..., RulesReply], text: str, tool: str
) -> None:
    reply = ask(text)

    assert reply.text != texts.DECLINED
    # Proposed, or its missing value asked for (the package list for a package change).
    assert [call.name for call in reply.tool_calls] in ([tool], [], ["get_available_packages"])


@pytest.mark.parametrize(
    "text",
    ["roaming açık mı", "yurt disi kullanimim acik mi", "roamingim aktif mi acaba"],
)
def test_asking_whether_roaming_is_on_shows_it_and_proposes_nothing(
    ask: Callable[..., RulesReply], text: str
) -> None:
    reply = ask(text)

    assert [call.name for call in reply.tool_calls] == ["get_customer_package"]
