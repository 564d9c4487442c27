"""Start-up objects frozen out of garbage collection; later garbage still collected."""

from __future__ import annotations

import gc
import weakref

from core.memory import freeze_start_up_objects


class _Node:
    partner: _Node | None = None


def test_start_up_objects_leave_collections_and_later_cycles_are_still_freed() -> None:
    try:
        freeze_start_up_objects()
        assert gc.get_freeze_count() > 1000  # modules, classes, pytest's own objects

        # A reference cycle made afterwards (a finished turn's objects, say).
        first, second = _Node(), _Node()
        first.partner, second.partner = second, first
        alive = weakref.ref(first)
        del first, second
        gc.collect()
        assert alive() is None
    finally:
        gc.unfreeze()  # the rest of the suite runs as usual
