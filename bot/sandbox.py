"""The local sandbox: the real bot against the Telegram stand-in, typed at in a terminal.

``python -m bot --sandbox`` (or ``python -m bot`` without a token) starts the
stand-in on loopback, runs the real bot against it, and lets you chat as a
demo customer: Ahmet Yılmaz (customer 1001), or another with ``--customer N``
(the fixed cases of ``db.seed``: 1002 paid, 1003 suspended, 1004 overdue):

- a line of text is a message, ``/fatura`` a command;
- ``/contact`` shares the demo customer's own phone number (+905320001001);
- a number presses the inline button with that number on the latest message.

Each line is answered before the next is read, so a script piped into stdin
runs the same way; at end of input the sandbox exits once the last answer has
arrived. The sandbox's own lines are English (it is a developer tool); the
bot's answers are what a customer sees.

Run after run on one database, the stand-in numbers its updates on from the
last ``update_id`` the bot handled, as Telegram does for a bot that restarts,
and each customer is the same Telegram user every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TextIO

from pydantic import SecretStr

from bot.context import SERVICES_KEY, BotApplication
from bot.runner import running_bot, wait_for_stop_signal
from bot.services import BotServices
from bot.standin import FloodPolicy, MessageView, StandinDriver, StandinServer, StandinSettings
from bot.standin import UserView as StandinUser
from core.settings import Settings
from db.models import Customer
from db.processed_updates import last_update_id
from db.seed import primary_number

SANDBOX_TOKEN = "100000001:sandbox-token-not-a-secret"
DEMO_CUSTOMER_ID = 1001
# Customer N is Telegram user SANDBOX_USER_BASE + N in every run.
SANDBOX_USER_BASE = 500_000_000
CONTACT_COMMAND = "/contact"
# Longest wait for one answer: the agent's own turn limit plus a margin.
ANSWER_MARGIN_S = 15.0

NO_TOKEN_NOTICE = (
    "TELEGRAM_BOT_TOKEN is not set: starting the local sandbox; set the token to reach Telegram."
)
STANDIN_NOTICE = (
    "Telegram stand-in listening; point the bot at it: TELEGRAM_API_BASE_URL={base_url}"
)
BANNER = (
    "Telekom Asistan sandbox: you are {name}, a demo customer (customer {customer_id}). "
    "Type a message or a command (/start, /fatura, /durum, /help); "
    "/contact shares your phone number; a number presses that button; Ctrl-D quits."
)


@dataclass
class _Transcript:
    """What has been printed, so each round prints only what is new or changed."""

    shown: dict[int, str] = field(default_factory=dict)
    choices: list[tuple[int, str]] = field(default_factory=list)


class SandboxConsole:
    """Turns lines of input into the demo user's actions and prints the bot's answers."""

    def __init__(
        self,
        driver: StandinDriver,
        user: StandinUser,
        application: BotApplication,
        out: TextIO,
        *,
        customer_id: int,
        answer_timeout_s: float,
        interactive: bool,
    ) -> None:
        self._driver = driver
        self._user = user
        self._customer_id = customer_id
        self._application = application
        self._out = out
        self._timeout = answer_timeout_s
        self._interactive = interactive
        self._transcript = _Transcript()

    def greet(self) -> None:
        """Print how to use the sandbox."""
        name = f"{self._user.first_name} {self._user.last_name or ''}".strip()
        self._print(BANNER.format(name=name, customer_id=self._customer_id))

    async def handle(self, line: str) -> None:
        """Act on one line of input, then print what the bot answered."""
        text = line.strip()
        if not text:
            return
        if not self._interactive:
            self._print(f"> {text}")  # a piped script: show what was "typed"
        if not self._act(text):
            return
        try:
            await self._wait_until_answered()
        except TimeoutError:
            self._print(f"(no answer within {self._timeout:.0f} s)")
        self._print_new_messages()

    def _act(self, text: str) -> bool:
        if text == CONTACT_COMMAND:
            self._driver.share_contact(self._user, primary_number(self._customer_id))
        elif text.isdigit() and self._transcript.choices:
            number = int(text)
            if not 1 <= number <= len(self._transcript.choices):
                self._print(f"(no button {number}; choose 1-{len(self._transcript.choices)})")
                return False
            message_id, data = self._transcript.choices[number - 1]
            self._driver.press_button(self._user, message_id, data=data)
        else:
            self._driver.send_text(self._user, text)
        return True

    async def _wait_until_answered(self) -> None:
        """Until the bot has fetched the update and finished every handler it started."""
        await self._driver.wait_until_consumed(timeout=self._timeout)
        await asyncio.wait_for(self._application.update_queue.join(), self._timeout)

    def _print_new_messages(self) -> None:
        transcript = self._transcript
        for message in self._driver.bot_messages(self._user):
            text = message.text or message.caption or ""
            previous = transcript.shown.get(message.message_id)
            if previous == text:
                continue
            label = "Telekom Asistan" if previous is None else "Telekom Asistan (edited)"
            self._print(f"{label}:")
            self._print(_indent(text))
            transcript.shown[message.message_id] = text
        self._print_choices()

    def _print_choices(self) -> None:
        latest = _latest_with_buttons(self._driver.bot_messages(self._user))
        choices = (
            [
                (latest.message_id, button.callback_data)
                for button in latest.buttons
                if button.callback_data is not None
            ]
            if latest
            else []
        )
        if choices != self._transcript.choices and latest is not None:
            labels = [button.text for button in latest.buttons if button.callback_data]
            self._print("  " + "   ".join(f"[{i}] {label}" for i, label in enumerate(labels, 1)))
        self._transcript.choices = choices
        keyboard = self._driver.reply_keyboard(self._user) or {}
        wants_contact = any(
            isinstance(button, dict) and button.get("request_contact")
            for row in keyboard.get("keyboard", [])
            for button in row
        )
        if wants_contact:
            self._print(f"  (type {CONTACT_COMMAND} to share your phone number)")

    def prompt(self) -> None:
        """Invite the next line in a terminal (a piped script needs no prompt)."""
        if self._interactive:
            print("> ", end="", file=self._out, flush=True)

    def _print(self, text: str) -> None:
        print(text, file=self._out, flush=True)


class UnknownCustomerError(LookupError):
    """``--customer N`` names no customer in the database."""


async def run_sandbox(
    settings: Settings, *, customer_id: int = DEMO_CUSTOMER_ID, out: TextIO | None = None
) -> int:
    """Run the sandbox on stdin until end of input; returns the exit status."""
    out = out or sys.stdout
    standin_settings = StandinSettings(flood=FloodPolicy())
    async with StandinServer(standin_settings) as server:
        driver = StandinDriver(server)
        async with running_bot(_pointed_at(settings, server.base_url)) as application:
            services: BotServices = application.bot_data[SERVICES_KEY]
            async with services.database.sessions() as session:
                customer = await session.get(Customer, customer_id)
                last_seen = await last_update_id(session)
            if customer is None:
                raise UnknownCustomerError(
                    f"no customer {customer_id} in the database (the demo customers start at "
                    f"{DEMO_CUSTOMER_ID})"
                )
            if last_seen is not None:
                # Telegram numbers on for a bot that restarts; from 1 would look like
                # redelivery to the ids this database remembers.
                driver.continue_update_ids_after(last_seen)
            user = driver.create_user(
                customer.first_name,
                last_name=customer.last_name,
                user_id=SANDBOX_USER_BASE + customer_id,
            )
            console = SandboxConsole(
                driver,
                user,
                application,
                out,
                customer_id=customer_id,
                answer_timeout_s=settings.agent.timeout_s + ANSWER_MARGIN_S,
                interactive=sys.stdin.isatty(),
            )
            console.greet()
            console.prompt()
            async for line in _stdin_lines():
                await console.handle(line)
                console.prompt()
    return 0


async def serve_standin(port: int, *, first_update_id: int = 1) -> int:
    """``--sandbox-server PORT``: only the stand-in, until Ctrl-C.

    ``first_update_id``: for a bot restarted on a database that remembers the
    updates it handled, number on above them, as Telegram does.
    """
    settings = StandinSettings(first_update_id=first_update_id)
    async with StandinServer(settings, port=port) as server:
        print(STANDIN_NOTICE.format(base_url=server.base_url), flush=True)
        await wait_for_stop_signal()
    return 0


def _pointed_at(settings: Settings, base_url: str) -> Settings:
    telegram = settings.telegram.model_copy(
        update={
            "bot_token": SecretStr(SANDBOX_TOKEN),
            "api_base_url": base_url,
            "mode": "polling",
            # The sandbox is a terminal tool: no health listener beside it.
            "health_port": 0,
        }
    )
    return settings.model_copy(update={"telegram": telegram})


async def _stdin_lines() -> AsyncIterator[str]:
    """Lines of stdin without blocking the event loop (pipes, terminals and files)."""
    if stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode):
        for line in sys.stdin:
            yield line
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    try:
        while line := await reader.readline():
            yield line.decode("utf-8", errors="replace")
    finally:
        # The pipe transport made stdin non-blocking; a shell after us expects it blocking.
        with contextlib.suppress(OSError, ValueError):
            os.set_blocking(sys.stdin.fileno(), True)
        transport.close()


def _latest_with_buttons(messages: list[MessageView]) -> MessageView | None:
    with_buttons = [m for m in messages if any(b.callback_data for b in m.buttons)]
    return with_buttons[-1] if with_buttons else None


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())
