"""``RulesEngine``: the deterministic backend's decision for one dialogue step.

Given the dialogue so far, the engine either calls a tool (with the linked
customer's ``user_id``), asks for a missing argument, answers small talk, or,
when the newest turn is a tool result, composes the final Turkish answer from
it. It is stateless and pure: no database, no I/O, the same turns always give
the same reply.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent import consent
from agent import result_fields as rf
from agent.dialogue_state import DialogueState
from agent.rules import (
    account_questions,
    action_mood,
    finishing,
    followups,
    last_answer,
    recommend,
    requests,
    texts,
    third_party,
    tone,
)
from agent.rules.answers import compose_answers
from agent.rules.dialogue import (
    CONFIRM,
    Question,
    answers_by_its_form,
    pending_question,
    question_for,
    read_answer,
    user_text_before,
)
from agent.rules.intents import ChatAct, Understanding, meant_text, understand
from agent.rules.normalize import analyse
from agent.rules.plans import chained_calls, companion_calls, wants_more
from agent.rules.tool_contract import ACTIONS, DEFAULTS, PARAMETERS, REQUIRED, needs_customer
from agent.turns import ChatTurn, ToolCall
from core.turkish import format_money
from db.reference_data import REACTIVATION_FEE, ROAMING_DAILY_FEE, ROAMING_DAILY_GB

logger = logging.getLogger(__name__)

# Tools asked for without a package name answer with the package list instead;
# the list ends with the question that asks which package.
_LIST_INSTEAD = frozenset({"change_package", "get_package_details"})

_CHAT_TEXTS: dict[ChatAct, str] = {
    ChatAct.GREETING: texts.GREETING,
    ChatAct.HOW_ARE_YOU: texts.HOW_ARE_YOU,
    ChatAct.THANKS: texts.THANKS,
    ChatAct.GOODBYE: texts.GOODBYE,
    ChatAct.CAPABILITIES: texts.CAPABILITIES,
    ChatAct.ACKNOWLEDGED: texts.ACKNOWLEDGED,
    ChatAct.CANCEL: texts.NOTHING_TO_CANCEL,  # the runtime settles what was pending
    ChatAct.OUT_OF_SCOPE: texts.OUT_OF_SCOPE,
    ChatAct.HUMAN_AGENT: texts.HUMAN_AGENT,
    ChatAct.COMPLAINT: texts.COMPLAINT,
    ChatAct.OUTAGE_NEXT_STEP: texts.OUTAGE_NEXT_STEP,
    ChatAct.ADDON: texts.ADDON,
    ChatAct.ELIGIBILITY_CLAIM: texts.ELIGIBILITY_CLAIM,
    ChatAct.EMPTY: texts.EMPTY_MESSAGE,
}
# Slots any text may fill: a question about the action is answered, not taken as the value.
_FREE_TEXT_SLOTS = frozenset({"reason", "issue_description"})
# Chat acts that end a pending question instead of being read as its answer.
_LEAVES_QUESTION = frozenset(
    {
        ChatAct.GREETING,
        ChatAct.HOW_ARE_YOU,
        ChatAct.THANKS,
        ChatAct.GOODBYE,
        ChatAct.CAPABILITIES,
        ChatAct.ROAMING_INFO,
        ChatAct.AUTOPAY_INFO,
        ChatAct.REACTIVATION_INFO,
        ChatAct.HUMAN_AGENT,
    }
)


@dataclass(frozen=True)
class RulesReply:
    """The engine's output for one step: text to show and/or tool calls to make now."""

    text: str
    tool_calls: tuple[ToolCall, ...] = ()


