"""The agent loop: one customer message in, events out.

    history -> backend -> parse -> customer guard -> run read-only tools,
    propose side-effecting ones -> tool turns -> backend again (at most
    ``agent.max_steps`` rounds) -> final answer

The customer's message is already stored when the loop starts. The turn's
assistant and tool turns are stored together in one transaction when the
turn ends (answer, proposals, or the step limit): one write per turn, and a
crash or failure part-way leaves no half a turn in the history (a tool call
without its result), only the customer's message, which the runtime or the
bot's recovery marks failed with an apology.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from agent import texts
from agent.backends.base import GenerationRequest, HasTokenizer
from agent.backends.manager import BackendManager
from agent.dialogue_state import DialogueState
from agent.events import (
    AgentEvent,
    ConfirmationRequested,
    FinalAnswer,
    TextDelta,
    ToolCallRecord,
    ToolCallStatus,
    ToolFinished,
    ToolStarted,
)
from agent.history import load_state, load_turns, store_turns
from agent.metrics import RuntimeMetrics
from agent.prompt import estimate_tokens, tokenizer_token_counter, trim_to_budget
from agent.protocol.render import render_tool_block, render_tool_result
from agent.protocol.stream import ToolBlockFinished, ToolStreamParser, VisibleText
from agent.tools.context import ToolContext
from agent.tools.executor import execute
from agent.tools.registry import Registry
from agent.turns import ChatTurn, ToolCall
from core.settings import Settings
from db.retries import run_sync_in_transaction

log = logging.getLogger(__name__)

_OUTCOME_STATUS: dict[str, ToolCallStatus] = {
    "result": "tamamlandi",
    "error": "hata",
    "proposal": "onay_bekliyor",
}
# Tool calls run from one model step; more are refused (a runaway or injected
# block must not turn one message into thousands of database queries).
MAX_CALLS_PER_STEP = 8
TOO_MANY_CALLS = "TOO_MANY_CALLS"
# A call repeated with the same arguments in one turn is answered from its earlier
# result; after this many such repeats the turn ends with an apology.
MAX_REPEATED_CALLS = 1


@dataclass
class _Step:
    """What one model step produced."""

    text: str = ""
    block: ToolBlockFinished | None = None
    chunks: int = 0


@dataclass
class TurnState:
    """What one turn has done so far, across its model steps."""

    records: list[ToolCallRecord] = field(default_factory=list)
    errors: int = 0
    # This turn's assistant and tool turns, stored together when it ends.
    produced: list[ChatTurn] = field(default_factory=list)
    # Results of the calls run this turn, by call (``call_key``): a repeated call is
    # answered from here instead of running again.
    results: dict[str, dict[str, object]] = field(default_factory=dict)
    repeats: int = 0
    # Side-effecting calls of the last step, waiting for the customer's consent.
    proposals: list[ConfirmationRequested] = field(default_factory=list)


class AgentLoop:
    def __init__(
        self,
        settings: Settings,
        backends: BackendManager,
        registry: Registry,
        metrics: RuntimeMetrics,
    ) -> None:
        self._settings = settings
        self._backends = backends
        self._registry = registry
        self._metrics = metrics

    async def run(self, context: ToolContext, chat_id: str) -> AsyncIterator[AgentEvent]:
        """The model/tool rounds of one turn; ends with exactly one ``FinalAnswer``.

        Each round is a model step (``_model_step``), then, if the model called
        tools, a tool step (``_tool_step``). The turn ends at the first of: an
        answer without calls, proposals waiting for consent, calls the model
        keeps repeating, or ``agent.max_steps`` rounds.
        """
        turns, dialogue = await self._load(context, chat_id)
        state = TurnState()
        for _ in range(self._settings.agent.max_steps):
            step = _Step()
            async for event in self._model_step([*turns, *state.produced], dialogue, context, step):
                yield event
            if step.block is None:
                answer = step.text.strip() or texts.EMPTY_ANSWER
                yield await self._finish(context, chat_id, state, answer)
                return
            async for event in self._tool_step(step, step.block, context, chat_id, state):
                yield event
            if state.repeats > MAX_REPEATED_CALLS:
                log.warning("chat %s: the model keeps repeating its calls; turn ended", chat_id)
                state.errors += 1
                yield await self._finish(context, chat_id, state, texts.REPEATED_CALLS)
                return
            if state.proposals:
                preface = step.text.strip()
                summaries = [proposal.summary for proposal in state.proposals]
                answer = "\n\n".join([*filter(None, [preface]), *summaries, texts.CONFIRM_QUESTION])
                final = await self._finish(context, chat_id, state, answer, preface=preface)
                for proposal in state.proposals:
                    yield proposal
                yield final
                return
        log.warning(
            "chat %s: no answer after %d model steps", chat_id, self._settings.agent.max_steps
        )
        state.errors += 1
        yield await self._finish(context, chat_id, state, texts.TOO_MANY_STEPS)

    async def _load(
        self, context: ToolContext, chat_id: str
    ) -> tuple[list[ChatTurn], DialogueState]:
        """The chat's history and dialogue state, read in one transaction."""
        return await run_sync_in_transaction(
            context.sessions,
            lambda connection: (
                load_turns(connection, chat_id),
                load_state(connection, chat_id, context.customer_id),
            ),
            what=f"chat {chat_id}: load history",
            policy=context.retry,
        )

    async def _tool_step(
        self,
        step: _Step,
        block: ToolBlockFinished,
        context: ToolContext,
        chat_id: str,
        state: TurnState,
    ) -> AsyncIterator[AgentEvent]:
        """Record the step's text and calls, run or propose each call, and add the results.

        Every call gets a tool turn, in order: its result, its earlier result
        (a repeat), or an error (past ``MAX_CALLS_PER_STEP``, malformed).
        """
        if step.text.strip():
            state.produced.append(ChatTurn("assistant", step.text.strip()))
        calls = block.calls[:MAX_CALLS_PER_STEP]
        state.produced.append(ChatTurn("assistant", render_tool_block(calls), tool_calls=calls))
        for call in calls:
            earlier = state.results.get(call_key(call))
            if earlier is not None:
                # The same call again in one turn: not run twice (a loop, or a
                # repeated payment); the model reads the result it already had.
                state.repeats += 1
                log.warning("chat %s: %s called again with the same arguments", chat_id, call.name)
                state.produced.append(ChatTurn("tool", render_tool_result(earlier)))
                continue
            async for event in self._run_call(call, context, state):
                yield event
        if len(block.calls) > len(calls):
            log.warning(
                "chat %s: %d tool calls in one step; only the first %d ran",
                chat_id,
                len(block.calls),
                MAX_CALLS_PER_STEP,
            )
            state.errors += 1
            state.produced.append(ChatTurn("tool", render_tool_result(_too_many_calls_result())))
        for problem in block.problems:
            log.warning(
                "malformed tool call from the model: %s (%s)", problem.detail, problem.raw[:120]
            )
            state.errors += 1
            state.produced.append(ChatTurn("tool", render_tool_result(problem.to_error_result())))

    async def _run_call(
        self, call: ToolCall, context: ToolContext, state: TurnState
    ) -> AsyncIterator[AgentEvent]:
        """Run one call (or propose it, if it has a cost) and record its outcome."""
        yield ToolStarted(name=call.name, arguments=call.arguments)
        outcome = await execute(self._registry, call, context)
        status = _OUTCOME_STATUS[outcome.kind]
        self._metrics.tool_called(call.name, outcome.kind, known=self._registry)
        if outcome.kind == "error":
            state.errors += 1
        state.records.append(
            ToolCallRecord(
                arac_adi=call.name, durum=status, parametreler=call.arguments, sonuc=outcome.data
            )
        )
        if outcome.proposal is not None:
            proposal = outcome.proposal
            state.proposals.append(
                ConfirmationRequested(
                    confirmation_id=proposal.id,
                    tool=call.name,
                    summary=proposal.summary,
                    expires_at=proposal.expires_at,
                )
            )
        yield ToolFinished(name=call.name, status=status, result=outcome.data)
        state.results[call_key(call)] = outcome.data
        state.produced.append(ChatTurn("tool", render_tool_result(outcome.data)))

    async def _finish(
        self,
        context: ToolContext,
        chat_id: str,
        state: TurnState,
        answer: str,
        *,
        preface: str = "",
    ) -> FinalAnswer:
        """Store the turn with its answer (one transaction) and build the final event."""
        await self._store(context, chat_id, [*state.produced, ChatTurn("assistant", answer)])
        return self._final(chat_id, answer, state, preface=preface)

    async def _model_step(
        self, turns: list[ChatTurn], dialogue: DialogueState, context: ToolContext, step: _Step
    ) -> AsyncIterator[AgentEvent]:
        """Run the backend once; stream text until a tool block closes or output ends."""
        backend = self._backends.active
        agent = self._settings.agent
        customer_id = context.customer_id
        # The budget in the model's own tokens where the backend holds its
        # tokenizer; otherwise (a remote server, rules) the documented estimate.
        tokenizer = backend.tokenizer if isinstance(backend, HasTokenizer) else None
        kept = trim_to_budget(
            turns,
            agent.history_token_budget,
            tokenizer_token_counter(tokenizer) if tokenizer is not None else estimate_tokens,
            customer_id=customer_id,
            customer_hint=agent.customer_hint,
            tokenizer=tokenizer,
        )
        request = GenerationRequest(
            turns=kept,
            customer_id=customer_id,
            max_new_tokens=self._settings.model.max_new_tokens,
            private=context.private,
            dialogue=dialogue,
        )
        parser = ToolStreamParser()
        started = time.monotonic()
        async with aclosing(backend.stream(request)) as chunks:
            async for chunk in chunks:
                if step.chunks == 0:
                    self._metrics.first_token_seconds.observe(time.monotonic() - started)
                step.chunks += 1
                for event in parser.feed(chunk):
                    if isinstance(event, VisibleText):
                        step.text += event.text
                        yield TextDelta(text=event.text)
                    elif isinstance(event, ToolBlockFinished):
                        step.block = event
                if step.block is not None:
                    break  # the calls are complete: stop generating
        if step.block is None:
            for event in parser.close():
                if isinstance(event, VisibleText):
                    step.text += event.text
                    yield TextDelta(text=event.text)
                elif isinstance(event, ToolBlockFinished):
                    step.block = event
        self._metrics.tokens.labels(backend=backend.name).inc(step.chunks)

    async def _store(self, context: ToolContext, chat_id: str, turns: list[ChatTurn]) -> None:
        """Append ``turns`` to the chat, retried while the database is locked or unreachable."""

        def store(connection: Connection) -> None:
            store_turns(connection, chat_id, turns, customer_id=context.customer_id)

        await run_sync_in_transaction(
            context.sessions,
            store,
            what=f"chat {chat_id}: store turns",
            policy=context.retry,
        )

    @staticmethod
    def _final(chat_id: str, text: str, state: TurnState, *, preface: str = "") -> FinalAnswer:
        confidence = 0.9 if not state.records else (0.95 if state.errors == 0 else 0.6)
        return FinalAnswer(
            text=text,
            chat_id=chat_id,
            tool_calls=state.records,
            confidence=confidence,
            preface=preface,
        )


def call_key(call: ToolCall) -> str:
    """What makes two calls the same: the tool and its arguments, in any order."""
    return f"{call.name}:{json.dumps(call.arguments, sort_keys=True, ensure_ascii=False)}"


def _too_many_calls_result() -> dict[str, object]:
    """The tool turn telling the model that calls past the limit did not run."""
    return {
        "success": False,
        "error": {
            "code": TOO_MANY_CALLS,
            "message": texts.TOO_MANY_CALLS.format(limit=MAX_CALLS_PER_STEP),
            "details": {"limit": MAX_CALLS_PER_STEP},
        },
    }
