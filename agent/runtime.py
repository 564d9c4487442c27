"""The agent runtime in-process: the embedded ``AgentClient``.

It owns the backend manager, the tool registry and the metrics, serialises
turns per chat (one at a time per chat, many chats at once), stores the
customer's message before any model work, and never lets an exception reach
the caller: a failed turn ends in a Turkish apology with an incident id.

Concurrency: the per-chat lock (:class:`core.keyed_locks.KeyedLocks`) is what
keeps one turn at a time per conversation for every caller of this runtime:
the HTTP API's callers of one ``agent serve`` process, ``agent chat``, and
the embedded bot (whose per-chat lanes already order its turns, so there the
lock is never contended). It does not reach across processes: the bot's
per-chat database locks do that for Telegram chats (``bot.update_order``).

Messages: a caller that stored the customer's message passes its id
(``ChatRequest.message_id``, the bot) and marks it itself once the answer
reached the customer; otherwise the runtime stores and marks it, both through
:class:`db.message_store.MessageStore`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from agent import texts
from agent.backends.manager import BackendManager
from agent.confirmation_states import confirmation_states, waiting_confirmations
from agent.events import (
    ActionOutcome,
    AgentEvent,
    ChatRequest,
    ConfirmationRequested,
    FinalAnswer,
)
from agent.history import store_turns
from agent.loop import AgentLoop
from agent.metrics import RuntimeMetrics
from agent.pending_actions import PendingActions, with_waiting_note
from agent.status import ModelServiceStatus, SystemStatus
from agent.tools import confirmations
from agent.tools.confirmations import ConfirmationOutcome
from agent.tools.context import ToolContext
from agent.tools.executor import execute
from agent.tools.registry import Registry
from agent.tools.telekom import default_registry
from agent.turns import ChatTurn, ToolCall
from core.invisible import remove_format_characters
from core.keyed_locks import KeyedLocks
from core.settings import Settings
from db.database import Database
from db.message_store import ANSWERED, FAILED, MessageStore, NewMessage
from db.retries import DatabaseBusyError, run_sync_in_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")


class AgentRuntime:
    """Implements ``agent.client.AgentClient`` in this process."""

    def __init__(
        self, settings: Settings, database: Database, registry: Registry | None = None
    ) -> None:
        self.settings = settings
        self.database = database
        self.registry = registry or default_registry()
        self.metrics = RuntimeMetrics()
        self.backends = BackendManager(settings)
        self._loop = AgentLoop(settings, self.backends, self.registry, self.metrics)
        self._pending = PendingActions(settings, self.registry, self._store_turns)
        self.messages = MessageStore.of(database)
        self._chat_locks: KeyedLocks[str] = KeyedLocks()
        self._in_flight = 0
        self._started = time.monotonic()

    async def start(self) -> None:
        await self.backends.start()
        self.metrics.model_loaded.set(1 if self.backends.status().state == "loaded" else 0)

    async def close(self) -> None:
        await self.backends.close()

    # -- turns ---------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> AsyncIterator[AgentEvent]:
        started = time.monotonic()
        # Zero-width and other invisible characters split words for every backend.
        request = request.model_copy(update={"message": remove_format_characters(request.message)})
        self._in_flight += 1
        self.metrics.queue_depth.set(self._in_flight)
        outcome = "ok"
        try:
            async with self._chat_locks.hold(request.chat_id):
                # A caller that stored the message (the bot) marks it once the
                # answer has reached the customer; otherwise the runtime does.
                stored_here = request.message_id is None
                message_id = request.message_id
                if message_id is None:
                    try:
                        message_id = await self.messages.add(
                            NewMessage(
                                request.chat_id,
                                request.message,
                                customer_id=request.customer_id,
                                update_id=request.update_id,
                            )
                        )
                    except DatabaseBusyError:
                        outcome = "error"
                        yield FinalAnswer(
                            text=texts.MESSAGE_NOT_STORED,
                            chat_id=request.chat_id,
                            failed=True,
                            failure="database",
                        )
                        return
                final: FinalAnswer | None = None
                async for event in self._guarded_turn(request):
                    if isinstance(event, FinalAnswer):
                        final = event
                    yield event
                failed = final is None or final.failed
                outcome = "error" if failed else "ok"
                if stored_here:
                    # Left "accepted" when it cannot be marked: the bot's recovery finds it.
                    await self.messages.mark(message_id, FAILED if failed else ANSWERED)
        finally:
            self._in_flight -= 1
            self.metrics.queue_depth.set(self._in_flight)
            self.metrics.turn_finished(outcome, time.monotonic() - started)

    async def _guarded_turn(self, request: ChatRequest) -> AsyncIterator[AgentEvent]:
        context = self._context(request.customer_id, request.chat_id).in_chat(request.private)
        try:
            pending = await self._pending.reply(request.message, context)
            if pending.events is not None:
                for event in pending.events:
                    yield event
                return
            async with asyncio.timeout(self.settings.agent.timeout_s):
                async for event in self._loop.run(context, request.chat_id):
                    if isinstance(event, FinalAnswer) and pending.still_waiting is not None:
                        event = with_waiting_note(event, pending.still_waiting)
                    yield event
        except TimeoutError:
            log.warning(
                "chat %s: turn timed out after %.0f s",
                request.chat_id,
                self.settings.agent.timeout_s,
            )
            yield FinalAnswer(text=texts.TURN_TIMED_OUT, chat_id=request.chat_id, failed=True)
        except DatabaseBusyError:
            log.error("chat %s: turn failed: the database is out of reach", request.chat_id)
            yield FinalAnswer(
                text=texts.DATABASE_UNAVAILABLE,
                chat_id=request.chat_id,
                failed=True,
                failure="database",
            )
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("chat %s: turn failed (incident %s)", request.chat_id, incident)
            yield FinalAnswer(
                text=texts.TURN_FAILED.format(incident=incident),
                chat_id=request.chat_id,
                failed=True,
            )

    async def _store_turns(self, chat_id: str, customer_id: int, turns: Sequence[ChatTurn]) -> None:
        def store(connection: Connection) -> None:
            store_turns(connection, chat_id, turns, customer_id=customer_id)

        await self._write(store, what=f"chat {chat_id}: store action turns")

    async def _write(self, work: Callable[[Connection], T], *, what: str) -> T:
        """``work`` in one transaction, retried while the database is locked or unreachable."""
        return await run_sync_in_transaction(
            self.database.sessions, work, what=what, policy=self.database.retry
        )

    # -- confirmations and direct tools ----------------------------------------

    async def confirm(
        self, confirmation_id: str, *, customer_id: int, chat_id: str | None
    ) -> ActionOutcome:
        outcome = await confirmations.confirm(
            confirmation_id, self._context(customer_id, chat_id), self.registry
        )
        if outcome.status == "done":
            await self._pending.remember(self._context(customer_id, chat_id), outcome)
        return _action(outcome, confirmation_id)

    async def cancel(
        self, confirmation_id: str, *, customer_id: int, chat_id: str | None
    ) -> ActionOutcome:
        outcome = await confirmations.cancel(confirmation_id, self._context(customer_id, chat_id))
        if outcome.status == "cancelled":
            await self._pending.remember(self._context(customer_id, chat_id), outcome)
        return _action(outcome, confirmation_id)

    async def cancel_pending(self, *, customer_id: int, chat_id: str) -> ActionOutcome:
        pending = await confirmations.latest_pending(self._context(customer_id, chat_id))
        if pending is None:
            return ActionOutcome(status="not_found", message=texts.NOTHING_PENDING)
        return await self.cancel(pending.id, customer_id=customer_id, chat_id=chat_id)

    async def confirmation_states(
        self, confirmation_ids: Sequence[str]
    ) -> dict[str, ActionOutcome]:
        return await confirmation_states(self._context(None, None), confirmation_ids)

    async def waiting_confirmations(
        self, chat_id: str, *, proposed_from: datetime, proposed_before: datetime | None = None
    ) -> list[ConfirmationRequested]:
        return await waiting_confirmations(
            self._context(None, None),
            chat_id,
            proposed_from=proposed_from,
            proposed_before=proposed_before,
        )

    async def call_tool(
        self, name: str, *, customer_id: int | None, arguments: dict[str, Any]
    ) -> dict[str, Any]:
        """A read-only tool's contract result (or error object); never a side effect."""
        found = self.registry.get(name)
        if found is not None and found.side_effect:
            log.warning("direct call of side-effecting tool %s refused", name)
            return {
                "success": False,
                "error": {
                    "code": "CONFIRMATION_REQUIRED",
                    "message": texts.DIRECT_CALL_REFUSED,
                    "details": {"tool": name},
                },
            }
        outcome = await execute(
            self.registry, ToolCall(name, arguments), self._context(customer_id, None)
        )
        return outcome.data

    # -- status ----------------------------------------------------------------

    async def status(self) -> SystemStatus:
        backend = self.backends.status()
        turns, errors = self.metrics.last_hour()
        return SystemStatus(
            model_hizmeti=ModelServiceStatus(
                model_adi=backend.model_name,
                model_loaded=backend.state == "loaded",
                backend=backend.backend,
                state=backend.state,
                device=backend.device,
                quantization=backend.quantization,
                dtype=backend.dtype,
                memory_mb=backend.memory_mb,
                error=backend.error,
                reason=backend.extra.get("reason"),
                details={key: str(value) for key, value in backend.extra.items()},
            ),
            arac_sayisi=len(self.registry),
            uptime_s=round(time.monotonic() - self._started, 1),
            queue_depth=self._in_flight,
            turns_last_hour=turns,
            errors_last_hour=errors,
            database_dialect=self.database.dialect,
            database_size_bytes=await self.database.size_bytes(),
        )

    async def swap_model(
        self, *, backend: str | None = None, model_name: str | None = None
    ) -> SystemStatus:
        await self.backends.swap(backend, model_name)
        self.metrics.model_loaded.set(1 if self.backends.status().state == "loaded" else 0)
        return await self.status()

    def _context(self, customer_id: int | None, chat_id: str | None) -> ToolContext:
        return ToolContext.on_database(self.database, self.settings, customer_id, chat_id)


def _action(outcome: ConfirmationOutcome, confirmation_id: str) -> ActionOutcome:
    return ActionOutcome(
        status=outcome.status,
        message=outcome.message,
        result=outcome.result,
        confirmation_id=confirmation_id if outcome.status != "not_found" else None,
    )
