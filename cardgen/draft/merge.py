"""Add a re-drafted note to an existing fact base without touching the author's edits.

A drafted fact that matches one in the base (a definition by any of its names, a
question or scenario by its text, a stack by its title or what it illustrates,
pros/cons and taxonomy by their concept) keeps the base's id and text; only new
facts, and new points of matched facts (details, examples, pros, cons, kinds), are
inserted into the files as text. Nothing else in a file changes, so comments,
ordering and hand-written style survive, and the change reads as a small diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cardgen.draft.facts import SECTION_ORDER, Checked, Draft, Entry, Map, Value, unchecked
from cardgen.draft.yamlout import check_line, entry_lines, inline, item_lines, key_lines, render
from cardgen.factbase.loader import fact_files, load_files
from cardgen.factbase.model import AuthorQuestion, FactBase
from cardgen.text import fold

SIMILAR = 0.8  # a re-drafted point this close to one in the base is that point, perhaps edited
_APPENDABLE = {
    "definitions": ("details", "examples"),
    "pros_cons": ("pros", "cons"),
    "taxonomy": ("children",),
}
_REFS = {"concept", "parent", "illustrates", "scenario", "stack"}


@dataclass
class Change:
    """The new text of one fact file (`old` is None for a file to create)."""

    path: Path
    old: str | None
    new: str
    facts: list[str] = field(default_factory=list)
    points: int = 0

    def diff(self) -> str:
        name = str(self.path)
        lines = difflib.unified_diff(
            (self.old or "").splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=name if self.old is not None else "/dev/null",
            tofile=name,
        )
        return "".join(lines)


def similar(a: str, b: str) -> bool:
    a, b = fold(a).replace(" ", ""), fold(b).replace(" ", "")
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


@dataclass
class _Located:
    file: Path
    node: MappingNode


class _Base:
    """The base's facts and, for each id, the file and YAML node it is written in."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.facts: FactBase = load_files(files)
        self.texts = {file: file.read_text(encoding="utf-8-sig") for file in files}
        self.where: dict[str, _Located] = {}
        self.sections: dict[tuple[Path, str], SequenceNode] = {}
        for file, text in self.texts.items():
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            if not isinstance(root, MappingNode):
                continue
            for key, value in root.value:
                if isinstance(value, SequenceNode) and key.value in SECTION_ORDER:
                    self.sections[(file, key.value)] = value
                    for item in value.value:
                        fact_id = _scalar(item, "id")
                        if isinstance(item, MappingNode) and fact_id:
                            self.where[fact_id] = _Located(file, item)


def merge(draft: Draft, into: Path, new_file: Path) -> list[Change]:
    """The changes that add DRAFT to the base at INTO; new facts of a folder go to NEW_FILE."""
    base = _Base(fact_files(into))
    ids = {fact.id for fact in base.facts.facts()}
    remap: dict[str, str] = {}
    edits: dict[Path, list[tuple[int, str]]] = {}
    new_entries: list[Entry] = []
    points = {file: 0 for file in base.files}
    # A question's stack is the base's stack of the same question, whatever its title.
    stack_of: dict[str, str] = {}
    for entry in draft.entries:
        stack = entry.fields.get("stack")
        known = _match(entry, base.facts) if entry.section == "questions" else None
        fact = base.facts[known] if known else None
        if isinstance(stack, str) and isinstance(fact, AuthorQuestion) and fact.stack:
            stack_of[stack] = fact.stack
    for entry in draft.entries:
        entry = _remapped(entry, remap)
        match = stack_of.get(entry.id) or _match(entry, base.facts)
        if match is None:
            fact_id = entry.id
            n = 2
            while fact_id in ids:
                fact_id, n = f"{entry.id}-{n}", n + 1
            ids.add(fact_id)
            remap[entry.id] = fact_id
            new_entries.append(Entry(entry.section, fact_id, entry.fields, entry.note, entry.line, entry.checks))
            continue
        remap[entry.id] = match
        located = base.where[match]
        for key in _APPENDABLE.get(entry.section, ()):
            fresh = _new_values(entry, key, base.facts, match)
            if fresh:
                edits.setdefault(located.file, []).extend(_append(base.texts[located.file], located.node, key, fresh))
                points[located.file] = points.get(located.file, 0) + len(fresh)
    target = into if into.is_file() else _target(base, remap, new_file)
    changes: list[Change] = []
    for file in base.files:
        inserts = edits.get(file, [])
        mine = new_entries if file == target else []
        if mine:
            inserts += _add_entries(base, file, mine)
        if inserts:
            old = base.texts[file]
            changes.append(Change(file, old, _apply(old, inserts), [e.id for e in mine], points.get(file, 0)))
    if new_entries and target not in base.files:
        partial = Draft(draft.notes, draft.deck, draft.source, draft.tags, tuple(new_entries))
        changes.append(Change(target, None, render(partial), [e.id for e in new_entries]))
    return changes


