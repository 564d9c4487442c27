"""Database commands for operators.

    python -m db seed [--customers N]   build the demo operator (safe to repeat)
    python -m db upgrade [REVISION]     apply migrations (default: newest)
    python -m db downgrade REVISION [--yes]  revert migrations ("base" empties the schema)
    python -m db current                print the schema revision

Every command takes ``--config PATH``; ``DATABASE_URL`` overrides the file.
A downgrade of a database that holds customers needs ``--yes``: it may drop
their data. Exit status: 0 done, 2 refused or failed with one line on
standard error (bad configuration or revision, database out of reach).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.cli import EXIT_REFUSED, ArgumentParser, run_main
from core.config_loader import load_settings_or_exit
from core.logs import configure_logging
from core.settings import Settings
from db import migrate
from db.database import DatabaseUnavailableError, open_database, open_failures
from db.engine import DatabaseURLError, engine_from_settings
from db.models import Customer
from db.seed import DEFAULT_CUSTOMER_COUNT, seed_database

log = logging.getLogger("db")


class RefusedError(Exception):
    """The command will not run as given; the message says why in one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m db", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="config file (default: config.yaml)")
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="build the demo operator")
    seed.add_argument("--customers", type=int, default=DEFAULT_CUSTOMER_COUNT)
    upgrade = commands.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = commands.add_parser("downgrade", help="revert migrations")
    downgrade.add_argument("revision")
    downgrade.add_argument(
        "--yes", action="store_true", help="go ahead even though customers' data may be dropped"
    )
    commands.add_parser("current", help="print the schema revision")
    return parser


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "seed":
        async with open_database(settings, migrate_schema=True) as database:
            report = await seed_database(database.sessions, customers=args.customers)
            if not report.changed and database.seeded_at_open is not None:
                # An empty database is seeded as it is opened (database.seed_demo).
                report = database.seeded_at_open
                print(
                    f"demo operator ready: the empty database was seeded as it was opened "
                    f"(database.seed_demo): {report.customers_added} customers, "
                    f"{report.bills_added} bills and {report.packages_added} packages added"
                )
                return 0
        print(
            f"demo operator ready: {report.customers_added} customers, {report.bills_added} bills "
            f"and {report.packages_added} packages added"
            + ("" if report.changed else " (already seeded)")
        )
        return 0
    engine = engine_from_settings(settings)
    try:
        with open_failures(engine):
            if args.command == "upgrade":
                await migrate.upgrade(engine, args.revision)
            elif args.command == "downgrade":
                customers = await _customers_on_file(engine)
                if customers and not args.yes:
                    raise RefusedError(
                        f"the database holds {customers} customers and a downgrade to "
                        f"{args.revision!r} may drop their data; run again with --yes to go ahead"
                    )
                await migrate.downgrade(engine, args.revision)
            print(f"schema revision: {await migrate.current_revision(engine) or 'empty'}")
    finally:
        await engine.dispose()
    return 0


async def _customers_on_file(engine: AsyncEngine) -> int:
    def count(connection: Connection) -> int:
        if not inspect(connection).has_table(Customer.__tablename__):
            return 0
        return connection.scalar(select(func.count()).select_from(Customer)) or 0

    async with engine.connect() as connection:
        return await connection.run_sync(count)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings_or_exit(args.config)
    configure_logging(settings, console=False)
    try:
        return asyncio.run(run(args, settings))
    except RefusedError as exc:
        print(f"python -m db {args.command}: {exc}", file=sys.stderr)
    except (DatabaseUnavailableError, DatabaseURLError, migrate.MigrationError) as exc:
        print(f"database error: {exc}", file=sys.stderr)
    return EXIT_REFUSED


if __name__ == "__main__":
    run_main(main)
