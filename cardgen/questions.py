"""Question generators: one function per fact kind, each yielding the bank's `Question`s.

Every wrong option goes through `pick`: candidates come ranked by how close they sit to
the answer (siblings first, then the same kind of fact, then the rest; similar length
breaks ties) and anything the fact base says is also true, any duplicate and any other
name of the answer is dropped. Generators never return a question with fewer than
`MIN_OPTIONS` options. Prompts speak Korean, the language of the shipped notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from cardgen.bank import MAX_OPTIONS, MIN_OPTIONS, OX, Question
from cardgen.model import Definition, FactBase, Layer, Stack
from cardgen.relations import POLARITIES, Relations, fold

WORD = {"pros": "장점", "cons": "단점"}
CHOICE_KIND = {"pros": "pro_of", "cons": "con_of"}
OX_KIND = {"pros": "ox_pro", "cons": "ox_con"}
OTHER = {"pros": "cons", "cons": "pros"}
SHORT = {"pros": "pro", "cons": "con"}
MATCH_MIN, MATCH_MAX = 4, 6


@dataclass(frozen=True)
class Candidate:
    """A possible wrong option: lower `tier` is closer to the answer; `names` are other
    names it goes by, which must not collide with the answer's."""

    text: str
    tier: int
    key: str
    names: tuple[str, ...] = ()


def pick(answer: str, candidates: Iterable[Candidate], *, avoid: Iterable[str] = (),
         want: int = MAX_OPTIONS - 1, least: int = MIN_OPTIONS - 1) -> tuple[str, ...] | None:
    """Up to WANT wrong options for ANSWER, or None when fewer than LEAST good ones exist.

    AVOID holds texts that are right too (the answer's other names, other true facts).
    """
    blocked = {fold(answer)} | {fold(a) for a in avoid}
    ranked = sorted(candidates, key=lambda c: (c.tier, abs(len(c.text) - len(answer)), c.key, c.text))
    out: list[str] = []
    for cand in ranked:
        keys = {fold(cand.text)} | {fold(n) for n in cand.names}
        if keys & blocked:
            continue
        out.append(cand.text)
        blocked |= keys
        if len(out) == want:
            break
    return tuple(out) if len(out) >= least else None


def generate(base: FactBase) -> Iterator[Question]:
    gen = _Generator(base)
    yield from gen.definitions()
    yield from gen.pros_cons_choice()
    yield from gen.pros_cons_ox()
    yield from gen.stacks()
    yield from gen.taxonomy()
    yield from gen.matching()
    yield from gen.author()


def _choice(qid: str, kind: str, prompt: str, answer: str, wrong: tuple[str, ...], **fields) -> Question:
    options = tuple(sorted((answer, *wrong), key=lambda t: (fold(t), t)))
    return Question(id=qid, kind=kind, prompt=prompt, options=options, answer=options.index(answer), **fields)


def topic(word: str) -> str:
    """WORD with the topic particle 은/는 its last syllable calls for (은(는) if not Hangul)."""
    last = word.rstrip()[-1:]
    if "가" <= last <= "힣":
        return word + ("은" if (ord(last) - 0xAC00) % 28 else "는")
    return word + "은(는)"


def layer_text(layer: Layer) -> str:
    return f"{layer.name} × {layer.count}" if layer.count > 1 else layer.name


def stack_text(stack: Stack) -> str:
    return " / ".join(layer_text(layer) for layer in stack.layers)


