"""What a side-effecting tool did, in Turkish, read from its real result.

One formatter per action tool (payment, package change, roaming, autopay,
fault ticket, contact change, suspension, reactivation). The tool layer words
a confirmed action's outcome with them (``agent.tools.confirmations``) and the
rules backend answers the same results with them, so the customer reads one
wording whichever path ran the action. Neutral on purpose: it imports only
``agent.result_fields`` and ``core``, so the tools never depend on a backend.

Lines whose values are missing are left out; nothing here raises on a
malformed result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from agent import result_fields as rf

UNKNOWN: Final = "bilinmiyor"
NOT_SET: Final = "kayıtlı değil"
FREE_OF_CHARGE: Final = "ücretsiz"

PAYMENT_METHODS: Final = {"credit_card": "kredi kartı", "bank_transfer": "havale/EFT"}
TICKET_CATEGORIES: Final = {
    "internet": "internet",
    "voice": "sesli arama",
    "sms": "SMS",
    "billing": "fatura",
    "device": "cihaz",
    "coverage": "kapsama",
    "other": "diğer",
}
PRIORITIES: Final = {"low": "düşük", "medium": "orta", "high": "yüksek", "urgent": "acil"}

PAYMENT_DONE: Final = (
    "Ödemeniz alındı: {bill_id} numaralı fatura için {amount}, {method} ile ödendi.\n"
    "İşlem numarası: {transaction_id}\n"
    "İşlem zamanı: {timestamp}"
)
PAYMENT_PENDING: Final = (
    "{bill_id} numaralı fatura için {amount} tutarındaki ödemeniz ({method}) alındı; "
    "işlem durumu: {status}.\nİşlem numarası: {transaction_id}"
)

AUTOPAY_ON: Final = (
    "Otomatik ödeme talimatınız açıldı. Faturalarınız {method} ile otomatik ödenecek."
)
AUTOPAY_NEXT: Final = "Bir sonraki otomatik ödeme tarihi: {next_date}"
AUTOPAY_OFF: Final = (
    "Otomatik ödeme talimatınız kapatıldı. Faturalarınızı bundan sonra son ödeme tarihine "
    "kadar kendiniz ödemeniz gerekiyor."
)

PACKAGE_CHANGED: Final = (
    "Paket değişikliğiniz planlandı: {from_package} → {to_package}.\n"
    "Geçerlilik tarihi: {effective_date}\n"
    "Aylık ücret farkı: {fee_difference}"
)
PACKAGE_CHANGE_ID: Final = "Değişiklik numarası: {change_id}"
FEE_MORE: Final = "{amount} daha fazla"
FEE_LESS: Final = "{amount} daha az"
FEE_SAME: Final = "fark yok"

ROAMING_ON: Final = "Roaming hattınızda açıldı ({activation_time})."
ROAMING_FEE: Final = "Yurt dışında günlük ücret {daily_fee}; paket: {data_package}."
ROAMING_ON_CLOSING: Final = "İyi yolculuklar!"
ROAMING_OFF: Final = (
    "Roaming hattınızda kapatıldı; hattınız yurt dışında artık kullanılamaz ve roaming ücreti "
    "yansımaz."
)

TICKET_CREATED: Final = (
    "Arıza kaydınız oluşturuldu.\n"
    "Kayıt numarası: {ticket_id}\n"
    "Konu: {category}\n"
    "Öncelik: {priority}"
)
TICKET_ESTIMATE: Final = "Tahmini çözüm zamanı: {estimated_resolution}"
TICKET_CREATED_CLOSING: Final = "Durumunu öğrenmek için kayıt numarasını yazmanız yeterli."

CONTACT_UPDATED: Final = "{label} güncellendi.\nEski: {old_value}\nYeni: {new_value}"
CONTACT_VERIFY: Final = {
    "email": "Değişikliğin geçerli olması için yeni e-posta adresinize gönderilen doğrulama "
    "bağlantısını onaylamanız gerekiyor.",
    "phone": "Değişikliğin geçerli olması için yeni numaranıza gönderilen doğrulama kodunu "
    "onaylamanız gerekiyor.",
    "address": "Değişikliğin geçerli olması için doğrulama gerekiyor.",
}
CONTACT_LABELS: Final = {
    "email": "E-posta adresiniz",
    "phone": "Telefon numaranız",
    "address": "Adresiniz",
}

LINE_SUSPENDED: Final = "Hattınız askıya alındı (donduruldu)."
LINE_NUMBER: Final = "Hat: {line_number}"
SUSPENSION_REASON: Final = "Neden: {reason}"
SUSPENDED_AT: Final = "Dondurma zamanı: {suspended_at}"
REACTIVATION_FEE: Final = "Yeniden açma ücreti: {reactivation_fee}"
MAX_SUSPENSION: Final = (
    "Hattınız en fazla {max_days} gün askıda kalabilir; yeniden açmak istediğinizde "
    "yazmanız yeterli."
)
LINE_REACTIVATED: Final = "Hattınız yeniden açıldı."
REACTIVATED_AT: Final = "Açılma zamanı: {reactivated_at}"
SUSPENSION_DURATION: Final = "Askıda kaldığı süre: {days} gün"

Formatter = Callable[[Mapping[str, Any], Mapping[str, Any]], str]


def describe(tool_name: str, result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str | None:
    """What ``tool_name`` did, from its successful ``result``; None for a tool not listed here.

    ``arguments`` are the ones it ran with; they fill in a value a result leaves out.
    """
    formatter = FORMATTERS.get(tool_name)
    return None if formatter is None else formatter(result, arguments)


def lines(*parts: str | None) -> str:
    """The non-empty parts, one a line."""
    return "\n".join(part for part in parts if part)


def payment(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    status = str(result.get("status") or "").lower()
    values = {
        "bill_id": rf.text(result.get("bill_id")) or rf.text(arguments.get("bill_id")) or UNKNOWN,
        "amount": rf.money(result.get("amount")) or UNKNOWN,
        "method": rf.label(result.get("method") or arguments.get("method"), PAYMENT_METHODS)
        or UNKNOWN,
        "transaction_id": rf.text(result.get("transaction_id")) or UNKNOWN,
    }
    if status in ("", "completed", "success", "successful", "paid", "approved"):
        timestamp = rf.moment(result.get("timestamp")) or UNKNOWN
        return PAYMENT_DONE.format(timestamp=timestamp, **values)
    return PAYMENT_PENDING.format(status=status, **values)


def autopay(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    enabled = result.get("autopay_enabled")
    if enabled is None:
        enabled = arguments.get("status")
    if not enabled:
        return AUTOPAY_OFF
    method = rf.label(result.get("payment_method"), PAYMENT_METHODS) or UNKNOWN
    next_date = rf.day(result.get("next_payment_date"))
    return lines(
        AUTOPAY_ON.format(method=method),
        AUTOPAY_NEXT.format(next_date=next_date) if next_date else None,
    )


def fee_difference(value: Any) -> str:
    """``"-10.00"`` -> ``"10,00 TL daha az"``."""
    difference = rf.decimal_of(value)
    if difference is None:
        return UNKNOWN
    if difference > 0:
        return FEE_MORE.format(amount=rf.money(difference))
    if difference < 0:
        return FEE_LESS.format(amount=rf.money(-difference))
    return FEE_SAME


def package_change(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    change_id = rf.text(result.get("change_id"))
    return lines(
        PACKAGE_CHANGED.format(
            from_package=rf.text(result.get("from_package")) or UNKNOWN,
            to_package=rf.text(result.get("to_package"))
            or rf.text(arguments.get("new_package_name"))
            or UNKNOWN,
            effective_date=rf.day(result.get("effective_date")) or UNKNOWN,
            fee_difference=fee_difference(result.get("fee_difference")),
        ),
        PACKAGE_CHANGE_ID.format(change_id=change_id) if change_id else None,
    )


def roaming(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    enabled = result.get("roaming_enabled")
    if enabled is None:
        enabled = arguments.get("status")
    if not enabled:
        return ROAMING_OFF
    activation = rf.moment(result.get("activation_time")) or UNKNOWN
    daily_fee = rf.money(result.get("daily_fee"))
    data_package = rf.text(result.get("data_package"))
    return lines(
        ROAMING_ON.format(activation_time=activation),
        ROAMING_FEE.format(daily_fee=daily_fee, data_package=data_package)
        if daily_fee and data_package
        else None,
        ROAMING_ON_CLOSING,
    )


def ticket(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    estimate = rf.moment(result.get("estimated_resolution"))
    category = result.get("category") or arguments.get("category")
    return lines(
        TICKET_CREATED.format(
            ticket_id=rf.text(result.get("ticket_id")) or UNKNOWN,
            category=rf.label(category, TICKET_CATEGORIES) or UNKNOWN,
            priority=rf.label(result.get("priority"), PRIORITIES) or UNKNOWN,
        ),
        TICKET_ESTIMATE.format(estimated_resolution=estimate) if estimate else None,
        TICKET_CREATED_CLOSING,
    )


def contact(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    kind = str(result.get("contact_type") or arguments.get("contact_type") or "")
    show = rf.phone if kind == "phone" else rf.text
    verify = CONTACT_VERIFY.get(kind) if result.get("verification_required") else None
    body = CONTACT_UPDATED.format(
        label=CONTACT_LABELS.get(kind, CONTACT_LABELS["address"]),
        old_value=show(result.get("old_value")) or NOT_SET,
        new_value=show(result.get("new_value")) or show(arguments.get("new_value")) or UNKNOWN,
    )
    return lines(body, verify)


def reactivation_fee_line(result: Mapping[str, Any]) -> str | None:
    """``Yeniden açma ücreti: 50,00 TL`` (or ``ücretsiz``); None without a fee in the result."""
    fee = rf.decimal_of(result.get("reactivation_fee"))
    if fee is None:
        return None
    shown = rf.money(fee) if fee > 0 else FREE_OF_CHARGE
    return REACTIVATION_FEE.format(reactivation_fee=shown)


def suspension(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    line = rf.phone(result.get("line_number"))
    reason = rf.text(result.get("suspension_reason")) or rf.text(arguments.get("reason"))
    suspended_at = rf.moment(result.get("suspended_at"))
    max_days = rf.number(result.get("max_suspension_days"))
    return lines(
        LINE_SUSPENDED,
        LINE_NUMBER.format(line_number=line) if line else None,
        SUSPENSION_REASON.format(reason=reason) if reason else None,
        SUSPENDED_AT.format(suspended_at=suspended_at) if suspended_at else None,
        reactivation_fee_line(result),
        MAX_SUSPENSION.format(max_days=max_days) if max_days else None,
    )


def reactivation(result: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
    line = rf.phone(result.get("line_number"))
    reactivated_at = rf.moment(result.get("reactivated_at"))
    days = rf.number(result.get("suspension_duration_days"))
    return lines(
        LINE_REACTIVATED,
        LINE_NUMBER.format(line_number=line) if line else None,
        REACTIVATED_AT.format(reactivated_at=reactivated_at) if reactivated_at else None,
        SUSPENSION_DURATION.format(days=days) if days else None,
        reactivation_fee_line(result),
    )


FORMATTERS: Final[dict[str, Formatter]] = {
    "pay_bill": payment,
    "setup_autopay": autopay,
    "change_package": package_change,
    "enable_roaming": roaming,
    "create_fault_ticket": ticket,
    "update_customer_contact": contact,
    "suspend_line": suspension,
    "reactivate_line": reactivation,
}
