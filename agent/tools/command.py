"""``python -m agent tools``: list the tools' schemas, or call one for a customer.

    python -m agent tools list
    python -m agent tools call NAME [--customer ID] [--chat ID] [--args JSON] [--yes]

``call`` prints the JSON the model would read. A side-effecting tool only runs
with ``--yes`` (its proposal is stored and confirmed at once); without it the
proposal is printed and nothing changes. Exit status: 0 for a result or a
proposal, 1 for a tool error or an unreachable database, 2 for bad ``--args``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from agent.tools import errors
from agent.tools.confirmations import confirm
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.executor import execute
from agent.tools.telekom import default_registry
from agent.turns import ToolCall
from core.cli import Subcommands
from core.settings import Settings
from db.database import DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError


def add_parser(commands: Subcommands) -> None:
    """Register the ``tools`` subcommand on the top-level parser's subcommands."""
    tools = commands.add_parser("tools", help="list or call the 19 telecom tools")
    actions = tools.add_subparsers(dest="tools_command", required=True)
    listing = actions.add_parser("list", help="print every tool's JSON schema")
    listing.set_defaults(handler=list_tools)
    call = actions.add_parser("call", help="call one tool and print its JSON result")
    call.add_argument("name", help="tool name, e.g. get_current_bill")
    call.add_argument("--customer", type=int, help="customer number the call runs for")
    call.add_argument("--chat", help="chat id recorded with a proposal")
    call.add_argument("--args", default="{}", help='arguments as a JSON object, e.g. {"limit": 3}')
    call.add_argument("--yes", action="store_true", help="confirm a side-effecting call at once")
    call.set_defaults(handler=call_tool)


def list_tools(args: argparse.Namespace, settings: Settings) -> int:
    """Print the schemas of all tools as one JSON list."""
    _print_json(default_registry().schemas())
    return 0


def call_tool(args: argparse.Namespace, settings: Settings) -> int:
    """Run one tool call against the configured database and print the JSON outcome."""
    try:
        arguments = json.loads(args.args)
    except json.JSONDecodeError:
        arguments = None
    if not isinstance(arguments, dict):
        problem = ToolError(errors.INVALID_ARGUMENT, "--args geçerli bir JSON nesnesi olmalı.")
        _print_json(problem.to_result())
        return 2
    try:
        data, ok = asyncio.run(_call(settings, ToolCall(args.name, arguments), args))
    except (DatabaseUnavailableError, DatabaseURLError) as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 1
    _print_json(data)
    return 0 if ok else 1


async def _call(
    settings: Settings, call: ToolCall, args: argparse.Namespace
) -> tuple[dict[str, Any], bool]:
    async with open_database(settings) as database:
        ctx = ToolContext.on_database(database, settings, args.customer, args.chat)
        outcome = await execute(default_registry(), call, ctx)
        if outcome.proposal is None:
            return outcome.data, outcome.kind == "result"
        if not args.yes:
            print("side effect not run: add --yes to confirm it", file=sys.stderr)
            return outcome.data, True
        confirmed = await confirm(outcome.proposal.id, ctx)
        if confirmed.result is None:
            failure = ToolError(errors.INTERNAL_ERROR, confirmed.message)
            return failure.to_result(), False
        return confirmed.result, confirmed.succeeded


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
