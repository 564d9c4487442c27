"""The scanner for the inside of one tool-call block.

A block body is a sequence of statements, normally one per line::

    print(get_current_bill(user_id=5108))
    get_package_details(package_name='Süper Konuşma')

Each statement is ``print(NAME(k=v, ...))`` or a bare ``NAME(k=v, ...)``.
Values are JSON or Python literals: strings in single or double quotes with
backslash escapes (``\\uXXXX`` included), ints, floats, negative numbers,
``true/false/null`` and ``True/False/None``, lists and dicts, nested.
Statements may be separated by newlines or ``;``; a call's arguments may span
lines, a string may not.

The scanner is a hand-written recursive-descent reader that only moves
forward. A statement that does not parse becomes a ``CallProblem`` holding
its raw text; scanning resumes at the next line, so one bad line costs only
itself. Regular expressions are used only to skip runs of a single character
class, which cannot backtrack, so the work is linear in the body's length.
Nesting is capped, so recursion depth is bounded too. After a budget of bad
statements (``MAX_PROBLEMS`` per model output, shared by its blocks) the rest
of a block is reported as one ``too_many_problems`` problem instead of
thousands.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any, Final, NoReturn

from agent.protocol.problems import CallProblem, ProblemReason
from agent.turns import ToolCall

logger = logging.getLogger(__name__)

MAX_NESTING: Final = 32
# Bad statements reported one by one per model output; beyond them the output
# is garbage, not calls.
MAX_PROBLEMS: Final = 20

_WHITESPACE = re.compile(r"\s*")
_SPACES = re.compile(r"[ \t]*")
_SEPARATORS = re.compile(r"[\s;]+")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_DIGITS = re.compile(r"[0-9]*")
_HEX = {n: re.compile(f"[0-9a-fA-F]{{{n}}}") for n in (2, 4, 8)}
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")
_STRING_RUN = {quote: re.compile(f"[^{quote}\\\\\\n]+") for quote in ("'", '"')}

_CONSTANTS: Final[dict[str, Any]] = {
    "true": True,
    "True": True,
    "false": False,
    "False": False,
    "null": None,
    "None": None,
}
_SIMPLE_ESCAPES: Final = {
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
}
_VALUE_START: Final = frozenset("\"'[{-+.0123456789")


def scan_tool_code(
    body: str, max_problems: int = MAX_PROBLEMS
) -> tuple[tuple[ToolCall, ...], tuple[CallProblem, ...]]:
    """Read every statement of a block body into calls and problems, in order.

    After ``max_problems`` bad statements, the next bad one and everything
    after it become a single ``too_many_problems`` problem. Never raises:
    anything unexpected is logged and reported as an ``internal_error``
    problem carrying the whole body.
    """
    try:
        calls, problems = _Scanner(body).scan(max_problems)
    except Exception:  # the scanner's contract is to never raise
        logger.exception("tool-call scanner failed on a block of %d characters", len(body))
        return (), (CallProblem("internal_error", body.strip(), "scanner failure"),)
    if problems:
        first = problems[0]
        logger.warning(
            "tool block: %d call(s), %d problem(s); first: %s (%s) %r",
            len(calls),
            len(problems),
            first.reason,
            first.detail,
            first.raw[:120],
        )
    return tuple(calls), tuple(problems)


def _run_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where the run of ``pattern`` that starts at ``pos`` ends (``pos`` if there is none)."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


class _StatementError(Exception):
    """Internal signal: the statement being read is malformed."""

    def __init__(self, reason: ProblemReason, detail: str, at: int) -> None:
        super().__init__(detail)
        self.reason: ProblemReason = reason
        self.detail = detail
        self.at = at


class _Scanner:
    """Single forward pass over one block body."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._end = len(text)
        self._pos = 0

    def scan(self, max_problems: int) -> tuple[list[ToolCall], list[CallProblem]]:
        calls: list[ToolCall] = []
        problems: list[CallProblem] = []
        while self._skip_separators():
            start = self._pos
            try:
                calls.append(self._statement())
            except _StatementError as rejected:
                if len(problems) >= max_problems:
                    rest = self._text[start:].strip()
                    problems.append(CallProblem("too_many_problems", rest, "rest of block skipped"))
                    break
                line_end = self._text.find("\n", rejected.at)
                resume = self._end if line_end == -1 else line_end
                raw = self._text[start:resume].strip()
                problems.append(CallProblem(rejected.reason, raw, rejected.detail))
                self._pos = resume
        return calls, problems

    # statements ---------------------------------------------------------

    def _skip_separators(self) -> bool:
        """Skip blank space, ``;``, ``#`` comments and Markdown fences; False at the end."""
        text = self._text
        while self._pos < self._end:
            char = text[self._pos]
            if char.isspace() or char == ";":
                self._pos = _run_end(_SEPARATORS, text, self._pos)
            elif char == "#" or text.startswith("```", self._pos):
                line_end = text.find("\n", self._pos)
                self._pos = self._end if line_end == -1 else line_end
            else:
                return True
        return False

    def _statement(self) -> ToolCall:
        name = self._identifier("not_a_call", "expected a tool name")
        self._expect("(", "not_a_call", "expected '(' after the tool name")
        if name != "print":
            return ToolCall(name, self._arguments())
        self._next()
        inner = self._identifier("not_a_call", "expected a tool call inside print(...)")
        self._expect("(", "not_a_call", "expected '(' after the tool name")
        arguments = self._arguments()
        # Only spaces before print's ')': a missing ')' then costs this line
        # alone instead of swallowing the next call.
        self._pos = _run_end(_SPACES, self._text, self._pos)
        if self._peek() != ")":
            self._reject("syntax", "expected ')' closing print(")
        self._pos += 1
        return ToolCall(inner, arguments)

    def _arguments(self) -> dict[str, Any]:
        """Read ``k=v, ...)`` after the opening parenthesis of a call."""
        arguments: dict[str, Any] = {}
        if self._next() == ")":
            self._pos += 1
            return arguments
        while True:
            key_at = self._pos
            if self._next() in _VALUE_START:
                self._reject("positional_argument", "argument without a name")
            key = self._identifier("syntax", "expected an argument name")
            char = self._next()
            if char != "=" or self._text.startswith("==", self._pos):
                if char in (",", ")"):
                    self._reject("positional_argument", f"argument {key!r} without a name")
                self._reject("syntax", f"expected '=' after {key!r}")
            self._pos += 1
            value = self._value(0)
            if key in arguments:
                raise _StatementError("duplicate_argument", f"argument {key!r} given twice", key_at)
            arguments[key] = value
            if self._after_item(")"):
                return arguments

    def _after_item(self, closer: str) -> bool:
        """After a list/dict/argument item: True when ``closer`` ended the sequence."""
        char = self._next()
        if char == ",":
            self._pos += 1
            char = self._next()
            if char != closer:
                return False
        elif char != closer:
            self._reject("syntax", f"expected ',' or {closer!r}")
        self._pos += 1
        return True

    # values -------------------------------------------------------------

    def _value(self, depth: int) -> Any:
        char = self._next()
        if char in ('"', "'"):
            return self._string(char)
        if char in ("[", "{"):
            if depth >= MAX_NESTING:
                self._reject("too_deeply_nested", f"more than {MAX_NESTING} nested containers")
            return self._list(depth + 1) if char == "[" else self._dict(depth + 1)
        if char and char in "-+.0123456789":
            return self._number()
        match = _IDENTIFIER.match(self._text, self._pos)
        if match is not None and match.group() in _CONSTANTS:
            self._pos = match.end()
            return _CONSTANTS[match.group()]
        self._reject("invalid_value", "expected a string, number, constant, list or dict")

    def _list(self, depth: int) -> list[Any]:
        self._pos += 1  # '['
        items: list[Any] = []
        if self._next() == "]":
            self._pos += 1
            return items
        while True:
            items.append(self._value(depth))
            if self._after_item("]"):
                return items

    def _dict(self, depth: int) -> dict[str, Any]:
        self._pos += 1  # '{'
        items: dict[str, Any] = {}
        if self._next() == "}":
            self._pos += 1
            return items
        while True:
            quote = self._next()
            if quote not in ('"', "'"):
                self._reject("invalid_value", "dict keys must be strings")
            key = self._string(quote)
            self._expect(":", "syntax", "expected ':' after a dict key")
            items[key] = self._value(depth)
            if self._after_item("}"):
                return items

    def _number(self) -> int | float:
        text, start = self._text, self._pos
        if text[self._pos] in "+-":
            self._pos += 1
        self._pos = _run_end(_DIGITS, text, self._pos)
        is_float = False
        if self._peek() == ".":
            is_float = True
            self._pos = _run_end(_DIGITS, text, self._pos + 1)
        if self._peek() in ("e", "E"):
            is_float = True
            self._pos += 1
            if self._peek() in ("+", "-"):
                self._pos += 1
            digits_end = _run_end(_DIGITS, text, self._pos)
            if digits_end == self._pos:
                self._reject("invalid_value", "exponent without digits")
            self._pos = digits_end
        literal = text[start : self._pos]
        try:
            number: int | float = float(literal) if is_float else int(literal)
        except ValueError:
            raise _StatementError(
                "invalid_value", f"not a number: {literal[:40]!r}", start
            ) from None
        if isinstance(number, float) and not math.isfinite(number):
            raise _StatementError("invalid_value", "number out of range", start)
        return number

    def _string(self, quote: str) -> str:
        """Read a quoted string starting at its opening quote."""
        text, run = self._text, _STRING_RUN[quote]
        self._pos += 1
        parts: list[str] = []
        while True:
            match = run.match(text, self._pos)
            if match is not None:
                parts.append(match.group())
                self._pos = match.end()
            char = self._peek()
            if char == quote:
                self._pos += 1
                return "".join(parts)
            if char == "\\":
                parts.append(self._escape())
            else:  # a raw newline or the end of the body
                self._reject("unterminated_string", "string not closed before the line ended")

    def _escape(self) -> str:
        """Decode one backslash escape (JSON and Python forms)."""
        text, at = self._text, self._pos
        kind = text[at + 1 : at + 2]
        if kind in _SIMPLE_ESCAPES:
            self._pos += 2
            return _SIMPLE_ESCAPES[kind]
        if kind in ("u", "U", "x"):
            width = {"u": 4, "U": 8, "x": 2}[kind]
            code = self._hex(at + 2, width)
            if kind == "u" and 0xD800 <= code < 0xDC00 and text.startswith("\\u", self._pos):
                low = _HEX[4].match(text, self._pos + 2)
                if low is not None and 0xDC00 <= int(low.group(), 16) < 0xE000:
                    self._pos = low.end()
                    code = 0x10000 + ((code - 0xD800) << 10) + (int(low.group(), 16) - 0xDC00)
            if code > 0x10FFFF:
                self._reject("invalid_value", "escape beyond the Unicode range")
            return chr(code)
        if kind in ("", "\n"):
            self._pos += 1
            self._reject("unterminated_string", "string not closed before the line ended")
        # Python keeps an unknown escape as written.
        self._pos += 2
        return "\\" + kind

    def _hex(self, at: int, width: int) -> int:
        match = _HEX[width].match(self._text, at)
        if match is None:
            # Stop on the first character that is not a hex digit, so an
            # escape cut off by the end of the output reads as incomplete.
            self._pos = min(_run_end(_HEX_DIGITS, self._text, at), at + width)
            self._reject("invalid_value", f"expected {width} hex digits in an escape")
        self._pos = match.end()
        return int(match.group(), 16)

    # primitives ---------------------------------------------------------

    def _peek(self) -> str:
        """The current character, or '' at the end of the body."""
        return self._text[self._pos] if self._pos < self._end else ""

    def _next(self) -> str:
        """Skip whitespace (newlines included) and return the next character, '' at the end."""
        text, pos = self._text, self._pos
        if pos < self._end and text[pos].isspace():
            pos = self._pos = _run_end(_WHITESPACE, text, pos)
        return text[pos] if pos < self._end else ""

    def _identifier(self, reason: ProblemReason, detail: str) -> str:
        match = _IDENTIFIER.match(self._text, self._pos)
        if match is None:
            self._reject(reason, detail)
        self._pos = match.end()
        return match.group()

    def _expect(self, char: str, reason: ProblemReason, detail: str) -> None:
        """Skip whitespace, then require ``char``."""
        if self._next() != char:
            self._reject(reason, detail)
        self._pos += 1

    def _reject(self, reason: ProblemReason, detail: str) -> NoReturn:
        """Abandon the statement; reaching the end of the body means it was cut off."""
        if self._pos >= self._end:
            reason, detail = "incomplete_call", f"output ended early ({detail})"
        raise _StatementError(reason, detail, self._pos)
