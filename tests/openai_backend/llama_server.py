"""A real OpenAI-compatible server for tests: ``python -m llama_cpp.server`` as a subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

from tests.service.live_server import free_port

MODEL_ALIAS: Final = "smollm2-135m-test"
_STARTUP_TIMEOUT_S: Final = 180.0
_STOP_TIMEOUT_S: Final = 15.0


class LlamaServerError(RuntimeError):
    """The server did not come up; the message holds the end of its log."""


@dataclass(frozen=True)
class LlamaServer:
    """A running llama.cpp server process and where to reach it."""

    process: subprocess.Popen[bytes]
    base_url: str  # ends with /v1
    model_alias: str
    log_path: Path

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(_STOP_TIMEOUT_S)

    def stop(self) -> None:
        """Stop the process politely, then firmly."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def start_llama_server(
    model: Path, log_dir: Path, *, n_ctx: int = 2048, alias: str = MODEL_ALIAS
) -> LlamaServer:
    """Start the server on a free loopback port and wait until ``/v1/models`` answers.

    No ``--chat_format``: the server uses the chat template in the GGUF's
    metadata (for Qwen2.5 one that renders ``tools``, tool calls and tool
    results).
    """
    port = free_port()
    log_path = log_dir / f"llama-server-{port}.log"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    server = LlamaServer(process, f"http://127.0.0.1:{port}/v1", alias, log_path)
    try:
        _wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def running_llama_server(
    model: Path, log_dir: Path, *, n_ctx: int = 2048, alias: str = MODEL_ALIAS
) -> Iterator[LlamaServer]:
    """A started server that is stopped when the block ends."""
    server = start_llama_server(model, log_dir, n_ctx=n_ctx, alias=alias)
    try:
        yield server
    finally:
        server.stop()


def _wait_until_ready(server: LlamaServer) -> None:
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise LlamaServerError(
                f"llama_cpp.server exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            if httpx.get(f"{server.base_url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise LlamaServerError(
        f"llama_cpp.server not ready after {_STARTUP_TIMEOUT_S:.0f} s:\n{server.log_tail()}"
    )
