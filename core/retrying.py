"""One way to try again: a retry policy and the tenacity objects built from it.

Four parts of the product retry work that may fail for a passing reason:
database transactions (``db.retries``), requests to a model server
(``agent.backends.openai_compat``), Bot API calls (``bot.delivery``,
``bot.start_up_retries``) and calls to the agent service
(``agent.http_client``). Each decides for itself WHAT is worth another try
and what it raises when the tries run out; all of them say HOW to try again
with one :class:`RetryPolicy` and run it through :func:`retrying` (a
:class:`tenacity.AsyncRetrying`, built only after a first failure):

- exponential back-off, ``first_delay_s * 2**(retry - 1)`` capped at
  ``max_delay_s``, shortened by a random fraction up to ``jitter`` so
  replicas that failed together do not retry together;
- or the pause the other side asked for (``Retry-After``, Telegram's
  ``retry_after``), capped where a confused server could park a turn;
- at most ``attempts`` tries, and no retry whose pause would end past
  ``retry_for_s`` from the first try (or past an explicit deadline);
- every retry logged for the operator with the attempt, the reason and the
  pause.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NoReturn, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

T = TypeVar("T")

# The pause a retry waits, given the failure: None means "use the back-off".
AskedWait = Callable[[BaseException], float | None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to try, and how the pauses between tries grow.

    ``attempts`` counts every try, the first included (None: no count, only
    time). ``retry_for_s`` bounds the whole, from the first try: no retry is
    made whose pause would end later (None: no time limit).
    """

    attempts: int | None = None
    first_delay_s: float = 0.5
    max_delay_s: float = 8.0
    jitter: float = 0.0
    retry_for_s: float | None = None

    def __post_init__(self) -> None:
        if self.attempts is not None and self.attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError("jitter is a fraction in [0, 1)")

    def backoff_s(self, retry: int, random_fraction: Callable[[], float] = random.random) -> float:
        """The pause before retry number ``retry`` (1 for the first retry)."""
        backoff = min(self.first_delay_s * 2.0 ** (retry - 1), self.max_delay_s)
        if not self.jitter:
            return backoff
        return backoff * (1.0 - self.jitter * random_fraction())


def pause_s(
    policy: RetryPolicy,
    retry: int,
    asked_s: float | None = None,
    *,
    max_asked_s: float = math.inf,
    random_fraction: Callable[[], float] = random.random,
) -> float:
    """The pause before retry number ``retry``: what the other side asked, else the back-off.

    An asked pause is honoured as sent (no jitter), up to ``max_asked_s``.
    """
    if asked_s is not None:
        return min(max(asked_s, 0.0), max_asked_s)
    return policy.backoff_s(retry, random_fraction)


