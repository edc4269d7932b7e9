"""An independent judge of bank questions: which options does the fact base make right?

Written from the fact model alone (not from `cardgen.bank.relations`), so a bug in the
bank's own truth checks cannot hide from the tests. Taxonomy lineage counts as truth:
a kind of X fits X's definition, and what X is a kind of names X too.
"""

from __future__ import annotations

import re
import unicodedata

from cardgen.bank.question import Choice, FillIn, Matching, TrueFalse
from cardgen.factbase.model import AuthorQuestion, ComparisonTable, Definition, FactBase, Process, ProsCons, Stack, TableRow, Taxonomy


STOP = {"the", "and", "its", "for", "with", "all", "only", "an", "of", "to", "in", "on", "or", "by", "per", "it", "is"}


def f(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class Oracle:
    def __init__(self, base: FactBase) -> None:
        self.base = base
        self.defs = {d.id: d for d in base.definitions}
        self.kids: dict[str, set[str]] = {}
        for t in base.taxonomies:
            self.kids.setdefault(t.parent, set()).update(t.children)

    def below(self, concept: str) -> set[str]:
        out, todo = set(), [concept]
        while todo:
            for kid in self.kids.get(todo.pop(), ()):
                if kid not in out:
                    out.add(kid)
                    todo.append(kid)
        return out

    def above(self, concept: str) -> set[str]:
        return {c for c in self.defs if concept in self.below(c)}

    def lineage(self, concept: str) -> set[str]:
        return self.below(concept) | self.above(concept) | {concept}

    def names(self, concept: str) -> set[str]:
        d = self.defs.get(concept)
        return {f(n) for n in (*d.names, d.label)} if d else {f(concept)}

    def points(self, concept: str, polarity: str) -> set[str]:
        """What the facts give as POLARITY of CONCEPT: its own points and those shared with it (`also`)."""
        return {f(p.text) for pc in self.base.pros_cons for p in getattr(pc, polarity)
                if pc.concept == concept or concept in p.also}

    def established_false(self, concept: str, polarity: str, text: str) -> bool:
        """Whether the facts say TEXT is NOT a POLARITY of CONCEPT: a comparison denies it for the
        concept or what it is a kind of, or an `exclusive` sibling's list holds it without sharing
        it (`also`) with the concept. Open world: anything else may be true."""
        if any(text in self.points(c, polarity) for c in self.lineage(concept)):
            return False
        for pc in self.base.pros_cons:
            for p in getattr(pc, polarity):
                if f(p.text) != text:
                    continue
                if p.compare and concept in self.below(p.compare.concept) | {p.compare.concept}:
                    return True
                siblings = any(concept in t.children and pc.concept in t.children for t in self.base.taxonomies)
                if pc.exclusive and siblings and pc.concept != concept and not self.lineage(concept) & set(p.also):
                    return True
        return False

    def concept_of(self, fact_id: str) -> str:
        fact = self.base[fact_id]
        return fact.concept if isinstance(fact, ProsCons) else fact_id

    # --- the verdicts ---------------------------------------------------------------------

    def right_options(self, q: Choice) -> set[int]:
        """Indexes of the options of choice question Q that the fact base makes right."""
        return {i for i, o in enumerate(q.options) if self.is_right(q, o)}

    def is_right(self, q: Choice, option: str) -> bool:
        o = f(option)
        main = q.facts[0]
        if o in {f(a) for a in q.accepted}:
            return True
        if q.kind == "author_choice":  # the author keyed it: an option is right when the author says so
            written = next(self.base[i] for i in q.facts if isinstance(self.base[i], AuthorQuestion))
            return o in {f(text) for text in written.right}
        if q.kind == "term_from_definition":
            d: Definition = self.defs[main]
            return any(o in self.names(w.id) for w in self.base.definitions
                       if w.id in self.lineage(d.id) or f(w.definition) == f(d.definition)
                       or self.names(w.id) & self.names(d.id))
        if q.kind == "definition_from_term":
            d = self.defs[main]
            return any(o == f(w.definition) for w in self.base.definitions
                       if w.id in self.lineage(d.id) or self.names(w.id) & self.names(d.id))
        if q.kind in ("pro_of", "con_of"):
            polarity = "pros" if q.kind == "pro_of" else "cons"
            concept = self.concept_of(main)
            # Right unless the facts establish it is not: a point they are silent on may be true.
            return not self.established_false(concept, polarity, o)
        if q.kind == "stack_missing_choice":
            stack: Stack = self.base[main]
            i = q.hidden_layer
            names = [f(layer.name) for layer in stack.layers]
            around = (names[i - 1] if i > 0 else None, names[i + 1] if i + 1 < len(names) else None)
            if o == names[i]:
                return True
            for other in self.base.stacks:
                other_names = [f(layer.name) for layer in other.layers]
                for j, name in enumerate(other_names):
                    if name == o and (other_names[j - 1] if j > 0 else None, other_names[j + 1] if j + 1 < len(other_names) else None) == around:
                        return True
            return False
        if q.kind in ("stack_above", "stack_below"):
            stack = self.base[main]
            i = int(q.id.rsplit("/", 1)[1]) - 1
            j = i - 1 if q.kind == "stack_above" else i + 1
            return o == f(stack.layers[j].name)
        if q.kind == "stack_cross":
            # Right: a stack whose drawing puts a layer like the asked upper one directly above
            # one like the lower one; like: the same concept, or one name inside the other.
            key: Stack = self.base[main]
            i = int(q.id.rsplit("/", 1)[1]) - 1
            upper, lower = key.layers[i], key.layers[i + 1]
            stack = next(s for s in self.base.stacks if f(s.title) == o)

            def like(layer, named) -> bool:
                a, b = f(layer.name), f(named.name)
                return a in b or b in a or (named.concept is not None and layer.concept == named.concept)
            return any(like(a, upper) and like(b, lower) for a, b in zip(stack.layers, stack.layers[1:]))
        if q.kind in ("process_next", "process_previous", "process_step"):
            process: Process = self.base[main]
            names = [f(step.name) for step in process.steps]
            if q.kind == "process_step":
                detail = f(q.prompt.split("\n", 1)[1])
                return any(o == names[i] for i, step in enumerate(process.steps) if f(step.detail or "") == detail)
            i = int(q.id.rsplit("/", 1)[1]) - 1
            return o == names[i + 1 if q.kind == "process_next" else i - 1]
        if q.kind == "stack_band":
            stack = self.base[main]
            layer = stack.layers[int(q.id.rsplit("/", 1)[1]) - 1]
            return any(o == f(band.name) and layer.name in band.layers for band in stack.bands)
        if q.kind == "kind_of":
            tax: Taxonomy = self.base[main]
            return any(o in self.names(c) for c in self.below(tax.parent))
        if q.kind == "odd_one_out":
            tax = self.base[main]
            return not any(o in self.names(c) for c in self.below(tax.parent) | {tax.parent})
        if q.kind == "compare_which":
            table: ComparisonTable = self.base[main]
            row, value = self.cell_said(table, q.prompt.split("\n", 1)[1])
            concepts = [c for c in table.concepts if o in self.names(c)]
            return any(self.cell_holds(row, c, value) for c in concepts)
        raise AssertionError(f"not a choice kind: {q.kind}")

    # --- a term left blank in a detail -------------------------------------------------------

    def detail_fill_is_right(self, q: FillIn) -> bool:
        """Whether detail_fill Q has one right answer, its key, which accepts every name of the
        key's concept, which nothing Q shows gives away, and which restores a detail of Q's
        definition."""
        key = {c for c in self.defs if f(q.answer) in self.names(c)}
        return (
            len(key) == 1
            and self.blank_fillers(q) == key
            and self.fill_restores_a_detail(q)
            and not self.fill_gives_away(q)
            and all(f(n) in {f(a) for a in (q.answer, *q.accepted)} for c in key for n in self.defs[c].names)
        )

    def blank_fillers(self, q: FillIn) -> set[str]:
        """The concepts that may fill the blank of detail_fill Q: the key's, anything in its
        lineage, any concept with a name holding one of the key's, and the concept the sentence
        is about unless the sentence names it."""
        key = {c for c in self.defs if f(q.answer) in self.names(c)}
        sentence = f(q.prompt.split("\n")[-1])
        out = set(key)
        for c in key:
            out |= self.lineage(c)
            out |= {o for o in self.defs if o != c and any(n in m for n in self.names(c) if len(n) >= 2 for m in self.names(o))}
        main = q.facts[0]
        if not any(n in sentence for n in self.names(main) if len(n) >= 2):
            out.add(main)
        return out

    def fill_restores_a_detail(self, q: FillIn) -> bool:
        """Whether the key, put in the blank (with the particle in one of the forms shown),
        gives back a detail of Q's definition word for word."""
        sentence = q.prompt.split("\n")[-1]
        before, after = sentence.split("( ? )")
        shown = re.match(r"[\w()]*", after).group()
        tail = after[len(shown):]
        if "(" in shown:
            a, b, c = re.fullmatch(r"(\w*)\((\w+)\)(\w*)", shown).groups()
            forms = {a + c, b + c} if a else {c, b + c}
        else:
            forms = {shown}
        for detail in self.defs[q.facts[0]].details:
            if not (detail.startswith(before) and detail.endswith(tail)):
                continue
            middle = detail[len(before) : len(detail) - len(tail)]
            if f(middle).startswith(f(q.answer)) and re.sub(r"^\s*\([^()]*\)", "", middle[len(q.answer):]) in forms:
                return True
        return False

    def fill_gives_away(self, q: FillIn) -> bool:
        """Whether a name of the key's concept is anywhere in what Q shows."""
        shown = f("\n".join(q.prompt.split("\n")[1:]))
        key = {c for c in self.defs if f(q.answer) in self.names(c)}
        return any(n in shown for c in key for n in self.names(c) if len(n) >= 2)

    # --- comparisons ------------------------------------------------------------------------

    @staticmethod
    def cell_said(table: ComparisonTable, line: str) -> tuple[TableRow, str]:
        """The row and the value a line `attribute: value` speaks of."""
        row = max((r for r in table.rows if f(line).startswith(f(r.attribute) + ":")), key=lambda r: len(r.attribute))
        return row, line[len(row.attribute) + 1 :].strip()

    @staticmethod
    def cell_holds(row: TableRow, concept: str, value: str) -> bool | None:
        """Whether the table gives CONCEPT the VALUE in ROW; None where its cell is empty ("—"),
        or where the two values share a word stem ("fast" is true of "the fastest" too)."""
        given = next(cell for cell in row.values if cell.concept == concept)
        if not given.known:
            return None
        if f(given.value) == f(value):
            return True
        mine, theirs = ([w for w in re.findall(r"\w{2,}", f(v)) if w not in STOP] for v in (given.value, value))
        return None if any(a[:3] == b[:3] or a in b or b in a for a in mine for b in theirs) else False

    def comparison_statement(self, q: TrueFalse) -> bool | None:
        """The truth of `concept ... \n attribute: value` by the table: a cell is closed (the value
        given is the concept's, any other is not), except an empty one."""
        table: ComparisonTable = self.base[q.facts[0]]
        head, line = q.prompt.split("\n", 1)
        named = [c for c in table.concepts if self.defs[c].label in head]
        (concept,) = [c for c in named if not any(c != o and self.defs[c].label in self.defs[o].label for o in named)]
        row, value = self.cell_said(table, line)
        return self.cell_holds(row, concept, value)

    def matching_is_right(self, q: Matching) -> bool:
        """Whether Q's key pairs every concept with its value, and no other pairing would do."""
        table: ComparisonTable = self.base[q.facts[0]]
        row = next(r for r in table.rows if f(r.attribute) == f(q.prompt.split("\n", 1)[1]))
        concepts = [next(c for c in table.concepts if f(term) in self.names(c)) for term in q.terms]
        values = [f(v) for v in q.definitions]
        return len(set(values)) == len(values) and all(
            self.cell_holds(row, c, text) for c, (_, text) in zip(concepts, q.pairs, strict=True)
        )

    def ox_is_true(self, q: TrueFalse) -> bool | None:
        """True / False when the fact base decides Q's statement, None when it is silent."""
        if q.kind == "ox_example":
            return self.example_is_of(q)
        if q.kind == "stack_band_ox":
            return self.band_holds(q)
        if q.kind == "compare_ox":
            return self.comparison_statement(q)
        polarity = "pros" if q.kind == "ox_pro" else "cons"
        concept = self.concept_of(q.facts[0])
        text = f(q.prompt.split("\n", 1)[1])
        if any(text in self.points(c, polarity) for c in self.above(concept) | {concept}):
            return True  # its own point, one shared with it, or one of what it is a kind of
        if any(text in self.points(c, polarity) for c in self.below(concept)):
            return None  # a point of one of its kinds: not said of the concept itself
        if self.established_false(concept, polarity, text):
            return False
        return None  # the facts are silent: no item may claim either answer

    def band_holds(self, q: TrueFalse) -> bool | None:
        """Whether the layer of Q's statement is in the band it names (quoted in its first line)."""
        head, layer = q.prompt.split("\n", 1)
        stack: Stack = self.base[q.facts[0]]
        named = [band for band in stack.bands if f"‘{band.name}’" in head]
        if len(named) != 1 or all(layer not in band.layers for band in stack.bands):
            return None
        return layer in named[0].layers

    def example_is_of(self, q: TrueFalse) -> bool | None:
        """Whether the example in Q's statement is an example of the concept Q names: true when
        the concept (or a kind of it) lists it, false when a concept of another branch of the
        same taxonomy does (kinds of one parent are kinds apart), else unknown."""
        head, example = q.prompt.split("\n", 1)
        concept = next(d.id for d in self.base.definitions if head.startswith(f"다음은 {d.label}의 "))
        owners = {d.id for d in self.base.definitions if f(example) in {f(e) for e in d.examples}}
        if owners & (self.below(concept) | {concept}):
            return True
        for t in self.base.taxonomies:
            mine = [c for c in t.children if concept in self.below(c) | {c}]
            theirs = [c for c in t.children if owners & (self.below(c) | {c})]
            if mine and theirs and not set(mine) & set(theirs):
                return False
        return None

