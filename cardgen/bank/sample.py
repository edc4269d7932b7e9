"""Drawing from the bank: questions of chosen kinds and tags, sampled into sets, options shuffled.

In a set, kinds take turns, no fact repeats while unused ones remain, true and false
statements alternate, and each option position is right equally often. Every random
choice comes from the `random.Random` the caller passes or derives from the seed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import zip_longest
from typing import NamedTuple, assert_never

from cardgen.bank.question import (
    KINDS,
    Choice,
    FillIn,
    Matching,
    MultiChoice,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    compared,
    drawing,
    flow_drawn,
)
from cardgen.errors import UsageError
from cardgen.text import fold


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
        chosen = _balance_truth(_draw(pool, size, rng, used), pool)
        used.update(q.id for q in chosen)
        out.append(shuffle_options(chosen, rng))
    return out


def select(
    bank: Sequence[Question], *, kinds: Iterable[str] | None = None, tags: Iterable[str] | None = None
) -> list[Question]:
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
    # True and false take turns, within each kind and across kinds (each true/false kind
    # starts with the other answer than the one before), so "always false" is no strategy.
    true_first = rng.random() < 0.5
    for kind in sorted(by_kind):
        if KINDS[kind] is TrueFalse:
            order = (True, False) if true_first else (False, True)
            true_first = not true_first
            halves = [
                least_used_first([q for q in by_kind[kind] if isinstance(q, TrueFalse) and q.answer is a])
                for a in order
            ]
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

    # Take the next question that neither shares a fact with one already taken nor gives
    # another's answer away (`reveals`); when none is left, start a new round with the rest,
    # in the same order, allowing a repeated fact but still never a give-away.
    chosen: list[Question] = []
    shown: list[_Shown] = []  # what each chosen question asks and shows
    waiting: list[Question] = list(turns())
    # First every question about a fact of its own; then facts may repeat; only when
    # nothing else is left may a question give another's answer away.
    repeat_facts = give_away = False
    while len(chosen) < size and waiting:
        seen_facts: set[str] = set()
        deferred: list[Question] = []
        for q in waiting:
            if len(chosen) == size:
                break
            mine = _shown(q)
            clash = any(_reveals(mine, other) or _reveals(other, mine) for other in shown)
            if (repeat_facts or seen_facts.isdisjoint(q.facts)) and (give_away or not clash):
                chosen.append(q)
                shown.append(mine)
                seen_facts.update(q.facts)
            else:
                deferred.append(q)
        if len(deferred) == len(waiting):
            repeat_facts, give_away = True, repeat_facts  # loosen one rule at a time
        waiting = deferred
    return chosen


def _balance_truth(chosen: list[Question], pool: list[Question]) -> list[Question]:
    """CHOSEN with its true/false statements evened out: while one answer leads by more than
    one, its last statement gives way to an unused one of the other answer, from the pool
    in pool order (the draw keeps facts apart first, which can tilt the balance)."""
    taken = {q.id for q in chosen}
    spare = {
        a: [q for q in pool if isinstance(q, TrueFalse) and q.answer is a and q.id not in taken] for a in (True, False)
    }
    out = list(chosen)
    while True:
        statements = {i: q.answer for i, q in enumerate(out) if isinstance(q, TrueFalse)}
        true = sum(1 for answer in statements.values() if answer)
        false = len(statements) - true
        lead = True if true > false + 1 else False if false > true + 1 else None
        if lead is None or not spare[not lead]:
            return out
        last = max(i for i, answer in statements.items() if answer is lead)
        rest = [q for j, q in enumerate(out) if j != last]
        facts = {f for q in rest for f in q.facts}

        def fits(q: Question, rest: list[Question] = rest) -> bool:
            return not any(reveals(q, r) or reveals(r, q) for r in rest)

        # An unused statement that shows no other answer, about facts the set does not touch
        # yet if there is one; never one that gives an answer away.
        fitting = [k for k, q in enumerate(spare[not lead]) if fits(q)]
        if not fitting:
            return out
        fresh = [k for k in fitting if facts.isdisjoint(spare[not lead][k].facts)]
        already_repeats = len({q.facts[0] for q in rest}) < len(rest)
        if not fresh and not already_repeats:
            return out  # a fact asked twice would be worse than a statement too many
        out[last] = spare[not lead].pop((fresh or fitting)[0])


def _rows_asked(q: Question) -> frozenset[str]:
    """A mark for each comparison row Q asks about. Every such question pairs a concept with
    a value of the row, in its statement, its options or its columns, so two questions about
    one row each give the other's answer away: the mark is in both their answers and givens."""
    found = compared(q)
    if found is None:
        return frozenset()
    table, cells = found
    return frozenset(f"\x1f{table.id}\x1f{row}\x1f" for row, _ in cells)


