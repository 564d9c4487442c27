"""Network tools: region status from outages, and the simulated speed test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.tools.speed_simulation import simulate_speed_test
from db.models import SpeedTest
from tests.tools.harness import CallTool, Clock

SPEED_KEYS = {
    "user_id",
    "download_speed_mbps",
    "upload_speed_mbps",
    "ping_ms",
    "test_timestamp",
    "test_server",
    "quality_rating",
}


async def test_a_region_with_an_outage_is_degraded_and_lists_it(call: CallTool) -> None:
    outcome = await call(None, "check_network_status", region="Ege")
    assert outcome.kind == "result"
    data = outcome.data
    assert set(data) == {
        "region",
        "status",
        "coverage_percentage",
        "active_outages",
        "last_updated",
    }
    assert data["region"] == "Ege"
    assert data["status"] == "degraded"
    assert data["coverage_percentage"] == 98.4
    [outage] = data["active_outages"]
    assert set(outage) == {"area", "issue", "start_time", "estimated_end"}
    assert outage["area"] == "İzmir - Bornova"
    assert outage["start_time"].endswith("+03:00")


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("izmir", "Ege"),
        ("İZMİR", "Ege"),
        ("Trabzon ili", "Karadeniz"),
        ("ic anadolu bölgesi", "İç Anadolu"),
        ("Istanbul", "Marmara"),
        ("Şanlıurfa", "Güneydoğu Anadolu"),
    ],
)
async def test_a_province_or_region_in_any_spelling_resolves(
    call: CallTool, written: str, region: str
) -> None:
    assert (await call(None, "check_network_status", region=written)).data["region"] == region


async def test_a_region_without_current_outages_is_operational(call: CallTool) -> None:
    # Marmara's seeded works are planned for later, so nothing is down now.
    data = (await call(None, "check_network_status", region="Marmara")).data
    assert data["status"] == "operational"
    assert data["active_outages"] == []


async def test_an_unknown_place_is_invalid_region(call: CallTool) -> None:
    outcome = await call(None, "check_network_status", region="Atlantis")
    assert outcome.error_code == "INVALID_REGION"
    assert "Atlantis" in outcome.data["error"]["message"]
    assert len(outcome.data["error"]["details"]["regions"]) == 7


async def test_a_speed_test_is_stored_and_repeatable_within_the_minute(
    call: CallTool, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = (await call(1002, "test_internet_speed")).data
    second = (await call(1002, "test_internet_speed")).data
    assert set(first) == SPEED_KEYS
    assert first == second
    assert first["quality_rating"] in {"excellent", "good", "fair", "poor"}
    async with sessions() as session:
        stored = list(await session.scalars(select(SpeedTest).where(SpeedTest.customer_id == 1002)))
    assert len(stored) == 2
    assert stored[0].download_speed_mbps == first["download_speed_mbps"]


async def test_the_evening_rush_slows_the_line(call: CallTool, clock: Clock) -> None:
    noon = (await call(1002, "test_internet_speed")).data
    clock.advance(hours=9)  # 21:00 in Istanbul
    evening = (await call(1002, "test_internet_speed")).data
    assert evening["download_speed_mbps"] < noon["download_speed_mbps"]
    assert evening["ping_ms"] > noon["ping_ms"]


async def test_a_suspended_line_cannot_be_tested(call: CallTool) -> None:
    outcome = await call(1003, "test_internet_speed")
    assert outcome.error_code == "LINE_SUSPENDED"


def test_the_simulation_follows_technology_and_signal() -> None:
    moment = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    five_g = simulate_speed_test(7, "5G", 90, moment)
    three_g = simulate_speed_test(7, "3G", 90, moment)
    weak = simulate_speed_test(7, "5G", 10, moment)
    assert five_g.download_speed_mbps > three_g.download_speed_mbps
    assert weak.download_speed_mbps < five_g.download_speed_mbps
    assert weak.ping_ms > five_g.ping_ms
    assert five_g.quality_rating == "excellent"
    assert three_g.quality_rating in {"fair", "poor"}
    assert simulate_speed_test(7, "5G", 90, moment) == five_g


async def test_a_speed_test_names_an_outage_in_the_customers_city(call: CallTool) -> None:
    # 1011 lives in İzmir, where an outage is active in Bornova; 1002 lives in Ankara.
    izmir = (await call(1011, "test_internet_speed")).data
    ankara = (await call(1002, "test_internet_speed")).data

    assert [outage["area"] for outage in izmir["area_outages"]] == ["İzmir - Bornova"]
    assert izmir["area_outages"][0]["issue"]
    assert "area_outages" not in ankara
