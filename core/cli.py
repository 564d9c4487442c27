"""Command-line pieces every entry point shares: a one-line usage error, a port number.

A bad argument stops the program with exit status 2 and ONE line on standard
error naming the problem (``python -m agent serve: error: argument --port:
99999 is not a port number (1-65535); see --help``), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import NoReturn, TypeAlias

# Every refusal to start: a bad argument or setting, or something needed out of reach.
EXIT_REFUSED = 2
MAX_PORT = 65535


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, reporting a usage error in one line (subcommands inherit it)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}; see --help", file=sys.stderr)
        raise SystemExit(EXIT_REFUSED)


# A parser's subcommand table: each command module's add_parser takes it.
Subcommands: TypeAlias = "argparse._SubParsersAction[ArgumentParser]"


def positive_int(text: str) -> int:
    """An argument that must be a whole number from 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 (got {text!r})")
    return value


def port_number(text: str) -> int:
    """An argparse ``type``: a TCP port, 1 to 65535."""
    return _port(text, lowest=1)


def port_or_any(text: str) -> int:
    """An argparse ``type``: a TCP port to listen on, 0 to 65535 (0: any free port)."""
    return _port(text, lowest=0)


def _port(text: str, *, lowest: int) -> int:
    allowed = f"{lowest}-{MAX_PORT}"
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number ({allowed})") from None
    if not lowest <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port number ({allowed})")
    return port


# What a shell reports for a command ended by SIGPIPE (128 + 13).
EXIT_BROKEN_PIPE = 141


def run_main(main: Callable[[], int | None]) -> NoReturn:
    """Exit with ``main()``'s status; a reader that closed the pipe (``| head``) ends it quietly.

    Output cut short by the reader is not an error to report: no traceback,
    just the shells' status for it.
    """
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout once more at exit; a closed pipe would fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_BROKEN_PIPE
    raise SystemExit(status)
