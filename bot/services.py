"""What every handler needs, built once by ``build_application``.

Handlers reach it through ``context.services`` (``bot.context.BotContext``);
there is no module-level state.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from agent.client import AgentClient
from bot.active_turns import ActiveTurns
from bot.card_sweep import CardSweeper
from bot.handoff_sweep import HandoffSweeper
from bot.rate_limit import UpdateAdmission, UserRateLimiter
from bot.turn_leases import TurnLeases
from core.settings import Settings
from db.database import Database
from db.message_store import MessageStore


@dataclass
class ConfirmationsInFlight:
    """Confirmation ids being run now: a second press meanwhile is told to wait."""

    _ids: set[str] = field(default_factory=set)

    def begin(self, confirmation_id: str) -> bool:
        """Mark ``confirmation_id`` as running; False when it already is."""
        if confirmation_id in self._ids:
            return False
        self._ids.add(confirmation_id)
        return True

    def end(self, confirmation_id: str) -> None:
        self._ids.discard(confirmation_id)

    def running(self, confirmation_id: str) -> bool:
        """Whether a press of ``confirmation_id`` is being handled now."""
        return confirmation_id in self._ids


@dataclass(frozen=True)
class BotServices:
    """Settings, database, agent and the bot's in-memory coordination."""

    settings: Settings
    database: Database
    agent: AgentClient
    # Customer messages: stored, marked answered or failed, taken over (db.message_store).
    messages: MessageStore
    # The per-user budget, applied as updates arrive (bot.update_order).
    admission: UpdateAdmission
    # At most telegram.max_concurrent_turns turns at once (bot.conversation).
    turn_slots: asyncio.Semaphore
    # The chat's running turn, for /iptal to cancel (it orders nothing).
    turns: ActiveTurns = field(default_factory=ActiveTurns)
    confirmations: ConfirmationsInFlight = field(default_factory=ConfirmationsInFlight)
    # Closes the cards of actions settled elsewhere or expired (bot.card_sweep).
    card_sweeper: CardSweeper = field(default_factory=CardSweeper)
    # Hands idle handed-off chats back to the assistant (bot.handoff_sweep).
    handoff_sweeper: HandoffSweeper = field(default_factory=HandoffSweeper)
    # This instance's leases on the turns it runs; takes over lapsed ones (bot.turn_leases).
    turn_leases: TurnLeases = field(default_factory=lambda: TurnLeases(30.0))

    @classmethod
    def create(cls, settings: Settings, database: Database, agent: AgentClient) -> BotServices:
        limit = settings.telegram.rate_limit
        return cls(
            settings=settings,
            database=database,
            agent=agent,
            messages=MessageStore.of(database),
            admission=UpdateAdmission(UserRateLimiter(limit.messages, limit.per_seconds)),
            turn_slots=asyncio.Semaphore(settings.telegram.max_concurrent_turns),
            turn_leases=TurnLeases(settings.telegram.turn_lease_s),
        )

    def is_admin(self, telegram_user_id: int) -> bool:
        """Whether ``telegram_user_id`` is listed in ``telegram.admin_ids``."""
        return telegram_user_id in self.settings.telegram.admin_ids
