"""The structured failure every tool reports: a code, a Turkish message, details.

A tool raises :class:`ToolError`; the executor turns it into the contract's
error object ``{"success": false, "error": {"code", "message", "details"}}``,
the form the model was trained to read in a tool turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Codes of the contract (../shared/reference/telekom-tools.md) ...
INVALID_USER = "INVALID_USER"
NO_BILL = "NO_BILL"
BILL_NOT_FOUND = "BILL_NOT_FOUND"
BILL_ALREADY_PAID = "BILL_ALREADY_PAID"
INVALID_METHOD = "INVALID_METHOD"
INVALID_PACKAGE = "INVALID_PACKAGE"
INELIGIBLE_FOR_PACKAGE = "INELIGIBLE_FOR_PACKAGE"
INVALID_REGION = "INVALID_REGION"
DUPLICATE_TICKET_FOUND = "DUPLICATE_TICKET_FOUND"
TICKET_NOT_FOUND = "TICKET_NOT_FOUND"
INVALID_CONTACT_TYPE = "INVALID_CONTACT_TYPE"
SUSPEND_FAILED = "SUSPEND_FAILED"
LINE_ALREADY_SUSPENDED = "LINE_ALREADY_SUSPENDED"
LINE_NOT_SUSPENDED = "LINE_NOT_SUSPENDED"

# ... and this product's additions, in the same style.
INVALID_ARGUMENT = "INVALID_ARGUMENT"
UNKNOWN_TOOL = "UNKNOWN_TOOL"
FORBIDDEN = "FORBIDDEN"
LINK_REQUIRED = "LINK_REQUIRED"
NO_ACTIVE_PACKAGE = "NO_ACTIVE_PACKAGE"
SAME_PACKAGE = "SAME_PACKAGE"
NO_LINE = "NO_LINE"
LINE_SUSPENDED = "LINE_SUSPENDED"
AUTOPAY_ALREADY_ENABLED = "AUTOPAY_ALREADY_ENABLED"
AUTOPAY_ALREADY_DISABLED = "AUTOPAY_ALREADY_DISABLED"
ROAMING_ALREADY_ENABLED = "ROAMING_ALREADY_ENABLED"
ROAMING_ALREADY_DISABLED = "ROAMING_ALREADY_DISABLED"
CONTACT_UNCHANGED = "CONTACT_UNCHANGED"
CONFIRMATION_REQUIRED = "CONFIRMATION_REQUIRED"
INTERNAL_ERROR = "INTERNAL_ERROR"

INTERNAL_ERROR_MESSAGE = (
    "Şu anda bu işlemi gerçekleştiremiyorum. Lütfen biraz sonra yeniden deneyin."
)


class ToolError(Exception):
    """A tool could not do what was asked; ``message`` is Turkish and meant for the customer."""

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = dict(details) if details else None

    def to_result(self) -> dict[str, Any]:
        """The contract's error object, as the model reads it in a tool turn."""
        return {
            "success": False,
            "error": {"code": self.code, "message": self.message, "details": self.details},
        }
