"""Bot API methods about the bot itself: identity, updates, webhook, commands."""

from __future__ import annotations

import re
from typing import Any

from bot.standin.api_error import bad_request, conflict
from bot.standin.records import JsonObject
from bot.standin.request_params import Params
from bot.standin.state import StandinState
from bot.standin.telegram_json import bot_user_json

MAX_UPDATES_PER_CALL = 100
MAX_COMMANDS = 100
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_MAX = 256
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_CHAT_SCOPES = ("chat", "chat_administrators")
_PLAIN_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")


async def get_me(state: StandinState, params: Params) -> JsonObject:
    """``getMe``: the bot account (``is_bot: true``)."""
    return bot_user_json(state.bot)


async def get_updates(state: StandinState, params: Params) -> list[JsonObject]:
    """``getUpdates``: confirm by ``offset``, then wait up to ``timeout`` seconds.

    Returns as soon as an update is queued. A newer call ends an older one
    still waiting with 409, as Telegram does when two instances poll.
    """
    if state.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    limit = params.integer("limit") or MAX_UPDATES_PER_CALL
    limit = min(max(limit, 1), MAX_UPDATES_PER_CALL)
    timeout = max(params.number("timeout") or 0.0, 0.0)
    allowed = params.json_value("allowed_updates")
    if isinstance(allowed, list):
        state.updates.allowed_updates = [str(kind) for kind in allowed] or None
    offset = params.integer("offset")
    if offset is not None:
        state.updates.confirm(offset)
    state.poll_generation += 1
    generation = state.poll_generation
    state.changed()
    await state.notifier.wait_until(
        lambda: (
            state.closing or state.poll_generation != generation or state.updates.has_deliverable()
        ),
        timeout,
    )
    if state.poll_generation != generation:
        raise conflict(
            "terminated by other getUpdates request; "
            "make sure that only one bot instance is running"
        )
    batch = state.updates.deliverable(limit)
    if batch:
        state.changed()
    return [update.payload for update in batch]


async def set_webhook(state: StandinState, params: Params) -> bool:
    """``setWebhook``: recorded (updates are then refused to ``getUpdates``).

    The stand-in does not POST updates to the webhook; tests drive a webhook
    bot by calling its endpoint themselves.
    """
    url = params.text("url") or ""
    if url and not url.lower().startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret_token = params.text("secret_token") or None
    if secret_token is not None and not SECRET_TOKEN.fullmatch(secret_token):
        # Telegram's rule: 1-256 characters of A-Z, a-z, 0-9, _ and -.
        raise bad_request("secret token contains unallowed characters")
    if params.flag("drop_pending_updates"):
        state.updates.drop_all()
    state.webhook.url = url
    state.webhook.secret_token = secret_token
    state.webhook.max_connections = params.integer("max_connections") or 40
    allowed = params.json_value("allowed_updates")
    state.webhook.allowed_updates = allowed if isinstance(allowed, list) else None
    state.changed()
    return True


async def delete_webhook(state: StandinState, params: Params) -> bool:
    """``deleteWebhook``, optionally dropping pending updates."""
    state.webhook.url = ""
    state.webhook.secret_token = None
    if params.flag("drop_pending_updates"):
        state.updates.drop_all()
    state.changed()
    return True


async def get_webhook_info(state: StandinState, params: Params) -> JsonObject:
    """``getWebhookInfo``."""
    info: JsonObject = {
        "url": state.webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }
    if state.webhook.url:
        info["max_connections"] = state.webhook.max_connections
        if state.webhook.allowed_updates is not None:
            info["allowed_updates"] = state.webhook.allowed_updates
    return info


def command_scope_key(scope: object, language_code: str | None) -> tuple[Any, ...]:
    """The key a command list is stored under: scope type, its ids, language."""
    language = language_code or ""
    if scope is None:
        return ("default", language)
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    scope_type = scope.get("type")
    if scope_type in _PLAIN_SCOPES:
        return (scope_type, language)
    if scope_type in _CHAT_SCOPES:
        return (scope_type, scope.get("chat_id"), language)
    if scope_type == "chat_member":
        return (scope_type, scope.get("chat_id"), scope.get("user_id"), language)
    raise bad_request("unsupported bot command scope type")


def _checked_commands(value: object) -> list[JsonObject]:
    if not isinstance(value, list):
        raise bad_request("can't parse commands JSON object")
    if len(value) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    commands: list[JsonObject] = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name, description = item.get("command"), item.get("description")
        if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not (
            description.strip() and len(description) <= COMMAND_DESCRIPTION_MAX
        ):
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": name, "description": description})
    return commands


async def set_my_commands(state: StandinState, params: Params) -> bool:
    """``setMyCommands``: names 1-32 of a-z 0-9 _, descriptions 1-256 characters."""
    commands = _checked_commands(params.json_value("commands"))
    key = command_scope_key(params.json_value("scope"), params.text("language_code"))
    if commands:
        state.commands[key] = commands
    else:
        state.commands.pop(key, None)
    state.changed()
    return True


async def get_my_commands(state: StandinState, params: Params) -> list[JsonObject]:
    """``getMyCommands`` for exactly the given scope and language."""
    key = command_scope_key(params.json_value("scope"), params.text("language_code"))
    return [dict(command) for command in state.commands.get(key, [])]


async def delete_my_commands(state: StandinState, params: Params) -> bool:
    """``deleteMyCommands``."""
    key = command_scope_key(params.json_value("scope"), params.text("language_code"))
    state.commands.pop(key, None)
    state.changed()
    return True


async def close_or_log_out(state: StandinState, params: Params) -> bool:
    """``close`` and ``logOut``: accepted and otherwise ignored."""
    return True


HANDLERS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "close": close_or_log_out,
    "logOut": close_or_log_out,
}
