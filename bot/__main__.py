"""``python -m bot``: the Telegram bot, or the local sandbox when no token is set.

python -m bot [--config PATH]          # Telegram (sandbox without TELEGRAM_BOT_TOKEN)
python -m bot --sandbox                # the sandbox, explicitly
python -m bot --sandbox --customer 1004  # the sandbox as another demo customer
python -m bot --sandbox-server PORT    # only the Telegram stand-in, on PORT
python -m bot --sandbox-server PORT --first-update-id N  # numbering from N
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import stat
import sys
from types import FrameType
from typing import TYPE_CHECKING

from core.cli import EXIT_REFUSED, ArgumentParser, port_or_any, positive_int, run_main

if TYPE_CHECKING:
    from core.settings import Settings

# The imports that take seconds (telegram, SQLAlchemy, the agent) are made in
# the functions below, once a stop signal ends the process cleanly (_stop_quietly).

NO_INPUT_REFUSAL = (
    "error: TELEGRAM_BOT_TOKEN is not set and standard input is neither a terminal nor "
    "input to read (e.g. /dev/null, as under systemd): set the token to serve Telegram, "
    "or run python -m bot --sandbox"
)
NO_TOKEN_FOR_WEBHOOK = (
    "error: telegram.mode is webhook but TELEGRAM_BOT_TOKEN is not set "
    "(the sandbox runs only with python -m bot --sandbox or in polling mode)"
)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of ``python -m bot``."""
    from bot.sandbox import DEMO_CUSTOMER_ID

    parser = ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    parser.add_argument("--config", metavar="PATH", help="config file (default: config.yaml)")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument(
        "--sandbox", action="store_true", help="chat with the bot in this terminal (no Telegram)"
    )
    parser.add_argument(
        "--customer",
        metavar="N",
        type=int,
        default=DEMO_CUSTOMER_ID,
        help=f"the demo customer the sandbox acts as (default: {DEMO_CUSTOMER_ID})",
    )
    modes.add_argument(
        "--sandbox-server",
        metavar="PORT",
        type=port_or_any,
        help="start only the Telegram stand-in on PORT",
    )
    parser.add_argument(
        "--first-update-id",
        metavar="N",
        type=positive_int,
        default=1,
        help="with --sandbox-server: the first update_id (above the last one a bot "
        "restarted on its database has handled; default 1)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run what the command line asks for; returns the exit status."""
    _stop_quietly_until_serving()
    arguments = parse_arguments(argv)
    from bot.sandbox import serve_standin

    if arguments.sandbox_server is not None:
        return asyncio.run(
            serve_standin(arguments.sandbox_server, first_update_id=arguments.first_update_id)
        )
    from core.config_loader import load_settings_or_exit

    settings = load_settings_or_exit(arguments.config)
    sandbox = arguments.sandbox or not settings.telegram.bot_token.get_secret_value()
    if sandbox and not arguments.sandbox:
        # Under systemd or docker without a token: refuse rather than look alive serving no one.
        if settings.telegram.mode == "webhook":
            print(NO_TOKEN_FOR_WEBHOOK, file=sys.stderr)
            return EXIT_REFUSED
        if not stdin_has_input():
            print(NO_INPUT_REFUSAL, file=sys.stderr)
            return EXIT_REFUSED
    return _run(settings, arguments, sandbox=sandbox)


def _run(settings: Settings, arguments: argparse.Namespace, *, sandbox: bool) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.runner import serve
    from bot.sandbox import NO_TOKEN_NOTICE, UnknownCustomerError, run_sandbox
    from bot.start_up_checks import StartUpRefusedError
    from core.logs import configure_logging
    from db.database import DatabaseUnavailableError
    from db.engine import DatabaseURLError

    try:
        if sandbox:
            if not arguments.sandbox:
                print(NO_TOKEN_NOTICE, file=sys.stderr, flush=True)
            # The terminal is the chat: logs go to the log file, only start-up progress to stderr.
            configure_logging(settings, console=False, progress_on_console=True)
            # Ctrl-C in the sandbox: asyncio's own handling (KeyboardInterrupt, status 130).
            signal.signal(signal.SIGINT, signal.default_int_handler)
            return asyncio.run(run_sandbox(settings, customer_id=arguments.customer))
        configure_logging(settings)
        asyncio.run(serve(settings))
    except (
        DatabaseUnavailableError,
        DatabaseURLError,
        UnknownCustomerError,
        StartUpRefusedError,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except (NetworkError, InvalidToken) as error:
        # Telegram out of reach (or refusing the token) at start: one line, never the token.
        token = settings.telegram.bot_token.get_secret_value()
        reason = str(error).replace(token, "***") if token else str(error)
        where = settings.telegram.api_base_url or "https://api.telegram.org/bot"
        print(f"error: cannot reach Telegram at {where}: {reason}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    return 0


def stdin_has_input() -> bool:
    """Whether standard input can drive the sandbox: a terminal, a pipe, a non-empty file.

    /dev/null (systemd's default), an empty file or a closed stdin cannot.
    """
    try:
        descriptor = sys.stdin.fileno()
        mode = os.fstat(descriptor).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    if os.isatty(descriptor) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return True
    if stat.S_ISREG(mode):
        return os.fstat(descriptor).st_size > os.lseek(descriptor, 0, os.SEEK_CUR)
    return False


def _stop_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _stop_quietly_until_serving() -> None:
    """SIGTERM or SIGINT before ``bot.runner.serve`` takes them over: exit 0 at once.

    The imports and settings before it take seconds; a stop then (systemd
    stopping a unit that just started) has nothing to finish.
    """
    signal.signal(signal.SIGTERM, _stop_quietly)
    signal.signal(signal.SIGINT, _stop_quietly)


if __name__ == "__main__":
    run_main(main)
