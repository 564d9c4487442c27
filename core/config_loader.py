"""Load config.yaml, apply environment overrides, validate.

Entry points call :func:`load_settings_or_exit`: an invalid value stops the
program with one line naming the key (and the environment variable that set
it, if any), never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.database_url import database_url_problem
from core.settings import ENV_OVERRIDES, Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.yaml"
CONFIG_PATH_ENV = "TELEKOM_CONFIG"
# Set but blank, these stop the program instead of falling back to the file:
# a deployment whose DATABASE_URL came out empty must not open the demo database.
BLANK_IS_AN_ERROR = frozenset({"DATABASE_URL"})
# Values never echoed in an error line (DATABASE_URL may hold a password).
_NEVER_ECHOED = frozenset(
    {"TELEGRAM_BOT_TOKEN", "AGENT_API_TOKEN", "OPENAI_API_KEY", "DATABASE_URL"}
)


class ConfigError(Exception):
    """A configuration problem, with a message fit for one line of output."""


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the YAML file, overlay the environment, validate into ``Settings``."""
    environ = os.environ if environ is None else environ
    config_path = Path(path or environ.get(CONFIG_PATH_ENV) or DEFAULT_CONFIG_PATH)
    raw = _read_yaml(config_path)
    origins: dict[str, str] = {}
    for env_name, dotted in ENV_OVERRIDES.items():
        value = environ.get(env_name)
        if value is not None and (value != "" or env_name in BLANK_IS_AN_ERROR):
            _set_dotted(raw, dotted, value)
            origins[dotted] = env_name
    raw["base_dir"] = str(config_path.resolve().parent)
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, config_path, origins)) from None
    problem = database_url_problem(settings.database.url)
    if problem is not None:
        raise ConfigError(
            f"database.url: {problem} [from {_source('database.url', origins, config_path)}]"
        )
    return settings


def load_settings_or_exit(path: str | Path | None = None) -> Settings:
    """``load_settings`` for entry points: a bad config ends the process cleanly."""
    try:
        return load_settings(path)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path} is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of sections")
    return data


def _set_dotted(data: dict[str, Any], dotted: str, value: str) -> None:
    *parents, leaf = dotted.split(".")
    node = data
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[leaf] = value


def _describe(exc: ValidationError, path: Path, origins: dict[str, str]) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    origin = _origin(key, origins)
    source = _source(key, origins, path)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown setting"
    value = error.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    if origin in _NEVER_ECHOED:
        shown = ""  # never echo a secret
    more = len(exc.errors()) - 1
    tail = f"; and {more} more problem(s)" if more else ""
    return f"{key}: {message}{shown} [from {source}]{tail}"


def _source(key: str, origins: dict[str, str], path: Path) -> str:
    """Where the value of ``key`` came from: its environment variable, or the file."""
    origin = _origin(key, origins)
    return f"environment variable {origin}" if origin else str(path)


def _origin(key: str, origins: dict[str, str]) -> str | None:
    # For list items ("telegram.admin_ids.1") the origin is the list's key.
    return next(
        (env for dotted, env in origins.items() if key == dotted or key.startswith(dotted + ".")),
        None,
    )
