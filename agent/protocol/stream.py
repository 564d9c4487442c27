"""Incremental reading of model output: text for the user, tool blocks for the agent.

``ToolStreamParser`` is fed the model's output chunk by chunk. It hands back
text as soon as it is certainly not part of a tag (a possible tag prefix such
as ``<|begin_of_to`` is held back until the next chunk settles it), announces
when a tool-call block opens, and delivers the block's calls and problems
when it closes. Text inside a block is never shown.

Block rules (shared with ``parse_output``, which is built on this class):

- a begin tag outside a block opens one; an end tag closes it;
- an end tag outside a block is dropped (it is protocol noise, not an answer);
- a begin tag inside a block closes the open block and opens a new one;
- a block still open when the output ends is read as far as it goes, so its
  complete calls count (a truncated generation);
- bad statements are reported one by one up to ``MAX_PROBLEMS`` per output;
  after that, the rest of a block with a bad statement is one
  ``too_many_problems`` problem.

Each ``feed`` scans only the new chunk plus at most one held-back partial tag,
and a block's body is scanned once when the block ends, so the total work is
linear in the length of the output however it is chunked.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.protocol.call_scanner import MAX_PROBLEMS, scan_tool_code
from agent.protocol.problems import CallProblem
from agent.protocol.tags import TAG_PATTERN, partial_tag_length, tag_kind
from agent.turns import ToolCall


@dataclass(frozen=True)
class VisibleText:
    """Answer text that is safe to show the user."""

    text: str


@dataclass(frozen=True)
class ToolBlockStarted:
    """A tool-call block opened; its text is not shown."""


@dataclass(frozen=True)
class ToolBlockFinished:
    """A tool-call block ended: its calls and problems, in order."""

    calls: tuple[ToolCall, ...]
    problems: tuple[CallProblem, ...]


StreamEvent = VisibleText | ToolBlockStarted | ToolBlockFinished


class ToolStreamParser:
    """Split streamed model output into user text and tool-call blocks.

    One instance reads one model output: ``feed`` each chunk, then ``close``.
    ``close`` also resets the parser, so the instance can read another output.
    """

    def __init__(self) -> None:
        self._pending = ""  # a held-back suffix that may still become a tag
        self._body: list[str] | None = None  # the open block's text, or None outside one
        self._problems_left = MAX_PROBLEMS  # shared by all blocks of one output

    @property
    def in_tool_block(self) -> bool:
        """Whether the output is currently inside a tool-call block."""
        return self._body is not None

    def feed(self, chunk: str) -> list[StreamEvent]:
        """Consume the next chunk of output and return what it settled."""
        events: list[StreamEvent] = []
        data = self._pending + chunk
        position = 0
        for match in TAG_PATTERN.finditer(data):
            self._take(data[position : match.start()], events)
            if tag_kind(match) == "begin":
                self._finish_block(events)
                self._body = []
                events.append(ToolBlockStarted())
            else:
                self._finish_block(events)
            position = match.end()
        rest = data[position:]
        held = partial_tag_length(rest)
        self._take(rest[: len(rest) - held], events)
        self._pending = rest[len(rest) - held :]
        return events

    def close(self) -> list[StreamEvent]:
        """End of output: release held-back text and finish an open block."""
        events: list[StreamEvent] = []
        self._take(self._pending, events)
        self._pending = ""
        self._finish_block(events)
        self._problems_left = MAX_PROBLEMS
        return events

    def _take(self, text: str, events: list[StreamEvent]) -> None:
        """Route text that is certainly not a tag to the user or the open block."""
        if not text:
            return
        if self._body is None:
            events.append(VisibleText(text))
        else:
            self._body.append(text)

    def _finish_block(self, events: list[StreamEvent]) -> None:
        if self._body is None:
            return
        calls, problems = scan_tool_code("".join(self._body), self._problems_left)
        self._problems_left = max(0, self._problems_left - len(problems))
        self._body = None
        events.append(ToolBlockFinished(calls, problems))
