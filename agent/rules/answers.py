"""The final Turkish answer composed from a tool result.

``compose_answer`` takes the call that ran and the tool turn's JSON content and
fills the templates of ``texts``: money through ``format_money`` (``1.234,56
TL``), days through ``format_day`` (``15 Aralık 2026``). A failed call
(``{"success": false, "error": {...}}``) gets the explanation for its error
code. Lines whose values are missing are left out; nothing here raises on a
malformed result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from agent import action_outcomes
from agent import result_fields as rf
from agent.rules import account_questions, texts
from agent.rules.bill_questions import (
    BillPick,
    BillQuestion,
    bill_month,
    is_unpaid,
    month_label,
    pick_bills,
    read_bill_question,
    resolve_month,
    ties_of,
    total_of,
    typical_amount,
)
from agent.rules.line_check import asks_state_only, is_line_check, line_state
from agent.rules.normalize import analyse
from agent.rules.plans import cheaper_choice, more_than_own, wants_cheaper, wants_more
from agent.turns import ToolCall
from core.turkish import fold, format_money
from db.reference_data import CATALOGUE, ROAMING_DAILY_FEE, ROAMING_DAILY_GB

logger = logging.getLogger(__name__)

Composer = Callable[[dict[str, Any], ToolCall, "str | None"], str]


def compose_answer(call: ToolCall, content: str, intended_tool: str | None = None) -> str:
    """The answer to show for the result ``content`` of ``call``.

    ``intended_tool`` is what the customer originally asked for when the call
    stands in for it (a package list shown because no package was named for
    ``change_package``); it picks the question the answer ends with.
    """
    result = rf.parse_result(content)
    if result is None:
        logger.warning("unreadable result of %s: %.200s", call.name, content)
        return texts.ERROR_UNREADABLE
    error = rf.error_of(result)
    if error is not None:
        return _error_answer(call, error)
    composer = _COMPOSERS.get(call.name)
    if composer is None:
        logger.warning("no answer template for tool %s", call.name)
        return texts.ERROR_UNREADABLE
    try:
        return composer(result, call, intended_tool)
    except (AttributeError, KeyError, TypeError, ValueError):
        logger.exception("could not compose the answer of %s from %.200s", call.name, content)
        return texts.ERROR_UNREADABLE


def _error_answer(call: ToolCall, error: dict[str, Any]) -> str:
    """The tool's own message (or our explanation of the code), then the next step."""
    code = str(error.get("code") or "").upper()
    message = rf.text(error.get("message"))
    logger.info("tool %s failed: %s %s", call.name, code, message)
    raw_details = error.get("details")
    details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
    explanation = message or texts.ERROR_EXPLANATIONS.get(code) or texts.ERROR_GENERIC
    return _lines(explanation, *_next_steps(code, call, details, explanation))


def _next_steps(code: str, call: ToolCall, details: dict[str, Any], explanation: str) -> list[str]:
    if code == "INVALID_PACKAGE":
        names = ", ".join(spec.name for spec in CATALOGUE)
        question = (
            texts.ASK_PACKAGE_CHANGE if call.name == "change_package" else texts.ASK_PACKAGE_DETAILS
        )
        return [texts.ERROR_NEXT_STEPS[code].format(names=names), question]
    if code == "INVALID_REGION":
        return [texts.ASK_REGION]
    if code == "DUPLICATE_TICKET_FOUND":
        existing = rf.text(details.get("existing_ticket_id"))
        steps = [texts.TICKET_CREATED_CLOSING]
        if existing and existing not in explanation:
            steps.insert(0, texts.ERROR_NEXT_STEPS[code].format(existing_ticket_id=existing))
        return steps
    step = texts.ERROR_NEXT_STEPS.get(code)
    return [step] if step else []


