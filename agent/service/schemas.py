"""Request and response bodies of the agent HTTP API.

Every response is an envelope: ``{"success": true, "data": ...}`` or
``{"success": false, "error": {"code", "message", "details"?, "incident_id"?}}``
with a Turkish ``message``. Field names of the chat payload follow the
original system's API (``response``, ``tool_calls`` with ``arac_adi`` and
``durum``, ``session_id``); ``onay`` carries a proposed action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints

from agent.events import ActionOutcome, ConfirmationRequested, ToolCallRecord
from agent.status import SystemStatus

# A message longer than Telegram allows is not a customer message.
MAX_MESSAGE_CHARS = 4096
# Confirmations asked about in one call of /api/v1/chat/confirmation-states.
MAX_STATE_QUERIES = 1000
# Ids are stored as 64-bit integers (BIGINT): anything beyond is refused, not overflowed.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

DataT = TypeVar("DataT")

MessageText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
]
SessionId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[\w.:@-]+$"),
]
ConfirmationId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
]
# Strict: true, 1001.0 and "1001" are not customer numbers.
CustomerId = Annotated[
    StrictInt, Field(ge=1, le=INT64_MAX, description="The chat's linked customer number.")
]
Int64 = Annotated[StrictInt, Field(ge=INT64_MIN, le=INT64_MAX)]


class Success(BaseModel, Generic[DataT]):
    """A successful call: ``data`` holds the answer."""

    success: Literal[True] = True
    data: DataT


class ErrorInfo(BaseModel):
    """What went wrong, for the caller: a stable code and a Turkish message."""

    code: str
    message: str
    details: Any = None
    incident_id: str | None = None


class Failure(BaseModel):
    """A failed call."""

    success: Literal[False] = False
    error: ErrorInfo


class ChatBody(BaseModel):
    """One customer message for the agent."""

    message: MessageText
    user_id: CustomerId | None = Field(
        None, description="The linked customer; null in an unlinked chat (general answers only)."
    )
    session_id: SessionId | None = Field(
        None, description="The conversation; a new one is opened when it is missing."
    )
    message_id: Int64 | None = Field(
        None, description="Set by a caller that already stored the message (the bot)."
    )
    update_id: Int64 | None = Field(None, description="Telegram update id, for de-duplication.")
    private: StrictBool = Field(
        True,
        description=(
            "False in a group chat: account questions are sent to the private chat "
            "(user_id is null there)."
        ),
    )


class ConfirmationOffer(BaseModel):
    """A side-effecting action proposed in the turn, waiting for the customer's yes."""

    id: str
    arac_adi: str
    ozet: str
    son_gecerlilik: datetime


class ChatData(BaseModel):
    """The answer of one turn."""

    response: str
    confidence: float
    tool_calls: list[ToolCallRecord]
    session_id: str
    onay: ConfirmationOffer | None = Field(
        None, description="Set when the turn ends with a proposal: confirm it by its id."
    )


class ConfirmationBody(BaseModel):
    """Confirm or cancel a proposed action."""

    confirmation_id: ConfirmationId
    user_id: CustomerId
    session_id: SessionId | None = None


class CancelPendingBody(BaseModel):
    """Cancel the conversation's latest proposed action (``/iptal``)."""

    user_id: CustomerId
    session_id: SessionId


class ConfirmationStatesBody(BaseModel):
    """The proposed actions a front end still shows as open cards."""

    confirmation_ids: list[ConfirmationId] = Field(max_length=MAX_STATE_QUERIES)


class WaitingConfirmationsBody(BaseModel):
    """A conversation and the time a turn ran: which actions it proposed still wait."""

    session_id: SessionId
    proposed_from: datetime
    proposed_before: datetime | None = None


class ToolBody(BaseModel):
    """Arguments of a direct, read-only tool call."""

    user_id: CustomerId | None = None
    arguments: dict[str, Any] = Field(default_factory=dict)


class ModelSwapBody(BaseModel):
    """Which backend and model to load; both default to the current ones."""

    backend: Literal["auto", "transformers", "openai", "rules"] | None = None
    model_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]


# What the OpenAPI page shows for the failures every API route can answer.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Failure, "description": "Missing or wrong bearer token"},
    413: {"model": Failure, "description": "Request body over service.max_body_bytes"},
    422: {"model": Failure, "description": "Invalid request (Turkish message, details)"},
    500: {"model": Failure, "description": "Unexpected error (Turkish apology, incident id)"},
}

# ... and those of the routes that act for a customer (agent.service.identity).
IDENTITY_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"model": Failure, "description": "The session_id belongs to another customer"},
    404: {"model": Failure, "description": "No customer has that user_id"},
}

# ... and those that need the database.
UNAVAILABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"model": Failure, "description": "The database is out of reach (Turkish message)"},
}

ChatResponse = Success[ChatData]
OutcomeResponse = Success[ActionOutcome]
StatesResponse = Success[dict[str, ActionOutcome]]
WaitingResponse = Success[list[ConfirmationRequested]]
StatusResponse = Success[SystemStatus]
ToolResponse = Success[dict[str, Any]]
