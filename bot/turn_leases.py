"""This bot instance's leases on the turns it runs, and the sweep that takes over lapsed ones.

Each accepted message carries a lease naming the instance that answers it
(``db.turn_leases``). :class:`TurnLeases`, one per running bot:

- gives the lease a message is accepted with (:meth:`TurnLeases.new_lease`);
- renews, every third of ``telegram.turn_lease_s``, the leases of the turns
  running here (:meth:`TurnLeases.holding`), so no other instance takes over
  a slow turn that is still being answered;
- every third of the lease as well, takes over the turns whose lease lapsed
  (their instance was killed, or lost the database for longer than a lease)
  and answers or apologises for them (``bot.recovery``);
- at a clean stop releases what it still holds, so the next start (this
  instance restarted, or another) finishes those turns at once.

A replica that starts while another is answering therefore leaves that
answer alone: start-up recovery only takes turns whose owner is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection
from telegram.ext import ExtBot

from db.retries import run_sync_in_transaction
from db.turn_leases import Lease, new_instance_id, release_leases, renew_leases

if TYPE_CHECKING:
    from bot.services import BotServices

log = logging.getLogger(__name__)

# How many times a lease is renewed within its length.
RENEWALS_PER_LEASE = 3


class TurnLeases:
    """The leases this instance holds, their heartbeat, and the sweep of lapsed turns."""

    # How long stopping waits for a sweep under way to finish the turns it took.
    STOP_GRACE_S = 5.0

    def __init__(self, lease_s: float, owner: str | None = None) -> None:
        self.owner = owner or new_instance_id()
        self.lease_s = lease_s
        self._held: Counter[int] = Counter()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    @property
    def interval_s(self) -> float:
        """Seconds between renewals, and between sweeps of lapsed turns."""
        return self.lease_s / RENEWALS_PER_LEASE

    def new_lease(self) -> Lease:
        """A lease for a message accepted now."""
        return Lease(self.owner, datetime.now(UTC) + timedelta(seconds=self.lease_s))

    @contextlib.contextmanager
    def holding(self, message_ids: Iterable[int]) -> Iterator[None]:
        """Renew the leases of ``message_ids`` while the block runs (a turn, a recovery)."""
        ids = list(message_ids)
        self._held.update(ids)
        try:
            yield
        finally:
            self._held.subtract(ids)
            for message_id in ids:
                if self._held[message_id] <= 0:
                    del self._held[message_id]

    def held(self) -> set[int]:
        """The messages whose leases are renewed now."""
        return set(self._held)

    def start(self, bot: ExtBot[None], services: BotServices) -> None:
        """Start renewing and sweeping, each in a task of its own."""
        if self._tasks:
            return
        self._stopping.clear()
        self._tasks = [
            asyncio.create_task(self._renew_forever(services), name="turn-lease-renewal"),
            asyncio.create_task(self._sweep_forever(bot, services), name="turn-lease-sweep"),
        ]

    async def stop(self, services: BotServices) -> None:
        """Stop renewing and sweeping; release the leases still held (no turn runs by now)."""
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        self._stopping.set()
        # A sweep under way finishes the turns it took over (within a grace time).
        _, running = await asyncio.wait(tasks, timeout=self.STOP_GRACE_S)
        for task in running:
            log.warning(
                "%s still running after %.0f s; cancelled", task.get_name(), self.STOP_GRACE_S
            )
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        owner = self.owner

        def release(connection: Connection) -> int:
            return release_leases(connection, owner)

        try:
            released = await run_sync_in_transaction(
                services.database.sessions,
                release,
                what="release turn leases",
                policy=services.database.retry,
            )
        except Exception:
            # They lapse by themselves within telegram.turn_lease_s.
            log.warning("could not release this instance's turn leases", exc_info=True)
            return
        if released:
            log.info("released %d turn leases for the next start", released)

    async def renew(self, services: BotServices) -> int:
        """Renew the held leases once; how many this instance still holds."""
        held, owner = self.held(), self.owner
        if not held:
            return 0
        expires_at = datetime.now(UTC) + timedelta(seconds=self.lease_s)

        def push_back(connection: Connection) -> int:
            return renew_leases(connection, owner, held, expires_at)

        return await run_sync_in_transaction(
            services.database.sessions,
            push_back,
            what="renew turn leases",
            policy=services.database.retry,
        )

    async def _renew_forever(self, services: BotServices) -> None:
        while not await self._stopped_within(self.interval_s):
            try:
                await self.renew(services)
            except Exception:
                log.warning(
                    "could not renew %d turn leases; another instance may take them over "
                    "once they lapse",
                    len(self._held),
                    exc_info=True,
                )

    async def _sweep_forever(self, bot: ExtBot[None], services: BotServices) -> None:
        from bot.recovery import recover_unfinished_turns  # recovery needs the services

        while not await self._stopped_within(self.interval_s):
            try:
                await recover_unfinished_turns(bot, services)
            except Exception:
                log.exception("sweep of lapsed turns failed; the next in %.0f s", self.interval_s)

    async def _stopped_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()
