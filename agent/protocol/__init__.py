"""The tool-call protocol of the fine-tuned model: tags, rendering, parsing.

Everything the rest of the runtime needs is importable from here.
"""

from agent.protocol.parser import ParsedOutput, collect_events, parse_output
from agent.protocol.problems import INVALID_TOOL_CALL, CallProblem, ProblemReason
from agent.protocol.render import render_tool_block, render_tool_call, render_tool_result
from agent.protocol.stream import (
    StreamEvent,
    ToolBlockFinished,
    ToolBlockStarted,
    ToolStreamParser,
    VisibleText,
)
from agent.protocol.tags import BEGIN_TOOL_CODE, END_TOOL_CODE

__all__ = [
    "BEGIN_TOOL_CODE",
    "END_TOOL_CODE",
    "INVALID_TOOL_CALL",
    "CallProblem",
    "ParsedOutput",
    "ProblemReason",
    "StreamEvent",
    "ToolBlockFinished",
    "ToolBlockStarted",
    "ToolStreamParser",
    "VisibleText",
    "collect_events",
    "parse_output",
    "render_tool_block",
    "render_tool_call",
    "render_tool_result",
]
