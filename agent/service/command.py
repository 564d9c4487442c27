"""``python -m agent serve [--host H] [--port P]``: run the agent HTTP service.

Exit status: 0 after a clean shutdown; 2 with one line on standard error when
it cannot start: a port outside 1-65535, a non-loopback address without a
token, a database that cannot be opened.
"""

from __future__ import annotations

import argparse

from core.cli import Subcommands, port_number
from core.settings import Settings


def add_parser(commands: Subcommands) -> None:
    """Register the ``serve`` subcommand on the top-level parser's subcommands."""
    serve = commands.add_parser("serve", help="serve the agent over HTTP (FastAPI on uvicorn)")
    serve.add_argument("--host", help="address to bind (default: service.host)")
    serve.add_argument("--port", type=port_number, help="port to bind (default: service.port)")
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status."""
    # Imported here so `python -m agent tools` does not load the web stack.
    from agent.service.server import serve

    return serve(settings, host=args.host, port=args.port)
