"""``python -m agent serve [--host H] [--port P]``: run the agent HTTP service.

Exit status: 0 after a clean shutdown, 1 when the database cannot be opened,
2 when refusing to listen on a non-loopback address without a token.
"""

from __future__ import annotations

import argparse

from core.settings import Settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``serve`` subcommand on the top-level parser's subcommands."""
    serve = commands.add_parser("serve", help="serve the agent over HTTP (FastAPI on uvicorn)")
    serve.add_argument("--host", help="address to bind (default: service.host)")
    serve.add_argument("--port", type=int, help="port to bind (default: service.port)")
    serve.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status."""
    # Imported here so `python -m agent tools` does not load the web stack.
    from agent.service.server import serve

    return serve(settings, host=args.host, port=args.port)
