"""The updates waiting for the bot, with Telegram's ``getUpdates`` semantics.

``update_id`` grows by one for every update, across all chats, from
``StandinSettings.first_update_id`` (or past an id the bot has already seen:
:meth:`UpdateQueue.continue_after`). An update stays
queued until the bot confirms it by calling ``getUpdates`` with an ``offset``
above its id; until then every call returns it again. A negative offset keeps
only the last ``-offset`` updates.

Redelivery (for de-duplication tests) queues an earlier update again with its
original ``update_id``, as Telegram does when a bot restarts without having
confirmed what it received. Only updates the bot has already been given can
be confirmed, so a redelivered update survives an offset that is already past
its id and reaches the bot once more.
"""

from __future__ import annotations

from bot.standin.records import JsonObject, PendingUpdate

# What Telegram sends when allowed_updates is empty or never set.
DEFAULT_EXCLUDED_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Pending updates plus the log of every update ever queued."""

    def __init__(self, first_id: int = 1) -> None:
        self._pending: list[PendingUpdate] = []
        self._log: dict[int, JsonObject] = {}
        self._next_id = first_id
        self.allowed_updates: list[str] | None = None

    @property
    def pending(self) -> list[PendingUpdate]:
        """Updates not yet confirmed, oldest first."""
        return list(self._pending)

    def push(self, kind: str, body: JsonObject) -> PendingUpdate:
        """Queue a new update of ``kind`` (``message``, ``callback_query``...)."""
        update_id = self._next_id
        self._next_id += 1
        payload = {"update_id": update_id, kind: body}
        self._log[update_id] = payload
        update = PendingUpdate(update_id, payload)
        self._pending.append(update)
        return update

    def continue_after(self, last_id: int) -> None:
        """Number the next update above ``last_id``, as Telegram does across bot restarts.

        Telegram's ids keep growing for a bot, restart or not; a stand-in started
        afresh for a bot that has handled updates before continues from them.
        """
        self._next_id = max(self._next_id, last_id + 1)

    def redeliver(self, update_id: int) -> PendingUpdate:
        """Queue an earlier update again, same ``update_id`` and content."""
        payload = self._log.get(update_id)
        if payload is None:
            raise KeyError(f"no update with update_id {update_id} was ever queued")
        update = PendingUpdate(update_id, payload)
        self._pending.append(update)
        return update

    def confirm(self, offset: int) -> None:
        """Apply a ``getUpdates`` offset: drop what it confirms."""
        if offset < 0:
            keep = -offset
            self._pending = self._pending[-keep:] if keep else []
            return
        self._pending = [
            update
            for update in self._pending
            if not (update.delivered and update.update_id < offset)
        ]

    def drop_all(self) -> None:
        """Forget every pending update (``drop_pending_updates``)."""
        self._pending.clear()

    def deliverable(self, limit: int) -> list[PendingUpdate]:
        """Up to ``limit`` pending updates the bot asked for, marked as delivered.

        Updates of a kind outside ``allowed_updates`` are dropped, since
        Telegram never sends them.
        """
        self._pending = [update for update in self._pending if self._allowed(update.kind)]
        batch = self._pending[:limit]
        for update in batch:
            update.delivered = True
        return batch

    def has_deliverable(self) -> bool:
        """Whether a long poll would return something now."""
        return any(self._allowed(update.kind) for update in self._pending)

    def _allowed(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_KINDS
