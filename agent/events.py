"""What one agent turn streams out, and the other messages of the agent API.

The same pydantic models travel in-process (bot with embedded agent), as
Server-Sent Events over HTTP (``POST /api/v1/chat/stream``), and through the
HTTP client back into the bot, so there is one definition of each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

# What became of a proposed action once confirmed or cancelled.
ActionStatus = Literal["done", "already_done", "cancelled", "expired", "not_found", "failed"]
# Status words of a tool call, as the original HTTP API spelled them.
ToolCallStatus = Literal["tamamlandi", "hata", "onay_bekliyor"]


class ChatRequest(BaseModel):
    """One customer message for the agent."""

    message: str
    chat_id: str
    customer_id: int | None = None
    # Set when the caller (the bot) already stored the message: the agent
    # then uses that row instead of storing the text again, and the caller
    # marks it answered or failed once the customer has the reply.
    message_id: int | None = None
    update_id: int | None = None
    # False in a group chat: there the agent works for no customer even when the
    # sender has a linked account, and account questions are sent to the
    # private chat instead of to linking.
    private: bool = True


class TextDelta(BaseModel):
    type: Literal["text"] = "text"
    text: str


class ToolStarted(BaseModel):
    type: Literal["tool_started"] = "tool_started"
    name: str
    arguments: dict[str, Any]


class ToolFinished(BaseModel):
    type: Literal["tool_finished"] = "tool_finished"
    name: str
    status: ToolCallStatus
    result: dict[str, Any]


class ConfirmationRequested(BaseModel):
    """A side-effecting action waits for the customer's Onayla / Vazgeç."""

    type: Literal["confirmation"] = "confirmation"
    confirmation_id: str
    tool: str
    summary: str
    expires_at: datetime


class ConfirmationSettled(BaseModel):
    """A waiting action was settled by a typed reply (consent, refusal or amendment).

    The card that offered its Onayla / Vazgeç buttons shows ``message`` (what
    became of the action, Turkish) and drops them. An amended proposal is
    ``cancelled`` here and followed by a ``ConfirmationRequested`` for its
    replacement.
    """

    type: Literal["confirmation_settled"] = "confirmation_settled"
    confirmation_id: str
    status: ActionStatus
    message: str = ""


class ToolCallRecord(BaseModel):
    """A tool call of the turn, in the original API's shape."""

    arac_adi: str
    durum: ToolCallStatus
    parametreler: dict[str, Any] = {}
    sonuc: dict[str, Any] | None = None


class FinalAnswer(BaseModel):
    type: Literal["final"] = "final"
    text: str
    chat_id: str
    tool_calls: list[ToolCallRecord] = []
    confidence: float = 1.0
    # True when the turn ended in an error the customer was apologised to for.
    failed: bool = False
    # Why a failed turn failed, when callers answer it differently ("database": the
    # database was out of reach; the HTTP API answers 503).
    failure: Literal["database"] | None = None
    # When the turn proposes actions: what the assistant wrote before proposing
    # ("Yaşadığınız sorun için üzgünüm; hemen bakıyorum."), also at the start of
    # ``text``; the bot sends it before the confirmation cards.
    preface: str = ""


AgentEvent = Annotated[
    TextDelta
    | ToolStarted
    | ToolFinished
    | ConfirmationRequested
    | ConfirmationSettled
    | FinalAnswer,
    Field(discriminator="type"),
]


class ActionOutcome(BaseModel):
    """Result of confirming or cancelling a proposed action."""

    status: ActionStatus
    # Turkish text for the customer (what happened, or why nothing did).
    message: str
    result: dict[str, Any] | None = None
    # The confirmation acted on, when one was found (``/iptal`` names none itself).
    confirmation_id: str | None = None
