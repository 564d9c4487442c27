"""``python -m agent export-training --since DATE [--rating good|bad|all] --output FILE``.

Writes the conversations stored since ``DATE`` (UTC midnight) as one JSON
list in the trainer's dialogue format (``agent.training_export.dialogues``),
personal data replaced by placeholders consistent across the file
(``agent.training_export.pseudonyms``). ``--rating good`` keeps the
conversations whose rated answers were all rated good, ``bad`` those with an
answer rated bad, ``all`` (the default) every conversation, rated or not.
A conversation handed to a person carries the relayed texts after the
model's part, a support agent's replies as ``asistan`` turns marked
``"insan": true`` and the dialogue marked ``"duzeltildi": true``.
The file is written whole or not at all (a temporary file, then renamed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from agent.history import turn_from_row
from agent.training_export.dialogues import (
    Conversation,
    handed_off_turns,
    learn_personal_values,
    scrub_turns,
    to_dialogue,
)
from agent.training_export.pseudonyms import Pseudonyms
from agent.training_export.reading import learn_customers, read_conversations
from core.cli import Subcommands
from core.settings import Settings
from db.chat_history import StoredTurn
from db.database import DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError
from db.retries import run_sync_in_transaction

RATING_CHOICES = ("good", "bad", "all")


def add_parser(commands: Subcommands) -> None:
    """Register ``python -m agent export-training``."""
    parser = commands.add_parser(
        "export-training",
        help="write rated conversations as training dialogues (personal data replaced)",
    )
    parser.add_argument(
        "--since", required=True, type=_day, metavar="DATE", help="first day, YYYY-MM-DD (UTC)"
    )
    parser.add_argument(
        "--rating", choices=RATING_CHOICES, default="all", help="which conversations (all)"
    )
    parser.add_argument("--output", required=True, type=Path, metavar="FILE", help="JSON file")
    parser.set_defaults(handler=export_command)


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        dialogues = asyncio.run(export_dialogues(settings, args.since, args.rating))
    except (DatabaseUnavailableError, DatabaseURLError) as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 1
    try:
        _write_whole(args.output, dialogues)
    except OSError as exc:
        print(f"export-training: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{len(dialogues)} conversations written to {args.output}")
    return 0


async def export_dialogues(settings: Settings, since: date, rating: str) -> list[dict[str, Any]]:
    """The dialogues to export, from the configured database."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    async with open_database(settings, migrate_schema=False) as database:
        return await run_sync_in_transaction(
            database.sessions,
            lambda connection: build_dialogues(connection, start, rating, settings),
            what="export training dialogues",
            policy=database.retry,
        )


def build_dialogues(
    connection: Connection, since: datetime, rating: str, settings: Settings
) -> list[dict[str, Any]]:
    """Read, choose, scrub and write the conversations stored since ``since``."""
    conversations = [
        conversation
        for conversation in read_conversations(connection, since)
        if rating == "all" or conversation.rating == rating
    ]
    pseudonyms = Pseudonyms()
    learn_customers(connection, pseudonyms, conversations)
    turns = [_turns(conversation) for conversation in conversations]
    for each in turns:
        learn_personal_values(each, pseudonyms)
    return [
        to_dialogue(
            conversation,
            scrub_turns(each, pseudonyms),
            customer_hint=settings.agent.customer_hint,
        )
        for conversation, each in zip(conversations, turns, strict=True)
    ]


def _turns(conversation: Conversation) -> list[Any]:
    return [
        *(
            turn_from_row(StoredTurn(row.role, row.content, row.tool_calls))
            for row in conversation.rows
        ),
        *handed_off_turns(conversation),
    ]


def _write_whole(path: Path, dialogues: list[dict[str, Any]]) -> None:
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(dialogues, file, ensure_ascii=False, indent=2)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
