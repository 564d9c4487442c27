"""Database work that outlives a short outage: a locked SQLite file, a PostgreSQL restart.

:func:`run_in_transaction` runs a unit of work in one transaction. When it
fails for a reason that passes by itself (:func:`is_transient`: SQLite's
"database is locked", a refused or dropped PostgreSQL connection, a server
starting up, a serialisation conflict), the transaction is rolled back and the
whole unit runs again after a growing pause (``core.retrying``), until
``retry_for_s`` seconds have gone by; then :class:`DatabaseBusyError` says the
database stayed out of reach. Anything else (a bug, a constraint violation) is raised at once:
retrying cannot help it.

The unit of work must be safe to run again from the start, which holds for a
function that only uses the session it is given.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import RetryCallState

from core.retrying import RetryPolicy, retrying, run_retrying
from core.settings import Settings
from db.engine import run_on_connection, transaction

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLite errors that end when another connection lets go of the file.
_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
    "database is busy",
    "unable to open database file",
    "disk i/o error",
)
# PostgreSQL SQLSTATE classes and codes that pass by themselves: connection
# exceptions, insufficient resources, operator intervention (shutdown, start-up),
# serialisation failure and deadlock.
_POSTGRES_TRANSIENT_CLASSES = ("08", "53", "57P")
_POSTGRES_TRANSIENT_CODES = ("40001", "40P01")
DEFAULT_RETRY_FOR_S = 10.0

__all__ = [
    "DatabaseBusyError",
    "RetryPolicy",
    "database_policy",
    "is_transient",
    "retry_policy",
    "retry_transient",
    "run_in_transaction",
    "run_sync_in_transaction",
]


class DatabaseBusyError(RuntimeError):
    """The database stayed locked or unreachable through every retry."""


def database_policy(retry_for_s: float = DEFAULT_RETRY_FOR_S) -> RetryPolicy:
    """Try for ``retry_for_s`` seconds, pausing 0.1 s at first and at most 2 s."""
    return RetryPolicy(first_delay_s=0.1, max_delay_s=2.0, retry_for_s=retry_for_s)


def retry_policy(settings: Settings) -> RetryPolicy:
    """The policy configured as ``database.retry_for_s``."""
    return database_policy(settings.database.retry_for_s)


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is an outage that may pass (locked file, lost connection)."""
    for cause in _causes(error):
        if isinstance(cause, PoolTimeoutError):
            return True
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, OSError):  # refused, reset, timed out, name not resolved
            return True
        if isinstance(cause, sqlite3.OperationalError):
            message = str(cause).lower()
            return any(reason in message for reason in _SQLITE_TRANSIENT)
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate in _POSTGRES_TRANSIENT_CODES or sqlstate.startswith(
                _POSTGRES_TRANSIENT_CLASSES
            )
    return False


async def run_in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    what: str,
    policy: RetryPolicy | None = None,
) -> T:
    """``await work(session)`` inside one committed transaction, retried through outages.

    ``what`` names the work in log lines ("store message"). Raises
    :class:`DatabaseBusyError` when the database is still out of reach after
    ``policy.retry_for_s`` seconds; other errors propagate unchanged.
    """

    async def once() -> T:
        async with transaction(sessions) as session:
            return await work(session)

    return await retry_transient(once, what=what, policy=policy)


async def run_sync_in_transaction(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[Connection], T],
    *,
    what: str,
    policy: RetryPolicy | None = None,
) -> T:
    """:func:`run_in_transaction` for synchronous Core work on the transaction's connection.

    ``work`` runs whole in one greenlet (:func:`db.engine.run_on_connection`):
    the form for the few small transactions every message makes.
    """

    async def on_connection(session: AsyncSession) -> T:
        return await run_on_connection(session, work)

    return await run_in_transaction(sessions, on_connection, what=what, policy=policy)


async def retry_transient(
    operation: Callable[[], Awaitable[T]], *, what: str, policy: RetryPolicy | None = None
) -> T:
    """``await operation()``, run again from the start while it fails for a passing reason.

    For work that opens its own transactions and is safe to repeat when one
    was rolled back (a tool call, a confirmation). Raises
    :class:`DatabaseBusyError` once ``policy.retry_for_s`` is used up; other
    errors propagate unchanged.
    """
    policy = policy or database_policy()

    def give_up(error: BaseException, state: RetryCallState) -> DatabaseBusyError:
        log.error(
            "%s: database out of reach after %d attempts in %.1f s: %s",
            what,
            state.attempt_number,
            state.seconds_since_start or 0.0,
            _first_line(error),
        )
        return DatabaseBusyError(f"{what}: {_first_line(error)}")

    retrier = retrying(
        policy,
        what=what,
        retry_on=is_transient,
        logger=log,
        give_up=give_up,
        describe=lambda error: f"database out of reach ({_first_line(error)})",
    )
    return await run_retrying(retrier, operation)


def _causes(error: BaseException) -> list[BaseException]:
    """``error``, the driver error SQLAlchemy wrapped, and their explicit causes."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        pending.extend([getattr(current, "orig", None), current.__cause__])
    return seen


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
