"""The parameter types of the tools, each with its schema, coercion and Turkish label.

A tool's signature uses these ``Annotated`` types; the registry derives the
JSON schema and the validation from them, so a parameter is described once.
``ParamInfo`` carries what pydantic does not know: the Turkish name used in
error messages and the contract error code for a bad value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field

from agent.tools import errors
from core.turkish import fold


@dataclass(frozen=True)
class ParamInfo:
    """Turkish label and error code of a parameter, for validation messages."""

    label: str
    error_code: str = errors.INVALID_ARGUMENT
    # Turkish message for a value outside the allowed ones (enumerations).
    invalid_message: str | None = None


_TRUE_WORDS = frozenset({"true", "evet", "e", "yes", "on", "1", "acik", "ac", "aktif", "etkin"})
_FALSE_WORDS = frozenset({"false", "hayir", "h", "no", "off", "0", "kapali", "kapat", "pasif"})


def parse_flag(value: Any) -> Any:
    """``"evet"``, ``"true"``, ``"açık"`` ... -> True; ``"hayır"``, ``"kapalı"`` ... -> False.

    Anything else is returned unchanged for pydantic to accept or reject.
    """
    if isinstance(value, str):
        key = fold(value)
        if key in _TRUE_WORDS:
            return True
        if key in _FALSE_WORDS:
            return False
    return value


def choice_normalizer(
    choices: type[Any], aliases: Mapping[str, str] | None = None
) -> Callable[[Any], Any]:
    """A before-validator mapping free text onto one of a ``Literal``'s values.

    ``"Credit Card"``, ``"credit-card"`` and an alias such as ``"kredi kartı"``
    all become ``"credit_card"``; unknown text is left for pydantic to reject.
    """
    allowed = {str(choice) for choice in get_args(choices)}
    folded_aliases = {fold(key): value for key, value in (aliases or {}).items()}

    def normalize(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        key = fold(value)
        snake = key.replace(" ", "_").replace("-", "_")
        if snake in allowed:
            return snake
        return folded_aliases.get(key, value)

    return normalize


PaymentMethodName = Literal["credit_card", "bank_transfer"]
ContactTypeName = Literal["phone", "email", "address"]
TicketCategoryName = Literal["internet", "voice", "sms", "billing", "device", "coverage", "other"]
TicketPriorityName = Literal["low", "medium", "high", "urgent"]

UserId = Annotated[
    int,
    Field(description="Müşteri numarası (sohbete bağlı müşteri)"),
    ParamInfo("müşteri numarası", errors.INVALID_USER),
]
OptionalBillId = Annotated[
    str | None,
    Field(
        description="Fatura numarası (örn. F-2026-004217); boşsa en eski ödenmemiş fatura",
        max_length=24,
    ),
    ParamInfo("fatura numarası", errors.BILL_NOT_FOUND),
]
PaymentMethod = Annotated[
    PaymentMethodName,
    BeforeValidator(
        choice_normalizer(
            PaymentMethodName,
            {
                "kredi karti": "credit_card",
                "kart": "credit_card",
                "banka karti": "credit_card",
                "havale": "bank_transfer",
                "banka havalesi": "bank_transfer",
                "eft": "bank_transfer",
            },
        )
    ),
    Field(description="Ödeme yöntemi"),
    ParamInfo(
        "ödeme yöntemi",
        errors.INVALID_METHOD,
        "Ödeme yalnızca kredi kartı (credit_card) veya banka havalesi (bank_transfer) "
        "ile yapılabilir.",
    ),
]
Flag = Annotated[
    bool,
    BeforeValidator(parse_flag),
    Field(description="true: aç, false: kapat"),
    ParamInfo("açma/kapama seçimi"),
]
BillLimit = Annotated[
    int,
    Field(description="Listelenecek en fazla fatura sayısı", ge=1, le=60),
    ParamInfo("fatura sayısı"),
]
PackageName = Annotated[
    str,
    Field(description="Paket adı (örn. Mega İnternet)", min_length=1, max_length=80),
    ParamInfo("paket adı", errors.INVALID_PACKAGE),
]
RegionName = Annotated[
    str,
    Field(description="Bölge (örn. Marmara) veya il adı (örn. İzmir)", min_length=1, max_length=60),
    ParamInfo("bölge", errors.INVALID_REGION),
]
IssueDescription = Annotated[
    str,
    Field(description="Arızanın müşterinin ağzından açıklaması", min_length=3, max_length=1000),
    ParamInfo("arıza açıklaması"),
]
TicketCategory = Annotated[
    TicketCategoryName | None,
    BeforeValidator(
        choice_normalizer(
            TicketCategoryName,
            {
                "ses": "voice",
                "arama": "voice",
                "mesaj": "sms",
                "fatura": "billing",
                "cihaz": "device",
                "kapsama": "coverage",
                "sebeke": "coverage",
                "diger": "other",
            },
        )
    ),
    Field(description="Arıza türü; boş bırakılırsa açıklamadan çıkarılır"),
    ParamInfo(
        "arıza türü",
        invalid_message="Arıza türü internet, voice, sms, billing, device, coverage "
        "veya other olabilir.",
    ),
]
TicketPriority = Annotated[
    TicketPriorityName | None,
    BeforeValidator(
        choice_normalizer(
            TicketPriorityName,
            {
                "dusuk": "low",
                "orta": "medium",
                "normal": "medium",
                "yuksek": "high",
                "acil": "urgent",
            },
        )
    ),
    Field(description="Öncelik; boş bırakılırsa müşteri seviyesine göre belirlenir"),
    ParamInfo("öncelik", invalid_message="Öncelik low, medium, high veya urgent olabilir."),
]
TicketId = Annotated[
    str,
    Field(description="Arıza kayıt numarası (örn. T-2026-000123)", min_length=1, max_length=24),
    ParamInfo("arıza kayıt numarası", errors.TICKET_NOT_FOUND),
]
ContactType = Annotated[
    ContactTypeName,
    BeforeValidator(
        choice_normalizer(
            ContactTypeName,
            {
                "telefon": "phone",
                "telefon numarasi": "phone",
                "numara": "phone",
                "e-posta": "email",
                "eposta": "email",
                "e posta": "email",
                "mail": "email",
                "e-mail": "email",
                "adres": "address",
            },
        )
    ),
    Field(description="Değişecek iletişim bilgisi"),
    ParamInfo(
        "iletişim bilgisi türü",
        errors.INVALID_CONTACT_TYPE,
        "Yalnızca telefon (phone), e-posta (email) veya adres (address) bilgisi güncellenebilir.",
    ),
]
ContactValue = Annotated[
    str,
    Field(
        description="Yeni telefon numarası, e-posta adresi veya adres", min_length=1, max_length=300
    ),
    ParamInfo("yeni iletişim bilgisi"),
]
SuspensionReason = Annotated[
    str,
    Field(description="Hattın dondurulma nedeni (örn. askerlik)", min_length=2, max_length=200),
    ParamInfo("askıya alma nedeni"),
]
