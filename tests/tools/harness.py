"""Types the tool tests share: a settable clock and the call helpers' signatures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agent.tools import ToolContext, ToolOutcome


@dataclass
class Clock:
    """A settable UTC clock for ``ToolContext.now``."""

    moment: datetime

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


# context(customer_id, chat_id=None) -> ToolContext
ContextFactory = Callable[..., ToolContext]
# await call(customer_id, name, **arguments) -> ToolOutcome
CallTool = Callable[..., Awaitable[ToolOutcome]]
# await run_confirmed(customer_id, name, **arguments) -> result or error object
RunConfirmed = Callable[..., Awaitable[dict[str, Any]]]
