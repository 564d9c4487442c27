"""A customer message while an action waits, or right after one ran.

This runs before any backend, for every backend, the bot and the HTTP API
alike (``AgentRuntime.chat``). With a card waiting in the chat, the message
is read by ``agent.consent``:

- **consent** runs the action (at most once, ``agent.tools.confirmations``);
  with more than one card waiting, nothing runs and the customer is asked to
  press the button of the card they mean;
- **refusal** cancels the newest card;
- **amendment** proposes the changed action as a new card and closes the old
  one (if the changed action is impossible, the old card stays and the
  customer is told why);
- **other** goes to the backend as a new request, and the answer ends with
  one line saying the card is still waiting.

With no card waiting, a message that takes something back ("onu iptal et",
"geri al", "yanlış oldu") within ``agent.undo_window_s`` of an action offers
its reverse as a new card (``agent.reversal``), or says plainly why it
cannot be taken back.

Whatever is settled here is written into the chat history in the model's
training form: a run action as its tool call and real result, then the
sentence the customer read.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agent import texts
from agent.consent import (
    PendingAction,
    ReplyKind,
    is_card_talk,
    is_refusal_or_undo,
    read_reply,
    restates_card,
)
from agent.events import (
    AgentEvent,
    ConfirmationRequested,
    ConfirmationSettled,
    FinalAnswer,
    ToolCallRecord,
    ToolFinished,
    ToolStarted,
)
from agent.protocol.render import render_tool_block, render_tool_result
from agent.reversal import reverse_of
from agent.rules.intents import ChatAct, understand
from agent.tools import confirmations
from agent.tools.confirmations import ConfirmationOutcome, Proposal
from agent.tools.context import ToolContext
from agent.tools.executor import execute
from agent.tools.registry import Registry
from agent.turns import ChatTurn, ToolCall
from core.settings import Settings
from core.turkish import format_moment

log = logging.getLogger(__name__)

# What the rules' understanding makes of a reply about the card itself (no request of its own).
_ABOUT_THE_CARD = frozenset({None, ChatAct.ACKNOWLEDGED, ChatAct.OUT_OF_SCOPE, ChatAct.EMPTY})

StoreTurns = Callable[[str, int, Sequence[ChatTurn]], Awaitable[None]]


@dataclass(frozen=True)
class PendingReply:
    """What the message did to waiting actions.

    ``events`` is the whole answer when the message was settled here; None
    when the backend answers it. ``still_waiting`` is the card the answer
    must mention as still waiting.
    """

    events: list[AgentEvent] | None = None
    still_waiting: Proposal | None = None


class PendingActions:
    """Reads a customer's message against the chat's waiting and last actions."""

    def __init__(self, settings: Settings, registry: Registry, store_turns: StoreTurns) -> None:
        self._settings = settings
        self._registry = registry
        self._store_turns = store_turns

    async def reply(self, message: str, context: ToolContext) -> PendingReply:
        """Settle ``message`` against the chat's actions, or leave it to the backend."""
        if context.customer_id is None or context.chat_id is None:
            return PendingReply()
        waiting = await confirmations.pending_in_chat(context)
        if not waiting:
            return PendingReply(await self._after_actions(message, context))
        newest = waiting[0]
        reading = read_reply(message, PendingAction(newest.tool_name, newest.arguments))
        log.info(
            "chat %s: reply to pending %s (%s) read as %s",
            context.chat_id,
            newest.id,
            newest.tool_name,
            reading.kind,
        )
        if reading.kind is ReplyKind.CONSENT:
            if len(waiting) > 1:
                return PendingReply(await self._say(context, texts.SEVERAL_PENDING))
            outcome = await confirmations.confirm(newest.id, context, self._registry)
            return PendingReply(await self._settled(context, newest, outcome))
        if reading.kind is ReplyKind.REFUSAL:
            outcome = await confirmations.cancel(newest.id, context)
            return PendingReply(await self._settled(context, newest, outcome))
        if reading.kind is ReplyKind.AMENDMENT:
            return PendingReply(await self._amend(context, newest, dict(reading.changes)))
        understood = understand(message)
        restated = restates_card(message, PendingAction(newest.tool_name, newest.arguments))
        if restated or (
            understood.tool is None and understood.chat in _ABOUT_THE_CARD and is_card_talk(message)
        ):
            # "tamam mı?", "ne kadar?", "lütfen bekleyin": about the card, not a new request.
            return PendingReply(await self._say(context, _waiting_answer(newest)))
        return PendingReply(still_waiting=newest)

    async def remember(
        self, context: ToolContext, outcome: ConfirmationOutcome, *, chat_id: str | None = None
    ) -> None:
        """Put what became of an action into the chat's history.

        An action that ran is stored as the model was trained to see it: its
        tool call, its real result as a tool turn, then the sentence the
        customer read. A cancelled one is only that sentence.
        """
        chat_id = chat_id or context.chat_id
        if chat_id is None or context.customer_id is None:
            return
        turns: list[ChatTurn] = []
        if outcome.status == "done" and outcome.tool_name and outcome.result is not None:
            call = ToolCall(outcome.tool_name, dict(outcome.arguments or {}))
            turns.append(ChatTurn("assistant", render_tool_block([call]), tool_calls=(call,)))
            turns.append(ChatTurn("tool", render_tool_result(outcome.result)))
        turns.append(ChatTurn("assistant", outcome.message))
        await self._store_turns(chat_id, context.customer_id, turns)

    # -- the four kinds of reply -------------------------------------------------------

    async def _settled(
        self, context: ToolContext, proposal: Proposal, outcome: ConfirmationOutcome
    ) -> list[AgentEvent]:
        await self.remember(context, outcome)
        settled = ConfirmationSettled(
            confirmation_id=proposal.id, status=outcome.status, message=outcome.message
        )
        if outcome.status != "done" or outcome.result is None:
            return [settled, FinalAnswer(text=outcome.message, chat_id=context.chat_id or "")]
        # The action ran in this turn: the same tool events as a tool the loop runs.
        record = ToolCallRecord(
            arac_adi=proposal.tool_name,
            durum="tamamlandi",
            parametreler=proposal.arguments,
            sonuc=outcome.result,
        )
        return [
            ToolStarted(name=proposal.tool_name, arguments=proposal.arguments),
            ToolFinished(name=proposal.tool_name, status="tamamlandi", result=outcome.result),
            settled,
            FinalAnswer(text=outcome.message, chat_id=context.chat_id or "", tool_calls=[record]),
        ]

    async def _amend(
        self, context: ToolContext, old: Proposal, changes: dict[str, Any]
    ) -> list[AgentEvent]:
        """The changed action as a new card; the old card closes only once the new one exists."""
        call = ToolCall(old.tool_name, {**old.arguments, **changes})
        proposed = await self._propose(context, call)
        if isinstance(proposed, str):
            note = texts.CARD_STILL_WAITING.format(summary=old.summary)
            return await self._say(context, f"{proposed}\n\n{note}")
        cancelled = await confirmations.cancel(old.id, context)
        log.info(
            "chat %s: %s amended as %s (%s)", context.chat_id, old.id, proposed.id, cancelled.status
        )
        answer = f"{texts.AMENDED}\n\n{proposed.summary}\n\n{texts.CONFIRM_QUESTION}"
        await self._store_turns(
            context.chat_id or "", context.customer_id or 0, [ChatTurn("assistant", answer)]
        )
        return [
            ConfirmationSettled(
                confirmation_id=old.id, status="cancelled", message=texts.AMENDED_CARD_CLOSED
            ),
            *_proposed_events(proposed),
            FinalAnswer(text=answer, chat_id=context.chat_id or ""),
        ]

    async def _after_actions(self, message: str, context: ToolContext) -> list[AgentEvent] | None:
        """A yes to a card that has just expired, or taking back an action that has just run."""
        newest = await confirmations.newest_in_chat(context)
        if newest is None:
            return None
        recent = context.now() - timedelta(seconds=self._settings.agent.undo_window_s)
        if newest.status == "expired" and newest.expires_at >= recent:
            reading = read_reply(message, PendingAction(newest.tool_name, newest.arguments))
            if reading.kind is not ReplyKind.CONSENT:
                return None
            # "evet" after the card expired: say so (and mark it expired), rather than "Peki."
            outcome = await confirmations.confirm(newest.id, context, self._registry)
            return await self._say(context, outcome.message)
        just_ran = newest.ran and newest.resolved_at is not None and newest.resolved_at >= recent
        if just_ran and is_refusal_or_undo(message):
            return await self._take_back(context, newest)
        return None

    async def _take_back(
        self, context: ToolContext, done: confirmations.ChatAction
    ) -> list[AgentEvent]:
        """Offer the reverse of an action that has just run."""
        reversal = reverse_of(
            done.tool_name,
            done.arguments,
            done.result or {},
            call_centre=self._settings.agent.call_centre_phone,
        )
        log.info(
            "chat %s: customer takes back %s; reverse %s",
            context.chat_id,
            done.tool_name,
            reversal.call.name if reversal.call else "none",
        )
        if reversal.call is None:
            return await self._say(context, reversal.explanation)
        proposed = await self._propose(context, reversal.call)
        if isinstance(proposed, str):
            return await self._say(context, proposed)
        answer = f"{texts.UNDO_OFFER}\n\n{proposed.summary}\n\n{texts.CONFIRM_QUESTION}"
        await self._store_turns(
            context.chat_id or "", context.customer_id or 0, [ChatTurn("assistant", answer)]
        )
        return [
            *_proposed_events(proposed),
            FinalAnswer(text=answer, chat_id=context.chat_id or ""),
        ]

    # -- helpers ------------------------------------------------------------------------

    async def _propose(self, context: ToolContext, call: ToolCall) -> Proposal | str:
        """A stored proposal for ``call``, or the Turkish reason it cannot be made."""
        outcome = await execute(self._registry, call, context)
        if outcome.proposal is not None:
            return outcome.proposal
        error = outcome.data.get("error") or {}
        return str(error.get("message") or texts.TOO_MANY_STEPS)

    async def _say(self, context: ToolContext, text: str) -> list[AgentEvent]:
        await self._store_turns(
            context.chat_id or "", context.customer_id or 0, [ChatTurn("assistant", text)]
        )
        return [FinalAnswer(text=text, chat_id=context.chat_id or "")]


def with_waiting_note(answer: FinalAnswer, proposal: Proposal) -> FinalAnswer:
    """``answer`` with one line saying ``proposal``'s card still waits."""
    action = texts.ACTION_NAMES.get(proposal.tool_name, texts.ACTION_NAME_DEFAULT)
    note = texts.CARD_STILL_WAITING.format(action=action)
    return answer.model_copy(update={"text": f"{answer.text.rstrip()}\n\n{note}"})


def _waiting_answer(proposal: Proposal) -> str:
    return texts.CARD_WAITING_ANSWER.format(
        summary=proposal.summary, expires_at=format_moment(proposal.expires_at)
    )


def _proposed_events(proposal: Proposal) -> list[AgentEvent]:
    """The events of a tool proposed in this turn, as the loop emits them."""
    return [
        ToolStarted(name=proposal.tool_name, arguments=proposal.arguments),
        ToolFinished(name=proposal.tool_name, status="onay_bekliyor", result=proposal.for_model()),
        _requested(proposal),
    ]


def _requested(proposal: Proposal) -> ConfirmationRequested:
    return ConfirmationRequested(
        confirmation_id=proposal.id,
        tool=proposal.tool_name,
        summary=proposal.summary,
        expires_at=proposal.expires_at,
    )
