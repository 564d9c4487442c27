"""First-turn accuracy of the rules engine on labelled messages.

Rows are ``{"text", "tool", "args"}`` (jsonl). Each text is sent as the first
turn of a dialogue for customer 1001 and the first tool call is compared with
the label:

* tool accuracy: the first call's name equals ``tool``, or there is no call
  and ``tool`` is null;
* intent accuracy (extra, not part of the brief's score): like tool accuracy,
  but a clarifying question for an argument of the labelled tool, or the package
  list shown for a package request without a name, also counts: the router
  understood the request and asks for what the text does not say;
* args accuracy: among rows whose tool matched and that have scorable labelled
  arguments, the share where every scorable labelled argument equals the
  call's (strings compared with ``core.turkish.fold``; extra arguments in the
  call are fine).

Scorable arguments: ``user_id`` is never scored (the chat's link decides it);
keys that are not parameters of the tool in the contract are ignored (the
original corpus carries drifting keys such as ``konum`` or ``amount``); for
``pay_bill`` a labelled value counts only when it appears in the text, or for
``method`` (the corpus invents bill ids like ``F-2024-7714`` that no text
contains).

Run ``python -m agent.rules.evaluate FILE.jsonl [...]`` for a report.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.argument_values import same_value
from agent.rules.dialogue import pending_question
from agent.rules.router import RulesEngine, RulesReply
from agent.rules.tool_contract import PARAMETERS
from agent.turns import ChatTurn
from core.turkish import fold

EVAL_CUSTOMER_ID = 1001


@dataclass(frozen=True)
class Miss:
    """One row the engine got wrong."""

    text: str
    expected_tool: str | None
    expected_args: Mapping[str, Any]
    got_tool: str | None
    got_args: Mapping[str, Any]


@dataclass(frozen=True)
class EvalReport:
    """Scores over a set of rows, with the misses for inspection."""

    rows: int
    tool_correct: int
    intent_correct: int
    args_rows: int
    args_correct: int
    misses: tuple[Miss, ...]

    @property
    def tool_accuracy(self) -> float:
        return self.tool_correct / self.rows if self.rows else 0.0

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.rows if self.rows else 0.0

    @property
    def args_accuracy(self) -> float:
        return self.args_correct / self.args_rows if self.args_rows else 1.0


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a jsonl file (blank lines skipped)."""
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def scorable_args(row: Mapping[str, Any]) -> dict[str, Any]:
    """The labelled arguments of ``row`` that the scores compare (see module docstring)."""
    tool = row.get("tool")
    labelled = row.get("args") or {}
    if tool not in PARAMETERS:
        return {}
    kept = {k: v for k, v in labelled.items() if k != "user_id" and k in PARAMETERS[tool]}
    if tool == "pay_bill":
        text = fold(str(row.get("text", "")))
        kept = {k: v for k, v in kept.items() if k == "method" or fold(str(v)) in text}
    return kept


def intended_tool(reply: RulesReply) -> str | None:
    """The tool a reply works towards: its first call, or the tool its question is for."""
    if reply.tool_calls:
        return reply.tool_calls[0].name
    question = pending_question([ChatTurn("assistant", reply.text), ChatTurn("user", "")])
    return question.tool if question else None


def _same_intent(expected_tool: str | None, reply: RulesReply) -> bool:
    intended = intended_tool(reply)
    if intended == expected_tool:
        return True
    listed = intended == "get_available_packages"
    return listed and expected_tool in ("change_package", "get_package_details")


def evaluate_rows(
    rows: Iterable[Mapping[str, Any]],
    engine: RulesEngine | None = None,
    customer_id: int = EVAL_CUSTOMER_ID,
) -> EvalReport:
    """Score the first turn of every row (see module docstring)."""
    engine = engine or RulesEngine()
    count = tool_correct = intent_correct = args_rows = args_correct = 0
    misses: list[Miss] = []
    for row in rows:
        count += 1
        text = str(row.get("text", ""))
        reply = engine.respond([ChatTurn("user", text)], customer_id)
        call = reply.tool_calls[0] if reply.tool_calls else None
        got_tool = call.name if call else None
        got_args = dict(call.arguments) if call else {}
        expected_tool = row.get("tool")
        expected = scorable_args(row)
        tool_ok = got_tool == expected_tool
        args_ok = all(k in got_args and same_value(v, got_args[k]) for k, v in expected.items())
        tool_correct += tool_ok
        intent_correct += tool_ok or _same_intent(expected_tool, reply)
        if tool_ok and expected:
            args_rows += 1
            args_correct += args_ok
        if not tool_ok or not args_ok:
            misses.append(Miss(text, expected_tool, expected, got_tool, got_args))
    return EvalReport(count, tool_correct, intent_correct, args_rows, args_correct, tuple(misses))


def format_report(name: str, report: EvalReport) -> str:
    """A short plain-text report with the misses."""
    lines = [
        f"{name}: {report.rows} rows, tool accuracy {report.tool_accuracy:.3f} "
        f"({report.tool_correct}/{report.rows}), intent accuracy {report.intent_accuracy:.3f}, "
        f"args accuracy {report.args_accuracy:.3f} "
        f"({report.args_correct}/{report.args_rows})"
    ]
    for miss in report.misses:
        lines.append(
            f"  - {miss.text!r}: expected {miss.expected_tool} {dict(miss.expected_args)}, "
            f"got {miss.got_tool} {dict(miss.got_args)}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report of every jsonl file named on the command line."""
    paths = list(argv if argv is not None else sys.argv[1:])
    if not paths:
        print("usage: python -m agent.rules.evaluate FILE.jsonl [...]", file=sys.stderr)
        return 2
    for path in paths:
        print(format_report(path, evaluate_rows(load_rows(path))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
