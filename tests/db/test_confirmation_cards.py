"""The bot's record of its confirmation cards: saved, found, listed while open, closed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.confirmation_cards import (
    close_card,
    find_card,
    forget_closed_cards_before,
    open_cards,
    save_card,
    shown_confirmations,
)
from db.retries import run_sync_in_transaction

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def _save(
    sessions: async_sessionmaker[AsyncSession],
    confirmation_id: str,
    *,
    message_id: int,
    minutes: int = 0,
) -> None:
    await run_sync_in_transaction(
        sessions,
        lambda connection: save_card(
            connection,
            confirmation_id,
            chat_id=7001,
            message_id=message_id,
            card_html=f"<b>Onayınız gerekiyor</b>\n{confirmation_id}",
            created_at=NOW + timedelta(minutes=minutes),
        ),
        what="save card",
    )


async def test_cards_are_open_until_closed_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _save(sessions, "second", message_id=12, minutes=1)
    await _save(sessions, "first", message_id=11)

    still_open = await run_sync_in_transaction(
        sessions, lambda c: open_cards(c, limit=10), what="open"
    )
    assert [(card.confirmation_id, card.message_id) for card in still_open] == [
        ("first", 11),
        ("second", 12),
    ]
    assert still_open[0].card_html == "<b>Onayınız gerekiyor</b>\nfirst"
    assert still_open[0].created_at == NOW

    closes = await run_sync_in_transaction(
        sessions,
        lambda c: [close_card(c, "first", NOW), close_card(c, "first", NOW)],
        what="close",
    )
    assert closes == [True, False]
    found = await run_sync_in_transaction(sessions, lambda c: find_card(c, "first"), what="find")
    assert found is not None
    assert found.closed
    remaining = await run_sync_in_transaction(
        sessions, lambda c: open_cards(c, limit=10), what="open"
    )
    assert [card.confirmation_id for card in remaining] == ["second"]
    assert await run_sync_in_transaction(
        sessions, lambda c: shown_confirmations(c, ["first", "second", "third"]), what="shown"
    ) == {"first", "second"}


async def test_a_card_sent_again_replaces_the_first_and_is_open(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _save(sessions, "again", message_id=20)
    await run_sync_in_transaction(sessions, lambda c: close_card(c, "again", NOW), what="close")

    await _save(sessions, "again", message_id=25, minutes=3)

    found = await run_sync_in_transaction(sessions, lambda c: find_card(c, "again"), what="find")
    assert found is not None
    assert (found.message_id, found.closed) == (25, False)


async def test_closed_cards_are_forgotten_after_a_while(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _save(sessions, "old", message_id=30)
    await _save(sessions, "open", message_id=31)
    await run_sync_in_transaction(sessions, lambda c: close_card(c, "old", NOW), what="close")

    forgotten = await run_sync_in_transaction(
        sessions,
        lambda c: forget_closed_cards_before(c, NOW + timedelta(days=1)),
        what="forget",
    )

    assert forgotten == 1
    assert await run_sync_in_transaction(sessions, lambda c: find_card(c, "old"), what="f") is None
    assert await run_sync_in_transaction(sessions, lambda c: find_card(c, "open"), what="f")
