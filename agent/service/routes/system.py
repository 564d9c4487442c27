"""System routes: the status /admin shows, and swapping the model at run time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from agent.service.auth import require_token
from agent.service.schemas import ERROR_RESPONSES, ModelSwapBody, StatusResponse
from agent.service.state import ServiceState, service_state

router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(require_token)], responses=ERROR_RESPONSES
)
State = Annotated[ServiceState, Depends(service_state)]


@router.get(
    "/chat/system/status",
    summary="Model, tools, queue and database status",
    response_model=StatusResponse,
    tags=["system"],
)
async def system_status(state: State) -> StatusResponse:
    """What /admin shows: model name, backend, load state, device, queue depth, uptime..."""
    return StatusResponse(data=await state.agent.status())


@router.post(
    "/admin/model",
    summary="Load another backend or model and switch to it",
    response_model=StatusResponse,
    tags=["admin"],
)
async def swap_model(body: ModelSwapBody, state: State) -> StatusResponse:
    """The new model loads beside the current one; if it fails, the current one keeps serving.

    With neither field set, the current backend and model are loaded again.
    """
    status = await state.agent.swap_model(backend=body.backend, model_name=body.model_name)
    return StatusResponse(data=status)
