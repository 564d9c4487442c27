"""Command line of the agent runtime: ``python -m agent [--config PATH] COMMAND``.

Each command module adds its subparser with ``add_parser(commands)`` and sets
``handler(args, settings) -> exit status``.
"""

from __future__ import annotations

import argparse

from agent import evaluation, terminal_chat
from agent.service import command as serve_command
from agent.tools import command as tools_command
from agent.training_export import command as export_command
from core.cli import ArgumentParser
from core.config_loader import load_settings_or_exit
from core.logs import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m agent", description="Telekom Asistan agent")
    parser.add_argument("--config", help="config file (default: config.yaml or TELEKOM_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    tools_command.add_parser(commands)
    terminal_chat.add_parser(commands)
    evaluation.add_parser(commands)
    serve_command.add_parser(commands)
    export_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, load the settings and run the chosen command; returns the exit status."""
    args = build_parser().parse_args(argv)
    settings = load_settings_or_exit(args.config)
    configure_logging(settings, console=False)
    return int(args.handler(args, settings))
