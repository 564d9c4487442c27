"""Wiring shared by the benchmarks: settings, the stand-in's limits, a seeded database.

The benchmarks run the product as ``python -m bot`` runs it (``bot.runner``),
pointed at the Telegram stand-in and at a database of their own. What they
change, and why, is all here:

- the ``rules`` backend (no GPU), embedded agent, polling;
- the per-user rate limit is lifted: simulated customers type far faster
  than people, and a refused message would measure nothing;
- Telegram's flood limits, on the stand-in and in the bot's own pacing, are
  raised to the same high ceiling (:data:`FLOOD_CEILING_PER_S`), identical
  for our bot and the echo bot, so both are measured, not Telegram's limits.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import SecretStr

from bot.standin import FloodPolicy, StandinSettings
from core.config_loader import PROJECT_ROOT
from core.settings import RateLimitSettings, Settings
from db import migrate
from db.engine import create_engine, session_factory, transaction
from db.models import TelegramLink
from db.seed import DEFAULT_CUSTOMER_COUNT, FIRST_CUSTOMER, primary_number, seed_database

BENCH_TOKEN = "123456789:bench-token-not-a-secret"
# Ignored by git (.gitignore): seeded databases are built once and reused.
CACHE_DIR = PROJECT_ROOT / ".cache" / "bench"
# Messages per second the stand-in accepts and the bot paces itself to.
FLOOD_CEILING_PER_S = 1000
# A per-user limit no simulated customer reaches.
UNLIMITED_USER_MESSAGES = 1_000_000


def standin_settings() -> StandinSettings:
    """The stand-in with Telegram's rules but the flood ceiling at :data:`FLOOD_CEILING_PER_S`."""
    return StandinSettings(
        flood=FloodPolicy(
            chat_burst=FLOOD_CEILING_PER_S,
            chat_per_second=FLOOD_CEILING_PER_S,
            group_per_minute=FLOOD_CEILING_PER_S * 60,
            global_burst=FLOOD_CEILING_PER_S,
            global_per_second=FLOOD_CEILING_PER_S,
        )
    )


def bench_settings(
    base: Settings, *, database_url: str, api_base_url: str, log_file: Path
) -> Settings:
    """``base`` pointed at the stand-in and the bench database, with the limits above."""
    telegram = base.telegram.model_copy(
        update={
            "bot_token": SecretStr(BENCH_TOKEN),
            "api_base_url": api_base_url,
            "mode": "polling",
            "max_messages_per_s": float(FLOOD_CEILING_PER_S),
            "rate_limit": RateLimitSettings(messages=UNLIMITED_USER_MESSAGES, per_seconds=60),
        }
    )
    database = base.database.model_copy(update={"url": database_url, "seed_demo": False})
    agent = base.agent.model_copy(update={"url": ""})
    model = base.model.model_copy(update={"backend": "rules"})
    logging = base.logging.model_copy(update={"file": str(log_file)})
    return base.model_copy(
        update={
            "telegram": telegram,
            "database": database,
            "agent": agent,
            "model": model,
            "logging": logging,
        }
    )


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


async def seeded_template(customers: int, today: date) -> Path:
    """A migrated database with the demo operator and ``customers`` customers, built once."""
    customers = max(customers, DEFAULT_CUSTOMER_COUNT)
    path = CACHE_DIR / f"seeded-{customers}c-{today.isoformat()}.db"
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(f".{os.getpid()}.tmp")
    engine = create_engine(sqlite_url(building))
    try:
        await migrate.upgrade(engine)
        await seed_database(session_factory(engine), today=today, customers=customers)
    finally:
        await engine.dispose()
    _checkpoint(building)
    building.replace(path)
    return path


async def link_customers(database: Path, telegram_user_ids: Sequence[int]) -> None:
    """Link the n-th Telegram user to customer ``1001 + n``, as a contact share would."""
    engine = create_engine(sqlite_url(database))
    try:
        async with transaction(session_factory(engine)) as session:
            session.add_all(
                TelegramLink(
                    telegram_user_id=user_id,
                    customer_id=FIRST_CUSTOMER + n,
                    phone_number=primary_number(FIRST_CUSTOMER + n),
                )
                for n, user_id in enumerate(telegram_user_ids)
            )
    finally:
        await engine.dispose()


def copy_database(source: Path, target: Path) -> Path:
    """A private copy of a (checkpointed) SQLite database."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _checkpoint(database: Path) -> None:
    """Fold the WAL into the file, so copying the file copies everything."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
