"""The fact model: typed, validated, immutable objects that every generator reads.

The loader (`cardgen.factbase.loader`) is the only code that sees raw YAML; it builds these
objects once, after every check has passed. Each fact keeps the place it was
written (`loc`) so later stages can still point a user at `file:line`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from cardgen.lang import DEFAULT_LANG, Lang
from cardgen.media import Image


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a fact file: the path as given to the loader and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        # Line 0: the place is a whole file or folder (one that cannot be read, say).
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Meta:
    """What every fact carries besides its content."""

    id: str
    deck: str
    tags: tuple[str, ...] = ()
    source: str | None = None
    note: str | None = None
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)
    lang: Lang = DEFAULT_LANG
    """The language the fact is written in (its file's `lang`); every output made from it follows."""
    reviewed: tuple[str, ...] = ()
    """The `cardgen audit` checks the author accepts for this fact."""


class _Fact:
    """What every kind of fact shares: its identity comes from its `meta`."""

    meta: Meta

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Definition(_Fact):
    """A term with its English name, other accepted names and a one-line definition."""

    meta: Meta
    term: str
    definition: str
    english: str | None = None
    aliases: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    image: Image | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that answers "what is this called?": term, English name, aliases."""
        out = [self.term]
        for name in (self.english, *self.aliases):
            if name and name not in out:
                out.append(name)
        return tuple(out)

    @property
    def label(self) -> str:
        """The term as shown to a student: `가상화 (Virtualization)`."""
        return f"{self.term} ({self.english})" if self.english else self.term


@dataclass(frozen=True)
class Comparison:
    """How a point reads against another concept: "vs hypervisor: it cannot"."""

    concept: str
    text: str


@dataclass(frozen=True)
class Point:
    """One advantage or disadvantage."""

    text: str
    compare: Comparison | None = None
    also: tuple[str, ...] = ()
    """Other concepts the point is just as true of."""
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)


@dataclass(frozen=True)
class ProsCons(_Fact):
    """The advantages and disadvantages of one concept.

    `exclusive` says the points hold for this concept and not for its taxonomy siblings
    (except where a point names them in `also`); only then may a sibling's question
    offer them as wrong.
    """

    meta: Meta
    concept: str
    pros: tuple[Point, ...] = ()
    cons: tuple[Point, ...] = ()
    exclusive: bool = False


@dataclass(frozen=True)
class Group:
    """A label that gathers some kinds of a taxonomy ("instructions that create a layer").

    A group is no concept: it has no definition and no cards, and is never asked as a term.
    """

    label: str
    children: tuple[str, ...]
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)


@dataclass(frozen=True)
class Taxonomy(_Fact):
    """A parent concept and its kinds, optionally with the basis of the division.

    `children` lists every kind in the author's order, grouped or not; `groups` says
    which of them a group label gathers (each kind is in one group at most).
    """

    meta: Meta
    parent: str
    children: tuple[str, ...]
    basis: str | None = None
    exhaustive: bool = False
    """Whether the children are all the kinds there are (else: some of them)."""
    groups: tuple[Group, ...] = ()

    def group_of(self, child: str) -> Group | None:
        """The group that gathers CHILD, if one does."""
        return next((g for g in self.groups if child in g.children), None)


@dataclass(frozen=True)
class Layer:
    """One layer of a stack.

    `count` > 1 means that many side by side; a symbol ("N") means an unstated number of
    them, drawn as one box marked "× N". `note` is a remark drawn beside the layer, never
    part of its name: no answer, option or typed key ever holds it.
    """

    name: str
    count: int | str = 1
    concept: str | None = None
    note: str | None = None
    image: Image | None = None
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)

    @property
    def boxes(self) -> int:
        """How many boxes the layer is drawn as: its count, or one for a symbolic count."""
        return self.count if isinstance(self.count, int) else 1

    @property
    def times(self) -> str:
        """The count as a label, `× 3` or `× N`; empty for a single layer."""
        return "" if self.count == 1 else f"× {self.count}"


@dataclass(frozen=True)
class Band:
    """A named group of adjacent layers of a stack (customer-managed, provider-managed)."""

    name: str
    layers: tuple[str, ...]
    """The names of its layers, as the stack spells them."""
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)


@dataclass(frozen=True)
class Scenario(_Fact):
    """The situation that frames one or more stacks."""

    meta: Meta
    text: str


@dataclass(frozen=True)
class Stack(_Fact):
    """An architecture drawn as ordered layers, top to bottom."""

    meta: Meta
    title: str
    layers: tuple[Layer, ...]
    illustrates: str | None = None
    scenario: str | None = None
    bands: tuple[Band, ...] = ()
    """Groups of adjacent layers, top to bottom; a layer is in at most one."""

    def band_of(self, index: int) -> Band | None:
        """The band that holds the layer at INDEX (0-based), if any."""
        name = self.layers[index].name
        return next((band for band in self.bands if name in band.layers), None)


@dataclass(frozen=True)
class Option:
    """One option of the author's choice question; `correct` says whether it is a right answer."""

    text: str
    correct: bool = False
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)


@dataclass(frozen=True)
class Step:
    """One step of a process: its name, what happens in it (`detail`), the definition it is an instance of."""

    name: str
    detail: str | None = None
    concept: str | None = None
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)


