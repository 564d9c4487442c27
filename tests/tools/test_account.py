"""Account tools: profile, contact changes, roaming, suspending and reactivating the line."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ContactChange, Customer, PhoneLine
from tests.tools.harness import CallTool, RunConfirmed

CONTACT_KEYS = {
    "user_id",
    "contact_type",
    "old_value",
    "new_value",
    "updated_at",
    "verification_required",
}


async def _customer(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> Customer:
    async with sessions() as session:
        found = await session.get(Customer, customer_id)
    assert found is not None
    return found


async def _primary_line(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> PhoneLine:
    async with sessions() as session:
        line = await session.scalar(
            select(PhoneLine).where(
                PhoneLine.customer_id == customer_id, PhoneLine.line_type == "primary"
            )
        )
    assert line is not None
    return line


async def test_profile_has_the_contract_shape(call: CallTool) -> None:
    data = (await call(1002, "get_customer_profile")).data
    assert set(data) == {
        "user_id",
        "name",
        "phone_numbers",
        "email",
        "address",
        "registration_date",
        "customer_tier",
        # Beyond the contract, documented in the tool's docstring.
        "autopay_enabled",
        "autopay_method",
    }
    assert data["autopay_enabled"] is False
    assert data["autopay_method"] == "credit_card"
    assert data["name"] == "Ayşe Kaya"
    assert data["customer_tier"] == "gold"
    assert {"number": "+905320001002", "type": "primary", "status": "active"} in data[
        "phone_numbers"
    ]


async def test_an_email_change_waits_for_verification(
    call: CallTool, run_confirmed: RunConfirmed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    old_email = (await _customer(sessions, 1001)).email
    proposal = await call(
        1001, "update_customer_contact", contact_type="email", new_value="ahmet@ornek.com"
    )
    assert proposal.proposal is not None
    assert "doğrulama" in proposal.proposal.summary

    changed = await run_confirmed(
        1001, "update_customer_contact", contact_type="email", new_value="ahmet@ornek.com"
    )

    assert set(changed) == CONTACT_KEYS
    assert changed["verification_required"] is True
    assert changed["old_value"] == old_email
    assert changed["new_value"] == "ahmet@ornek.com"
    assert (await _customer(sessions, 1001)).email == old_email
    async with sessions() as session:
        request = await session.scalar(
            select(ContactChange).where(ContactChange.customer_id == 1001)
        )
    assert request is not None
    assert request.new_value == "ahmet@ornek.com"
    assert request.verified_at is None


async def test_a_phone_change_is_normalised_and_needs_verification(
    run_confirmed: RunConfirmed,
) -> None:
    changed = await run_confirmed(
        1001, "update_customer_contact", contact_type="telefon", new_value="0 (555) 123 45 67"
    )
    assert changed["contact_type"] == "phone"
    assert changed["new_value"] == "+905551234567"
    assert changed["old_value"] == "+905320001001"
    assert changed["verification_required"] is True


async def test_an_address_change_applies_at_once(
    run_confirmed: RunConfirmed, call: CallTool
) -> None:
    address = "Moda Caddesi No: 12 D: 3, Kadıköy, İstanbul"
    changed = await run_confirmed(
        1001, "update_customer_contact", contact_type="address", new_value=address
    )
    assert changed["verification_required"] is False
    assert (await call(1001, "get_customer_profile")).data["address"] == address


@pytest.mark.parametrize(
    ("contact_type", "new_value", "code"),
    [
        ("fax", "0212 000 00 00", "INVALID_CONTACT_TYPE"),
        ("email", "ahmet-at-ornek", "INVALID_ARGUMENT"),
        ("phone", "12345", "INVALID_ARGUMENT"),
        # Not Turkish (Cuba), and Turkish but no such mobile prefix.
        ("phone", "+53 2000 1002", "INVALID_ARGUMENT"),
        ("phone", "0590 123 45 67", "INVALID_ARGUMENT"),
        # A Turkish landline is not a contact mobile number.
        ("phone", "0212 555 00 00", "INVALID_ARGUMENT"),
        ("address", "Ev", "INVALID_ARGUMENT"),
        ("phone", "+90 532 000 10 01", "CONTACT_UNCHANGED"),
    ],
)
async def test_unusable_contact_values_are_refused_before_any_confirmation(
    call: CallTool, contact_type: str, new_value: str, code: str
) -> None:
    outcome = await call(
        1001, "update_customer_contact", contact_type=contact_type, new_value=new_value
    )
    assert outcome.kind == "error"
    assert outcome.error_code == code


async def test_roaming_is_switched_on_with_the_daily_fee(
    call: CallTool, run_confirmed: RunConfirmed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    proposal = await call(1001, "enable_roaming", status=True)
    assert proposal.proposal is not None
    assert "25,00 TL" in proposal.proposal.summary
    assert "1 GB" in proposal.proposal.summary

    enabled = await run_confirmed(1001, "enable_roaming", status="evet")

    assert set(enabled) == {
        "user_id",
        "roaming_enabled",
        "activation_time",
        "daily_fee",
        "data_package",
    }
    assert enabled["roaming_enabled"] is True
    assert enabled["daily_fee"] == 25.0
    assert enabled["data_package"] == "1 GB/gün"
    assert (await _primary_line(sessions, 1001)).roaming_enabled is True
    again = await call(1001, "enable_roaming", status=True)
    assert again.error_code == "ROAMING_ALREADY_ENABLED"
    disabled = await run_confirmed(1001, "enable_roaming", status=False)
    assert disabled["roaming_enabled"] is False
    assert disabled["daily_fee"] == 0.0


async def test_roaming_cannot_be_enabled_on_a_suspended_line(call: CallTool) -> None:
    outcome = await call(1003, "enable_roaming", status=True)
    assert outcome.error_code == "LINE_SUSPENDED"


@pytest.mark.parametrize("reason", ["askerlik", "ASKERLİK", "Askerlık görevi", "askere gidiyorum"])
async def test_suspending_for_military_service_is_free(
    run_confirmed: RunConfirmed, call: CallTool, reason: str
) -> None:
    proposal = await call(1001, "suspend_line", reason=reason)
    assert proposal.proposal is not None
    assert "ücretsiz" in proposal.proposal.summary
    suspended = await run_confirmed(1001, "suspend_line", reason=reason)
    assert set(suspended) == {
        "user_id",
        "line_number",
        "suspension_reason",
        "suspended_at",
        "reactivation_fee",
        "max_suspension_days",
    }
    assert suspended["reactivation_fee"] == 0.0
    assert suspended["max_suspension_days"] == 90
    assert suspended["line_number"] == "+905320001001"


async def test_suspending_for_another_reason_costs_the_fee(
    run_confirmed: RunConfirmed, call: CallTool, sessions: async_sessionmaker[AsyncSession]
) -> None:
    proposal = await call(1001, "suspend_line", reason="Uzun süreli yurt dışı seyahati")
    assert proposal.proposal is not None
    assert "25,00 TL" in proposal.proposal.summary
    assert "90 gün" in proposal.proposal.summary
    suspended = await run_confirmed(1001, "suspend_line", reason="Uzun süreli yurt dışı seyahati")
    assert suspended["reactivation_fee"] == 25.0
    line = await _primary_line(sessions, 1001)
    assert line.status == "suspended"
    again = await call(1001, "suspend_line", reason="tekrar")
    assert again.error_code == "LINE_ALREADY_SUSPENDED"


async def test_a_suspended_line_is_reactivated_with_its_duration(
    run_confirmed: RunConfirmed, call: CallTool, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Seeded 1003: suspended 20 days ago for a reason that is not military service.
    reactivated = await run_confirmed(1003, "reactivate_line")
    assert set(reactivated) == {
        "user_id",
        "line_number",
        "reactivated_at",
        "suspension_duration_days",
        "reactivation_fee",
    }
    assert reactivated["suspension_duration_days"] == 20
    assert reactivated["reactivation_fee"] == 25.0
    assert (await _primary_line(sessions, 1003)).status == "active"
    again = await call(1003, "reactivate_line")
    assert again.error_code == "LINE_NOT_SUSPENDED"


async def test_a_line_suspended_for_military_service_reopens_free(
    run_confirmed: RunConfirmed,
) -> None:
    await run_confirmed(1002, "suspend_line", reason="Askerlik")
    reopened = await run_confirmed(1002, "reactivate_line")
    assert reopened["reactivation_fee"] == 0.0
    assert reopened["suspension_duration_days"] == 0
