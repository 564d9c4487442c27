"""The webhook's secret token: checked when configured, made up when not.

Telegram sends the token registered with ``setWebhook(secret_token=...)`` in
the ``X-Telegram-Bot-Api-Secret-Token`` header of every update it posts; the
listener refuses posts without it. A webhook therefore always has one: the
configured ``telegram.webhook.secret_token`` (``TELEGRAM_WEBHOOK_SECRET``), or a
random token made at start and registered right away (each start replaces it,
which is fine: only Telegram needs to know it).
"""

from __future__ import annotations

import hmac
import re
import secrets

from core.settings import Settings

# Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
_ALLOWED = re.compile(r"[A-Za-z0-9_-]{1,256}")
# token_urlsafe(48) gives 64 characters of exactly that alphabet (384 random bits).
_GENERATED_BYTES = 48
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SETTING = "telegram.webhook.secret_token (TELEGRAM_WEBHOOK_SECRET)"


class WebhookSecretError(ValueError):
    """The configured secret breaks Telegram's rule; the message never repeats it."""


def is_valid_secret(secret: str) -> bool:
    """Whether Telegram accepts ``secret`` as a webhook secret token."""
    return _ALLOWED.fullmatch(secret) is not None


def generate_secret() -> str:
    """A strong random secret made only of the characters Telegram allows."""
    return secrets.token_urlsafe(_GENERATED_BYTES)


def check_configured_secret(settings: Settings) -> None:
    """Raise :class:`WebhookSecretError` when a configured secret is not one Telegram takes."""
    secret = settings.telegram.webhook.secret_token.get_secret_value()
    if secret and not is_valid_secret(secret):
        raise WebhookSecretError(
            f"{SECRET_SETTING} must be 1-256 characters, each one of A-Z, a-z, 0-9, _ "
            f"and -; the configured one ({len(secret)} characters) is not"
        )


def webhook_secret(settings: Settings) -> tuple[str, bool]:
    """The secret to register and check, and whether it was generated for this start."""
    check_configured_secret(settings)
    configured = settings.telegram.webhook.secret_token.get_secret_value()
    if configured:
        return configured, False
    return generate_secret(), True


def secret_matches(sent: str | None, expected: str) -> bool:
    """Whether a post carries the expected secret (compared in constant time)."""
    if sent is None:
        return False
    return hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), expected.encode())
