"""Structured problems found in a tool-call block.

A line the parser cannot turn into a ``ToolCall`` is not an exception: it
becomes a ``CallProblem`` that keeps the raw text, so the agent loop can feed
the model a structured error in the tool-result shape it was trained on
(``{"success": false, "error": {...}}``) and let it try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

INVALID_TOOL_CALL: Final = "INVALID_TOOL_CALL"

ProblemReason = Literal[
    "not_a_call",
    "positional_argument",
    "duplicate_argument",
    "invalid_value",
    "unterminated_string",
    "too_deeply_nested",
    "syntax",
    "incomplete_call",
    "too_many_problems",
    "internal_error",
]

# What the model reads back (Turkish, like the tools' own error messages).
PROBLEM_MESSAGES: Final[dict[ProblemReason, str]] = {
    "not_a_call": (
        "Bu satır bir araç çağrısı değil. Beklenen biçim: print(arac_adi(parametre=deger))."
    ),
    "positional_argument": (
        "Parametreler adlarıyla verilmelidir (ör. user_id=1001); adsız parametre kabul edilmez."
    ),
    "duplicate_argument": "Aynı parametre birden fazla kez verilmiş.",
    "invalid_value": (
        "Parametre değeri okunamadı. Metinler tırnak içinde, sayılar rakamla, "
        "mantıksal değerler true/false olarak yazılmalıdır."
    ),
    "unterminated_string": "Tırnak içindeki metin satır bitmeden kapatılmamış.",
    "too_deeply_nested": "Parametre değerinde çok fazla iç içe liste veya sözlük var.",
    "syntax": "Araç çağrısının yazımı hatalı. Beklenen biçim: print(arac_adi(parametre=deger)).",
    "incomplete_call": "Araç çağrısı yarım kalmış.",
    "too_many_problems": "Araç bloğunda çok fazla hatalı satır var; bloğun geri kalanı okunmadı.",
    "internal_error": "Araç çağrısı işlenemedi.",
}

# How much of the raw text goes back to the model in an error result.
RAW_TEXT_LIMIT: Final = 300


@dataclass(frozen=True)
class CallProblem:
    """One statement of a tool-call block that did not parse.

    ``reason`` is machine-readable, ``message`` is the Turkish explanation
    for the model, ``raw`` is the statement as written (stripped), and
    ``detail`` says in English what the scanner expected, for the operator.
    """

    reason: ProblemReason
    raw: str
    detail: str = ""

    @property
    def message(self) -> str:
        """The Turkish explanation the model reads back."""
        return PROBLEM_MESSAGES[self.reason]

    def to_error_result(self) -> dict[str, Any]:
        """The problem as a tool result in the trained error shape."""
        raw = self.raw
        if len(raw) > RAW_TEXT_LIMIT:
            raw = raw[:RAW_TEXT_LIMIT] + "…"
        return {
            "success": False,
            "error": {
                "code": INVALID_TOOL_CALL,
                "message": self.message,
                "details": {"reason": self.reason, "raw": raw},
            },
        }
