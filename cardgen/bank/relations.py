"""What the fact base says is true, in the shapes the question bank asks about.

Distractors are only as good as the check that they are wrong. This module answers
the questions that check needs: which concepts are kinds of which (taxonomy lineage),
which points are advantages or disadvantages of a concept, which layers sit where in
which stack. Texts are compared folded (`fold`): NFKC, casefold, collapsed whitespace.
Everything is indexed once per fact base, so asking costs little however large it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

from cardgen.bank.screen import shares_stem, words
from cardgen.factbase.model import Definition, FactBase, Layer, Point, ProsCons, Stack, Taxonomy
from cardgen.text import fold as text_fold

POLARITIES = ("pros", "cons")

K = TypeVar("K")
V = TypeVar("V")


@cache
def fold(text: str) -> str:
    """TEXT as compared for sameness: NFKC, casefolded, whitespace collapsed.

    Cached without bound while a bank is built (the same few texts are compared over
    and over); `build_bank` clears the cache when it is done.
    """
    out = text_fold(text)
    return text if out == text else out  # most Hangul text folds to itself: keep one copy


def _closure(start: str, edges: dict[str, tuple[str, ...]]) -> frozenset[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return frozenset(seen)


def _memo(cache: dict[K, V], key: K, make: Callable[[], V]) -> V:
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = make()
        return value


class Relations:
    """Indexes over one fact base; every answer is deterministic (sorted or in fact order)."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self.definitions: dict[str, Definition] = {d.id: d for d in base.definitions}
        children: dict[str, list[str]] = {}
        parents: dict[str, list[str]] = {}
        for tax in base.taxonomies:
            kids = children.setdefault(tax.parent, [])
            for child in tax.children:
                if child not in kids:
                    kids.append(child)
                ups = parents.setdefault(child, [])
                if tax.parent not in ups:
                    ups.append(tax.parent)
        self.children = {k: tuple(v) for k, v in children.items()}
        self.parents = {k: tuple(v) for k, v in parents.items()}
        pcs: dict[str, list[ProsCons]] = {}
        for pc in base.pros_cons:
            pcs.setdefault(pc.concept, []).append(pc)
        self.pros_cons = {k: tuple(v) for k, v in pcs.items()}
        self._compares: dict[str, dict[tuple[str, str], str]] = {}
        # Points given for one concept that the facts say hold for others too (`also`).
        self._shared: dict[tuple[str, str], list[Point]] = {}
        # Every point by its polarity and folded text, with the concept it was given for,
        # in concept order: what a comparison denies is found without a walk over all points.
        self._by_text: dict[tuple[str, str], list[tuple[str, Point]]] = {}
        for pc in sorted(base.pros_cons, key=lambda pc: (pc.concept, pc.id)):
            for polarity in POLARITIES:
                for p in getattr(pc, polarity):
                    self._by_text.setdefault((polarity, fold(p.text)), []).append((pc.concept, p))
        for pc in base.pros_cons:
            for polarity in POLARITIES:
                for p in getattr(pc, polarity):
                    if p.compare:
                        self._compares.setdefault(p.compare.concept, {}).setdefault(
                            (polarity, fold(p.text)), p.compare.text
                        )
                    for other in p.also:
                        self._shared.setdefault((other, polarity), []).append(p)
        common = (
            frozenset.intersection(*(frozenset(d.meta.tags) for d in base.definitions))
            if base.definitions
            else frozenset()
        )
        # Tags every definition carries (a file's own tags) say nothing about closeness.
        self.specific_tags = {d.id: frozenset(d.meta.tags) - common for d in base.definitions}
        self.illustrated_by: dict[str, list[Stack]] = {}
        for stack in base.stacks:
            if stack.illustrates:
                self.illustrated_by.setdefault(stack.illustrates, []).append(stack)
        self.neighbourhoods = frozenset(
            (
                fold(s.layers[i - 1].name) if i > 0 else None,
                fold(layer.name),
                fold(s.layers[i + 1].name) if i + 1 < len(s.layers) else None,
            )
            for s in base.stacks
            for i, layer in enumerate(s.layers)
        )
        # One memo per question asked, each holding answers of one type.
        self._down: dict[str, frozenset[str]] = {}
        self._up: dict[str, frozenset[str]] = {}
        self._siblings: dict[str, tuple[str, ...]] = {}
        self._cousins: dict[str, tuple[str, ...]] = {}
        self._haystacks: dict[str, str] = {}
        self._tied: dict[str, tuple[frozenset[str], str]] = {}
        self._says: dict[tuple[str, str], frozenset[str]] = {}
        self._truths: dict[tuple[str, str], frozenset[str]] = {}
        self._denied: dict[str, dict[tuple[str, str], str]] = {}
        self._lineage: dict[str, frozenset[str]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._labels: dict[str, str] = {}
        self._folded_names: dict[str, frozenset[str]] = {}

    # --- taxonomy -------------------------------------------------------------------

    def descendants(self, concept: str) -> frozenset[str]:
        return _memo(self._down, concept, lambda: _closure(concept, self.children))

    def ancestors(self, concept: str) -> frozenset[str]:
        return _memo(self._up, concept, lambda: _closure(concept, self.parents))

    def lineage(self, concept: str) -> frozenset[str]:
        """The concept, every kind of it and everything it is a kind of."""
        try:
            return self._lineage[concept]
        except KeyError:
            value = self._lineage[concept] = self.descendants(concept) | self.ancestors(concept) | {concept}
            return value

    def siblings(self, concept: str) -> tuple[str, ...]:
        """Other kinds of the concept's parents, in the order the taxonomy lists them."""

        def make() -> tuple[str, ...]:
            out: list[str] = []
            for parent in self.parents.get(concept, ()):
                out += [c for c in self.children[parent] if c != concept and c not in out]
            return tuple(out)

        return _memo(self._siblings, concept, make)

    def cousins(self, concept: str) -> tuple[str, ...]:
        """Siblings of the concept's parents, and their kinds: the concept's neighbourhood."""

        def make() -> tuple[str, ...]:
            out: list[str] = []
            for parent in self.parents.get(concept, ()):
                for uncle in self.siblings(parent):
                    out += [c for c in (uncle, *self.children.get(uncle, ())) if c not in out]
            return tuple(out)

        return _memo(self._cousins, concept, make)

    # --- definitions ------------------------------------------------------------------

    def names(self, concept: str) -> tuple[str, ...]:
        try:
            return self._names[concept]
        except KeyError:
            d = self.definitions.get(concept)
            value = self._names[concept] = d.names if d else (concept,)
            return value

    def label(self, concept: str) -> str:
        # One string per concept, shared by every question that shows it.
        try:
            return self._labels[concept]
        except KeyError:
            d = self.definitions.get(concept)
            value = self._labels[concept] = d.label if d else concept
            return value

    def term(self, concept: str) -> str:
        d = self.definitions.get(concept)
        return d.term if d else concept

    def folded_names(self, concept: str) -> frozenset[str]:
        try:
            return self._folded_names[concept]
        except KeyError:
            value = self._folded_names[concept] = frozenset(
                fold(n) for n in (*self.names(concept), self.label(concept))
            )
            return value

    def named_in(self, concept: str, other: str) -> bool:
        """Whether a name of CONCEPT appears in OTHER's names or definition.

        Korean compounds name their genus ("전가상화" is a "가상화"), and a definition that
        mentions a concept is about it; either makes OTHER a poor "not a kind of" option.
        """
        d = self.definitions.get(other)
        if d is None:
            return False
        haystack = _memo(self._haystacks, other, lambda: "\0".join(fold(n) for n in (*self.names(other), d.definition)))
        return any(len(n) >= 2 and n in haystack for n in self.folded_names(concept))

    def entangled(self, concept: str, other: str) -> bool:
        """Whether the fact base ties OTHER to CONCEPT's kinds without calling it a kind:
        a layer of a stack that illustrates one of them, a term their definitions use, or
        a kind of either. An emulator is how emulation is done; offering it as "not a kind
        of platform virtualization" invites an argument, so such concepts are no outsiders."""
        family = self.descendants(concept) | {concept}
        above = self.ancestors(concept)
        if other in family or other in above:
            return False

        def tied() -> tuple[frozenset[str], str]:
            layers = frozenset(
                layer.concept
                for member in sorted(family)
                for stack in self.illustrated_by.get(member, ())
                for layer in stack.layers
                if layer.concept
            )
            text = "\0".join(fold(self.definitions[m].definition) for m in sorted(family) if m in self.definitions)
            return layers, text

        layers, text = _memo(self._tied, concept, tied)
        # The kinds of an ancestor are the concept's own relatives, not tied to it.
        for candidate in ({other} | self.ancestors(other)) - above - family:
            if candidate in layers or any(len(n) >= 2 and n in text for n in self.folded_names(candidate)):
                return True
        return False

    # --- pros and cons ----------------------------------------------------------------

    def points(self, concept: str, polarity: str) -> tuple[Point, ...]:
        return tuple(p for pc in self.pros_cons.get(concept, ()) for p in getattr(pc, polarity))

    def says(self, concept: str, polarity: str) -> frozenset[str]:
        """Folded texts the fact base gives as POLARITY ('pros' or 'cons') of CONCEPT, its own
        and those another concept's point shares with it (`also`)."""
        return _memo(
            self._says,
            (concept, polarity),
            lambda: frozenset(
                fold(p.text) for p in (*self.points(concept, polarity), *self._shared.get((concept, polarity), ()))
            ),
        )

    def refuted(self, concept: str, polarity: str) -> tuple[tuple[str, Point, str], ...]:
        """Points of POLARITY that the facts establish do NOT hold for CONCEPT, as (the concept
        they were given for, the point, why): first those a comparison denies, then those of a
        taxonomy sibling whose list is `exclusive` and does not share them (`also`).

        The facts list what is true, rarely all that is true: a sibling's point is no false
        statement about a concept unless the facts say so, and so it is never used as one.
        """
        truths = self.truths(concept, polarity)
        denied = self.denied(concept)
        lineage = self.lineage(concept)
        out: dict[str, tuple[str, Point, str]] = {}
        for pole, text in sorted(denied):
            if pole != polarity or text in truths:
                continue
            for source, p in self._by_text.get((polarity, text), ()):
                if source not in lineage:
                    out.setdefault(text, (source, p, denied[polarity, text]))
                    break
        for sibling in self.siblings(concept):
            for pc in self.pros_cons.get(sibling, ()):
                if not pc.exclusive:
                    continue
                for p in getattr(pc, polarity):
                    text = fold(p.text)
                    if text not in truths and not lineage & set(p.also):
                        out.setdefault(text, (sibling, p, ""))
        return tuple(out.values())

    def truths(self, concept: str, polarity: str) -> frozenset[str]:
        """What the fact base says is a POLARITY of CONCEPT or of anything in its lineage."""
        return _memo(
            self._truths,
            (concept, polarity),
            lambda: frozenset().union(*(self.says(c, polarity) for c in sorted(self.lineage(concept)))),
        )

    def denied(self, concept: str) -> dict[tuple[str, str], str]:
        """Points, as (polarity, folded text), that a comparison says do NOT hold for CONCEPT
        (or for what it is a kind of), mapped to the comparison's own words."""

        def make() -> dict[tuple[str, str], str]:
            out: dict[tuple[str, str], str] = {}
            for subject in (concept, *sorted(self.ancestors(concept))):
                for key, said in self._compares.get(subject, {}).items():
                    out.setdefault(key, said)
            return out

        return _memo(self._denied, concept, make)

    # --- stacks -----------------------------------------------------------------------

    def fits_blank(self, stack: Stack, index: int, name: str) -> bool:
        """Whether some stack puts NAME between the layers around STACK's blank at INDEX."""
        layers = stack.layers
        above = fold(layers[index - 1].name) if index > 0 else None
        below = fold(layers[index + 1].name) if index + 1 < len(layers) else None
        return fold(name) == fold(layers[index].name) or (above, fold(name), below) in self.neighbourhoods

    def layers_clash(self, a: Layer, name: str, concepts: frozenset[str] | tuple[str, ...] = ()) -> bool:
        """Whether a layer called NAME (an instance of CONCEPTS) could pass for A: the same
        name, one name inside the other ("운영체제" in "호스트 운영체제"), or concepts in one
        lineage."""
        fa, fb = fold(a.name), fold(name)
        if fa == fb or fa in fb or fb in fa:
            return True
        if not a.concept:
            return False
        return any(c in self.lineage(a.concept) for c in concepts)

    def stack_of(self, stack_id: str) -> Stack:
        fact = self.base[stack_id]
        assert isinstance(fact, Stack), stack_id
        return fact

    def taxonomy(self, fact_id: str) -> Taxonomy:
        fact = self.base[fact_id]
        assert isinstance(fact, Taxonomy), fact_id
        return fact


def trivial_layers(stacks: Iterable[Stack]) -> frozenset[str]:
    """Folded names of layers at the same end of every stack that has them, in two or more
    stacks (응용 프로그램 on top, 하드웨어 at the bottom): their place is known before any
    question is read, so no item asks about them."""
    ends: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    for stack in stacks:
        last = len(stack.layers) - 1
        for i, layer in enumerate(stack.layers):
            name = fold(layer.name)
            count[name] = count.get(name, 0) + 1
            ends.setdefault(name, set()).add("top" if i == 0 else "bottom" if i == last else "middle")
    return frozenset(n for n, where in ends.items() if count[n] >= 2 and len(where) == 1 and "middle" not in where)


def layers_worth_asking(
    stack: Stack, trivial: frozenset[str], names: Callable[[str], tuple[str, ...]]
) -> tuple[bool, ...]:
    """For each layer of STACK, whether a blank or adjacency item may ask about it: not a
    trivially placed layer, not one the stack's title names (‘에뮬레이션’ would give away
    에뮬레이터), not one that appears twice in the stack."""
    title = words(stack.title)
    folded = [fold(layer.name) for layer in stack.layers]
    out = []
    for k, layer in enumerate(stack.layers):
        own = words(layer.name) | {w for n in (names(layer.concept) if layer.concept else ()) for w in words(n)}
        out.append(folded[k] not in trivial and not shares_stem(own, title) and folded.count(folded[k]) == 1)
    return tuple(out)


def blank_worth_asking(stack: Stack, index: int) -> bool:
    """Whether the layer at INDEX may be drawn blank: not when what sets a band's label apart,
    or another layer's note, drawn beside the blank, shares a word with its name."""
    own = words(stack.layers[index].name)
    notes = [words(layer.note) for i, layer in enumerate(stack.layers) if layer.note and i != index]
    return not any(shares_stem(own, shown) for shown in (_band_words(stack), *notes))


def band_worth_asking(stack: Stack) -> tuple[bool, ...]:
    """For each layer of STACK, whether an item may ask its band: only a layer next to a layer
    of another band (where the lesson's line is drawn: the operating system is the customer's
    in IaaS, the provider's in PaaS), never one named twice in the stack, nor one whose name
    (or the stack's title) shares a word with what sets one band's name apart from the others'."""
    bands, title = _band_words(stack), words(stack.title)
    folded = [fold(layer.name) for layer in stack.layers]
    of = [stack.band_of(i) for i in range(len(stack.layers))]

    def at_edge(k: int) -> bool:
        return any(0 <= j < len(of) and of[j] is not None and of[j] is not of[k] for j in (k - 1, k + 1))

    return tuple(
        of[k] is not None
        and at_edge(k)
        and folded.count(folded[k]) == 1
        and not shares_stem(bands, words(layer.name) | title)
        for k, layer in enumerate(stack.layers)
    )


def _band_words(stack: Stack) -> frozenset[str]:
    """The words of STACK's band names but those all of them share (`customer`, `provider` of
    `customer-managed`, `provider-managed`)."""
    names = [words(band.name) for band in stack.bands]
    if len(names) < 2:
        return frozenset().union(*names)
    return frozenset().union(*names) - frozenset.intersection(*names)