class RulesEngine:
    """A deterministic Turkish intent router with slot filling."""

    def respond(
        self,
        turns: Sequence[ChatTurn],
        customer_id: int | None,
        *,
        private: bool = True,
        dialogue: DialogueState | None = None,
    ) -> RulesReply:
        """The next step of the dialogue ``turns`` (oldest first) for ``customer_id``.

        ``customer_id`` is the chat's linked customer, None in an unlinked chat
        and in every group (``private`` False). An account question without a
        customer is answered with the link request in a private chat, and
        with a request to write privately in a group, where the sender may be
        linked already. ``dialogue`` is what the conversation is about
        (``agent.dialogue_state``): follow-ups such as "ikincisine geçeyim"
        resolve against it. Never raises: an unexpected failure is logged and
        answered politely.
        """
        try:
            reply = self._respond(turns, customer_id, dialogue or DialogueState())
            if reply is _LINK_REQUIRED and not private:
                return RulesReply(texts.ACCOUNT_IN_PRIVATE)
            if reply.text and not reply.tool_calls:
                reply = RulesReply(finishing.finish(reply.text, turns))
            elif _proposes(reply) and turns[-1].role == "user":
                # The card is the rest of the answer: acknowledge an upset customer first.
                opening = tone.opening_lines(turns[-1].content, turns)
                reply = RulesReply("\n".join(filter(None, [opening, reply.text])), reply.tool_calls)
            return reply
        except Exception:
            logger.exception("rules engine failed on a dialogue of %d turns", len(turns))
            return RulesReply(texts.ERROR_GENERIC)

    def _respond(
        self, turns: Sequence[ChatTurn], customer_id: int | None, dialogue: DialogueState
    ) -> RulesReply:
        if not turns:
            return RulesReply(texts.GREETING)
        newest = turns[-1]
        if newest.role == "tool":
            chained = chained_calls(turns, customer_id)
            if chained:
                return RulesReply("", chained)  # the answer needs one more look-up
            answer = _answer_tool_results(turns, dialogue)
            return _with_waiting_action(answer, turns, customer_id)
        if newest.role != "user":
            logger.warning("rules engine asked to continue after an assistant turn")
            return RulesReply("")
        own = understand(newest.content)
        question = pending_question(turns)
        if question is not None:
            reply = _continue_question(question, turns, own, customer_id)
            if reply is not None:
                return reply
        guarded = third_party.guard(turns, own)
        if isinstance(guarded, str):
            return RulesReply(guarded)  # another person's account
        own = guarded or own
        asked_now = _account_question(turns, customer_id, dialogue)
        if asked_now is not None:
            return asked_now
        several = requests.plan(turns, lambda tool, args: _plan(tool, args, customer_id))
        if several is not None:
            return RulesReply(several.text, several.calls)
        followup = followups.resolve(meant_text(newest.content), turns, own, dialogue)
        if followup is not None and followup.chat is not None:
            # The terms of what the last answer reported; no second offer beside a card.
            return _chat_reply(followup.chat, offer=not _card_shown_last(turns))
        if followup is not None:
            own = followup
        if _asks_roaming_terms_again(turns, own):
            return _chat_reply(ChatAct.ROAMING_INFO)  # "günde kaç GB veriyor" after the terms
        asked_about = last_answer.find_result_asked_about(turns, own, dialogue)
        if asked_about is not None:
            return RulesReply(_answer_again(asked_about, newest.content, dialogue))
        instead = action_mood.reconsider((newest.content, meant_text(newest.content)), own)
        if instead is not None and instead.understanding is not None:
            own = instead.understanding
        elif instead is not None:
            return RulesReply(instead.text or texts.DECLINED)
        if own.tool is not None:
            planned = _plan(own.tool, own.args, customer_id)
            return _with_companions(planned, newest.content, customer_id)
        return _chat_reply(own.chat or ChatAct.OUT_OF_SCOPE)


# --- user turns ---------------------------------------------------------------------


