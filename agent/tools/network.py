"""Network tools: a region's status and outages, and the line's speed test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.tools import errors, lookups
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.params import RegionName, UserId
from agent.tools.registry import tool
from agent.tools.results import iso_moment, optional_moment
from agent.tools.speed_simulation import simulate_speed_test
from core.turkish import fold
from db.models import Outage, Province, Region, SpeedTest

# Words people add to a place name: "Ege bölgesi", "İzmir ili".
_PLACE_SUFFIXES = (" bolgesi", " bolge", " ili", " il")


def place_key(text: str) -> str:
    """The match key of a region or province name as typed by a customer."""
    key = fold(text)
    for suffix in _PLACE_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


async def _region_for(session: AsyncSession, place: str) -> Region:
    """The region named, or the region of the province named; else INVALID_REGION."""
    key = place_key(place)
    region = await session.scalar(select(Region).where(Region.match_key == key))
    if region is None:
        region = await session.scalar(
            select(Region)
            .join(Province, Province.region_id == Region.id)
            .where(Province.match_key == key)
        )
    if region is None:
        names = list(await session.scalars(select(Region.name).order_by(Region.id)))
        raise ToolError(
            errors.INVALID_REGION,
            f"'{place}' adında bir bölge ya da il bulunamadı. Bir bölge (örneğin Marmara) "
            "veya il adı (örneğin İzmir) yazın.",
            {"regions": names},
        )
    return region


@tool(needs_customer=False)
async def check_network_status(ctx: ToolContext, region: RegionName) -> dict[str, Any]:
    """Bir bölgenin (veya ilin bağlı olduğu bölgenin) şebeke durumunu ve arızalarını getirir."""
    now = ctx.now()
    async with ctx.transaction() as session:
        found = await _region_for(session, region)
        outages = list(
            await session.scalars(
                select(Outage)
                .where(
                    Outage.region_id == found.id,
                    Outage.resolved_at.is_(None),
                    Outage.start_time <= now,
                )
                .order_by(Outage.start_time)
            )
        )
    last_updated = max([found.updated_at, *(outage.start_time for outage in outages)])
    return {
        "region": found.name,
        "status": "degraded" if outages else "operational",
        "coverage_percentage": found.coverage_percentage,
        "active_outages": [
            {
                "area": outage.area,
                "issue": outage.issue,
                "start_time": iso_moment(outage.start_time),
                "estimated_end": optional_moment(outage.estimated_end),
            }
            for outage in outages
        ],
        "last_updated": iso_moment(last_updated),
    }


@tool(needs_customer=True)
async def test_internet_speed(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Müşterinin hattında operatör tarafında internet hız testi yapar ve sonucu kaydeder.

    Extension of the contract: when an outage is active in the customer's
    city, ``area_outages`` lists it (``area``, ``issue``, ``estimated_end``), as
    a slow line is then explained by it; the key is absent otherwise.
    """
    now = ctx.now()
    async with ctx.transaction() as session:
        account = await lookups.customer(session, user_id)
        line = await lookups.main_line(session, user_id)
        if line.status == "suspended":
            raise ToolError(
                errors.LINE_SUSPENDED,
                "Hattınız askıya alınmış olduğu için hız testi yapılamıyor.",
            )
        measured = simulate_speed_test(line.id, line.technology, line.signal_quality, now)
        server = f"Telekom {account.city} test sunucusu"
        session.add(
            SpeedTest(
                customer_id=user_id,
                line_id=line.id,
                download_speed_mbps=measured.download_speed_mbps,
                upload_speed_mbps=measured.upload_speed_mbps,
                ping_ms=measured.ping_ms,
                test_server=server,
                quality_rating=measured.quality_rating,
                tested_at=now,
            )
        )
        nearby = await _outages_in_city(session, account.city, now)
    result: dict[str, Any] = {
        "user_id": user_id,
        "download_speed_mbps": measured.download_speed_mbps,
        "upload_speed_mbps": measured.upload_speed_mbps,
        "ping_ms": measured.ping_ms,
        "test_timestamp": iso_moment(now),
        "test_server": server,
        "quality_rating": measured.quality_rating,
    }
    if nearby:
        result["area_outages"] = [
            {
                "area": outage.area,
                "issue": outage.issue,
                "estimated_end": optional_moment(outage.estimated_end),
            }
            for outage in nearby
        ]
    return result


async def _outages_in_city(session: AsyncSession, city: str | None, now: datetime) -> list[Outage]:
    """Active outages of the region of ``city`` whose area is in that city."""
    if not city:
        return []
    try:
        region = await _region_for(session, city)
    except ToolError:
        return []
    outages = await session.scalars(
        select(Outage)
        .where(
            Outage.region_id == region.id,
            Outage.resolved_at.is_(None),
            Outage.start_time <= now,
        )
        .order_by(Outage.start_time)
    )
    key = fold(city)
    return [outage for outage in outages if key in fold(outage.area)]
