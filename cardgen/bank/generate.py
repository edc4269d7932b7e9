"""Question generators: one method per fact kind, each yielding the bank's `Question`s.

Wrong options come from `cardgen.bank.distractors`: each generator lists its candidates in
tiers (siblings first, then the same kind of fact, then the rest) and says what is also
right; `pick` does the rest. A question that cannot get `MIN_OPTIONS` good options is
not made. Prompts speak Korean, the language of the shipped notes.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, chain, pairwise
from typing import TypeVar

from cardgen.bank.cloze import Mention, Terms, blanked, folded_name, words_around
from cardgen.bank.distractors import Candidate, Pool, Shelf, Shelves, merged, nearest, pick, where
from cardgen.bank.question import (
    AUTHORED,
    MAX_OPTIONS,
    MIN_OPTIONS,
    Choice,
    FillIn,
    Matching,
    MultiChoice,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from cardgen.bank.relations import (
    POLARITIES,
    Relations,
    band_worth_asking,
    blank_worth_asking,
    fold,
    layers_worth_asking,
    trivial_layers,
)
from cardgen.bank.screen import Reason, giveaway, shares_stem, words
from cardgen.factbase.answers import accepted_forms
from cardgen.factbase.model import (
    ComparisonTable,
    Definition,
    Fact,
    FactBase,
    Layer,
    Process,
    Stack,
    Step,
    TableRow,
    Taxonomy,
)
from cardgen.flow import FlowStep, flow_of
from cardgen.gcpause import collector_paused
from cardgen.lang import DEFAULT_LANG, LANGS, N_, Lang, Translator, lang_of, translator
from cardgen.present import GAP, stack_rows
from cardgen.richtext import has_markup

F = TypeVar("F", bound=Fact)

# Every sentence the bank writes, as a message of the catalogs (`cardgen.lang`).
ASK = {
    "pros": N_("Which of the following is an advantage of {concept}?"),
    "cons": N_("Which of the following is a disadvantage of {concept}?"),
}
IS_A = {
    "pros": N_("The following is an advantage of {concept}."),
    "cons": N_("The following is a disadvantage of {concept}."),
}
OWNED = {"pros": N_("It is an advantage of {concept}."), "cons": N_("It is a disadvantage of {concept}.")}
SHARED = {
    "pros": N_("It is an advantage of both {one} and {other}."),
    "cons": N_("It is a disadvantage of both {one} and {other}."),
}
POINT = {"pros": N_("An advantage of {concept}: {point}"), "cons": N_("A disadvantage of {concept}: {point}")}
TERM_FOR = N_("Which term has the following meaning?")
DEFINITION_OF = N_("Which is the definition of {term}?")
ORDER = N_("Put the layers of ‘{title}’ in order from top to bottom.")
BLANK = N_("Which layer goes in the blank of ‘{title}’?")
BLANK_FILL = N_("Write the layer that goes in the blank of ‘{title}’.")
ABOVE = N_("In ‘{title}’, which layer is directly above ‘{layer}’?")
BELOW = N_("In ‘{title}’, which layer is directly below ‘{layer}’?")
CROSS = N_("In which of these is ‘{upper}’ directly above ‘{lower}’?")
LAYERS = N_("{title} (top to bottom): {layers}")
BAND = N_("In ‘{title}’, which group does ‘{layer}’ belong to?")
BAND_IS = N_("In ‘{title}’, the following layer belongs to the group ‘{band}’.")
BANDS = N_("{title}: {bands}")
STEP_ORDER = N_("Put the steps of ‘{title}’ in order, first to last.")
NEXT_STEP = N_("In ‘{title}’, which step comes right after ‘{step}’?")
PREVIOUS_STEP = N_("In ‘{title}’, which step comes right before ‘{step}’?")
WHICH_STEP = N_("In ‘{title}’, which step does the following?")
STEPS = N_("{title}, first to last: {steps}")
KIND_OF = N_("Which of the following is a kind of {parent}?")
NOT_KIND_OF = N_("Which of the following is not a kind of {parent}?")
KINDS_ARE = N_("Kinds of {parent}: {kinds}")
BASIS = N_("{kinds} (basis: {basis})")
NOT_ONE = N_("{explanation}. {term} is not one of them.")
MATCH = N_("Match each term with its definition.")
EXAMPLE = N_("The following is an example of {concept}.")
EXAMPLES_ARE = N_("Examples of {concept}: {examples}")
ALL_THAT_APPLY = N_("{question} (choose all that apply)")
IN_GROUP = N_("Among the kinds of {parent}, which is one of ‘{group}’?")
GROUP_KINDS = N_("{group}: {kinds}")
WHICH_HAS = N_("Which of the following does this describe?")
MATCH_ROW = N_("In ‘{title}’, match each concept with its value.")
HOLDS_FOR = N_("In ‘{title}’, the following holds for {concept}.")
ROW_VALUES = N_("{attribute} in ‘{title}’: {values}")
NAMES_A_CONCEPT = N_("a value names a concept of the table")
FILL_TERM = N_("Write the term that goes in the blank.")
ABOUT = N_("This is about ‘{concept}’.")
MESSAGES = (
    *ASK.values(),
    *IS_A.values(),
    *OWNED.values(),
    *SHARED.values(),
    *POINT.values(),
    TERM_FOR,
    DEFINITION_OF,
    ORDER,
    BLANK,
    BLANK_FILL,
    ABOVE,
    BELOW,
    LAYERS,
    BAND,
    BAND_IS,
    BANDS,
    STEP_ORDER,
    NEXT_STEP,
    PREVIOUS_STEP,
    WHICH_STEP,
    STEPS,
    KIND_OF,
    NOT_KIND_OF,
    KINDS_ARE,
    BASIS,
    NOT_ONE,
    MATCH,
    EXAMPLE,
    EXAMPLES_ARE,
    ALL_THAT_APPLY,
    IN_GROUP,
    GROUP_KINDS,
    WHICH_HAS,
    MATCH_ROW,
    HOLDS_FOR,
    FILL_TERM,
    ABOUT,
)
CHOICE_KIND = {"pros": "pro_of", "cons": "con_of"}
OX_KIND = {"pros": "ox_pro", "cons": "ox_con"}
OTHER = {"pros": "cons", "cons": "pros"}
SHORT = {"pros": "pro", "cons": "con"}
MATCH_MIN, MATCH_MAX = 4, 6
STACK_SHARE = 0.25
DETAIL_WORDS = 4


@cache
def stem_words() -> frozenset[str]:
    """The fixed words of the bank's prompts, in every language: they are in every question of
    a kind, so they say nothing about its answer and the giveaway screening passes over them."""
    out: set[str] = set()
    for lang in LANGS:
        t = translator(lang)
        for message in MESSAGES:
            out |= words(re.sub(r"\{[^{}]*\}", " ", t.gettext(message)))
    return frozenset(out)


STACK_KEEP_ORDER = (
    "stack_cross",
    "stack_order",
    "stack_band",
    "stack_missing_choice",
    "stack_band_ox",
    "stack_above",
    "stack_below",
    "stack_missing_fill",
)


@dataclass(frozen=True)
class Dropped:
    """A question the generators made and then left out, and why (`cardgen audit` lists them)."""

    id: str
    kind: str
    facts: tuple[str, ...]
    why: Reason
    policy: bool = False
    """Left out by a rule about the whole bank (a share, a balance), not for a flaw of its own."""

    @property
    def reason(self) -> str:
        """Why, in English (`why` is the catalog message)."""
        return str(self.why)


def build_bank(base: FactBase, only: Collection[str] | None = None, lang: Lang | None = None) -> tuple[Question, ...]:
    """Every question the fact base supports (about the facts ONLY names, when given), in each
    fact's language or LANG, sorted by id; deterministic."""
    return generate_bank(base, only, lang)[0]


