"""The summary a support agent reads when a customer's topic opens.

Customer number and tier, lines and their state, package, open fault
tickets, and the last turns with the assistant (the tools it called and what
they returned). The account facts come through the agent's read-only tools
(as ``/durum`` reads them) and the database's own readers; a part that cannot
be read is left out with a note, never failing the handoff.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from agent.client import AgentClient, AgentUnavailableError
from bot import handoff_texts as texts
from bot.rendering import escape
from bot.views.tool_errors import tool_error
from core.account_labels import LINE_STATUSES, TICKET_STATUSES, TIERS
from db.chat_history import StoredTurn, recent_turns
from db.handoffs import OpenTicket, open_fault_tickets

# The last messages of the chat shown (user, assistant and tool turns together).
SUMMARY_TURNS = 12
# Each turn shown is cut to this many characters.
TURN_CHARS = 300

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SummarySubject:
    """Whose summary: the customer chat, its linked customer (or None) and a display name."""

    chat_id: int
    customer_id: int | None
    name: str


@dataclass(frozen=True)
class StoredFacts:
    """What the summary reads from the database in one transaction."""

    turns: list[StoredTurn]
    tickets: list[OpenTicket]


def read_stored_facts(connection: Connection, subject: SummarySubject) -> StoredFacts:
    """The chat's last turns and the customer's open tickets."""
    tickets = (
        open_fault_tickets(connection, subject.customer_id)
        if subject.customer_id is not None
        else []
    )
    return StoredFacts(recent_turns(connection, str(subject.chat_id), SUMMARY_TURNS), tickets)


async def account_facts(
    agent: AgentClient, customer_id: int
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The customer's profile and package through the read-only tools, or None."""
    try:
        profile, package = await asyncio.gather(
            *(
                agent.call_tool(name, customer_id=customer_id, arguments={"user_id": customer_id})
                for name in ("get_customer_profile", "get_customer_package")
            )
        )
    except AgentUnavailableError as error:
        log.warning("handoff summary for customer %s: agent unavailable: %s", customer_id, error)
        return None
    if tool_error(profile) is not None:
        log.info("handoff summary for customer %s: profile unavailable", customer_id)
        return None
    return profile, package


def summary_html(
    subject: SummarySubject,
    reason: str,
    facts: StoredFacts,
    account: tuple[dict[str, Any], dict[str, Any]] | None,
) -> str:
    """The summary as Telegram HTML (``bot.delivery`` splits it when long)."""
    lines = [texts.SUMMARY_TITLE.format(reason=texts.SUMMARY_REASONS.get(reason, reason))]
    if subject.customer_id is None:
        lines.append(texts.SUMMARY_UNLINKED.format(name=escape(subject.name)))
    elif account is None:
        lines.append(
            texts.SUMMARY_CUSTOMER.format(customer_id=subject.customer_id, name="", tier="?")
        )
        lines.append(texts.SUMMARY_UNAVAILABLE)
    else:
        lines.extend(_account_lines(subject.customer_id, *account))
    if subject.customer_id is not None:
        lines.append(_tickets_line(facts.tickets))
    lines.append("")
    lines.extend(_turn_lines(facts.turns))
    lines.append("")
    lines.append(texts.SUMMARY_HOW_TO)
    return "\n".join(lines)


def _account_lines(customer_id: int, profile: dict[str, Any], package: dict[str, Any]) -> list[str]:
    tier = str(profile.get("customer_tier") or "")
    lines = [
        texts.SUMMARY_CUSTOMER.format(
            customer_id=customer_id,
            name=escape(profile.get("name") or ""),
            tier=escape(TIERS.get(tier, tier)),
        )
    ]
    phone_lines = [
        texts.SUMMARY_LINE.format(
            number=escape(line.get("number", "")),
            type=escape(line.get("type", "")),
            status=escape(LINE_STATUSES.get(line.get("status", ""), line.get("status", ""))),
        )
        for line in profile.get("phone_numbers") or []
        if isinstance(line, dict)
    ]
    if phone_lines:
        lines.append(texts.SUMMARY_LINES.format(lines=", ".join(phone_lines)))
    if tool_error(package) is None and package.get("package_name"):
        lines.append(texts.SUMMARY_PACKAGE.format(package=escape(package["package_name"])))
    return lines


def _tickets_line(tickets: list[OpenTicket]) -> str:
    if not tickets:
        return texts.SUMMARY_NO_TICKETS
    shown = ", ".join(
        texts.SUMMARY_TICKET.format(
            id=escape(ticket.id),
            category=escape(ticket.category),
            status=escape(TICKET_STATUSES.get(ticket.status, ticket.status)),
        )
        for ticket in tickets
    )
    return texts.SUMMARY_TICKETS.format(tickets=shown)


def _turn_lines(turns: list[StoredTurn]) -> list[str]:
    if not turns:
        return [texts.SUMMARY_NO_TURNS]
    lines = [texts.SUMMARY_TURNS]
    for turn in turns:
        if turn.role == "user":
            lines.append(texts.SUMMARY_TURN_USER.format(text=_cut(turn.content)))
        elif turn.role == "tool":
            lines.append(texts.SUMMARY_TURN_TOOL_RESULT.format(text=_cut(turn.content)))
        else:
            for call in turn.tool_calls or []:
                if isinstance(call, dict):
                    arguments = json.dumps(call.get("arguments") or {}, ensure_ascii=False)
                    lines.append(
                        texts.SUMMARY_TURN_TOOL_CALL.format(
                            name=escape(call.get("name", "?")), arguments=_cut(arguments)
                        )
                    )
            if turn.content.strip():
                lines.append(texts.SUMMARY_TURN_ASSISTANT.format(text=_cut(turn.content)))
    return lines


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > TURN_CHARS:
        flat = flat[: TURN_CHARS - 1] + "…"
    return escape(flat)
