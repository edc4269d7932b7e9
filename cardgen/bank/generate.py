"""Question generators: one method per fact kind, each yielding the bank's `Question`s.

Wrong options come from `cardgen.bank.distractors`: each generator lists its candidates in
tiers (siblings first, then the same kind of fact, then the rest) and says what is also
right; `pick` does the rest. A question that cannot get `MIN_OPTIONS` good options is
not made. Prompts speak Korean, the language of the shipped notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from cardgen.bank.distractors import Candidate, Shelf, merged, nearest, pick, where
from cardgen.bank.question import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    Choice,
    FillIn,
    Matching,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from cardgen.bank.relations import POLARITIES, Relations, fold
from cardgen.factbase.model import Definition, FactBase, Layer, Stack
from cardgen.gcpause import collector_paused
from cardgen.present import stack_rows

WORD = {"pros": "장점", "cons": "단점"}
CHOICE_KIND = {"pros": "pro_of", "cons": "con_of"}
OX_KIND = {"pros": "ox_pro", "cons": "ox_con"}
OTHER = {"pros": "cons", "cons": "pros"}
SHORT = {"pros": "pro", "cons": "con"}
MATCH_MIN, MATCH_MAX = 4, 6


def build_bank(base: FactBase) -> tuple[Question, ...]:
    """Every question the fact base supports, sorted by id; deterministic."""
    try:
        with collector_paused():
            return tuple(sorted(generate(base), key=lambda q: q.id))
    finally:
        fold.cache_clear()


def generate(base: FactBase) -> Iterator[Question]:
    gen = _Generator(base)
    yield from gen.definitions()
    yield from gen.pros_cons_choice()
    yield from gen.pros_cons_ox()
    yield from gen.stacks()
    yield from gen.taxonomy()
    yield from gen.matching()
    yield from gen.author()


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
    )


def topic(word: str) -> str:
    """WORD with the topic particle 은/는 its last syllable calls for (은(는) if not Hangul)."""
    last = word.rstrip()[-1:]
    if "가" <= last <= "힣":
        return word + ("은" if (ord(last) - 0xAC00) % 28 else "는")
    return word + "은(는)"


def stack_text(stack: Stack) -> str:
    """The stack on one line, top first: `응용 프로그램 × 3 / 하이퍼바이저 / 하드웨어`."""
    return " / ".join(row.text for row in stack_rows(stack))


class _Generator:
    """One pass over a fact base: indexes are built once, then each kind is generated."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self.rel = rel = Relations(base)
        defs = base.definitions
        self.labels = Shelf(Candidate(rel.label(d.id), d.id, rel.names(d.id)) for d in defs)
        self.meanings = Shelf(Candidate(d.definition, d.id) for d in defs)
        by_tag: dict[str, list[Definition]] = {}
        for d in defs:
            for tag in sorted(rel.specific_tags[d.id]):
                by_tag.setdefault(tag, []).append(d)
        self.tag_labels = {
            t: Shelf(Candidate(rel.label(d.id), d.id, rel.names(d.id)) for d in ds) for t, ds in by_tag.items()
        }
        self.tag_meanings = {t: Shelf(Candidate(d.definition, d.id) for d in ds) for t, ds in by_tag.items()}
        self.by_meaning: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        for d in defs:
            self.by_meaning.setdefault(fold(d.definition), []).append(d.id)
            for name in rel.folded_names(d.id):
                self.by_name.setdefault(name, []).append(d.id)
        self.points = {
            pol: Shelf(
                Candidate(p.text, f"{concept}-{pol}-{i:03d}", ref=concept)
                for concept in rel.pros_cons
                for i, p in enumerate(rel.points(concept, pol))
            )
            for pol in POLARITIES
        }
        self.layer_names, self.scenario_layer_names = self._layer_shelves()
        # Equal strings and tuples that many questions hold: one copy each.
        self._shared_texts: dict[str, str] = {}
        self._shared_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._tags_of: dict[tuple[str | None, ...], tuple[str, ...]] = {}

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

    def _definition_tiers(
        self, d: Definition, answer: str, shelf: Shelf, tag_shelves: dict[str, Shelf]
    ) -> list[Iterable[Candidate]]:
        rel = self.rel
        alike = self._alike(d)
        siblings = set(rel.siblings(d.id))
        tags = rel.specific_tags[d.id]
        cousins = set(rel.cousins(d.id))
        length = len(answer)
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
        for d in self.base.definitions:
            alike = sorted(self._alike(d))
            label = rel.label(d.id)
            explanation, facts, tags = f"{label}: {d.definition}", (d.id,), self.tags(d.id)
            true_names = [n for o in alike for n in (*rel.names(o), rel.label(o))]
            wrong = pick(label, self._definition_tiers(d, label, self.labels, self.tag_labels), avoid=true_names)
            if wrong:
                yield _choice(
                    f"{d.id}/term_from_definition/1",
                    "term_from_definition",
                    f"다음 뜻을 가진 용어는?\n{d.definition}",
                    label,
                    wrong,
                    accepted=d.names,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )
            wrong = pick(
                d.definition,
                self._definition_tiers(d, d.definition, self.meanings, self.tag_meanings),
                avoid=[rel.definitions[o].definition for o in alike if o in rel.definitions],
            )
            if wrong:
                yield _choice(
                    f"{d.id}/definition_from_term/1",
                    "definition_from_term",
                    f"{label}의 정의로 알맞은 것은?",
                    d.definition,
                    wrong,
                    explanation=explanation,
                    facts=facts,
                    tags=tags,
                )

    # --- pros and cons ----------------------------------------------------------------

    def pros_cons_choice(self) -> Iterator[Question]:
        rel = self.rel
        for pc in self.base.pros_cons:
            concept = pc.concept
            lineage = rel.lineage(concept)
            siblings = [c for c in rel.siblings(concept) if c in rel.pros_cons]
            # Points a comparison denies for this concept are the surest wrong options.
            flagged = [
                c
                for pol in POLARITIES
                for c in self.points[pol].with_texts(sorted(rel.denied(concept)))
                if c.ref not in lineage
            ]
            for polarity in POLARITIES:
                other = OTHER[polarity]
                truths = rel.truths(concept, polarity)
                for i, point in enumerate(getattr(pc, polarity), 1):
                    length = len(point.text)
                    tiers = [
                        nearest([*flagged, *(c for s in siblings for c in self._points(s, polarity, concept))], length),
                        nearest(self._points(concept, other, concept), length),
                        nearest([c for s in siblings for c in self._points(s, other, concept)], length),
                        self._other_points(polarity, length, lineage, siblings),
                        self._other_points(other, length, lineage, siblings),
                    ]
                    wrong = pick(point.text, tiers, avoid=truths)
                    if not wrong:
                        continue
                    note = f" ({point.compare.text})" if point.compare else ""
                    yield _choice(
                        f"{pc.id}/{CHOICE_KIND[polarity]}/{i}",
                        CHOICE_KIND[polarity],
                        f"다음 중 {rel.label(concept)}의 {WORD[polarity]}으로 알맞은 것은?",
                        point.text,
                        wrong,
                        explanation=f"{rel.label(concept)}의 {WORD[polarity]}: {point.text}{note}",
                        facts=(pc.id, concept),
                        tags=self.tags(pc.id, concept),
                    )

    def _points(self, source: str, polarity: str, asked: str) -> list[Candidate]:
        key = "0-own" if source == asked else f"{source}-{polarity}"
        return [
            Candidate(p.text, f"{key}-{i:03d}", ref=source) for i, p in enumerate(self.rel.points(source, polarity))
        ]

    def _other_points(
        self, polarity: str, length: int, lineage: frozenset[str], siblings: list[str]
    ) -> Iterator[Candidate]:
        return where(lambda c: c.ref not in lineage and c.ref not in siblings, self.points[polarity].nearest(length))

    def pros_cons_ox(self) -> Iterator[Question]:
        """True statements, and false ones the fact base vouches for: points a comparison
        denies, the concept's own points of the other polarity, and points of taxonomy
        siblings (only where the concept's points of that polarity are listed at all)."""
        rel = self.rel
        made: dict[str, TrueFalse] = {}

        def add(
            qid: str,
            kind: str,
            concept: str,
            polarity: str,
            text: str,
            true: bool,
            explanation: str,
            facts: tuple[str, ...],
        ) -> None:
            if qid not in made:  # one statement, one question: the first reason given wins
                made[qid] = self._ox(qid, kind, concept, polarity, text, true, explanation, facts)

        for pc in self.base.pros_cons:
            for polarity in POLARITIES:
                kind = OX_KIND[polarity]
                for j, p in enumerate(getattr(pc, polarity), 1):
                    subject = p.compare.concept if p.compare else None
                    if subject is None or fold(p.text) in rel.truths(subject, polarity):
                        continue
                    home = rel.pros_cons.get(subject, ())
                    subject_fact = home[0].id if home else subject
                    add(
                        f"{subject_fact}/{kind}/{pc.id}.{j}",
                        kind,
                        subject,
                        polarity,
                        p.text,
                        False,
                        f"{p.compare.text}. ({rel.label(pc.concept)}의 {WORD[polarity]}이다.)",
                        (subject_fact, subject, pc.id),
                    )
        for pc in self.base.pros_cons:
            concept = pc.concept
            for polarity in POLARITIES:
                kind, other = OX_KIND[polarity], OTHER[polarity]
                truths = rel.truths(concept, polarity)
                mine = getattr(pc, polarity)
                for i, p in enumerate(mine, 1):
                    add(
                        f"{pc.id}/{kind}/{i}",
                        kind,
                        concept,
                        polarity,
                        p.text,
                        True,
                        f"{rel.label(concept)}의 {WORD[polarity]}이다.",
                        (pc.id, concept),
                    )
                for i, p in enumerate(getattr(pc, other), 1):
                    if fold(p.text) not in truths:
                        add(
                            f"{pc.id}/{kind}/{SHORT[other]}{i}",
                            kind,
                            concept,
                            polarity,
                            p.text,
                            False,
                            f"{rel.label(concept)}의 {WORD[other]}이다.",
                            (pc.id, concept),
                        )
                if not mine:
                    continue
                for sibling in rel.siblings(concept):
                    for spc in rel.pros_cons.get(sibling, ()):
                        for j, p in enumerate(getattr(spc, polarity), 1):
                            if fold(p.text) not in truths:
                                add(
                                    f"{pc.id}/{kind}/{spc.id}.{j}",
                                    kind,
                                    concept,
                                    polarity,
                                    p.text,
                                    False,
                                    f"{rel.label(sibling)}의 {WORD[polarity]}이다.",
                                    (pc.id, concept, spc.id),
                                )
        yield from made.values()

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
            prompt=f"다음은 {self.rel.label(concept)}의 {WORD[polarity]}이다.\n{text}",
            answer=true,
            explanation=explanation,
            facts=facts,
            tags=self.tags(*facts),
        )

    # --- stacks -----------------------------------------------------------------------

    def _layer_shelves(self) -> tuple[Shelf, dict[str, Shelf]]:
        """Every layer name once (its first spelling; the concepts of all its layers), over
        all stacks and per scenario."""
        seen: dict[str, tuple[str, str]] = {}
        concepts: dict[str, set[str]] = {}
        per_scenario: dict[str, dict[str, tuple[str, str]]] = {}
        for stack in sorted(self.base.stacks, key=lambda s: s.id):
            for i, layer in enumerate(stack.layers):
                name = fold(layer.name)
                first = (layer.name, f"{stack.id}-{i:03d}")
                seen.setdefault(name, first)
                concepts.setdefault(name, set()).update([layer.concept] if layer.concept else [])
                if stack.scenario:
                    per_scenario.setdefault(stack.scenario, {}).setdefault(name, first)

        def shelf(names: dict[str, tuple[str, str]]) -> Shelf:
            return Shelf(Candidate(text, key, concepts=frozenset(concepts[n])) for n, (text, key) in names.items())

        return shelf(seen), {sc: shelf(names) for sc, names in per_scenario.items()}

    def _layer_tiers(self, stack: Stack, length: int, ok: Callable[[Candidate], bool]) -> list[Iterable[Candidate]]:
        """Layer names of stacks framed by the same scenario, then of all stacks."""
        same = self.scenario_layer_names.get(stack.scenario) if stack.scenario else None
        return [where(ok, same.nearest(length)) if same else (), where(ok, self.layer_names.nearest(length))]

    def stacks(self) -> Iterator[Question]:
        for stack in self.base.stacks:
            yield from self._stack_questions(stack)

    def _stack_questions(self, stack: Stack) -> Iterator[Question]:
        rel = self.rel
        layers = stack.layers
        names = [layer.name for layer in layers]
        folded = [fold(n) for n in names]
        explanation = f"{stack.title} (위에서 아래로): {stack_text(stack)}"
        tags = self.tags(stack.id)
        facts = (stack.id,)
        if len(set(folded)) == len(folded) and len(layers) >= 3:
            yield Ordering(
                id=f"{stack.id}/stack_order/1",
                kind="stack_order",
                prompt=f"‘{stack.title}’ 구조의 계층을 위에서부터 아래로 순서대로 나열하시오.",
                pieces=tuple(sorted(names, key=lambda t: (fold(t), t))),
                answer=tuple(names),
                explanation=explanation,
                facts=facts,
                tags=tags,
            )
        for i, layer in enumerate(layers):
            accepted: tuple[str, ...] = ()
            if layer.concept and fold(layer.name) in rel.folded_names(layer.concept):
                accepted = tuple(n for n in rel.names(layer.concept) if fold(n) != fold(layer.name))

            def fits_nowhere(c: Candidate, i: int = i) -> bool:
                return not any(rel.layers_clash(mine, c.text, c.concepts) for mine in layers) and not rel.fits_blank(
                    stack, i, c.text
                )

            wrong = pick(layer.name, self._layer_tiers(stack, len(layer.name), fits_nowhere), avoid=accepted)
            if wrong:
                yield _choice(
                    f"{stack.id}/stack_missing_choice/{i + 1}",
                    "stack_missing_choice",
                    f"‘{stack.title}’ 구조에서 빈칸에 들어갈 계층은?",
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
                prompt=f"‘{stack.title}’ 구조에서 빈칸에 들어갈 계층을 쓰시오.",
                answer=layer.name,
                accepted=accepted,
                stack=stack,
                hidden_layer=i,
                explanation=explanation,
                facts=facts,
                tags=tags,
            )
        for i, layer in enumerate(layers):
            if folded.count(folded[i]) > 1:
                continue  # "directly above X" is ambiguous when X appears twice
            for kind, j, where_ in (("stack_above", i - 1, "위"), ("stack_below", i + 1, "아래")):
                if not 0 <= j < len(layers):
                    continue
                right = layers[j]

                def elsewhere(c: Candidate, right: Layer = right, layer: Layer = layer) -> bool:
                    return (
                        not rel.layers_clash(right, c.text, c.concepts)
                        and not rel.layers_clash(layer, c.text, c.concepts)
                        and fold(c.text) not in folded
                    )

                own = [
                    Candidate(other.name, f"{k:03d}")
                    for k, other in enumerate(layers)
                    if k not in (i, j) and fold(other.name) != fold(right.name)
                ]
                tiers = [nearest(own, len(right.name)), *self._layer_tiers(stack, len(right.name), elsewhere)]
                wrong = pick(right.name, tiers, avoid=(layer.name,))
                if wrong:
                    yield _choice(
                        f"{stack.id}/{kind}/{i + 1}",
                        kind,
                        f"‘{stack.title}’ 구조에서 ‘{layer.name}’ 바로 {where_}에 있는 계층은?",
                        right.name,
                        wrong,
                        explanation=explanation,
                        facts=facts,
                        tags=tags,
                    )

    # --- taxonomy ---------------------------------------------------------------------

    def _outsiders(self, parent: str, length: int) -> list[Iterable[Candidate]]:
        """Definitions that are not kinds of PARENT and do not look like one, nearest first:
        the parent's siblings and their kinds, then those tagged like its kinds, then the rest."""
        rel = self.rel
        lineage = rel.lineage(parent)
        near = list(dict.fromkeys((*rel.siblings(parent), *rel.cousins(parent))))
        near_set = set(near)
        kin_tags = frozenset().union(*(rel.specific_tags.get(c, frozenset()) for c in rel.children.get(parent, ())))

        def outside(c: Candidate) -> bool:
            return c.key not in lineage and not rel.named_in(parent, c.key) and not rel.entangled(parent, c.key)

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
        for tax in self.base.taxonomies:
            parent = tax.parent
            kinds = [rel.label(c) for c in tax.children]
            basis = f" (분류 기준: {tax.basis})" if tax.basis else ""
            explanation = f"{rel.term(parent)}의 종류: {', '.join(kinds)}{basis}"
            every_kind = [n for c in sorted(rel.descendants(parent)) for n in rel.names(c)]
            for i, child in enumerate(tax.children, 1):
                label = rel.label(child)
                wrong = pick(label, self._outsiders(parent, len(label)), avoid=[*rel.names(child), *every_kind])
                if wrong:
                    yield _choice(
                        f"{tax.id}/kind_of/{i}",
                        "kind_of",
                        f"다음 중 {rel.label(parent)}의 종류인 것은?",
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
            odd = pick(first, self._outsiders(parent, len(first)), avoid=every_kind, want=2, least=1) or ()
            for v, outsider in enumerate(odd, 1):
                rotated = tax.children[v - 1 :] + tax.children[: v - 1]
                shown = [rel.label(c) for c in rotated[:shown_n]]
                yield _choice(
                    f"{tax.id}/odd_one_out/{v}",
                    "odd_one_out",
                    f"다음 중 {rel.label(parent)}의 종류가 아닌 것은?",
                    outsider.text,
                    shown,
                    explanation=f"{explanation}. {topic(rel.term(outsider.key))} 여기에 속하지 않는다.",
                    facts=(tax.id,),
                    tags=self.tags(tax.id),
                )

    # --- matching ---------------------------------------------------------------------

    def _family_order(self) -> dict[str, int]:
        """A rank for every definition that puts each taxonomy's kinds next to each other
        (depth first from each root), then the rest by id."""
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
        for d in sorted(self.base.definitions, key=lambda d: d.id):
            rank.setdefault(d.id, len(rank))
        return rank

    def matching(self) -> Iterator[Question]:
        rank = self._family_order()
        by_deck: dict[str, list[Definition]] = {}
        for d in self.base.definitions:
            by_deck.setdefault(d.meta.deck, []).append(d)
        for deck in sorted(by_deck):
            defs: list[Definition] = []
            seen: set[str] = set()
            for d in sorted(by_deck[deck], key=lambda d: rank[d.id]):
                keys = {fold(d.label), fold(d.definition)} | {fold(n) for n in d.names}
                if not keys & seen:
                    defs.append(d)
                    seen |= keys
            for index, group in enumerate(_chunks(defs), 1):
                pairs = tuple((d.label, d.definition) for d in group)
                ids = tuple(d.id for d in group)
                definitions = tuple(sorted((p[1] for p in pairs), key=lambda t: (fold(t), t)))
                yield Matching(
                    id=f"{group[0].id}/matching/{index}",
                    kind="matching",
                    prompt="용어와 정의를 알맞게 짝지으시오.",
                    terms=tuple(term for term, _ in pairs),
                    definitions=definitions,
                    answer=tuple(definitions.index(d) for _, d in pairs),
                    explanation="\n".join(f"{a}: {b}" for a, b in pairs),
                    facts=ids,
                    tags=self.tags(*ids),
                )

    # --- the author's questions ---------------------------------------------------------

    def author(self) -> Iterator[Question]:
        for q in self.base.questions:
            explanation = q.explanation or ""
            stack = None
            if q.stack:
                stack = self.rel.stack_of(q.stack)
                explanation = f"{explanation}\n{stack.title} (위에서 아래로): {stack_text(stack)}".strip()
            facts = (q.id, q.stack) if q.stack else (q.id,)
            yield ShortAnswer(
                id=f"{q.id}/author/1",
                kind="author",
                prompt=q.question,
                answer=q.answer,
                explanation=explanation,
                facts=facts,
                tags=self.tags(*facts),
            )


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
