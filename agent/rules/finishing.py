"""The last touches on an answer before it is shown (see ``requests`` and ``tone``)."""

from __future__ import annotations

from collections.abc import Sequence

from agent.rules import requests, tone
from agent.rules.dialogue import user_text_before
from agent.turns import ChatTurn


def finish(answer: str, turns: Sequence[ChatTurn]) -> str:
    """``answer`` with a waiting request offered and the lines the customer's tone calls for."""
    if not answer or not turns:
        return answer
    if turns[-1].role == "tool":
        answer = requests.with_rest_offered(answer, turns)
    asked = turns[-1].content if turns[-1].role == "user" else user_text_before(turns, len(turns))
    return tone.with_acknowledgement(answer, asked, turns)