@dataclass(frozen=True)
class Process(_Fact):
    """Ordered steps, first to last: a flow, not a stack of layers."""

    meta: Meta
    title: str
    steps: tuple[Step, ...]
    illustrates: str | None = None


@dataclass(frozen=True)
class AuthorQuestion(_Fact):
    """A question the author wrote, with the answer, optionally drawn as a stack.

    With `choices` it is a choice question: one right option (single choice) or several
    ("choose all that apply"); `answer` is then the right options' texts joined. The options
    are shuffled wherever they are shown unless `shuffle` is false (an option such as "all of
    the above" must stay last). `about` names the fact the question is about, `points` what
    it is worth on an exam.
    """

    meta: Meta
    question: str
    answer: str
    explanation: str | None = None
    stack: str | None = None
    choices: tuple[Option, ...] = ()
    about: str | None = None
    points: int | None = None
    shuffle: bool = True
    image: Image | None = None

    @property
    def right(self) -> tuple[str, ...]:
        """The texts of the right options, in the author's order."""
        return tuple(o.text for o in self.choices if o.correct)

    @property
    def multiple(self) -> bool:
        """Whether more than one option is right ("choose all that apply")."""
        return len(self.right) > 1


#: What a cell of a comparison holds when the table says nothing there.
NO_VALUE = "—"


@dataclass(frozen=True)
class Cell:
    """One value of a comparison row: what ATTRIBUTE is for one concept."""

    concept: str
    value: str
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)

    @property
    def known(self) -> bool:
        """False for `NO_VALUE`: the table says nothing about this concept here."""
        return self.value != NO_VALUE


@dataclass(frozen=True)
class TableRow:
    """One attribute of a comparison and its value for each concept, in the table's concept order."""

    attribute: str
    values: tuple[Cell, ...]
    loc: Loc = field(default=Loc("<memory>", 0), compare=False)

    def value_of(self, concept: str) -> str:
        return next(cell.value for cell in self.values if cell.concept == concept)


@dataclass(frozen=True)
class ComparisonTable(_Fact):
    """Concepts (definition ids, the columns) compared attribute by attribute (the rows).

    Every row holds a value for every concept; a cell is closed (the concept's value is
    that one, so another row value is false of it) unless it is `NO_VALUE`.
    """

    meta: Meta
    title: str
    concepts: tuple[str, ...]
    rows: tuple[TableRow, ...]


Fact = Definition | ProsCons | Taxonomy | Scenario | Stack | Process | AuthorQuestion | ComparisonTable


#: The fields of `FactBase` that hold facts, one per fact kind.
KIND_FIELDS = ("definitions", "pros_cons", "taxonomies", "scenarios", "stacks", "processes", "questions", "comparisons")


@dataclass(frozen=True)
class FactBase:
    """Every fact of every file, each kind sorted by id."""

    definitions: tuple[Definition, ...] = ()
    pros_cons: tuple[ProsCons, ...] = ()
    taxonomies: tuple[Taxonomy, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    stacks: tuple[Stack, ...] = ()
    processes: tuple[Process, ...] = ()
    questions: tuple[AuthorQuestion, ...] = ()
    comparisons: tuple[ComparisonTable, ...] = ()
    files: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    """Groups of words that mean the same in any answer (운영체제, OS)."""
    exclude: tuple[tuple[str, Loc], ...] = ()
    """Question and card ids the author dropped from every output, with where they were named."""
    cards: tuple[tuple[str, frozenset[str]], ...] = ()
    """The card families a file's facts get, for the files that chose (file, families)."""
    # Lookups derived from the facts above, built once in __post_init__.
    _index: dict[str, Fact] = field(init=False, repr=False, compare=False)
    _parents: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _pros_cons: dict[str, ProsCons] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {fact.id: fact for fact in self.facts()})
        parents: dict[str, list[str]] = {}
        for link in self.taxonomies:
            for child in link.children:
                parents.setdefault(child, []).append(link.parent)
        object.__setattr__(self, "_parents", {child: tuple(ps) for child, ps in parents.items()})
        pros_cons: dict[str, ProsCons] = {}
        for entry in self.pros_cons:
            pros_cons.setdefault(entry.concept, entry)
        object.__setattr__(self, "_pros_cons", pros_cons)

    def facts(self) -> Iterator[Fact]:
        """Every fact, kind by kind in field order, each kind by id."""
        for name in KIND_FIELDS:
            yield from getattr(self, name)

    def __getitem__(self, fact_id: str) -> Fact:
        return self._index[fact_id]

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self._index

    def __len__(self) -> int:
        return len(self._index)

    def definition(self, fact_id: str) -> Definition:
        fact = self[fact_id]
        assert isinstance(fact, Definition), fact_id
        return fact

    def decks(self) -> tuple[str, ...]:
        return tuple(sorted({fact.meta.deck for fact in self.facts()}))

    def parents_of(self, concept: str) -> tuple[str, ...]:
        """The concepts CONCEPT is a kind of, in taxonomy-id order."""
        return self._parents.get(concept, ())

    def pros_cons_of(self, concept: str) -> ProsCons | None:
        """The first (by id) pros/cons entry about CONCEPT."""
        return self._pros_cons.get(concept)
