"""Commands that only python-telegram-bot's ``CommandHandler`` missed.

Telegram ends a command's entity at the first character that cannot be part
of a name, so "/fa\\u200btura" arrives as the command "/fa" followed by
invisible text. Once the invisible format characters are taken out
(``core.invisible``) such a message may be one of the bot's own commands; it
is then run as that command. Anything else is an unknown command.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.handlers import start
from core.invisible import remove_format_characters

# A coroutine function, as python-telegram-bot's handlers take it.
CommandCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]

_COMMAND = re.compile(r"/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+|$)")


@dataclass(frozen=True)
class SpelledCommand:
    """A command as the text spells it once invisible characters are out."""

    name: str  # lower-cased, without "/"
    arguments: list[str]
    for_another_bot: bool  # "/fatura@OtherBot"


def spelled_command(text: str, bot_username: str) -> SpelledCommand | None:
    """What ``"/fa\\u200btura 2"`` spells (``fatura``, ``["2"]``); None if no command opens it."""
    cleaned = remove_format_characters(text).strip()
    match = _COMMAND.match(cleaned)
    if match is None:
        return None
    target = match.group("bot")
    return SpelledCommand(
        name=match.group("name").lower(),
        arguments=cleaned[match.end() :].split(),
        for_another_bot=target is not None and target.lower() != bot_username.lower(),
    )


def command_dispatcher(commands: Mapping[str, CommandCallback]) -> CommandCallback:
    """The handler for commands no ``CommandHandler`` took."""

    async def other_command(update: Update, context: BotContext) -> None:
        message = update.effective_message
        spelled = spelled_command(message.text or "", context.bot.username) if message else None
        if spelled is not None and spelled.for_another_bot:
            return  # another bot's command: not ours to answer
        callback = commands.get(spelled.name) if spelled is not None else None
        if spelled is None or callback is None:
            await start.unknown_command(update, context)
            return
        context.args = spelled.arguments
        await callback(update, context)

    return other_command
