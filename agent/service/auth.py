"""Bearer-token check of the API routes, and where the service may listen without one.

The token is ``agent.api_token`` (env ``AGENT_API_TOKEN``). Without a token
the API is open, which :func:`is_loopback` limits to a loopback address: the
server refuses to start anywhere else (``agent.service.server``).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agent.service import messages
from agent.service.errors import UNAUTHORIZED, ApiError
from agent.service.state import service_state

log = logging.getLogger(__name__)

# auto_error=False: a missing header is our 401 envelope, not FastAPI's 403.
_bearer = HTTPBearer(auto_error=False, description="AGENT_API_TOKEN")


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Dependency of every API route: 401 unless the bearer token matches."""
    expected = service_state(request).settings.agent.api_token.get_secret_value()
    if not expected:
        return
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        client = request.client.host if request.client else "?"
        log.warning(
            "rejected %s %s from %s: %s",
            request.method,
            request.url.path,
            client,
            "wrong token" if given else "no token",
        )
        raise ApiError(
            401, UNAUTHORIZED, messages.UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"}
        )
