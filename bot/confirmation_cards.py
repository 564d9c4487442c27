"""Where each confirmation card went, so a typed "evet" / "hayır" can close it.

A card offers Onayla / Vazgeç. A press closes the card it was on; an answer
typed instead settles the action in the agent, and the bot then takes the
buttons off the card it remembers here. The memory is the process's: after a
restart an old card keeps its buttons, and a late press on it is still
answered correctly (the action is settled, "already done" or "cancelled").
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

# Cards remembered at most; the oldest are forgotten first (their actions have
# long expired: a confirmation waits `agent.confirmation_ttl_s`).
MAX_REMEMBERED_CARDS = 10_000


@dataclass(frozen=True)
class CardPlace:
    """The chat and message a confirmation card was sent as."""

    chat_id: int
    message_id: int


@dataclass
class ConfirmationCards:
    """Confirmation id -> the card offering it, for the most recent cards."""

    limit: int = MAX_REMEMBERED_CARDS
    _places: OrderedDict[str, CardPlace] = field(default_factory=OrderedDict)

    def sent(self, confirmation_id: str, chat_id: int, message_id: int) -> None:
        """Remember the card just sent for ``confirmation_id``."""
        self._places[confirmation_id] = CardPlace(chat_id, message_id)
        self._places.move_to_end(confirmation_id)
        while len(self._places) > self.limit:
            self._places.popitem(last=False)

    def settled(self, confirmation_id: str) -> CardPlace | None:
        """The card of an action no longer waiting (forgotten now), if remembered."""
        return self._places.pop(confirmation_id, None)
