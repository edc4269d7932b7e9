"""The fact kinds: one table that the loader, the JSON Schema, `stats` and the cards read.

A fact kind is a section of a fact file (`definitions:`), the model class its entries
become, the keys an entry may have, what other facts may call it when they refer to
it, how `stats` counts its parts, and the card families it makes with their titles.

Adding a kind means: its model class (and its field on `FactBase`), one entry here,
its cards (`cardgen.cards`) and its questions (`cardgen.bank.generate`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cardgen.factbase.model import (
    NO_VALUE,
    AuthorQuestion,
    ComparisonTable,
    Definition,
    Fact,
    Process,
    ProsCons,
    Scenario,
    Stack,
    Taxonomy,
)
from cardgen.lang import N_

MAX_LAYER_COUNT = 99
MAX_POINTS = 100
IMAGE_HELP = "A PNG, JPEG, GIF or SVG file, its path relative to the fact file; shipped with the cards and exams."
MIN_CHOICES, MAX_CHOICES = 2, 9  # one key press picks an option in the terminal quiz
COUNT_SYMBOL = r"×?\s*([^\W\d_][\w+\-]{0,3})"
"""A symbolic count: a short word starting with a letter (`N`, `n`, `k`), with or without a leading `×`."""


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its value type, whether it is required, what it refers to."""

    kind: str  # "text", "texts", "count", "points", "layers", "bands", "steps", "compare", "ids", "kinds", "rows", ...
    required: bool = False
    ref: str | None = None  # the `refers_as` of the fact kind it names ("definition", "stack"), or "fact" for any
    help: str = ""


@dataclass(frozen=True)
class FactKind:
    section: str
    """The key of the kind's list in a fact file."""
    name: str
    """One entry, as messages call it: "pros/cons entry"."""
    plural: str
    """Several, as `stats` calls them."""
    model: Callable[..., Fact]
    attribute: str
    """The `FactBase` field that holds the kind's facts."""
    fields: Mapping[str, Field]
    """The keys an entry may have besides the common ones (`COMMON`)."""
    refers_as: str | None = None
    """What a reference to a fact of this kind is called (`Field.ref`); None if nothing refers to it."""
    parts: tuple[tuple[str, Callable[[Any], int]], ...] = ()
    """Things inside each fact that `stats` counts: (label, count of one fact)."""
    cards: Mapping[str, str] = field(default_factory=dict)
    """The card families the kind makes, with the title a student sees (a catalog message id)."""
    needs_one_of: tuple[str, ...] = ()
    """Keys of which an entry must have at least one."""


COMMON = {
    "id": Field("text", True, help="Stable identity; never derive it from the content."),
    "tags": Field("texts", help="Tags added to the file's tags."),
    "source": Field("text", help="Where the fact comes from (overrides the file's source)."),
    "note": Field("text", help="A remark shown with the fact, e.g. a correction of the source."),
    "reviewed": Field(
        "texts",
        help="`cardgen audit` checks the author has looked at and accepts for this fact, e.g. [kind-contains-parent].",
    ),
}

AUDIT_CHECKS = {
    "term-in-definition": "a name of the term inside its own definition",
    "english-repeats-term": "an English name that repeats the term",
    "definition-fits-two": "a definition that fits another term too",
    "kind-contains-parent": "a kind whose name contains its parent's",
    "one-kind": "a taxonomy of one kind",
    "left-out": "questions about the fact that the bank's screening left out",
}
"""The checks of `cardgen audit` about a fact, which the fact's `reviewed` may accept."""

FILE_KEYS = {
    "deck": Field("text", help="Anki deck of the file's facts; '::' separates levels."),
    "tags": Field("texts", help="Tags of every fact in the file."),
    "source": Field("text", help="Default source of every fact in the file."),
    "synonyms": Field(
        "synonyms", help="Groups of words that mean the same in any answer, e.g. [[운영체제, OS], [가상 머신, VM]]."
    ),
    "exclude": Field("texts", help="Question and card ids to leave out of every output (see `cardgen questions`)."),
    "lang": Field(
        "lang", help="The language the file is written in: 'ko' (the default) or 'en'. Every output follows."
    ),
    "cards": Field(
        "texts",
        help="The card kinds the file's facts get in Anki and `cardgen quiz` (default: all), "
        "e.g. [definition.forward, definition.typein, stack]; a first part such as 'stack' names all its kinds.",
    ),
}