def answers(q: Question) -> frozenset[str]:
    """What a student must produce for Q, folded: the key and its other accepted forms (and
    the comparison rows it asks, `_rows_asked`)."""
    match q:
        case Choice():
            texts: tuple[str, ...] = (q.options[q.answer],)  # picked, not written: its other names are no answer
        case MultiChoice():
            texts = q.right
        case FillIn():
            texts = (q.answer, *q.accepted)
        case Matching():
            texts = (*q.terms, *q.definitions)
        case TrueFalse() if q.kind == "stack_band_ox":
            # "X is in band B": a drawing of X's stack, which brackets X in its band, answers it.
            texts = tuple(q.prompt.split("\n")[1:])
        case Ordering() | TrueFalse() | ShortAnswer():
            texts = ()
        case _ as unreachable:
            assert_never(unreachable)
    return frozenset(t for t in map(fold, texts) if len(t) >= 2) | _rows_asked(q)


def visible(q: Question) -> str:
    """What Q shows as given, folded: the text it quotes (the prompt's lines after the
    question), matching columns, ordering pieces and drawn layers. Choice options are no
    given: a term offered as a wrong option tells nothing about it. The comparison rows Q
    asks (`_rows_asked`) count as shown."""
    parts = q.prompt.split("\n")[1:]
    match q:
        case Matching():
            parts += [*q.terms, *q.definitions]
        case Ordering():
            parts += q.pieces
        case Choice() | MultiChoice() | TrueFalse() | FillIn() | ShortAnswer():
            pass
        case _ as unreachable:
            assert_never(unreachable)
    if (drawn := drawing(q)) is not None:
        stack, hidden = drawn
        parts += [layer.name for i, layer in enumerate(stack.layers) if i != hidden]
        parts += [layer.note for i, layer in enumerate(stack.layers) if layer.note and i != hidden]
        parts += [band.name for band in stack.bands]
    parts += [step.name for step in flow_drawn(q) if not step.hidden]
    return "\n".join([fold("\n".join(parts)), *sorted(_rows_asked(q))])


class _Shown(NamedTuple):
    """What a question asks and shows, as `reveals` compares them."""

    answers: frozenset[str]
    given: str
    """`visible`: what the question gives as known."""
    written: str
    """The key a student must write from memory (a fill-in's), folded; empty for the rest."""
    printed: str
    """All the question's text, folded: its question line and options too."""


def _shown(q: Question) -> _Shown:
    given = visible(q)
    options = q.options if isinstance(q, Choice | MultiChoice) else ()
    written = fold(q.answer) if isinstance(q, FillIn) else ""
    return _Shown(answers(q), given, written, "\n".join([given, *map(fold, (q.prompt, *options))]))


def reveals(a: Question, b: Question) -> bool:
    """Whether B shows the answer A asks for (a matching column, a drawn layer, an option),
    or, when A's answer is written from memory, names it anywhere (its question, an option)."""
    return _reveals(_shown(a), _shown(b))


def _reveals(a: _Shown, b: _Shown) -> bool:
    return any(answer in b.given for answer in a.answers) or (len(a.written) >= 2 and a.written in b.printed)


