"""The registry: the 19 contract tools, schemas derived from signatures, argument coercion."""

from __future__ import annotations

from typing import Any

import pytest

from agent.tools import ToolContext, ToolError, default_registry, tool
from agent.tools.params import BillLimit, Flag, PackageName
from agent.tools.registry import Registry
from tests.tools.harness import CONTRACT_PARAMETERS

SIDE_EFFECTS = {
    "pay_bill",
    "setup_autopay",
    "change_package",
    "enable_roaming",
    "create_fault_ticket",
    "update_customer_contact",
    "suspend_line",
    "reactivate_line",
}
PUBLIC_TOOLS = {"get_available_packages", "get_package_details", "check_network_status"}


def _schema(name: str) -> dict[str, Any]:
    found = default_registry().get(name)
    assert found is not None
    return found.schema()


def test_registry_holds_exactly_the_contract_tools_and_parameters() -> None:
    registry = default_registry()
    assert set(registry.names) == set(CONTRACT_PARAMETERS)
    for name, parameters in CONTRACT_PARAMETERS.items():
        assert set(_schema(name)["parameters"]["properties"]) == parameters, name


def test_side_effect_and_customer_flags_follow_the_contract() -> None:
    for schema in default_registry().schemas():
        assert schema["side_effect"] == (schema["name"] in SIDE_EFFECTS), schema["name"]
        assert schema["needs_customer"] == (schema["name"] not in PUBLIC_TOOLS), schema["name"]


def test_every_tool_has_a_one_line_turkish_description() -> None:
    for schema in default_registry().schemas():
        description = schema["description"]
        assert description
        assert "\n" not in description
        assert any(letter in description for letter in "çğıöşüÇĞİÖŞÜ"), description


def test_schema_types_required_and_enumerations_come_from_the_signature() -> None:
    pay = _schema("pay_bill")["parameters"]
    assert pay["required"] == ["method"]
    assert pay["properties"]["method"]["enum"] == ["credit_card", "bank_transfer"]
    assert pay["properties"]["bill_id"]["type"] == "string"
    assert pay["additionalProperties"] is False
    bills = _schema("get_past_bills")["parameters"]["properties"]
    assert bills["limit"]["type"] == "integer"
    assert bills["limit"]["default"] == 12
    contact = _schema("update_customer_contact")["parameters"]["properties"]
    assert contact["contact_type"]["enum"] == ["phone", "email", "address"]
    assert _schema("setup_autopay")["parameters"]["properties"]["status"]["type"] == "boolean"
    ticket = _schema("create_fault_ticket")["parameters"]
    assert set(ticket["required"]) == {"user_id", "issue_description"}
    assert "internet" in ticket["properties"]["category"]["enum"]


@pytest.mark.parametrize(
    ("tool_name", "given", "expected"),
    [
        ("get_past_bills", {"user_id": "1001", "limit": "3"}, {"user_id": 1001, "limit": 3}),
        ("setup_autopay", {"user_id": 1001, "status": "evet"}, {"status": True}),
        ("setup_autopay", {"user_id": 1001, "status": "true"}, {"status": True}),
        ("enable_roaming", {"user_id": 1001, "status": "Hayır"}, {"status": False}),
        ("enable_roaming", {"user_id": 1001, "status": "KAPALI"}, {"status": False}),
        ("pay_bill", {"method": "Kredi Kartı"}, {"method": "credit_card", "bill_id": None}),
        ("pay_bill", {"method": "bank-transfer"}, {"method": "bank_transfer"}),
        ("pay_bill", {"method": "havale", "bill_id": 4217}, {"bill_id": "4217"}),
        (
            "update_customer_contact",
            {"user_id": 1, "contact_type": "E-posta", "new_value": "x"},
            {"contact_type": "email"},
        ),
        (
            "create_fault_ticket",
            {"user_id": 1, "issue_description": "  Ses yok  ", "priority": "acil"},
            {"issue_description": "Ses yok", "priority": "urgent", "category": None},
        ),
    ],
)
def test_arguments_are_coerced_as_a_model_writes_them(
    tool_name: str, given: dict[str, Any], expected: dict[str, Any]
) -> None:
    found = default_registry().get(tool_name)
    assert found is not None
    validated = found.validate(given)
    assert {key: validated[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("tool_name", "given", "code", "fragment"),
    [
        ("pay_bill", {"method": "cash"}, "INVALID_METHOD", "kredi kartı"),
        ("pay_bill", {}, "INVALID_METHOD", "Ödeme yöntemi belirtilmedi"),
        (
            "update_customer_contact",
            {"user_id": 1, "contact_type": "fax", "new_value": "1"},
            "INVALID_CONTACT_TYPE",
            "e-posta",
        ),
        ("get_past_bills", {"user_id": 1, "limit": "on iki"}, "INVALID_ARGUMENT", "tam sayı"),
        ("get_past_bills", {"user_id": 1, "limit": 0}, "INVALID_ARGUMENT", "en az 1"),
        ("setup_autopay", {"user_id": 1, "status": "belki"}, "INVALID_ARGUMENT", "evet"),
        ("get_current_bill", {"user_id": 1, "month": "ocak"}, "INVALID_ARGUMENT", "'month'"),
        ("get_package_details", {}, "INVALID_PACKAGE", "Paket adı belirtilmedi"),
        ("check_network_status", {"region": ""}, "INVALID_REGION", "Bölge"),
        (
            "create_fault_ticket",
            {"user_id": 1, "issue_description": "Sinyal yok", "category": "uzay"},
            "INVALID_ARGUMENT",
            "Arıza türü",
        ),
        ("get_fault_ticket_status", {}, "TICKET_NOT_FOUND", "Arıza kayıt numarası"),
    ],
)
def test_bad_arguments_become_a_contract_code_and_a_turkish_message(
    tool_name: str, given: dict[str, Any], code: str, fragment: str
) -> None:
    found = default_registry().get(tool_name)
    assert found is not None
    with pytest.raises(ToolError) as raised:
        found.validate(given)
    assert raised.value.code == code
    assert fragment in raised.value.message
    assert raised.value.to_result()["success"] is False


def test_the_registry_cannot_be_changed_after_it_is_built() -> None:
    registry = default_registry()
    with pytest.raises(TypeError):
        registry.tools["get_current_bill"] = registry.tools["pay_bill"]  # type: ignore[index]
    assert default_registry() is registry


async def _sample(
    ctx: ToolContext, package_name: PackageName, limit: BillLimit = 5
) -> dict[str, Any]:
    """Örnek araç."""
    return {"package_name": package_name, "limit": limit}


def test_a_new_tool_is_declared_once_and_its_schema_derived() -> None:
    sample = tool(needs_customer=False)(_sample)
    schema = sample.schema()
    assert schema["description"] == "Örnek araç."
    assert schema["parameters"]["required"] == ["package_name"]
    assert schema["parameters"]["properties"]["limit"]["maximum"] == 60
    with pytest.raises(ValueError, match="twice"):
        Registry.of(sample, sample)


def test_a_side_effect_preview_must_take_the_tool_parameters() -> None:
    async def preview(ctx: ToolContext, other: Flag) -> Any:
        raise AssertionError("never called")

    with pytest.raises(TypeError, match="preview"):
        tool(needs_customer=False, confirm_with=preview)(_sample)
