"""``python -m agent chat``: talk to the real runtime from a terminal or a pipe.

Each input line is one customer message; the answer is printed after
``Asistan:``. Tool calls show on standard error, so piped output holds only
the conversation. A proposed action is confirmed by typing "evet" (or
cancelled with "hayır"), as in the Telegram chat.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TextIO

from agent.client import AgentClient
from agent.events import ChatRequest, ConfirmationRequested, FinalAnswer, ToolFinished

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
