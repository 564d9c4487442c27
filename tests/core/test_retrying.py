"""core.retrying: the one retry mechanism (tenacity under one policy)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from core.retrying import RetryPolicy, retrying, run_retrying

log = logging.getLogger("tests.retrying")


class PassingError(Exception):
    """A failure another try may cure."""


class RefusalError(Exception):
    """A failure no retry can help."""


def failing(times: int, error: Exception) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def operation() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "ok"

    return calls, operation


def passing(error: BaseException) -> bool:
    return isinstance(error, PassingError)


async def test_a_passing_failure_is_retried_and_each_retry_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls, operation = failing(2, PassingError("locked"))
    policy = RetryPolicy(attempts=5, first_delay_s=0.001, max_delay_s=0.002)
    caplog.set_level(logging.WARNING, logger="tests.retrying")

    retrier = retrying(policy, what="write", retry_on=passing, logger=log)
    assert await run_retrying(retrier, operation) == "ok"

    assert len(calls) == 3
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("write: PassingError('locked'); retry 1 of 4 in 0.00")
    assert len(lines) == 2


async def test_a_refusal_is_raised_at_once() -> None:
    calls, operation = failing(5, RefusalError("no"))
    retrier = retrying(RetryPolicy(attempts=5), what="write", retry_on=passing, logger=log)

    with pytest.raises(RefusalError):
        await run_retrying(retrier, operation)
    assert len(calls) == 1


async def test_out_of_tries_gives_up_with_the_callers_error() -> None:
    calls, operation = failing(9, PassingError("down"))
    policy = RetryPolicy(attempts=3, first_delay_s=0.001)
    retrier = retrying(
        policy,
        what="write",
        retry_on=passing,
        logger=log,
        give_up=lambda error, state: RuntimeError(f"{state.attempt_number} tries: {error}"),
    )

    with pytest.raises(RuntimeError, match="3 tries: down") as raised:
        await run_retrying(retrier, operation)
    assert isinstance(raised.value.__cause__, PassingError)
    assert len(calls) == 3


async def test_no_retry_whose_pause_ends_past_the_time_limit() -> None:
    calls, operation = failing(9, PassingError("down"))
    # The server asks for 5 s; only 1 s is allowed in all: the last error stands.
    policy = RetryPolicy(first_delay_s=0.001, retry_for_s=1.0)
    retrier = retrying(
        policy, what="write", retry_on=passing, logger=log, asked_wait=lambda _error: 5.0
    )

    with pytest.raises(PassingError):
        await run_retrying(retrier, operation)
    assert len(calls) == 1


async def test_an_asked_pause_is_honoured_up_to_its_cap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    _calls, operation = failing(1, PassingError("429"))
    caplog.set_level(logging.WARNING, logger="tests.retrying")
    retrier = retrying(
        RetryPolicy(attempts=2, first_delay_s=5.0),
        what="ask",
        retry_on=passing,
        logger=log,
        asked_wait=lambda _error: 60.0,
        max_asked_s=0.01,
    )

    assert await run_retrying(retrier, operation) == "ok"
    assert "in 0.01 s" in caplog.text


async def test_the_time_limit_runs_from_the_first_try_not_from_its_failure() -> None:
    # The first try is made bare (tenacity is built only after it fails), yet it
    # uses up the same time budget: 0.3 s spent there leave no room for a retry
    # whose pause would end past 0.35 s from the start.
    calls: list[int] = []

    async def slow_then_fails() -> str:
        calls.append(1)
        await asyncio.sleep(0.3)
        raise PassingError("locked")

    policy = RetryPolicy(first_delay_s=0.1, retry_for_s=0.35)
    retrier = retrying(policy, what="write", retry_on=passing, logger=log)

    with pytest.raises(PassingError):
        await run_retrying(retrier, slow_then_fails)
    assert len(calls) == 1


async def test_a_single_try_policy_gives_up_after_the_first_failure() -> None:
    calls, operation = failing(9, PassingError("down"))
    retrier = retrying(
        RetryPolicy(attempts=1),
        what="write",
        retry_on=passing,
        logger=log,
        give_up=lambda error, state: RuntimeError(f"{state.attempt_number} try: {error}"),
    )

    with pytest.raises(RuntimeError, match="1 try: down"):
        await run_retrying(retrier, operation)
    assert len(calls) == 1


async def test_a_stream_iterates_the_attempts_itself() -> None:
    calls, operation = failing(2, PassingError("reset"))
    retrier = retrying(
        RetryPolicy(attempts=4, first_delay_s=0.001), what="stream", retry_on=passing, logger=log
    )

    results = []
    async for attempt in retrier:
        with attempt:
            results.append(await operation())
    assert results == ["ok"]
    assert len(calls) == 3
