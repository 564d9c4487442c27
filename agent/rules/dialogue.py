"""The engine's memory between turns, derived from the dialogue itself.

The engine keeps no state. When it needs an argument it asks one of the
questions in ``texts``; on the next turn it finds that question in the last
assistant message and reads the customer's answer as the missing argument
("Hangi pakete geçmek istersiniz?" -> "premium olsun" -> change_package).
Nothing hidden is stored in the conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# A module import: agent.consent reads with the rules' own parts (a cycle by name only).
from agent import consent
from agent.rules import texts
from agent.rules.normalize import Message, analyse
from agent.rules.slots import (
    clean_free_text,
    find_contact_type,
    find_contact_value,
    find_on_off,
    find_package,
    find_place,
    find_suspension_reason,
    find_ticket_id,
    has_address_marks,
    looks_like_address,
)
from agent.turns import ChatTurn

# The slot of a yes/no offer: the answer confirms the preset arguments.
CONFIRM = "confirm"


@dataclass(frozen=True)
class Question:
    """A question the engine asks, and what its answer fills."""

    text: str
    tool: str
    slot: str
    preset: Mapping[str, Any] = field(default_factory=dict)


QUESTIONS: tuple[Question, ...] = (
    Question(texts.ASK_PACKAGE_CHANGE, "change_package", "new_package_name"),
    Question(texts.ASK_PACKAGE_DETAILS, "get_package_details", "package_name"),
    Question(texts.ASK_REGION, "check_network_status", "region"),
    Question(texts.ASK_TICKET_ID, "get_fault_ticket_status", "ticket_id"),
    Question(texts.ASK_FAULT_DESCRIPTION, "create_fault_ticket", "issue_description"),
    Question(texts.ASK_CONTACT_TYPE, "update_customer_contact", "contact_type"),
    Question(
        texts.ASK_NEW_EMAIL, "update_customer_contact", "new_value", {"contact_type": "email"}
    ),
    Question(
        texts.ASK_NEW_PHONE, "update_customer_contact", "new_value", {"contact_type": "phone"}
    ),
    Question(
        texts.ASK_NEW_ADDRESS, "update_customer_contact", "new_value", {"contact_type": "address"}
    ),
    Question(texts.ASK_SUSPEND_REASON, "suspend_line", "reason"),
    Question(texts.ASK_AUTOPAY_STATUS, "setup_autopay", "status"),
    Question(texts.ASK_ROAMING_STATUS, "enable_roaming", "status"),
    Question(texts.OFFER_ROAMING, "enable_roaming", CONFIRM, {"status": True}),
    Question(texts.OFFER_AUTOPAY, "setup_autopay", CONFIRM, {"status": True}),
    Question(texts.OFFER_FAULT_TICKET, "create_fault_ticket", CONFIRM, {"category": "internet"}),
    # A disputed bill item: the customer's complaint becomes a billing ticket.
    Question(texts.OFFER_BILLING_TICKET, "create_fault_ticket", CONFIRM, {"category": "billing"}),
    Question(texts.OFFER_REACTIVATE, "reactivate_line", CONFIRM),
    # The tool reads the category from the customer's words ("arayamıyorum": voice).
    Question(texts.OFFER_LINE_FAULT_TICKET, "create_fault_ticket", CONFIRM),
)

_NEW_VALUE_QUESTIONS = {
    question.preset["contact_type"]: question
    for question in QUESTIONS
    if question.slot == "new_value"
}


def question_for(tool: str, slot: str, known: Mapping[str, Any]) -> Question:
    """The question that asks for ``slot`` of ``tool``, given the arguments ``known``."""
    if tool == "update_customer_contact" and slot == "new_value":
        return _NEW_VALUE_QUESTIONS[known["contact_type"]]
    for question in QUESTIONS:
        if question.tool == tool and question.slot == slot:
            return question
    raise LookupError(f"no question for {tool}.{slot}")


def pending_question(turns: Sequence[ChatTurn]) -> Question | None:
    """The question the assistant asked right before the newest user message, if any."""
    if len(turns) < 2:
        return None
    previous = turns[-2]
    if previous.role != "assistant" or previous.tool_calls:
        return None
    for question in QUESTIONS:
        if question.text in previous.content:
            return question
    return None


def read_answer(question: Question, text: str) -> Any | None:
    """The value the customer's ``text`` gives for ``question``, or None if it gives none."""
    if question.slot == CONFIRM:
        return consent.yes_no(text, question.tool)
    message = analyse(text)
    if question.slot == "new_value":
        return _new_value(question.preset["contact_type"], message)
    reader = _READERS.get(question.slot)
    return reader(message) if reader is not None else None


def answers_by_its_form(question: Question, text: str) -> bool:
    """Whether ``text`` is the contact value ``question`` asked for, whatever words it holds.

    After "Yeni adresinizi yazar mısınız?" the answer "Fatura Öde Sokak No 5
    Üsküdar" is an address, not a bill payment: a value that has the form
    asked for (an e-mail address, a valid mobile number, an address with a
    street word or a number and a place) is taken as the value, never as a
    new request because of the words in it.
    """
    if question.slot != "new_value":
        return False
    contact_type = question.preset["contact_type"]
    if contact_type == "address":
        return has_address_marks(analyse(text)) and read_answer(question, text) is not None
    return read_answer(question, text) is not None


def _package_name(message: Message) -> str | None:
    mention = find_package(message)
    return mention.name if mention else None


def _new_value(contact_type: str, message: Message) -> str | None:
    value = find_contact_value(contact_type, message.raw)
    if value is None and contact_type == "address":
        # After "Yeni adresinizi yazar mısınız?" the whole answer is the address.
        candidate = clean_free_text(message.raw)
        return candidate if looks_like_address(candidate) else None
    return value


def _description(message: Message) -> str | None:
    return clean_free_text(message.raw) if len(message.tokens) >= 2 else None


def _reason(message: Message) -> str | None:
    """A known reason in its canonical words, else the customer's own words."""
    known = find_suspension_reason(message)
    if known is not None:
        return known
    reason = clean_free_text(message.raw)
    has_words = any(token.folded.isalpha() and len(token.folded) > 2 for token in message.tokens)
    return reason if has_words and len(reason) <= 200 else None


_READERS: dict[str, Callable[[Message], Any]] = {
    "new_package_name": _package_name,
    "package_name": _package_name,
    "region": find_place,
    "ticket_id": lambda message: find_ticket_id(message.raw),
    "issue_description": _description,
    "contact_type": find_contact_type,
    "reason": _reason,
    "status": find_on_off,
}


def user_text_before(turns: Sequence[ChatTurn], index: int) -> str | None:
    """The newest user message strictly before ``turns[index]``."""
    for turn in reversed(turns[:index]):
        if turn.role == "user":
            return turn.content
    return None
