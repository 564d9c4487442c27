"""Who a request acts for, checked before anything is stored or run.

Each route that acts for a customer takes its body through one of the
dependencies below (a dependency runs before the route, so even the
streaming route can still answer with a status code):

- ``user_id`` must name an existing customer: 404 ``CUSTOMER_NOT_FOUND``;
- a ``session_id`` that holds another customer's turns is refused with 403
  ``SESSION_MISMATCH``: its history (tool results included) would go into
  this caller's prompt. An unlinked caller (``user_id`` null) cannot continue
  a customer's session either. Sessions with only unlinked turns bind nobody.

The database is read in one short transaction (``db.chat_sessions``); a
database out of reach gives 503 ``SERVICE_UNAVAILABLE``.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends
from sqlalchemy.engine import Connection

from agent.service import messages
from agent.service.errors import ApiError, database_unavailable
from agent.service.schemas import CancelPendingBody, ChatBody, ConfirmationBody, ToolBody
from agent.service.state import ServiceState, service_state
from db.chat_sessions import customer_exists, other_customer_of_chat
from db.retries import DatabaseBusyError, run_sync_in_transaction

log = logging.getLogger(__name__)

CUSTOMER_NOT_FOUND = "CUSTOMER_NOT_FOUND"
SESSION_MISMATCH = "SESSION_MISMATCH"

State = Annotated[ServiceState, Depends(service_state)]


async def checked_chat(body: ChatBody, state: State) -> ChatBody:
    await check_caller(state, body.user_id, body.session_id)
    return body


async def checked_confirmation(body: ConfirmationBody, state: State) -> ConfirmationBody:
    await check_caller(state, body.user_id, body.session_id)
    return body


async def checked_cancel_pending(body: CancelPendingBody, state: State) -> CancelPendingBody:
    await check_caller(state, body.user_id, body.session_id)
    return body


async def checked_tool(body: ToolBody, state: State) -> ToolBody:
    await check_caller(state, body.user_id, None)
    return body


async def check_caller(
    state: ServiceState, customer_id: int | None, session_id: str | None
) -> None:
    """Raise :class:`ApiError` unless ``customer_id`` exists and may use ``session_id``."""
    if state.database is None or (customer_id is None and session_id is None):
        return

    def problem(connection: Connection) -> ApiError | None:
        if customer_id is not None and not customer_exists(connection, customer_id):
            return ApiError(
                404, CUSTOMER_NOT_FOUND, messages.CUSTOMER_NOT_FOUND.format(customer_id=customer_id)
            )
        if session_id is None:
            return None
        owner = other_customer_of_chat(connection, session_id, customer_id)
        if owner is None:
            return None
        log.warning(
            "refused session %s for customer %s: it holds the turns of customer %s",
            session_id,
            customer_id,
            owner,
        )
        return ApiError(403, SESSION_MISMATCH, messages.SESSION_MISMATCH)

    try:
        refusal = await run_sync_in_transaction(
            state.database.sessions,
            problem,
            what=f"check caller of session {session_id}",
            policy=state.database.retry,
        )
    except DatabaseBusyError as exc:
        log.error("cannot check the caller: the database is out of reach: %s", exc)
        raise database_unavailable() from None
    if refusal is not None:
        raise refusal