def retrying(
    policy: RetryPolicy,
    *,
    what: str,
    retry_on: Callable[[BaseException], bool],
    logger: logging.Logger,
    asked_wait: AskedWait | None = None,
    max_asked_s: float = math.inf,
    deadline: float | None = None,
    exhausted: Callable[[BaseException], bool] | None = None,
    give_up: Callable[[BaseException, RetryCallState], BaseException] | None = None,
    describe: Callable[[BaseException], str] = repr,
    level: int = logging.WARNING,
    on_retry: Callable[[BaseException], None] | None = None,
) -> Retrying:
    """The tries of the work named ``what`` under ``policy``.

    ``retry_on(error)``: whether ``error`` may pass by itself; anything else
    is raised at once. ``asked_wait(error)``: the pause the other side asked
    for, if any (capped at ``max_asked_s``). ``deadline``: an event-loop
    time no retry's pause may pass, on top of ``policy.retry_for_s``.
    ``exhausted(error)``: the caller's own limit on tries (called once per
    retryable failure). When the tries or the time run out, ``give_up(error,
    state)`` names the exception raised (from the last error); without it the
    last error itself is raised. Each retry is logged at ``level`` as
    "``what``: ``describe(error)``; retry N [of M] in S s", and counted by
    ``on_retry(error)`` where the caller keeps a count.
    """

    def tenacity_from(started: float) -> AsyncRetrying:
        ends = [deadline] if deadline is not None else []
        if policy.retry_for_s is not None:
            ends.append(started + policy.retry_for_s)
        last_moment = min(ends, default=math.inf)
        loop = asyncio.get_running_loop()

        def wait(state: RetryCallState) -> float:
            error = _error(state)
            asked = asked_wait(error) if asked_wait is not None else None
            return pause_s(policy, state.attempt_number, asked, max_asked_s=max_asked_s)

        def stop(state: RetryCallState) -> bool:
            if policy.attempts is not None and state.attempt_number >= policy.attempts:
                return True
            if exhausted is not None and exhausted(_error(state)):
                return True
            return loop.time() + state.upcoming_sleep > last_moment

        def before_sleep(state: RetryCallState) -> None:
            if on_retry is not None:
                on_retry(_error(state))
            of = f" of {policy.attempts - 1}" if policy.attempts is not None else ""
            logger.log(
                level,
                "%s: %s; retry %d%s in %.2f s",
                what,
                describe(_error(state)),
                state.attempt_number,
                of,
                state.upcoming_sleep,
            )

        def give_up_with(state: RetryCallState) -> NoReturn:
            error = _error(state)
            if give_up is None:
                raise error
            raise give_up(error, state) from error

        return AsyncRetrying(
            sleep=_sleep,
            retry=retry_if_exception(retry_on),
            wait=wait,
            stop=stop,
            before_sleep=before_sleep,
            retry_error_callback=give_up_with,
        )

    return Retrying(retry_on, tenacity_from)


class Retrying:
    """Tries of one piece of work, built by :func:`retrying`.

    The tenacity machinery behind it is built only when it is needed:
    :func:`run_retrying` makes the first try bare, and only a failure worth
    another try builds it. On the hot path (every database transaction,
    every Bot API call) the first try nearly always succeeds, and building
    and running an ``AsyncRetrying`` for it cost about 30 µs each time.
    ``async for attempt in retrying(...)`` iterates tenacity's attempts
    directly, for work that cannot be wrapped in one callable (a stream).
    """

    __slots__ = ("_tenacity_from", "retry_on")

    def __init__(
        self,
        retry_on: Callable[[BaseException], bool],
        tenacity_from: Callable[[float], AsyncRetrying],
    ) -> None:
        self.retry_on = retry_on
        self._tenacity_from = tenacity_from

    def tenacity(self, started: float | None = None) -> AsyncRetrying:
        """tenacity's ``AsyncRetrying``; the policy's time limit runs from ``started`` (now)."""
        if started is None:
            started = asyncio.get_running_loop().time()
        return self._tenacity_from(started)

    def __aiter__(self) -> AsyncRetrying:
        return self.tenacity().__aiter__()


async def run_retrying(retrier: Retrying, operation: Callable[[], Awaitable[T]]) -> T:
    """``await operation()`` under ``retrier``, run again from the start after each failure.

    The first try runs bare. A failure that may pass hands over to tenacity,
    which sees that failure as its first attempt (so the counts, pauses,
    log lines and time limit are those of a retrier that ran every try),
    and runs ``operation`` again from there. Any other failure is raised
    as it is, as tenacity would.
    """
    started = asyncio.get_running_loop().time()
    try:
        return await operation()
    except Exception as error:  # judged by the caller's retry_on
        if not retrier.retry_on(error):
            raise
        first_failure: Exception | None = error

    async def attempt() -> T:
        nonlocal first_failure
        if first_failure is not None:
            failure, first_failure = first_failure, None
            raise failure
        return await operation()

    result: T = await retrier.tenacity(started)(attempt)
    return result


async def _sleep(seconds: float) -> None:
    # Looked up at each call, so a test that patches asyncio.sleep is obeyed.
    await asyncio.sleep(seconds)


def _error(state: RetryCallState) -> BaseException:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    if error is None:  # tenacity asks only after a failed attempt here
        raise RuntimeError("a retry decision without a failed attempt")
    return error