class _Generator:
    def __init__(self, base: FactBase) -> None:
        self.base = base
        self.rel = Relations(base)

    def tags(self, *fact_ids: str | None) -> tuple[str, ...]:
        out: set[str] = set()
        for fid in fact_ids:
            if fid and fid in self.base:
                out.update(self.base[fid].meta.tags)
        return tuple(sorted(out))

    # --- definitions ------------------------------------------------------------------

    def _term_tier(self, d: Definition, other: Definition) -> int:
        rel = self.rel
        if other.id in rel.siblings(d.id):
            return 0
        if other.id in rel.cousins(d.id) or rel.specific_tags[d.id] & rel.specific_tags[other.id]:
            return 1
        return 2

    def _other_definitions(self, d: Definition) -> list[Definition]:
        # A kind of D, or what D is a kind of, fits D's definition too: never a wrong option.
        lineage = self.rel.lineage(d.id)
        return [o for o in self.base.definitions
                if o.id not in lineage and fold(o.definition) != fold(d.definition)]

    def definitions(self) -> Iterator[Question]:
        for d in self.base.definitions:
            others = self._other_definitions(d)
            common = dict(explanation=f"{d.label}: {d.definition}", facts=(d.id,), tags=self.tags(d.id))
            wrong = pick(d.label, (Candidate(o.label, self._term_tier(d, o), o.id, o.names) for o in others),
                         avoid=d.names)
            if wrong:
                yield _choice(f"{d.id}/term_from_definition/1", "term_from_definition",
                              f"다음 뜻을 가진 용어는?\n{d.definition}", d.label, wrong,
                              accepted=d.names, **common)
            wrong = pick(d.definition, (Candidate(o.definition, self._term_tier(d, o), o.id) for o in others))
            if wrong:
                yield _choice(f"{d.id}/definition_from_term/1", "definition_from_term",
                              f"{d.label}의 정의로 알맞은 것은?", d.definition, wrong, **common)

    # --- pros and cons ----------------------------------------------------------------

    def _truths(self, concept: str, polarity: str) -> frozenset[str]:
        """What the fact base says is a POLARITY of CONCEPT or of anything in its lineage."""
        return frozenset().union(*(self.rel.says(c, polarity) for c in self.rel.lineage(concept)))

    def pros_cons_choice(self) -> Iterator[Question]:
        rel = self.rel
        for pc in self.base.pros_cons:
            concept = pc.concept
            lineage = rel.lineage(concept)
            siblings = [c for c in rel.siblings(concept) if c in rel.pros_cons]
            denied = rel.denied(concept)
            for polarity in POLARITIES:
                other = OTHER[polarity]
                cands: list[Candidate] = []
                for i, p in enumerate(rel.points(concept, other)):
                    cands.append(Candidate(p.text, 1, f"0-own-{i:03d}"))
                for source in rel.pros_cons:
                    if source in lineage:
                        continue
                    near = source in siblings
                    for pol, tier in ((polarity, 0 if near else 3), (other, 2 if near else 4)):
                        for i, p in enumerate(rel.points(source, pol)):
                            t = 0 if fold(p.text) in denied else tier
                            cands.append(Candidate(p.text, t, f"{source}-{pol}-{i:03d}"))
                truths = self._truths(concept, polarity)
                for i, point in enumerate(getattr(pc, polarity), 1):
                    wrong = pick(point.text, cands, avoid=truths)
                    if not wrong:
                        continue
                    note = f" ({point.compare.text})" if point.compare else ""
                    yield _choice(f"{pc.id}/{CHOICE_KIND[polarity]}/{i}", CHOICE_KIND[polarity],
                                  f"다음 중 {rel.label(concept)}의 {WORD[polarity]}으로 알맞은 것은?",
                                  point.text, wrong,
                                  explanation=f"{rel.label(concept)}의 {WORD[polarity]}: {point.text}{note}",
                                  facts=(pc.id, concept), tags=self.tags(pc.id, concept))

    def pros_cons_ox(self) -> Iterator[Question]:
        """True statements, and false ones the fact base vouches for: the concept's own
        points of the other polarity, points of taxonomy siblings (only where the concept's
        points of that polarity are listed at all) and points a comparison denies."""
        rel = self.rel
        made: set[str] = set()
        for pc in self.base.pros_cons:
            concept = pc.concept
            for polarity in POLARITIES:
                kind, other = OX_KIND[polarity], OTHER[polarity]
                truths = self._truths(concept, polarity)
                mine = getattr(pc, polarity)
                for i, p in enumerate(mine, 1):
                    yield self._ox(f"{pc.id}/{kind}/{i}", kind, concept, polarity, p.text, True,
                                   f"{rel.label(concept)}의 {WORD[polarity]}이다.", (pc.id, concept))
                for i, p in enumerate(getattr(pc, other), 1):
                    if fold(p.text) not in truths:
                        yield self._ox(f"{pc.id}/{kind}/{SHORT[other]}{i}", kind, concept, polarity, p.text, False,
                                       f"{rel.label(concept)}의 {WORD[other]}이다.", (pc.id, concept))
                if not mine:
                    continue
                for sibling in rel.siblings(concept):
                    for spc in rel.pros_cons.get(sibling, ()):
                        for j, p in enumerate(getattr(spc, polarity), 1):
                            if fold(p.text) not in truths:
                                yield self._ox(f"{pc.id}/{kind}/{spc.id}.{j}", kind, concept, polarity, p.text, False,
                                               f"{rel.label(sibling)}의 {WORD[polarity]}이다.", (pc.id, concept, spc.id))
        for pc in self.base.pros_cons:
            for polarity in POLARITIES:
                kind = OX_KIND[polarity]
                for j, p in enumerate(getattr(pc, polarity), 1):
                    if not p.compare:
                        continue
                    subject = p.compare.concept
                    if fold(p.text) in self._truths(subject, polarity):
                        continue
                    home = rel.pros_cons.get(subject, ())
                    subject_fact = home[0].id if home else subject
                    qid = f"{subject_fact}/{kind}/{pc.id}.{j}"
                    if qid in made:
                        continue
                    made.add(qid)
                    yield self._ox(qid, kind, subject, polarity, p.text, False,
                                   f"{p.compare.text}. ({rel.label(pc.concept)}의 {WORD[polarity]}이다.)",
                                   (subject_fact, subject, pc.id))

    def _ox(self, qid: str, kind: str, concept: str, polarity: str, text: str, true: bool,
            explanation: str, facts: tuple[str, ...]) -> Question:
        facts = tuple(dict.fromkeys(facts))
        return Question(id=qid, kind=kind, prompt=f"다음은 {self.rel.label(concept)}의 {WORD[polarity]}이다.\n{text}",
                        options=OX, answer=0 if true else 1, explanation=explanation,
                        facts=facts, tags=self.tags(*facts))

    # --- stacks -----------------------------------------------------------------------

    def _layer_pool(self, stack: Stack) -> list[tuple[int, str, Layer]]:
        """Layers of other stacks, those framed by the same scenario first."""
        out = []
        for other in self.base.stacks:
            if other.id == stack.id:
                continue
            tier = 0 if stack.scenario and other.scenario == stack.scenario else 1
            out += [(tier, f"{other.id}-{i:03d}", layer) for i, layer in enumerate(other.layers)]
        return out

    def stacks(self) -> Iterator[Question]:
        for stack in self.base.stacks:
            yield from self._stack_questions(stack)

    def _stack_questions(self, stack: Stack) -> Iterator[Question]:
        rel = self.rel
        layers = stack.layers
        names = [layer.name for layer in layers]
        folded = [fold(n) for n in names]
        common = dict(explanation=f"{stack.title} (위에서 아래로): {stack_text(stack)}",
                      tags=self.tags(stack.id))
        facts = (stack.id,)
        if len(set(folded)) == len(folded) and len(layers) >= 3:
            yield Question(id=f"{stack.id}/stack_order/1", kind="stack_order",
                           prompt=f"‘{stack.title}’ 구조의 계층을 위에서부터 아래로 순서대로 나열하시오.",
                           options=tuple(sorted(names, key=lambda t: (fold(t), t))), answer=tuple(names),
                           facts=facts, **common)
        pool = self._layer_pool(stack)
        for i, layer in enumerate(layers):
            accepted: tuple[str, ...] = ()
            if layer.concept and fold(layer.name) in rel.folded_names(layer.concept):
                accepted = tuple(n for n in rel.names(layer.concept) if fold(n) != fold(layer.name))
            cands = [Candidate(other.name, tier, key) for tier, key, other in pool
                     if not any(rel.layers_clash(mine, other) for mine in layers)
                     and not rel.fits_blank(stack, i, other.name)]
            wrong = pick(layer.name, cands, avoid=accepted)
            drawn = dict(stack=stack, hidden_layer=i, facts=facts, **common)
            if wrong:
                yield _choice(f"{stack.id}/stack_missing_choice/{i + 1}", "stack_missing_choice",
                              f"‘{stack.title}’ 구조에서 빈칸에 들어갈 계층은?", layer.name, wrong,
                              accepted=accepted, **drawn)
            yield Question(id=f"{stack.id}/stack_missing_fill/{i + 1}", kind="stack_missing_fill",
                           prompt=f"‘{stack.title}’ 구조에서 빈칸에 들어갈 계층을 쓰시오.",
                           options=(), answer=layer.name, accepted=accepted, **drawn)
        for i, layer in enumerate(layers):
            if folded.count(folded[i]) > 1:
                continue  # "directly above X" is ambiguous when X appears twice
            for kind, j, where in (("stack_above", i - 1, "위"), ("stack_below", i + 1, "아래")):
                if not 0 <= j < len(layers):
                    continue
                right = layers[j]
                cands = [Candidate(other.name, 0, f"{k:03d}") for k, other in enumerate(layers)
                         if k not in (i, j) and fold(other.name) != fold(right.name)]
                cands += [Candidate(other.name, tier + 1, key) for tier, key, other in pool
                          if not rel.layers_clash(right, other) and not rel.layers_clash(layer, other)
                          and fold(other.name) not in folded]
                wrong = pick(right.name, cands, avoid=(layer.name,))
                if wrong:
                    yield _choice(f"{stack.id}/{kind}/{i + 1}", kind,
                                  f"‘{stack.title}’ 구조에서 ‘{layer.name}’ 바로 {where}에 있는 계층은?",
                                  right.name, wrong, facts=facts, **common)

    # --- taxonomy ---------------------------------------------------------------------

    def _outsiders(self, parent: str) -> list[Candidate]:
        """Definitions that are not kinds of PARENT and do not look like one."""
        rel = self.rel
        excluded = rel.lineage(parent) | rel.entangled(parent)
        near = set(rel.siblings(parent)) | set(rel.cousins(parent))
        kin_tags = frozenset().union(*(rel.specific_tags.get(c, frozenset()) for c in rel.children.get(parent, ())))
        out = []
        for d in self.base.definitions:
            if d.id in excluded or rel.named_in(parent, d.id):
                continue
            tier = 0 if d.id in near else 1 if rel.specific_tags[d.id] & kin_tags else 2
            out.append(Candidate(d.label, tier, d.id, d.names))
        return out

    def taxonomy(self) -> Iterator[Question]:
        rel = self.rel
        for tax in self.base.taxonomies:
            parent = tax.parent
            kinds = [rel.label(c) for c in tax.children]
            basis = f" (분류 기준: {tax.basis})" if tax.basis else ""
            explanation = f"{rel.term(parent)}의 종류: {', '.join(kinds)}{basis}"
            outsiders = self._outsiders(parent)
            every_kind = [n for c in rel.descendants(parent) for n in rel.names(c)]
            for i, child in enumerate(tax.children, 1):
                wrong = pick(rel.label(child), outsiders, avoid=[*rel.names(child), *every_kind])
                if wrong:
                    yield _choice(f"{tax.id}/kind_of/{i}", "kind_of", f"다음 중 {rel.label(parent)}의 종류인 것은?",
                                  rel.label(child), wrong, accepted=rel.names(child), explanation=explanation,
                                  facts=(tax.id, child), tags=self.tags(tax.id, child))
            if len(tax.children) < MIN_OPTIONS - 1:
                continue
            shown_n = min(len(tax.children), MAX_OPTIONS - 1)
            odd = pick(rel.label(tax.children[0]), outsiders, avoid=every_kind, want=2, least=1) or ()
            term_of = {c.text: rel.term(c.key) for c in outsiders}
            for v, outsider in enumerate(odd, 1):
                rotated = tax.children[v - 1:] + tax.children[:v - 1]
                shown = [rel.label(c) for c in rotated[:shown_n]]
                yield _choice(f"{tax.id}/odd_one_out/{v}", "odd_one_out", f"다음 중 {rel.label(parent)}의 종류가 아닌 것은?",
                              outsider, tuple(shown), explanation=f"{explanation}. {topic(term_of[outsider])} 여기에 속하지 않는다.",
                              facts=(tax.id,), tags=self.tags(tax.id))

    # --- matching ---------------------------------------------------------------------

    def _family_order(self, defs: list[Definition]) -> list[Definition]:
        """Definitions with each taxonomy's kinds next to each other, then the rest by id."""
        rel = self.rel
        wanted = {d.id: d for d in defs}
        order: list[str] = []

        def visit(concept: str) -> None:
            if concept in order:
                return
            order.append(concept)
            for child in rel.children.get(concept, ()):
                visit(child)

        for root in sorted(c for c in rel.children if c not in rel.parents):
            visit(root)
        order += sorted(c for c in wanted if c not in order)
        return [wanted[c] for c in order if c in wanted]

    def matching(self) -> Iterator[Question]:
        for deck in self.base.decks():
            defs, seen = [], set()
            for d in self._family_order([d for d in self.base.definitions if d.meta.deck == deck]):
                keys = {fold(d.label), fold(d.definition)} | {fold(n) for n in d.names}
                if not keys & seen:
                    defs.append(d)
                    seen |= keys
            for index, group in enumerate(_chunks(defs), 1):
                pairs = tuple((d.label, d.definition) for d in group)
                ids = tuple(d.id for d in group)
                yield Question(id=f"{group[0].id}/matching/{index}", kind="matching",
                               prompt="용어와 정의를 알맞게 짝지으시오.",
                               options=tuple(sorted((p[1] for p in pairs), key=lambda t: (fold(t), t))),
                               answer=pairs, explanation="\n".join(f"{a}: {b}" for a, b in pairs),
                               facts=ids, tags=self.tags(*ids))

    # --- the author's questions ---------------------------------------------------------

    def author(self) -> Iterator[Question]:
        for q in self.base.questions:
            explanation = q.explanation or ""
            stack = None
            if q.stack:
                stack = self.rel.stack_of(q.stack)
                explanation = f"{explanation}\n{stack.title} (위에서 아래로): {stack_text(stack)}".strip()
            facts = (q.id, q.stack) if q.stack else (q.id,)
            yield Question(id=f"{q.id}/author/1", kind="author", prompt=q.question, options=(),
                           answer=q.answer, explanation=explanation, facts=facts, tags=self.tags(*facts))


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
        out.append(defs[start:start + size])
        start += size
    return out
