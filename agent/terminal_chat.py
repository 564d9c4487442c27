"""``python -m agent chat``: talk to the real runtime from a terminal or a pipe.

Each input line is one customer message; the answer is printed after
``Asistan:``. Tool calls show on standard error, so piped output holds only
the conversation. A proposed action is confirmed by typing "evet" (or
cancelled with "hayır"), as in the Telegram chat.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from typing import TextIO, get_args

from agent.client import AgentClient
from agent.events import ChatRequest, ConfirmationRequested, FinalAnswer, ToolFinished
from agent.runtime import AgentRuntime
from core.cli import Subcommands
from core.settings import ModelSettings, Settings
from db.database import DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError

BACKEND_CHOICES = get_args(ModelSettings.model_fields["backend"].annotation)

EXIT_WORDS = {"/exit", "/quit", "/çıkış", "/cikis"}


async def run_terminal_chat(
    agent: AgentClient,
    *,
    customer_id: int | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    interactive = stdin.isatty()
    chat_id = f"terminal-{uuid.uuid4().hex[:12]}"
    if interactive:
        who = f"müşteri {customer_id}" if customer_id else "hesabı bağlı olmayan kullanıcı"
        print(f"Telekom Asistan ({who}). Çıkmak için /çıkış yazın.", file=stdout)
    while True:
        if interactive:
            print("Siz: ", end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in EXIT_WORDS:
            break
        request = ChatRequest(message=text, chat_id=chat_id, customer_id=customer_id)
        async for event in agent.chat(request):
            if isinstance(event, ToolFinished):
                print(f"  [{event.name}: {event.status}]", file=stderr, flush=True)
            elif isinstance(event, ConfirmationRequested):
                print(f"  [onay bekleniyor: {event.tool}]", file=stderr, flush=True)
            elif isinstance(event, FinalAnswer):
                print(f"Asistan: {event.text}", file=stdout, flush=True)
    return 0


def add_parser(commands: Subcommands) -> None:
    """Register ``python -m agent chat``."""
    chat = commands.add_parser("chat", help="chat with the agent from the terminal or a pipe")
    chat.add_argument("--customer", type=int, help="linked customer number (default: unlinked)")
    chat.add_argument("--backend", choices=BACKEND_CHOICES, help="model backend to use")
    chat.add_argument("--model", help="model hub id, folder or GGUF file")
    chat.set_defaults(handler=chat_command)


def chat_command(args: argparse.Namespace, settings: Settings) -> int:
    settings = settings.with_model(args.backend, args.model)

    async def run() -> int:
        async with open_database(settings) as database:
            runtime = AgentRuntime(settings, database)
            await runtime.start()
            try:
                return await run_terminal_chat(
                    runtime,
                    customer_id=args.customer,
                    stdin=sys.stdin,
                    stdout=sys.stdout,
                    stderr=sys.stderr,
                )
            finally:
                await runtime.close()

    try:
        return asyncio.run(run())
    except (DatabaseUnavailableError, DatabaseURLError) as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
