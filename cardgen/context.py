"""What every emitter reads: the fact base, and the question bank and cards made from it once.

The command line loads the facts and builds one `Context`; each emitter takes it and
returns files. The bank and the cards are built on first use and then shared, so a
build that writes an exam and quiz sets generates the bank once, and a command that
needs no questions never generates any.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cardgen.bank.question import Question
from cardgen.cards import Card
from cardgen.factbase.model import FactBase


@dataclass(frozen=True)
class Context:
    base: FactBase
    paths: tuple[Path, ...] = ()
    """Where the facts were loaded from, as the user named them."""

    @cached_property
    def bank(self) -> tuple[Question, ...]:
        from cardgen.bank.generate import build_bank

        return build_bank(self.base)

    @cached_property
    def cards(self) -> tuple[Card, ...]:
        from cardgen.cards import build_cards

        return build_cards(self.base)


def load_context(*paths: Path) -> Context:
    """Load and validate the fact base at PATHS (one path today)."""
    from cardgen.factbase.loader import load

    (path,) = paths
    return Context(load(path), paths)
