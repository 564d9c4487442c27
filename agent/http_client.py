"""``AgentClient`` over HTTP: the bot's side of ``python -m agent serve``.

A chat turn is read from ``POST /api/v1/chat/stream`` (Server-Sent Events)
and handed on as the same ``agent.events`` models the in-process runtime
yields, so the bot cannot tell the two apart.

Failures become :class:`agent.client.AgentUnavailableError`:

- A connection that cannot be made is retried with exponential back-off
  (the request never reached the agent, so this is safe for every call).
- Idempotent calls (status, read-only tools, confirm, cancel) are also
  retried after timeouts, dropped connections and 502/503/504 answers.
  ``confirm`` is safe to repeat: the agent runs an action at most once.
- A chat turn is never sent twice once the agent may have received it: a
  turn that breaks mid-stream raises at once (the bot apologises; the
  customer's message stays stored).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from agent.client import AgentUnavailableError
from agent.events import (
    ActionOutcome,
    AgentEvent,
    ChatRequest,
    ConfirmationRequested,
    FinalAnswer,
)
from agent.status import SystemStatus
from core.retrying import RetryPolicy, retrying, run_retrying
from core.settings import Settings

log = logging.getLogger(__name__)

CHAT_STREAM_PATH = "/api/v1/chat/stream"
CONFIRM_PATH = "/api/v1/chat/confirm"
CANCEL_PATH = "/api/v1/chat/cancel"
CANCEL_PENDING_PATH = "/api/v1/chat/cancel-pending"
CONFIRMATION_STATES_PATH = "/api/v1/chat/confirmation-states"
WAITING_CONFIRMATIONS_PATH = "/api/v1/chat/waiting-confirmations"
TOOLS_PATH = "/api/v1/tools/{name}"
STATUS_PATH = "/api/v1/chat/system/status"
SWAP_MODEL_PATH = "/api/v1/admin/model"

DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
CONNECT_TIMEOUT_S = 10.0
# Loading a model on a GPU takes minutes; a swap waits that long.
SWAP_TIMEOUT_S = 900.0

# The request never reached the server: always safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The server may have received the request: only idempotent calls are repeated.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.RemoteProtocolError)
_GATEWAY_STATUSES = frozenset({502, 503, 504})


class _GatewayError(Exception):
    """A gateway answered in the agent's place (502/503/504); another try may reach it."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _not_sent(error: BaseException) -> bool:
    """The request never reached the server: always safe to send again."""
    return isinstance(error, _NOT_SENT)


def _not_sent_or_no_agent(error: BaseException) -> bool:
    """A chat turn: not sent, or a proxy had no agent to hand it to (503)."""
    return isinstance(error, (*_NOT_SENT, _GatewayError))


def _idempotent_retryable(error: BaseException) -> bool:
    """An idempotent call: anything that may pass, even if the server may have seen it."""
    return isinstance(error, (*_NOT_SENT, *_MAYBE_SENT, _GatewayError))


_EVENT = TypeAdapter(AgentEvent)


