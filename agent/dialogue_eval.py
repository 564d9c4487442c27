"""Score a backend on whole conversations: ``python -m agent eval --dialogues FILE``.

Each line of FILE is one conversation::

    {"id": "fatura-takip-01", "customer": 1001, "today": "2026-12-03",
     "turns": [{"user": "faturam ne kadar", "expect_tools": ["get_current_bill"],
                "expect_in_answer": ["64,87 TL"], "forbid_in_answer": ["yalnızca telekom"]},
               {"press": "Onayla"}],
     "expect_state": {"current_bill": "paid", "last_payment_method": "bank_transfer"}}

- ``customer``: the chat's linked customer; ``null`` is an unlinked chat.
- ``today`` (optional): the day the facts were written for. The demo operator is
  derived from the day it is built, so the conversation runs on that day (the
  clock travels there, ``time-machine``) and its dates and amounts stay true.
  Without it the conversation runs today.
- A turn holds ``user`` (what the customer writes) or ``press``: ``"Onayla"`` or
  ``"Vazgeç"`` on the newest card still waiting, as the bot's buttons do; the
  answer is then the outcome's message, and the turn's tool is the card's tool
  when pressing ran it.
- ``expect_tools``: the set of tools called or proposed in the turn (``[]``: none;
  absent: not checked). ``expect_in_answer``: each item occurs in the answer
  (case-, diacritic- and space-insensitively, ``core.turkish.fold``); an item that
  is a list is a set of alternatives, one of which suffices. ``forbid_in_answer``:
  none occurs. The answer is the final text plus the text of any card it showed.
- ``expect_state``: the operator database after the last turn, checked as part of
  the last turn. Keys (each optional; see ``STATE_CHECKS``):
  ``line`` (primary line ``active``/``suspended``/``cancelled``), ``roaming``,
  ``autopay`` (true/false), ``current_bill`` (newest bill ``paid``/``unpaid``/
  ``overdue``), ``unpaid_bills`` (count), ``payments_made`` (payments made during
  the conversation), ``last_payment_method`` (method of the last payment made
  during the conversation, ``null`` for none), ``package`` (the active package),
  ``scheduled_package`` (the package a change is scheduled to, ``null`` for none),
  ``open_tickets`` (open or in progress), ``email`` / ``phone`` (the newest
  requested change, which waits for verification, else the one on file),
  ``address`` (on file; applies at once), ``pending_actions`` (cards of this chat
  still waiting).

Every conversation starts from a fresh demo operator: one seeded SQLite template
per day, copied over the working file between conversations (the runtime and its
backend are loaded once). A turn passes when all its checks pass; a conversation
when all its turns pass. The last line printed is one JSON object with
``dialogues``, ``turns``, ``turn_pass_rate``, ``dialogue_pass_rate`` and
``backend``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import time_machine
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    model_validator,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.events import (
    ChatRequest,
    ConfirmationRequested,
    ConfirmationSettled,
    FinalAnswer,
    ToolStarted,
)
from agent.runtime import AgentRuntime
from agent.tools.telekom import default_registry
from core.settings import Settings
from core.turkish import ISTANBUL, fold
from db.database import Database, DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError
from db.models import (
    Bill,
    ContactChange,
    Customer,
    FaultTicket,
    Package,
    PackageChange,
    Payment,
    PendingConfirmation,
    PhoneLine,
    Subscription,
)

PRESS_CONFIRM = "Onayla"
PRESS_CANCEL = "Vazgeç"
# The hour of the day a dated conversation runs at (Istanbul time).
_TRAVEL_HOUR = time(12, 0)

# --- the file format ---------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DialogueTurn(_Strict):
    user: str | None = None
    press: Literal["Onayla", "Vazgeç"] | None = None
    expect_tools: list[str] | None = None
    expect_in_answer: list[str | list[str]] = Field(default_factory=list)
    forbid_in_answer: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_action(self) -> DialogueTurn:
        if (self.user is None) == (self.press is None):
            raise ValueError('a turn holds exactly one of "user" and "press"')
        if self.user is not None and not self.user.strip():
            raise ValueError('"user" is empty')
        if any(isinstance(item, list) and not item for item in self.expect_in_answer):
            raise ValueError("an empty list of alternatives in expect_in_answer")
        unknown = sorted(set(self.expect_tools or ()) - set(default_registry().names))
        if unknown:
            raise ValueError(f"unknown tool(s) in expect_tools: {', '.join(unknown)}")
        return self

    @property
    def said(self) -> str:
        return self.user if self.user is not None else f"[{self.press}]"


class ExpectedState(_Strict):
    """The database after the last turn; only the keys written are checked."""

    line: Literal["active", "suspended", "cancelled"] = "active"
    roaming: StrictBool = False
    autopay: StrictBool = False
    current_bill: Literal["paid", "unpaid", "overdue"] = "paid"
    unpaid_bills: int = Field(default=0, ge=0)
    payments_made: int = Field(default=0, ge=0)
    last_payment_method: Literal["bank_transfer", "credit_card", "autopay"] | None = None
    package: str = ""
    scheduled_package: str | None = None
    open_tickets: int = Field(default=0, ge=0)
    email: str = ""
    phone: str = ""
    address: str = ""
    pending_actions: int = Field(default=0, ge=0)

    def expected(self) -> dict[str, Any]:
        """The checks written in the file, in file order of the fields."""
        return {
            name: getattr(self, name)
            for name in type(self).model_fields
            if name in self.model_fields_set
        }


class Dialogue(_Strict):
    id: str = Field(min_length=1)
    customer: StrictInt | None
    turns: list[DialogueTurn] = Field(min_length=1)
    expect_state: ExpectedState | None = None
    today: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _day_from_text(cls, data: Any) -> Any:
        # JSON has no dates: "today" is ISO text, read outside strict mode.
        if isinstance(data, dict) and isinstance(data.get("today"), str):
            try:
                return {**data, "today": date.fromisoformat(data["today"])}
            except ValueError:
                raise ValueError('"today" is not a date (YYYY-MM-DD)') from None
        return data

    @model_validator(mode="after")
    def _customer_for_account_checks(self) -> Dialogue:
        if self.customer is None and self.expect_state is not None:
            account_checks = set(self.expect_state.expected()) - {"pending_actions"}
            if account_checks:
                raise ValueError(
                    f"state checks without a customer: {', '.join(sorted(account_checks))}"
                )
        if self.customer is None and any(turn.press for turn in self.turns):
            raise ValueError("an unlinked chat has no cards to press")
        return self


class DialogueFileError(ValueError):
    """A line of the dialogue file is not a valid conversation (names file:line)."""


def read_dialogues(path: Path) -> list[Dialogue]:
    dialogues: list[Dialogue] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            dialogue = Dialogue.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DialogueFileError(f"{path}:{number}: not JSON ({exc.msg})") from None
        except ValidationError as exc:
            raise DialogueFileError(
                f"{path}:{number}: not a dialogue ({_first_error(exc)})"
            ) from None
        if dialogue.id in seen:
            raise DialogueFileError(f"{path}:{number}: id {dialogue.id!r} used twice")
        seen.add(dialogue.id)
        dialogues.append(dialogue)
    return dialogues


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


# --- scoring -------------------------------------------------------------------


@dataclass
class TurnResult:
    dialogue_id: str
    index: int  # 1-based
    said: str
    answer: str
    tools: list[str]
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_miss(self) -> dict[str, Any]:
        return {
            "id": self.dialogue_id,
            "turn": self.index,
            "user": self.said,
            "answer": self.answer,
            "tools": self.tools,
            "failed": self.failures,
        }


@dataclass
class DialogueReport:
    dialogues: list[list[TurnResult]]

    @property
    def turns(self) -> list[TurnResult]:
        return [turn for dialogue in self.dialogues for turn in dialogue]

    @property
    def turn_pass_rate(self) -> float:
        turns = self.turns
        return _ratio(sum(turn.passed for turn in turns), len(turns))

    @property
    def dialogue_pass_rate(self) -> float:
        passed = sum(all(turn.passed for turn in dialogue) for dialogue in self.dialogues)
        return _ratio(passed, len(self.dialogues))

    def summary(self, backend: str) -> dict[str, Any]:
        return {
            "dialogues": len(self.dialogues),
            "turns": len(self.turns),
            "turn_pass_rate": round(self.turn_pass_rate, 4),
            "dialogue_pass_rate": round(self.dialogue_pass_rate, 4),
            "backend": backend,
        }


def answer_failures(turn: DialogueTurn, answer: str, tools: Iterable[str]) -> list[str]:
    """What the turn's tool and answer checks found wrong (empty: passed)."""
    failures: list[str] = []
    got = sorted(set(tools))
    if turn.expect_tools is not None and set(turn.expect_tools) != set(got):
        failures.append(f"tools {got} != expected {sorted(set(turn.expect_tools))}")
    folded = fold(answer)
    for item in turn.expect_in_answer:
        options = item if isinstance(item, list) else [item]
        if not any(fold(option) in folded for option in options):
            failures.append(f"answer lacks {' | '.join(options)!r}")
    for item in turn.forbid_in_answer:
        if fold(item) in folded:
            failures.append(f"answer holds forbidden {item!r}")
    return failures


