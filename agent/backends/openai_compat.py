"""The ``openai`` backend: any OpenAI-compatible server (vLLM, llama.cpp server, TGI).

This is how a deployment grows past one GPU: the model runs in a vLLM
cluster (tensor/pipeline parallel, or replicas behind a load balancer) and
the agent streams from it over HTTP. ``load(model, settings)`` is what
``BackendManager`` calls.

One ``stream(request)`` is one model step of the agent loop:

1. the dialogue becomes chat messages (``turns_to_messages`` with the
   configured customer hint), with ``model.system_prompt`` first when one is
   set (``agent.prompt.with_system_prompt``; empty, as the fine-tune
   needs, the prompt bytes are exactly the trained ones);
2. ``tool_mode: text`` (the default; the fine-tuned model writes the tool
   markers as text): ``request_mode: prompt`` (the default) renders OUR
   Llama-3 prompt (``render_prompt``, the built-in template the fine-tune was
   trained on) and POSTs it to ``/completions``; ``request_mode: chat`` POSTs
   the messages to ``/chat/completions`` and the server applies the model's
   chat template;
3. the answer streams back as Server-Sent Events and is passed on as raw
   text: tool calls are parsed by the agent, never by the server. Stop
   strings end the message at ``<|eot_id|>``, at the end of a tool-call
   block or at a header opened without an end of turn; servers drop the
   matched stop string, so the end tag is put back when the generation
   stopped on it (``openai_stream.end_tag_to_restore``);
4. who speaks next, in ``request_mode: prompt``: after a message that ended
   its turn (``tool_continuation.asks_next_speaker``, whatever its length) one
   short ``/completions`` request asks the model: the prompt, the message,
   ``<|eot_id|>`` and ``<|start_header_id|>`` (``probe_prompt``), greedy, at
   most ``HEADER_PROBE_TOKENS`` tokens, stopped at ``<|end_header_id|>``. Only
   when it names ``assistant`` is the next assistant message requested (at
   ``model.tool_call_temperature``), and passed on only if it opens with a
   tool-call block (``ContinuationGate``). A probe that fails (an error, the
   time limit) ends the step with the message as the answer. The server
   holds no keys and values between requests we can count on, so the probe
   costs one prefill of the prompt (vLLM's prefix caching makes it short);
   ``request_mode: chat`` asks nothing: the server applies the chat
   template, so the next header cannot be probed (nor the trained
   two-message pattern continued reliably), and every message is the whole
   answer. Stock models, which call tools in the same message, use
   ``tool_mode: native``;
5. ``tool_mode: native`` (stock tool-calling models behind a server-side
   tool parser: vLLM ``--enable-auto-tool-choice --tool-call-parser ...``):
   the messages go to ``/chat/completions`` in the native shape
   (``openai_messages.native_messages``: assistant ``tool_calls`` with ids,
   ``role: tool`` results answering them) with the 19 tools' JSON schemas as
   ``tools`` (``openai_tools.tool_definitions``, derived from the registry)
   and, unless ``model.system_prompt`` is set, the Turkish rules of
   ``openai_system_prompt``. Text deltas stream on as they come; the
   ``delta.tool_calls`` fragments are assembled and passed on at the end of
   the message as ONE text-protocol block (``openai_tools.calls_to_block``),
   so the agent loop parses, guards, binds and confirms them exactly as the
   calls the fine-tune writes.

Failures: connection errors, 5xx and 429 are retried with exponential
back-off (``Retry-After`` honoured) only while nothing of the answer has been
passed on. Once text has streamed, a broken stream raises
``StreamInterruptedError`` and is never re-sent, so the runtime apologises
instead of the customer reading a sentence twice. The whole model step is
bounded by ``model.openai.timeout_s`` (``ServerTimeoutError``, a
``TimeoutError``, which the runtime answers with its timeout text).

Tool results in text ``chat`` mode travel as ``role: "tool"`` messages, the role
the model was trained with, carrying a ``tool_call_id`` (``call_1``, ...):
servers that validate the OpenAI message schema refuse a tool message without
one (llama-cpp-python answers 500), and templates that do not use the id
(stock Llama-3, as vLLM renders it) ignore it.

The API key (``OPENAI_API_KEY``) is sent as a bearer token and appears in no
log line, error or status.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

import httpx
from tenacity import RetryCallState

from agent.backends.base import BackendStatus, GenerationRequest, LoadState
from agent.backends.manager import BackendLoadError
from agent.backends.openai_messages import ChatMessage, native_messages, text_chat_messages
from agent.backends.openai_stream import (
    DONE,
    END_OF_TURN,
    STOP_STRINGS,
    RequestMode,
    StreamFormatError,
    StreamPiece,
    decode_chunk,
    describe_error,
    end_tag_to_restore,
    sse_data,
    stopped_at_end_of_turn,
)
from agent.backends.openai_system_prompt import STOCK_MODEL_SYSTEM_PROMPT
from agent.backends.openai_tools import ToolCallAssembler, calls_to_block, tool_definitions
from agent.backends.retry_policy import (
    HEALTH_RETRY,
    MAX_RETRY_AFTER_S,
    RETRYABLE_STATUSES,
    SERVER_RETRY,
    parse_retry_after,
)
from agent.backends.tool_continuation import (
    HEADER_PROBE_TOKENS,
    LLAMA3_HEADERS,
    ContinuationGate,
    NextSpeaker,
    StopReason,
    asks_next_speaker,
    probe_prompt,
    read_next_speaker,
    with_message,
)
from agent.prompt import (
    BEGIN_OF_TEXT,
    CustomerHint,
    estimate_tokens,
    render_prompt,
    turns_to_messages,
    with_system_prompt,
)
from agent.tools.telekom import default_registry
from core.retrying import Retrying, RetryPolicy, retrying, run_retrying
from core.settings import AgentSettings, ModelSettings, Settings

log = logging.getLogger(__name__)

_CONNECT_TIMEOUT_S: Final = 10.0
_HEALTH_TIMEOUT_S: Final = 5.0


class OpenAIBackendError(RuntimeError):
    """The server could not serve a request; the message says why, in one line."""


class ServerRequestError(OpenAIBackendError):
    """A request failed before any of its answer was passed on (after the allowed retries)."""


class StreamInterruptedError(OpenAIBackendError):
    """The answer broke off after text had been passed on; it is not re-sent."""


ToolMode = Literal["text", "native"]


class ServerTimeoutError(TimeoutError):
    """The model step ran past ``timeout_s``."""


class _RetryableError(Exception):
    """A failure another try may cure (connection, 5xx, 429), with the server's wish."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


