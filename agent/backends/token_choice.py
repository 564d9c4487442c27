"""Choosing each row's next token from its logits: greedy, or temperature and top-p sampling.

The same rules ``generate`` applies for ``do_sample`` with ``temperature`` and
``top_p`` (temperature first, then the nucleus: the most likely tokens whose
probabilities sum to ``top_p``, at least one), done for a whole batch at once.
Other processors a model's ``generation_config`` may name (repetition
penalty, top-k ...) are not applied: the backend's settings are temperature
and top-p only.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TokenChoice:
    """How the next token is chosen. ``temperature`` 0 means greedy (the most likely token)."""

    temperature: float = 0.0
    top_p: float = 1.0

    def choose(self, logits: torch.Tensor, generator: torch.Generator | None = None) -> list[int]:
        """The next token of each row of ``logits`` ``[rows, vocab]``."""
        if self.temperature <= 0:
            return [int(token) for token in logits.argmax(dim=-1).tolist()]
        scores = logits.float() / self.temperature
        if self.top_p < 1.0:
            scores = _nucleus(scores, self.top_p)
        probabilities = scores.softmax(dim=-1)
        chosen = torch.multinomial(probabilities, 1, generator=generator).squeeze(-1)
        return [int(token) for token in chosen.tolist()]


def _nucleus(scores: torch.Tensor, top_p: float) -> torch.Tensor:
    """``scores`` with every token outside each row's top-``top_p`` nucleus set to -inf."""
    ordered, order = scores.sort(dim=-1, descending=True)
    probabilities = ordered.softmax(dim=-1)
    before = probabilities.cumsum(dim=-1) - probabilities  # mass of the more likely tokens
    ordered = ordered.masked_fill(before >= top_p, float("-inf"))
    return torch.full_like(scores, float("-inf")).scatter(-1, order, ordered)
