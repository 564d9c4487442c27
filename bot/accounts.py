"""Linking a Telegram account to a customer, and finding the link.

The security rule (ARCHITECTURE.md): a link comes only from Telegram's
verified contact share, i.e. a contact whose ``user_id`` is the sender's own,
sent by the sender (not forwarded), and whose number is a valid Turkish
number (``bot.phone_numbers``) of a line on file. Anything else is refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from telegram import Contact

from bot.context import BotContext
from bot.phone_numbers import normalize_phone_number
from db.database import Database
from db.engine import run_on_connection, transaction
from db.telegram_links import (
    LinkedCustomer,
    find_line_owner,
    find_linked_customer,
    link_telegram_user,
)

log = logging.getLogger(__name__)


class LinkRefusal(Enum):
    """Why a contact share did not link the account."""

    NOT_OWN_CONTACT = "not_own_contact"
    FORWARDED = "forwarded"
    UNKNOWN_NUMBER = "unknown_number"


@dataclass(frozen=True)
class LinkResult:
    """A made link (``customer_id``, ``full_name``) or the reason for refusing."""

    customer_id: int | None = None
    full_name: str = ""
    refusal: LinkRefusal | None = None


async def linked_customer(context: BotContext, telegram_user_id: int) -> LinkedCustomer | None:
    """The customer linked to the Telegram user, or None.

    Read once per update: the gate reads the sender's link together with the
    update's claim (``bot.handlers.gate``), and handlers get it from there.
    """
    known, linked = context.remembered_link(telegram_user_id)
    if known:
        return linked
    async with transaction(context.services.database.sessions) as session:
        linked = await run_on_connection(session, find_linked_customer, telegram_user_id)
    context.remember_link(telegram_user_id, linked)
    return linked


async def linked_customer_id(context: BotContext, telegram_user_id: int) -> int | None:
    """The customer number linked to the Telegram user, or None."""
    linked = await linked_customer(context, telegram_user_id)
    return linked.customer_id if linked else None


async def link_from_contact(
    database: Database, sender_id: int, contact: Contact, *, forwarded: bool = False
) -> LinkResult:
    """Link ``sender_id`` to the owner of the shared number, if the contact is their own.

    ``forwarded``: the contact came inside a forwarded message, which proves
    nothing about who shares it; it is refused whatever it holds.
    """
    if forwarded:
        log.warning("telegram user %s forwarded a contact; refused", sender_id)
        return LinkResult(refusal=LinkRefusal.FORWARDED)
    if contact.user_id != sender_id:
        log.warning(
            "telegram user %s shared a contact that is not their own (contact user %s)",
            sender_id,
            contact.user_id,
        )
        return LinkResult(refusal=LinkRefusal.NOT_OWN_CONTACT)
    number = normalize_phone_number(contact.phone_number)
    async with transaction(database.sessions) as session:
        owner = await find_line_owner(session, number) if number else None
        if owner is None:
            log.info(
                "telegram user %s shared a number that is not a Turkish line on file: %s",
                sender_id,
                number or contact.phone_number,
            )
            return LinkResult(refusal=LinkRefusal.UNKNOWN_NUMBER)
        await link_telegram_user(session, sender_id, owner.customer_id, owner.number)
    log.info("telegram user %s linked to customer %s", sender_id, owner.customer_id)
    return LinkResult(customer_id=owner.customer_id, full_name=owner.full_name)