def _asked_wait(error: BaseException) -> float | None:
    """The server's ``Retry-After``, when it sent one."""
    return error.retry_after_s if isinstance(error, _RetryableError) else None


@dataclass(frozen=True)
class ServerOptions:
    """Where the server is and how to ask it: ``model.openai`` plus sampling and limits."""

    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    request_mode: RequestMode = "prompt"
    tool_mode: ToolMode = "text"
    timeout_s: float = 120.0
    max_new_tokens: int = 512
    temperature: float = 0.6
    top_p: float = 0.9
    tool_call_temperature: float = 0.0
    customer_hint: CustomerHint = "user_prefix"
    # Empty: none in text mode, STOCK_MODEL_SYSTEM_PROMPT in native mode.
    system_prompt: str = ""
    # Text prompt mode: ask the model who speaks after its message (module doc, 4).
    ask_next_speaker: bool = True
    # Native mode: the ``tools`` array and the ``tool_choice`` of a step that
    # follows the customer's message (steps after a tool result send "auto").
    # A named function ({"type": "function", "function": {"name": ...}}) forces
    # the first call on a server whose template cannot choose by itself
    # (llama-cpp-python streams tool calls only when one is named).
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: str | dict[str, Any] = "auto"

    @classmethod
    def from_settings(cls, model: ModelSettings, agent: AgentSettings) -> ServerOptions:
        """The options for ``model:`` and ``agent:`` of config.yaml."""
        server = model.openai
        native = server.tool_mode == "native"
        return cls(
            base_url=server.base_url,
            model=model.name,
            api_key=server.api_key.get_secret_value(),
            request_mode=server.request_mode,
            tool_mode=server.tool_mode,
            timeout_s=server.timeout_s,
            max_new_tokens=model.max_new_tokens,
            temperature=model.temperature,
            top_p=model.top_p,
            tool_call_temperature=model.tool_call_temperature,
            customer_hint=agent.customer_hint,
            system_prompt=model.system_prompt,
            tools=tuple(tool_definitions(default_registry())) if native else (),
        )

    @property
    def instruction(self) -> str:
        """The system prompt sent first (``system_prompt``, else the stock one in native mode)."""
        if self.system_prompt.strip() or self.tool_mode == "text":
            return self.system_prompt
        return STOCK_MODEL_SYSTEM_PROMPT


