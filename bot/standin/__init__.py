"""A Telegram Bot API stand-in on loopback, and the driver that plays its users.

Telegram's servers cannot be reached from tests or the sandbox. The real
python-telegram-bot talks to :class:`StandinServer` over HTTP (``base_url``)
and meets Telegram's rules and error texts; :class:`StandinDriver` creates
users, injects their messages and button presses, and reads what the bot did.
"""

from bot.standin.driver import StandinDriver
from bot.standin.flood import FloodPolicy
from bot.standin.server import StandinServer
from bot.standin.state import StandinSettings
from bot.standin.views import (
    CallbackAnswer,
    ChatView,
    DraftView,
    Injected,
    InlineButton,
    MessageView,
    TopicView,
    UserView,
)

__all__ = [
    "CallbackAnswer",
    "ChatView",
    "DraftView",
    "FloodPolicy",
    "Injected",
    "InlineButton",
    "MessageView",
    "StandinDriver",
    "StandinServer",
    "StandinSettings",
    "TopicView",
    "UserView",
]