def _account_question(
    turns: Sequence[ChatTurn], customer_id: int | None, dialogue: DialogueState
) -> RulesReply | None:
    """A question ``account_questions`` answers: impatience about a ticket, a disputed
    charge, whether autopay is on, a package against one's own; None for anything else."""
    text = meant_text(turns[-1].content)
    # The tone's opening line acknowledges an upset customer already.
    acknowledge = texts.UPSET_ACKNOWLEDGED not in tone.opening_lines(turns[-1].content, turns)
    if account_questions.impatient_about_ticket(text, turns):
        answer = account_questions.impatience_answer(turns, acknowledge=acknowledge)
        if answer is not None:
            return RulesReply(answer)
    if account_questions.files_dispute(text):
        if customer_id is None:
            return _LINK_REQUIRED
        complaint = " ".join(turns[-1].content.split())
        args = {"category": "billing", "issue_description": complaint}
        planned = _plan("create_fault_ticket", args, customer_id)
        if planned.tool_calls and not planned.text:
            lead = account_questions.dispute_answer(
                text, turns, acknowledge=acknowledge, offer=False
            )
            return RulesReply(lead, planned.tool_calls)
    if account_questions.disputes_charge(text):
        if customer_id is None:
            return _LINK_REQUIRED
        return RulesReply(account_questions.dispute_answer(text, turns, acknowledge=acknowledge))
    if account_questions.asks_autopay_status(text):
        return _plan("get_customer_profile", {}, customer_id)
    if account_questions.asks_own_contract(text) and not _about_shown_package(text, dialogue):
        return _plan("get_customer_package", {}, customer_id)
    calls = account_questions.own_comparison_plan(text, customer_id, dialogue)
    if calls is not None:
        return RulesReply("", calls)
    return None


def _about_shown_package(text: str, dialogue: DialogueState) -> bool:
    """Whether ``text`` asks about a package the conversation shows, not the customer's own.

    "O paketin cayma bedeli", "üçüncüsünün taahhüdü", a bare "cayma bedeli?" right after
    a package's details: that package. "Taahhüdüm", "benim paketimin" stay the own one.
    """
    if account_questions.names_own_contract(text):
        return False
    if followups.points_at_a_package(text) or followups.names_listed_position(text):
        return True
    return dialogue.topic in _PACKAGE_TOPICS


# Topics after which a bare question about a package is about the one shown.
_PACKAGE_TOPICS = frozenset({"get_package_details", "get_available_packages", "change_package"})


def _proposes(reply: RulesReply) -> bool:
    """Whether ``reply`` calls a tool that changes the account (the loop shows its card)."""
    return any(call.name in ACTIONS for call in reply.tool_calls)


# The answer to an account question in a chat with no customer (see ``respond``).
_LINK_REQUIRED = RulesReply(texts.LINK_ACCOUNT)


def _plan(tool: str, args: Mapping[str, Any], customer_id: int | None) -> RulesReply:
    """Call ``tool`` with ``args``, or ask for what is missing, or ask to link the account."""
    if needs_customer(tool) and customer_id is None:
        return _LINK_REQUIRED
    missing = [slot for slot in REQUIRED.get(tool, ()) if args.get(slot) in (None, "")]
    if tool in _LIST_INSTEAD and missing:
        return RulesReply("", (ToolCall("get_available_packages", {}),))
    if missing:
        return RulesReply(question_for(tool, missing[0], args).text)
    return RulesReply("", (_tool_call(tool, args, customer_id),))


def _with_companions(reply: RulesReply, text: str, customer_id: int | None) -> RulesReply:
    """``reply`` with the calls its answer also needs (every package of a comparison)."""
    if not reply.tool_calls:
        return reply
    extra = companion_calls(reply.tool_calls, text, customer_id)
    return RulesReply(reply.text, reply.tool_calls + extra) if extra else reply


def _tool_call(tool: str, args: Mapping[str, Any], customer_id: int | None) -> ToolCall:
    """The call in the contract's parameter order, with defaults and the customer's id."""
    values = {**DEFAULTS.get(tool, {}), **args, "user_id": customer_id}
    arguments = {name: values[name] for name in PARAMETERS[tool] if values.get(name) is not None}
    if isinstance(arguments.get("issue_description"), str):
        arguments["issue_description"] = tone.calm(arguments["issue_description"])  # no shouting
    return ToolCall(tool, arguments)


