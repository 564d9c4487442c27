"""Configuration: config.yaml, environment overrides, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.config_loader import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_committed_config_loads_with_documented_defaults() -> None:
    settings = load_settings(ROOT / "config.yaml", environ={})
    assert settings.database.url == "sqlite:///data/telekom.db"
    assert settings.model.backend == "auto"
    assert settings.model.temperature == 0.6
    assert settings.model.top_p == 0.9
    assert settings.telegram.admin_ids == []
    assert settings.base_dir == ROOT


def test_environment_overrides_the_file() -> None:
    environ = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
        "DATABASE_URL": "postgresql://u@h/db",
        "AGENT_URL": "http://gpu-host:8000",
        "AGENT_API_TOKEN": "s3cret",
        "ADMIN_TELEGRAM_IDS": "11, 22,33",
        "MODEL_BACKEND": "rules",
        "MODEL_NAME": "/models/llama",
    }
    settings = load_settings(ROOT / "config.yaml", environ=environ)
    assert settings.telegram.bot_token.get_secret_value() == "123:abc"
    assert settings.telegram.api_base_url == "http://127.0.0.1:9/bot"
    assert settings.database.url == "postgresql://u@h/db"
    assert settings.agent.url == "http://gpu-host:8000"
    assert settings.agent.api_token.get_secret_value() == "s3cret"
    assert settings.telegram.admin_ids == [11, 22, 33]
    assert settings.model.backend == "rules"
    assert settings.model.name == "/models/llama"
    # Secrets never show up in a printed settings object.
    assert "s3cret" not in repr(settings)


def test_invalid_environment_value_names_the_key_and_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(ROOT / "config.yaml", environ={"MODEL_BACKEND": "gpt"})
    message = str(caught.value)
    assert message.startswith("model.backend:")
    assert "MODEL_BACKEND" in message
    assert "\n" not in message


def test_bad_admin_id_is_reported_on_its_key() -> None:
    with pytest.raises(ConfigError, match=r"^telegram\.admin_ids\.1: .*ADMIN_TELEGRAM_IDS"):
        load_settings(ROOT / "config.yaml", environ={"ADMIN_TELEGRAM_IDS": "12,abc"})


def test_unknown_key_in_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("database:\n  urll: sqlite:///x.db\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^database\.urll: unknown setting"):
        load_settings(path, environ={})


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "custom.yaml"
    path.parent.mkdir()
    path.write_text("logging:\n  file: logs/x.log\n", encoding="utf-8")
    settings = load_settings(path, environ={})
    assert settings.resolve_path(settings.logging.file) == tmp_path / "conf" / "logs" / "x.log"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("model:\n  top_p: 3\n", "model.top_p:"),
        ("model: [1, 2\n", "not valid YAML"),
        ("- just\n- a list\n", "must hold a mapping"),
    ],
)
def test_entry_point_stops_with_one_line_and_no_traceback(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "db", "--config", str(path), "current"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert expected in lines[0]


def test_missing_config_file_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "db", "--config", str(tmp_path / "nope.yaml"), "current"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    missing = tmp_path / "nope.yaml"
    assert result.stderr.strip() == f"configuration error: config file not found: {missing}"
