"""Facts about a customer that a conversation may refer to without naming them.

"Kaydım ne durumda" means the customer's newest fault ticket; "bölgemde
sorun var mı" means the customer's own city. Synchronous Core reads on the
turn's connection (``agent.history.load_state`` adds them to the dialogue
state of the turn; they are never stored with the chat).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, case, select
from sqlalchemy.engine import Connection

from db.models import Customer, FaultTicket

_CITY = select(Customer.city).where(Customer.id == bindparam("customer_id"))
# A ticket still being worked on is the one a customer asks about; else the newest.
_STILL_OPEN = case((FaultTicket.status.in_(("open", "in_progress")), 0), else_=1)
_NEWEST_TICKET = (
    select(FaultTicket.id)
    .where(FaultTicket.customer_id == bindparam("customer_id"))
    .order_by(_STILL_OPEN, FaultTicket.created_at.desc(), FaultTicket.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class CustomerFacts:
    city: str | None
    newest_ticket_id: str | None


def customer_facts(connection: Connection, customer_id: int) -> CustomerFacts:
    """The customer's city and newest fault ticket, open ones first (None when none)."""
    params = {"customer_id": customer_id}
    return CustomerFacts(
        city=connection.execute(_CITY, params).scalar_one_or_none(),
        newest_ticket_id=connection.execute(_NEWEST_TICKET, params).scalar_one_or_none(),
    )
