"""Command line of the benchmarks: ``python -m bench [--config PATH] COMMAND``.

Each command module adds its subparser with ``add_parser(commands)`` and sets
``handler(args, settings) -> exit status``, as ``agent.cli`` does.
"""

from __future__ import annotations

import argparse

from bench import history, load, model, pipeline, sweep, tools
from core.config_loader import load_settings_or_exit


def build_parser() -> argparse.ArgumentParser:
    """The parser with every benchmark registered."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Telekom Asistan benchmarks"
    )
    parser.add_argument("--config", help="config file (default: config.yaml or TELEKOM_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    pipeline.add_parser(commands)
    sweep.add_parser(commands)
    history.add_parser(commands)
    load.add_parser(commands)
    model.add_parser(commands)
    tools.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, load the settings and run the chosen benchmark; the exit status."""
    args = build_parser().parse_args(argv)
    settings = load_settings_or_exit(args.config)
    return int(args.handler(args, settings))