def state_failures(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    failures = []
    for name, want in expected.items():
        got = actual.get(name)
        if not _same(want, got):
            failures.append(f"state {name}: {got!r} != expected {want!r}")
    return failures


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, str) and isinstance(got, str):
        return fold(want) == fold(got)
    return type(want) is type(got) and bool(want == got)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# --- reading the operator's state ----------------------------------------------


@dataclass(frozen=True)
class StateProbe:
    """Whose state to read: the conversation's customer and chat, and what it started with."""

    customer_id: int | None
    chat_id: str
    today: date
    payments_before: frozenset[str]


StateReader = Callable[[AsyncSession, StateProbe], Awaitable[Any]]


async def _primary_line(session: AsyncSession, probe: StateProbe) -> PhoneLine | None:
    return await session.scalar(
        select(PhoneLine)
        .where(PhoneLine.customer_id == probe.customer_id)
        .order_by((PhoneLine.line_type != "primary"), PhoneLine.id)
        .limit(1)
    )


async def _line(session: AsyncSession, probe: StateProbe) -> str | None:
    line = await _primary_line(session, probe)
    return line.status if line else None


async def _roaming(session: AsyncSession, probe: StateProbe) -> bool | None:
    line = await _primary_line(session, probe)
    return line.roaming_enabled if line else None


