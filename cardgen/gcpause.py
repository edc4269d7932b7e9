"""Pausing Python's cycle collector around bulk work.

Loading facts, building the question bank and making Anki notes each allocate
hundreds of thousands of small objects, none in reference cycles, while the whole
fact base is alive: every collection they trigger rescans all of it and frees
nothing, which can cost a third of the run. What such work leaves behind (the fact base,
the bank, the notes) lives as long as the command, so it is moved out of the collector's
sight (`gc.freeze`) before the collector resumes: otherwise its first pass after the pause
scans every object made during it, which at 100,000 facts costs a third of a second.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector inside the block; after it, freeze what exists and restore
    the collector's previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