def _continue_question(
    question: Question, turns: Sequence[ChatTurn], own: Understanding, customer_id: int | None
) -> RulesReply | None:
    """Read the newest message as the answer to ``question``; None when it is not one."""
    text = turns[-1].content
    if own.chat is ChatAct.CANCEL and question.slot not in ("status", CONFIRM):
        return RulesReply(texts.CANCELLED)
    if own.chat in _LEAVES_QUESTION:
        return None  # "merhaba", "teşekkürler": not a suspension reason
    if question.slot in _FREE_TEXT_SLOTS and consent.wonders_about_action(text, question.tool):
        return None  # "ne kadar süre dondurabilirim": a question about it, not the reason
    value = read_answer(question, text)
    if value is None:
        if question.slot == CONFIRM or own.tool is not None:
            return None  # a new request, not an answer
        if question.tool == "change_package" and followups.names_listed_position(text):
            return None  # "ilkine geçeyim": the package listed first (``followups``)
        if question.tool == "change_package" and followups.points_at_a_package(text):
            return RulesReply(question.text)  # "ona geçeyim" after a list: which one?
        if question.tool == "change_package" and wants_more(text) is not None:
            # "Daha çok internet olsun" to "Hangi pakete geçmek istersiniz?": the bigger ones.
            listed = RulesReply("", (ToolCall("get_available_packages", {}),))
            return _with_companions(listed, text, customer_id)
        return RulesReply(f"{texts.NOT_UNDERSTOOD} {question.text}")
    switching = own.tool is not None and own.tool != question.tool and own.score >= 3
    if (
        switching
        and question.slot != "issue_description"
        and not answers_by_its_form(question, text)
    ):
        return None
    if question.slot == CONFIRM:
        if value is False:
            return RulesReply(texts.DECLINED)
        args = dict(question.preset)
        if question.tool == "create_fault_ticket":
            offer_index = len(turns) - 2
            args["issue_description"] = (
                user_text_before(turns, offer_index) or texts.SLOW_INTERNET_DESCRIPTION
            )
        return _plan(question.tool, args, customer_id)
    args = {**question.preset, question.slot: value}
    if question.tool == "update_customer_contact" and question.slot == "contact_type":
        # "e-posta, yeni adresim ali@ornek.com" answers both questions at once.
        args["new_value"] = read_answer(question_for(question.tool, "new_value", args), text)
    return _plan(question.tool, args, customer_id)


def _with_waiting_action(
    answer: str, turns: Sequence[ChatTurn], customer_id: int | None
) -> RulesReply:
    """The answer to the reading requests, with the message's action proposed on its card.

    "roaming aç ayrıca faturamı da söyle": the bill is answered and roaming is
    proposed in the same turn (the loop shows this text before the card). An
    action that still needs a question is offered in words instead (``finishing``).
    """
    waiting = requests.waiting_action(turns)
    if waiting is None or waiting.tool is None:
        return RulesReply(answer)
    planned = _plan(waiting.tool, waiting.args, customer_id)
    if not planned.tool_calls or planned.text or not _proposes(planned):
        # A question to ask or look-ups to make first ("en uygun tarifeye geçelim" reads
        # the packages again): the action is offered in words, never looked up twice.
        return RulesReply(answer)
    return RulesReply(answer, planned.tool_calls)


# "günde kaç GB veriyor", "ücreti ne kadardı": a question about the roaming terms just given.
_ROAMING_TERMS = ("gun", "gb$", "ucret", "fiyat", "ne kadar", "kac tl", "kac lira", "internet")


def _asks_roaming_terms_again(turns: Sequence[ChatTurn], own: Understanding) -> bool:
    if len(turns) < 2 or turns[-2].role != "assistant" or turns[-2].tool_calls:
        return False
    if texts.OFFER_ROAMING not in turns[-2].content:
        return False
    if own.tool not in (None, "get_remaining_quotas", "enable_roaming") or own.args.get("status"):
        return False
    return analyse(meant_text(turns[-1].content)).has(*_ROAMING_TERMS)


def _chat_reply(act: ChatAct, *, offer: bool = True) -> RulesReply:
    """The reply to a chat act; an information act ends with its offer when ``offer``."""
    fee = format_money(ROAMING_DAILY_FEE)
    if act is ChatAct.ROAMING_INFO:
        info = texts.ROAMING_INFO.format(daily_fee=fee, daily_gb=ROAMING_DAILY_GB)
        return _offered(info, texts.OFFER_ROAMING, offer)
    if act is ChatAct.TRAVEL:
        info = texts.TRAVEL.format(daily_fee=fee, daily_gb=ROAMING_DAILY_GB)
        return _offered(info, texts.OFFER_ROAMING, offer)
    if act is ChatAct.AUTOPAY_INFO:
        return _offered(texts.AUTOPAY_INFO, texts.OFFER_AUTOPAY, offer)
    if act is ChatAct.REACTIVATION_INFO:
        info = texts.REACTIVATION_INFO.format(fee=format_money(REACTIVATION_FEE))
        return _offered(info, texts.OFFER_REACTIVATE, offer)
    return RulesReply(_CHAT_TEXTS[act])