def _lines(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


def _item(text: str) -> str:
    return texts.LIST_ITEM.format(text=text)


def _features(result: dict[str, Any]) -> dict[str, Any]:
    features = result.get("features")
    return features if isinstance(features, dict) else result


# --- one composer per tool ------------------------------------------------------------


def _current_bill(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    status = str(result.get("status") or "").lower()
    body = texts.CURRENT_BILL.format(
        bill_id=rf.text(result.get("bill_id")) or texts.UNKNOWN,
        amount=rf.money(result.get("amount")) or texts.UNKNOWN,
        bill_date=rf.day(result.get("bill_date")) or texts.UNKNOWN,
        due_date=rf.day(result.get("due_date")) or texts.UNKNOWN,
        status=rf.label(status, texts.BILL_STATUS) or texts.UNKNOWN,
    )
    services = [
        _item(texts.SERVICE_LINE.format(name=name, amount=amount))
        for service in result.get("services") or []
        if isinstance(service, dict)
        and (name := rf.text(service.get("service_name")))
        and (amount := rf.money(service.get("amount")))
    ]
    service_block = _lines(texts.CURRENT_BILL_SERVICES, *services) if services else None
    hint = texts.CURRENT_BILL_PAY_HINT if status in ("unpaid", "overdue") else None
    return _lines(body, service_block, hint)


def _past_bills(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    bills = [bill for bill in result.get("bills") or [] if isinstance(bill, dict)]
    if not bills:
        return texts.PAST_BILLS_NONE
    lines = []
    for bill in bills:
        line = texts.PAST_BILL_LINE.format(
            bill_date=rf.day(bill.get("bill_date")) or texts.UNKNOWN,
            bill_id=rf.text(bill.get("bill_id")) or texts.UNKNOWN,
            amount=rf.money(bill.get("amount")) or texts.UNKNOWN,
            status=rf.label(bill.get("status"), texts.BILL_STATUS) or texts.UNKNOWN,
        )
        paid_date = rf.day(bill.get("paid_date"))
        if paid_date:
            line = texts.PAST_BILL_PAID_ON.format(line=line, paid_date=paid_date)
        lines.append(_item(_with_due_date(line, bill)))
    total_paid = rf.money(result.get("total_amount_paid"))
    total_count = rf.number(result.get("total_count"))
    totals = (
        texts.PAST_BILLS_TOTAL.format(total_count=total_count, total_paid=total_paid)
        if total_paid and total_count
        else None
    )
    return _lines(texts.PAST_BILLS_HEADER.format(count=len(bills)), *lines, totals)


def _payment_history(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    payments = [p for p in result.get("payments") or [] if isinstance(p, dict)]
    if not payments:
        return texts.PAYMENT_HISTORY_NONE
    lines = [
        _item(
            texts.PAYMENT_LINE.format(
                date=rf.day(payment.get("date")) or texts.UNKNOWN,
                amount=rf.money(payment.get("amount")) or texts.UNKNOWN,
                method=rf.label(payment.get("method"), texts.PAYMENT_METHODS) or texts.UNKNOWN,
                bill_id=rf.text(payment.get("bill_id")) or texts.UNKNOWN,
            )
        )
        for payment in payments
    ]
    header = texts.PAYMENT_HISTORY_HEADER.format(
        count=rf.number(result.get("total_payments")) or len(payments),
        total=rf.money(result.get("total_amount")) or texts.UNKNOWN,
    )
    return _lines(header, *lines)


def _customer_package(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    features = _features(result)
    body = texts.CUSTOMER_PACKAGE.format(
        package_name=rf.text(result.get("package_name")) or texts.UNKNOWN,
        monthly_fee=rf.money(result.get("monthly_fee")) or texts.UNKNOWN,
        internet_gb=rf.number(features.get("internet_gb")) or texts.UNKNOWN,
        voice_minutes=rf.number(features.get("voice_minutes")) or texts.UNKNOWN,
        sms_count=rf.number(features.get("sms_count")) or texts.UNKNOWN,
        roaming=texts.ON_OFF[bool(features.get("roaming_enabled"))],
    )
    international = rf.number(features.get("international_minutes"))
    activation = rf.day(result.get("activation_date"))
    renewal = rf.day(result.get("renewal_date"))
    return _lines(
        body,
        texts.INTERNATIONAL_MINUTES.format(minutes=international)
        if international and international != "0"
        else None,
        texts.PACKAGE_DATES.format(activation_date=activation, renewal_date=renewal)
        if activation and renewal
        else None,
    )


def _quotas(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    usage = result.get("usage_percentage")
    usage = usage if isinstance(usage, dict) else {}
    rows = (
        (texts.QUOTA_INTERNET, "internet_remaining_gb", "internet"),
        (texts.QUOTA_VOICE, "voice_remaining_minutes", "voice"),
        (texts.QUOTA_SMS, "sms_remaining", "sms"),
    )
    lines = []
    for template, key, usage_key in rows:
        value = rf.number(result.get(key))
        if value is None:
            continue
        line = template.format(value=value)
        percent = rf.number(usage.get(usage_key))
        if percent is not None:
            line = texts.QUOTA_USED.format(line=line, percent=percent)
        lines.append(_item(line))
    period_end = rf.day(result.get("period_end"))
    return _lines(
        texts.QUOTAS_HEADER,
        *lines,
        texts.QUOTAS_PERIOD_END.format(period_end=period_end) if period_end else None,
    )


def _available_packages(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    packages = [p for p in result.get("packages") or [] if isinstance(p, dict)]
    if not packages:
        return texts.AVAILABLE_PACKAGES_NONE
    lines = []
    for package in packages:
        features = _features(package)
        line = texts.AVAILABLE_PACKAGE_LINE.format(
            name=rf.text(package.get("name")) or texts.UNKNOWN,
            monthly_fee=rf.money(package.get("monthly_fee")) or texts.UNKNOWN,
            internet_gb=rf.number(features.get("internet_gb")) or texts.UNKNOWN,
            voice_minutes=rf.number(features.get("voice_minutes")) or texts.UNKNOWN,
            sms_count=rf.number(features.get("sms_count")) or texts.UNKNOWN,
        )
        audience = rf.text(package.get("target_audience"))
        if audience:
            line = texts.AVAILABLE_PACKAGE_AUDIENCE.format(line=line, audience=audience)
        lines.append(_item(line))
    closing = {
        "change_package": texts.ASK_PACKAGE_CHANGE,
        "get_package_details": texts.ASK_PACKAGE_DETAILS,
    }.get(intended or "", texts.AVAILABLE_PACKAGES_CLOSING)
    return _lines(texts.AVAILABLE_PACKAGES_HEADER, *lines, closing)


def _package_details(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    features = _features(result)
    body = texts.PACKAGE_DETAILS.format(
        name=rf.text(result.get("name")) or rf.text(call.arguments.get("package_name")),
        monthly_fee=rf.money(result.get("monthly_fee")) or texts.UNKNOWN,
        setup_fee=rf.money(result.get("setup_fee")) or texts.UNKNOWN,
        internet_gb=rf.number(features.get("internet_gb")) or texts.UNKNOWN,
        voice_minutes=rf.number(features.get("voice_minutes")) or texts.UNKNOWN,
        sms_count=rf.number(features.get("sms_count")) or texts.UNKNOWN,
        international_minutes=rf.number(features.get("international_minutes")) or "0",
        contract_duration=rf.number(result.get("contract_duration")) or texts.UNKNOWN,
        cancellation_fee=rf.money(result.get("cancellation_fee")) or texts.UNKNOWN,
    )
    return _lines(body, texts.PACKAGE_DETAILS_CLOSING)


# Use abroad asked of a package: "bunda yurt dışı kullanım var mı".
_ABROAD = ("yurt disi", "yurtdisi", "roaming", "abroad")


def _asks_abroad(asked: str, package: dict[str, Any]) -> bool:
    """Whether ``asked`` asks about use abroad, beyond naming the package ("Yurt Dışı Avantaj")."""
    name = fold(rf.text(package.get("name")) or "")
    unnamed = fold(asked).replace(name, " ") if name else asked
    return analyse(unnamed).has(*_ABROAD)


def _package_abroad(result: dict[str, Any], call: ToolCall) -> str:
    """What a package gives abroad: its international minutes, and roaming's terms."""
    name = rf.text(result.get("name")) or rf.text(call.arguments.get("package_name"))
    minutes = _features(result).get("international_minutes")
    if minutes:
        first = texts.PACKAGE_ABROAD_MINUTES.format(name=name, minutes=rf.number(minutes))
    else:
        first = texts.PACKAGE_ABROAD_NONE.format(name=name)
    roaming = texts.PACKAGE_ABROAD_ROAMING.format(
        daily_fee=format_money(ROAMING_DAILY_FEE), daily_gb=ROAMING_DAILY_GB
    )
    return _lines(first, roaming)


def _network(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    body = texts.NETWORK_STATUS.format(
        region=_network_place(result, call),
        status=rf.label(result.get("status"), texts.NETWORK_STATUSES) or texts.UNKNOWN,
        coverage=rf.number(result.get("coverage_percentage")) or texts.UNKNOWN,
    )
    outages = [o for o in result.get("active_outages") or [] if isinstance(o, dict)]
    lines = [
        _item(
            texts.NETWORK_OUTAGE_LINE.format(
                area=rf.text(outage.get("area")) or texts.UNKNOWN,
                issue=rf.text(outage.get("issue")) or texts.UNKNOWN,
                start_time=rf.moment(outage.get("start_time")) or texts.UNKNOWN,
                estimated_end=rf.moment(outage.get("estimated_end")) or texts.UNKNOWN_END,
            )
        )
        for outage in outages
    ]
    outage_block = _lines(texts.NETWORK_OUTAGES_HEADER, *lines) if lines else None
    updated = rf.moment(result.get("last_updated"))
    return _lines(
        body,
        outage_block or texts.NETWORK_NO_OUTAGE,
        texts.NETWORK_UPDATED.format(last_updated=updated) if updated else None,
    )


def _network_place(result: dict[str, Any], call: ToolCall) -> str:
    """ "İzmir (Ege bölgesi)" when the customer asked for a province of the region."""
    region = rf.text(result.get("region"))
    asked = rf.text(call.arguments.get("region"))
    if region and asked and fold(region) != fold(asked):
        return texts.NETWORK_PLACE_IN_REGION.format(place=asked, region=region)
    return region or asked or texts.UNKNOWN


def _ticket_status(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    created = rf.moment(result.get("created_at"))
    resolution = rf.text(result.get("resolution"))
    resolved = rf.moment(result.get("resolved_at"))
    notes = rf.text(result.get("technician_notes"))
    estimate = rf.moment(result.get("estimated_resolution")) if not resolved else None
    return _lines(
        texts.TICKET_STATUS.format(
            ticket_id=rf.text(result.get("ticket_id")) or call.arguments.get("ticket_id"),
            status=rf.label(result.get("status"), texts.TICKET_STATUSES) or texts.UNKNOWN,
        ),
        texts.TICKET_CREATED_AT.format(created_at=created) if created else None,
        texts.TICKET_ESTIMATE.format(estimate=estimate) if estimate else None,
        texts.TICKET_RESOLUTION.format(resolution=resolution) if resolution else None,
        texts.TICKET_RESOLVED_AT.format(resolved_at=resolved) if resolved else None,
        texts.TICKET_NOTES.format(technician_notes=notes) if notes else None,
    )


def _speed_test(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    quality_code = str(result.get("quality_rating") or "").lower()
    body = texts.SPEED_TEST.format(
        download=rf.number(result.get("download_speed_mbps")) or texts.UNKNOWN,
        upload=rf.number(result.get("upload_speed_mbps")) or texts.UNKNOWN,
        ping=rf.number(result.get("ping_ms")) or texts.UNKNOWN,
        quality=rf.label(quality_code, texts.SPEED_QUALITY) or texts.UNKNOWN,
    )
    server = rf.text(result.get("test_server"))
    tested = rf.moment(result.get("test_timestamp"))
    outages = [o for o in result.get("area_outages") or [] if isinstance(o, dict)]
    offer = texts.OFFER_FAULT_TICKET if quality_code in texts.POOR_SPEED_QUALITY else None
    return _lines(
        body,
        texts.SPEED_TEST_DETAILS.format(server=server, timestamp=tested)
        if server and tested
        else None,
        texts.SPEED_AREA_OUTAGES if outages else None,
        *(
            _item(
                texts.SPEED_AREA_OUTAGE_LINE.format(
                    area=rf.text(outage.get("area")) or texts.UNKNOWN,
                    issue=rf.text(outage.get("issue")) or texts.UNKNOWN,
                    estimated_end=rf.moment(outage.get("estimated_end")) or texts.UNKNOWN_END,
                )
            )
            for outage in outages
        ),
        texts.SPEED_AREA_OUTAGE_CLOSING if outages else offer,
    )


def _profile(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
    phones = [
        _item(
            texts.PROFILE_PHONE.format(
                number=number,
                kind=rf.label(entry.get("type"), texts.PHONE_KINDS) or texts.UNKNOWN,
                status=rf.label(entry.get("status"), texts.LINE_STATUSES) or texts.UNKNOWN,
            )
        )
        for entry in result.get("phone_numbers") or []
        if isinstance(entry, dict) and (number := rf.phone(entry.get("number")))
    ]
    since = rf.day(result.get("registration_date"))
    tier = rf.label(result.get("customer_tier"), texts.TIERS)
    return _lines(
        texts.PROFILE.format(
            name=rf.text(result.get("name")) or texts.UNKNOWN,
            user_id=rf.text(result.get("user_id")) or texts.UNKNOWN,
        ),
        _lines(texts.PROFILE_PHONES, *phones) if phones else None,
        texts.PROFILE_EMAIL.format(email=rf.text(result.get("email")) or texts.NOT_SET),
        texts.PROFILE_ADDRESS.format(address=rf.text(result.get("address")) or texts.NOT_SET),
        texts.PROFILE_SINCE.format(registration_date=since) if since else None,
        texts.PROFILE_TIER.format(tier=tier) if tier else None,
    )


def _action(tool_name: str) -> Composer:
    """The composer of an action's result: the wording the tool layer uses for its outcome."""

    def compose(result: dict[str, Any], call: ToolCall, intended: str | None) -> str:
        return action_outcomes.describe(tool_name, result, call.arguments) or texts.UNKNOWN

    return compose


_COMPOSERS: dict[str, Composer] = {
    "get_current_bill": _current_bill,
    "get_past_bills": _past_bills,
    "pay_bill": _action("pay_bill"),
    "get_payment_history": _payment_history,
    "setup_autopay": _action("setup_autopay"),
    "get_customer_package": _customer_package,
    "get_remaining_quotas": _quotas,
    "change_package": _action("change_package"),
    "get_available_packages": _available_packages,
    "get_package_details": _package_details,
    "enable_roaming": _action("enable_roaming"),
    "check_network_status": _network,
    "create_fault_ticket": _action("create_fault_ticket"),
    "get_fault_ticket_status": _ticket_status,
    "test_internet_speed": _speed_test,
    "get_customer_profile": _profile,
    "update_customer_contact": _action("update_customer_contact"),
    "suspend_line": _action("suspend_line"),
    "reactivate_line": _action("reactivate_line"),
}


# --- answers that read several results or the question asked ---------------------------


def compose_answers(
    calls: Sequence[ToolCall],
    contents: Sequence[str],
    asked: str | None,
    intended_tool: str | None = None,
    *,
    anchor: str | None = None,
) -> str:
    """The answer to the results ``contents`` of ``calls``, for the question ``asked``.

    A question about a particular bill ("ekim ayı faturam", "borcum var mı",
    "en pahalı faturam"), an explanation of the bill ("neden bu kadar yüksek
    geldi"), a line that does not work, a cheaper package or a comparison of
    packages gets one answer built from all of its results; anything else gets
    each result's own answer, joined. ``anchor`` is the month (``"2026-11"``) of
    the bill the conversation is about, for relative months.
    """
    results = [rf.parse_result(content) for content in contents]
    readable = len(results) == len(calls) and all(
        result is not None and rf.error_of(result) is None for result in results
    )
    if readable and asked:
        by_tool = {call.name: result for call, result in zip(calls, results, strict=True)}
        try:
            joint = _joint_answer(list(calls), by_tool, asked, anchor)
        except (AttributeError, KeyError, TypeError, ValueError):
            logger.exception("could not compose the joint answer of %s", [c.name for c in calls])
            joint = None
        if joint is not None:
            return joint
    answers = [
        compose_answer(call, content, intended_tool)
        for call, content in zip(calls, contents, strict=False)
    ]
    if len(calls) > 1 and all(call.name == "get_package_details" for call in calls):
        return _comparison(answers, results)
    return "\n\n".join(answers)


def _joint_answer(
    calls: list[ToolCall], by_tool: dict[str, Any], asked: str, anchor: str | None
) -> str | None:
    names = [call.name for call in calls]
    if account_questions.is_own_comparison(calls, asked):
        return account_questions.own_comparison_answer(
            by_tool["get_customer_package"], by_tool["get_package_details"]
        )
    if names == ["get_customer_profile"] and account_questions.asks_autopay_status(asked):
        return account_questions.autopay_answer(by_tool["get_customer_profile"])
    if names == ["get_past_bills"]:
        question = read_bill_question(asked, anchor)
        bills = [bill for bill in by_tool["get_past_bills"].get("bills") or [] if bill]
        if (
            bills
            and _asks_due_date(asked)
            and (question is None or question.pick is not BillPick.UNPAID)
        ):
            due = _due_date_answer(question, bills)
            if due is not None:
                return due
        if question is not None:
            return _bill_question_answer(question, by_tool["get_past_bills"])
        return None
    if names == ["get_package_details"] and _asks_abroad(asked, by_tool["get_package_details"]):
        return _package_abroad(by_tool["get_package_details"], calls[0])
    if names == ["get_current_bill"] and _asks_why(asked):
        return _bill_explained(by_tool["get_current_bill"])
    if names == ["get_payment_history"]:
        question = read_bill_question(asked, anchor)
        if question is not None and question.pick is BillPick.MONTH and question.month:
            return _payments_in_month(question.month, by_tool["get_payment_history"])
        return None
    if names == ["get_customer_profile"] and is_line_check(asked):
        return _line_answer(by_tool["get_customer_profile"], offer=not asks_state_only(asked))
    if names == ["check_network_status"] and is_line_check(asked):
        return _line_network_answer(by_tool["check_network_status"], calls[0])
    more_of = wants_more(asked)
    if set(names) == {"get_available_packages", "get_customer_package"} and more_of is not None:
        return _more_answer(
            by_tool["get_available_packages"], by_tool["get_customer_package"], more_of
        )
    if set(names) == {"get_available_packages", "get_customer_package"} and wants_cheaper(asked):
        return _cheaper_answer(
            by_tool["get_available_packages"], by_tool["get_customer_package"], asked
        )
    return None


# Words that ask why a bill is what it is: "neden bu kadar yüksek", "niye arttı".
_WHY = (
    "neden",
    "niye",
    "nicin",
    "sebep",
    "sebeb",
    "artt",
    "yuksek gel",
    "fazla gel",
    "cok gel",
    "why",
)


def _asks_why(asked: str) -> bool:
    return analyse(asked).has(*_WHY)


def _bill_line(bill: dict[str, Any], template: str = texts.DEBT_LINE, **extra: Any) -> str:
    line = template.format(
        **extra,
        bill_date=rf.day(bill.get("bill_date")) or texts.UNKNOWN,
        bill_id=rf.text(bill.get("bill_id")) or texts.UNKNOWN,
        amount=rf.money(bill.get("amount")) or texts.UNKNOWN,
        status=rf.label(bill.get("status"), texts.BILL_STATUS) or texts.UNKNOWN,
    )
    return _with_due_date(line, bill) if template == texts.DEBT_LINE else line


def _with_due_date(line: str, bill: dict[str, Any]) -> str:
    """An unpaid bill's line with its due date (the result's ``due_date``, when given)."""
    due_date = rf.day(bill.get("due_date"))
    if not due_date or not is_unpaid(bill):
        return line
    return texts.PAST_BILL_DUE_ON.format(line=line, due_date=due_date)


# Words that ask for a bill's deadline: "son ödeme tarihi", "ne zamana kadar ödemeliyim".
_DUE = ("son odeme", "ne zamana kadar", "vade", "due date", "deadline", "when is it due")


def _asks_due_date(asked: str) -> bool:
    return analyse(asked).has(*_DUE)


def _due_date_answer(question: BillQuestion | None, bills: list[dict[str, Any]]) -> str | None:
    """The due date of the bill asked about: the one named, else every unpaid one, else the newest.

    None when the bills carry no due date.
    """
    if question is not None and question.pick in (
        BillPick.MONTH,
        BillPick.HIGHEST,
        BillPick.LOWEST,
    ):
        chosen = pick_bills(question, bills)[:1]
    else:
        chosen = pick_bills(BillQuestion(BillPick.UNPAID), bills) or bills[:1]
    if not chosen or not all(rf.day(bill.get("due_date")) for bill in chosen):
        return None
    overdue = any(str(bill.get("status")).lower() == "overdue" for bill in chosen)
    return _lines(
        *(
            texts.BILL_DUE_DATE.format(
                bill_date=rf.day(bill.get("bill_date")) or texts.UNKNOWN,
                bill_id=rf.text(bill.get("bill_id")) or texts.UNKNOWN,
                amount=rf.money(bill.get("amount")) or texts.UNKNOWN,
                due_date=rf.day(bill.get("due_date")),
                status=rf.label(bill.get("status"), texts.BILL_STATUS) or texts.UNKNOWN,
            )
            for bill in chosen
        ),
        texts.DEBT_OVERDUE if overdue else None,
        texts.DEBT_PAY_HINT if any(is_unpaid(bill) for bill in chosen) else None,
    )


def _bill_question_answer(question: BillQuestion, result: dict[str, Any]) -> str:
    bills = [bill for bill in result.get("bills") or [] if isinstance(bill, dict)]
    if not bills:
        return texts.PAST_BILLS_NONE
    picked = pick_bills(question, bills)
    if question.pick is BillPick.UNPAID:
        return _debt_answer(picked, len(bills), overdue_only=question.overdue_only)
    if question.pick is BillPick.TYPICAL:
        return _typical_answer(bills)
    if question.pick is BillPick.TOTAL:
        return _lines(
            _past_bills(result, ToolCall("get_past_bills", {}), None),
            texts.BILLS_SUM.format(count=len(bills), total=format_money(total_of(bills))),
        )
    if not picked:
        months = sorted(month for bill in bills if (month := bill_month(bill)))
        label = month_label(resolve_month(question, bills) or "")
        return _lines(
            texts.BILL_MONTH_NONE.format(month=label),
            texts.BILLS_RANGE.format(first=month_label(months[0]), last=month_label(months[-1]))
            if months
            else None,
        )
    bill = picked[0]
    if question.pick is BillPick.MONTH:
        month = bill_month(bill) or question.month or ""
        paid_on = rf.day(bill.get("paid_date"))
        return _lines(
            texts.BILL_OF_MONTH.format(
                month=month_label(month),
                bill_id=rf.text(bill.get("bill_id")) or texts.UNKNOWN,
                amount=rf.money(bill.get("amount")) or texts.UNKNOWN,
                bill_date=rf.day(bill.get("bill_date")) or texts.UNKNOWN,
                status=rf.label(bill.get("status"), texts.BILL_STATUS) or texts.UNKNOWN,
            ),
            texts.BILL_PAID_ON.format(paid_date=paid_on) if paid_on else None,
            texts.CURRENT_BILL_PAY_HINT if is_unpaid(bill) else None,
        )
    template = texts.BILL_HIGHEST if question.pick is BillPick.HIGHEST else texts.BILL_LOWEST
    ties = ties_of(bill, bills)
    return _lines(
        _bill_line(bill, template, count=len(bills)),
        texts.BILL_SAME_AMOUNT.format(count=ties) if ties > 1 else None,
    )


def _debt_answer(unpaid: list[dict[str, Any]], count: int, *, overdue_only: bool) -> str:
    if not unpaid:
        return texts.DEBT_NONE.format(count=count)
    overdue = any(str(bill.get("status")).lower() == "overdue" for bill in unpaid)
    return _lines(
        texts.DEBT_NO_OVERDUE if overdue_only and not overdue else None,
        texts.DEBT_HEADER.format(count=len(unpaid), total=format_money(total_of(unpaid))),
        *(_item(_bill_line(bill)) for bill in unpaid),
        texts.DEBT_OVERDUE if overdue else None,
        texts.DEBT_PAY_HINT,
    )


def _typical_answer(bills: list[dict[str, Any]]) -> str:
    typical = typical_amount(bills)
    if typical is None:
        return texts.PAST_BILLS_NONE
    amount, same = typical
    average = total_of(bills) / len(bills)
    return texts.BILL_TYPICAL.format(
        amount=format_money(amount),
        count=len(bills),
        same=same,
        average=format_money(average),
    )


def _bill_explained(result: dict[str, Any]) -> str:
    services = [s for s in result.get("services") or [] if isinstance(s, dict)]
    lines = [
        _item(texts.SERVICE_LINE.format(name=name, amount=amount))
        for service in services
        if (name := rf.text(service.get("service_name")))
        and (amount := rf.money(service.get("amount")))
    ]
    extras = [
        texts.SERVICE_LINE.format(name=name, amount=rf.money(service.get("amount")))
        for service in services
        if (name := rf.text(service.get("service_name"))) and not _is_base_item(name)
    ]
    status = str(result.get("status") or "").lower()
    return _lines(
        texts.BILL_EXPLAINED.format(
            bill_id=rf.text(result.get("bill_id")) or texts.UNKNOWN,
            amount=rf.money(result.get("amount")) or texts.UNKNOWN,
        ),
        *lines,
        texts.BILL_EXTRAS.format(extras=", ".join(extras)) if extras else texts.BILL_NO_EXTRAS,
        _above_usual(result, services),
        texts.BILL_TAXES,
        texts.CURRENT_BILL_PAY_HINT if status in ("unpaid", "overdue") else None,
    )


def _above_usual(result: dict[str, Any], services: list[dict[str, Any]]) -> str | None:
    """What the bill would be without its extra items, and how much more it came to.

    Read from the bill's own items: the taxes are charged on the package fee and
    the extras alike, so without the extras the bill is the package fee with
    its taxes. None when the bill has no extra item or its amounts do not add up.
    """
    amount = rf.decimal_of(result.get("amount"))
    fee = extra = taxes = Decimal(0)
    for service in services:
        name = fold(rf.text(service.get("service_name")) or "")
        value = rf.decimal_of(service.get("amount"))
        if value is None:
            return None
        if "kdv" in name or "vergi" in name:
            taxes += value
        elif "aylik ucret" in name:
            fee += value
        else:
            extra += value
    if amount is None or extra <= 0 or fee <= 0:
        return None
    usual = (fee * (1 + taxes / (fee + extra))).quantize(Decimal("0.01"))
    difference = amount - usual
    if difference <= 0:
        return None
    return texts.BILL_ABOVE_USUAL.format(
        usual=format_money(usual), amount=format_money(amount), difference=format_money(difference)
    )


def _is_base_item(name: str) -> bool:
    """The package's monthly fee and the taxes: what every bill holds."""
    folded = fold(name)
    return "aylik ucret" in folded or "kdv" in folded or "vergi" in folded


def _payments_in_month(month: str, result: dict[str, Any]) -> str:
    payments = [
        p
        for p in result.get("payments") or []
        if isinstance(p, dict) and str(p.get("date") or "")[:7] == month
    ]
    label = month_label(month)
    if not payments:
        return texts.PAYMENTS_IN_MONTH_NONE.format(month=label)
    total = sum((rf.decimal_of(p.get("amount")) or Decimal(0) for p in payments), Decimal(0))
    lines = [
        _item(
            texts.PAYMENT_LINE.format(
                date=rf.day(p.get("date")) or texts.UNKNOWN,
                amount=rf.money(p.get("amount")) or texts.UNKNOWN,
                method=rf.label(p.get("method"), texts.PAYMENT_METHODS) or texts.UNKNOWN,
                bill_id=rf.text(p.get("bill_id")) or texts.UNKNOWN,
            )
        )
        for p in payments
    ]
    header = texts.PAYMENTS_IN_MONTH.format(
        month=label, count=len(payments), total=format_money(total)
    )
    return _lines(header, *lines)


def _numbers(numbers: Sequence[str]) -> str:
    return ", ".join(rf.phone(number) or number for number in numbers)


def _line_answer(profile: dict[str, Any], *, offer: bool) -> str:
    state = line_state(profile)
    if state.suspended:
        return _lines(
            texts.LINE_IS_SUSPENDED.format(numbers=_numbers(state.suspended)),
            texts.OFFER_REACTIVATE,
        )
    if state.active:
        return _lines(
            texts.LINE_IS_ACTIVE.format(numbers=_numbers(state.active)),
            texts.OFFER_LINE_FAULT_TICKET if offer else None,
        )
    return _profile(profile, ToolCall("get_customer_profile", {}), None)


def _line_network_answer(result: dict[str, Any], call: ToolCall) -> str:
    """The line is active (checked first); what the network of the customer's city says."""
    outages = [o for o in result.get("active_outages") or [] if isinstance(o, dict)]
    status = rf.label(result.get("status"), texts.NETWORK_STATUSES) or texts.UNKNOWN
    if outages:
        return _lines(texts.LINE_ACTIVE, _network(result, call, None), texts.LINE_OUTAGE_CAUSE)
    region = _network_place(result, call)
    return _lines(
        texts.LINE_ACTIVE,
        texts.LINE_NO_OUTAGE.format(region=region, status=status),
        texts.OFFER_LINE_FAULT_TICKET,
    )


def _cheaper_answer(available: dict[str, Any], current: dict[str, Any], asked: str) -> str:
    choice = cheaper_choice(available, current, analyse(asked))
    package = choice.current or texts.UNKNOWN
    fee = rf.money(choice.current_fee) or texts.UNKNOWN
    restricted = (
        texts.CHEAPER_RESTRICTED.format(names=", ".join(choice.restricted))
        if choice.restricted
        else None
    )
    if not choice.cheaper:
        return _lines(texts.CHEAPER_NONE.format(package=package, fee=fee), restricted)
    lines = []
    for option in choice.cheaper:
        features = _features(option)
        lines.append(
            _item(
                texts.AVAILABLE_PACKAGE_LINE.format(
                    name=rf.text(option.get("name")) or texts.UNKNOWN,
                    monthly_fee=rf.money(option.get("monthly_fee")) or texts.UNKNOWN,
                    internet_gb=rf.number(features.get("internet_gb")) or texts.UNKNOWN,
                    voice_minutes=rf.number(features.get("voice_minutes")) or texts.UNKNOWN,
                    sms_count=rf.number(features.get("sms_count")) or texts.UNKNOWN,
                )
            )
        )
    return _lines(
        texts.CHEAPER_HEADER.format(package=package, fee=fee),
        *lines,
        restricted,
        texts.ASK_PACKAGE_CHANGE,
    )


def _more_answer(available: dict[str, Any], current: dict[str, Any], feature: str) -> str:
    """The packages open to the customer that give more of ``feature`` than theirs.

    The own package is not named before the list, so "ilkine geçeyim" means the
    first package listed.
    """
    unit, noun = texts.MORE_UNITS[feature]
    own = rf.number(_features(current).get(feature)) or texts.UNKNOWN
    options = more_than_own(available, current, feature)
    if not options:
        return texts.MORE_NONE.format(unit=unit, noun=noun, own=own)
    lines = [
        _item(
            texts.AVAILABLE_PACKAGE_LINE.format(
                name=rf.text(option.get("name")) or texts.UNKNOWN,
                monthly_fee=rf.money(option.get("monthly_fee")) or texts.UNKNOWN,
                internet_gb=rf.number(_features(option).get("internet_gb")) or texts.UNKNOWN,
                voice_minutes=rf.number(_features(option).get("voice_minutes")) or texts.UNKNOWN,
                sms_count=rf.number(_features(option).get("sms_count")) or texts.UNKNOWN,
            )
        )
        for option in options
    ]
    header = texts.MORE_HEADER.format(unit=unit, noun=noun, own=own)
    return _lines(header, *lines, texts.ASK_PACKAGE_CHANGE)


def _comparison(answers: list[str], results: Sequence[dict[str, Any] | None]) -> str:
    """Every package's details, then one line each side by side; the closing once."""
    bodies = [answer.replace("\n" + texts.PACKAGE_DETAILS_CLOSING, "") for answer in answers]
    rows = []
    for result in results:
        if result is None or rf.error_of(result) is not None:
            continue
        features = _features(result)
        rows.append(
            _item(
                texts.COMPARISON_LINE.format(
                    name=rf.text(result.get("name")) or texts.UNKNOWN,
                    monthly_fee=rf.money(result.get("monthly_fee")) or texts.UNKNOWN,
                    internet_gb=rf.number(features.get("internet_gb")) or texts.UNKNOWN,
                    voice_minutes=rf.number(features.get("voice_minutes")) or texts.UNKNOWN,
                    sms_count=rf.number(features.get("sms_count")) or texts.UNKNOWN,
                )
            )
        )
    comparison = _lines(texts.COMPARISON_HEADER, *rows) if len(rows) > 1 else None
    return "\n\n".join([*bodies, *([comparison] if comparison else [])]) + (
        "\n" + texts.PACKAGE_DETAILS_CLOSING
    )
