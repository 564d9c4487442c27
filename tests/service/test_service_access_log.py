"""The access log of the agent service names routes, never their query strings.

Real HTTP to the live service (uvicorn, as ``python -m agent serve`` runs
it) with the application's own log handlers installed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.logs import configure_logging
from core.settings import Settings


@pytest.fixture
def log_file(service_settings: Settings) -> Iterator[Path]:
    """The app's handlers; uvicorn's access lines reach them as under ``agent serve``.

    ``agent serve`` passes ``log_config=None``, so uvicorn's loggers propagate to
    the root; the Telegram stand-in of other tests runs uvicorn in this process
    with its own logging config, which turns that off, so it is put back here.
    """
    loggers = [logging.getLogger("uvicorn"), logging.getLogger("uvicorn.access")]
    saved = [(log.propagate, list(log.handlers), log.level) for log in loggers]
    for log in loggers:
        log.propagate, log.handlers, log.level = True, [], logging.NOTSET
    configure_logging(service_settings, console=False)
    root = logging.getLogger()
    level = root.level
    yield service_settings.resolve_path(service_settings.logging.file or "")
    for handler in list(root.handlers):
        if getattr(handler, "_telekom", False):
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)
    for log, (propagate, handlers, level) in zip(loggers, saved, strict=True):
        log.propagate, log.handlers, log.level = propagate, handlers, level


def _written(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


async def test_a_token_in_the_query_string_never_reaches_the_log(
    log_file: Path, api: httpx.AsyncClient
) -> None:
    response = await api.get(
        "/api/v1/chat/system/status", params={"token": "s3cret-token", "phone": "905320001002"}
    )
    assert response.status_code == 200
    written = _written(log_file)
    assert '"GET /api/v1/chat/system/status HTTP/1.1" 200' in written
    assert "s3cret-token" not in written
    assert "905320001002" not in written