async def _autopay(session: AsyncSession, probe: StateProbe) -> bool | None:
    customer = await session.get(Customer, probe.customer_id)
    return customer.autopay_enabled if customer else None


async def _current_bill(session: AsyncSession, probe: StateProbe) -> str | None:
    bill = await session.scalar(
        select(Bill)
        .where(Bill.customer_id == probe.customer_id)
        .order_by(Bill.bill_date.desc(), Bill.id.desc())
        .limit(1)
    )
    return bill.status_on(probe.today) if bill else None


async def _unpaid_bills(session: AsyncSession, probe: StateProbe) -> int:
    query = select(func.count()).where(
        Bill.customer_id == probe.customer_id, Bill.paid_at.is_(None)
    )
    return int(await session.scalar(query) or 0)


async def _new_payments(session: AsyncSession, probe: StateProbe) -> list[Payment]:
    rows = await session.scalars(
        select(Payment)
        .where(Payment.customer_id == probe.customer_id)
        .order_by(Payment.created_at, Payment.id)
    )
    return [payment for payment in rows if payment.id not in probe.payments_before]


async def _payments_made(session: AsyncSession, probe: StateProbe) -> int:
    return len(await _new_payments(session, probe))


async def _last_payment_method(session: AsyncSession, probe: StateProbe) -> str | None:
    made = await _new_payments(session, probe)
    return made[-1].method if made else None


async def _package(session: AsyncSession, probe: StateProbe) -> str | None:
    return await session.scalar(
        select(Package.name)
        .join(Subscription, Subscription.package_id == Package.id)
        .where(Subscription.customer_id == probe.customer_id, Subscription.status == "active")
        .order_by(Subscription.id)
        .limit(1)
    )


async def _scheduled_package(session: AsyncSession, probe: StateProbe) -> str | None:
    return await session.scalar(
        select(Package.name)
        .join(PackageChange, PackageChange.to_package_id == Package.id)
        .where(
            PackageChange.customer_id == probe.customer_id,
            PackageChange.status == "scheduled",
        )
        .order_by(PackageChange.created_at.desc(), PackageChange.id.desc())
        .limit(1)
    )


async def _open_tickets(session: AsyncSession, probe: StateProbe) -> int:
    query = select(func.count()).where(
        FaultTicket.customer_id == probe.customer_id,
        FaultTicket.status.in_(("open", "in_progress")),
    )
    return int(await session.scalar(query) or 0)


async def _requested_contact(session: AsyncSession, probe: StateProbe, kind: str) -> str | None:
    return await session.scalar(
        select(ContactChange.new_value)
        .where(ContactChange.customer_id == probe.customer_id, ContactChange.contact_type == kind)
        .order_by(ContactChange.created_at.desc(), ContactChange.id.desc())
        .limit(1)
    )


