"""`cardgen audit`: what in the facts makes questions a teacher would not sign, at `file:line`.

It reports facts that read badly as questions (a term inside its own definition, an
English name that repeats the term, a definition that fits two terms, kinds whose names
contain their parent's, a taxonomy of one kind), every question the bank's screening had
to drop and why (at the fact behind it), and `exclude` entries that name no question or
card. Drops by a rule about the whole bank (its share of stack items, the balance of true
and false) are no flaw of a fact and are not reported. The author's own choice questions
are kept whatever their options look like; where the key stands out (its length, a word of
the question only it repeats) they are reported too, for the author to rewrite.

The author settles a finding by fixing the fact, or by accepting it: each finding about
a fact names its check, which the fact may list under `reviewed` (`left-out` accepts the
questions the screening dropped), and a dropped question listed under `exclude` is
accepted too. A base whose findings are all settled audits clean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from cardgen.bank.generate import Dropped, generate_bank, stem_words
from cardgen.bank.question import AUTHORED, Question
from cardgen.bank.relations import fold
from cardgen.bank.screen import tells
from cardgen.cards import build_cards
from cardgen.factbase.model import Fact, FactBase, Loc
from cardgen.lang import N_, Lang, Translator, lang_of, majority, translator

Speaker = Callable[[Fact | None], Translator]


@dataclass(frozen=True, order=True)
class Finding:
    loc: Loc
    message: str
    check: str = ""
    """The audit check (`AUDIT_CHECKS`) a fact may accept under `reviewed`; empty for the others."""

    def __str__(self) -> str:
        return f"{self.loc}: {self.message} [{self.check}]" if self.check else f"{self.loc}: {self.message}"


def _unless_reviewed(fact: Fact, check: str, message: str) -> list[Finding]:
    """A finding about FACT, unless its author accepted CHECK."""
    return [] if check in fact.meta.reviewed else [Finding(fact.meta.loc, message, check)]


def audit(base: FactBase, lang: Lang | None = None) -> list[Finding]:
    """Every finding, in file and line order, each in its fact's language or LANG."""

    def t(fact: Fact | None) -> Translator:
        return translator(lang or (lang_of(fact) if fact is not None else majority(map(lang_of, base.facts()))))

    bank, dropped = generate_bank(base)
    found = [
        *_definitions(base, t),
        *_taxonomies(base, t),
        *_dropped(base, dropped, t),
        *_authored(base, bank, t),
        *_excludes(base, t),
    ]
    return sorted(set(found))


def _definitions(base: FactBase, t: Speaker) -> list[Finding]:
    out = []
    by_meaning: dict[str, list[str]] = {}
    for d in base.definitions:
        meaning = fold(d.definition)
        by_meaning.setdefault(meaning, []).append(d.id)
        for name in d.names:
            if len(fold(name)) >= 2 and fold(name) in meaning:
                message = t(d)._(N_("the term '{name}' is inside its own definition (a giveaway)"), name=name)
                out += _unless_reviewed(d, "term-in-definition", message)
        if d.english and fold(d.english) == fold(d.term):
            message = t(d)._(N_("'english' repeats the term '{term}'; leave it out"), term=d.term)
            out += _unless_reviewed(d, "english-repeats-term", message)
    for d in base.definitions:
        others = [o for o in by_meaning[fold(d.definition)] if o != d.id]
        if others:
            message = N_("the definition also fits {others}: no question can tell them apart")
            out += _unless_reviewed(d, "definition-fits-two", t(d)._(message, others=", ".join(others)))
    return out


def _taxonomies(base: FactBase, t: Speaker) -> list[Finding]:
    out = []
    for tax in base.taxonomies:
        parent = base.definition(tax.parent)
        for child_id in tax.children:
            child = base.definition(child_id)
            if any(fold(n) in fold(c) for n in parent.names for c in child.names if len(fold(n)) >= 2):
                message = N_("the kind '{kind}' contains its parent's name '{parent}' (a giveaway)")
                out += _unless_reviewed(
                    tax, "kind-contains-parent", t(tax)._(message, kind=child.term, parent=parent.term)
                )
        if len(tax.children) == 1:
            message = N_("'{parent}' has one kind: a list of one asks nothing")
            out += _unless_reviewed(tax, "one-kind", t(tax)._(message, parent=parent.term))
    return out


def _dropped(base: FactBase, dropped: Sequence[Dropped], t: Speaker) -> list[Finding]:
    accepted = {name for name, _ in base.exclude}
    out = []
    for d in dropped:
        if d.policy or d.id in accepted:
            continue
        fact = base[d.facts[0]] if d.facts and d.facts[0] in base else None
        why = t(fact)._(d.why.message, **d.why.fields)
        message = t(fact)._(N_("{question} left out: {why}"), question=d.id, why=why)
        if fact is None:
            out.append(Finding(Loc("<bank>", 0), message))
        else:
            out += _unless_reviewed(fact, "left-out", message)
    return out


def _authored(base: FactBase, bank: Sequence[Question], t: Speaker) -> list[Finding]:
    out = []
    for q in bank:
        if q.kind not in AUTHORED or (why := tells(q, stem_words())) is None:
            continue
        fact = base[q.facts[0]]
        message = N_("{question} gives its answer away: {why} (kept: the options are yours; rewrite them)")
        out.append(Finding(fact.meta.loc, t(fact)._(message, question=q.id, why=t(fact)._(why.message, **why.fields))))
    return out


def _excludes(base: FactBase, t: Speaker) -> list[Finding]:
    if not base.exclude:
        return []
    bank, dropped = generate_bank(replace(base, exclude=()))
    known = {q.id for q in bank} | {d.id for d in dropped} | {c.key for c in build_cards(base)}
    return [
        Finding(loc, t(None)._(N_("'exclude' names '{name}', which is no question or card"), name=name))
        for name, loc in base.exclude
        if name not in known
    ]
