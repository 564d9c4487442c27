"""Direct calls of READ-ONLY tools (the bot's ``/fatura`` and ``/durum``).

A tool with side effects is refused here: it runs only through a chat turn
and the customer's confirmation.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from agent.service import messages
from agent.service.auth import require_token
from agent.service.errors import ApiError
from agent.service.identity import checked_tool
from agent.service.schemas import ERROR_RESPONSES, Failure, ToolBody, ToolResponse
from agent.service.state import ServiceState, service_state
from agent.tools.errors import CONFIRMATION_REQUIRED, UNKNOWN_TOOL

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/v1/tools",
    tags=["tools"],
    dependencies=[Depends(require_token)],
    responses={
        **ERROR_RESPONSES,
        403: {"model": Failure, "description": "The tool changes the account"},
        404: {"model": Failure, "description": "No tool of that name, or no such customer"},
    },
)


@router.post(
    "/{name}",
    summary="Run a read-only tool for a customer",
    response_model=ToolResponse,
    description=(
        "Success: `data` is the tool's contract result. A tool that answers with its own "
        "error (for example `NO_BILL`) gives HTTP 200 with `success: false` and the "
        "contract's error object."
    ),
)
async def call_tool(
    name: Annotated[str, Path(max_length=64)],
    body: Annotated[ToolBody, Depends(checked_tool)],
    state: Annotated[ServiceState, Depends(service_state)],
) -> Any:
    """Run ``name`` with ``arguments`` for the customer ``user_id``."""
    tool = state.registry.get(name)
    if tool is None:
        raise ApiError(404, UNKNOWN_TOOL, messages.UNKNOWN_TOOL.format(name=name))
    if tool.side_effect:
        log.warning("refused direct call of side-effecting tool %s", name)
        raise ApiError(403, CONFIRMATION_REQUIRED, messages.SIDE_EFFECT_TOOL.format(name=name))
    result = await state.agent.call_tool(name, customer_id=body.user_id, arguments=body.arguments)
    if result.get("success") is False and isinstance(result.get("error"), dict):
        return JSONResponse(result)
    return ToolResponse(data=result)
