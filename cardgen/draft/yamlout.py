"""Write drafted entries as fact-file text: deterministic, commented, loadable.

The text is emitted directly rather than through a YAML library, so each entry can
carry its `# from NOTE:LINE` and `# check:` comments and the same draft is always the
same bytes. Every string is a JSON-style double-quoted scalar (safe for any text) or,
when it spans lines (code), a literal block, since the loader folds the spacing of
quoted scalars.
"""

from __future__ import annotations

import json
from pathlib import Path

from cardgen.draft.facts import Checked, Draft, Entry, Map, Value
from cardgen.draft.note import Leftover

MARKER = "# Drafted by cardgen from "
_FLOW_WIDTH = 100


def is_drafted(text: str) -> bool:
    """True for the text of a fact file this module wrote (it may have been edited since)."""
    return text.startswith(MARKER)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render(draft: Draft) -> str:
    """The whole fact file of DRAFT."""
    notes = ", ".join(Path(n).name for n in draft.notes)
    out = [
        f"{MARKER}{notes}.",
        "# Review each '# check:' below; edit freely: drafting the note into this file again",
        "# keeps your edits and ids, and adds only new facts and points.",
    ]
    out += [f"# check: {_one_line(check)}" for check in draft.checks]
    out.append(f"deck: {quote(draft.deck)}")
    if draft.source:
        out.append(f"source: {quote(draft.source)}")
    if draft.tags:
        out.append(f"tags: [{', '.join(quote(t) for t in draft.tags)}]")
    section = None
    for entry in draft.entries:
        if entry.section != section:
            section = entry.section
            out += ["", f"{section}:"]
        out += entry_lines(entry, "  ")
    out += leftover_lines(draft.leftovers)
    return "\n".join(out) + "\n"


def entry_lines(entry: Entry, indent: str) -> list[str]:
    """One entry as a list item at INDENT, with its provenance and checks above it."""
    out = [f"{indent}# from {Path(entry.note).name}:{entry.line}"]
    out += [check_line(check, indent) for check in entry.checks]
    body = mapping_lines(Map((("id", entry.id), *entry.fields.items)), indent + "  ")
    body[0] = f"{indent}- {body[0].lstrip()}"
    return out + body


def leftover_lines(leftovers: tuple[tuple[str, Leftover], ...]) -> list[str]:
    if not leftovers:
        return []
    out = ["", "# Not drafted; add these by hand where they belong:"]
    for note, left in leftovers:
        shown = f" {quote(_one_line(left.text))}" if left.text else ""
        out.append(f"# {Path(note).name}:{left.line}:{shown} ({left.reason})")
    return out


def mapping_lines(mapping: Map, indent: str) -> list[str]:
    out: list[str] = []
    for key, value in mapping.items:
        out += key_lines(key, value, indent)
    return out


def key_lines(key: str, value: Value, indent: str) -> list[str]:
    """`key: value` at INDENT, the value inline when it is short and simple."""
    one_line = inline(value)
    if one_line is not None:
        return [f"{indent}{key}: {one_line}"]
    if isinstance(value, Checked):
        return [check_line(value.check, indent), *key_lines(key, value.value, indent)]
    if isinstance(value, str):
        return [f"{indent}{key}: |-", *(f"{indent}  {line}".rstrip() for line in value.split("\n"))]
    if isinstance(value, Map):
        return [f"{indent}{key}:", *mapping_lines(value, indent + "  ")]
    assert isinstance(value, tuple), value
    return [f"{indent}{key}:", *(line for item in value for line in item_lines(item, indent + "  "))]


def item_lines(value: Value, indent: str) -> list[str]:
    """One list item at INDENT."""
    one_line = inline(value)
    if one_line is not None:
        return [f"{indent}- {one_line}"]
    if isinstance(value, Checked):
        return [check_line(value.check, indent), *item_lines(value.value, indent)]
    if isinstance(value, str):
        return [f"{indent}- |-", *(f"{indent}  {line}".rstrip() for line in value.split("\n"))]
    if isinstance(value, Map):
        body = mapping_lines(value, indent + "  ")
        return [f"{indent}- {body[0].lstrip()}", *body[1:]]
    assert isinstance(value, tuple), value
    return [f"{indent}-", *(line for item in value for line in item_lines(item, indent + "  "))]


def check_line(check: str, indent: str) -> str:
    return f"{indent}# check: {_one_line(check)}"


def inline(value: Value) -> str | None:
    """VALUE on one line (a quoted string, a number, a short flow mapping), or None.

    A `Checked` value is never inline: its comment needs a line of its own.
    """
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # A literal block cannot start with a space; such text stays quoted, spacing folded.
        return quote(value) if "\n" not in value or value[:1].isspace() else None
    if isinstance(value, Map) and all(isinstance(v, (str, int)) and "\n" not in str(v) for _, v in value.items):
        flow = "{" + ", ".join(f"{k}: {inline(v)}" for k, v in value.items) + "}"
        return flow if len(flow) <= _FLOW_WIDTH else None
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
