"""Kept for the rules backend's imports: the field helpers live in ``agent.result_fields``."""

from agent.result_fields import (
    day,
    decimal_of,
    error_of,
    label,
    moment,
    money,
    number,
    parse_result,
    phone,
    text,
)

__all__ = [
    "day",
    "decimal_of",
    "error_of",
    "label",
    "moment",
    "money",
    "number",
    "parse_result",
    "phone",
    "text",
]