def _target(base: _Base, remap: dict[str, str], new_file: Path) -> Path:
    """The file that holds most of the facts the draft matched, else NEW_FILE."""
    counts: dict[Path, int] = {}
    for fact_id in remap.values():
        if fact_id in base.where:
            file = base.where[fact_id].file
            counts[file] = counts.get(file, 0) + 1
    return max(sorted(counts), key=lambda f: counts[f]) if counts else new_file


def _remapped(entry: Entry, remap: dict[str, str]) -> Entry:
    def value(key: str, v: Value) -> Value:
        if isinstance(v, str):
            return remap.get(v, v) if key in _REFS or key == "children" else v
        if isinstance(v, tuple):
            return tuple(value(key, item) for item in v)
        if isinstance(v, Map):
            return Map(tuple((k, value(k, item)) for k, item in v.items))
        if isinstance(v, Checked):
            return Checked(value(key, v.value), v.check)
        return v

    fields = Map(tuple((k, value(k, v)) for k, v in entry.fields.items))
    return Entry(entry.section, entry.id, fields, entry.note, entry.line, entry.checks)


def _match(entry: Entry, facts: FactBase) -> str | None:
    get = entry.fields.get
    if entry.section == "definitions":
        names = [get("term"), get("english"), *(entry.texts("aliases"))]
        wanted = {fold(n) for n in names if isinstance(n, str)}
        for definition in facts.definitions:
            if wanted & {fold(n) for n in definition.names}:
                return definition.id
        return None
    if entry.section == "pros_cons":
        found = facts.pros_cons_of(str(get("concept")))
        return found.id if found else None
    if entry.section == "taxonomy":
        return next((t.id for t in facts.taxonomies if t.parent == get("parent")), None)
    if entry.section == "scenarios":
        return next((s.id for s in facts.scenarios if similar(s.text, str(get("text")))), None)
    if entry.section == "stacks":
        title, illustrates = str(get("title")), get("illustrates")
        for stack in facts.stacks:
            if fold(stack.title) == fold(title) or (
                illustrates and stack.illustrates == illustrates and stack.scenario == get("scenario")
            ):
                return stack.id
        return None
    return next((q.id for q in facts.questions if similar(q.question, str(get("question")))), None)


def _new_values(entry: Entry, key: str, facts: FactBase, fact_id: str) -> list[Value]:
    value = entry.fields.get(key)
    if not isinstance(value, tuple):
        return []
    fact = facts[fact_id]
    have: list[str]
    if key == "children":
        have = list(getattr(fact, "children", ()))
        return [v for v in value if isinstance(v, str) and v not in have]
    if key in ("pros", "cons"):
        have = [p.text for p in (*getattr(fact, "pros", ()), *getattr(fact, "cons", ()))]
    else:
        have = [getattr(fact, "definition", ""), *getattr(fact, "details", ()), *getattr(fact, "examples", ())]
    fresh: list[Value] = []
    for item in value:
        plain = unchecked(item)
        text = plain.get("text") if isinstance(plain, Map) else plain
        if isinstance(text, str) and not any(similar(text, h) for h in have):
            fresh.append(item)
            have.append(text)
    return fresh


