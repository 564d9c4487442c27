"""The sweep that closes confirmation cards whose action no one settled in this process.

Every ``telegram.card_sweep_interval_s`` (:class:`CardSweeper`, started with
the application) and once at start-up (``bot.runner``), the open cards are
read from the database (``db.confirmation_cards``) and the agent is asked
what became of their actions (``AgentClient.confirmation_states``). Each one
no longer waiting (expired by time, cancelled or confirmed elsewhere,
unknown to the agent) is edited to show its outcome without buttons and
closed.

Cards being settled right now by this process are left to the code settling
them: a press still running (``services.confirmations``) and the cards of a
chat whose turn is running (a typed reply settles its card itself).

After a restart, an open card whose action was confirmed means the process
died between running the action and telling the customer: besides the edit,
the customer gets the result as one short message, and the card is closed,
so a later restart says nothing. In a chat whose interrupted answer start-up
recovery has just resent (it carries the same result), the edit is enough.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import ExtBot

from bot.confirmation_cards import close_card_showing
from bot.delivery import EditResult
from db.confirmation_cards import StoredCard, open_cards
from db.retries import run_sync_in_transaction

if TYPE_CHECKING:
    from bot.services import BotServices

log = logging.getLogger(__name__)

# Open cards looked at per sweep, oldest first; more wait for the next one.
MAX_CARDS_PER_SWEEP = 500


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did, for the log and for tests (confirmation ids)."""

    closed: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    # Settled, but Telegram would not take the edit now: tried again next sweep.
    failed: list[str] = field(default_factory=list)


class CardSweeper:
    """Runs :func:`sweep_cards` every ``telegram.card_sweep_interval_s`` until stopped."""

    # How long stopping waits for a sweep under way to finish its cards.
    STOP_GRACE_S = 5.0

    def __init__(self) -> None:
        # One sweep at a time: the periodic one and start-up recovery's.
        self.lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self, bot: ExtBot[None], services: BotServices) -> None:
        """Start sweeping in a task of its own (the first sweep after one interval)."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(bot, services), name="card-sweep")

    async def stop(self) -> None:
        """Stop sweeping once a sweep under way has finished (cancelled after a grace time).

        Letting the sweep finish keeps an edited card from staying open in the
        database, which would make the next start edit it again and, after a
        restart, tell the customer a result twice.
        """
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), self.STOP_GRACE_S)
        except TimeoutError:
            log.warning("card sweep still running after %.0f s; cancelled", self.STOP_GRACE_S)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, bot: ExtBot[None], services: BotServices) -> None:
        interval_s = services.settings.telegram.card_sweep_interval_s
        while not await self._stopped_within(interval_s):
            try:
                await sweep_cards(bot, services)
            except Exception:
                log.exception("card sweep failed; the next one in %.0f s", interval_s)

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait ``seconds``; whether :meth:`stop` was called meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()


async def sweep_cards(
    bot: ExtBot[None],
    services: BotServices,
    *,
    after_restart: bool = False,
    answered_chats: Collection[int] = (),
) -> SweepReport:
    """One sweep: every open card whose action is settled shows its outcome and is closed.

    ``after_restart``: also tell the customer the result of a confirmed
    action, except in ``answered_chats`` (start-up recovery resent their
    answer). Raises when the database or the agent cannot be reached; the
    cards then stay open for the next sweep.
    """
    report = SweepReport()
    async with services.card_sweeper.lock:
        cards = [card for card in await _open_cards(services) if not _being_settled(services, card)]
        if not cards:
            return report
        states = await services.agent.confirmation_states([c.confirmation_id for c in cards])
        for card in cards:
            outcome = states.get(card.confirmation_id)
            if outcome is None:
                continue  # still waiting for the customer
            tell = after_restart and outcome.status == "done" and card.chat_id not in answered_chats
            edited = await close_card_showing(bot, services, card, outcome, tell_result=tell)
            if edited is EditResult.FAILED:
                report.failed.append(card.confirmation_id)
                continue
            report.closed.append(card.confirmation_id)
            if tell:
                report.told.append(card.confirmation_id)
    if report.closed or report.failed:
        log.info(
            "card sweep: %d closed (%d told their result), %d left for the next sweep",
            len(report.closed),
            len(report.told),
            len(report.failed),
        )
    return report


async def _open_cards(services: BotServices) -> list[StoredCard]:
    return await run_sync_in_transaction(
        services.database.sessions,
        lambda connection: open_cards(connection, limit=MAX_CARDS_PER_SWEEP),
        what="card sweep: read open cards",
        policy=services.database.retry,
    )


def _being_settled(services: BotServices, card: StoredCard) -> bool:
    """Whether this process is settling the card now (a press, or its chat's turn)."""
    return services.confirmations.running(card.confirmation_id) or services.turns.running(
        card.chat_id
    )
