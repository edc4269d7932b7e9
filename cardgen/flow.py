"""A process drawn as a flow: its steps first to last, some of them hidden or marked.

Cards and questions carry these rows ready to draw; every output lays them out as a
column of steps joined by downward arrows (`cardgen.present.draw_flow_text` in the
terminal, the Anki and exam templates in HTML), never as boxes stacked like layers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardgen.factbase.model import Process

HIDDEN = "?"


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One drawn step: its 1-based place in the process, and its name unless `hidden`."""

    number: int
    name: str
    hidden: bool = False
    marked: bool = False


def flow_of(
    process: Process, shown: Iterable[int] | None = None, hidden: int | None = None, marked: Iterable[int] = ()
) -> tuple[FlowStep, ...]:
    """PROCESS's steps at the 0-based indexes SHOWN (all when None), in order; the step at
    HIDDEN drawn as "?", those in MARKED marked."""
    indexes = range(len(process.steps)) if shown is None else sorted(set(shown))
    mark = set(marked)
    return tuple(
        FlowStep(i + 1, HIDDEN if i == hidden else process.steps[i].name, i == hidden, i in mark) for i in indexes
    )
