"""Score a backend on labelled customer messages: ``python -m agent eval FILE.jsonl``.

Each line is ``{"text": ..., "tool": NAME or null, "args": {...}}``. For each
line the first turn of a fresh chat runs through the real runtime; the first
tool call (run or proposed) is compared with the label, and so are the
labelled arguments (strings compared case- and diacritic-insensitively;
``user_id`` is the caller's and is not compared).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.client import AgentClient
from agent.events import ChatRequest, ToolStarted
from core.turkish import fold


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


def same_value(expected: Any, actual: Any) -> bool:
    """Equal after folding case and diacritics; numbers and booleans by value."""
    if isinstance(expected, str) or isinstance(actual, str):
        return fold(_as_text(expected)) == fold(_as_text(actual))
    return bool(expected == actual)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


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
