"""Logging set-up: console plus a rotated file, phone numbers masked, no query strings.

Logs are for the operator; they are English and must never carry a customer's
full phone number (ARCHITECTURE.md, security model). Masking runs in the
formatter, on the fully formatted record: the message, the traceback of an
exception (its messages and the values it shows) and the stack, so SQL
parameter lines and exception texts are masked too. Numbers are found with
the project's one phone number parser (``core.phone_numbers``).
"""

from __future__ import annotations

import logging
import logging.handlers

from core.phone_numbers import mask_numbers
from core.settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_phone_numbers(text: str) -> str:
    """``text`` with every phone number replaced by ``+90*******01`` (country code, last two)."""
    return mask_numbers(text)


class PhoneMaskingFormatter(logging.Formatter):
    """A formatter whose output never holds a phone number.

    Everything after the timestamp (which the formatter writes itself, and
    whose digits would only cost time) is masked, including a traceback that
    another handler's formatter already rendered and cached on the record.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        stamp = getattr(record, "asctime", "") if self.usesTime() else ""
        if stamp and text.startswith(stamp):
            return stamp + mask_phone_numbers(text[len(stamp) :])
        return mask_phone_numbers(text)


# uvicorn's access line: (client, method, path with query, HTTP version, status).
_ACCESS_LOGGER = "uvicorn.access"
_ACCESS_PATH_ARG = 2


def without_query_string(record: logging.LogRecord) -> bool:
    """A handler filter: an access line keeps the path and drops its query string.

    A client may put a token or a number in the query (``?token=...``); the
    operator's log needs only which route was called.
    """
    args = record.args
    if record.name == _ACCESS_LOGGER and isinstance(args, tuple) and len(args) > _ACCESS_PATH_ARG:
        path = str(args[_ACCESS_PATH_ARG])
        if "?" in path:
            cleaned = list(args)
            cleaned[_ACCESS_PATH_ARG] = path.split("?", 1)[0]
            record.args = tuple(cleaned)
    return True


# ``log.info(..., extra=START_UP_PROGRESS)``: a line saying what a slow start is doing.
START_UP_PROGRESS = {"start_up_progress": True}


def _is_start_up_progress(record: logging.LogRecord) -> bool:
    return bool(getattr(record, "start_up_progress", False))


def configure_logging(
    settings: Settings, *, console: bool = True, progress_on_console: bool = False
) -> None:
    """Install the root handlers once per process (idempotent).

    ``progress_on_console``: with ``console`` off (the terminal is the sandbox's
    chat), still show the start-up steps a person waits on (which model
    backend, and why) on standard error, bare.
    """
    root = logging.getLogger()
    root.setLevel(settings.logging.level)
    for handler in list(root.handlers):
        if getattr(handler, "_telekom", False):
            root.removeHandler(handler)
    handlers: list[logging.Handler] = []
    if console:
        handlers.append(logging.StreamHandler())
    elif progress_on_console:
        progress = logging.StreamHandler()
        progress.addFilter(_is_start_up_progress)
        progress.setFormatter(PhoneMaskingFormatter("%(message)s"))
        progress._telekom = True  # type: ignore[attr-defined]  # our mark, read above
        root.addHandler(progress)
    if settings.logging.file:
        path = settings.resolve_path(settings.logging.file)
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                path,
                maxBytes=settings.logging.max_bytes,
                backupCount=settings.logging.backup_count,
                encoding="utf-8",
            )
        )
    for handler in handlers:
        handler.setFormatter(PhoneMaskingFormatter(LOG_FORMAT))
        handler._telekom = True  # type: ignore[attr-defined]  # our mark, read above
        root.addHandler(handler)
    # On the logger itself, so whichever handler writes the line gets it without the query.
    access = logging.getLogger(_ACCESS_LOGGER)
    if without_query_string not in access.filters:
        access.addFilter(without_query_string)
    # Libraries that log every HTTP request at INFO drown the useful lines.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
