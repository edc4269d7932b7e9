"""Pausing Python's cycle collector around bulk work.

Loading facts, building the question bank and making Anki notes each allocate
hundreds of thousands of small objects, none in reference cycles, while the whole
fact base is alive: every collection they trigger rescans all of it and frees
nothing, which can cost a third of the run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector inside the block; restore its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
