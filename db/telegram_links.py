"""Telegram links: which customer a Telegram account was verified as.

A link is made only from Telegram's verified contact share (the contact's
``user_id`` is the sender's own) whose number is on file
(ARCHITECTURE.md, security model). Plain functions; the caller passes the
session and owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Customer, PhoneLine, TelegramLink

# Lines that can be linked: a suspended line's owner still needs support.
LINKABLE_LINE_STATUSES = ("active", "suspended")


@dataclass(frozen=True)
class LinkedCustomer:
    """The customer a Telegram account is linked to."""

    customer_id: int
    full_name: str


@dataclass(frozen=True)
class LineOwner:
    """The customer a phone number on file belongs to."""

    customer_id: int
    full_name: str
    number: str


# Read for every update a customer sends, so built once (building and keying
# a statement costs more than SQLite's work for it).
_LINKED_CUSTOMER = (
    select(Customer.id, Customer.first_name, Customer.last_name)
    .join(TelegramLink, TelegramLink.customer_id == Customer.id)
    .where(TelegramLink.telegram_user_id == bindparam("telegram_user_id"))
)


def find_linked_customer(connection: Connection, telegram_user_id: int) -> LinkedCustomer | None:
    """The customer linked to ``telegram_user_id``, or None when unlinked.

    Synchronous, on a connection: read on every update's path (run it with
    :func:`db.engine.run_on_connection`).
    """
    row = connection.execute(_LINKED_CUSTOMER, {"telegram_user_id": telegram_user_id}).first()
    if row is None:
        return None
    return LinkedCustomer(customer_id=row.id, full_name=f"{row.first_name} {row.last_name}")


async def find_line_owner(session: AsyncSession, number: str) -> LineOwner | None:
    """Who owns the linkable line ``number`` (E.164, ``+905320001001``), if anyone."""
    row = (
        await session.execute(
            select(PhoneLine.number, Customer.id, Customer.first_name, Customer.last_name)
            .join(Customer, Customer.id == PhoneLine.customer_id)
            .where(PhoneLine.number == number, PhoneLine.status.in_(LINKABLE_LINE_STATUSES))
        )
    ).first()
    if row is None:
        return None
    return LineOwner(
        customer_id=row.id, full_name=f"{row.first_name} {row.last_name}", number=number
    )


async def link_telegram_user(
    session: AsyncSession, telegram_user_id: int, customer_id: int, phone_number: str
) -> None:
    """Link (or re-link) ``telegram_user_id`` to ``customer_id``."""
    link = await session.get(TelegramLink, telegram_user_id)
    if link is None:
        session.add(
            TelegramLink(
                telegram_user_id=telegram_user_id,
                customer_id=customer_id,
                phone_number=phone_number,
            )
        )
    else:
        link.customer_id = customer_id
        link.phone_number = phone_number
    await session.flush()