POINT_KEYS = {
    "text": Field("text", True),
    "compare": Field("compare", help="How the point reads against another concept."),
    "also": Field("ids", ref="definition", help="Definition ids of other concepts the point is just as true of."),
}
COMPARE_KEYS = {
    "concept": Field("text", True, ref="definition"),
    "text": Field("text", True),
}
LAYER_KEYS = {
    "name": Field("text", True),
    "count": Field(
        "count",
        help=f"How many side by side: 1 to {MAX_LAYER_COUNT}, or a short symbol such as N for an unstated number.",
    ),
    "concept": Field("text", ref="definition", help="The definition id this layer is an instance of."),
    "note": Field("text", help="A remark drawn beside the layer (who manages it, say); never part of its name."),
    "image": Field("image", help=IMAGE_HELP),
}
BAND_KEYS = {
    "name": Field("text", True, help="The band's name, e.g. customer-managed."),
    "layers": Field("texts", True, help="The names of its layers: adjacent ones, in no other band."),
}

GROUP_KEYS = {
    "group": Field("text", True, help="The label that gathers the kinds; it is no term and gets no cards."),
    "children": Field("ids", True, ref="definition", help="Definition ids of the kinds it gathers."),
}
CHOICE_KEYS = {
    "text": Field("text", True),
    "correct": Field("flag", help="This option is a right answer."),
}
STEP_KEYS = {
    "name": Field("text", True),
    "detail": Field("text", help="What happens in this step."),
    "concept": Field("text", ref="definition", help="The definition id this step is an instance of."),
}
ROW_KEYS = {
    "attribute": Field("text", True, help="What the row compares, e.g. 'Who manages the OS'."),
    "values": Field(
        "cells",
        True,
        help=f"The value for every concept of the table, by definition id; '{NO_VALUE}' where the table says nothing.",
    ),
}

