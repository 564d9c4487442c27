"""Whose a conversation is: a chat session belongs to the customer whose turns it holds.

Synchronous functions on the transaction's connection, like the chat
history's hot path (run them with :func:`db.retries.run_sync_in_transaction`).
The agent HTTP API checks a request with them before storing anything: the
customer it names must exist, and a session that holds one customer's turns
(their tool results included) is never continued for anyone else, nor for an
unlinked caller. Turns stored without a customer (an unlinked chat's general
answers) bind nobody, so a chat may be linked later.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from db.models import ChatMessage, Customer

_CUSTOMER_EXISTS = select(Customer.id).where(Customer.id == bindparam("customer_id"))
_ANY_CUSTOMER = (
    select(ChatMessage.customer_id)
    .where(ChatMessage.chat_id == bindparam("chat_id"), ChatMessage.customer_id.is_not(None))
    .limit(1)
)
_ANOTHER_CUSTOMER = (
    select(ChatMessage.customer_id)
    .where(
        ChatMessage.chat_id == bindparam("chat_id"),
        ChatMessage.customer_id.is_not(None),
        ChatMessage.customer_id != bindparam("customer_id"),
    )
    .limit(1)
)


def customer_exists(connection: Connection, customer_id: int) -> bool:
    """Whether the operator has a customer numbered ``customer_id``."""
    return connection.execute(_CUSTOMER_EXISTS, {"customer_id": customer_id}).first() is not None


def other_customer_of_chat(
    connection: Connection, chat_id: str, customer_id: int | None
) -> int | None:
    """A customer other than ``customer_id`` whose turns the chat holds, or None.

    With ``customer_id`` None (an unlinked caller) every customer is another one.
    """
    if customer_id is None:
        return connection.execute(_ANY_CUSTOMER, {"chat_id": chat_id}).scalar()
    return connection.execute(
        _ANOTHER_CUSTOMER, {"chat_id": chat_id, "customer_id": customer_id}
    ).scalar()
