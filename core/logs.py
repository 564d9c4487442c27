"""Logging set-up: console plus a rotated file, phone numbers masked.

Logs are for the operator; they are English and must never carry a customer's
full phone number (ARCHITECTURE.md, security model).
"""

from __future__ import annotations

import logging
import logging.handlers
import re

from core.settings import Settings

# +90 532 000 10 01, 05320001001, 905320001001 ... keep the last two digits.
_PHONE = re.compile(r"(?<![\w])(\+?90[\s-]?|0)?5\d{2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?(\d{2})(?!\d)")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_phone_numbers(text: str) -> str:
    """Replace Turkish mobile numbers with a masked form keeping the last 2 digits."""
    return _PHONE.sub(lambda m: "+90*******" + m.group(2), text)


class PhoneMaskingFilter(logging.Filter):
    """Masks phone numbers in the fully formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(settings: Settings, *, console: bool = True) -> None:
    """Install the root handlers once per process (idempotent)."""
    root = logging.getLogger()
    root.setLevel(settings.logging.level)
    for handler in list(root.handlers):
        if getattr(handler, "_telekom", False):
            root.removeHandler(handler)
    handlers: list[logging.Handler] = []
    if console:
        handlers.append(logging.StreamHandler())
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
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(PhoneMaskingFilter())
        handler._telekom = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # Libraries that log every HTTP request at INFO drown the useful lines.
    for noisy in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