KINDS: tuple[FactKind, ...] = (
    FactKind(
        "definitions",
        "definition",
        "definitions",
        Definition,
        "definitions",
        {
            "term": Field("text", True, help="The term, as students should learn it."),
            "english": Field("text", help="The English name."),
            "aliases": Field("texts", help="Other accepted names."),
            "definition": Field("text", True, help="One line."),
            "details": Field("texts", help="Further points about the term."),
            "examples": Field("texts", help="Examples of the term."),
            "image": Field("image", help=IMAGE_HELP),
        },
        refers_as="definition",
        parts=(("definition images", lambda d: 1 if d.image else 0),),
        cards={
            "definition.forward": N_("term → definition"),
            "definition.reverse": N_("definition → term"),
            "definition.typein": N_("type the term"),
        },
    ),
    FactKind(
        "pros_cons",
        "pros/cons entry",
        "pros/cons entries",
        ProsCons,
        "pros_cons",
        {
            "concept": Field("text", True, ref="definition", help="The definition id these points are about."),
            "pros": Field("points", help="Advantages."),
            "cons": Field("points", help="Disadvantages."),
            "exclusive": Field(
                "flag", help="The points hold for this concept, not for its siblings (unless a point says 'also')."
            ),
        },
        parts=(("pros", lambda pc: len(pc.pros)), ("cons", lambda pc: len(pc.cons))),
        cards={
            "pros.recall": N_("advantages"),
            "pros.cloze": N_("advantages: fill the gap"),
            "cons.recall": N_("disadvantages"),
            "cons.cloze": N_("disadvantages: fill the gap"),
        },
        needs_one_of=("pros", "cons"),
    ),
    FactKind(
        "taxonomy",
        "taxonomy entry",
        "taxonomy entries",
        Taxonomy,
        "taxonomies",
        {
            "parent": Field("text", True, ref="definition", help="The definition id of the general concept."),
            "children": Field(
                "kinds",
                True,
                ref="definition",
                help="Definition ids of its kinds; a mapping {group, children} gathers some of them under a label.",
            ),
            "basis": Field("text", help="What the division is based on."),
            "exhaustive": Field("flag", help="The children are all the kinds there are."),
        },
        parts=(("taxonomy links", lambda t: len(t.children)), ("taxonomy groups", lambda t: len(t.groups))),
        cards={
            "taxonomy.kinds": N_("taxonomy: the kinds"),
            "taxonomy.parent": N_("taxonomy: a kind of what?"),
        },
    ),
    FactKind(
        "scenarios",
        "scenario",
        "scenarios",
        Scenario,
        "scenarios",
        {"text": Field("text", True, help="The situation that frames the stacks that name it.")},
        refers_as="scenario",
    ),
    FactKind(
        "stacks",
        "stack",
        "stacks",
        Stack,
        "stacks",
        {
            "title": Field("text", True),
            "layers": Field("layers", True, help="Top to bottom; at least two."),
            "illustrates": Field("text", ref="definition", help="The definition id the stack illustrates."),
            "scenario": Field("text", ref="scenario", help="The scenario id that frames the stack."),
            "bands": Field("bands", help="Groups of adjacent layers, each a name and its layers."),
        },
        refers_as="stack",
        parts=(
            ("stack layers", lambda s: len(s.layers)),
            ("layer notes", lambda s: sum(1 for layer in s.layers if layer.note)),
            ("layer images", lambda s: sum(1 for layer in s.layers if layer.image)),
            ("stack bands", lambda s: len(s.bands)),
        ),
        cards={
            "stack.order": N_("stack: the layers in order"),
            "stack.missing": N_("stack: the missing layer"),
            "stack.above": N_("stack: the layer above"),
            "stack.below": N_("stack: the layer below"),
            "stack.band": N_("stack: the band of a layer"),
        },
    ),
    FactKind(
        "processes",
        "process",
        "processes",
        Process,
        "processes",
        {
            "title": Field("text", True),
            "steps": Field("steps", True, help="First to last; at least two, each named once."),
            "illustrates": Field("text", ref="definition", help="The definition id the process illustrates."),
        },
        parts=(("process steps", lambda p: len(p.steps)),),
        cards={
            "process.order": N_("process: the steps in order"),
            "process.next": N_("process: the next step"),
            "process.previous": N_("process: the step before"),
        },
    ),
    FactKind(
        "questions",
        "question",
        "questions",
        AuthorQuestion,
        "questions",
        {
            "question": Field("text", True),
            "answer": Field(
                "answer",
                help="The answer; with 'choices', the right option, or a list of the right options.",
            ),
            "choices": Field(
                "choices",
                help=f"{MIN_CHOICES} to {MAX_CHOICES} options, each text or {{text, correct: true}}; "
                "one right option or several (choose all that apply).",
            ),
            "shuffle": Field("flag", help="Shuffle the choices (default true); false keeps the author's order."),
            "explanation": Field("text"),
            "stack": Field("text", ref="stack", help="A stack id that draws the answer."),
            "about": Field("text", ref="fact", help="The id of the fact the question is about."),
            "points": Field("positive", help=f"What the question is worth on an exam (1 to {MAX_POINTS})."),
            "image": Field("image", help=IMAGE_HELP),
        },
        parts=(
            ("choice questions", lambda q: 1 if q.choices else 0),
            ("question images", lambda q: 1 if q.image else 0),
        ),
        cards={"question": N_("question")},
    ),
    FactKind(
        "comparisons",
        "comparison",
        "comparisons",
        ComparisonTable,
        "comparisons",
        {
            "title": Field("text", True, help="What the table compares, e.g. 'Cloud service models'."),
            "concepts": Field("ids", True, ref="definition", help="Definition ids of the columns; two or more."),
            "rows": Field("rows", True, help="One attribute each, with a value for every concept."),
        },
        parts=(("comparison rows", lambda c: len(c.rows)),),
        cards={
            "comparison.cell": N_("comparison: one concept's value"),
            "comparison.row": N_("comparison: a whole row"),
        },
    ),
)

BY_SECTION = {kind.section: kind for kind in KINDS}
CARD_TITLES = {family: title for kind in KINDS for family, title in kind.cards.items()}
CARD_GROUPS = {
    name: frozenset(family for family in CARD_TITLES if name in (family, family.split(".")[0]))
    for name in sorted({*CARD_TITLES, *(family.split(".")[0] for family in CARD_TITLES)})
}
"""What a file's `cards` may name: a card family, or a family's first part for all of them."""
