"""Package tools: the customer's package and quotas, the catalogue, the change rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import PackageChange
from db.reference_data import CATALOGUE
from tests.tools.harness import CallTool, RunConfirmed


async def test_customer_package_has_the_contract_shape(call: CallTool) -> None:
    data = (await call(1003, "get_customer_package")).data
    assert set(data) == {
        "package_name",
        "monthly_fee",
        "features",
        "activation_date",
        "renewal_date",
    }
    assert data["package_name"] == "Süper Konuşma"
    assert data["monthly_fee"] == 59.9
    assert data["features"] == {
        "internet_gb": 25,
        "voice_minutes": 2000,
        "sms_count": 1000,
        "roaming_enabled": True,
        "international_minutes": 100,
    }
    assert date.fromisoformat(data["renewal_date"]) > date.fromisoformat(data["activation_date"])


async def test_a_package_without_international_minutes_omits_them(call: CallTool) -> None:
    features = (await call(1001, "get_customer_package")).data["features"]
    assert "international_minutes" not in features
    assert features["roaming_enabled"] is False


async def test_remaining_quotas_follow_the_period_usage(call: CallTool) -> None:
    # Seeded 1001: Mega İnternet (50 GB, 1000 min, 500 SMS) with 37 %, 41 %, 22 % used.
    data = (await call(1001, "get_remaining_quotas")).data
    assert set(data) == {
        "internet_remaining_gb",
        "voice_remaining_minutes",
        "sms_remaining",
        "period_end",
        "usage_percentage",
    }
    assert data["internet_remaining_gb"] == 31.5
    assert data["voice_remaining_minutes"] == 590
    assert data["sms_remaining"] == 390
    assert data["usage_percentage"] == {"internet": 37.0, "voice": 41.0, "sms": 22.0}


async def test_available_packages_list_the_catalogue_cheapest_first(call: CallTool) -> None:
    outcome = await call(None, "get_available_packages")
    assert outcome.kind == "result"
    packages = outcome.data["packages"]
    assert {package["name"] for package in packages} == {spec.name for spec in CATALOGUE}
    fees = [package["monthly_fee"] for package in packages]
    assert fees == sorted(fees)
    student = next(package for package in packages if package["name"] == "Öğrenci Dostu Tarife")
    assert student["target_audience"] == "Öğrenciler"
    assert set(student["features"]) == {"internet_gb", "voice_minutes", "sms_count"}


@pytest.mark.parametrize(
    "written", ["Premium Paket", "premium", "PREMİUM PAKETİ", "Premıum", " premium paket "]
)
async def test_package_names_match_without_case_diacritics_or_suffix(
    call: CallTool, written: str
) -> None:
    data = (await call(None, "get_package_details", package_name=written)).data
    assert data["name"] == "Premium Paket"


async def test_package_details_have_the_contract_shape(call: CallTool) -> None:
    data = (await call(None, "get_package_details", package_name="öğrenci dostu")).data
    assert set(data) == {
        "name",
        "monthly_fee",
        "setup_fee",
        "features",
        "contract_duration",
        "cancellation_fee",
    }
    assert data["name"] == "Öğrenci Dostu Tarife"
    assert data["monthly_fee"] == 49.9
    assert data["contract_duration"] == 6
    assert data["features"]["international_minutes"] == 0


async def test_an_unknown_package_is_invalid_package_with_the_choices(call: CallTool) -> None:
    outcome = await call(None, "get_package_details", package_name="Süper Uzay Paketi")
    assert outcome.error_code == "INVALID_PACKAGE"
    assert "Süper Uzay Paketi" in outcome.data["error"]["message"]
    assert "Mega İnternet" in outcome.data["error"]["details"]["available_packages"]


async def test_an_upgrade_is_scheduled_for_the_next_renewal(
    call: CallTool, run_confirmed: RunConfirmed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    renewal = (await call(1001, "get_customer_package")).data["renewal_date"]
    proposal = await call(1001, "change_package", new_package_name="premium")
    assert proposal.proposal is not None
    assert "20,40 TL artacak" in proposal.proposal.summary

    changed = await run_confirmed(1001, "change_package", new_package_name="premium")

    assert set(changed) == {
        "change_id",
        "from_package",
        "to_package",
        "effective_date",
        "fee_difference",
        "status",
    }
    assert changed["change_id"].startswith("CHG-")
    assert changed["from_package"] == "Mega İnternet"
    assert changed["to_package"] == "Premium Paket"
    assert changed["fee_difference"] == 20.4
    assert changed["effective_date"] == renewal
    assert changed["status"] == "scheduled"
    # The package itself changes only at renewal.
    assert (await call(1001, "get_customer_package")).data["package_name"] == "Mega İnternet"
    async with sessions() as session:
        stored = await session.get(PackageChange, changed["change_id"])
    assert stored is not None
    assert stored.status == "scheduled"


async def test_a_customer_with_debt_cannot_move_to_a_cheaper_package(call: CallTool) -> None:
    # 1001 has an unpaid bill; Süper Konuşma (59,90 TL) is cheaper than Mega İnternet.
    outcome = await call(1001, "change_package", new_package_name="Süper Konuşma")
    assert outcome.kind == "error"
    assert outcome.error_code == "INELIGIBLE_FOR_PACKAGE"
    assert outcome.data["error"]["message"].startswith("Borçlu müşteri düşük pakete geçemez")
    assert outcome.data["error"]["details"]["reason"] == "Borçlu müşteri düşük pakete geçemez"


async def test_after_paying_the_debt_the_cheaper_package_is_allowed(
    call: CallTool, run_confirmed: RunConfirmed
) -> None:
    await run_confirmed(1001, "pay_bill", method="credit_card")
    changed = await run_confirmed(1001, "change_package", new_package_name="Süper Konuşma")
    assert changed["fee_difference"] == -9.6


async def test_a_debtor_may_still_move_up(run_confirmed: RunConfirmed) -> None:
    # 1004 has an overdue bill but moves from 49,90 TL to a dearer package.
    changed = await run_confirmed(1004, "change_package", new_package_name="Mega İnternet")
    assert changed["to_package"] == "Mega İnternet"
    assert changed["fee_difference"] == 19.6


async def test_targeted_packages_need_the_customer_segment(call: CallTool) -> None:
    outcome = await call(1002, "change_package", new_package_name="Memur Özel")
    assert outcome.error_code == "INELIGIBLE_FOR_PACKAGE"
    assert "kamu çalışanlarına" in outcome.data["error"]["message"]
    student = await call(1002, "change_package", new_package_name="öğrenci dostu tarife")
    assert student.error_code == "INELIGIBLE_FOR_PACKAGE"


async def test_the_current_package_cannot_be_chosen_again(call: CallTool) -> None:
    outcome = await call(1002, "change_package", new_package_name="premium paket")
    assert outcome.error_code == "SAME_PACKAGE"
    assert "Premium Paket" in outcome.data["error"]["message"]


async def test_changing_to_an_unknown_package_is_invalid_package(call: CallTool) -> None:
    outcome = await call(1002, "change_package", new_package_name="Altın Paket")
    assert outcome.error_code == "INVALID_PACKAGE"


async def test_a_new_change_replaces_the_scheduled_one(
    run_confirmed: RunConfirmed, call: CallTool, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await run_confirmed(1002, "change_package", new_package_name="Gamer Pro")
    proposal = await call(1002, "change_package", new_package_name="Yurt Dışı Avantaj")
    assert proposal.proposal is not None
    assert "Gamer Pro geçişi iptal edilecek" in proposal.proposal.summary
    second = await run_confirmed(1002, "change_package", new_package_name="Yurt Dışı Avantaj")
    async with sessions() as session:
        statuses = dict(
            (
                await session.execute(
                    select(PackageChange.id, PackageChange.status).where(
                        PackageChange.customer_id == 1002
                    )
                )
            ).all()
        )
    assert statuses == {first["change_id"]: "cancelled", second["change_id"]: "scheduled"}


async def test_reserved_packages_say_whether_the_linked_customer_may_take_them(
    call: CallTool,
) -> None:
    def eligibility(data: dict[str, Any]) -> dict[str, bool | None]:
        return {p["name"]: p.get("eligible") for p in data["packages"] if "target_audience" in p}

    # 1015 is a student on Süper Konuşma; 1031 a civil servant; an unlinked chat is told nothing.
    student = eligibility((await call(1015, "get_available_packages")).data)
    servant = eligibility((await call(1031, "get_available_packages")).data)
    nobody = (await call(None, "get_available_packages")).data

    assert student["Öğrenci Dostu Tarife"] is True
    assert student["Memur Özel"] is False
    assert servant["Öğrenci Dostu Tarife"] is False
    assert servant["Memur Özel"] is True
    assert all("eligible" not in package for package in nobody["packages"])