async def _email(session: AsyncSession, probe: StateProbe) -> str | None:
    requested = await _requested_contact(session, probe, "email")
    customer = await session.get(Customer, probe.customer_id)
    return requested or (customer.email if customer else None)


async def _phone(session: AsyncSession, probe: StateProbe) -> str | None:
    requested = await _requested_contact(session, probe, "phone")
    line = await _primary_line(session, probe)
    return requested or (line.number if line else None)


async def _address(session: AsyncSession, probe: StateProbe) -> str | None:
    customer = await session.get(Customer, probe.customer_id)
    return customer.address if customer else None


async def _pending_actions(session: AsyncSession, probe: StateProbe) -> int:
    query = select(func.count()).where(
        PendingConfirmation.chat_id == probe.chat_id, PendingConfirmation.status == "pending"
    )
    return int(await session.scalar(query) or 0)


STATE_CHECKS: dict[str, StateReader] = {
    "line": _line,
    "roaming": _roaming,
    "autopay": _autopay,
    "current_bill": _current_bill,
    "unpaid_bills": _unpaid_bills,
    "payments_made": _payments_made,
    "last_payment_method": _last_payment_method,
    "package": _package,
    "scheduled_package": _scheduled_package,
    "open_tickets": _open_tickets,
    "email": _email,
    "phone": _phone,
    "address": _address,
    "pending_actions": _pending_actions,
}
assert set(STATE_CHECKS) == set(ExpectedState.model_fields), "every state key has a reader"


async def read_state(database: Database, probe: StateProbe, names: Iterable[str]) -> dict[str, Any]:
    async with database.sessions() as session:
        return {name: await STATE_CHECKS[name](session, probe) for name in names}


async def _payment_ids(database: Database, customer_id: int | None) -> frozenset[str]:
    if customer_id is None:
        return frozenset()
    async with database.sessions() as session:
        rows = await session.scalars(select(Payment.id).where(Payment.customer_id == customer_id))
        return frozenset(rows)


# --- running the conversations ---------------------------------------------------


@dataclass
class _Card:
    confirmation_id: str
    tool: str
    summary: str


class _OperatorFiles:
    """Fresh demo operators: one seeded SQLite template per day, copied per conversation."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        self._settings = settings
        self._folder = folder
        self._templates: dict[date | None, Path] = {}
        self.working = folder / "dialogue.db"

    def settings_for(self, path: Path, *, seed: bool) -> Settings:
        database = self._settings.database.model_copy(
            update={"url": f"sqlite:///{path}", "seed_demo": seed}
        )
        return self._settings.model_copy(update={"database": database})

    async def template(self, day: date | None) -> Path:
        if day not in self._templates:
            path = self._folder / f"template-{day or 'today'}.db"
            with _on_day(day):
                async with open_database(self.settings_for(path, seed=True)):
                    pass
            self._templates[day] = path
        return self._templates[day]

    async def reset(self, database: Database | None, day: date | None) -> None:
        """Lay the day's seeded operator over the working file (no connection open)."""
        template = await self.template(day)
        if database is not None:
            # checkedout() is QueuePool's (the pool used here); Pool's type lacks it.
            if database.engine.pool.checkedout():  # type: ignore[attr-defined]
                raise RuntimeError("a database connection is still in use between conversations")
            await database.engine.dispose()
        await asyncio.to_thread(_lay_file, template, self.working)


def _lay_file(template: Path, working: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{working}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, working)


def _on_day(day: date | None) -> Any:
    """The clock at noon (Istanbul) of ``day`` and running on; the real clock for None."""
    if day is None:
        return nullcontext()
    return time_machine.travel(datetime.combine(day, _TRAVEL_HOUR, tzinfo=ISTANBUL), tick=True)


@asynccontextmanager
async def dialogue_runtime(
    settings: Settings, folder: Path, first_day: date | None = None
) -> AsyncIterator[_Runner]:
    """One runtime (backend loaded once) over a working file each conversation resets."""
    files = _OperatorFiles(settings, folder)
    await files.reset(None, first_day)
    async with open_database(files.settings_for(files.working, seed=False)) as database:
        runtime = AgentRuntime(files.settings_for(files.working, seed=False), database)
        await runtime.start()
        try:
            yield _Runner(runtime, database, files)
        finally:
            await runtime.close()


