"""What ``python -m bot`` checks before it registers anything with Telegram.

A misconfiguration is one :class:`StartUpRefusedError` with a one-line message,
which ``python -m bot`` prints with exit status 2: a webhook URL Telegram
cannot post to, a secret token Telegram would refuse, a listener port that is
taken. The listener's port is bound here, before ``setWebhook``, so a busy
port never leaves Telegram posting to a bot that is not listening.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from bot.webhook_secret import WebhookSecretError, check_configured_secret
from core.settings import Settings

# The ports Telegram's own servers post webhooks to.
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)
HEALTH_PATHS = ("/healthz", "/readyz")
URL_SETTING = "telegram.webhook.url (TELEGRAM_WEBHOOK_URL)"


class StartUpRefusedError(RuntimeError):
    """The bot cannot start as configured; the message is one line naming the setting."""


def check_receiving_settings(settings: Settings) -> None:
    """Refuse a missing token, or a webhook configuration Telegram could not use."""
    telegram = settings.telegram
    if not telegram.bot_token.get_secret_value():
        raise StartUpRefusedError("telegram.bot_token (TELEGRAM_BOT_TOKEN) is not set")
    if telegram.mode != "webhook":
        return
    url = telegram.webhook.url.strip()
    if not url:
        raise StartUpRefusedError(f"telegram.mode is webhook but {URL_SETTING} is empty")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise StartUpRefusedError(
            f"{URL_SETTING} must start with https:// (Telegram posts updates only over "
            f"HTTPS; let a reverse proxy end TLS), got {parts.scheme or 'no'} scheme"
        )
    try:
        public_port = parts.port
    except ValueError:
        raise StartUpRefusedError(f"{URL_SETTING} has a malformed port") from None
    if not parts.hostname:
        raise StartUpRefusedError(f"{URL_SETTING} names no host")
    # A Bot API server of one's own (telegram.api_base_url) posts to any port.
    if not telegram.api_base_url and public_port not in (None, *TELEGRAM_WEBHOOK_PORTS):
        raise StartUpRefusedError(
            f"{URL_SETTING} uses port {public_port}; Telegram posts only to ports "
            f"{', '.join(map(str, TELEGRAM_WEBHOOK_PORTS))}"
        )
    if webhook_path(settings) in HEALTH_PATHS:
        raise StartUpRefusedError(f"{URL_SETTING} must not end in {' or '.join(HEALTH_PATHS)}")
    try:
        check_configured_secret(settings)
    except WebhookSecretError as error:
        raise StartUpRefusedError(str(error)) from None


def webhook_path(settings: Settings) -> str:
    """The path of the webhook URL: what the listener serves updates on."""
    return urlsplit(settings.telegram.webhook.url.strip()).path or "/"


def bind_listener(host: str, port: int, what: str) -> socket.socket:
    """A TCP socket bound and listening on ``host``:``port``; a refusal if it cannot be."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as error:
        reason = error.strerror or str(error)
        raise StartUpRefusedError(f"cannot listen on {host}:{port} ({what}): {reason}") from None
