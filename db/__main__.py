"""Database commands for operators.

    python -m db seed [--customers N]   build the demo operator (safe to repeat)
    python -m db upgrade [REVISION]     apply migrations (default: newest)
    python -m db downgrade REVISION     revert migrations ("base" empties the schema)
    python -m db current                print the schema revision

Every command takes ``--config PATH``; ``DATABASE_URL`` overrides the file.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from core.config_loader import load_settings_or_exit
from core.logs import configure_logging
from core.settings import Settings
from db import migrate
from db.database import DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError, engine_from_settings
from db.seed import DEFAULT_CUSTOMER_COUNT, seed_database

log = logging.getLogger("db")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="config file (default: config.yaml)")
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="build the demo operator")
    seed.add_argument("--customers", type=int, default=DEFAULT_CUSTOMER_COUNT)
    upgrade = commands.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = commands.add_parser("downgrade", help="revert migrations")
    downgrade.add_argument("revision")
    commands.add_parser("current", help="print the schema revision")
    return parser


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "seed":
        async with open_database(settings, migrate_schema=True) as database:
            report = await seed_database(database.sessions, customers=args.customers)
        print(
            f"demo operator ready: {report.customers_added} customers, {report.bills_added} bills "
            f"and {report.packages_added} packages added"
            + ("" if report.changed else " (already seeded)")
        )
        return 0
    engine = engine_from_settings(settings)
    try:
        if args.command == "upgrade":
            await migrate.upgrade(engine, args.revision)
        elif args.command == "downgrade":
            await migrate.downgrade(engine, args.revision)
        print(f"schema revision: {await migrate.current_revision(engine) or 'empty'}")
    finally:
        await engine.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings_or_exit(args.config)
    configure_logging(settings, console=False)
    try:
        return asyncio.run(run(args, settings))
    except (DatabaseUnavailableError, DatabaseURLError) as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
