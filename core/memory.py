"""The garbage collector and the objects a long-running process builds at start-up.

Modules, classes, the settings, the tool registry, SQLAlchemy's mappers and
python-telegram-bot's tables live as long as the process. CPython's full
collection traverses every tracked object each time, and the start-up heap
alone (about 140,000 objects) took 120-140 ms per full collection on the
2-core development machine: every chat stood still meanwhile, a stall the
p99 latency sees (BENCHMARKS.md, "Collector pauses"). Frozen once start-up
is done, those objects are never traversed again; what is created later is
collected as usual.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_start_up_objects() -> None:
    """Collect once, then keep every surviving object out of later collections."""
    gc.collect()
    gc.freeze()
    log.info("%d start-up objects frozen out of garbage collection", gc.get_freeze_count())
