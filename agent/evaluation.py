"""Score a backend on labelled customer messages: ``python -m agent eval FILE.jsonl``.

Each line is ``{"text": ..., "tool": NAME or null, "args": {...}}``. For each
line the first turn of a fresh chat runs through the real runtime; the first
tool call (run or proposed) is compared with the label, and so are the
labelled arguments (strings compared case- and diacritic-insensitively;
``user_id`` is the caller's and is not compared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.argument_values import same_value
from agent.client import AgentClient
from agent.dialogue_eval import dialogue_command
from agent.events import ChatRequest, ToolStarted
from agent.runtime import AgentRuntime
from agent.terminal_chat import BACKEND_CHOICES
from core.cli import Subcommands
from core.settings import Settings
from db.database import DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError


@dataclass(frozen=True)
class EvalCase:
    text: str
    tool: str | None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ToolScore:
    n: int = 0
    tool_correct: int = 0
    args_n: int = 0
    args_correct: int = 0


@dataclass
class EvalReport:
    per_tool: dict[str, ToolScore]
    misses: list[dict[str, Any]]

    @property
    def n(self) -> int:
        return sum(score.n for score in self.per_tool.values())

    @property
    def tool_accuracy(self) -> float:
        return _ratio(sum(s.tool_correct for s in self.per_tool.values()), self.n)

    @property
    def args_accuracy(self) -> float:
        scores = self.per_tool.values()
        return _ratio(sum(s.args_correct for s in scores), sum(s.args_n for s in scores))

    def summary(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "tool_accuracy": round(self.tool_accuracy, 4),
            "args_accuracy": round(self.args_accuracy, 4),
            "args_n": sum(s.args_n for s in self.per_tool.values()),
        }


class EvalFileError(ValueError):
    """A line of the evaluation file is not a valid case."""


def read_cases(path: Path) -> list[EvalCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(
                EvalCase(
                    text=str(row["text"]), tool=row.get("tool"), args=dict(row.get("args") or {})
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise EvalFileError(f"{path}:{number}: not an evaluation case ({exc})") from None
    return cases


async def evaluate(
    agent: AgentClient, cases: Iterable[EvalCase], customer_id: int | None
) -> EvalReport:
    per_tool: dict[str, ToolScore] = defaultdict(ToolScore)
    misses: list[dict[str, Any]] = []
    for case in cases:
        first: ToolStarted | None = None
        request = ChatRequest(
            message=case.text, chat_id=f"eval-{uuid.uuid4().hex}", customer_id=customer_id
        )
        async for event in agent.chat(request):
            if first is None and isinstance(event, ToolStarted):
                first = event
        got_tool = first.name if first else None
        score = per_tool[case.tool or "(none)"]
        score.n += 1
        tool_ok = got_tool == case.tool
        score.tool_correct += tool_ok
        compared = {k: v for k, v in case.args.items() if k != "user_id"}
        args_ok = None
        if tool_ok and first is not None and compared:
            score.args_n += 1
            args_ok = all(same_value(v, first.arguments.get(k)) for k, v in compared.items())
            score.args_correct += args_ok
        if not tool_ok or args_ok is False:
            misses.append(
                {
                    "text": case.text,
                    "expected": case.tool,
                    "expected_args": compared,
                    "got": got_tool,
                    "got_args": first.arguments if first else None,
                }
            )
    return EvalReport(per_tool=dict(per_tool), misses=misses)


def format_table(report: EvalReport) -> str:
    lines = [f"{'tool':<28}{'n':>5}{'tool ok':>9}{'args n':>8}{'args ok':>9}"]
    for name in sorted(report.per_tool):
        s = report.per_tool[name]
        lines.append(f"{name:<28}{s.n:>5}{s.tool_correct:>9}{s.args_n:>8}{s.args_correct:>9}")
    return "\n".join(lines)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def add_parser(commands: Subcommands) -> None:
    """Register ``python -m agent eval``."""
    parser = commands.add_parser("eval", help="score a backend on labelled messages (jsonl)")
    parser.add_argument("file", type=Path, nargs="?", help='jsonl lines {"text", "tool", "args"}')
    parser.add_argument(
        "--dialogues",
        type=Path,
        metavar="FILE",
        help="score whole conversations instead (jsonl, one per line; agent/dialogue_eval.py)",
    )
    parser.add_argument("--backend", choices=BACKEND_CHOICES, help="model backend to score")
    parser.add_argument("--model", help="model hub id, folder or GGUF file")
    parser.add_argument("--customer", type=int, default=1001, help="linked customer (1001)")
    parser.add_argument(
        "--database-url",
        help="database to run against (default: a fresh demo operator in a temporary folder)",
    )
    parser.add_argument("--show-misses", action="store_true", help="print each wrong case")
    parser.set_defaults(handler=eval_command)


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.dialogues is not None:
        return dialogue_command(args, settings)
    if args.file is None:
        print("eval: give FILE (labelled messages) or --dialogues FILE", file=sys.stderr)
        return 2
    try:
        cases = read_cases(args.file)
    except (OSError, EvalFileError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    settings = settings.with_model(args.backend, args.model)
    with tempfile.TemporaryDirectory(prefix="telekom-eval-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'eval.db'}"
        database = settings.database.model_copy(update={"url": url, "seed_demo": True})
        settings = settings.model_copy(update={"database": database})
        try:
            report = asyncio.run(_evaluate(settings, cases, args.customer))
        except (DatabaseUnavailableError, DatabaseURLError) as exc:
            print(f"database error: {exc}", file=sys.stderr)
            return 1
    print(format_table(report))
    if args.show_misses:
        for miss in report.misses:
            print(json.dumps(miss, ensure_ascii=False))
    print(json.dumps({**report.summary(), "backend": settings.model.backend}))
    return 0


async def _evaluate(settings: Settings, cases: list[EvalCase], customer_id: int) -> EvalReport:
    async with open_database(settings) as database:
        runtime = AgentRuntime(settings, database)
        await runtime.start()
        try:
            return await evaluate(runtime, cases, customer_id)
        finally:
            await runtime.close()
