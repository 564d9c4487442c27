"""Prometheus metrics of the HTTP service, in a registry owned by one app.

The agent's own series (turns, turn latency, generated tokens, tool calls by
tool and outcome, queue depth, model loaded) live in the runtime's registry
(``agent.metrics.RuntimeMetrics``); ``GET /metrics`` exposes both, so one
scrape shows the HTTP side and the agent side of the same process.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
# Label values come from a closed set: a client can send any method name, and
# one series per name would grow the unauthenticated /metrics without bound.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"


class ServiceMetrics:
    """HTTP requests by route, method and status, and their latency."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "telekom_http_requests",
            "HTTP requests by route template, method and status code",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "telekom_http_request_seconds",
            "Time to the end of the response (streams included), by route template",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        method = method if method in KNOWN_METHODS else OTHER_METHOD
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.request_seconds.labels(route=route).observe(seconds)

    def exposition(self, agent: Any) -> bytes:
        """The text format of this registry and, when the agent has one, the agent's."""
        text = generate_latest(self.registry)
        agent_registry = agent_metrics_registry(agent)
        if agent_registry is not None:
            text += generate_latest(agent_registry)
        return text


def agent_metrics_registry(agent: Any) -> CollectorRegistry | None:
    """The registry of ``agent.metrics`` (``AgentRuntime`` has one), or None."""
    registry = getattr(getattr(agent, "metrics", None), "registry", None)
    return registry if isinstance(registry, CollectorRegistry) else None
