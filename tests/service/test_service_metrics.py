"""``GET /metrics`` over real HTTP: turns, tool calls and requests are counted."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from agent.loop import MAX_CALLS_PER_STEP
from agent.metrics import UNKNOWN_TOOL_LABEL
from agent.protocol.tags import BEGIN_TOOL_CODE, END_TOOL_CODE
from agent.runtime import AgentRuntime
from agent.service.app import create_app
from core.settings import Settings
from tests.agent.scripted import ScriptedBackend
from tests.service.live_server import serve

CUSTOMER = 1001


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of ``/metrics``, keyed by name and label set."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_a_turn_with_a_tool_call_is_counted(api: httpx.AsyncClient) -> None:
    before = await scrape(api)
    response = await api.post(
        "/api/v1/chat/", json={"message": "kalan internetim ne kadar", "user_id": CUSTOMER}
    )
    assert response.status_code == 200
    after = await scrape(api)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("telekom_turns_total", outcome="ok") == 1
    assert grew("telekom_turn_seconds_count") == 1
    assert grew("telekom_tool_calls_total", tool="get_remaining_quotas", outcome="result") == 1
    assert grew("telekom_generated_chunks_total", backend="rules") >= 1
    assert (
        grew("telekom_http_requests_total", route="/api/v1/chat/", method="POST", status="200") == 1
    )
    assert grew("telekom_http_request_seconds_count", route="/api/v1/chat/") == 1
    assert value(after, "telekom_queue_depth") == 0
    assert value(after, "telekom_model_loaded") == 1


async def test_refused_requests_are_counted_by_status(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    await anonymous.get("/api/v1/chat/system/status")
    await api.post("/api/v1/chat/", json={})
    samples = await scrape(api)
    route = "/api/v1/chat/system/status"
    assert value(samples, "telekom_http_requests_total", route=route, method="GET", status="401")
    assert value(
        samples, "telekom_http_requests_total", route="/api/v1/chat/", method="POST", status="422"
    )


async def test_each_app_counts_only_its_own_requests(
    service_settings: Settings, runtime: AgentRuntime
) -> None:
    async with (
        serve(create_app(service_settings, runtime)) as first,
        serve(create_app(service_settings, runtime)) as second,
        httpx.AsyncClient(base_url=first.base_url) as one,
        httpx.AsyncClient(base_url=second.base_url) as two,
    ):
        for _ in range(3):
            await one.get("/healthz")
        await two.get("/healthz")
        labels = {"route": "/healthz", "method": "GET", "status": "200"}
        assert value(await scrape(one), "telekom_http_requests_total", **labels) == 3
        assert value(await scrape(two), "telekom_http_requests_total", **labels) == 1


async def test_tool_names_the_model_makes_up_share_one_unknown_label(
    api: httpx.AsyncClient, runtime: AgentRuntime
) -> None:
    """The model writes any tool name it likes; /metrics (no token) must not grow with them."""
    made_up = [f"steal_everything_{n}" for n in range(2 * MAX_CALLS_PER_STEP)]
    blocks = [
        "\n".join([BEGIN_TOOL_CODE, *(f"print({name}())" for name in names), END_TOOL_CODE])
        for names in (made_up[:MAX_CALLS_PER_STEP], made_up[MAX_CALLS_PER_STEP:])
    ]
    known = "\n".join([BEGIN_TOOL_CODE, "print(get_current_bill())", END_TOOL_CODE])
    await runtime.backends.install(ScriptedBackend(blocks[0], "Tamam.", blocks[1], known, "Tamam."))
    before = await scrape(api)
    for turn in range(2):
        response = await api.post(
            "/api/v1/chat/", json={"message": "faturam", "user_id": CUSTOMER, "session_id": "m-1"}
        )
        assert response.status_code == 200, (turn, response.text)

    text = (await api.get("/metrics")).text
    after = await scrape(api)
    assert not any(name in text for name in made_up)
    labels = {
        dict(labels)["tool"] for (name, labels) in after if name == "telekom_tool_calls_total"
    }
    assert labels <= {*runtime.registry.names, UNKNOWN_TOOL_LABEL}
    unknown = {"tool": UNKNOWN_TOOL_LABEL, "outcome": "error"}
    grew = value(after, "telekom_tool_calls_total", **unknown) - value(
        before, "telekom_tool_calls_total", **unknown
    )
    assert grew == len(made_up)
    bill = {"tool": "get_current_bill", "outcome": "result"}
    assert value(after, "telekom_tool_calls_total", **bill) == 1


async def test_made_up_http_methods_share_one_label(api: httpx.AsyncClient) -> None:
    for n in range(5):
        await api.request(f"FOO{n}", "/healthz")
    text = (await api.get("/metrics")).text
    assert "FOO" not in text
    samples = await scrape(api)
    labels = {"route": "/healthz", "method": "other", "status": "405"}
    assert value(samples, "telekom_http_requests_total", **labels) == 5