def generate_bank(
    base: FactBase, only: Collection[str] | None = None, lang: Lang | None = None
) -> tuple[tuple[Question, ...], tuple[Dropped, ...]]:
    """The bank, sorted by id, and the questions left out of it, each with its reason.

    Every generated question is screened for giveaways (`cardgen.bank.screen`); the
    author's own choice questions are kept as written (`cardgen audit` screens them). The
    ids the author listed under `exclude` are left out without a word.
    """
    try:
        with collector_paused():
            gen = _Generator(base, frozenset(only) if only is not None else None, lang)
            excluded = {question_id for question_id, _ in base.exclude}
            kept: list[Question] = []
            for q in chain(
                gen.definitions(),
                gen.detail_fills(),
                gen.pros_cons_choice(),
                gen.pros_cons_ox(),
                gen.stacks(),
                gen.cross_stacks(),
                gen.processes(),
                gen.taxonomy(),
                gen.matching(),
                gen.examples(),
                gen.author(),
                gen.comparisons(),
            ):
                if q.id in excluded:
                    continue
                reason = None if q.kind in AUTHORED else giveaway(q, stem_words())
                if reason:
                    gen.drop(q, reason)
                else:
                    kept.append(q)
            statements = gen.balanced([q for q in kept if isinstance(q, TrueFalse)])
            kept = [q for q in kept if not isinstance(q, TrueFalse) or q.id in statements]
            bank = tuple(sorted(gen.capped(kept), key=lambda q: q.id))
            return bank, tuple(sorted(gen.dropped, key=lambda d: d.id))
    finally:
        fold.cache_clear()


def _choice(
    qid: str,
    kind: str,
    prompt: str,
    answer: str,
    wrong: Iterable[Candidate | str],
    *,
    explanation: str,
    facts: tuple[str, ...],
    tags: tuple[str, ...],
    accepted: tuple[str, ...] = (),
    stack: Stack | None = None,
    hidden_layer: int | None = None,
    flow: tuple[FlowStep, ...] = (),
    table: ComparisonTable | None = None,
    cells: tuple[tuple[int, int], ...] = (),
) -> Choice:
    texts = [w.text if isinstance(w, Candidate) else w for w in wrong]
    options = tuple(sorted((answer, *texts), key=lambda t: (fold(t), t)))
    return Choice(
        id=qid,
        kind=kind,
        prompt=prompt,
        options=options,
        answer=options.index(answer),
        explanation=explanation,
        facts=facts,
        tags=tags,
        accepted=accepted,
        stack=stack,
        hidden_layer=hidden_layer,
        flow=flow,
        table=table,
        cells=cells,
    )


def _ordering(
    qid: str,
    kind: str,
    prompt: str,
    order: Iterable[str],
    *,
    explanation: str,
    facts: tuple[str, ...],
    tags: tuple[str, ...],
    flow: bool = False,
) -> Ordering:
    """An ordering question whose answer is ORDER; its pieces are given alphabetically, never solved."""
    answer = tuple(order)
    return Ordering(
        id=qid,
        kind=kind,
        prompt=prompt,
        pieces=tuple(sorted(answer, key=lambda t: (fold(t), t))),
        answer=answer,
        flow=flow,
        explanation=explanation,
        facts=facts,
        tags=tags,
    )


def _contrasts(stack: Stack, upper: Layer, lower: Layer) -> bool:
    """Whether STACK holds layers named (or of the concepts of) UPPER and LOWER, and no layer
    named like UPPER sits directly above one named like LOWER: by its drawing, the pair does
    not hold there. Named like: the same concept, or one folded name inside the other."""

    def same(layer: Layer, named: Layer) -> bool:
        return fold(layer.name) == fold(named.name) or (named.concept is not None and layer.concept == named.concept)

    def like(layer: Layer, named: Layer) -> bool:
        a, b = fold(layer.name), fold(named.name)
        return same(layer, named) or a in b or b in a

    layers = stack.layers
    holds_both = all(any(same(layer, named) for layer in layers) for named in (upper, lower))
    pair_like = any(like(a, upper) and like(b, lower) for a, b in pairwise(layers))
    return holds_both and not pair_like


def _step_pairs(steps: int) -> list[tuple[int, str]]:
    """Which adjacent pairs of STEPS steps to ask, and how: (index of the pair's first step, "next"
    or "previous"). The first half asks what comes right after, the second half what comes right
    before, and the pair between them is left out, so no step answers two questions (asking
    pair (1, 2) forward and pair (2, 3) backward would both be answered by step 2). Up to three
    steps, every pair asks what comes after."""
    pairs = steps - 1
    if pairs <= 2:
        return [(i, "next") for i in range(pairs)]
    middle = pairs // 2
    return [(i, "next") for i in range(middle)] + [(i, "previous") for i in range(middle + 1, pairs)]


def stack_text(stack: Stack) -> str:
    """The stack on one line, top first: `응용 프로그램 × 3 / 하이퍼바이저 / 하드웨어`."""
    return " / ".join(row.text for row in stack_rows(stack))


class _Filtered(Shelf):
    """A shelf that hands out only the candidates KEEP accepts."""

    def __init__(self, shelf: Shelf, keep: Callable[[Candidate], bool]) -> None:
        self.shelf, self.keep = shelf, keep

    def get(self, keys: Iterable[str]) -> list[Candidate]:
        return [c for c in self.shelf.get(keys) if self.keep(c)]

    def nearest(self, length: int) -> Iterator[Candidate]:
        return where(self.keep, self.shelf.nearest(length))