class HTTPAgentClient:
    """Implements ``agent.client.AgentClient`` against the agent HTTP service."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout_s: float = 120.0,
        retries: int = DEFAULT_RETRIES,
        backoff_s: float = DEFAULT_BACKOFF_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``timeout_s`` bounds each wait for the server (the stream's keep-alive
        pings reset it); ``retries`` is how many times a failed call is repeated."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S)),
            transport=transport,
        )
        self._retry = RetryPolicy(
            attempts=max(0, retries) + 1, first_delay_s=backoff_s, max_delay_s=MAX_BACKOFF_S
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> HTTPAgentClient:
        """A client for ``agent.url`` with ``agent.api_token`` and ``agent.timeout_s``."""
        return cls(
            settings.agent.url,
            settings.agent.api_token.get_secret_value(),
            timeout_s=settings.agent.timeout_s,
        )

    # -- chat ------------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> AsyncIterator[AgentEvent]:
        """Run one turn on the service; yields its events, ending with the ``FinalAnswer``."""
        body = {
            "message": request.message,
            "user_id": request.customer_id,
            "session_id": request.chat_id,
            "message_id": request.message_id,
            "update_id": request.update_id,
            "private": request.private,
        }
        response = await self._open_stream(body)
        try:
            async for name, data in _server_sent_events(response):
                event = _decode_event(name, data, request.chat_id)
                yield event
                if isinstance(event, FinalAnswer):
                    return
        except httpx.HTTPError as exc:
            log.error("chat %s: stream broke mid-turn: %r", request.chat_id, exc)
            raise AgentUnavailableError("the agent service stopped mid-turn") from exc
        finally:
            await response.aclose()
        log.error("chat %s: stream ended without a final answer", request.chat_id)
        raise AgentUnavailableError("the agent service ended the turn without an answer")

    async def _open_stream(self, body: dict[str, Any]) -> httpx.Response:
        """The response of a started stream; retried only while nothing reached the agent."""

        async def once() -> httpx.Response:
            request = self._http.build_request("POST", CHAT_STREAM_PATH, json=body)
            response = await self._http.send(request, stream=True)
            if response.status_code != 200:
                await response.aread()
                await response.aclose()
                # 503: a proxy in front had no agent to hand the turn to.
                if response.status_code == 503:
                    raise _GatewayError(response)
            return response

        try:
            response = await self._retrying(CHAT_STREAM_PATH, once, _not_sent_or_no_agent)
        except _GatewayError as exc:
            raise _refused(CHAT_STREAM_PATH, exc.response) from None
        except httpx.HTTPError as exc:
            raise self._unreachable(CHAT_STREAM_PATH, exc) from exc
        if response.status_code != 200:
            raise _refused(CHAT_STREAM_PATH, response)
        return response

    # -- confirmations -----------------------------------------------------------

    async def confirm(
        self, confirmation_id: str, *, customer_id: int, chat_id: str | None
    ) -> ActionOutcome:
        """Run a proposed action, at most once (the service guarantees it)."""
        body = {"confirmation_id": confirmation_id, "user_id": customer_id, "session_id": chat_id}
        data = await self._call("POST", CONFIRM_PATH, json=body, idempotent=True)
        return ActionOutcome.model_validate(data)

    async def cancel(
        self, confirmation_id: str, *, customer_id: int, chat_id: str | None
    ) -> ActionOutcome:
        """Cancel a proposed action."""
        body = {"confirmation_id": confirmation_id, "user_id": customer_id, "session_id": chat_id}
        data = await self._call("POST", CANCEL_PATH, json=body, idempotent=True)
        return ActionOutcome.model_validate(data)

    async def cancel_pending(self, *, customer_id: int, chat_id: str) -> ActionOutcome:
        """Cancel the chat's latest pending action (``/iptal``)."""
        # Not repeated after a timeout: a second run would cancel an older action.
        body = {"user_id": customer_id, "session_id": chat_id}
        data = await self._call("POST", CANCEL_PENDING_PATH, json=body, idempotent=False)
        return ActionOutcome.model_validate(data)

    async def confirmation_states(
        self, confirmation_ids: Sequence[str]
    ) -> dict[str, ActionOutcome]:
        """What became of each proposed action no longer waiting (the bot's open cards)."""
        body = {"confirmation_ids": list(confirmation_ids)}
        data = await self._call("POST", CONFIRMATION_STATES_PATH, json=body, idempotent=True)
        if not isinstance(data, dict):
            raise AgentUnavailableError(
                f"{CONFIRMATION_STATES_PATH}: the agent service answered without states"
            )
        return {
            confirmation_id: ActionOutcome.model_validate(outcome)
            for confirmation_id, outcome in data.items()
        }

    async def waiting_confirmations(
        self, chat_id: str, *, proposed_from: datetime, proposed_before: datetime | None = None
    ) -> list[ConfirmationRequested]:
        """The chat's actions proposed in ``[proposed_from, proposed_before)`` still waiting."""
        body = {
            "session_id": chat_id,
            "proposed_from": proposed_from.isoformat(),
            "proposed_before": proposed_before.isoformat() if proposed_before else None,
        }
        data = await self._call("POST", WAITING_CONFIRMATIONS_PATH, json=body, idempotent=True)
        if not isinstance(data, list):
            raise AgentUnavailableError(
                f"{WAITING_CONFIRMATIONS_PATH}: the agent service answered without actions"
            )
        return [ConfirmationRequested.model_validate(action) for action in data]

    # -- tools, status, model ------------------------------------------------------

    async def call_tool(
        self, name: str, *, customer_id: int | None, arguments: dict[str, Any]
    ) -> dict[str, Any]:
        """Run a READ-ONLY tool: its contract result, or the contract's error object."""
        path = TOOLS_PATH.format(name=name)
        body = {"user_id": customer_id, "arguments": arguments}
        response = await self._send("POST", path, json=body, idempotent=True)
        payload = _json(response)
        error = payload.get("error") if isinstance(payload, dict) else None
        # The tool's own error (200), or the service refusing the tool (403, 404):
        # both in the contract's error shape, as the in-process runtime returns them.
        if response.status_code in (200, 403, 404) and isinstance(error, dict):
            if response.status_code != 200:
                log.warning("tool %s refused by the service: %s", name, error.get("code"))
            return {"success": False, "error": error}
        data = _data(path, response)
        if not isinstance(data, dict):
            raise AgentUnavailableError(f"{path}: the agent service answered without a result")
        return data

    async def status(self) -> SystemStatus:
        """The service's system status."""
        data = await self._call("GET", STATUS_PATH, idempotent=True)
        return SystemStatus.model_validate(data)

    async def swap_model(
        self, *, backend: str | None = None, model_name: str | None = None
    ) -> SystemStatus:
        """Ask the service to load another backend or model and switch to it."""
        body = {"backend": backend, "model_name": model_name}
        data = await self._call(
            "POST", SWAP_MODEL_PATH, json=body, idempotent=False, timeout_s=SWAP_TIMEOUT_S
        )
        return SystemStatus.model_validate(data)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    # -- plumbing --------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        idempotent: bool,
        timeout_s: float | None = None,
    ) -> Any:
        """``data`` of a successful envelope; AgentUnavailableError for anything else."""
        response = await self._send(
            method, path, json=json, idempotent=idempotent, timeout_s=timeout_s
        )
        return _data(path, response)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        idempotent: bool,
        timeout_s: float | None = None,
    ) -> httpx.Response:
        """The service's response, after the retries the call allows."""
        timeout = httpx.Timeout(timeout_s, connect=CONNECT_TIMEOUT_S) if timeout_s else None

        async def once() -> httpx.Response:
            if timeout is None:
                response = await self._http.request(method, path, json=json)
            else:
                response = await self._http.request(method, path, json=json, timeout=timeout)
            if response.status_code in _GATEWAY_STATUSES and idempotent:
                raise _GatewayError(response)
            return response

        retryable = _idempotent_retryable if idempotent else _not_sent
        try:
            return await self._retrying(path, once, retryable)
        except _GatewayError as exc:
            return exc.response  # the last answer stands: _data refuses it
        except httpx.HTTPError as exc:
            raise self._unreachable(path, exc) from exc

    async def _retrying(
        self,
        path: str,
        once: Callable[[], Awaitable[httpx.Response]],
        retryable: Callable[[BaseException], bool],
    ) -> httpx.Response:
        """``once()`` tried up to ``retries + 1`` times while its failure is ``retryable``."""
        retrier = retrying(
            self._retry,
            what=f"agent service {path}",
            retry_on=retryable,
            logger=log,
        )
        return await run_retrying(retrier, once)

    def _unreachable(self, path: str, exc: Exception) -> AgentUnavailableError:
        log.error("agent service unreachable at %s%s: %r", self._http.base_url, path, exc)
        return AgentUnavailableError(f"the agent service at {self._http.base_url} is unreachable")


