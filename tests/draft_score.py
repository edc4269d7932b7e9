"""Score a drafted fact base against a hand-written one, matching facts by term or title.

The hand-written base may correct the note (other names, fixed typos, extra facts),
so texts are compared leniently (`similar`) and names through every name a
definition has. `score` returns the rows of the table and every difference found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardgen.text import fold
from cardgen.draft.merge import similar
from cardgen.draft.note import _is_latin
from cardgen.factbase.model import Definition, FactBase, Layer, Stack


@dataclass(frozen=True)
class Row:
    what: str
    found: int
    total: int
    target: float

    @property
    def ratio(self) -> float:
        return self.found / self.total if self.total else 1.0

    @property
    def holds(self) -> bool:
        return self.ratio >= self.target


@dataclass
class Score:
    rows: list[Row] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    def row(self, what: str) -> Row:
        return next(r for r in self.rows if r.what == what)

    def table(self) -> str:
        lines = ["| what | found | of | share | target | holds |", "|---|---:|---:|---:|---:|---|"]
        for r in self.rows:
            lines.append(f"| {r.what} | {r.found} | {r.total} | {r.ratio:.0%} | {r.target:.0%} | {'yes' if r.holds else 'NO'} |")
        return "\n".join(lines)


def _names(d: Definition) -> set[str]:
    return {fold(n) for n in d.names}


def score(drafted: FactBase, expected: FactBase) -> Score:
    out = Score()
    # Definitions, by any shared name.
    match: dict[str, str] = {}  # expected id -> drafted id
    with_english = 0
    for want in expected.definitions:
        got = next((d for d in drafted.definitions if _names(d) & _names(want)), None)
        if got is None:
            out.differences.append(f"definition '{want.id}' ({want.label}) was not drafted")
            continue
        match[want.id] = got.id
        latin = {fold(n) for n in (got.term, got.english) if n and _is_latin(n)}
        if latin & _names(want):
            with_english += 1
        else:
            out.differences.append(f"definition '{want.id}': drafted English name {got.english!r}, expected {want.english!r}")
        if not similar(got.definition, want.definition):
            out.differences.append(f"definition '{want.id}': drafted {got.definition!r}, expected {want.definition!r}")
    out.rows.append(Row("definitions (with English name)", with_english, len(expected.definitions), 0.9))
    unmatched = sorted({d.id for d in drafted.definitions} - set(match.values()))
    if unmatched:
        out.differences.append(f"drafted definitions not in the hand-written base: {', '.join(unmatched)}")

    # Pros and cons, point by point.
    found = total = 0
    for want_pc in expected.pros_cons:
        got_pc = drafted.pros_cons_of(match.get(want_pc.concept, ""))
        for kind in ("pros", "cons"):
            for point in getattr(want_pc, kind):
                total += 1
                have = getattr(got_pc, kind, ()) if got_pc else ()
                hit = next((p for p in have if similar(p.text, point.text)), None)
                if hit is None:
                    out.differences.append(f"{kind[:-1]} of '{want_pc.concept}' not drafted: {point.text!r}")
                    continue
                if point.compare and (hit.compare is None or hit.compare.concept != match.get(point.compare.concept)):
                    out.differences.append(f"{kind[:-1]} of '{want_pc.concept}': comparison with '{point.compare.concept}' missing")
                    continue
                found += 1
    out.rows.append(Row("pros and cons points", found, total, 1.0))

    # Stacks: exact layers and counts.
    stack_match = _stacks(drafted, expected, match)
    exact = 0
    for want_stack in expected.stacks:
        got_stack = stack_match.get(want_stack.id)
        if got_stack is None:
            out.differences.append(f"stack '{want_stack.id}' was not drafted")
        elif _same_layers(got_stack.layers, want_stack.layers, expected):
            exact += 1
            if fold(got_stack.title) != fold(want_stack.title):
                out.differences.append(f"stack '{want_stack.id}': title {got_stack.title!r}, expected {want_stack.title!r}")
        else:
            out.differences.append(f"stack '{want_stack.id}': layers differ")
    out.rows.append(Row("stacks (exact layers and counts)", exact, len(expected.stacks), 1.0))

    # Taxonomy links, parent -> child.
    want_links = {(t.parent, c) for t in expected.taxonomies for c in t.children}
    got_links = {(t.parent, c) for t in drafted.taxonomies for c in t.children}
    hits = {link for link in want_links if (match.get(link[0]), match.get(link[1])) in got_links}
    for parent, child in sorted(want_links - hits):
        out.differences.append(f"taxonomy link {parent} -> {child} not drafted")
    reverse = {v: k for k, v in match.items()}
    extra = sorted(f"{p} -> {c}" for p, c in got_links if (reverse.get(p), reverse.get(c)) not in want_links)
    if extra:
        out.differences.append(f"drafted taxonomy links not in the hand-written base: {', '.join(extra)}")
    out.rows.append(Row("taxonomy links", len(hits), len(want_links), 0.8))

    # The author's questions.
    asked = 0
    for want_q in expected.questions:
        got_q = next((q for q in drafted.questions if similar(q.question, want_q.question)), None)
        if got_q is None:
            out.differences.append(f"question '{want_q.id}' was not drafted")
            continue
        asked += 1
        if not similar(got_q.answer, want_q.answer):
            out.differences.append(f"question '{want_q.id}': answer {got_q.answer!r}, expected {want_q.answer!r}")
        if bool(got_q.stack) != bool(want_q.stack):
            out.differences.append(f"question '{want_q.id}': stack {got_q.stack!r}, expected {want_q.stack!r}")
    out.rows.append(Row("author's questions", asked, len(expected.questions), 1.0))
    return out


def _stacks(drafted: FactBase, expected: FactBase, match: dict[str, str]) -> dict[str, Stack]:
    """Expected stack id -> drafted stack, by title, else by what it illustrates, else by question."""
    out: dict[str, Stack] = {}
    for want in expected.stacks:
        got = next((s for s in drafted.stacks if fold(s.title) == fold(want.title)), None)
        if got is None and want.illustrates:
            got = next((s for s in drafted.stacks
                        if s.illustrates and s.illustrates == match.get(want.illustrates)), None)
        if got is None:
            for want_q in expected.questions:
                got_q = next((q for q in drafted.questions if similar(q.question, want_q.question)), None)
                if want_q.stack == want.id and got_q and got_q.stack:
                    got = next(s for s in drafted.stacks if s.id == got_q.stack)
        if got is not None:
            out[want.id] = got
    return out


def _same_layers(got: tuple[Layer, ...], want: tuple[Layer, ...], expected: FactBase) -> bool:
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        names = {fold(w.name)}
        if w.concept:
            names |= _names(expected.definition(w.concept))
        if g.count != w.count or fold(g.name) not in names:
            return False
    return True
