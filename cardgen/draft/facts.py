"""Turn the shapes of one or more notes into fact entries, in the fact format's own keys.

An entry keeps the note and line it came from and the reasons the drafter was unsure
(`checks`), so the writer can put both beside it. Ids are slugs of the English name
where there is one, else of the term: the same note always gives the same ids, and
`merge` keeps the ids of facts that are already in a base.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from cardgen.draft.note import Chain, Leftover, Note, PointShape, QuestionShape, Term
from cardgen.text import fold

SECTION_ORDER = ("definitions", "pros_cons", "taxonomy", "scenarios", "stacks", "questions")


@dataclass(frozen=True)
class Map:
    """A YAML mapping with its keys in the order they are written."""

    items: tuple[tuple[str, Value], ...]

    def get(self, key: str) -> Value | None:
        return next((value for k, value in self.items if k == key), None)

    def set(self, key: str, value: Value) -> Map:
        if any(k == key for k, _ in self.items):
            return Map(tuple((k, value if k == key else v) for k, v in self.items))
        return Map((*self.items, (key, value)))


@dataclass(frozen=True)
class Checked:
    """A list item drafted on a guess: written with a `# check:` comment above it."""

    value: Value
    check: str


Value: TypeAlias = str | int | tuple["Value", ...] | Map | Checked


def unchecked(value: Value) -> Value:
    """VALUE without the `Checked` wrapper, if it has one."""
    return value.value if isinstance(value, Checked) else value


@dataclass(frozen=True)
class Entry:
    """One drafted fact: its section, id, keys, and where it came from."""

    section: str
    id: str
    fields: Map
    note: str
    line: int
    checks: tuple[str, ...] = ()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.fields.get(key)
        items = (unchecked(v) for v in value) if isinstance(value, tuple) else ()
        return tuple(v for v in items if isinstance(v, str))


@dataclass(frozen=True)
class Draft:
    """Everything drafted from the notes, ready to be written or merged."""

    notes: tuple[str, ...]
    deck: str
    source: str | None
    tags: tuple[str, ...]
    entries: tuple[Entry, ...]
    leftovers: tuple[tuple[str, Leftover], ...] = ()
    checks: tuple[str, ...] = ()  # about the file as a whole


def slug(text: str, words: int = 6) -> str:
    """`H/W-level Virtualization` -> `hw-level-virtualization`; Hangul is kept."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("/", "").replace("'", "")
    pieces = [p for p in re.split(r"[\W_]+", text) if p][:words]
    return "-".join(pieces) or "fact"


_ENUMERATOR = re.compile(r"\A(?:type\s+\d+|\d+)[.)]\s+", re.IGNORECASE)


class _Ids:
    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)

    def new(self, base: str) -> str:
        fact_id, n = base, 2
        while fact_id in self.taken:
            fact_id, n = f"{base}-{n}", n + 1
        self.taken.add(fact_id)
        return fact_id


def deck_of(note: Note) -> str:
    """`[Docker] 1. 가상화와 컨테이너` -> `Docker::1. 가상화와 컨테이너`; else the note's file name."""
    title = note.header.title
    if not title:
        return Path(note.path).stem
    match = re.fullmatch(r"\[([^\]]+)\]\s*(.+)", title)
    return f"{match.group(1).strip()}::{match.group(2).strip()}" if match else title


def source_of(note: Note) -> str | None:
    title, date = note.header.title, note.header.date
    if not title:
        return None
    return f"{title} ({date})" if date else title


def draft(notes: Iterable[Note]) -> Draft:
    """The fact entries of NOTES, in the order the notes give them."""
    notes = tuple(notes)
    ids = _Ids()
    term_ids: dict[int, str] = {}  # id(Term) -> fact id
    names: dict[str, str] = {}
    for note in notes:
        for term in note.all_terms():
            fact_id = ids.new(slug(term.name.english or term.name.term))
            term_ids[id(term)] = fact_id
            for name in (term.name.term, term.name.english, *term.name.aliases):
                if name:
                    names.setdefault(fold(name), fact_id)
    resolve = _Resolver(names)
    sections: dict[str, list[Entry]] = {s: [] for s in SECTION_ORDER}
    first = notes[0]
    file_source = source_of(first)
    for note in notes:
        source = source_of(note)
        extra: tuple[tuple[str, Value], ...] = (("source", source),) if source and source != file_source else ()
        for term in note.all_terms():
            _term_entries(note.path, term, term_ids, resolve, sections, extra)
        for scenario in note.scenarios:
            scenario_id = ids.new("scenario-" + slug(scenario.text, words=4))
            sections["scenarios"].append(
                Entry(
                    "scenarios",
                    scenario_id,
                    Map((("text", scenario.text or "(no text)"), *extra)),
                    note.path,
                    scenario.line,
                    () if scenario.text else ("the quote has no text before its chains",),
                )
            )
            for chain in scenario.chains:
                sections["stacks"].append(_stack(note.path, chain, ids, resolve, scenario_id, None, extra))
        for question in note.questions:
            question_id = ids.new(slug(question.question, words=5))
            fields = Map((("question", question.question), ("answer", question.answer)))
            if question.chain is not None:
                stack = _stack(note.path, question.chain, ids, resolve, None, question, extra, "stack-" + question_id)
                sections["stacks"].append(stack)
                fields = fields.set("stack", stack.id)
            sections["questions"].append(
                Entry("questions", question_id, Map((*fields.items, *extra)), note.path, question.line, question.checks)
            )
    decks = sorted({deck_of(note) for note in notes})
    checks = (f"the notes name several decks ({', '.join(decks)}); the file has one",) if len(decks) > 1 else ()
    return Draft(
        notes=tuple(note.path for note in notes),
        deck=deck_of(first),
        source=file_source,
        tags=tuple(dict.fromkeys(_tag(t) for t in first.header.tags)),
        entries=tuple(e for s in SECTION_ORDER for e in sections[s]),
        leftovers=tuple((note.path, left) for note in notes for left in note.leftovers),
        checks=checks,
    )


