"""The "short text, end of turn, then a tool call" pattern of the fine-tuned model.

In training, a typical turn is an assistant message such as "Bir saniye,
kontrol ediyorum." ended by ``<|eot_id|>``, followed by a SEPARATE assistant
message holding only the tool-call block (../shared/reference/model-format.md).
Stopping at the first ``<|eot_id|>`` would lose the call, so the backend may
let the model write one more assistant message. The rules, decided here and
nowhere else:

1. Continue only after a message that ended at an end-of-turn token (not at
   the token limit, a timeout, a cancellation or a closed tool block), whose
   text is non-empty, shorter than ``SHORT_MESSAGE_CHARS`` once stripped, and
   holds no tool tag. A long message is an answer; a message with a tag has
   already made its call.
2. Continue at most once per model step, within the step's remaining token
   budget (at least ``MIN_CONTINUATION_TOKENS``).
3. The continuation's text is held back until it shows how it opens.
   Leading whitespace is skipped; if it opens with a begin tag (any spelling
   the parser accepts) everything from the tag on is passed through and the
   block's end stops generation as usual. Anything else, or the end of the
   continuation before a decision, discards it and stops generation at once:
   the short message was the whole answer.

The price of a short final answer is therefore one extra prefill and a few
tokens; the gain is that the trained two-message pattern reaches the agent
loop as one output: text, then the block.
"""

from __future__ import annotations

from typing import Final, Literal

from agent.protocol.tags import TAG_PATTERN, TAG_SPELLINGS

SHORT_MESSAGE_CHARS: Final = 120
MIN_CONTINUATION_TOKENS: Final = 16

StopReason = Literal["end_of_turn", "max_tokens", "tool_block", "cancelled", "timeout"]

_BEGIN_SPELLINGS: Final = tuple(s for s in TAG_SPELLINGS if s.lstrip("<|").startswith("begin"))


def should_continue(text: str, stop_reason: StopReason, tokens_left: int) -> bool:
    """Whether to let the model write one more assistant message after ``text`` (rule 1, 2)."""
    stripped = text.strip()
    return (
        stop_reason == "end_of_turn"
        and 0 < len(stripped) < SHORT_MESSAGE_CHARS
        and TAG_PATTERN.search(text) is None
        and tokens_left >= MIN_CONTINUATION_TOKENS
    )


GateState = Literal["undecided", "accepted", "rejected"]


class ContinuationGate:
    """Holds back a continuation's text until it is known to open with a tool block (rule 3)."""

    def __init__(self) -> None:
        self._held = ""
        self.state: GateState = "undecided"

    def feed(self, text: str) -> str:
        """The part of ``text`` that may be passed on now ("" while undecided or rejected)."""
        if self.state == "accepted":
            return text
        if self.state == "rejected":
            return ""
        self._held += text
        opening = self._held.lstrip()
        if not opening:
            return ""
        if opening.startswith(_BEGIN_SPELLINGS):
            self.state = "accepted"
            self._held = ""
            return opening
        if any(spelling.startswith(opening) for spelling in _BEGIN_SPELLINGS):
            return ""  # still a prefix of a begin tag: wait for more
        self.state = "rejected"
        self._held = ""
        return ""
