"""The generated question: one of a few frozen variants, each with exactly the fields its kind needs.

Code that treats variants differently matches on the type and ends with
`assert_never`, so a new variant fails type-checking wherever it is not handled yet.

Every variant carries the same identity and provenance:

- `id` is `<fact id>/<kind>/<variant>` and stays the same across runs and seeds;
- `kind` is the generator that made it (`term_from_definition`, `stack_above`, ...);
- `prompt` is the question; its first line is the question proper, any further lines
  the text it is about (shown quoted);
- `explanation` says why the answer is right; `facts` are the source fact ids, the
  main one first; `tags` are the tags of those facts;
- `points` is what the author says the question is worth (None: the exam's default).

Options of a freshly generated question are in canonical order (sorted by folded text),
so a position says nothing; `cardgen.bank.sample` shuffles them for a set. The author's
choice questions may be `fixed`: their options keep the author's order everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, assert_never

from cardgen.factbase.model import ComparisonTable, Stack
from cardgen.flow import FlowStep

Style = Literal["choice", "multi", "ox", "order", "match", "fill", "short"]

MIN_OPTIONS = 3
MAX_OPTIONS = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class _Asked:
    id: str
    kind: str
    prompt: str
    explanation: str = ""
    facts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    points: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice(_Asked):
    """Pick the one right option; `answer` indexes `options`. `stack` is drawn with the
    prompt, the layer at `hidden_layer` as a blank box; `flow` is a part of a process drawn
    with the prompt, the asked step as "?". `accepted` are other names of the answer (never
    offered as wrong options). `table` is the comparison the question asks about, `cells`
    the (row, column) cells it asks (drawn with the answer, never with the question)."""

    style: ClassVar[Style] = "choice"
    options: tuple[str, ...]
    answer: int
    accepted: tuple[str, ...] = ()
    stack: Stack | None = None
    hidden_layer: int | None = None
    fixed: bool = False
    flow: tuple[FlowStep, ...] = ()
    table: ComparisonTable | None = None
    cells: tuple[tuple[int, int], ...] = ()

    @property
    def answer_text(self) -> str:
        return self.options[self.answer]


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiChoice(_Asked):
    """Pick every right option ("choose all that apply"); `answers` index `options`, ascending.
    Only the author writes these; `fixed` keeps the author's order of the options."""

    style: ClassVar[Style] = "multi"
    options: tuple[str, ...]
    answers: tuple[int, ...]
    fixed: bool = False

    @property
    def right(self) -> tuple[str, ...]:
        """The right options' texts, in display order."""
        return tuple(self.options[i] for i in self.answers)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrueFalse(_Asked):
    """A statement (the prompt's second line) that is true or false by the facts; `table` and
    `cells` as for `Choice`."""

    style: ClassVar[Style] = "ox"
    answer: bool
    table: ComparisonTable | None = None
    cells: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Ordering(_Asked):
    """Put `pieces` (shown in this order) in the order `answer` gives: top to bottom, or,
    when `flow` is set, the steps of a process first to last."""

    style: ClassVar[Style] = "order"
    pieces: tuple[str, ...]
    answer: tuple[str, ...]
    flow: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Matching(_Asked):
    """Match each of `terms` (the left column, in display order) to one of `definitions`
    (the right column, in display order): term i goes with `definitions[answer[i]]`.
    `table` and `cells` as for `Choice`."""

    style: ClassVar[Style] = "match"
    terms: tuple[str, ...]
    definitions: tuple[str, ...]
    answer: tuple[int, ...]
    table: ComparisonTable | None = None
    cells: tuple[tuple[int, int], ...] = ()

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(term, definition) in the order the terms are shown."""
        return tuple((term, self.definitions[i]) for term, i in zip(self.terms, self.answer, strict=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class FillIn(_Asked):
    """Write the missing word: the layer left blank in the drawn `stack`, or the term left
    blank in the sentence the prompt quotes."""

    style: ClassVar[Style] = "fill"
    answer: str
    accepted: tuple[str, ...] = ()
    stack: Stack | None = None
    hidden_layer: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortAnswer(_Asked):
    """The author's own question, answered in a sentence."""

    style: ClassVar[Style] = "short"
    answer: str


Question = Choice | MultiChoice | TrueFalse | Ordering | Matching | FillIn | ShortAnswer

#: Every kind the generators make, and the variant each one makes.
KINDS: dict[
    str,
    type[Choice]
    | type[MultiChoice]
    | type[TrueFalse]
    | type[Ordering]
    | type[Matching]
    | type[FillIn]
    | type[ShortAnswer],
] = {
    "term_from_definition": Choice,
    "definition_from_term": Choice,
    "detail_fill": FillIn,
    "pro_of": Choice,
    "con_of": Choice,
    "ox_pro": TrueFalse,
    "ox_con": TrueFalse,
    "ox_example": TrueFalse,
    "stack_order": Ordering,
    "stack_missing_choice": Choice,
    "stack_missing_fill": FillIn,
    "stack_above": Choice,
    "stack_below": Choice,
    "stack_cross": Choice,
    "stack_band": Choice,
    "stack_band_ox": TrueFalse,
    "process_order": Ordering,
    "process_next": Choice,
    "process_previous": Choice,
    "process_step": Choice,
    "kind_of": Choice,
    "odd_one_out": Choice,
    "group_member": Choice,
    "matching": Matching,
    "author": ShortAnswer,
    "author_choice": Choice,
    "author_multi": MultiChoice,
    "compare_which": Choice,
    "compare_match": Matching,
    "compare_ox": TrueFalse,
}

#: The kinds whose options are the author's: screened for giveaways by `cardgen audit`, never dropped.
AUTHORED = frozenset({"author_choice", "author_multi"})


def drawing(q: Question) -> tuple[Stack, int | None] | None:
    """The stack drawn with Q and the index of its blank layer, if Q draws one."""
    match q:
        case Choice() | FillIn():
            return (q.stack, q.hidden_layer) if q.stack is not None else None
        case MultiChoice() | TrueFalse() | Ordering() | Matching() | ShortAnswer():
            return None
        case _ as unreachable:
            assert_never(unreachable)


def flow_drawn(q: Question) -> tuple[FlowStep, ...]:
    """The part of a process drawn with Q, if Q draws one."""
    return q.flow if isinstance(q, Choice) else ()


def also_accepted(q: Question) -> tuple[str, ...]:
    """Other answers that count as right (other names of the key, synonyms)."""
    match q:
        case Choice() | FillIn():
            return q.accepted
        case MultiChoice() | TrueFalse() | Ordering() | Matching() | ShortAnswer():
            return ()
        case _ as unreachable:
            assert_never(unreachable)


def compared(q: Question) -> tuple[ComparisonTable, tuple[tuple[int, int], ...]] | None:
    """The comparison Q asks about and the (row, column) cells it asks, if it asks one."""
    match q:
        case Choice() | TrueFalse() | Matching():
            return (q.table, q.cells) if q.table is not None else None
        case MultiChoice() | Ordering() | FillIn() | ShortAnswer():
            return None
        case _ as unreachable:
            assert_never(unreachable)
