"""Alembic environment: async engines, and connection sharing for start-up.

``db.migrate`` hands in an open connection through ``config.attributes``;
the ``alembic`` command line opens its own from ``DATABASE_URL`` / config.yaml.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from db.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    from core.config_loader import load_settings
    from db.engine import engine_from_settings

    url = context.config.get_main_option("sqlalchemy.url")
    if url:
        from db.engine import create_engine

        engine = create_engine(url)
    else:
        engine = engine_from_settings(load_settings())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


connection = context.config.attributes.get("connection")
if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_with_own_engine())
