"""Follow-ups in a conversation: references resolved against the chat's dialogue state.

The real runtime (rules backend) on the seeded demo database: each test holds
a conversation as a customer would and checks what the customer notices (the
tool that ran, the facts in the answer). The state is stored with the chat,
so a new runtime on the same database (a restart) still understands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import select

from agent.events import (
    AgentEvent,
    ChatRequest,
    ConfirmationRequested,
    FinalAnswer,
    ToolStarted,
)
from agent.runtime import AgentRuntime
from core.settings import Settings
from db.database import Database
from db.models import Customer, FaultTicket


class Chat:
    """One customer's chat with a runtime; each ``say`` returns (tools, answer)."""

    def __init__(self, runtime: AgentRuntime, chat_id: str, customer: int = 1001) -> None:
        self.runtime = runtime
        self.chat_id = chat_id
        self.customer = customer

    async def say(self, text: str) -> tuple[list[ToolStarted | ConfirmationRequested], str]:
        request = ChatRequest(message=text, chat_id=self.chat_id, customer_id=self.customer)
        events = [event async for event in self.runtime.chat(request)]
        final = events[-1]
        assert isinstance(final, FinalAnswer)
        return [e for e in events if isinstance(e, ToolStarted | ConfirmationRequested)], final.text


def _calls(events: Iterable[AgentEvent]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (event.name, {k: v for k, v in event.arguments.items() if k != "user_id"})
        for event in events
        if isinstance(event, ToolStarted)
    ]


@pytest.fixture
def chat(runtime: AgentRuntime) -> Chat:
    return Chat(runtime, "followups")


async def _shown_packages(chat: Chat) -> list[str]:
    """Ask for the list and return the package names in the order the answer shows them."""
    _, answer = await chat.say("hangi paketler var")
    return [line[2:].split(":")[0] for line in answer.splitlines() if line.startswith("• ")]


async def test_an_ordinal_after_the_list_means_the_package_shown_in_that_place(
    chat: Chat,
) -> None:
    shown = await _shown_packages(chat)
    assert len(shown) >= 3

    events, answer = await chat.say("üçüncüsünün taahhüt cezası ne?")

    assert _calls(events) == [("get_package_details", {"package_name": shown[2]})]
    assert shown[2] in answer
    assert "Cayma bedeli" in answer


async def test_choosing_the_second_package_proposes_that_change(chat: Chat) -> None:
    shown = await _shown_packages(chat)

    events, _ = await chat.say("ikincisine geçeyim")

    assert _calls(events) == [("change_package", {"new_package_name": shown[1]})]


async def test_that_package_means_the_one_just_discussed(chat: Chat) -> None:
    await chat.say("Süper Konuşma paketinin detayları neler")

    events, _ = await chat.say("tamam o pakete geçmek istiyorum")

    assert _calls(events) == [("change_package", {"new_package_name": "Süper Konuşma"})]


async def test_ya_and_a_city_after_a_network_status_asks_the_same_there(chat: Chat) -> None:
    await chat.say("İstanbul'da şebeke durumu nasıl")

    events, answer = await chat.say("ya Bursa?")

    assert _calls(events) == [("check_network_status", {"region": "Bursa"})]
    assert "Bursa" in answer


async def test_my_ticket_after_opening_one_is_that_ticket(chat: Chat) -> None:
    _, proposal = await chat.say("internetim sürekli kopuyor arıza kaydı açın")
    assert "Onaylıyor musunuz" in proposal or "onay" in proposal.lower()
    _, opened = await chat.say("evet")
    ticket = next(word.strip(".,") for word in opened.split() if word.startswith("T-"))

    events, answer = await chat.say("kaydım ne durumda")

    assert _calls(events) == [("get_fault_ticket_status", {"ticket_id": ticket})]
    assert ticket in answer


async def test_a_follow_up_is_understood_after_a_restart(
    service_settings: Settings, database: Database
) -> None:
    first = AgentRuntime(service_settings, database)
    await first.start()
    shown = await _shown_packages(Chat(first, "restart"))
    await first.close()

    second = AgentRuntime(service_settings, database)
    await second.start()
    try:
        events, _ = await Chat(second, "restart").say("ikincisinin detayları")
    finally:
        await second.close()

    assert _calls(events) == [("get_package_details", {"package_name": shown[1]})]


async def test_without_an_earlier_list_an_ordinal_is_not_guessed(chat: Chat) -> None:
    events, _ = await chat.say("ikincisine geçeyim")

    assert not any(name == "change_package" and args for name, args in _calls(events))