class _Generator:
    """One pass over a fact base: indexes are built once, then each kind is generated."""

    def __init__(self, base: FactBase, only: frozenset[str] | None = None, lang: Lang | None = None) -> None:
        self.base = base
        self.lang = lang
        # Questions are made about these facts only (all when None); wrong options and
        # truth checks still draw on the whole base.
        self.only = only
        self._asked: list[Fact] | None = None
        self.rel = rel = Relations(base)
        defs = base.definitions
        # One candidate per definition and shape, shared by the shelves of all of it and of
        # each tag; made when a question first looks at it.
        ids = [d.id for d in defs]

        def label(i: str) -> Candidate:
            return Candidate(rel.label(i), i, rel.names(i), lang=rel.definitions[i].meta.lang)

        def meaning(i: str) -> Candidate:
            d = rel.definitions[i]
            return Candidate(d.definition, i, lang=d.meta.lang)

        self.labels = Pool(ids, rel.label, label)
        self.meanings = Pool(ids, lambda i: rel.definitions[i].definition, meaning)
        by_tag: dict[str, list[str]] = {}
        self.by_meaning: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        for fact_id, d in zip(ids, defs, strict=True):
            for tag in sorted(rel.specific_tags[fact_id]):
                by_tag.setdefault(tag, []).append(fact_id)
            self.by_meaning.setdefault(fold(d.definition), []).append(fact_id)
            for name in rel.folded_names(fact_id):
                self.by_name.setdefault(name, []).append(fact_id)
        self.tag_labels = Shelves(by_tag, self.labels)
        self.tag_meanings = Shelves(by_tag, self.meanings)
        self.layer_names, self.scenario_layer_names = self._layer_shelves()
        self.step_names = Shelf(
            {
                fold(step.name): Candidate(step.name, f"{p.id}-{i:03d}", lang=p.meta.lang)
                for p in sorted(base.processes, key=lambda p: p.id, reverse=True)
                for i, step in enumerate(p.steps)
            }.values()
        )
        self._stack_index()
        self._named_index()
        # What detail fill-ins look terms up in (`_terms_for`), made on first use.
        self._names_nfkc: bool | None = None
        self._all_terms: Terms | None = None
        self._joined_names: tuple[str, list[int], list[str]] | None = None
        self._exhaustive = {t.parent for t in base.taxonomies if t.exhaustive}  # parents whose kinds are all given
        # Equal strings and tuples that many questions hold: one copy each.
        self._shared_texts: dict[str, str] = {}
        self.dropped: list[Dropped] = []
        self._shared_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._tags_of: dict[tuple[str | None, ...], tuple[str, ...]] = {}

    def t(self, fact_id: str) -> Translator:
        """The translator of the question about FACT_ID: the override, else the fact's language."""
        return translator(self.lang or (lang_of(self.base[fact_id]) if fact_id in self.base else DEFAULT_LANG))

    def wanted(self, fact_id: str) -> bool:
        return self.only is None or fact_id in self.only

    def asked(self, facts: tuple[F, ...]) -> Sequence[F]:
        """FACTS, one kind's as the base holds them (by id), or those of them in `only`: a
        sample of a large base is looked up, not found by a walk over every fact."""
        if self.only is None or not facts:
            return facts
        kind: type[F] = type(facts[0])
        if self._asked is None:
            self._asked = [self.base[i] for i in sorted(self.only) if i in self.base]
        return [f for f in self._asked if isinstance(f, kind)]

    def drop(self, q: Question, why: Reason, *, policy: bool = False) -> None:
        """Leave Q out of the bank, and say why (`cardgen audit` lists it)."""
        self.dropped.append(Dropped(q.id, q.kind, q.facts, why, policy))

    def capped(self, questions: list[Question]) -> list[Question]:
        """QUESTIONS with stack items trimmed to at most STACK_SHARE of them: a few small stacks
        must not turn an exam into layer drill. Fill-ins go first (each has a choice twin),
        then adjacency, blanks and orderings, the last by id first."""
        stack = [q for q in questions if q.kind.startswith("stack_")]
        others = len(questions) - len(stack)
        keep = int(STACK_SHARE * others / (1 - STACK_SHARE))
        if len(stack) <= keep:
            return questions
        ranked = sorted(stack, key=lambda q: (STACK_KEEP_ORDER.index(q.kind), q.id))
        for q in ranked[keep:]:
            self.drop(
                q, Reason(N_("stack items are at most {share} of the bank"), share=f"{STACK_SHARE:.0%}"), policy=True
            )
        gone = {q.id for q in ranked[keep:]}
        return [q for q in questions if q.id not in gone]

    def tags(self, *fact_ids: str | None) -> tuple[str, ...]:
        try:
            return self._tags_of[fact_ids]
        except KeyError:
            pass
        out: set[str] = set()
        for fid in fact_ids:
            if fid and fid in self.base:
                out.update(self.base[fid].meta.tags)
        found = tuple(sorted(out))
        found = self._tags_of[fact_ids] = self._shared_tuples.setdefault(found, found)
        return found

    # --- definitions ------------------------------------------------------------------

    def _alike(self, d: Definition) -> set[str]:
        """Ids of definitions that are right wherever D is: D itself, a kind of D or what D
        is a kind of (each fits D's definition), one with D's definition, one sharing a name."""
        out = set(self.rel.lineage(d.id)) | set(self.by_meaning[fold(d.definition)])
        for name in self.rel.folded_names(d.id):
            out.update(self.by_name[name])
        return out

    def _named_index(self) -> None:
        """The definitions by the first three letters of their terms and English names (those
        read alike), and the length of the longest name (to find the terms a definition names
        in `by_name`), built once: comparing each definition with all others would cost the
        square of the base."""
        self.by_start: dict[tuple[str, str], set[str]] = {}
        for d in self.base.definitions:
            for field, start in (("term", d.term), ("english", d.english or "")):
                if len(start) >= 3:
                    self.by_start.setdefault((field, fold(start).replace(" ", "")[:3]), set()).add(d.id)
        self.longest_name = min(max(map(len, self.by_name), default=0), 60)

    def _names_inside(self, text: str) -> set[str]:
        """The definitions whose names occur in TEXT."""
        folded = fold(text)
        return {
            other
            for i in range(len(folded))
            for j in range(i + 2, min(len(folded), i + self.longest_name) + 1)
            for other in self.by_name.get(folded[i:j], ())
        }

    def _confusable(self, d: Definition) -> set[str]:
        """Definitions never offered against D: one named inside D's definition (the
        definition itself rules it out), or one whose term reads like D's (에뮬레이터 and
        에뮬레이션, Emulator and Emulation: their definitions blur into each other)."""
        out = self._names_inside(d.definition)
        for field, start in (("term", d.term), ("english", d.english or "")):
            if len(start) >= 3:
                out |= self.by_start.get((field, fold(start).replace(" ", "")[:3]), set())
        out.discard(d.id)
        return out

    def _definition_tiers(
        self, d: Definition, answer: str, shelf: Shelf, tag_shelves: Mapping[str, Shelf], *, meanings: bool = False
    ) -> list[Iterable[Candidate]]:
        rel = self.rel
        alike = self._alike(d)
        if meanings:
            # A definition that names the asked term cannot be its own: it would be eliminated.
            names = [n for n in rel.folded_names(d.id) if len(n) >= 2]
            shelf = _Filtered(shelf, lambda c: not any(n in c.folded[0] for n in names))
            tag_shelves = {t: _Filtered(tag_shelves[t], shelf.keep) for t in rel.specific_tags[d.id]}
        siblings = set(rel.siblings(d.id))
        tags = rel.specific_tags[d.id]
        cousins = set(rel.cousins(d.id))
        length = len(answer)
        # Wrong options never a concept named inside D's definition (the definition rules it
        # out), nor one whose name shares a stem with D's (에뮬레이터 / 에뮬레이션 read alike
        # and their definitions blur into each other).
        alike = alike | self._confusable(d)
        near = [c for c in shelf.get(rel.siblings(d.id)) if c.key not in alike]
        close = merged(
            [nearest(shelf.get(rel.cousins(d.id)), length), *(tag_shelves[t].nearest(length) for t in sorted(tags))],
            length,
        )
        return [
            nearest(near, length),
            where(lambda c: c.key not in alike and c.key not in siblings, close),
            where(
                lambda c: (
                    c.key not in alike
                    and c.key not in siblings
                    and c.key not in cousins
                    and not rel.specific_tags[c.key] & tags
                ),
                shelf.nearest(length),
            ),
        ]

    def definitions(self) -> Iterator[Question]:
        rel = self.rel
        for d in self.asked(self.base.definitions):
            t = self.t(d.id)
            alike = sorted(self._alike(d))
            label = rel.label(d.id)
            explanation, facts, tags = f"{label}: {d.definition}", (d.id,), self.tags(d.id)
            true_names = [n for o in alike for n in (*rel.names(o), rel.label(o))]
            wrong = pick(
                label,
                self._definition_tiers(d, label, self.labels, self.tag_labels),
                avoid=true_names,
                lang=d.meta.lang,
            )
            if wrong:
                yield _choice(
                    f"{d.id}/term_from_definition/1",
                    "term_from_definition",
                    f"{t._(TERM_FOR)}\n{d.definition}",
                    label,
                    wrong,
                    accepted=d.names,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )
            wrong = pick(
                d.definition,
                self._definition_tiers(d, d.definition, self.meanings, self.tag_meanings, meanings=True),
                avoid=[rel.definitions[o].definition for o in alike if o in rel.definitions],
                lang=d.meta.lang,
            )
            if wrong:
                yield _choice(
                    f"{d.id}/definition_from_term/1",
                    "definition_from_term",
                    t._(DEFINITION_OF, term=label),
                    d.definition,
                    wrong,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )

    # --- details ----------------------------------------------------------------------

    def detail_fills(self) -> Iterator[Question]:
        """A term a definition's detail uses, left blank, to be written in: one item per detail
        at most, about the definition's own term if it can be blanked, else the longest term.

        A term is blanked only where it is the one right answer and nothing else gives it:

        - it stands in the detail once, as a whole word, and no other of its names is anywhere
          else in the question, nor a word sharing a stem with them in the sentence;
        - no taxonomy ancestor or descendant of it is a term of the base (any of them may
          fit the blank as well: "( ? )의 예로" fits what the term is a kind of), and none of
          its names is inside another concept's name (이미지 in 베이스 이미지: the kind named
          after it fits too);
        - another concept's term is blanked only in a sentence that names the definition's
          own concept: where it does not, the concept the sentence is about could fill the
          blank too ("인터프리터는 ( ? )에서 명령을 수행할 때마다": 가상 머신, or 에뮬레이터);
        - the sentence keeps DETAIL_WORDS words or more besides the blank, and holds no code
          or formula (a blank inside one asks nothing).
        """
        for d in self.asked(self.base.definitions):
            if not d.details:
                continue
            for n, detail in enumerate(d.details, 1):
                if "\n" in detail or has_markup(detail):
                    continue
                terms = self._terms_for(detail)
                mentions = terms.mentions(detail)
                named = {m.concept for m in mentions}
                fits = [m for m in mentions if self._blankable(d, m, named, terms)]
                fits.sort(key=lambda m: (m.concept != d.id, -len(m.name), m.start))
                for m in fits:
                    q = self._detail_fill(d, n, detail, m, terms)
                    if q is not None:
                        yield q
                        break

    def _terms_for(self, detail: str) -> Terms:
        """The terms that may stand in DETAIL, with every term holding a name of theirs: all
        that a blank in DETAIL must be checked against. Found through `by_name` where the
        texts are in NFKC and no name is longer than `_names_inside` looks (the usual case:
        there `cardgen.bank.cloze` folds a name as `fold` does); else every term of the base."""
        if not (self._names_in_nfkc() and unicodedata.is_normalized("NFKC", detail)):
            if self._all_terms is None:
                self._all_terms = Terms((d.id, d.names) for d in self.base.definitions)
            return self._all_terms
        near = self._names_inside(detail)
        for concept in list(near):
            for name in self.rel.folded_names(concept):
                near |= self._names_holding(name)
        return Terms((concept, self.rel.names(concept)) for concept in sorted(near))

    def _names_in_nfkc(self) -> bool:
        """Whether every name of the base is in NFKC and short enough for `_names_inside`."""
        if self._names_nfkc is None:
            self._names_nfkc = self.longest_name < 60 and all(
                unicodedata.is_normalized("NFKC", name) for d in self.base.definitions for name in d.names
            )
        return self._names_nfkc

    def _names_holding(self, text: str) -> set[str]:
        """The definitions with a (folded) name that holds TEXT."""
        if self._joined_names is None:
            keys = list(self.by_name)
            starts = list(accumulate((len(k) + 1 for k in keys[:-1]), initial=0))
            self._joined_names = ("\n".join(keys), starts, keys)
        joined, starts, keys = self._joined_names
        out: set[str] = set()
        at = joined.find(text)
        while at != -1:
            out.update(self.by_name[keys[bisect_right(starts, at) - 1]])
            at = joined.find(text, at + 1)
        return out

    def _blankable(self, d: Definition, m: Mention, named: set[str], terms: Terms) -> bool:
        c = m.concept
        return (
            not (m.noted or m.shared)
            and (c == d.id or d.id in named)
            and self.rel.lineage(c) == {c}
            and not terms.inside_other_name(c)
        )

    def _detail_fill(self, d: Definition, n: int, detail: str, m: Mention, terms: Terms) -> FillIn | None:
        """The item blanking M in DETAIL, or None when the sentence keeps too few words or the
        question gives the key away: a name of its concept anywhere in what it shows, or, in
        the sentence, a word of three letters or more sharing a stem with a word of those names
        (에뮬레이션 beside a blank for 에뮬레이터)."""
        if words_around(detail, m) < DETAIL_WORDS:
            return None
        rel, t, c = self.rel, self.t(d.id), m.concept
        sentence = blanked(detail, m)
        shown = [t._(ABOUT, concept=rel.label(d.id)), sentence] if c != d.id else [sentence]
        names = terms.names[c]
        rest = folded_name("\n".join(shown).replace(GAP, "\0"))
        if any(name in rest for name in names):
            return None
        long = [{w for w in found if len(w) >= 3} for found in (set().union(*map(words, names)), words(sentence))]
        if shares_stem(*long):
            return None
        # The key as the facts spell it ("Hypervisor" for "the hypervisor").
        key = next((name for name in rel.names(c) if folded_name(name) == folded_name(m.name)), m.name)
        forms = accepted_forms((key, *rel.names(c)), self.base.synonyms)
        facts = (d.id,) if c == d.id else (d.id, c)
        return FillIn(
            id=f"{d.id}/detail_fill/{n}",
            kind="detail_fill",
            prompt="\n".join((t._(FILL_TERM), *shown)),
            answer=key,
            accepted=tuple(f for f in forms if fold(f) != fold(key)),
            explanation=f"{rel.label(d.id)}: {detail}",
            facts=facts,
            tags=self.tags(*facts),
        )

    # --- pros and cons ----------------------------------------------------------------

    def pros_cons_choice(self) -> Iterator[Question]:
        """Which is an advantage (disadvantage) of X? Wrong options are only points the facts
        establish do not hold for X (`Relations.refuted`), of the same polarity as the key, so
        the wording of a point never tells which one is right."""
        rel = self.rel
        for pc in self.asked(self.base.pros_cons):
            t = self.t(pc.id)
            concept = pc.concept
            for polarity in POLARITIES:
                refuted = [
                    Candidate(p.text, f"{n:03d}-{source}", ref=source)
                    for n, (source, p, _) in enumerate(rel.refuted(concept, polarity))
                ]
                truths = rel.truths(concept, polarity)
                for i, point in enumerate(getattr(pc, polarity), 1):
                    wrong = pick(point.text, [nearest(refuted, len(point.text))], avoid=truths)
                    if not wrong:
                        continue
                    note = f" ({point.compare.text})" if point.compare else ""
                    yield _choice(
                        f"{pc.id}/{CHOICE_KIND[polarity]}/{i}",
                        CHOICE_KIND[polarity],
                        t._(ASK[polarity], concept=rel.label(concept)),
                        point.text,
                        wrong,
                        explanation=t._(POINT[polarity], concept=rel.label(concept), point=point.text) + note,
                        facts=(pc.id, concept),
                        tags=self.tags(pc.id, concept),
                    )

    def pros_cons_ox(self) -> Iterator[Question]:
        """True statements (a concept's own points, and those another shares with it), and
        false ones the facts establish (`Relations.refuted`): of the same polarity as the
        statement claims, so no answer can be read off the wording. True and false are
        then balanced over the bank (`balanced`)."""
        rel = self.rel
        made: dict[str, TrueFalse] = {}
        subjects = dict.fromkeys(pc.concept for pc in self.base.pros_cons)
        for pc in self.base.pros_cons:
            for polarity in POLARITIES:
                for p in getattr(pc, polarity):
                    if p.compare:
                        subjects.setdefault(p.compare.concept)
                        for kind_of in sorted(rel.descendants(p.compare.concept)):
                            subjects.setdefault(kind_of)
        for pc in self.base.pros_cons:
            if not self.wanted(pc.id):
                continue
            for polarity in POLARITIES:
                kind = OX_KIND[polarity]
                for i, p in enumerate(getattr(pc, polarity), 1):
                    qid = f"{pc.id}/{kind}/{i}"
                    why = self.t(pc.id)._(OWNED[polarity], concept=rel.label(pc.concept))
                    own: tuple[str, ...] = (pc.id, pc.concept)
                    made.setdefault(qid, self._ox(qid, kind, pc.concept, polarity, p.text, True, why, own))
        for pc in self.base.pros_cons:
            for polarity in POLARITIES:
                kind = OX_KIND[polarity]
                for j, p in enumerate(getattr(pc, polarity), 1):
                    for other in p.also:  # a point the facts say holds for another concept too
                        home = rel.pros_cons.get(other, ())
                        other_fact = home[0].id if home else other
                        if not self.wanted(other_fact):
                            continue
                        qid = f"{other_fact}/{kind}/also-{pc.id}.{j}"
                        why = self.t(other_fact)._(SHARED[polarity], one=rel.label(pc.concept), other=rel.label(other))
                        shared: tuple[str, ...] = (other_fact, other, pc.id)
                        made.setdefault(qid, self._ox(qid, kind, other, polarity, p.text, True, why, shared))
        for concept in subjects:
            home = rel.pros_cons.get(concept, ())
            subject_fact = home[0].id if home else concept
            if not self.wanted(subject_fact):
                continue
            for polarity in POLARITIES:
                kind = OX_KIND[polarity]
                for source, p, said in rel.refuted(concept, polarity):
                    spc = next(e for e in rel.pros_cons[source] if p in getattr(e, polarity))
                    j = getattr(spc, polarity).index(p) + 1
                    qid = f"{subject_fact}/{kind}/{spc.id}.{j}"
                    owner = self.t(subject_fact)._(OWNED[polarity], concept=rel.label(source))
                    why = f"{said}. ({owner})" if said else owner
                    about: tuple[str, ...] = (subject_fact, concept, spc.id)
                    made.setdefault(qid, self._ox(qid, kind, concept, polarity, p.text, False, why, about))
        yield from made.values()

    def balanced(self, items: list[TrueFalse]) -> set[str]:
        """ITEMS with the larger side trimmed until true and false are each 45-55% of them:
        a bank that is mostly false rewards answering "false" to everything. The last items
        by id go first; each one left out is reported."""
        by_answer = {
            answer: sorted((q for q in items if q.answer is answer), key=lambda q: q.id) for answer in (True, False)
        }
        while True:
            total = len(by_answer[True]) + len(by_answer[False])
            larger = max((True, False), key=lambda a: (len(by_answer[a]), a))
            if not total or len(by_answer[larger]) * 100 <= total * 55:
                break
            dropped = by_answer[larger].pop()
            self.drop(dropped, Reason(N_("true and false statements are balanced over the bank")), policy=True)
        return {q.id for side in by_answer.values() for q in side}

    def _ox(
        self,
        qid: str,
        kind: str,
        concept: str,
        polarity: str,
        text: str,
        true: bool,
        explanation: str,
        facts: tuple[str, ...],
    ) -> TrueFalse:
        facts = tuple(dict.fromkeys(facts))
        explanation = self._shared_texts.setdefault(explanation, explanation)
        facts = self._shared_tuples.setdefault(facts, facts)
        return TrueFalse(
            id=qid,
            kind=kind,
            prompt=f"{self.t(facts[0])._(IS_A[polarity], concept=self.rel.label(concept))}\n{text}",
            answer=true,
            explanation=explanation,
            facts=facts,
            tags=self.tags(*facts),
        )

    # --- stacks -----------------------------------------------------------------------

    def _layer_shelves(self) -> tuple[Shelf, dict[str, Shelf]]:
        """Every layer name once (its first spelling; the concepts of all its layers), over
        all stacks and per scenario."""
        seen: dict[str, tuple[str, str, str]] = {}
        concepts: dict[str, set[str]] = {}
        per_scenario: dict[str, dict[str, tuple[str, str, str]]] = {}
        for stack in sorted(self.base.stacks, key=lambda s: s.id):
            for i, layer in enumerate(stack.layers):
                name = fold(layer.name)
                first = (layer.name, f"{stack.id}-{i:03d}", stack.meta.lang)
                seen.setdefault(name, first)
                concepts.setdefault(name, set()).update([layer.concept] if layer.concept else [])
                if stack.scenario:
                    per_scenario.setdefault(stack.scenario, {}).setdefault(name, first)

        def shelf(names: dict[str, tuple[str, str, str]]) -> Shelf:
            return Shelf(
                Candidate(text, key, concepts=frozenset(concepts[n]), lang=lang)
                for n, (text, key, lang) in names.items()
            )

        return shelf(seen), {sc: shelf(names) for sc, names in per_scenario.items()}

    def _layer_tiers(self, stack: Stack, length: int, ok: Callable[[Candidate], bool]) -> list[Iterable[Candidate]]:
        """Layer names of the stacks framed by the same scenario (the approaches the lesson
        compares), else of all stacks. A stack of a scenario takes no names from outside it:
        a layer of another picture ("리눅스 가상 머신" on a hypervisor) may well fit its blank."""
        same = self.scenario_layer_names.get(stack.scenario) if stack.scenario else None

        # A layer at the same end of every stack is no option: its place is known to all.
        def fine(c: Candidate) -> bool:
            return c.folded[0] not in self.trivial and ok(c)

        if same is not None:
            return [where(fine, same.nearest(length))]
        return [where(fine, self.layer_names.nearest(length))]

    def stacks(self) -> Iterator[Question]:
        for stack in self.asked(self.base.stacks):
            yield from self._stack_questions(stack)

    def _stack_index(self) -> None:
        """What the stack questions need to know about all stacks at once."""
        self.above: dict[str, list[tuple[str, str]]] = {}  # layer -> (name directly above it, stack id)
        self.below: dict[str, list[tuple[str, str]]] = {}
        for stack in self.base.stacks:
            last = len(stack.layers) - 1
            for i, layer in enumerate(stack.layers):
                name = fold(layer.name)
                if i > 0:
                    self.above.setdefault(name, []).append((stack.layers[i - 1].name, stack.id))
                if i < last:
                    self.below.setdefault(name, []).append((stack.layers[i + 1].name, stack.id))
        self.trivial = trivial_layers(self.base.stacks)
        self._scenarios: dict[str, set[str]] = {}  # scenario -> the stacks told in it
        for stack in self.base.stacks:
            if stack.scenario:
                self._scenarios.setdefault(stack.scenario, set()).add(stack.id)

    def _contrast(self, stack: Stack, pairs: Iterable[tuple[str, str]]) -> list[Candidate]:
        """Layer names the other stacks of STACK's scenario put where STACK has the asked
        layer: the contrast the lesson is about, the best wrong options."""
        family = self._scenarios.get(stack.scenario, set()) if stack.scenario else set()
        out: dict[str, Candidate] = {}
        for name, stack_id in pairs:
            if stack_id != stack.id and stack_id in family:
                out.setdefault(fold(name), Candidate(name, f"0-{stack_id}"))
        return list(out.values())

    def _stack_questions(self, stack: Stack) -> Iterator[Question]:
        """Order, blank and adjacency items about the layers worth asking about: never a layer
        at the same end of every stack, never one the stack's title names, each adjacent pair
        once; the layer another stack puts in the same place comes first among wrong options."""
        rel = self.rel
        layers = stack.layers
        names = [layer.name for layer in layers]
        folded = [fold(n) for n in names]
        t = self.t(stack.id)
        explanation = t._(LAYERS, title=stack.title, layers=stack_text(stack))
        tags = self.tags(stack.id)
        facts = (stack.id,)
        asked = layers_worth_asking(stack, self.trivial, rel.names)
        if len(set(folded)) == len(folded) and len(layers) >= 3 and sum(asked) >= 2:
            yield _ordering(
                f"{stack.id}/stack_order/1",
                "stack_order",
                t._(ORDER, title=stack.title),
                names,
                explanation=explanation,
                facts=facts,
                tags=tags,
            )
        for i, layer in enumerate(layers):
            if not (asked[i] and blank_worth_asking(stack, i)):
                continue
            also: tuple[str, ...] = ()
            if layer.concept and fold(layer.name) in rel.folded_names(layer.concept):
                also = rel.names(layer.concept)
            forms = accepted_forms((layer.name, *also), self.base.synonyms)
            accepted = tuple(n for n in forms if fold(n) != fold(layer.name))

            def fits_nowhere(c: Candidate, i: int = i) -> bool:
                return not any(rel.layers_clash(mine, c.text, c.concepts) for mine in layers) and not rel.fits_blank(
                    stack, i, c.text
                )

            neighbours = [
                *(self.above.get(folded[i + 1], ()) if i + 1 < len(layers) else ()),
                *(self.below.get(folded[i - 1], ()) if i > 0 else ()),
            ]
            contrast = [c for c in self._contrast(stack, neighbours) if fits_nowhere(c)]
            tiers = [nearest(contrast, len(layer.name)), *self._layer_tiers(stack, len(layer.name), fits_nowhere)]
            wrong = pick(layer.name, tiers, avoid=accepted, lang=stack.meta.lang)
            if wrong:
                yield _choice(
                    f"{stack.id}/stack_missing_choice/{i + 1}",
                    "stack_missing_choice",
                    t._(BLANK, title=stack.title),
                    layer.name,
                    wrong,
                    accepted=accepted,
                    stack=stack,
                    hidden_layer=i,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )
            yield FillIn(
                id=f"{stack.id}/stack_missing_fill/{i + 1}",
                kind="stack_missing_fill",
                prompt=t._(BLANK_FILL, title=stack.title),
                answer=layer.name,
                accepted=accepted,
                stack=stack,
                hidden_layer=i,
                explanation=explanation,
                facts=facts,
                tags=tags,
            )
        # Each adjacent pair is asked once, alternately as "directly below" and "directly above".
        for i in range(len(layers) - 1):
            if not (asked[i] and asked[i + 1]):
                continue
            kind, ref, ans, where_, index = (
                ("stack_below", i, i + 1, BELOW, self.below)
                if i % 2 == 0
                else ("stack_above", i + 1, i, ABOVE, self.above)
            )
            layer, right = layers[ref], layers[ans]

            def elsewhere(c: Candidate, right: Layer = right, layer: Layer = layer) -> bool:
                return (
                    not rel.layers_clash(right, c.text, c.concepts)
                    and not rel.layers_clash(layer, c.text, c.concepts)
                    and fold(c.text) not in folded
                )

            contrast = [c for c in self._contrast(stack, index.get(folded[ref], ())) if elsewhere(c)]
            tiers = [nearest(contrast, len(right.name)), *self._layer_tiers(stack, len(right.name), elsewhere)]
            wrong = pick(right.name, tiers, avoid=(layer.name,), lang=stack.meta.lang)
            if wrong:
                yield _choice(
                    f"{stack.id}/{kind}/{ref + 1}",
                    kind,
                    t._(where_, title=stack.title, layer=layer.name),
                    right.name,
                    wrong,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )

        yield from self._band_questions(stack)

    def _band_questions(self, stack: Stack) -> Iterator[Question]:
        """For each layer that a band holds, which band: a choice among the stack's bands when
        it has three or more, else a statement naming one of the two (true and false in turn).
        Never about a layer whose name or title shares a word with a band's own words."""
        if len(stack.bands) < 2:
            return
        t = self.t(stack.id)
        bands = "; ".join(f"{band.name}: {', '.join(band.layers)}" for band in stack.bands)
        explanation = t._(BANDS, title=stack.title, bands=bands)
        facts = (stack.id,)
        tags = self.tags(stack.id)
        names = [band.name for band in stack.bands]
        asked = band_worth_asking(stack)
        for i, layer in enumerate(stack.layers):
            band = stack.band_of(i)
            if band is None or not asked[i]:
                continue
            if len(names) >= MIN_OPTIONS:
                others = [n for n in names if n != band.name]
                wrong = sorted(others, key=lambda n: (abs(len(n) - len(band.name)), fold(n), n))[: MAX_OPTIONS - 1]
                yield _choice(
                    f"{stack.id}/stack_band/{i + 1}",
                    "stack_band",
                    t._(BAND, title=stack.title, layer=layer.name),
                    band.name,
                    wrong,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )
                continue
            true = i % 2 == 0
            named = band.name if true else next(n for n in names if n != band.name)
            yield TrueFalse(
                id=f"{stack.id}/stack_band_ox/{i + 1}",
                kind="stack_band_ox",
                prompt=f"{t._(BAND_IS, title=stack.title, band=named)}\n{layer.name}",
                answer=true,
                explanation=explanation,
                facts=facts,
                tags=tags,
            )

    def cross_stacks(self) -> Iterator[Question]:
        """Which approach puts one layer directly on another ("in which is the hypervisor
        directly above the hardware?"), asked once per pair of adjacent layers, of the first
        stack (by id) that has the pair. The wrong options are stacks that hold both layers
        by the same names (or concepts) but not this way round: then the facts say the pair
        does not hold there. A stack with a layer named like either one (수정된 게스트 운영체제
        for 게스트 운영체제) holding the pair is never a wrong option, nor is a stack whose
        title another stack shares. Layers at the ends of every stack may be asked here:
        what lies under the hypervisor differs from stack to stack."""
        stacks = sorted(self.base.stacks, key=lambda s: s.id)
        titles = Counter(fold(s.title) for s in stacks)
        # Which stacks hold a layer of a name or a concept: the wrong options of a pair are
        # among those holding both, found by intersecting two sets rather than by a look at
        # every stack for every pair (quadratic in a base of thousands of stacks).
        by_name: dict[str, set[int]] = {}
        by_concept: dict[str, set[int]] = {}
        for n, stack in enumerate(stacks):
            for layer in stack.layers:
                by_name.setdefault(fold(layer.name), set()).add(n)
                if layer.concept:
                    by_concept.setdefault(layer.concept, set()).add(n)

        def holding(layer: Layer) -> set[int]:
            found = by_name.get(fold(layer.name), set())
            return found | by_concept.get(layer.concept, set()) if layer.concept else found

        seen: set[tuple[str, str]] = set()
        for stack in stacks:
            for i in range(len(stack.layers) - 1):
                upper, lower = stack.layers[i], stack.layers[i + 1]
                pair = (fold(upper.name), fold(lower.name))
                if pair in seen:
                    continue
                seen.add(pair)
                if not self.wanted(stack.id) or titles[fold(stack.title)] > 1:
                    continue
                both = sorted(
                    holding(upper) & holding(lower),
                    key=lambda n: (stacks[n].scenario != stack.scenario or stack.scenario is None, n),
                )
                wrong: list[Stack] = []
                for n in both:
                    other = stacks[n]
                    if other is not stack and titles[fold(other.title)] == 1 and _contrasts(other, upper, lower):
                        wrong.append(other)
                        if len(wrong) == MAX_OPTIONS - 1:
                            break
                if len(wrong) < MIN_OPTIONS - 1:
                    continue
                shown = (stack, *wrong)
                t = self.t(stack.id)
                yield _choice(
                    f"{stack.id}/stack_cross/{i + 1}",
                    "stack_cross",
                    t._(CROSS, upper=upper.name, lower=lower.name),
                    stack.title,
                    [other.title for other in shown[1:]],
                    explanation="\n".join(t._(LAYERS, title=s.title, layers=stack_text(s)) for s in shown),
                    facts=tuple(s.id for s in shown),
                    tags=self.tags(stack.id),
                )

    # --- processes --------------------------------------------------------------------

    def processes(self) -> Iterator[Question]:
        for process in self.asked(self.base.processes):
            yield from self._process_questions(process)

    def _step_options(self, process: Process, answer: int, shown: int | None) -> tuple[Candidate, ...] | None:
        """Wrong options for step ANSWER: the process's other steps nearest to it in the flow
        (never SHOWN, the step the prompt names), then other processes' steps; never another
        name of the answer's concept."""
        steps = process.steps
        mine = {fold(step.name) for step in steps}
        own = [
            Candidate(step.name, f"{abs(j - answer):03d}-{j:03d}")
            for j, step in enumerate(steps)
            if j not in (answer, shown)
        ]
        length = len(steps[answer].name)
        others = where(lambda c: c.folded[0] not in mine, self.step_names.nearest(length))
        return pick(
            steps[answer].name,
            [sorted(own, key=lambda c: c.key), others],
            avoid=self._step_names(steps[answer]),
            lang=process.meta.lang,
        )

    def _step_names(self, step: Step) -> tuple[str, ...]:
        """Other names of STEP: its concept's, when the step is named after the concept."""
        rel, concept = self.rel, step.concept
        if not concept or fold(step.name) not in rel.folded_names(concept):
            return ()
        return tuple(n for n in rel.names(concept) if fold(n) != fold(step.name))

    def _unless_shared(self, given: str, q: Choice) -> Iterator[Question]:
        """Q, unless GIVEN (the step or the detail its prompt shows) shares a word with the key:
        "what comes after ‘Build the image’?" must not be answered by "Push the image" for its
        word alone, even where other options have the word too."""
        shared = words(given) & words(q.answer_text)
        if shared:
            self.drop(
                q,
                Reason(
                    N_("the step or detail the prompt shows shares the word '{word}' with the key"), word=min(shared)
                ),
            )
            return
        yield q

    def _process_questions(self, process: Process) -> Iterator[Question]:
        """The steps in order; adjacent pairs as "right after" the first and "right before"
        the second (`_step_pairs`: never before the first step or after the last, and no
        step the answer of two of them); and each step's detail -> the step."""
        steps = process.steps
        names = [step.name for step in steps]
        t = self.t(process.id)
        numbered = " → ".join(f"{n}. {name}" for n, name in enumerate(names, 1))
        explanation = t._(STEPS, title=process.title, steps=numbered)
        facts, tags = (process.id,), self.tags(process.id)
        if len(steps) >= 3:
            yield _ordering(
                f"{process.id}/process_order/1",
                "process_order",
                t._(STEP_ORDER, title=process.title),
                names,
                flow=True,
                explanation=explanation,
                facts=facts,
                tags=tags,
            )
        for i, direction in _step_pairs(len(steps)):
            kind, ref, ans, message = (
                ("process_next", i, i + 1, NEXT_STEP)
                if direction == "next"
                else ("process_previous", i + 1, i, PREVIOUS_STEP)
            )
            wrong = self._step_options(process, ans, ref)
            if wrong:
                yield from self._unless_shared(
                    names[ref],
                    _choice(
                        f"{process.id}/{kind}/{ref + 1}",
                        kind,
                        t._(message, title=process.title, step=names[ref]),
                        names[ans],
                        wrong,
                        accepted=self._step_names(steps[ans]),
                        flow=flow_of(process, shown=(ref, ans), hidden=ans),
                        explanation=explanation,
                        facts=facts,
                        tags=tags,
                    ),
                )
        for i, step in enumerate(steps):
            wrong = self._step_options(process, i, None) if step.detail else None
            if step.detail and wrong:
                yield from self._unless_shared(
                    step.detail,
                    _choice(
                        f"{process.id}/process_step/{i + 1}",
                        "process_step",
                        f"{t._(WHICH_STEP, title=process.title)}\n{step.detail}",
                        step.name,
                        wrong,
                        accepted=self._step_names(step),
                        explanation=explanation,
                        facts=facts,
                        tags=tags,
                    ),
                )

    # --- taxonomy ---------------------------------------------------------------------

    def _outsiders(self, parent: str, length: int) -> list[Iterable[Candidate]]:
        """Definitions the facts establish are not kinds of PARENT, and that do not look like
        one, nearest first: the parent's siblings and their kinds (siblings in a taxonomy are
        kinds apart); only when a taxonomy of PARENT is `exhaustive` (its children are all the
        kinds there are) also those tagged like its kinds, then the rest."""
        rel = self.rel
        exhaustive = parent in self._exhaustive
        lineage = rel.lineage(parent)
        near = list(dict.fromkeys((*rel.siblings(parent), *rel.cousins(parent))))
        near_set = set(near)
        kin_tags = frozenset().union(*(rel.specific_tags.get(c, frozenset()) for c in rel.children.get(parent, ())))

        def outside(c: Candidate) -> bool:
            return c.key not in lineage and not rel.named_in(parent, c.key) and not rel.entangled(parent, c.key)

        if not exhaustive:
            return [nearest(where(outside, self.labels.get(near)), length)]
        return [
            nearest(where(outside, self.labels.get(near)), length),
            where(
                lambda c: c.key not in near_set and outside(c),
                merged([self.tag_labels[t].nearest(length) for t in sorted(kin_tags) if t in self.tag_labels], length),
            ),
            where(
                lambda c: c.key not in near_set and not rel.specific_tags[c.key] & kin_tags and outside(c),
                self.labels.nearest(length),
            ),
        ]

    def taxonomy(self) -> Iterator[Question]:
        rel = self.rel
        for tax in self.asked(self.base.taxonomies):
            parent = tax.parent
            t = self.t(tax.id)
            listed = t._(KINDS_ARE, parent=rel.term(parent), kinds=self._kinds_text(tax, t))
            explanation = t._(BASIS, kinds=listed, basis=tax.basis) if tax.basis else listed
            every_kind = [n for c in sorted(rel.descendants(parent)) for n in rel.names(c)]
            for i, child in enumerate(tax.children, 1):
                label = rel.label(child)
                wrong = pick(
                    label,
                    self._outsiders(parent, len(label)),
                    avoid=[*rel.names(child), *every_kind],
                    lang=tax.meta.lang,
                )
                if wrong:
                    yield _choice(
                        f"{tax.id}/kind_of/{i}",
                        "kind_of",
                        t._(KIND_OF, parent=rel.label(parent)),
                        label,
                        wrong,
                        accepted=rel.names(child),
                        explanation=explanation,
                        facts=(tax.id, child),
                        tags=self.tags(tax.id, child),
                    )
            if len(tax.children) < MIN_OPTIONS - 1:
                continue
            shown_n = min(len(tax.children), MAX_OPTIONS - 1)
            first = rel.label(tax.children[0])
            odd = (
                pick(first, self._outsiders(parent, len(first)), avoid=every_kind, want=2, least=1, lang=tax.meta.lang)
                or ()
            )
            for v, outsider in enumerate(odd, 1):
                rotated = tax.children[v - 1 :] + tax.children[: v - 1]
                shown = [rel.label(c) for c in rotated[:shown_n]]
                yield _choice(
                    f"{tax.id}/odd_one_out/{v}",
                    "odd_one_out",
                    t._(NOT_KIND_OF, parent=rel.label(parent)),
                    outsider.text,
                    shown,
                    explanation=t._(NOT_ONE, explanation=explanation, term=rel.term(outsider.key)),
                    facts=(tax.id,),
                    tags=self.tags(tax.id),
                )

            yield from self._group_members(tax, explanation, t)

    def _kinds_text(self, tax: Taxonomy, t: Translator) -> str:
        """The kinds of TAX in the author's order, a group's together under its label."""
        parts: list[str] = []
        done: set[str] = set()
        for child in tax.children:
            group = tax.group_of(child)
            if group is None:
                parts.append(self.rel.label(child))
            elif group.label not in done:
                done.add(group.label)
                kinds = t.join([self.rel.label(c) for c in group.children])
                parts.append(t._(GROUP_KINDS, group=group.label, kinds=kinds))
        return "; ".join(parts) if tax.groups else t.join(parts)

    def _group_members(self, tax: Taxonomy, explanation: str, t: Translator) -> Iterator[Question]:
        """Which kind is in a group: the wrong options are the kinds of the taxonomy's other
        groups (the author put them elsewhere), never an ungrouped kind, which may belong too.
        The group's label is asked about, never offered as an answer."""
        rel = self.rel
        for g, group in enumerate(tax.groups, 1):
            others = [c for other in tax.groups if other is not group for c in other.children]
            if len(others) < MIN_OPTIONS - 1:
                continue
            for i, child in enumerate(group.children, 1):
                label = rel.label(child)
                wrong = pick(label, [nearest([self.labels[c] for c in others], len(label))])
                if wrong:
                    yield _choice(
                        f"{tax.id}/group_member/{g}.{i}",
                        "group_member",
                        t._(IN_GROUP, parent=rel.label(tax.parent), group=group.label),
                        label,
                        wrong,
                        accepted=rel.names(child),
                        explanation=explanation,
                        facts=(tax.id, child),
                        tags=self.tags(tax.id, child),
                    )

    # --- matching ---------------------------------------------------------------------

    def _family_order(self) -> dict[str, int]:
        """A rank for every concept of a taxonomy that puts each taxonomy's kinds next to each
        other (depth first from each root); the other definitions come after them, by id."""
        rel = self.rel
        rank: dict[str, int] = {}
        for root in sorted(c for c in rel.children if c not in rel.parents):
            todo = [root]
            while todo:
                concept = todo.pop()
                if concept in rank:
                    continue
                rank[concept] = len(rank)
                todo.extend(reversed(rel.children.get(concept, ())))
        return rank

    def matching(self) -> Iterator[Question]:
        rank = self._family_order()
        by_deck: dict[str, list[Definition]] = {}
        for d in self.asked(self.base.definitions):  # with a sample of the facts, matching draws on it alone
            by_deck.setdefault(d.meta.deck, []).append(d)
        for deck in sorted(by_deck):
            defs: list[Definition] = []
            seen: set[str] = set()
            for d in sorted(by_deck[deck], key=lambda d: (0, rank[d.id], "") if d.id in rank else (1, 0, d.id)):
                keys = {fold(d.label), fold(d.definition)} | {fold(n) for n in d.names}
                # A definition that repeats a word of its own term pairs itself off.
                echoes = {w for n in d.names for w in words(n)} & words(d.definition)
                if not keys & seen and not echoes:
                    defs.append(d)
                    seen |= keys
            for index, group in enumerate(_chunks(defs), 1):
                pairs = tuple((d.label, d.definition) for d in group)
                ids = tuple(d.id for d in group)
                definitions = tuple(sorted((p[1] for p in pairs), key=lambda t: (fold(t), t)))
                yield Matching(
                    id=f"{group[0].id}/matching/{index}",
                    kind="matching",
                    prompt=self.t(group[0].id)._(MATCH),
                    terms=tuple(term for term, _ in pairs),
                    definitions=definitions,
                    answer=tuple(definitions.index(d) for _, d in pairs),
                    explanation="\n".join(f"{a}: {b}" for a, b in pairs),
                    facts=ids,
                    tags=self.tags(*ids),
                )

    # --- examples -----------------------------------------------------------------------

    def examples(self) -> Iterator[Question]:
        """Classify an example: "다음은 X의 예이다: VirtualBox" is true of the concept that lists
        it, and false of a taxonomy sibling (kinds of one parent are kinds apart), unless that
        sibling lists the same example. One true and one false statement per example."""
        rel = self.rel
        for d in self.asked(self.base.definitions):
            siblings = [s for s in rel.siblings(d.id) if s in rel.definitions]
            names = {w for n in d.names for w in words(n)}
            for i, example in enumerate(d.examples, 1):
                if shares_stem(words(example), names):
                    continue  # "게임 콘솔 에뮬레이터" answers "an example of 에뮬레이터?" itself
                facts = (d.id,)
                yield self._example(f"{d.id}/ox_example/{i}", d.id, example, True, facts)
                for sibling in siblings:
                    if fold(example) in {fold(e) for e in rel.definitions[sibling].examples}:
                        continue
                    yield self._example(f"{d.id}/ox_example/{i}.{sibling}", sibling, example, False, (d.id, sibling))
                    break

    def _example(self, qid: str, concept: str, example: str, true: bool, facts: tuple[str, ...]) -> TrueFalse:
        rel = self.rel
        owner = facts[0]
        return TrueFalse(
            id=qid,
            kind="ox_example",
            prompt=f"{self.t(owner)._(EXAMPLE, concept=rel.label(concept))}\n{example}",
            answer=true,
            explanation=self.t(owner)._(
                EXAMPLES_ARE, concept=rel.label(owner), examples=", ".join(rel.definitions[owner].examples)
            ),
            facts=facts,
            tags=self.tags(*facts),
        )

    # --- the author's questions ---------------------------------------------------------

    def author(self) -> Iterator[Question]:
        for q in self.asked(self.base.questions):
            t = self.t(q.id)
            explanation = q.explanation or ""
            if q.stack:
                stack = self.rel.stack_of(q.stack)
                layers = t._(LAYERS, title=stack.title, layers=stack_text(stack))
                explanation = f"{explanation}\n{layers}".strip()
            facts = tuple(dict.fromkeys(f for f in (q.id, q.about, q.stack) if f))
            tags = self.tags(*facts)
            if not q.choices:
                yield ShortAnswer(
                    id=f"{q.id}/author/1",
                    kind="author",
                    prompt=q.question,
                    answer=q.answer,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                    points=q.points,
                )
                continue
            texts = [o.text for o in q.choices]
            # Canonical order, as for every generated question, unless the author fixed theirs.
            options = tuple(texts if not q.shuffle else sorted(texts, key=lambda x: (fold(x), x)))
            right = set(q.right)
            if q.multiple:
                yield MultiChoice(
                    id=f"{q.id}/author_multi/1",
                    kind="author_multi",
                    prompt=_all_that_apply(q.question, t),
                    options=options,
                    answers=tuple(i for i, o in enumerate(options) if o in right),
                    fixed=not q.shuffle,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                    points=q.points,
                )
            else:
                yield Choice(
                    id=f"{q.id}/author_choice/1",
                    kind="author_choice",
                    prompt=q.question,
                    options=options,
                    answer=options.index(q.right[0]),
                    fixed=not q.shuffle,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                    points=q.points,
                )

    # --- comparisons ----------------------------------------------------------------------

    def comparisons(self) -> Iterator[Question]:
        """Per row of a table: for each cell "which of these has this value?" (the wrong options
        are the concepts whose value plainly differs, `_apart`: one sharing the key's value would
        be right too), a true statement and a false one taken from a value the row gives another
        concept that plainly differs, and,
        when every value of the row differs, matching the concepts with their values. A row
        with one value for every concept asks nothing; a cell the table leaves empty is never
        asked nor offered; an item whose value names a concept of the table is left out."""
        for table in self.asked(self.base.comparisons):
            for r, row in enumerate(table.rows):
                if len({fold(cell.value) for cell in row.values if cell.known}) < 2:
                    continue
                for q in self._comparison_row(table, r, row):
                    if any(self._names_concept(table, row.values[c].value) for _, c in q.cells):
                        self.drop(q, Reason(NAMES_A_CONCEPT))
                    else:
                        yield q

    def _names_concept(self, table: ComparisonTable, text: str) -> bool:
        """Whether TEXT holds every word of a name of one of TABLE's concepts ("SaaS apps")."""
        said = words(text)
        return any(
            (name := words(n)) and name <= said for c in table.concepts for n in (*self.rel.names(c), self.rel.label(c))
        )

    def _comparison_row(self, table: ComparisonTable, r: int, row: TableRow) -> Iterator[Choice | TrueFalse | Matching]:
        rel = self.rel
        t = self.t(table.id)
        labels = [rel.label(c) for c in table.concepts]
        known = [(c, cell) for c, cell in enumerate(row.values) if cell.known]
        values = "; ".join(f"{rel.term(cell.concept)}: {cell.value}" for cell in row.values)
        explanation = t._(ROW_VALUES, attribute=row.attribute, title=table.title, values=values)
        for k, (c, cell) in enumerate(known):
            facts = (table.id, cell.concept)
            tags = self.tags(*facts)
            wrong = [labels[o] for o, other in known if _apart(other.value, cell.value)]
            if len(wrong) + 1 >= MIN_OPTIONS:
                yield _choice(
                    f"{table.id}/compare_which/{r + 1}.{cell.concept}",
                    "compare_which",
                    # Not framed by the title, which often names every option ("IaaS vs PaaS vs SaaS").
                    f"{t._(WHICH_HAS)}\n{row.attribute}: {cell.value}",
                    labels[c],
                    wrong[: MAX_OPTIONS - 1],
                    accepted=rel.names(cell.concept),
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                    table=table,
                    cells=((r, c),),
                )
            claim = t._(HOLDS_FOR, title=table.title, concept=labels[c])
            yield TrueFalse(
                id=f"{table.id}/compare_ox/{r + 1}.{cell.concept}",
                kind="compare_ox",
                prompt=f"{claim}\n{row.attribute}: {cell.value}",
                answer=True,
                explanation=explanation,
                facts=facts,
                tags=tags,
                table=table,
                cells=((r, c),),
            )
            # The next concept round the row whose value differs lends the false statement its value.
            lender = next((o for o, other in known[k + 1 :] + known[:k] if _apart(other.value, cell.value)), None)
            if lender is not None:
                yield TrueFalse(
                    id=f"{table.id}/compare_ox/{r + 1}.{cell.concept}.{row.values[lender].concept}",
                    kind="compare_ox",
                    prompt=f"{claim}\n{row.attribute}: {row.values[lender].value}",
                    answer=False,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                    table=table,
                    cells=((r, c), (r, lender)),
                )
        if len(known) == len(row.values) >= MIN_OPTIONS and len({fold(cell.value) for _, cell in known}) == len(known):
            definitions = tuple(sorted((cell.value for cell in row.values), key=lambda v: (fold(v), v)))
            yield Matching(
                id=f"{table.id}/compare_match/{r + 1}",
                kind="compare_match",
                prompt=f"{t._(MATCH_ROW, title=table.title)}\n{row.attribute}",
                terms=tuple(labels),
                definitions=definitions,
                answer=tuple(definitions.index(cell.value) for cell in row.values),
                explanation=explanation,
                facts=(table.id, *table.concepts),
                tags=self.tags(table.id, *table.concepts),
                table=table,
                cells=tuple((r, c) for c in range(len(row.values))),
            )


def _all_that_apply(question: str, t: Translator) -> str:
    """QUESTION with "(choose all that apply)" on its first line, the question proper."""
    first, *rest = question.split("\n")
    return "\n".join((t._(ALL_THAT_APPLY, question=first), *rest))


def _apart(value: str, other: str) -> bool:
    """Whether two values of a row plainly differ: not the same, and no word of one shares a
    stem with a word of the other ("fast" is true of what is "the fastest")."""
    return fold(value) != fold(other) and not shares_stem(words(value), words(other))


def _chunks(defs: list[Definition]) -> list[list[Definition]]:
    """DEFS cut into groups of MATCH_MIN to MATCH_MAX, as even as possible (a tail that
    cannot make a group is left out)."""
    n = len(defs)
    groups = -(-n // MATCH_MAX)
    while groups and n // groups < MATCH_MIN:
        groups -= 1
    if not groups:
        return []
    take = min(n, groups * MATCH_MAX)
    sizes = [take // groups + (1 if g < take % groups else 0) for g in range(groups)]
    out, start = [], 0
    for size in sizes:
        out.append(defs[start : start + size])
        start += size
    return out
