"""`cardgen stats`: a short, plain-text summary of a fact base."""

from __future__ import annotations

from collections import Counter

from cardgen.factbase.kinds import KINDS
from cardgen.factbase.model import FactBase


def counts(base: FactBase) -> dict[str, int]:
    """How many facts of each kind, and the items inside them that become cards."""
    out = {kind.plural: len(getattr(base, kind.attribute)) for kind in KINDS}
    for kind in KINDS:
        for label, count in kind.parts:
            out[label] = sum(count(fact) for fact in getattr(base, kind.attribute))
    return out


def summary(base: FactBase) -> str:
    lines = [f"{len(base)} facts in {len(base.files)} file(s), {len(base.decks())} deck(s)", "", "By kind:"]
    width = max(len(label) for label in counts(base))
    lines += [f"  {label:<{width}}  {n:>5}" for label, n in counts(base).items()]
    per_file = Counter(fact.meta.loc.file for fact in base.facts())
    lines += ["", "By file:"] + [f"  {file}  {per_file[file]}" for file in base.files]
    per_deck = Counter(fact.meta.deck for fact in base.facts())
    lines += ["", "By deck:"] + [f"  {deck}  {n}" for deck, n in sorted(per_deck.items())]
    per_tag = Counter(tag for fact in base.facts() for tag in fact.meta.tags)
    lines += ["", "By tag:"] + [f"  {tag}  {n}" for tag, n in sorted(per_tag.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines) + "\n"