async def test_a_short_ya_after_the_quotas_asks_them_again(chat: Chat) -> None:
    await chat.say("kalan kullanımım ne kadar")

    events, answer = await chat.say("peki ya sms?")

    assert _calls(events) == [("get_remaining_quotas", {})]
    assert "SMS" in answer


async def test_my_ticket_without_one_in_the_chat_is_the_customers_open_ticket(
    runtime: AgentRuntime, database: Database
) -> None:
    async with database.sessions() as session:
        tickets = (
            await session.scalars(
                select(FaultTicket)
                .where(FaultTicket.customer_id == 1002)
                .order_by(FaultTicket.created_at.desc())
            )
        ).all()
    still_open = [t for t in tickets if t.status in ("open", "in_progress")]
    expected = (still_open or tickets)[0].id

    events, answer = await Chat(runtime, "my-ticket", customer=1002).say("arıza kaydım ne durumda")

    assert _calls(events) == [("get_fault_ticket_status", {"ticket_id": expected})]
    assert expected in answer


async def test_my_area_is_the_customers_own_city(runtime: AgentRuntime, database: Database) -> None:
    async with database.sessions() as session:
        city = await session.scalar(select(Customer.city).where(Customer.id == 1001))

    events, answer = await Chat(runtime, "my-area").say("bölgemde kesinti var mı")

    assert _calls(events) == [("check_network_status", {"region": city})]
    assert str(city) in answer


async def test_this_month_after_past_bills_is_the_current_bill(chat: Chat) -> None:
    await chat.say("geçmiş faturalarımı göster")

    events, _ = await chat.say("peki bu ayki")

    assert _calls(events) == [("get_current_bill", {})]


async def test_switch_it_off_after_roaming_was_switched_on_proposes_switching_it_off(
    chat: Chat,
) -> None:
    await chat.say("roaming açar mısınız")
    await chat.say("evet")

    events, _ = await chat.say("tamam şimdi kapatın")

    assert _calls(events) == [("enable_roaming", {"status": False})]


async def test_a_ticket_asked_for_later_carries_the_problem_described_earlier(
    chat: Chat,
) -> None:
    await chat.say("internetim çok yavaş hız testi yapar mısın")

    events, answer = await chat.say("tamam yine de arıza kaydı açın")

    ((name, args),) = _calls(events)
    assert name == "create_fault_ticket"
    assert "yavaş" in args["issue_description"]
    assert "anlatır mısınız" not in answer


async def test_asking_when_to_pay_is_a_question_not_a_payment(chat: Chat) -> None:
    _, bill = await chat.say("faturam ne kadar")

    events, answer = await chat.say("ne zamana kadar ödemem lazım")

    assert not any(isinstance(event, ConfirmationRequested) for event in events)
    due = next(line for line in bill.splitlines() if line.startswith("Son ödeme tarihi"))
    assert due in answer


async def test_a_question_of_its_own_while_a_card_waits_is_answered_and_the_card_kept(
    chat: Chat,
) -> None:
    await chat.say("faturamı ödemek istiyorum")

    events, answer = await chat.say("geçen ay ne kadardı")

    assert _calls(events) == [("get_past_bills", {"limit": 12})]
    assert "Fatura tarihi" in answer
    assert "hâlâ onayınızı bekliyor" in answer
    _, restated = await chat.say("tamam mı?")
    assert "onayınızı bekliyor" in restated


async def test_a_region_by_its_short_name_after_a_network_status(chat: Chat) -> None:
    await chat.say("ankarada şebeke sorunu var mı")

    events, answer = await chat.say("peki güneydoğu?")

    assert _calls(events) == [("check_network_status", {"region": "Güneydoğu Anadolu"})]
    assert "Güneydoğu Anadolu" in answer


async def test_switch_it_on_after_asking_about_roaming_proposes_roaming(chat: Chat) -> None:
    await chat.say("hattımda roaming açık mı")

    events, _ = await chat.say("tamam açın")

    assert _calls(events) == [("enable_roaming", {"status": True})]


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("kalan kullanımım ne kadar", "ne zaman yenileniyo bunlar", "Dönem sonu"),
        ("son ödemelerimi göster", "ekimdekini havaleyle mi yapmışım", "Ödeme geçmişiniz"),
        ("faturam ne kadar", "son ödeme günü ne zamandı", "Son ödeme tarihi"),
    ],
)
async def test_a_detail_asked_after_an_answer_is_answered_from_it(
    chat: Chat, first: str, follow_up: str, expected: str
) -> None:
    _, shown = await chat.say(first)
    assert expected in shown

    events, answer = await chat.say(follow_up)

    assert _calls(events) == []
    assert expected in answer


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        ("en ucuzu hangisi", "Öğrenci Dostu Tarife"),
        ("ben öğrenci değilim, bana uygun en ucuz hangisi", "Süper Konuşma"),
        ("bana en az 100 gb internet lazım, en ucuz hangisi", "Premium Paket"),
        ("en hesaplı tarifeniz ne", "Öğrenci Dostu Tarife"),
    ],
)
async def test_the_cheapest_fitting_package_is_named_and_can_be_chosen(
    chat: Chat, asked: str, named: str
) -> None:
    await chat.say("hangi paketleriniz var")
    _, answer = await chat.say(asked)
    assert answer.startswith(f"İhtiyacınıza en uygun paketimiz {named}")

    events, _ = await chat.say("tamam ona geçelim")

    assert [name for name, _ in _calls(events)] == ["change_package"]
    assert _calls(events)[0][1]["new_package_name"] == named


