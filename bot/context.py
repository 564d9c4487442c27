"""The callback context handlers receive, with typed access to ``BotServices``."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import BotServices
from db.handoffs import OpenHandoff
from db.telegram_links import LinkedCustomer

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context plus :attr:`services`.

    PTB builds one context per update and hands it to every handler of that
    update, so it also carries what the gate learnt about the sender (their
    link, read in the same transaction as the update's claim, and the id of
    the question it stored there) to the handler that acts on it.
    """

    _sender: tuple[int, LinkedCustomer | None] | None = None
    # The id of the customer's question, when the gate stored it with the claim.
    stored_question_id: int | None = None
    # What the gate learnt for the human handoff (bot.handlers.handoff): the private
    # chat's open handoff, a message asking for a person, a message of the support group.
    handoff: OpenHandoff | None = None
    wants_person: bool = False
    in_support_group: bool = False

    @property
    def services(self) -> BotServices:
        """The application's services (set by ``build_application``)."""
        services: BotServices = self.application.bot_data[SERVICES_KEY]
        return services

    def remember_link(self, telegram_user_id: int, linked: LinkedCustomer | None) -> None:
        """Keep the sender's link (or its absence) for the rest of this update."""
        self._sender = (telegram_user_id, linked)

    def remembered_link(self, telegram_user_id: int) -> tuple[bool, LinkedCustomer | None]:
        """``(True, link)`` when this update already read ``telegram_user_id``'s link."""
        if self._sender is not None and self._sender[0] == telegram_user_id:
            return True, self._sender[1]
        return False, None


CONTEXT_TYPES = ContextTypes(context=BotContext)

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
