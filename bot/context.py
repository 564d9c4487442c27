"""The callback context handlers receive, with typed access to ``BotServices``."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import BotServices

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus :attr:`services`."""

    @property
    def services(self) -> BotServices:
        """The application's services (set by ``build_application``)."""
        services: BotServices = self.application.bot_data[SERVICES_KEY]
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext)

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
