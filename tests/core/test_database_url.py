"""``database.url`` checked without connecting: one line, never the password (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config_loader import ConfigError, load_settings
from core.database_url import database_url_problem
from db.engine import DatabaseURLError, async_url

ROOT = Path(__file__).resolve().parents[2]
SECRET = "pa55word"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///data/telekom.db",
        "sqlite:////var/lib/telekom/telekom.db",
        "postgresql://user@host/db",
        f"postgres://user:{SECRET}@db.internal:5433/telekom",
        "postgresql+asyncpg://user@10.0.0.5/db",
        "postgresql://user@[::1]:5432/db",
        "postgresql://user@pg_primary/db",
        "postgresql:///db",
    ],
)
def test_usual_urls_pass(url: str) -> None:
    assert database_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("notaurl", "not a database URL"),
        ("/home/op/notes.txt", "not a database URL"),
        ("", "must not be blank"),
        (" \t", "must not be blank"),
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("oracle://u@h/db", "unsupported database 'oracle'"),
        (f"postgresql://u:{SECRET}@db host/x", "malformed host 'db host'"),
        (f"postgresql://u:{SECRET}@-db/x", "malformed host '-db'"),
        (f"postgresql://u:{SECRET}@db..internal/x", "malformed host"),
        (f"postgresql://u:{SECRET}@[db/x", "malformed host"),
        (f"postgresql://u:{SECRET}@@db/x", "holds '@'"),
        (f"postgresql://u:pa@{SECRET}@db/x", "holds '@'"),
        (f"postgresql://u:{SECRET}@db:0/x", "port 0 is out of range"),
        (f"postgresql://u:{SECRET}@db:70000/x", "port 70000 is out of range"),
        (f"postgresql://u:{SECRET}@db:abc/x", "malformed port"),
        ("sqlite://somehost/x.db", "names a file, not a host"),
    ],
)
def test_bad_urls_are_named_in_one_line_without_the_password(url: str, expected: str) -> None:
    problem = database_url_problem(url)
    assert problem is not None
    assert expected in problem
    assert "\n" not in problem
    assert SECRET not in problem
    with pytest.raises(DatabaseURLError, match=expected.replace("[", r"\[")):
        async_url(url)


def test_the_loader_names_the_key_and_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(ROOT / "config.yaml", environ={"DATABASE_URL": f"mysql://u:{SECRET}@h/db"})
    message = str(caught.value)
    assert message.startswith("database.url: unsupported database 'mysql'")
    assert message.endswith("[from environment variable DATABASE_URL]")
    assert SECRET not in message


def test_a_blank_database_url_variable_is_an_error_not_the_default_database() -> None:
    with pytest.raises(ConfigError, match=r"^database\.url: must not be blank.*DATABASE_URL"):
        load_settings(ROOT / "config.yaml", environ={"DATABASE_URL": ""})
    # Other variables set blank still mean "not set" (e.g. no token: the sandbox).
    settings = load_settings(ROOT / "config.yaml", environ={"TELEGRAM_BOT_TOKEN": ""})
    assert settings.telegram.bot_token.get_secret_value() == ""


def test_a_bad_url_in_the_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text('database:\n  url: "mysql://u@h/db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"unsupported database 'mysql'.*\[from {path}\]"):
        load_settings(path, environ={})


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes("logging:\n  file: günlük.log\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"is not UTF-8 text"):
        load_settings(path, environ={})
