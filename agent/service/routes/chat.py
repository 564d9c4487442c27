"""Chat routes: one turn as JSON or as Server-Sent Events, and confirmations.

A turn the database's outage broke is a failure of the JSON route, as
README's contract says: 503 ``SERVICE_UNAVAILABLE``, not a success carrying
the runtime's apology. The stream has already sent its events by then; it
ends with the ``final`` event, ``failed: true``, which the bot shows.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from agent.events import AgentEvent, ChatRequest, ConfirmationRequested, FinalAnswer
from agent.service import messages
from agent.service.auth import require_token
from agent.service.errors import INTERNAL_ERROR, database_unavailable, error_body
from agent.service.identity import checked_cancel_pending, checked_chat, checked_confirmation
from agent.service.schemas import (
    ERROR_RESPONSES,
    IDENTITY_RESPONSES,
    UNAVAILABLE_RESPONSES,
    CancelPendingBody,
    ChatBody,
    ChatData,
    ChatResponse,
    ConfirmationBody,
    ConfirmationOffer,
    ConfirmationStatesBody,
    OutcomeResponse,
    StatesResponse,
    WaitingConfirmationsBody,
    WaitingResponse,
)
from agent.service.state import ServiceState, service_state

log = logging.getLogger(__name__)

# The SSE event name of a turn that broke on the server; its data is a failure envelope.
ERROR_EVENT = "error"

router = APIRouter(
    prefix="/api/v1/chat",
    tags=["chat"],
    dependencies=[Depends(require_token)],
    responses=ERROR_RESPONSES,
)
State = Annotated[ServiceState, Depends(service_state)]
# Bodies whose user_id and session_id were checked (agent.service.identity).
CheckedChat = Annotated[ChatBody, Depends(checked_chat)]
CheckedConfirmation = Annotated[ConfirmationBody, Depends(checked_confirmation)]
CheckedCancelPending = Annotated[CancelPendingBody, Depends(checked_cancel_pending)]


@router.post(
    "/",
    summary="Run one chat turn and return the answer",
    response_model=ChatResponse,
    responses={**IDENTITY_RESPONSES, **UNAVAILABLE_RESPONSES},
)
async def chat(body: CheckedChat, state: State) -> ChatResponse:
    """The whole turn at once: the answer, its tool calls, and a proposed action if any.

    A database out of reach (checking the caller, storing the message or
    finishing the turn) answers 503 ``SERVICE_UNAVAILABLE``.
    """
    request = chat_request(body)
    final: FinalAnswer | None = None
    offer: ConfirmationOffer | None = None
    async for event in _closing(state.agent.chat(request)):
        if isinstance(event, ConfirmationRequested):
            offer = ConfirmationOffer(
                id=event.confirmation_id,
                arac_adi=event.tool,
                ozet=event.summary,
                son_gecerlilik=event.expires_at,
            )
        elif isinstance(event, FinalAnswer):
            final = event
    if final is None:
        raise RuntimeError(f"chat {request.chat_id}: the turn ended without a final answer")
    if final.failed and final.failure == "database":
        raise database_unavailable()
    data = ChatData(
        response=final.text,
        confidence=final.confidence,
        tool_calls=final.tool_calls,
        session_id=request.chat_id,
        onay=offer,
    )
    return ChatResponse(data=data)


@router.post(
    "/stream",
    summary="Run one chat turn as Server-Sent Events",
    response_class=EventSourceResponse,
    responses=IDENTITY_RESPONSES,
    description=(
        "One event per step, in order: `text` deltas, `tool_started`, `tool_finished`, "
        "`confirmation` (a proposed action), and `final` last. `data` is the event's JSON "
        "(`agent.events`). A turn that breaks on the server ends with an `error` event "
        "holding a failure envelope."
    ),
)
async def chat_stream(body: CheckedChat, state: State) -> AsyncIterable[ServerSentEvent]:
    """Stream the turn's events as they happen."""
    request = chat_request(body)
    try:
        async for event in _closing(state.agent.chat(request)):
            yield ServerSentEvent(event=event.type, data=event)
    except Exception:
        incident = uuid.uuid4().hex[:8]
        log.exception("chat %s: stream broke (incident %s)", request.chat_id, incident)
        message = messages.TURN_BROKEN.format(incident=incident)
        yield ServerSentEvent(
            event=ERROR_EVENT, data=error_body(INTERNAL_ERROR, message, incident_id=incident)
        )


@router.post(
    "/confirm",
    summary="Run a proposed action (at most once)",
    response_model=OutcomeResponse,
    responses=IDENTITY_RESPONSES,
)
async def confirm(body: CheckedConfirmation, state: State) -> OutcomeResponse:
    """Confirm the action the customer was asked about; a repeat returns the first outcome."""
    outcome = await state.agent.confirm(
        body.confirmation_id, customer_id=body.user_id, chat_id=body.session_id
    )
    return OutcomeResponse(data=outcome)


@router.post(
    "/cancel",
    summary="Cancel a proposed action",
    response_model=OutcomeResponse,
    responses=IDENTITY_RESPONSES,
)
async def cancel(body: CheckedConfirmation, state: State) -> OutcomeResponse:
    """Cancel the action; cancelling is final."""
    outcome = await state.agent.cancel(
        body.confirmation_id, customer_id=body.user_id, chat_id=body.session_id
    )
    return OutcomeResponse(data=outcome)


@router.post(
    "/cancel-pending",
    summary="Cancel the conversation's latest proposed action",
    response_model=OutcomeResponse,
    responses=IDENTITY_RESPONSES,
)
async def cancel_pending(body: CheckedCancelPending, state: State) -> OutcomeResponse:
    """What the bot's ``/iptal`` does: cancel whatever waits for a yes in this conversation."""
    outcome = await state.agent.cancel_pending(customer_id=body.user_id, chat_id=body.session_id)
    return OutcomeResponse(data=outcome)


@router.post(
    "/confirmation-states",
    summary="What became of proposed actions no longer waiting",
    response_model=StatesResponse,
)
async def confirmation_states(body: ConfirmationStatesBody, state: State) -> StatesResponse:
    """For a front end's open cards: each action settled since (``done``, ``cancelled``,
    ``expired``, ``not_found``), by id; actions still waiting are left out."""
    outcomes = await state.agent.confirmation_states(body.confirmation_ids)
    return StatesResponse(data=outcomes)


@router.post(
    "/waiting-confirmations",
    summary="Proposed actions of a conversation still waiting for the customer",
    response_model=WaitingResponse,
)
async def waiting_confirmations(body: WaitingConfirmationsBody, state: State) -> WaitingResponse:
    """For a front end recovering a turn a crash interrupted: the actions it proposed
    (created in ``[proposed_from, proposed_before)``) that still wait, oldest first."""
    waiting = await state.agent.waiting_confirmations(
        body.session_id, proposed_from=body.proposed_from, proposed_before=body.proposed_before
    )
    return WaitingResponse(data=waiting)


def chat_request(body: ChatBody) -> ChatRequest:
    """The agent's request for an API body; a missing session id opens a new conversation."""
    return ChatRequest(
        message=body.message,
        chat_id=body.session_id or f"api-{uuid.uuid4().hex[:16]}",
        customer_id=body.user_id,
        message_id=body.message_id,
        update_id=body.update_id,
        private=body.private,
    )


async def _closing(events: AsyncIterator[AgentEvent]) -> AsyncIterator[AgentEvent]:
    """Iterate ``events`` and always close the agent's generator, even when abandoned."""
    try:
        async for event in events:
            yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
