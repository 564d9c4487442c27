"""Turkish names of the operator's account values, for whatever shows them to a person.

The rules engine's answers (``agent.rules.texts``) and the support topic's
summary (``bot.handoff_summary``) name a line's status, a ticket's status
and a customer's tier the same way.
"""

from __future__ import annotations

from typing import Final

LINE_STATUSES: Final = {"active": "aktif", "suspended": "askıda", "cancelled": "iptal"}
TICKET_STATUSES: Final = {
    "open": "açık",
    "in_progress": "işlemde",
    "resolved": "çözüldü",
    "closed": "kapatıldı",
}
TIERS: Final = {
    "standard": "Standart",
    "silver": "Gümüş",
    "gold": "Altın",
    "platinum": "Platin",
    "premium": "Premium",
}