# --- text edits ---------------------------------------------------------------------


def _scalar(node: Node, key: str) -> str | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key and isinstance(v, ScalarNode):
                return str(v.value)
    return None


def _end(text: str, node: Node) -> int:
    """The index just after the last line of NODE that holds content (not a comment)."""
    start, end = node.start_mark.index, node.end_mark.index
    lines = text[start:end].splitlines(keepends=True)
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")) and len(lines) > 1:
        lines.pop()
    index = start + sum(len(line) for line in lines)
    if index and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _column(text: str, node: Node) -> int:
    return node.start_mark.column


def _dash_indent(text: str, item: Node) -> str:
    line_start = text.rfind("\n", 0, item.start_mark.index) + 1
    before = text[line_start : item.start_mark.index].rstrip()
    return " " * (len(before) - 1) if before.endswith("-") else " " * max(0, item.start_mark.column - 2)


def _append(text: str, entry: MappingNode, key: str, values: list[Value]) -> list[tuple[int, str]]:
    """The inserts that add VALUES to the list at KEY of ENTRY."""
    found = next(((k, v) for k, v in entry.value if isinstance(k, ScalarNode) and k.value == key), None)
    node = found[1] if found else None
    if found and isinstance(node, SequenceNode) and node.flow_style and node.value is not None:
        rendered = [inline(unchecked(v)) for v in values]
        if all(r is not None for r in rendered):
            close = node.end_mark.index - 1
            joined = ", ".join(r for r in rendered if r is not None)
            # A flow list has no room for a comment: a guessed item's check goes above its key.
            key_line = text.rfind("\n", 0, found[0].start_mark.index) + 1
            indent = " " * found[0].start_mark.column
            checks = [
                f"{check_line(f'{v.check}: {r}', indent)}\n"
                for v, r in zip(values, rendered, strict=True)
                if isinstance(v, Checked)
            ]
            return [*((key_line, c) for c in checks), (close, (", " if node.value else "") + joined)]
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        indent = _dash_indent(text, node.value[0])
        lines = [line for v in values for line in item_lines(v, indent)]
        return [(_end(text, node.value[-1]), "\n".join(lines) + "\n")]
    # No such key yet (or a form not worth editing in place): a new key after the entry.
    indent = " " * _column(text, entry)
    return [(_end(text, entry), "\n".join(key_lines(key, tuple(values), indent)) + "\n")]


def _add_entries(base: _Base, file: Path, entries: list[Entry]) -> list[tuple[int, str]]:
    text = base.texts[file]
    inserts: list[tuple[int, str]] = []
    for section in SECTION_ORDER:
        mine = [e for e in entries if e.section == section]
        if not mine:
            continue
        node = base.sections.get((file, section))
        if node is not None and node.value:
            indent = _dash_indent(text, node.value[0])
            lines = [line for e in mine for line in entry_lines(e, indent)]
            inserts.append((_end(text, node.value[-1]), "\n".join(lines) + "\n"))
        else:
            lines = ["", f"{section}:", *(line for e in mine for line in entry_lines(e, "  "))]
            inserts.append((len(text), "\n".join(lines) + "\n"))
    return inserts


def _apply(text: str, inserts: list[tuple[int, str]]) -> str:
    if not text.endswith("\n"):
        text += "\n"
    # Later inserts at the same place go after earlier ones: apply from the end, last first.
    for _, added in sorted(enumerate(inserts), key=lambda p: (p[1][0], p[0]), reverse=True):
        at = min(added[0], len(text))
        text = text[:at] + added[1] + text[at:]
    return text
