"""Runtime metrics: Prometheus series plus the last hour's counts for /admin.

Each runtime owns its own ``CollectorRegistry`` (no process-global state), and
``GET /metrics`` of the HTTP service exposes it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Container

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

HOUR_S = 3600.0
# The ``tool`` label of a call whose name is not a registered tool: the model
# can write any name, and one series per name would grow without bound.
UNKNOWN_TOOL_LABEL = "unknown"


def tool_label(known: Container[str], name: str) -> str:
    """``name`` when it is one of the ``known`` tools, else :data:`UNKNOWN_TOOL_LABEL`."""
    return name if name in known else UNKNOWN_TOOL_LABEL


class RuntimeMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "telekom_turns", "Agent turns by outcome", ["outcome"], registry=self.registry
        )
        self.turn_seconds = Histogram(
            "telekom_turn_seconds",
            "Wall time of one agent turn",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160),
            registry=self.registry,
        )
        self.first_token_seconds = Histogram(
            "telekom_first_token_seconds",
            "Time from a model step's start to its first output",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
            registry=self.registry,
        )
        self.tokens = Counter(
            "telekom_generated_chunks",
            "Output chunks (tokens for the model backends) generated",
            ["backend"],
            registry=self.registry,
        )
        self.tool_calls = Counter(
            "telekom_tool_calls",
            "Tool calls by tool and outcome",
            ["tool", "outcome"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "telekom_queue_depth", "Turns waiting or running", registry=self.registry
        )
        self.model_loaded = Gauge(
            "telekom_model_loaded", "1 when the configured model serves", registry=self.registry
        )
        self._turn_times: deque[float] = deque()
        self._error_times: deque[float] = deque()

    def turn_finished(self, outcome: str, seconds: float) -> None:
        now = time.monotonic()
        self.turns.labels(outcome=outcome).inc()
        self.turn_seconds.observe(seconds)
        self._turn_times.append(now)
        if outcome != "ok":
            self._error_times.append(now)
        self._forget_before(now - HOUR_S)

    def tool_called(self, name: str, outcome: str, *, known: Container[str]) -> None:
        """Count one tool call; a name not ``known`` is counted as ``unknown``."""
        self.tool_calls.labels(tool=tool_label(known, name), outcome=outcome).inc()

    def last_hour(self) -> tuple[int, int]:
        """(turns, errors) in the last hour."""
        self._forget_before(time.monotonic() - HOUR_S)
        return len(self._turn_times), len(self._error_times)

    def _forget_before(self, cutoff: float) -> None:
        for times in (self._turn_times, self._error_times):
            while times and times[0] < cutoff:
                times.popleft()
