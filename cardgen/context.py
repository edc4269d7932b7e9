"""What every emitter reads: the fact base, and the question bank and cards made from it once.

The command line loads the facts and builds one `Context`; each emitter takes it and
returns files. The bank and the cards are built on first use and then shared, so a
build that writes an exam and quiz sets generates the bank once, and a command that
needs no questions never generates any.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.factbase.model import FactBase
from cardgen.lang import Lang, lang_of, majority

if TYPE_CHECKING:
    from cardgen.bank.question import Question
    from cardgen.cards import Card

FULL_BANK_FACTS = 5000
SAMPLE_PER_QUESTION = 10  # facts sampled for each question asked


@dataclass(frozen=True)
class Context:
    base: FactBase
    paths: tuple[Path, ...] = ()
    """Where the facts were loaded from, as the user named them."""
    lang: Lang | None = None
    """The language every output is written in (`--lang`); None: each fact's own."""
    roots: tuple[Path, ...] = ()
    """The files and folders the facts are in, with the paths that project files list."""

    def lang_of_question(self, q: Question) -> Lang:
        """The language of Q: the override, else that of its main fact."""
        if self.lang is not None:
            return self.lang
        if q.facts and q.facts[0] in self.base:
            return lang_of(self.base[q.facts[0]])
        return self.lang_of_base()

    def lang_for(self, questions: Iterable[Question]) -> Lang:
        """The one language of an output holding QUESTIONS (an exam, a quiz set): the override,
        else the language most of them are in (the base's when there are none)."""
        if self.lang is not None:
            return self.lang
        langs = [self.lang_of_question(q) for q in questions]
        return majority(langs) if langs else self.lang_of_base()

    def lang_of_base(self) -> Lang:
        """The override, else the language most facts of the base are written in."""
        return self.lang or majority(lang_of(fact) for fact in self.base.facts())

    @cached_property
    def bank(self) -> tuple[Question, ...]:
        from cardgen.bank.generate import build_bank

        return build_bank(self.base, lang=self.lang)

    def bank_for(self, seed: int | str, size: int) -> tuple[Question, ...]:
        """The questions a draw of SIZE with SEED chooses from: the whole bank, or, for a base
        of more than FULL_BANK_FACTS facts, the bank of a seeded sample of its facts (facts are
        sampled first, so an exam of a huge base costs about what it costs for a small one)."""
        facts = [fact.id for fact in self.base.facts()]
        if len(facts) <= FULL_BANK_FACTS:
            return self.bank
        from cardgen.bank.generate import build_bank

        rng = random.Random(f"cardgen-facts:{seed}")
        sample = rng.sample(facts, min(len(facts), max(SAMPLE_PER_QUESTION * size, 200)))
        return build_bank(self.base, sample, self.lang)

    @cached_property
    def cards(self) -> tuple[Card, ...]:
        from cardgen.cards import build_cards

        return build_cards(self.base, self.lang)


def load_context(*paths: Path, lang: Lang | None = None) -> Context:
    """Load and validate the fact base at PATHS as one base; LANG overrides the facts' languages."""
    from cardgen.factbase.loader import find_sources, load_sources

    sources = find_sources(paths)
    return Context(load_sources(sources), sources.paths, lang, sources.roots)