@pytest.mark.parametrize(
    ("change", "contact_type", "value"),
    [
        (
            "onu değiştirelim: Barbaros Bulvarı No: 12 D: 4, Beşiktaş, İstanbul",
            "address",
            "Barbaros Bulvarı No: 12 D: 4, Beşiktaş, İstanbul",
        ),
        ("bunu ali.veli@ornek.com olarak güncelleyin", "email", "ali.veli@ornek.com"),
        ("şunu 0533 444 55 66 yapalım, değiştirin", "phone", "+905334445566"),
    ],
)
async def test_a_change_after_the_profile_takes_the_value_it_gives(
    chat: Chat, change: str, contact_type: str, value: str
) -> None:
    await chat.say("profil bilgilerim neler")

    events, _ = await chat.say(change)

    ((name, args),) = _calls(events)
    assert name == "update_customer_contact"
    assert args["contact_type"] == contact_type
    assert args["new_value"].replace(" ", "") == value.replace(" ", "")


async def test_when_a_waiting_change_takes_effect_is_answered_from_its_card(chat: Chat) -> None:
    _, card = await chat.say("Premium Paket paketine geçmek istiyorum")

    events, answer = await chat.say("ne zaman geçerli olur")

    assert _calls(events) == []
    assert card.split("\n")[0] in answer


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("internet çekmiyo akçaabattayım bugün", "Trabzon"),
        ("Bornova'daki kesinti ne zaman biter", "İzmir"),
        ("kadıköyde şebeke sorunu var mı", "İstanbul"),
        ("çankayada çekim yok", "Ankara"),
    ],
)
async def test_a_district_is_checked_in_its_province(chat: Chat, text: str, province: str) -> None:
    events, answer = await chat.say(text)

    assert ("check_network_status", {"region": province}) in _calls(events)
    assert province in answer


@pytest.mark.parametrize(
    "text",
    [
        "merhaba bu ayki faturam ne kadar, kredi kartıyla ödemek istiyorum",
        "faturam ne kadar geldi? kartla ödeyeyim",
        "faturami goster, havale ile odemek istiyorum",
    ],
)
async def test_a_question_and_an_action_on_one_subject_are_both_served(
    chat: Chat, text: str
) -> None:
    events, answer = await chat.say(text)

    assert [name for name, _ in _calls(events)] == ["get_current_bill", "pay_bill"]
    assert any(isinstance(event, ConfirmationRequested) for event in events)
    assert "güncel faturanız" in answer


async def test_lets_move_then_after_a_packages_details_proposes_that_package(
    chat: Chat,
) -> None:
    await chat.say("Full Paket nasıl bir paket")

    events, _ = await chat.say("geçelim o zaman")

    assert _calls(events) == [("change_package", {"new_package_name": "Full Paket"})]


async def test_a_need_with_using_still_gets_a_package_recommended(chat: Chat) -> None:
    events, answer = await chat.say(
        "cok internet kullaniyorum oyun oynuyorum bana hangi paket uygun"
    )

    assert [name for name, _ in _calls(events)] == ["get_available_packages"]
    assert answer.startswith("İhtiyacınıza en uygun paketimiz Gamer Pro")


async def test_one_word_after_two_answers_asks_about_either(chat: Chat) -> None:
    _, both = await chat.say("faturam ne kadar bir de kalan internetim")
    assert "SMS" in both

    events, answer = await chat.say("sms?")

    assert _calls(events) == []
    assert "SMS" in answer


async def test_the_daily_fee_asked_while_a_roaming_card_waits_restates_the_card(
    chat: Chat,
) -> None:
    await chat.say("roaming açın")

    _, answer = await chat.say("günlüğü ne kadar")

    assert "25,00 TL" in answer
    assert "onayınızı bekliyor" in answer
