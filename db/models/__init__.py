"""All mapped models; importing this package registers them on ``Base.metadata``."""

from db.models.base import Base
from db.models.billing import Bill, BillItem, Payment
from db.models.catalogue import Package
from db.models.chat import (
    ChatMessage,
    ConfirmationCard,
    DialogueStateRow,
    PendingConfirmation,
    ProcessedUpdate,
    TelegramLink,
)
from db.models.customers import ContactChange, Customer, PhoneLine
from db.models.handoffs import Handoff, HandoffMessage
from db.models.network import Outage, Province, Region, SpeedTest
from db.models.ratings import AnswerMessage, AnswerRating
from db.models.sequences import IdSequence
from db.models.subscriptions import PackageChange, Subscription
from db.models.support import FaultTicket

__all__ = [
    "AnswerMessage",
    "AnswerRating",
    "Base",
    "Bill",
    "BillItem",
    "ChatMessage",
    "ConfirmationCard",
    "ContactChange",
    "Customer",
    "DialogueStateRow",
    "FaultTicket",
    "Handoff",
    "HandoffMessage",
    "IdSequence",
    "Outage",
    "Package",
    "PackageChange",
    "Payment",
    "PendingConfirmation",
    "PhoneLine",
    "ProcessedUpdate",
    "Province",
    "Region",
    "SpeedTest",
    "Subscription",
    "TelegramLink",
]
