"""Fixtures for the rules engine tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.rules import RulesEngine, RulesReply
from agent.turns import ChatTurn
from tests.rules.dialogues import CUSTOMER
from tests.service.conftest import database, runtime, service_settings  # noqa: F401


@pytest.fixture
def engine() -> RulesEngine:
    return RulesEngine()


@pytest.fixture
def ask(engine: RulesEngine) -> Callable[..., RulesReply]:
    """The reply to a first message: ``ask("faturam ne kadar")``."""

    def _ask(text: str, customer_id: int | None = CUSTOMER) -> RulesReply:
        return engine.respond([ChatTurn("user", text)], customer_id)

    return _ask
