"""Logs never hold a phone number: the real logging set-up, the real file it writes.

``core.logs.configure_logging`` installs the handlers the bot, the agent
service and the command line use; every test here reads the log file back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert
from sqlalchemy.exc import IntegrityError

from core.logs import configure_logging
from core.settings import Settings

# Every spelling the attack found in the logs, and the usual ones.
SPELLINGS = [
    "0 (532) 000-10-02",
    "+90 (532) 000 10 02",
    "+90.532.000.10.02",
    "+905320001002",
    "05320001002",
    "905320001002",
    "+90 532 000 10 02",
    "0532-000-10-02",
    "5320001002",
]
# Any eight digits of the number in a row, or its subscriber part, would be a leak.
_LEAK = re.compile(r"532\D{0,3}000\D{0,3}10|000\D{0,3}10\D{0,3}02")


@pytest.fixture
def log_file(settings: Settings) -> Iterator[Path]:
    """The app's handlers installed as the bot installs them; removed afterwards."""
    configure_logging(settings, console=False)
    root = logging.getLogger()
    level = root.level
    yield settings.resolve_path(settings.logging.file or "")
    for handler in list(root.handlers):
        if getattr(handler, "_telekom", False):
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def _written(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("number", SPELLINGS)
def test_a_number_in_the_message_is_masked(log_file: Path, number: str) -> None:
    logging.getLogger("bot.accounts").info("telegram user 42 shared %s", number)

    written = _written(log_file)
    assert "telegram user 42 shared +90*******02" in written
    assert not _LEAK.search(written)


@pytest.mark.parametrize("number", SPELLINGS[:5])
def test_a_number_in_a_traceback_is_masked(log_file: Path, number: str) -> None:
    def link(raw: str) -> None:
        raise ValueError(f"no line for {raw!r}")

    try:
        link(number)
    except ValueError:
        logging.getLogger("bot.handlers.errors").exception("incident ABC123: linking failed")

    written = _written(log_file)
    assert "Traceback (most recent call last)" in written
    assert "ValueError: no line for '+90*******02'" in written
    assert not _LEAK.search(written)


def test_sql_parameters_of_a_failed_statement_are_masked(log_file: Path) -> None:
    engine = create_engine("sqlite://")
    lines = Table("lines", MetaData(), Column("number", String, unique=True))
    lines.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(lines).values(number="+905320001002"))
    try:
        with engine.begin() as connection:
            connection.execute(insert(lines).values(number="+905320001002"))
    except IntegrityError:
        logging.getLogger("db").exception("storing the line failed")

    written = _written(log_file)
    assert "[parameters: ('+90*******02',)]" in written
    assert not _LEAK.search(written)


def test_sql_parameter_lines_are_masked(log_file: Path) -> None:
    engine = create_engine("sqlite://")
    lines = Table("lines", MetaData(), Column("number", String))
    lines.metadata.create_all(engine)
    sql_log = logging.getLogger("sqlalchemy.engine")
    level = sql_log.level
    sql_log.setLevel(logging.INFO)  # what `echo` does, without its own console handler
    try:
        with engine.begin() as connection:
            connection.execute(insert(lines).values(number="0 (532) 000-10-02"))
    finally:
        sql_log.setLevel(level)

    written = _written(log_file)
    assert "('+90*******02',)" in written
    assert not _LEAK.search(written)


def test_a_stack_is_masked(log_file: Path) -> None:
    def deep(number: str) -> None:
        logging.getLogger("agent").warning("looking up %s", number, stack_info=True)

    deep("+90.532.000.10.02")

    written = _written(log_file)
    assert "Stack (most recent call last)" in written
    assert not _LEAK.search(written)


def test_foreign_numbers_are_masked_and_ids_kept(log_file: Path) -> None:
    log = logging.getLogger("bot.accounts")
    log.info("shared +53 2000 1002 and +4915112345678")
    log.info("chat 123456789, update 700000123, bill F-2026-004217, 1.234,56 TL")

    written = _written(log_file)
    assert "shared +53*******02 and +49*******78" in written
    assert "chat 123456789, update 700000123, bill F-2026-004217, 1.234,56 TL" in written
