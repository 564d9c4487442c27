"""Bad configuration and command-line input at the entry points, run as subprocesses.

Each case ends with exit status 2 and ONE line on standard error naming the
problem, never a traceback, and leaves nothing behind: no database created,
no folder made, no schema dropped (issue 17).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.live_server import free_port

TIMEOUT_S = 60
SECRET = "s3cret-pass"
BOT_TOKEN = "123456:test-token-never-printed"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A config whose log file stays in the test's folder; the rest is the defaults.

    Telegram out of reach at start is retried for 2 s instead of 30.
    """
    path = tmp_path / "config.yaml"
    path.write_text(
        "logging:\n  file: logs/app.log\ntelegram:\n  start_retry_for_s: 2\n", encoding="utf-8"
    )
    return path


def environment(**overrides: str) -> dict[str, str]:
    """This process's environment without the project's own variables, plus ``overrides``."""
    ours = ("DATABASE_URL", "TELEKOM_CONFIG", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL")
    env = {name: value for name, value in os.environ.items() if name not in ours}
    env.update({"MODEL_BACKEND": "rules", "LOG_LEVEL": "WARNING", **overrides})
    return env


def run(
    module: str, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )


def refused(done: subprocess.CompletedProcess[str], *naming: str) -> str:
    """The one line of a refusal; it names every fragment of ``naming``."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert done.returncode == 2, done.stderr
    for fragment in naming:
        assert fragment in lines[0]
    return lines[0]


def db_revision(path: Path) -> str | None:
    """The Alembic revision stored in a SQLite file, read without the application."""
    with sqlite3.connect(path) as connection:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


# -- DATABASE_URL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "naming"),
    [
        ("notaurl", "not a database URL"),
        ("", "must not be blank"),
        ("   ", "must not be blank"),
        (f"mysql://shop:{SECRET}@db.example/shop", "unsupported database 'mysql'"),
        (f"postgresql://app:{SECRET}@db host/telekom", "malformed host 'db host'"),
        (f"postgresql://app:{SECRET}@[db/telekom", "malformed host"),
        (f"postgresql://app:{SECRET}@db.example:99999/telekom", "port 99999"),
        (f"postgresql://app:{SECRET}@db.example:five/telekom", "malformed port"),
    ],
    ids=["notaurl", "blank", "spaces", "mysql", "space-in-host", "bracket", "port", "port-text"],
)
def test_a_bad_database_url_is_one_line_naming_it(
    tmp_path: Path, config_file: Path, url: str, naming: str
) -> None:
    done = run(
        "db",
        "--config",
        str(config_file),
        "current",
        env=environment(DATABASE_URL=url),
        cwd=tmp_path,
    )
    line = refused(done, "database.url", naming, "DATABASE_URL")
    assert SECRET not in line
    assert not (tmp_path / "data").exists()


def test_a_text_file_as_the_database_is_one_line_and_stays_untouched(
    tmp_path: Path, config_file: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("alışveriş listesi: süt, ekmek\n", encoding="utf-8")
    for url in (str(notes), f"sqlite:///{notes}"):
        done = run(
            "db",
            "--config",
            str(config_file),
            "upgrade",
            env=environment(DATABASE_URL=url),
            cwd=tmp_path,
        )
        refused(done, "database")
    assert "file is not a database" in done.stderr
    assert notes.read_text(encoding="utf-8") == "alışveriş listesi: süt, ekmek\n"


def test_a_sqlite_file_in_a_missing_folder_is_refused_not_created(
    tmp_path: Path, config_file: Path
) -> None:
    missing = tmp_path / "typo" / "telekom.db"
    env = environment(
        DATABASE_URL=f"sqlite:///{missing}",
        TELEGRAM_BOT_TOKEN=BOT_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{free_port()}/bot",
    )
    for module, args in (("db", ("seed",)), ("bot", ())):
        done = run(module, "--config", str(config_file), *args, env=env, cwd=tmp_path)
        refused(done, str(missing.parent), "does not exist")
    assert not missing.parent.exists()


def test_a_config_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "latin1.yaml"
    config.write_bytes("logging:\n  file: günlük.log\n".encode("latin-1"))
    done = run("db", "--config", str(config), "current", env=environment(), cwd=tmp_path)
    refused(done, str(config), "not UTF-8")


# -- command-line arguments --------------------------------------------------------------------


def test_a_port_out_of_range_is_one_line(tmp_path: Path, config_file: Path) -> None:
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.db'}")
    sandbox = run("bot", "--sandbox-server", "99999", env=env, cwd=tmp_path)
    refused(sandbox, "--sandbox-server", "99999", "0-65535")
    serve = run(
        "agent", "--config", str(config_file), "serve", "--port", "99999", env=env, cwd=tmp_path
    )
    refused(serve, "--port", "99999", "1-65535")
    assert not (tmp_path / "unused.db").exists()


# -- python -m db on a database with customers -------------------------------------------------


@pytest.fixture
def seeded_sqlite(database_url: str) -> Path:
    """The test's seeded database, when it is a SQLite file (its revision read directly)."""
    if not database_url.startswith("sqlite:///"):
        pytest.skip("reads the SQLite file directly")
    return Path(database_url.removeprefix("sqlite:///"))


def test_db_upgrade_to_an_unknown_revision_is_one_line(
    tmp_path: Path, config_file: Path, seeded_sqlite: Path
) -> None:
    before = db_revision(seeded_sqlite)
    done = run(
        "db",
        "--config",
        str(config_file),
        "upgrade",
        "nope",
        env=environment(DATABASE_URL=f"sqlite:///{seeded_sqlite}"),
        cwd=tmp_path,
    )
    refused(done, "'nope'", "Can't locate revision")
    assert db_revision(seeded_sqlite) == before


def test_db_downgrade_of_customer_data_needs_yes(
    tmp_path: Path, config_file: Path, seeded_sqlite: Path
) -> None:
    env = environment(DATABASE_URL=f"sqlite:///{seeded_sqlite}")
    before = db_revision(seeded_sqlite)
    assert before is not None

    done = run("db", "--config", str(config_file), "downgrade", "base", env=env, cwd=tmp_path)
    refused(done, "customers", "--yes")
    assert db_revision(seeded_sqlite) == before

    done = run(
        "db", "--config", str(config_file), "downgrade", "base", "--yes", env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "schema revision: empty" in done.stdout
    assert db_revision(seeded_sqlite) is None


# -- Telegram --------------------------------------------------------------------------------------


def test_telegram_out_of_reach_at_start_is_one_line(
    tmp_path: Path, config_file: Path, database_url: str
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/bot"
    env = environment(
        DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_BASE_URL=closed
    )
    done = run("bot", "--config", str(config_file), env=env, cwd=tmp_path)
    refused(done, "Telegram", closed)
    assert BOT_TOKEN not in done.stderr
