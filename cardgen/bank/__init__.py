"""The question bank: every question the fact base can ask, and randomized quiz sets drawn from it.

`build_bank(base)` turns a `FactBase` into a tuple of `Question`s, sorted by id, with
options in canonical order (sorted by folded text, so the position of the answer says
nothing). `quiz_sets(bank, ...)` samples sets from it, shuffles options with a
`random.Random` derived from the seed and spreads the correct position evenly. The exam,
the terminal quiz and the quiz-set writers all read these objects; none of them makes a
random choice of its own.

Kinds (`Question.kind`) and the shape of their answer:

- `term_from_definition` (choice) — a definition is shown; pick the term.
- `definition_from_term` (choice) — a term is shown; pick its definition.
- `pro_of`, `con_of` (choice) — pick the advantage / disadvantage of a concept; wrong
  options are points of sibling concepts (right fact, wrong subject) or the concept's own
  points of the other polarity.
- `ox_pro`, `ox_con` (O/X) — "this is an advantage / disadvantage of X": true or false.
  `options` is always `("O", "X")` and `answer` the index (0 = O, 1 = X). False
  statements are only those the facts vouch for: X's own points of the other polarity,
  points a comparison denies for X, and points of X's taxonomy siblings (only when X's
  points of that polarity are listed at all).
- `stack_order` (order) — `options` are the layers of a stack in canonical (sorted) order;
  `answer` is the tuple of layer names top to bottom.
- `stack_missing_choice` (choice) — a stack drawn with one blank box (`stack`,
  `hidden_layer`); pick the missing layer.
- `stack_missing_fill` (fill) — the same drawing; `answer` is the layer name, `accepted`
  the other names that count as right.
- `stack_above`, `stack_below` (choice) — which layer sits directly above / below a layer.
- `kind_of` (choice) — which of these is a kind of X (taxonomy).
- `odd_one_out` (choice) — which of these is not a kind of X.
- `matching` (match) — `options` are the definitions (the right-hand column, in display
  order); `answer` is the tuple of (term, definition) pairs in the order the terms are shown.
- `author` (short) — the author's own question; `answer` is the expected answer text.

Choice questions have at least `MIN_OPTIONS` (3) and at most `MAX_OPTIONS` (4) options and
exactly one right one. A wrong option is never something the fact base says is also true
(texts compared after NFKC, casefold and collapsed whitespace), never a duplicate and never
another name of the answer; a question that cannot get enough good options is not made.
"Also true" includes taxonomy lineage: a kind of X fits X's definition, what X is a kind
of shares X's points, and a concept the facts tie to X's kinds (a layer of a stack that
illustrates one, a term their definitions use) is never offered as "not a kind of X".

In quiz sets, kinds take turns, no fact repeats while unused ones remain, O and X
answers alternate, and each option position is right equally often.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Iterable, Iterator, Sequence, Union

from cardgen.gcpause import collector_paused
from cardgen.errors import UsageError
from cardgen.factbase.model import FactBase, Stack

Answer = Union[int, str, tuple[str, ...], tuple[tuple[str, str], ...]]

#: kind -> style; the style says how a renderer shows the question and reads the answer.
KINDS: dict[str, str] = {
    "term_from_definition": "choice",
    "definition_from_term": "choice",
    "pro_of": "choice",
    "con_of": "choice",
    "ox_pro": "ox",
    "ox_con": "ox",
    "stack_order": "order",
    "stack_missing_choice": "choice",
    "stack_missing_fill": "fill",
    "stack_above": "choice",
    "stack_below": "choice",
    "kind_of": "choice",
    "odd_one_out": "choice",
    "matching": "match",
    "author": "short",
}

MIN_OPTIONS = 3
MAX_OPTIONS = 4
OX = ("O", "X")


@dataclass(frozen=True, slots=True)
class Question:
    """One question, ready to render: nothing in it needs the fact base any more.

    `id` is `<fact id>/<kind>/<variant>` and stays the same across runs and seeds.
    `answer` is an index into `options` for choice and O/X questions, the expected text
    for fill and short-answer questions, the layer names top to bottom for ordering, and
    (term, definition) pairs for matching. `accepted` holds other answers that count as
    right (aliases). `facts` are the source fact ids, the main one first. `stack` is a
    stack to draw with the prompt, with `hidden_layer` (an index into its layers) drawn as
    a blank box; both are None when a drawing would give the answer away.
    """

    id: str
    kind: str
    prompt: str
    options: tuple[str, ...]
    answer: Answer
    accepted: tuple[str, ...] = ()
    explanation: str = ""
    facts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    stack: Stack | None = None
    hidden_layer: int | None = None

    @property
    def style(self) -> str:
        """`choice`, `ox`, `order`, `fill`, `match` or `short` (see `KINDS`)."""
        return KINDS[self.kind]


_recent: list[tuple[FactBase, tuple[Question, ...]]] = []


def build_bank(base: FactBase) -> tuple[Question, ...]:
    """Every question the fact base supports, sorted by id; deterministic.

    The bank of the last fact base asked for is kept, so the generators of one
    build (exam, quiz sets) share one bank instead of each building its own.
    """
    for known, bank in _recent:
        if known is base:
            return bank
    from cardgen.bank import generate as questions

    from cardgen.bank.relations import fold

    try:
        with collector_paused():
            bank = tuple(sorted(questions.generate(base), key=lambda q: q.id))
    finally:
        fold.cache_clear()
    _recent[:] = [(base, bank)]
    return bank


def quiz_sets(
    bank: Sequence[Question],
    *,
    sets: int,
    size: int,
    seed: int | str,
    kinds: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> list[list[Question]]:
    """SETS randomized sets of SIZE questions drawn from BANK.

    Only questions of the given kinds and carrying one of the given tags are drawn (all
    when None). Within a set no fact repeats while questions about unused facts remain,
    and kinds take turns; questions used less in earlier sets come first, so the sets
    cover the bank before repeating. Options are shuffled and the correct position is
    dealt from a shuffled deck of positions, so each position comes up equally often.
    Raises `UsageError` for a bad count, an unknown kind or tag, or too few questions.
    """
    pool = select(bank, kinds=kinds, tags=tags)
    if sets < 1:
        raise UsageError(f"the number of sets must be at least 1, not {sets}")
    if size < 1:
        raise UsageError(f"the set size must be at least 1, not {size}")
    if size > len(pool):
        raise UsageError(f"only {len(pool)} question(s) match, so a set cannot hold {size}")
    used: Counter[str] = Counter()
    out = []
    for number in range(1, sets + 1):
        rng = random.Random(f"cardgen-quizset:{seed}:{number}")
        chosen = _draw(pool, size, rng, used)
        used.update(q.id for q in chosen)
        out.append(shuffle_options(chosen, rng))
    return out


def select(bank: Sequence[Question], *, kinds: Iterable[str] | None = None,
           tags: Iterable[str] | None = None) -> list[Question]:
    """The questions of BANK of one of KINDS carrying one of TAGS; unknown names are a `UsageError`."""
    pool = list(bank)
    if kinds is not None:
        wanted = set(kinds)
        unknown = sorted(wanted - set(KINDS))
        if unknown:
            raise UsageError(f"unknown question kind(s): {', '.join(unknown)}; known kinds: {', '.join(KINDS)}")
        pool = [q for q in pool if q.kind in wanted]
    if tags is not None:
        wanted = set(tags)
        known = {tag for q in bank for tag in q.tags}
        unknown = sorted(wanted - known)
        if unknown:
            raise UsageError(f"unknown tag(s): {', '.join(unknown)}; known tags: {', '.join(sorted(known))}")
        pool = [q for q in pool if wanted & set(q.tags)]
    if not pool:
        raise UsageError("no question matches the given kinds and tags")
    return pool


def _draw(pool: list[Question], size: int, rng: random.Random, used: Counter[str]) -> list[Question]:
    # Kinds take turns in a random order; within a kind, the least used questions come
    # first, in random order among equals.
    by_kind: dict[str, list[Question]] = {}
    for q in pool:
        by_kind.setdefault(q.kind, []).append(q)
    def least_used_first(questions: list[Question]) -> list[Question]:
        rng.shuffle(questions)
        questions.sort(key=lambda q: used[q.id])  # stable: the shuffle orders equals
        return questions

    queues = []
    for kind in sorted(by_kind):
        if KINDS[kind] == "ox":
            # O and X take turns too, so "always X" is no strategy.
            halves = [least_used_first([q for q in by_kind[kind] if q.answer == a]) for a in (0, 1)]
            rng.shuffle(halves)
            queue = [q for pair in zip_longest(*halves) for q in pair if q is not None]
        else:
            queue = least_used_first(by_kind[kind])
        queues.append(queue)
    rng.shuffle(queues)

    def turns() -> Iterator[Question]:
        for r in range(max(map(len, queues))):
            for queue in queues:
                if r < len(queue):
                    yield queue[r]

    # Take the next question whose facts are all unused in this round; when every
    # remaining one repeats a fact, start a new round with those, in the same order.
    chosen: list[Question] = []
    waiting: Iterable[Question] = turns()
    while len(chosen) < size:
        seen_facts: set[str] = set()
        deferred: list[Question] = []
        for q in waiting:
            if len(chosen) == size:
                break
            if seen_facts.isdisjoint(q.facts):
                chosen.append(q)
                seen_facts.update(q.facts)
            else:
                deferred.append(q)
        waiting = deferred
    return chosen


def spread_positions(rng: random.Random, sizes: Sequence[int]) -> list[int]:
    """A correct position for each question with SIZES[i] options, each position used evenly.

    Within each option count the positions 0..n-1 are dealt in turn and then
    shuffled, so no two positions differ in use by more than one.
    """
    positions = [0] * len(sizes)
    for size in sorted(set(sizes)):
        where = [i for i, s in enumerate(sizes) if s == size]
        dealt = [i % size for i in range(len(where))]
        rng.shuffle(dealt)
        for index, position in zip(where, dealt):
            positions[index] = position
    return positions


def shuffle_options(questions: Sequence[Question], rng: random.Random) -> list[Question]:
    """QUESTIONS with their options shuffled, correct positions spread evenly.

    Choice questions get their correct positions from `spread_positions`; the
    terms and the definitions of a matching question and the pieces of an
    ordering are shuffled too (an ordering is never shown solved). O/X stays O, X.
    """
    sizes = [len(q.options) for q in questions if q.style == "choice"]
    positions = iter(spread_positions(rng, sizes))
    out = []
    for q in questions:
        if q.style == "choice":
            target = next(positions)
            wrong = [option for i, option in enumerate(q.options) if i != q.answer]
            rng.shuffle(wrong)
            wrong.insert(target, q.options[q.answer])
            out.append(replace(q, options=tuple(wrong), answer=target))
        elif q.style == "match":
            pairs, options = list(q.answer), list(q.options)
            rng.shuffle(pairs)
            rng.shuffle(options)
            out.append(replace(q, answer=tuple(pairs), options=tuple(options)))
        elif q.style == "order":
            pieces = list(q.options)
            rng.shuffle(pieces)
            if tuple(pieces) == q.answer and len(pieces) > 1:
                pieces = pieces[1:] + pieces[:1]
            out.append(replace(q, options=tuple(pieces)))
        else:
            out.append(q)
    return out
