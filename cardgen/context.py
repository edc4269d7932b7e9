"""What every emitter reads: the fact base, and the question bank and cards made from it once.

The command line loads the facts and builds one `Context`; each emitter takes it and
returns files. The bank and the cards are built on first use and then shared, so a
build that writes an exam and quiz sets generates the bank once, and a command that
needs no questions never generates any.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cardgen.bank.question import Question
from cardgen.cards import Card
from cardgen.factbase.model import FactBase

FULL_BANK_FACTS = 5000
SAMPLE_PER_QUESTION = 10  # facts sampled for each question asked


@dataclass(frozen=True)
class Context:
    base: FactBase
    paths: tuple[Path, ...] = ()
    """Where the facts were loaded from, as the user named them."""

    @cached_property
    def bank(self) -> tuple[Question, ...]:
        from cardgen.bank.generate import build_bank

        return build_bank(self.base)

    def bank_for(self, seed: int | str, size: int) -> tuple[Question, ...]:
        """The questions a draw of SIZE with SEED chooses from: the whole bank, or, for a base
        of more than FULL_BANK_FACTS facts, the bank of a seeded sample of its facts (facts are
        sampled first, so an exam of a huge base costs about what it costs for a small one)."""
        facts = [fact.id for fact in self.base.facts()]
        if len(facts) <= FULL_BANK_FACTS:
            return self.bank
        from cardgen.bank.generate import build_bank

        rng = random.Random(f"cardgen-facts:{seed}")
        return build_bank(self.base, rng.sample(facts, min(len(facts), max(SAMPLE_PER_QUESTION * size, 200))))

    @cached_property
    def cards(self) -> tuple[Card, ...]:
        from cardgen.cards import build_cards

        return build_cards(self.base)


def load_context(*paths: Path) -> Context:
    """Load and validate the fact base at PATHS (one path today)."""
    from cardgen.factbase.loader import load

    (path,) = paths
    return Context(load(path), paths)
