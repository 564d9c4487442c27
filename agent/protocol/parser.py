"""Parse a complete model output into the visible answer and its tool calls.

``parse_output`` reads the whole output with the same rules as the streaming
parser (it is that parser fed in one chunk), so a streamed and a finished
output always agree. See ``agent.protocol.stream`` for the block rules and
``agent.protocol.call_scanner`` for what a call may look like. It never
raises: lines that are not valid calls come back as ``CallProblem``s.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.protocol.problems import CallProblem
from agent.protocol.stream import (
    StreamEvent,
    ToolBlockFinished,
    ToolBlockStarted,
    ToolStreamParser,
    VisibleText,
)
from agent.turns import ToolCall


@dataclass(frozen=True)
class ParsedOutput:
    """What one model output contains.

    ``text_segments`` are the runs of text outside tool blocks, in order and
    exactly as written (blocks removed, nothing stripped). ``calls`` and
    ``problems`` come from all blocks, in order. ``tool_blocks`` counts the
    blocks, including ones that held no valid call.
    """

    text_segments: tuple[str, ...]
    calls: tuple[ToolCall, ...]
    problems: tuple[CallProblem, ...]
    tool_blocks: int

    @property
    def visible_text(self) -> str:
        """The answer to show: text segments stripped, empty ones dropped, joined by newlines."""
        return "\n".join(part for part in (s.strip() for s in self.text_segments) if part)


def parse_output(text: str) -> ParsedOutput:
    """Split a model output into answer text, tool calls and problems."""
    parser = ToolStreamParser()
    return collect_events([*parser.feed(text), *parser.close()])


def collect_events(events: list[StreamEvent]) -> ParsedOutput:
    """Fold a stream's events into a ``ParsedOutput`` (text runs merged between blocks)."""
    segments: list[str] = []
    current: list[str] = []
    calls: list[ToolCall] = []
    problems: list[CallProblem] = []
    blocks = 0
    for event in events:
        if isinstance(event, VisibleText):
            current.append(event.text)
            continue
        if current:
            segments.append("".join(current))
            current = []
        if isinstance(event, ToolBlockStarted):
            blocks += 1
        elif isinstance(event, ToolBlockFinished):
            calls.extend(event.calls)
            problems.extend(event.problems)
    if current:
        segments.append("".join(current))
    return ParsedOutput(tuple(segments), tuple(calls), tuple(problems), blocks)
