"""Side effects run only after the customer says yes, and at most once.

:func:`create_proposal` checks the business rules first (an impossible action
is an error at once, not a question), then stores a ``PendingConfirmation``
with a Turkish summary of exactly what will happen. :func:`confirm` claims it
with ``UPDATE ... WHERE status = 'pending'`` as the first statement of a
transaction and runs the action inside that same transaction, storing the
result; a second or concurrent confirmation finds nothing to claim and gets
the stored result. This holds on SQLite (one writer at a time) and on
PostgreSQL (the row lock makes the loser re-check the condition). Cancelling
and expiry are final.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agent import action_outcomes
from agent.events import ActionStatus
from agent.tools import errors
from agent.tools.context import ToolContext
from agent.tools.errors import INTERNAL_ERROR_MESSAGE, ToolError
from agent.tools.guard import admit
from agent.tools.registry import Registry, Tool
from agent.tools.telekom import default_registry
from agent.turns import ToolCall
from db.engine import transaction
from db.models import PendingConfirmation
from db.retries import retry_transient

log = logging.getLogger(__name__)

# secrets.token_urlsafe(12) is 16 characters: short enough for Telegram's callback_data.
CONFIRMATION_ID_BYTES = 12
MAX_CONFIRMATION_ID_CHARS = 32
# Confirmations looked up per statement by settled_outcomes.
_STATES_CHUNK = 500

DONE_MESSAGE = "İşleminiz gerçekleştirildi."
# Result keys holding the public reference of what was done, with their Turkish label.
REFERENCE_LABELS = {
    "transaction_id": "İşlem numarası",
    "change_id": "Değişiklik numarası",
    "ticket_id": "Arıza kayıt numarası",
}
ALREADY_DONE_MESSAGE = "Bu işlem zaten onaylanıp gerçekleştirilmişti; tekrar yapılmadı."
NOT_FOUND_MESSAGE = "Bu onay isteğini bulamadım. İsterseniz işlemi yeniden talep edebilirsiniz."
EXPIRED_MESSAGE = (
    "Bu işlemin onay süresi doldu; hesabınızda bir değişiklik yapılmadı. "
    "İsterseniz işlemi yeniden talep edebilirsiniz."
)
CANCELLED_BEFORE_MESSAGE = (
    "Bu işlem daha önce iptal edilmişti, artık onaylanamaz. "
    "İsterseniz işlemi yeniden talep edebilirsiniz."
)
CANCELLED_MESSAGE = "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
ALREADY_CANCELLED_MESSAGE = "Bu işlem zaten iptal edilmişti."
CANNOT_CANCEL_DONE_MESSAGE = "Bu işlem zaten gerçekleştirildi; artık iptal edilemez."

# done: it ran now; already_done: it ran before (its stored result comes back).
# not_found also answers for another customer's confirmation, so it reveals nothing.
# One vocabulary with the agent API (agent.events.ActionOutcome).
ConfirmationStatus = ActionStatus


@dataclass(frozen=True)
class Proposal:
    """A stored side-effecting call waiting for the customer's yes or no."""

    id: str
    tool_name: str
    arguments: dict[str, Any]
    summary: str
    customer_id: int
    chat_id: str | None
    expires_at: datetime

    @classmethod
    def from_row(cls, row: PendingConfirmation) -> Proposal:
        return cls(
            id=row.id,
            tool_name=row.tool_name,
            arguments=dict(row.arguments),
            summary=row.summary,
            customer_id=row.customer_id,
            chat_id=row.chat_id,
            expires_at=row.expires_at,
        )

    def for_model(self) -> dict[str, Any]:
        """The tool-turn content the model reads instead of a result."""
        return {
            "confirmation_required": True,
            "confirmation_id": self.id,
            "action": self.tool_name,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class ConfirmationOutcome:
    """What confirming or cancelling did.

    ``message`` is Turkish, for the customer. ``result`` is the action's
    contract result or error object when it ran (now or before).
    """

    status: ConfirmationStatus
    message: str
    tool_name: str | None = None
    result: dict[str, Any] | None = None
    # The arguments the action ran with (when it ran), for the chat history's tool turn.
    arguments: dict[str, Any] | None = None

    @property
    def succeeded(self) -> bool:
        """The action ran and did what was asked."""
        if self.status not in ("done", "already_done") or self.result is None:
            return False
        return self.result.get("success") is not False


async def propose(call: ToolCall, ctx: ToolContext, registry: Registry | None = None) -> Proposal:
    """Admit ``call`` (a side-effecting tool), check its rules and store it for confirmation.

    Raises ToolError (Turkish message) when the call cannot run at all.
    ``registry`` defaults to the 19 telecom tools.
    """
    found, arguments = admit(registry or default_registry(), call, ctx)
    return await create_proposal(found, arguments, ctx)


async def create_proposal(tool: Tool, arguments: dict[str, Any], ctx: ToolContext) -> Proposal:
    """Store an admitted call of a side-effecting ``tool`` for confirmation."""
    if not tool.side_effect:
        raise ValueError(f"{tool.name} has no side effect to confirm")
    customer_id = ctx.require_customer()
    preview = await tool.plan(ctx, arguments)
    now = ctx.now()
    row = PendingConfirmation(
        id=secrets.token_urlsafe(CONFIRMATION_ID_BYTES),
        customer_id=customer_id,
        chat_id=ctx.chat_id,
        tool_name=tool.name,
        arguments=preview.arguments,
        summary=preview.summary,
        status="pending",
        created_at=now,
        expires_at=now + ctx.confirmation_ttl,
    )
    async with ctx.transaction() as session:
        session.add(row)
    log.info("proposed %s for customer %s as %s", tool.name, customer_id, row.id)
    return Proposal.from_row(row)


async def confirm(
    confirmation_id: str, ctx: ToolContext, registry: Registry | None = None
) -> ConfirmationOutcome:
    """Run a pending action once, for its own customer; later calls get the stored result.

    ``registry`` defaults to the 19 telecom tools. Never raises.
    """
    row = await _own_confirmation(confirmation_id, ctx, "confirm")
    if row is None:
        return ConfirmationOutcome("not_found", NOT_FOUND_MESSAGE)
    now = ctx.now()
    if row.status == "pending" and row.expires_at > now:
        pending = row

        async def run_once() -> ConfirmationOutcome | None:
            """Claim and run the action in one transaction; None when already claimed."""
            async with transaction(ctx.sessions) as session:
                if not await _claim(session, pending.id, now):
                    return None
                data = await _run(registry or default_registry(), pending, ctx.within(session))
                await session.execute(
                    update(PendingConfirmation)
                    .where(PendingConfirmation.id == pending.id)
                    .values(result=data)
                )
            log.info(
                "confirmed %s (%s) for customer %s",
                pending.id,
                pending.tool_name,
                pending.customer_id,
            )
            message = _done_message(data, pending.tool_name, dict(pending.arguments))
            return _ran("done", pending, data, message)

        try:
            # A rolled-back try left the action pending, so it may run again.
            ran = await retry_transient(run_once, what=f"confirm {row.id}", policy=ctx.retry)
        except Exception:
            log.exception("confirmation %s (%s) failed; it stays pending", row.id, row.tool_name)
            return ConfirmationOutcome("failed", INTERNAL_ERROR_MESSAGE, row.tool_name)
        if ran is not None:
            return ran
        # Someone else resolved it in the meantime: report what they did.
        row = await _load(ctx, confirmation_id)
    return await _settled(row, ctx, "confirm")


async def cancel(confirmation_id: str, ctx: ToolContext) -> ConfirmationOutcome:
    """Cancel a pending action for good; a done, cancelled or expired one is reported as such."""
    row = await _own_confirmation(confirmation_id, ctx, "cancel")
    if row is None:
        return ConfirmationOutcome("not_found", NOT_FOUND_MESSAGE)
    now = ctx.now()
    pending = row

    async def cancel_once() -> int:
        async with transaction(ctx.sessions) as session:
            # A DML statement's result is a CursorResult (rowcount); execute is typed Result.
            cancelled = cast(
                CursorResult[Any],
                await session.execute(
                    update(PendingConfirmation)
                    .where(
                        PendingConfirmation.id == pending.id,
                        PendingConfirmation.status == "pending",
                        PendingConfirmation.expires_at > now,
                    )
                    .values(status="cancelled", resolved_at=now)
                    .execution_options(synchronize_session=False)
                ),
            )
        return cancelled.rowcount

    if await retry_transient(cancel_once, what=f"cancel {row.id}", policy=ctx.retry) == 1:
        log.info("cancelled %s (%s) for customer %s", row.id, row.tool_name, row.customer_id)
        return ConfirmationOutcome("cancelled", CANCELLED_MESSAGE, row.tool_name)
    return await _settled(await _load(ctx, confirmation_id), ctx, "cancel")


async def latest_pending(ctx: ToolContext) -> Proposal | None:
    """The chat's newest unexpired pending action of its customer (for ``/iptal``)."""
    waiting = await pending_in_chat(ctx)
    return waiting[0] if waiting else None


async def pending_in_chat(ctx: ToolContext) -> list[Proposal]:
    """The chat's unexpired pending actions of its customer, newest first."""
    if ctx.chat_id is None or ctx.customer_id is None:
        return []
    async with transaction(ctx.sessions) as session:
        rows = await session.scalars(
            select(PendingConfirmation)
            .where(
                PendingConfirmation.chat_id == ctx.chat_id,
                PendingConfirmation.customer_id == ctx.customer_id,
                PendingConfirmation.status == "pending",
                PendingConfirmation.expires_at > ctx.now(),
            )
            .order_by(PendingConfirmation.created_at.desc(), PendingConfirmation.id)
        )
        return [Proposal.from_row(row) for row in rows]


@dataclass(frozen=True)
class ChatAction:
    """The newest action proposed in a chat, whatever became of it."""

    id: str
    tool_name: str
    arguments: dict[str, Any]
    # pending | confirmed | cancelled | expired (a pending one past its time reads expired)
    status: str
    result: dict[str, Any] | None
    resolved_at: datetime | None
    expires_at: datetime

    @property
    def ran(self) -> bool:
        """It was confirmed and did what was asked (not an error object)."""
        return (
            self.status == "confirmed"
            and self.result is not None
            and self.result.get("success") is not False
        )


async def newest_in_chat(ctx: ToolContext) -> ChatAction | None:
    """The chat's newest proposed action of its customer, in any state."""
    if ctx.chat_id is None or ctx.customer_id is None:
        return None
    async with transaction(ctx.sessions) as session:
        row = await session.scalar(
            select(PendingConfirmation)
            .where(
                PendingConfirmation.chat_id == ctx.chat_id,
                PendingConfirmation.customer_id == ctx.customer_id,
            )
            .order_by(PendingConfirmation.created_at.desc(), PendingConfirmation.id)
            .limit(1)
        )
    if row is None:
        return None
    past_time = row.status == "pending" and row.expires_at <= ctx.now()
    return ChatAction(
        id=row.id,
        tool_name=row.tool_name,
        arguments=dict(row.arguments),
        status="expired" if past_time else row.status,
        result=None if row.result is None else dict(row.result),
        resolved_at=row.resolved_at,
        expires_at=row.expires_at,
    )


async def _load(ctx: ToolContext, confirmation_id: str) -> PendingConfirmation | None:
    if not confirmation_id or len(confirmation_id) > MAX_CONFIRMATION_ID_CHARS:
        return None
    async with transaction(ctx.sessions) as session:
        return await session.get(PendingConfirmation, confirmation_id)


async def _own_confirmation(
    confirmation_id: str, ctx: ToolContext, action: str
) -> PendingConfirmation | None:
    """The confirmation if it exists and belongs to the chat's customer; another's is logged."""
    row = await _load(ctx, confirmation_id)
    if row is None or ctx.customer_id is None:
        return None
    if row.customer_id != ctx.customer_id:
        log.warning(
            "refused to %s %s: it belongs to customer %s, not %s (chat %s)",
            action,
            row.id,
            row.customer_id,
            ctx.customer_id,
            ctx.chat_id,
        )
        return None
    return row


async def _claim(session: AsyncSession, confirmation_id: str, now: datetime) -> bool:
    """Mark the action confirmed if it is still pending and unexpired."""
    # A DML statement's result is a CursorResult (rowcount); Session.execute is typed Result.
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            update(PendingConfirmation)
            .where(
                PendingConfirmation.id == confirmation_id,
                PendingConfirmation.status == "pending",
                PendingConfirmation.expires_at > now,
            )
            .values(status="confirmed", resolved_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    return claimed.rowcount == 1


async def _run(registry: Registry, row: PendingConfirmation, ctx: ToolContext) -> dict[str, Any]:
    """The confirmed action's result, or its error object (its writes rolled back)."""
    found = registry.get(row.tool_name)
    try:
        if found is None or not found.side_effect:
            raise ToolError(errors.UNKNOWN_TOOL, f"'{row.tool_name}' adında bir işlem bulunmuyor.")
        return await found.run(ctx, found.validate(row.arguments))
    except ToolError as exc:
        log.info("confirmed %s (%s) ended with %s", row.id, row.tool_name, exc.code)
        return exc.to_result()


async def _settled(
    row: PendingConfirmation | None, ctx: ToolContext, action: Literal["confirm", "cancel"]
) -> ConfirmationOutcome:
    """The outcome for an action that is no longer (or can no longer be) pending."""
    if row is None:
        return ConfirmationOutcome("not_found", NOT_FOUND_MESSAGE)
    if row.status == "confirmed":
        if action == "cancel":
            return ConfirmationOutcome(
                "already_done", CANNOT_CANCEL_DONE_MESSAGE, row.tool_name, row.result
            )
        return _ran("already_done", row, row.result, ALREADY_DONE_MESSAGE)
    if row.status == "cancelled":
        message = CANCELLED_BEFORE_MESSAGE if action == "confirm" else ALREADY_CANCELLED_MESSAGE
        return ConfirmationOutcome("cancelled", message, row.tool_name)
    if row.status == "pending":
        if row.expires_at > ctx.now():
            # Another attempt failed and rolled back; this one may simply be retried.
            return ConfirmationOutcome("failed", INTERNAL_ERROR_MESSAGE, row.tool_name)
        await _expire(ctx, row.id)
    return ConfirmationOutcome("expired", EXPIRED_MESSAGE, row.tool_name)


async def _expire(ctx: ToolContext, confirmation_id: str) -> None:
    now = ctx.now()
    async with transaction(ctx.sessions) as session:
        await session.execute(
            update(PendingConfirmation)
            .where(
                PendingConfirmation.id == confirmation_id,
                PendingConfirmation.status == "pending",
                PendingConfirmation.expires_at <= now,
            )
            .values(status="expired", resolved_at=now)
            .execution_options(synchronize_session=False)
        )


def _ran(
    status: ConfirmationStatus,
    row: PendingConfirmation,
    data: dict[str, Any] | None,
    message: str,
) -> ConfirmationOutcome:
    """An outcome carrying the action's result; an error result speaks for itself."""
    if data is not None and data.get("success") is False:
        message = data["error"]["message"]
    return ConfirmationOutcome(status, message, row.tool_name, data, dict(row.arguments))


def _done_message(result: dict[str, Any], tool_name: str, arguments: dict[str, Any]) -> str:
    """ "İşleminiz gerçekleştirildi." and what the action did, from its real result.

    An action without its own wording gets the reference number the customer may need later.
    """
    effect = action_outcomes.describe(tool_name, result, arguments)
    if effect:
        return f"{DONE_MESSAGE}\n{effect}"
    for key, label in REFERENCE_LABELS.items():
        if key in result:
            return f"{DONE_MESSAGE} {label}: {result[key]}."
    return DONE_MESSAGE


async def settled_outcomes(
    confirmation_ids: Collection[str], ctx: ToolContext
) -> dict[str, ConfirmationOutcome]:
    """What became of each of ``confirmation_ids`` that no longer waits, whoever's it is.

    For a front end keeping its cards true (the bot's sweep): a confirmed
    action is ``done`` with its stored result and reference, then
    ``cancelled``, ``expired`` (a pending one past its time is expired here
    and now), or ``not_found`` for an id never stored. Actions still waiting
    are left out. Changes nothing else.
    """
    wanted = list(dict.fromkeys(confirmation_ids))
    valid = [cid for cid in wanted if cid and len(cid) <= MAX_CONFIRMATION_ID_CHARS]
    now = ctx.now()
    rows: dict[str, PendingConfirmation] = {}
    for start in range(0, len(valid), _STATES_CHUNK):
        chunk = valid[start : start + _STATES_CHUNK]
        async with transaction(ctx.sessions) as session:
            found = await session.scalars(
                select(PendingConfirmation).where(PendingConfirmation.id.in_(chunk))
            )
            rows.update((row.id, row) for row in found)
    outcomes: dict[str, ConfirmationOutcome] = {}
    for confirmation_id in wanted:
        row = rows.get(confirmation_id)
        if row is None:
            outcomes[confirmation_id] = ConfirmationOutcome("not_found", NOT_FOUND_MESSAGE)
        elif row.status == "confirmed":
            message = _done_message(row.result or {}, row.tool_name, dict(row.arguments))
            outcomes[confirmation_id] = _ran("done", row, row.result, message)
        elif row.status == "cancelled":
            outcomes[confirmation_id] = ConfirmationOutcome(
                "cancelled", CANCELLED_MESSAGE, row.tool_name
            )
        elif row.status == "expired" or row.expires_at <= now:
            if row.status == "pending":
                await _expire(ctx, row.id)
            outcomes[confirmation_id] = ConfirmationOutcome(
                "expired", EXPIRED_MESSAGE, row.tool_name
            )
    return outcomes