def _offered(info: str, offer_text: str, offer: bool) -> RulesReply:
    return RulesReply(f"{info}\n{offer_text}" if offer else info)


def _card_shown_last(turns: Sequence[ChatTurn]) -> bool:
    """Whether the answer before the newest message was an action's card (a proposal)."""
    for turn in reversed(turns[:-1]):
        if turn.role == "user":
            return False
        if turn.role == "tool":
            try:
                result = json.loads(turn.content)
            except ValueError:
                return False
            return isinstance(result, dict) and bool(result.get("confirmation_required"))
    return False


# --- tool turns ---------------------------------------------------------------------


def _answer_again(last: last_answer.LastResult, asked: str, dialogue: DialogueState) -> str:
    """The newest results worded again for a question about them ("kdv ne kadar?")."""
    anchor = dialogue.bill.month if dialogue.bill else None
    return compose_answers(last.calls, last.contents, asked, last.calls[0].name, anchor=anchor)


def _answer_tool_results(turns: Sequence[ChatTurn], dialogue: DialogueState) -> str:
    """Compose the answer from the tool turns that follow the last tool-call turn."""
    call_index = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].is_tool_call), None)
    if call_index is None:
        logger.warning("tool result without a preceding tool call")
        return texts.ERROR_UNREADABLE
    calls = turns[call_index].tool_calls
    results = [turn for turn in turns[call_index + 1 :] if turn.role == "tool"]
    asked = user_text_before(turns, call_index)
    intended = understand(asked).tool if asked else None
    # "Peki bir önceki ay?" counts from the bill the conversation is about.
    anchor = dialogue.bill.month if dialogue.bill else None
    contents = [result.content for result in results]
    contract = _contract(turns, call_index, calls, contents, asked)
    if contract is not None:
        return contract
    recommended = _recommended(calls, contents, asked)
    if recommended is not None:
        return recommended
    return compose_answers(calls, contents, asked, intended, anchor=anchor)


def _contract(
    turns: Sequence[ChatTurn],
    call_index: int,
    calls: Sequence[ToolCall],
    contents: Sequence[str],
    asked: str | None,
) -> str | None:
    """The own package's commitment, from its details and the package read just before."""
    if not asked or [call.name for call in calls] != ["get_package_details"]:
        return None
    if not account_questions.asks_own_contract(meant_text(asked)):
        return None
    details = rf.parse_result(contents[0]) if contents else None
    own = _result_before(turns, call_index, "get_customer_package")
    if details is None or own is None or rf.error_of(details) is not None:
        return None
    return account_questions.contract_answer(own, details)


def _result_before(turns: Sequence[ChatTurn], index: int, tool: str) -> dict[str, Any] | None:
    """The result of ``tool`` called in this turn before the calls at ``index``."""
    for position in range(index - 1, -1, -1):
        turn = turns[position]
        if turn.role == "user":
            return None
        if turn.is_tool_call and [call.name for call in turn.tool_calls] == [tool]:
            following = turns[position + 1] if position + 1 < len(turns) else None
            if following is not None and following.role == "tool":
                return rf.parse_result(following.content)
    return None


def _recommended(
    calls: Sequence[ToolCall], contents: Sequence[str], asked: str | None
) -> str | None:
    """The package that fits the need the customer stated, named with its fee; None otherwise."""
    need = recommend.read_need(meant_text(asked)) if asked else None
    if need is None or len(calls) != 1 or calls[0].name != "get_available_packages":
        return None
    try:
        packages = json.loads(contents[0]).get("packages")
    except (ValueError, AttributeError, IndexError):
        return None
    if not isinstance(packages, list) or not packages:
        return None
    return recommend.recommendation(packages, need)
