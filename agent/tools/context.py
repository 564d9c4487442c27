"""What a tool runs with: the database, the chat's linked customer, the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.tools.errors import LINK_REQUIRED, ToolError
from core.settings import Settings
from core.turkish import to_istanbul
from db.database import Database
from db.engine import transaction
from db.retries import RetryPolicy, database_policy

LINK_REQUIRED_MESSAGE = (
    "Bu işlem için hesabınızı tanımam gerekiyor. Lütfen /start yazıp "
    "telefon numaranızı paylaşın; ardından yardımcı olabilirim."
)
# In a group no customer is ever known, linked or not: account matters go private.
PRIVATE_CHAT_REQUIRED_MESSAGE = (
    "Hesabınızla ilgili bilgileri grupta paylaşamam. Lütfen bana özelden yazın; "
    "orada size yardımcı olayım."
)


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ToolContext:
    """The fixed facts one tool call runs under.

    ``customer_id`` is the chat's verified link (None in an unlinked chat and
    in every group), never a number taken from the model's text. ``private``
    is False in a group chat. ``now`` returns an aware UTC datetime; tests
    inject a fixed clock.
    """

    sessions: async_sessionmaker[AsyncSession]
    customer_id: int | None
    chat_id: str | None = None
    private: bool = True
    now: Callable[[], datetime] = utc_now
    confirmation_ttl: timedelta = timedelta(seconds=600)
    # How long a call waits out a locked or unreachable database (db.retries).
    retry: RetryPolicy = field(default_factory=database_policy)
    # Set only while a confirmed action runs inside the confirmation's transaction.
    _session: AsyncSession | None = field(default=None, repr=False, compare=False)

    @classmethod
    def on_database(
        cls,
        database: Database,
        settings: Settings,
        customer_id: int | None,
        chat_id: str | None = None,
    ) -> ToolContext:
        """A context on the opened ``database``: its sessions, its transactions'
        retry policy, and the confirmation lifetime from ``settings.agent``."""
        return cls(
            sessions=database.sessions,
            customer_id=customer_id,
            chat_id=chat_id,
            confirmation_ttl=timedelta(seconds=settings.agent.confirmation_ttl_s),
            retry=database.retry,
        )

    def today(self) -> date:
        """Today's date in Istanbul: the day bills fall due and changes take effect."""
        return to_istanbul(self.now()).date()

    def in_chat(self, private: bool) -> ToolContext:
        """This context for a private chat (``True``) or a group (``False``)."""
        return self if private == self.private else replace(self, private=private)

    def require_customer(self) -> int:
        """The linked customer's number; LINK_REQUIRED in an unlinked chat or a group.

        In a group the message sends the customer to the private chat: the
        sender may well be linked already, and linking happens there anyway.
        """
        if self.customer_id is None:
            message = LINK_REQUIRED_MESSAGE if self.private else PRIVATE_CHAT_REQUIRED_MESSAGE
            raise ToolError(LINK_REQUIRED, message)
        return self.customer_id

    def within(self, session: AsyncSession) -> ToolContext:
        """This context, with every transaction nested in ``session``'s open one."""
        return replace(self, _session=session)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on an error.

        Inside :meth:`within` it is a savepoint of the enclosing transaction,
        so a confirmed action commits together with its confirmation.
        """
        if self._session is None:
            async with transaction(self.sessions) as session:
                yield session
        else:
            async with self._session.begin_nested():
                yield self._session
