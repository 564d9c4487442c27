"""Who speaks after the model's message: the model decides, as it was trained to.

In training, a typical turn is an assistant message such as "Bir saniye,
kontrol ediyorum." ended by ``<|eot_id|>``, followed by a SEPARATE assistant
message holding only the tool-call block (../shared/reference/model-format.md).
Stopping at the first ``<|eot_id|>`` would lose the call; opening a second
assistant message after every short answer (what this module used to do,
guessing from the length) primes the model to call a tool again, because in
training an assistant message followed by another assistant message was
always followed by a tool block. The model was trained on every token,
headers included, so it has learned who speaks next. The backends therefore
ask it:

1. **Ask** only after a message that ended at an end-of-turn token (not at
   the token limit, a timeout, a cancellation or a closed tool block), whose
   text is non-empty and holds no tool tag (a message with a tag has already
   made its call), with at least ``MIN_CONTINUATION_TOKENS`` of the step's
   budget left (``asks_next_speaker``). Whatever its length: the wait
   messages of the training data run to 186 characters.
2. **The header probe**: the prompt, the message, its end of turn, then the
   chat format's header opener (``<|start_header_id|>`` for Llama-3,
   ``<|im_start|>`` for ChatML: ``header_format`` reads it off the tokenizer's
   template). The model writes the next role name, at most
   ``HEADER_PROBE_TOKENS`` tokens, greedily, up to the header's closer. The
   keys and values of the prompt and the message are reused from the step
   just finished, so the probe costs one short prefill and a few tokens.
   ``read_next_speaker`` reads the name: ``assistant`` continues, anything
   else (``user``, nonsense) ends the step with the message as the answer.
3. **The continuation** is the next assistant message, written at the
   tool-call temperature (``model.tool_call_temperature``, greedy by
   default). Its text is held back until it shows how it opens
   (``ContinuationGate``): from a begin tag (any spelling the parser accepts)
   on it is passed through and the block's end stops generation as usual.
   Anything else is discarded and generation stops: in training a second
   assistant message always opened with a tool block, so text there would be
   a model out of distribution, and the first message stays the answer.

At most one continuation per model step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from agent.prompt import END_HEADER, START_HEADER, render_prompt
from agent.protocol.tags import TAG_PATTERN, TAG_SPELLINGS

MIN_CONTINUATION_TOKENS: Final = 16
# A role name is one or two tokens; a few more leave room for a closer.
HEADER_PROBE_TOKENS: Final = 6

StopReason = Literal["end_of_turn", "max_tokens", "tool_block", "cancelled", "timeout"]
NextSpeaker = Literal["assistant", "user", "other"]

_BEGIN_SPELLINGS: Final = tuple(s for s in TAG_SPELLINGS if s.lstrip("<|").startswith("begin"))
_ROLE_MARK: Final = "assistant"


@dataclass(frozen=True)
class HeaderFormat:
    """How the chat format opens and closes a message header around the role name."""

    opener: str
    closer: str

    @property
    def stop_text(self) -> str:
        """What ends the role name in the model's output (the closer, or a newline)."""
        return self.closer.strip() or "\n"


LLAMA3_HEADERS: Final = HeaderFormat(opener=START_HEADER, closer=END_HEADER)


def header_format(tokenizer: Any = None) -> HeaderFormat:
    """The header opener and closer of ``tokenizer``'s chat template (Llama-3 without one).

    Read off the template itself: the generation prompt it adds after a
    message is the opener, the role name ``assistant`` and the closer
    (``<|start_header_id|>assistant<|end_header_id|>\\n\\n`` in Llama-3,
    ``<|im_start|>assistant\\n`` in ChatML).
    """
    if tokenizer is None or not getattr(tokenizer, "chat_template", None):
        return LLAMA3_HEADERS
    sample = [{"role": "user", "content": "x"}]
    try:
        bare = str(tokenizer.apply_chat_template(sample, tokenize=False))
        prompted = str(
            tokenizer.apply_chat_template(sample, tokenize=False, add_generation_prompt=True)
        )
    except Exception:  # a template that cannot render a plain user message
        return LLAMA3_HEADERS
    suffix = prompted[len(bare) :] if prompted.startswith(bare) else ""
    opener, mark, closer = suffix.partition(_ROLE_MARK)
    if not mark or not opener.strip():
        return LLAMA3_HEADERS
    return HeaderFormat(opener=opener, closer=closer)


def asks_next_speaker(text: str, stop_reason: StopReason, tokens_left: int) -> bool:
    """Whether to ask the model who speaks after the message ``text`` (rule 1)."""
    return (
        stop_reason == "end_of_turn"
        and bool(text.strip())
        and TAG_PATTERN.search(text) is None
        and tokens_left >= MIN_CONTINUATION_TOKENS
    )


def with_message(messages: Sequence[Mapping[str, str]], text: str) -> list[dict[str, str]]:
    """``messages`` followed by the assistant message ``text`` the model just wrote."""
    return [*(dict(message) for message in messages), {"role": "assistant", "content": text}]


def probe_prompt(
    messages: Sequence[Mapping[str, str]],
    text: str,
    tokenizer: Any = None,
    headers: HeaderFormat = LLAMA3_HEADERS,
) -> str:
    """The header probe's prompt: the dialogue, the message ``text``, then the header opener."""
    rendered = render_prompt(with_message(messages, text), tokenizer, generation_prompt=False)
    return rendered + headers.opener


def read_next_speaker(probe_text: str, headers: HeaderFormat = LLAMA3_HEADERS) -> NextSpeaker:
    """The role the model named in the header probe's output (rule 2)."""
    name = probe_text.split(headers.stop_text, 1)[0].strip().lower()
    if name == "assistant":
        return "assistant"
    if name == "user":
        return "user"
    return "other"


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
