"""Leases on accepted customer messages: which bot instance answers each, and until when.

A message the bot accepts from Telegram is stored with a lease: the accepting
instance (``lease_owner``) answers it, and renews ``lease_expires_at`` while
the turn runs (``bot.turn_leases``). A message still ``accepted`` whose lease
lapsed (or that has none: stored before leases, or released at a clean stop)
has no live owner; any instance may take it over, and exactly one does: the
claim is one conditional ``UPDATE`` the database arbitrates
(:func:`claim_lapsed_turns`).

Expiry times come from the instances' clocks, which must agree to well
within the lease (NTP does).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from db.models import ChatMessage

_ACCEPTED = "accepted"
# How many lapsed turns one claim takes over (the next sweep takes the rest).
CLAIM_BATCH = 50


@dataclass(frozen=True)
class Lease:
    """An instance's hold on a message until ``expires_at``."""

    owner: str
    expires_at: datetime


def new_instance_id() -> str:
    """A name for this bot instance: host, process and a random part (fits the column)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _lapsed(now: datetime) -> ColumnElement[bool]:
    return or_(ChatMessage.lease_expires_at.is_(None), ChatMessage.lease_expires_at < now)


def renew_leases(
    connection: Connection, owner: str, message_ids: Collection[int], expires_at: datetime
) -> int:
    """Push back the leases ``owner`` still holds on ``message_ids``; how many it holds."""
    if not message_ids:
        return 0
    renewed = connection.execute(
        update(ChatMessage.__table__)
        .where(
            ChatMessage.id.in_(bindparam("ids", expanding=True)),
            ChatMessage.lease_owner == owner,
            ChatMessage.status == _ACCEPTED,
        )
        .values(lease_expires_at=expires_at),
        {"ids": sorted(message_ids)},
    )
    return renewed.rowcount


def claim_lapsed_turns(connection: Connection, lease: Lease, now: datetime) -> list[int]:
    """Take over accepted Telegram messages whose lease lapsed; their ids, oldest first.

    Two instances claiming at once get disjoint sets: a row another one
    claimed meanwhile no longer matches (PostgreSQL re-checks the condition
    after waiting for the other's update; SQLite runs writers one at a time).
    """
    candidates = (
        select(ChatMessage.id)
        .where(
            ChatMessage.status == _ACCEPTED,
            ChatMessage.role == "user",
            ChatMessage.telegram_update_id.is_not(None),
            _lapsed(now),
        )
        .order_by(ChatMessage.id)
        .limit(CLAIM_BATCH)
        .scalar_subquery()
    )
    claimed = connection.execute(
        update(ChatMessage.__table__)
        .where(ChatMessage.id.in_(candidates), ChatMessage.status == _ACCEPTED, _lapsed(now))
        .values(lease_owner=lease.owner, lease_expires_at=lease.expires_at)
        .returning(ChatMessage.id)
    )
    return sorted(claimed.scalars().all())


def release_leases(connection: Connection, owner: str) -> int:
    """Give up every lease ``owner`` holds (a clean stop): another start takes them at once."""
    released = connection.execute(
        update(ChatMessage.__table__)
        .where(ChatMessage.status == _ACCEPTED, ChatMessage.lease_owner == owner)
        .values(lease_expires_at=None)
    )
    return released.rowcount
