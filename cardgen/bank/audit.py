"""`cardgen audit`: what in the facts makes questions a teacher would not sign, at `file:line`.

It reports facts that read badly as questions (a term inside its own definition, an
English name that repeats the term, a definition that fits two terms, kinds whose names
contain their parent's, a taxonomy of one kind), every question the bank's screening had
to drop and why (at the fact behind it), and `exclude` entries that name no question or
card. Drops by a rule about the whole bank (its share of stack items, the balance of true
and false) are no flaw of a fact and are not reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cardgen.bank.generate import generate_bank
from cardgen.bank.relations import fold
from cardgen.cards import build_cards
from cardgen.factbase.model import FactBase, Loc


@dataclass(frozen=True, order=True)
class Finding:
    loc: Loc
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}"


def audit(base: FactBase) -> list[Finding]:
    """Every finding, in file and line order."""
    found = [*_definitions(base), *_taxonomies(base), *_dropped(base), *_excludes(base)]
    return sorted(set(found))


def _definitions(base: FactBase) -> list[Finding]:
    out = []
    by_meaning: dict[str, list[str]] = {}
    for d in base.definitions:
        loc = d.meta.loc
        meaning = fold(d.definition)
        by_meaning.setdefault(meaning, []).append(d.id)
        for name in d.names:
            if len(fold(name)) >= 2 and fold(name) in meaning:
                out.append(Finding(loc, f"the term '{name}' is inside its own definition (a giveaway)"))
        if d.english and fold(d.english) == fold(d.term):
            out.append(Finding(loc, f"'english' repeats the term '{d.term}'; leave it out"))
    for d in base.definitions:
        others = [o for o in by_meaning[fold(d.definition)] if o != d.id]
        if others:
            out.append(
                Finding(d.meta.loc, f"the definition also fits {', '.join(others)}: no question can tell them apart")
            )
    return out


def _taxonomies(base: FactBase) -> list[Finding]:
    out = []
    for t in base.taxonomies:
        parent = base.definition(t.parent)
        for child_id in t.children:
            child = base.definition(child_id)
            if any(fold(n) in fold(c) for n in parent.names for c in child.names if len(fold(n)) >= 2):
                out.append(
                    Finding(
                        t.meta.loc, f"the kind '{child.term}' contains its parent's name '{parent.term}' (a giveaway)"
                    )
                )
        if len(t.children) == 1:
            out.append(Finding(t.meta.loc, f"'{parent.term}' has one kind: a list of one asks nothing"))
    return out


def _dropped(base: FactBase) -> list[Finding]:
    _, dropped = generate_bank(base)
    out = []
    for d in dropped:
        if d.policy:
            continue
        fact = base[d.facts[0]] if d.facts and d.facts[0] in base else None
        loc = fact.meta.loc if fact is not None else Loc("<bank>", 0)
        out.append(Finding(loc, f"{d.id} left out: {d.reason}"))
    return out


def _excludes(base: FactBase) -> list[Finding]:
    if not base.exclude:
        return []
    bank, dropped = generate_bank(replace(base, exclude=()))
    known = {q.id for q in bank} | {d.id for d in dropped} | {c.key for c in build_cards(base)}
    return [
        Finding(loc, f"'exclude' names '{name}', which is no question or card")
        for name, loc in base.exclude
        if name not in known
    ]