async def _server_sent_events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """(event name, data) of each complete event of a ``text/event-stream`` body."""
    name = "message"
    data: list[str] = []
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
            continue
        if line.startswith(":"):  # comment: the server's keep-alive ping
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)


def _decode_event(name: str, data: str, chat_id: str) -> AgentEvent:
    """One agent event; the server's ``error`` event or a garbled one raises."""
    if name == "error":
        log.error("chat %s: the agent service reported a broken turn: %s", chat_id, data)
        raise AgentUnavailableError("the agent service could not finish the turn")
    try:
        return _EVENT.validate_json(data)
    except ValidationError as exc:
        log.error("chat %s: unreadable %s event from the agent service: %s", chat_id, name, exc)
        raise AgentUnavailableError("the agent service sent an unreadable event") from exc


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _data(path: str, response: httpx.Response) -> Any:
    """``data`` of a 2xx success envelope, else AgentUnavailableError (logged)."""
    payload = _json(response)
    if response.is_success and isinstance(payload, dict) and payload.get("success") is True:
        return payload.get("data")
    raise _refused(path, response, payload)


def _refused(path: str, response: httpx.Response, payload: Any = None) -> AgentUnavailableError:
    if payload is None:
        payload = _json(response)
    error = payload.get("error") if isinstance(payload, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if response.status_code == 401:
        log.error("agent service %s: token rejected; check AGENT_API_TOKEN on both sides", path)
    else:
        log.error("agent service %s: HTTP %d %s", path, response.status_code, code or "")
    return AgentUnavailableError(f"the agent service answered HTTP {response.status_code}")