def _tag(tag: str) -> str:
    return "_".join(tag.split())


class _Resolver:
    """Finds the definition a name in the note refers to."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def __call__(self, text: str) -> str | None:
        candidates = [text]
        if " > " in text:
            candidates.append(text.rsplit(" > ", 1)[1])
        candidates += [_ENUMERATOR.sub("", c) for c in candidates]
        for candidate in candidates:
            found = self.names.get(fold(candidate))
            if found:
                return found
        return None


def _term_entries(
    note: str,
    term: Term,
    term_ids: dict[int, str],
    resolve: _Resolver,
    sections: dict[str, list[Entry]],
    extra: tuple[tuple[str, Value], ...],
) -> None:
    fact_id = term_ids[id(term)]
    items: list[tuple[str, Value]] = [("term", term.name.term)]
    if term.name.english:
        items.append(("english", term.name.english))
    if term.name.aliases:
        items.append(("aliases", term.name.aliases))
    items.append(("definition", term.definition))
    for key, texts in (("details", term.details), ("examples", term.examples)):
        unique = tuple(dict.fromkeys(t for t in texts if t))
        if unique:
            items.append((key, unique))
    sections["definitions"].append(Entry("definitions", fact_id, Map((*items, *extra)), note, term.line, term.checks))
    if term.pros or term.cons:
        checks: list[str] = []
        point_items: list[tuple[str, Value]] = [("concept", fact_id)]
        for key, points in (("pros", term.pros), ("cons", term.cons)):
            if points:
                point_items.append((key, tuple(_point(p, resolve, checks) for p in _unique(points))))
        line = min(p.line for p in (*term.pros, *term.cons))
        sections["pros_cons"].append(
            Entry("pros_cons", f"{fact_id}-pros-cons", Map((*point_items, *extra)), note, line, tuple(checks))
        )
    if term.kinds:
        children = tuple(dict.fromkeys(term_ids[id(kind)] for kind in term.kinds))
        sections["taxonomy"].append(
            Entry(
                "taxonomy",
                f"kinds-of-{fact_id}",
                Map((("parent", fact_id), ("children", children), *extra)),
                note,
                term.kinds[0].line,
            )
        )


def _unique(points: tuple[PointShape, ...]) -> list[PointShape]:
    seen: set[str] = set()
    out = []
    for point in points:
        if fold(point.text) not in seen:
            seen.add(fold(point.text))
            out.append(point)
    return out


def _point(point: PointShape, resolve: _Resolver, checks: list[str]) -> Value:
    value = _point_value(point, resolve, checks)
    return Checked(value, point.check) if point.check else value


def _point_value(point: PointShape, resolve: _Resolver, checks: list[str]) -> Value:
    if point.vs is None:
        return point.text
    concept = resolve(point.vs[0])
    if concept is None:
        checks.append(f"'vs {point.vs[0]}' names no term of the note; kept in the point's text")
        return f"{point.text} (vs {point.vs[0]}: {point.vs[1]})"
    return Map((("text", point.text), ("compare", Map((("concept", concept), ("text", point.vs[1]))))))


def _stack(
    note: str,
    chain: Chain,
    ids: _Ids,
    resolve: _Resolver,
    scenario: str | None,
    question: QuestionShape | None,
    extra: tuple[tuple[str, Value], ...],
    base: str | None = None,
) -> Entry:
    illustrates = resolve(chain.title) if chain.title else None
    title = chain.title or (question.question if question else "")
    stack_id = ids.new(base or "stack-" + (illustrates or slug(title)))
    layers: list[Value] = []
    for layer in chain.layers:
        concept = resolve(layer.name)
        if layer.count == 1 and concept is None:
            layers.append(layer.name)
            continue
        items: list[tuple[str, Value]] = [("name", layer.name)]
        if layer.count > 1:
            items.append(("count", layer.count))
        if concept:
            items.append(("concept", concept))
        layers.append(Map(tuple(items)))
    fields: list[tuple[str, Value]] = [("title", title)]
    if illustrates:
        fields.append(("illustrates", illustrates))
    if scenario:
        fields.append(("scenario", scenario))
    fields.append(("layers", tuple(layers)))
    checks = () if illustrates or question else (f"the title '{title}' names no term of the note",)
    return Entry("stacks", stack_id, Map((*fields, *extra)), note, chain.line, checks)
