"""The benchmark's side of ``bench.bot_process``: start the bot, mark, stop, read figures."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config_loader import PROJECT_ROOT

# Start-up includes migrations and imports (torch comes with the backends).
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 180.0


class BotProcessError(RuntimeError):
    """The bot process failed; the message ends with the tail of its error output."""


@dataclass(frozen=True)
class BotFigures:
    """CPU seconds of the bot process in the measured window, and its peak memory."""

    cpu_s: float
    peak_rss_mb: float


class BotSubprocess:
    """One bot (``ours`` or ``echo``) in its own process, against ``api_url``."""

    def __init__(
        self,
        kind: str,
        *,
        api_url: str,
        database_url: str,
        work_dir: Path,
        config: str | None = None,
        profile: Path | None = None,
    ) -> None:
        self.kind = kind
        self._arguments = [
            "--kind", kind,
            "--api-url", api_url,
            "--database-url", database_url,
            "--work-dir", str(work_dir),
        ]  # fmt: skip
        if config:
            self._arguments += ["--config", config]
        if profile is not None:
            self._arguments += ["--profile", str(profile)]
        self._stderr_path = work_dir / f"{kind}.stderr"
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        """The bot process's id (``bench.load`` samples its memory)."""
        if self._process is None:
            raise RuntimeError("the bot process has not been started")
        return self._process.pid

    async def start(self) -> None:
        """Start the process and wait until its bot polls."""
        with self._stderr_path.open("wb") as stderr:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.bot_process",
                *self._arguments,
                cwd=PROJECT_ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
            )
        reply = await self._read(READY_TIMEOUT_S)
        if not reply.get("ready"):
            raise self._failure(f"unexpected first line {reply!r}")

    async def mark(self) -> None:
        """Start the measured window."""
        await self._send("mark")

    async def stop(self) -> BotFigures:
        """End the window and the process; its figures."""
        await self._send("stop")
        reply = await self._read(STOP_TIMEOUT_S)
        assert self._process is not None
        await asyncio.wait_for(self._process.wait(), STOP_TIMEOUT_S)
        return BotFigures(cpu_s=float(reply["cpu_s"]), peak_rss_mb=float(reply["peak_rss_mb"]))

    def kill(self) -> None:
        """End the process at once (after a failure)."""
        if self._process is not None and self._process.returncode is None:
            self._process.kill()

    async def _send(self, command: str) -> None:
        assert self._process is not None
        assert self._process.stdin is not None
        self._process.stdin.write(command.encode() + b"\n")
        await self._process.stdin.drain()

    async def _read(self, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        assert self._process is not None
        assert self._process.stdout is not None
        try:
            line = await asyncio.wait_for(self._process.stdout.readline(), timeout)
        except TimeoutError:
            raise self._failure(f"no answer within {timeout:.0f} s") from None
        if not line:
            await self._process.wait()
            raise self._failure(f"exited with status {self._process.returncode}")
        return dict(json.loads(line))

    def stderr_tail(self, characters: int = 3000) -> str:
        """The end of what the process wrote to stderr (errors, tracebacks)."""
        return self._stderr_path.read_text(errors="replace")[-characters:]

    def _failure(self, what: str) -> BotProcessError:
        tail = self.stderr_tail()
        return BotProcessError(f"{self.kind} bot process {what}; its stderr ends:\n{tail}")