@dataclass
class _Runner:
    runtime: AgentRuntime
    database: Database
    files: _OperatorFiles

    async def run(self, dialogue: Dialogue) -> list[TurnResult]:
        await self.files.reset(self.database, dialogue.today)
        with _on_day(dialogue.today):
            return await self._converse(dialogue)

    async def _converse(self, dialogue: Dialogue) -> list[TurnResult]:
        chat_id = f"dialogue-{uuid.uuid4().hex[:16]}"
        cards: list[_Card] = []
        payments_before = await _payment_ids(self.database, dialogue.customer)
        results: list[TurnResult] = []
        for index, turn in enumerate(dialogue.turns, start=1):
            if turn.press is not None:
                answer, tools, failures = await self._press(turn.press, cards, dialogue, chat_id)
            else:
                answer, tools = await self._say(turn.user or "", cards, dialogue, chat_id)
                failures = []
            failures += answer_failures(turn, answer, tools)
            results.append(TurnResult(dialogue.id, index, turn.said, answer, tools, failures))
        if dialogue.expect_state is not None:
            expected = dialogue.expect_state.expected()
            probe = StateProbe(
                customer_id=dialogue.customer,
                chat_id=chat_id,
                today=datetime.now(ISTANBUL).date(),
                payments_before=payments_before,
            )
            actual = await read_state(self.database, probe, expected)
            results[-1].failures += state_failures(expected, actual)
        return results

    async def _say(
        self, text: str, cards: list[_Card], dialogue: Dialogue, chat_id: str
    ) -> tuple[str, list[str]]:
        request = ChatRequest(message=text, chat_id=chat_id, customer_id=dialogue.customer)
        tools: list[str] = []
        final = ""
        shown: list[str] = []
        async for event in self.runtime.chat(request):
            if isinstance(event, ToolStarted):
                tools.append(event.name)
            elif isinstance(event, ConfirmationRequested):
                cards.append(_Card(event.confirmation_id, event.tool, event.summary))
                shown.append(event.summary)
            elif isinstance(event, ConfirmationSettled):
                cards[:] = [card for card in cards if card.confirmation_id != event.confirmation_id]
            elif isinstance(event, FinalAnswer):
                final = event.text
        # The customer sees the card's text too, whether or not the answer repeats it.
        extra = [summary for summary in shown if fold(summary) not in fold(final)]
        return "\n".join([final, *extra]).strip(), tools

    async def _press(
        self, button: str, cards: list[_Card], dialogue: Dialogue, chat_id: str
    ) -> tuple[str, list[str], list[str]]:
        if not cards or dialogue.customer is None:
            return "", [], [f"no card waiting to press {button}"]
        card = cards.pop()
        act = self.runtime.confirm if button == PRESS_CONFIRM else self.runtime.cancel
        outcome = await act(card.confirmation_id, customer_id=dialogue.customer, chat_id=chat_id)
        tools = [card.tool] if button == PRESS_CONFIRM and outcome.status == "done" else []
        return outcome.message, tools, []


async def evaluate_dialogues(settings: Settings, dialogues: Iterable[Dialogue]) -> DialogueReport:
    """Run every conversation on a fresh demo operator and score its turns."""
    dialogues = list(dialogues)
    first_day = dialogues[0].today if dialogues else None
    with tempfile.TemporaryDirectory(prefix="telekom-dialogues-") as folder:
        async with dialogue_runtime(settings, Path(folder), first_day) as runner:
            return DialogueReport([await runner.run(dialogue) for dialogue in dialogues])


# --- the command ------------------------------------------------------------------


def dialogue_command(args: argparse.Namespace, settings: Settings) -> int:
    """``python -m agent eval --dialogues FILE``: 0 when it ran, 2 bad file, 1 database."""
    if args.file is not None or args.database_url:
        what = "FILE" if args.file is not None else "--database-url"
        print(f"eval: {what} cannot be combined with --dialogues", file=sys.stderr)
        return 2
    try:
        dialogues = read_dialogues(args.dialogues)
    except (OSError, UnicodeDecodeError, DialogueFileError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    settings = settings.with_model(args.backend, args.model)
    try:
        report = asyncio.run(evaluate_dialogues(settings, dialogues))
    except (DatabaseUnavailableError, DatabaseURLError) as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 1
    if args.show_misses:
        for turn in report.turns:
            if not turn.passed:
                print(json.dumps(turn.as_miss(), ensure_ascii=False))
    turns = report.turns
    print(f"turns passed: {sum(t.passed for t in turns)}/{len(turns)}")
    passed = sum(all(t.passed for t in dialogue) for dialogue in report.dialogues)
    print(f"dialogues passed: {passed}/{len(report.dialogues)}")
    print(json.dumps(report.summary(settings.model.backend)))
    return 0
