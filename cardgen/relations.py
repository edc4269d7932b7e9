"""What the fact base says is true, in the shapes the question bank asks about.

Distractors are only as good as the check that they are wrong. This module answers
the questions that check needs: which concepts are kinds of which (taxonomy lineage),
which points are advantages or disadvantages of a concept, which layers sit where in
which stack. Texts are compared folded (`fold`): NFKC, casefold, collapsed whitespace.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property

from cardgen.model import Definition, FactBase, Layer, Point, ProsCons, Stack, Taxonomy


def fold(text: str) -> str:
    """TEXT as compared for sameness: NFKC, casefolded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


POLARITIES = ("pros", "cons")


@dataclass(frozen=True)
class Relations:
    """Indexes over one fact base; every answer is deterministic (sorted or in fact order)."""

    base: FactBase

    # --- taxonomy -------------------------------------------------------------------

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for tax in self.base.taxonomies:
            out.setdefault(tax.parent, [])
            out[tax.parent] += [c for c in tax.children if c not in out[tax.parent]]
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def parents(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for tax in self.base.taxonomies:
            for child in tax.children:
                out.setdefault(child, [])
                if tax.parent not in out[child]:
                    out[child].append(tax.parent)
        return {k: tuple(v) for k, v in out.items()}

    def descendants(self, concept: str) -> frozenset[str]:
        return self._closure(concept, self.children)

    def ancestors(self, concept: str) -> frozenset[str]:
        return self._closure(concept, self.parents)

    def lineage(self, concept: str) -> frozenset[str]:
        """The concept, every kind of it and everything it is a kind of."""
        return self.descendants(concept) | self.ancestors(concept) | {concept}

    def siblings(self, concept: str) -> tuple[str, ...]:
        """Other kinds of the concept's parents, in the order the taxonomy lists them."""
        out: list[str] = []
        for parent in self.parents.get(concept, ()):
            out += [c for c in self.children[parent] if c != concept and c not in out]
        return tuple(out)

    def cousins(self, concept: str) -> tuple[str, ...]:
        """Siblings of the concept's parents, and their kinds: the concept's neighbourhood."""
        out: list[str] = []
        for parent in self.parents.get(concept, ()):
            for uncle in self.siblings(parent):
                out += [c for c in (uncle, *self.children.get(uncle, ())) if c not in out]
        return tuple(out)

    def is_kind_of(self, concept: str, parent: str) -> bool:
        return concept in self.descendants(parent)

    @staticmethod
    def _closure(start: str, edges: dict[str, tuple[str, ...]]) -> frozenset[str]:
        seen: set[str] = set()
        todo = list(edges.get(start, ()))
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        return frozenset(seen)

    # --- definitions ------------------------------------------------------------------

    @cached_property
    def definitions(self) -> dict[str, Definition]:
        return {d.id: d for d in self.base.definitions}

    def names(self, concept: str) -> tuple[str, ...]:
        d = self.definitions.get(concept)
        return d.names if d else (concept,)

    def label(self, concept: str) -> str:
        d = self.definitions.get(concept)
        return d.label if d else concept

    def term(self, concept: str) -> str:
        d = self.definitions.get(concept)
        return d.term if d else concept

    def folded_names(self, concept: str) -> frozenset[str]:
        d = self.definitions.get(concept)
        names = (*d.names, d.label) if d else (concept,)
        return frozenset(fold(n) for n in names)

    @cached_property
    def specific_tags(self) -> dict[str, frozenset[str]]:
        """Per definition, the tags not every definition carries (file-wide tags say nothing)."""
        common = frozenset.intersection(*(frozenset(d.meta.tags) for d in self.base.definitions)) \
            if self.base.definitions else frozenset()
        return {d.id: frozenset(d.meta.tags) - common for d in self.base.definitions}

    def named_in(self, concept: str, other: str) -> bool:
        """Whether a name of CONCEPT appears in OTHER's names or definition.

        Korean compounds name their genus ("전가상화" is a "가상화"), and a definition that
        mentions a concept is about it; either makes OTHER a poor "not a kind of" option.
        """
        d = self.definitions.get(other)
        if d is None:
            return False
        haystack = [fold(n) for n in (*d.names, d.definition)]
        needles = [n for n in self.folded_names(concept) if len(n) >= 2]
        return any(n in h for n in needles for h in haystack)

    def entangled(self, concept: str) -> frozenset[str]:
        """Concepts the fact base ties to CONCEPT's kinds without calling them kinds: layers
        of stacks that illustrate one of them, terms their definitions use, and the kinds
        of those. An emulator is how emulation is done; offering it as "not a kind of
        platform virtualization" invites an argument, so such concepts are never outsiders."""
        family = self.descendants(concept) | {concept}
        tied: set[str] = set()
        for stack in self.base.stacks:
            if stack.illustrates in family:
                tied.update(layer.concept for layer in stack.layers if layer.concept)
        for member in family:
            d = self.definitions.get(member)
            if d is None:
                continue
            text = fold(d.definition)
            tied.update(o for o in self.definitions if o != member
                        and any(len(n) >= 2 and n in text for n in self.folded_names(o)))
        above = self.ancestors(concept)
        for c in list(tied - above):  # the kinds of an ancestor are the concept's own relatives
            tied |= self.descendants(c)
        return frozenset(tied - family - above)

    # --- pros and cons ----------------------------------------------------------------

    @cached_property
    def pros_cons(self) -> dict[str, tuple[ProsCons, ...]]:
        out: dict[str, list[ProsCons]] = {}
        for pc in self.base.pros_cons:
            out.setdefault(pc.concept, []).append(pc)
        return {k: tuple(v) for k, v in out.items()}

    def points(self, concept: str, polarity: str) -> tuple[Point, ...]:
        return tuple(p for pc in self.pros_cons.get(concept, ()) for p in getattr(pc, polarity))

    def says(self, concept: str, polarity: str) -> frozenset[str]:
        """Folded texts the fact base gives as POLARITY ('pros' or 'cons') of CONCEPT."""
        return frozenset(fold(p.text) for p in self.points(concept, polarity))

    def denied(self, concept: str) -> dict[str, str]:
        """Folded point texts that a comparison says do NOT hold for CONCEPT (or a kind of it),
        mapped to the comparison's own words."""
        out: dict[str, str] = {}
        for pc in self.base.pros_cons:
            for polarity in POLARITIES:
                for p in getattr(pc, polarity):
                    if p.compare and (p.compare.concept == concept or concept in self.descendants(p.compare.concept)):
                        out.setdefault(fold(p.text), p.compare.text)
        return out

    def peers(self, concept: str) -> tuple[str, ...]:
        """Concepts with pros and cons to borrow wrong subjects from: siblings first, then
        the rest, never the concept's own lineage."""
        lineage = self.lineage(concept)
        siblings = [c for c in self.siblings(concept) if c in self.pros_cons]
        if siblings:
            return tuple(siblings)
        return tuple(c for c in sorted(self.pros_cons) if c not in lineage)

    # --- stacks -----------------------------------------------------------------------

    @cached_property
    def neighbourhoods(self) -> frozenset[tuple[str | None, str, str | None]]:
        """(above, layer, below) for every layer of every stack, folded; None past an edge."""
        out = set()
        for stack in self.base.stacks:
            names = [fold(layer.name) for layer in stack.layers]
            for i, name in enumerate(names):
                above = names[i - 1] if i > 0 else None
                below = names[i + 1] if i + 1 < len(names) else None
                out.add((above, name, below))
        return frozenset(out)

    def fits_blank(self, stack: Stack, index: int, name: str) -> bool:
        """Whether some stack puts NAME between the layers around STACK's blank at INDEX."""
        layers = stack.layers
        above = fold(layers[index - 1].name) if index > 0 else None
        below = fold(layers[index + 1].name) if index + 1 < len(layers) else None
        return fold(name) == fold(layers[index].name) or (above, fold(name), below) in self.neighbourhoods

    def layers_clash(self, a: Layer, b: Layer) -> bool:
        """Whether B could pass for A: the same name, one name inside the other
        ("운영체제" in "호스트 운영체제"), or concepts in one lineage."""
        fa, fb = fold(a.name), fold(b.name)
        if fa == fb or fa in fb or fb in fa:
            return True
        return bool(a.concept and b.concept and b.concept in self.lineage(a.concept))

    def stack_of(self, stack_id: str) -> Stack:
        fact = self.base[stack_id]
        assert isinstance(fact, Stack), stack_id
        return fact

    def taxonomy(self, fact_id: str) -> Taxonomy:
        fact = self.base[fact_id]
        assert isinstance(fact, Taxonomy), fact_id
        return fact
