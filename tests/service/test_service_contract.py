"""The API's guard rails over real HTTP: tokens, limits, error envelopes, docs, tools, status."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from agent.runtime import AgentRuntime
from agent.service.app import create_app
from agent.status import SystemStatus
from core.settings import Settings
from db.database import Database
from tests.service.live_server import TOKEN, serve

CUSTOMER = 1001

# Every authenticated route with a body it accepts.
API_ROUTES = [
    ("POST", "/api/v1/chat/", {"message": "merhaba", "user_id": CUSTOMER}),
    ("POST", "/api/v1/chat/stream", {"message": "merhaba", "user_id": CUSTOMER}),
    ("POST", "/api/v1/chat/confirm", {"confirmation_id": "x", "user_id": CUSTOMER}),
    ("POST", "/api/v1/chat/cancel", {"confirmation_id": "x", "user_id": CUSTOMER}),
    ("POST", "/api/v1/chat/cancel-pending", {"user_id": CUSTOMER, "session_id": "s"}),
    ("POST", "/api/v1/tools/get_current_bill", {"user_id": CUSTOMER, "arguments": {}}),
    ("GET", "/api/v1/chat/system/status", None),
    ("POST", "/api/v1/admin/model", {"backend": "rules"}),
]


def assert_failure(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the JSON failure envelope with ``code`` and a Turkish message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


# -- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES)
async def test_every_api_route_needs_the_token(
    anonymous: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = await anonymous.request(method, path, json=body)
    error = assert_failure(response, 401, "UNAUTHORIZED")
    assert "erişim anahtarı" in error["message"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_wrong_token_is_refused_and_logged(
    anonymous: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="agent.service.auth")
    wrong = {"Authorization": f"Bearer {TOKEN}x"}
    response = await anonymous.get("/api/v1/chat/system/status", headers=wrong)
    assert_failure(response, 401, "UNAUTHORIZED")
    assert "wrong token" in caplog.text
    assert TOKEN not in caplog.text


async def test_the_right_token_is_accepted(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/chat/system/status")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/docs", "/openapi.json"])
async def test_operations_routes_need_no_token(anonymous: httpx.AsyncClient, path: str) -> None:
    response = await anonymous.get(path)
    assert response.status_code == 200


async def test_without_a_configured_token_the_local_api_is_open(
    service_settings: Settings, runtime: AgentRuntime
) -> None:
    agent = service_settings.agent.model_copy(update={"api_token": SecretStr("")})
    open_settings = service_settings.model_copy(update={"agent": agent})
    async with (
        serve(create_app(open_settings, runtime)) as live,
        httpx.AsyncClient(base_url=live.base_url) as client,
    ):
        response = await client.get("/api/v1/chat/system/status")
    assert response.status_code == 200


# -- limits and error envelopes ----------------------------------------------------------------


async def test_a_body_over_the_limit_is_refused_with_413(
    api: httpx.AsyncClient, service_settings: Settings
) -> None:
    limit = service_settings.service.max_body_bytes
    message = "a" * (limit + 10)
    response = await api.post("/api/v1/chat/", json={"message": message, "user_id": CUSTOMER})
    error = assert_failure(response, 413, "PAYLOAD_TOO_LARGE")
    assert f"{limit} bayt" in error["message"]


async def test_a_chunked_body_over_the_limit_is_cut_off_with_413(
    api: httpx.AsyncClient, service_settings: Settings
) -> None:
    limit = service_settings.service.max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the service must count what arrives.
        yield b'{"message": "'
        for _ in range(limit // 1000 + 2):
            yield b"a" * 1000
        yield b'", "user_id": 1001}'

    response = await api.post(
        "/api/v1/chat/", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_failure(response, 413, "PAYLOAD_TOO_LARGE")


async def test_a_missing_field_is_a_turkish_validation_error(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/chat/", json={"user_id": CUSTOMER})
    error = assert_failure(response, 422, "VALIDATION_ERROR")
    assert error["message"] == "İstek geçersiz: 'message' alanı zorunludur."
    assert error["details"] == [
        {"field": "message", "type": "missing", "message": "'message' alanı zorunludur."}
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"message": "   ", "user_id": CUSTOMER}, "'message' alanı boş olamaz."),
        ({"message": "merhaba", "user_id": "on bir"}, "'user_id' alanı bir tam sayı olmalıdır."),
        ({"message": "a" * 5000}, "'message' alanı en fazla 4096 karakter olabilir."),
        ({"message": "merhaba", "session_id": "a b"}, "'session_id' alanı geçersiz karakterler"),
        ({"message": "merhaba", "user_id": 0}, "'user_id' alanı en az 1 olmalıdır."),
    ],
)
async def test_bad_values_get_turkish_messages(
    api: httpx.AsyncClient, body: dict[str, Any], expected: str
) -> None:
    response = await api.post("/api/v1/chat/", json=body)
    error = assert_failure(response, 422, "VALIDATION_ERROR")
    assert expected in error["message"]


async def test_a_body_that_is_not_json_is_a_validation_error(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/chat/", content=b'{"message": ', headers={"Content-Type": "application/json"}
    )
    error = assert_failure(response, 422, "VALIDATION_ERROR")
    assert "geçerli bir JSON değil" in error["message"]


async def test_an_unknown_backend_lists_the_allowed_ones(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/admin/model", json={"backend": "gpt"})
    error = assert_failure(response, 422, "VALIDATION_ERROR")
    assert "'backend' alanı şu değerlerden biri olmalıdır" in error["message"]
    assert "'rules'" in error["message"]
    assert " veya " in error["message"]


async def test_unknown_route_and_wrong_method_are_json(api: httpx.AsyncClient) -> None:
    assert_failure(await api.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    assert_failure(await api.get("/api/v1/chat/confirm"), 405, "METHOD_NOT_ALLOWED")


class BrokenStatusRuntime(AgentRuntime):
    """The real runtime with a bug planted in ``status`` (fault injection)."""

    async def status(self) -> SystemStatus:
        raise RuntimeError("planted bug: status exploded")


async def test_an_unexpected_error_is_a_500_with_an_incident_id_and_no_traceback(
    service_settings: Settings, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="agent.service.middleware")
    broken = BrokenStatusRuntime(service_settings, database)
    await broken.start()
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            serve(create_app(service_settings, broken)) as live,
            httpx.AsyncClient(base_url=live.base_url, headers=headers) as client,
        ):
            response = await client.get("/api/v1/chat/system/status")
    finally:
        await broken.close()
    error = assert_failure(response, 500, "INTERNAL_ERROR")
    incident = error["incident_id"]
    assert incident in error["message"]
    assert error["message"].startswith("Üzgünüz")
    assert "Traceback" not in response.text
    assert "planted bug" not in response.text
    # The operator finds the traceback in the log under the same incident id.
    [record] = [r for r in caplog.records if incident in r.getMessage()]
    assert record.exc_info is not None
    assert "planted bug" in str(record.exc_info[1])


# -- tools, status, model, health, docs ---------------------------------------------------------


async def test_a_read_only_tool_returns_its_contract_result(
    api: httpx.AsyncClient, runtime: AgentRuntime
) -> None:
    response = await api.post(
        "/api/v1/tools/get_current_bill", json={"user_id": CUSTOMER, "arguments": {}}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    in_process = await runtime.call_tool("get_current_bill", customer_id=CUSTOMER, arguments={})
    assert body["data"] == in_process
    assert body["data"]["user_id"] == CUSTOMER
    assert {"bill_id", "amount", "due_date", "status", "services"} <= set(body["data"])


async def test_a_side_effecting_tool_is_refused_with_403(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/tools/pay_bill", json={"user_id": CUSTOMER, "arguments": {"method": "credit_card"}}
    )
    error = assert_failure(response, 403, "CONFIRMATION_REQUIRED")
    assert "onaylayın" in error["message"]
    # Nothing was proposed or paid: the bill is still unpaid.
    bill = await api.post("/api/v1/tools/get_current_bill", json={"user_id": CUSTOMER})
    assert bill.json()["data"]["status"] == "unpaid"


async def test_an_unknown_tool_is_404(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/tools/delete_everything", json={"user_id": CUSTOMER})
    error = assert_failure(response, 404, "UNKNOWN_TOOL")
    assert "'delete_everything'" in error["message"]


async def test_a_tools_own_error_keeps_the_contract_error_shape(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/tools/get_fault_ticket_status",
        json={"user_id": CUSTOMER, "arguments": {"ticket_id": "T-2000-000001"}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "TICKET_NOT_FOUND"
    assert "bulunamadı" in body["error"]["message"]


async def test_a_tool_needing_a_customer_in_an_unlinked_chat_asks_to_link(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/api/v1/tools/get_current_bill", json={"user_id": None})
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "LINK_REQUIRED"


async def test_system_status_reports_the_rules_backend_and_19_tools(
    api: httpx.AsyncClient,
) -> None:
    response = await api.get("/api/v1/chat/system/status")
    body = response.json()
    assert body["success"] is True
    status = SystemStatus.model_validate(body["data"])
    assert status.model_hizmeti.backend == "rules"
    assert status.model_hizmeti.model_loaded is True
    assert status.arac_sayisi == 19
    assert status.database_dialect in ("sqlite", "postgresql")


async def test_model_swap_goes_through_the_agent(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/admin/model", json={"backend": "rules"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["model_hizmeti"]["backend"] == "rules"
    assert data["model_hizmeti"]["state"] == "loaded"


async def test_healthz_is_ok(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@contextmanager
def _unopenable(database_file: Path) -> Iterator[None]:
    """The database file out of the way and a directory in its place, until the block ends."""
    aside = database_file.with_name(database_file.name + ".aside")
    database_file.rename(aside)
    database_file.mkdir()  # SQLite cannot open a directory
    try:
        yield
    finally:
        database_file.rmdir()
        aside.rename(database_file)


async def test_healthz_is_unavailable_while_the_database_cannot_be_opened(
    anonymous: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """The load balancer takes the service out while its database is gone, and back after."""
    if database.dialect != "sqlite":
        pytest.skip("a SQLite file made unopenable; tests/faults cuts PostgreSQL off by proxy")
    await database.engine.dispose()  # no pooled connection to the old file is left
    with _unopenable(Path(database.engine.url.database or "")):
        with caplog.at_level(logging.ERROR, logger="agent.service.routes.health"):
            response = await anonymous.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable"}
        assert "database does not answer" in caplog.text
    assert (await anonymous.get("/healthz")).status_code == 200


async def test_openapi_documents_every_route_with_a_summary(anonymous: httpx.AsyncClient) -> None:
    spec = (await anonymous.get("/openapi.json")).json()
    operations = {
        (method.upper(), path): operation
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    for method, path, _ in API_ROUTES:
        template = path.replace("get_current_bill", "{name}")
        assert operations[(method, template)]["summary"], (method, template)
    chat = operations[("POST", "/api/v1/chat/")]
    assert "ChatData" in str(chat["responses"]["200"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    docs = await anonymous.get("/docs")
    assert "swagger" in docs.text.lower()