def give_aways(questions: Sequence[Question]) -> list[tuple[int, int]]:
    """Each (I, J), positions in QUESTIONS counted from 1, where question I shows the answer
    question J asks (`reveals`). A set drawn by `quiz_sets` has none unless the questions it
    may draw from hold too few that stand apart."""
    shown = [_shown(q) for q in questions]
    return sorted(
        (i, j)
        for j, asked in enumerate(shown, 1)
        for i, other in enumerate(shown, 1)
        if i != j and _reveals(asked, other)
    )


def give_away_note(name: str, pairs: Sequence[tuple[int, int]], size: int, most: int = 4) -> str:
    """A line on the set NAME of SIZE questions and its PAIRS (`give_aways`): "NAME: question 4
    shows the answer to question 12; questions 2 and 7 show each other's answers (...)", the
    first MOST of them and how many more."""
    pairs = sorted(set(pairs))
    both = {(i, j) for i, j in pairs if i < j and (j, i) in pairs}
    parts = [
        f"questions {i} and {j} show each other's answers"
        if (i, j) in both
        else f"question {i} shows the answer to question {j}"
        for i, j in pairs
        if (i, j) in both or (j, i) not in both
    ]
    more = f"; and {len(parts) - most} more such pairs" if len(parts) > most else ""
    return f"{name}: {'; '.join(parts[:most])}{more} (too few of the questions to draw from stand apart for {size})"


def spread_positions(rng: random.Random, sizes: Sequence[int]) -> list[int]:
    """A correct position for each question with SIZES[i] options, each position used evenly.

    Within each option count the positions 0..n-1 are dealt in turn and then
    shuffled, so no two positions differ in use by more than one.
    """
    positions = [0] * len(sizes)
    for size in sorted(set(sizes)):
        where = [i for i, s in enumerate(sizes) if s == size]
        # Dealt from a random first position: a set with fewer questions of this size than
        # positions must not favour the first positions.
        start = rng.randrange(size)
        dealt = [(start + i) % size for i in range(len(where))]
        rng.shuffle(dealt)
        for index, position in zip(where, dealt, strict=True):
            positions[index] = position
    return positions


def shuffle_options(questions: Sequence[Question], rng: random.Random) -> list[Question]:
    """QUESTIONS with their options shuffled, correct positions spread evenly.

    Choice questions get their correct positions from `spread_positions`; the
    options of a multiple-answer question, the terms and the definitions of a
    matching question and the pieces of an ordering are shuffled too (an ordering
    is never shown solved). The author's `fixed` options keep their order.
    """
    sizes = [len(q.options) for q in questions if isinstance(q, Choice) and not q.fixed]
    positions = iter(spread_positions(rng, sizes))
    out: list[Question] = []
    for q in questions:
        match q:
            case Choice() | MultiChoice() if q.fixed:
                out.append(q)
            case MultiChoice():
                options = list(q.options)
                rng.shuffle(options)
                right = set(q.right)
                answers = tuple(i for i, o in enumerate(options) if o in right)
                out.append(replace(q, options=tuple(options), answers=answers))
            case Choice():
                target = next(positions)
                wrong = [option for i, option in enumerate(q.options) if i != q.answer]
                rng.shuffle(wrong)
                wrong.insert(target, q.options[q.answer])
                out.append(replace(q, options=tuple(wrong), answer=target))
            case Matching():
                pairs = list(q.pairs)
                rng.shuffle(pairs)
                definitions = list(q.definitions)
                rng.shuffle(definitions)
                out.append(
                    replace(
                        q,
                        terms=tuple(t for t, _ in pairs),
                        definitions=tuple(definitions),
                        answer=tuple(definitions.index(d) for _, d in pairs),
                    )
                )
            case Ordering():
                pieces = list(q.pieces)
                rng.shuffle(pieces)
                if tuple(pieces) == q.answer and len(pieces) > 1:
                    pieces = pieces[1:] + pieces[:1]
                out.append(replace(q, pieces=tuple(pieces)))
            case TrueFalse() | FillIn() | ShortAnswer():
                out.append(q)
            case _ as unreachable:
                assert_never(unreachable)
    return out
