"""Reading the tools' error form: ``{"success": false, "error": {"code", "message"}}``."""

from __future__ import annotations

from typing import Any


def tool_error(result: dict[str, Any]) -> tuple[str, str] | None:
    """``(code, Turkish message)`` when ``result`` is a tool error, else None."""
    if result.get("success") is not False:
        return None
    error = result.get("error") or {}
    return str(error.get("code") or "UNKNOWN"), str(error.get("message") or "")
