"""When an argument a model (or the rules engine) wrote counts as the expected one.

One comparison for both evaluation harnesses (``agent eval`` and the rules
engine's own ``agent.rules.evaluate``): strings equal after folding case and
Turkish diacritics (``core.turkish.fold``: "İstanbul" is "istanbul"),
numbers by value (``12`` is ``12.0``), booleans as JSON spells them (``true``
is ``"true"``, but not ``1``), and anything else by its JSON text, folded.
"""

from __future__ import annotations

import json
from typing import Any

from core.turkish import fold


def same_value(expected: Any, actual: Any) -> bool:
    """Whether ``actual`` counts as the ``expected`` argument value."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return _as_text(expected) == _as_text(actual)
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return fold(_as_text(expected)) == fold(_as_text(actual))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
