"""How good the assistant's answers were lately, from the customers' ratings: for ``/admin``.

Per day (Istanbul time): the share of rated answers rated good, and how many
chats were handed to a person. Over the whole window: the tools and the
topics (intents) whose answers were rated worst. A turn's topic is
``agent.dialogue_state``'s ``topic``, kept with each rating
(``db.answer_ratings``): the tool behind the newest answer that used one, so
a follow-up without a tool call ("peki geçen ay?") counts for the bill it
follows; a chat that never called a tool has none (general conversation).
A tool counts for every rated answer whose turn called it.

The window's ratings are read once and counted here: a week holds as many
rows as answers were rated, each a few short fields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Connection

from bot.services import BotServices
from core.turkish import to_istanbul
from db.answer_ratings import RatingRecord, ratings_since
from db.handoffs import handoffs_opened_since
from db.models.ratings import BAD, GOOD
from db.retries import run_sync_in_transaction

# Days /admin looks back over, today included.
REPORT_DAYS = 7
# Worst tools and topics listed.
WORST_SHOWN = 3


@dataclass(frozen=True)
class DayFigures:
    day: date
    good: int
    rated: int
    # None: handoffs not counted (``build_report`` was given no openings).
    handoffs: int | None


@dataclass(frozen=True)
class RatedGroup:
    """A tool or topic and how its answers were rated."""

    name: str | None
    good: int
    bad: int

    @property
    def rated(self) -> int:
        return self.good + self.bad


@dataclass(frozen=True)
class QualityReport:
    days: int
    per_day: tuple[DayFigures, ...]
    worst_tools: tuple[RatedGroup, ...]
    worst_topics: tuple[RatedGroup, ...]

    @property
    def rated(self) -> int:
        return sum(day.rated for day in self.per_day)


def build_report(
    ratings: Iterable[RatingRecord],
    handoffs_opened: Sequence[datetime] | None,
    *,
    today: date,
    days: int = REPORT_DAYS,
) -> QualityReport:
    """Count ``ratings`` and the handoffs opened at ``handoffs_opened`` (None: not
    counted) over the ``days`` days up to ``today``."""
    first_day = today - timedelta(days=days - 1)
    good_by_day: Counter[date] = Counter()
    rated_by_day: Counter[date] = Counter()
    tools: dict[str | None, Counter[str]] = {}
    topics: dict[str | None, Counter[str]] = {}
    for record in ratings:
        day = to_istanbul(record.rated_at).date()
        if not first_day <= day <= today or record.rating not in (GOOD, BAD):
            continue
        rated_by_day[day] += 1
        good_by_day[day] += record.rating == GOOD
        for tool in dict.fromkeys(record.tools):
            tools.setdefault(tool, Counter())[record.rating] += 1
        topics.setdefault(record.topic, Counter())[record.rating] += 1
    handoffs_by_day = (
        Counter(to_istanbul(opened).date() for opened in handoffs_opened)
        if handoffs_opened is not None
        else None
    )
    per_day = tuple(
        DayFigures(
            day=day,
            good=good_by_day[day],
            rated=rated_by_day[day],
            handoffs=handoffs_by_day[day] if handoffs_by_day is not None else None,
        )
        for day in (first_day + timedelta(days=offset) for offset in range(days))
    )
    return QualityReport(days, per_day, _worst(tools), _worst(topics))


def _worst(groups: dict[str | None, Counter[str]]) -> tuple[RatedGroup, ...]:
    """The groups with any bad rating, lowest share of good first, then most bad ones."""
    rated = [
        RatedGroup(name, counts[GOOD], counts[BAD])
        for name, counts in groups.items()
        if counts[BAD]
    ]
    rated.sort(key=lambda group: (group.good / group.rated, -group.bad, group.name or ""))
    return tuple(rated[:WORST_SHOWN])


async def quality_report(services: BotServices, *, days: int = REPORT_DAYS) -> QualityReport:
    """The report for the last ``days`` days, today included, read from the database.

    Ratings and handoff openings are read in one transaction.
    """
    now = datetime.now(UTC)
    today = to_istanbul(now).date()
    # A day longer than the window: Istanbul's midnight is before UTC's.
    since = now - timedelta(days=days + 1)

    def read(connection: Connection) -> tuple[list[RatingRecord], list[datetime]]:
        return ratings_since(connection, since), handoffs_opened_since(connection, since)

    ratings, handoffs_opened = await run_sync_in_transaction(
        services.database.sessions,
        read,
        what="admin: read answer ratings and handoffs",
        policy=services.database.retry,
    )
    return build_report(ratings, handoffs_opened, today=today, days=days)