def api_root(base_url: str) -> httpx.URL:
    """The API root for ``base_url``; a bare ``http://host:port`` gets ``/v1``.

    Raises ValueError for a URL that is not http(s) with a host.
    """
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url {base_url!r} is not a valid URL: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url {base_url!r} must be an http:// or https:// URL with a host")
    path = url.path.rstrip("/") or "/v1"
    return url.copy_with(path=path)


def display_url(url: httpx.URL) -> str:
    """``url`` without any user name or password, for logs and status."""
    return str(url.copy_with(username=None, password=None))


@dataclass
class _Generation:
    """One generation request as it runs: what it produced and how it ended."""

    text: str = ""
    final: StreamPiece | None = None
    completion_tokens: int | None = None
    # Native mode: the tool calls streamed so far (reset on every try).
    calls: ToolCallAssembler = field(default_factory=ToolCallAssembler)

    def tokens_used(self) -> int:
        return self.completion_tokens or estimate_tokens(self.text)

    def stop_reason(self) -> StopReason:
        if stopped_at_end_of_turn(self.final):
            return "end_of_turn"
        return "max_tokens"


class OpenAICompatBackend:
    """Streams the model's output from an OpenAI-compatible server."""

    name = "openai"

    def __init__(self, options: ServerOptions, *, retry: RetryPolicy | None = None) -> None:
        """A backend for ``options``; nothing is sent until ``connect``.

        Raises ValueError for an unusable ``base_url``.
        """
        self._options = options
        self._retry = retry or SERVER_RETRY
        self._root = api_root(options.base_url)
        headers = {"Accept": "text/event-stream, application/json"}
        if options.api_key:
            headers["Authorization"] = f"Bearer {options.api_key}"
        self._client = httpx.AsyncClient(
            base_url=self._root,
            headers=headers,
            timeout=httpx.Timeout(
                options.timeout_s, connect=min(_CONNECT_TIMEOUT_S, options.timeout_s)
            ),
        )
        self._state: LoadState = "not_loaded"
        self._load_error: str | None = None
        self._served: list[str] = []
        self._model = options.model
        self._health = "not checked"
        self._health_at: datetime | None = None
        self._last_error: str | None = None
        self._last_first_chunk_s: float | None = None
        self._last_duration_s: float | None = None
        self._requests = 0
        self._retries = 0

    @property
    def model(self) -> str:
        """The model id sent with each request (as the server lists it)."""
        return self._model

    # -- lifecycle ---------------------------------------------------------------

    async def connect(self, retry: RetryPolicy = HEALTH_RETRY) -> None:
        """Check the server (``GET /models``) and pick the model to request.

        Raises ServerRequestError with a one-line reason when the server does
        not answer after ``retry.attempts`` tries or does not serve the model.
        """
        self._state, self._load_error = "loading", None
        deadline = asyncio.get_running_loop().time() + self._options.timeout_s
        try:
            served = await self._models_with_retries(retry, deadline)
            self._served = served
            self._model = self._choose_model(served)
        except OpenAIBackendError as exc:
            self._state, self._load_error = "failed", str(exc)
            raise
        self._state = "loaded"
        log.info(
            "openai backend: %s serves %s; requesting %s (%s)",
            display_url(self._root),
            ", ".join(served),
            self._model,
            "native tool calls"
            if self._options.tool_mode == "native"
            else f"{self._options.request_mode} mode, tool calls as text",
        )

    async def _models_with_retries(self, retry: RetryPolicy, deadline: float) -> list[str]:
        retrier = self._retrying(retry, deadline, "health check")
        return await run_retrying(retrier, self._fetch_models)

    async def close(self) -> None:
        """Close the connections to the server."""
        await self._client.aclose()
        self._state = "not_loaded"

    # -- generation ----------------------------------------------------------------

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        """Yield the model's output for ``request`` as the server streams it.

        Raises ServerRequestError when the server cannot be used,
        StreamInterruptedError when the stream breaks after text was yielded,
        and ServerTimeoutError past ``timeout_s``.
        """
        if self._state != "loaded":
            raise ServerRequestError(f"the openai backend is {self._state}")
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self._options.timeout_s
        budget = min(request.max_new_tokens, self._options.max_new_tokens)
        self._requests += 1
        self._last_first_chunk_s = None
        try:
            messages = self.text_messages(request)
            if self._options.tool_mode == "native":
                body = self._native_body(request, budget)
            else:
                body = self._text_body(messages, budget, self._options.temperature)
            first = _Generation()
            async with aclosing(self._generate(body, deadline, first)) as pieces:
                async for text in pieces:
                    if self._last_first_chunk_s is None:
                        self._last_first_chunk_s = loop.time() - started
                    yield text
            if self._options.tool_mode == "native":
                return
            tokens_left = budget - first.tokens_used()
            if not self._asks_next_speaker(first, tokens_left):
                return
            if await self._next_speaker(messages, first.text, deadline) != "assistant":
                return
            follow_body = self._text_body(
                with_message(messages, first.text),
                tokens_left,
                self._options.tool_call_temperature,
            )
            gate = ContinuationGate()
            follow = _Generation()
            async with aclosing(self._generate(follow_body, deadline, follow)) as pieces:
                async for text in pieces:
                    passed = gate.feed(text)
                    if passed:
                        yield passed
                    elif gate.state == "rejected":
                        break  # the message was the whole answer
        except (OpenAIBackendError, ServerTimeoutError) as exc:
            self._last_error = str(exc)
            raise
        finally:
            self._last_duration_s = loop.time() - started

    # -- request bodies --------------------------------------------------------------

    def text_messages(self, request: GenerationRequest) -> list[ChatMessage]:
        """The text-mode messages for ``request``: the trained shape, the system prompt first."""
        messages = turns_to_messages(
            request.turns,
            customer_id=request.customer_id,
            customer_hint=self._options.customer_hint,
        )
        return with_system_prompt(messages, self._options.instruction)

    def native_messages(self, request: GenerationRequest) -> list[ChatMessage]:
        """The native-mode messages for ``request``, the system prompt first."""
        messages = native_messages(
            request.turns,
            customer_id=request.customer_id,
            customer_hint=self._options.customer_hint,
        )
        return with_system_prompt(messages, self._options.instruction)

    def _asks_next_speaker(self, first: _Generation, tokens_left: int) -> bool:
        return (
            self._options.ask_next_speaker
            and self._options.request_mode == "prompt"
            and asks_next_speaker(first.text, first.stop_reason(), tokens_left)
        )

    def _text_body(
        self, messages: Sequence[ChatMessage], max_tokens: int, temperature: float
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "top_p": self._options.top_p,
            "stop": list(STOP_STRINGS),
            "stream": True,
        }
        if self._options.request_mode == "chat":
            body["messages"] = text_chat_messages(messages)
        else:
            body["prompt"] = _completion_prompt(render_prompt(messages))
        return body

    def _native_body(self, request: GenerationRequest, max_tokens: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model,
            "max_tokens": max_tokens,
            "temperature": self._options.temperature,
            "top_p": self._options.top_p,
            "stream": True,
            "messages": self.native_messages(request),
        }
        if self._options.tools:
            after_customer = bool(request.turns) and request.turns[-1].role == "user"
            body["tools"] = list(self._options.tools)
            body["tool_choice"] = self._options.tool_choice if after_customer else "auto"
        return body

    async def _next_speaker(
        self, messages: Sequence[ChatMessage], text: str, deadline: float
    ) -> NextSpeaker:
        """The role the model names after its message ``text`` (the header probe)."""
        body = {
            "model": self._model,
            "prompt": _completion_prompt(probe_prompt(messages, text)),
            "max_tokens": HEADER_PROBE_TOKENS,
            "temperature": 0.0,
            "stop": [LLAMA3_HEADERS.closer, END_OF_TURN],
            "stream": False,
        }
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._client.post("completions", json=body)
            response.raise_for_status()
            named = response.json()["choices"][0]["text"]
        except (TimeoutError, httpx.HTTPError, ValueError, LookupError, TypeError) as exc:
            log.warning("openai header probe failed (%s); the message is the answer", exc)
            return "other"
        speaker = read_next_speaker(str(named))
        log.debug("header probe: the model names %r next", speaker)
        return speaker

    async def _generate(
        self, body: dict[str, Any], deadline: float, generation: _Generation
    ) -> AsyncGenerator[str, None]:
        """One assistant message from the server, retried until its first text arrives."""
        path = "chat/completions" if "messages" in body else "completions"
        async for attempt in self._retrying(self._retry, deadline, path):
            with attempt:
                try:
                    async with aclosing(self._attempt(path, body, deadline, generation)) as pieces:
                        async for text in pieces:
                            yield text
                except _RetryableError as failure:
                    if generation.text:  # never sent twice: the caller has part of it
                        log.error("openai stream broke after text was sent on: %s", failure)
                        raise StreamInterruptedError(
                            f"the server stopped mid-answer: {failure}"
                        ) from failure
                    raise

    async def _attempt(
        self, path: str, body: dict[str, Any], deadline: float, generation: _Generation
    ) -> AsyncGenerator[str, None]:
        """One try of a generation request; raises _RetryableError for what may pass."""
        generation.calls = ToolCallAssembler()  # fragments of a broken try are not kept
        mode: RequestMode = "chat" if path.startswith("chat") else "prompt"
        request = self._client.build_request("POST", path, json=body)
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._client.send(request, stream=True)
        except TimeoutError:
            raise self._timed_out() from None
        except httpx.TransportError as exc:
            self._note_health(f"unreachable: {_describe_transport(exc)}")
            raise _RetryableError(_describe_transport(exc)) from exc
        try:
            if response.status_code != httpx.codes.OK:
                await self._raise_for_status(response, deadline)
            self._note_health("ok")
            async for text in self._read_stream(response, deadline, generation, mode):
                yield text
        finally:
            await response.aclose()

    async def _read_stream(
        self,
        response: httpx.Response,
        deadline: float,
        generation: _Generation,
        mode: RequestMode,
    ) -> AsyncIterator[str]:
        """The text of a streaming response, then the end tag if a stop string cut it.

        Native tool calls are assembled as they stream and passed on at the
        end as one text-protocol block.
        """
        finished = False
        async with aclosing(sse_data(response.aiter_lines())) as events:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        payload = await anext(events, None)
                except TimeoutError:
                    raise self._timed_out() from None
                except httpx.TransportError as exc:
                    raise _RetryableError(_describe_transport(exc)) from exc
                if payload is None or payload.strip() == DONE:
                    finished = finished or payload is not None
                    break
                piece = self._decode(payload, generation, mode)
                if piece.text:
                    generation.text += piece.text
                    yield piece.text
                generation.calls.feed(piece.tool_calls)
                if piece.finish_reason is not None:
                    generation.final = piece
                    finished = True
        if not finished:
            raise _RetryableError("the stream ended before the answer was complete")
        if generation.calls:
            block = calls_to_block(generation.calls.calls)
            generation.text += block
            yield block
        elif generation.final is not None:
            restored = end_tag_to_restore(generation.text, generation.final)
            if restored:
                generation.text += restored
                yield restored

    def _decode(self, payload: str, generation: _Generation, mode: RequestMode) -> StreamPiece:
        try:
            piece = decode_chunk(payload, mode)
        except StreamFormatError as exc:
            error = StreamInterruptedError if generation.text else ServerRequestError
            raise error(str(exc)) from exc
        if piece.completion_tokens is not None:
            generation.completion_tokens = piece.completion_tokens
        return piece

    async def _raise_for_status(self, response: httpx.Response, deadline: float) -> None:
        try:
            async with asyncio.timeout_at(deadline):
                await response.aread()
        except TimeoutError:
            raise self._timed_out() from None
        except httpx.TransportError as exc:
            raise _RetryableError(_describe_transport(exc)) from exc
        try:
            detail = describe_error(response.json())
        except ValueError:
            detail = describe_error(response.text)
        reason = f"HTTP {response.status_code}: {detail}"
        self._note_health(f"answered {reason}")
        if response.status_code in RETRYABLE_STATUSES:
            wait = parse_retry_after(response.headers.get("retry-after"))
            raise _RetryableError(reason, wait)
        raise ServerRequestError(f"the server refused the request: {reason}")

    def _retrying(self, retry: RetryPolicy, deadline: float, what: str) -> Retrying:
        """Tries of ``what`` under ``retry``: while the failure may pass and time is left.

        The server's ``Retry-After`` is honoured up to ``MAX_RETRY_AFTER_S``;
        no retry is made whose pause would end past ``deadline``. Giving up
        raises ServerRequestError with the reason in one line.
        """
        root = display_url(self._root)

        def give_up(failure: BaseException, state: RetryCallState) -> ServerRequestError:
            if retry.attempts is not None and state.attempt_number >= retry.attempts:
                return ServerRequestError(
                    f"{root}: {what} failed after {retry.attempts} tries: {failure}"
                )
            return ServerRequestError(
                f"{root}: {what} failed ({failure}); a retry in {state.upcoming_sleep:.1f} s "
                "would pass the time limit"
            )

        def counted(_failure: BaseException) -> None:
            self._retries += 1

        return retrying(
            retry,
            what=f"openai server {root}: {what}",
            retry_on=lambda error: isinstance(error, _RetryableError),
            logger=log,
            asked_wait=_asked_wait,
            max_asked_s=MAX_RETRY_AFTER_S,
            deadline=deadline,
            give_up=give_up,
            describe=lambda error: f"failed ({error})",
            on_retry=counted,
        )

    def _timed_out(self) -> ServerTimeoutError:
        limit = self._options.timeout_s
        log.warning("openai server %s: model step passed %.0f s", display_url(self._root), limit)
        return ServerTimeoutError(f"the model server took longer than {limit:g} s")

    # -- health and model --------------------------------------------------------------

    async def _fetch_models(self) -> list[str]:
        """The ids ``GET /models`` lists; records the health check's result."""
        started = time.monotonic()
        try:
            response = await self._client.get("models", timeout=_HEALTH_TIMEOUT_S)
        except httpx.TransportError as exc:
            self._note_health(f"unreachable: {_describe_transport(exc)}")
            raise _RetryableError(_describe_transport(exc)) from exc
        if response.status_code != httpx.codes.OK:
            try:
                detail = describe_error(response.json())
            except ValueError:
                detail = describe_error(response.text)
            reason = f"GET /models answered HTTP {response.status_code}: {detail}"
            self._note_health(reason)
            if response.status_code in RETRYABLE_STATUSES:
                raise _RetryableError(
                    reason, parse_retry_after(response.headers.get("retry-after"))
                )
            raise ServerRequestError(f"{display_url(self._root)}: {reason}")
        served = _model_ids(response)
        elapsed_ms = (time.monotonic() - started) * 1000
        self._note_health(f"ok ({elapsed_ms:.0f} ms)")
        return served

    def _choose_model(self, served: list[str]) -> str:
        wanted = self._options.model
        if wanted in served:
            return wanted
        root = display_url(self._root)
        if len(served) == 1:
            log.warning(
                "model %s is not served at %s; using the one model it serves: %s",
                wanted,
                root,
                served[0],
            )
            return served[0]
        if not served:
            raise ServerRequestError(f"{root} lists no models")
        listed = ", ".join(served[:5])
        raise ServerRequestError(f"{root} does not serve {wanted!r} (it serves: {listed})")

    def _note_health(self, result: str) -> None:
        self._health = result
        self._health_at = datetime.now(UTC)

    # -- status --------------------------------------------------------------------

    def status(self) -> BackendStatus:
        """What /admin shows: the server, its health, the model, the last request."""
        extra = {
            "base_url": display_url(self._root),
            "request_mode": self._options.request_mode,
            "tool_mode": self._options.tool_mode,
            "health": self._health,
            "requests": str(self._requests),
            "retries": str(self._retries),
        }
        if self._health_at is not None:
            extra["health_checked_at"] = self._health_at.isoformat(timespec="seconds")
        if self._served:
            extra["served_models"] = ", ".join(self._served)
        if self._model != self._options.model:
            extra["configured_model"] = self._options.model
        if self._last_error:
            extra["last_error"] = self._last_error
        if self._last_first_chunk_s is not None:
            extra["last_first_chunk_s"] = f"{self._last_first_chunk_s:.2f}"
        if self._last_duration_s is not None:
            extra["last_latency_s"] = f"{self._last_duration_s:.2f}"
        return BackendStatus(
            backend=self.name,
            model_name=self._model,
            state=self._state,
            device="remote",
            quantization="server",
            memory_mb=0.0,
            error=self._load_error,
            extra=extra,
        )


def _completion_prompt(rendered: str) -> str:
    """A rendered prompt for ``/completions``: servers add the tokenizer's BOS themselves."""
    return rendered.removeprefix(BEGIN_OF_TEXT)


def _model_ids(response: httpx.Response) -> list[str]:
    try:
        listing = response.json()
    except ValueError as exc:
        raise ServerRequestError("GET /models did not answer JSON") from exc
    data = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(data, list):
        raise ServerRequestError("GET /models did not answer a model list")
    return [str(item["id"]) for item in data if isinstance(item, dict) and item.get("id")]


def _describe_transport(exc: httpx.TransportError) -> str:
    detail = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


async def load(model: ModelSettings, settings: Settings) -> OpenAICompatBackend:
    """Connect to the configured server (called by ``BackendManager``).

    Raises BackendLoadError with a one-line reason when the settings are
    unusable or the server does not answer or does not serve the model.
    """
    try:
        backend = OpenAICompatBackend(ServerOptions.from_settings(model, settings.agent))
    except ValueError as exc:
        raise BackendLoadError(str(exc)) from exc
    try:
        await backend.connect()
    except OpenAIBackendError as exc:
        await backend.close()
        raise BackendLoadError(str(exc)) from exc
    return backend
