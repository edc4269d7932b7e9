"""The drafting stage as one call: read notes, draft facts, write or merge them.

File writing is kept in `write_file` alone, so a shared writer can replace it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cardgen.draft.facts import Draft, draft
from cardgen.draft.merge import Change, merge
from cardgen.draft.note import read_note
from cardgen.draft.yamlout import is_drafted, render
from cardgen.errors import UsageError
from cardgen.factbase.loader import fact_files, load_files


@dataclass(frozen=True)
class Outcome:
    """What a draft did: the text to show and the files it wrote (none for a preview)."""

    text: str
    written: tuple[Path, ...] = ()


def draft_notes(notes: list[Path]) -> Draft:
    if not notes:
        raise UsageError("no notes to draft")
    return draft(read_note(path) for path in notes)


def draft_to_text(notes: list[Path]) -> str:
    return render(draft_notes(notes))


def draft_to_file(notes: list[Path], out: Path) -> Outcome:
    """Write the draft of NOTES to OUT, which must be new or a file drafted before."""
    text = render(draft_notes(notes))
    if out.exists():
        try:
            old = out.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            old = ""
        if not is_drafted(old):
            raise UsageError(f"{out}:1: not a file cardgen drafted; it is left as it is (merge into it instead)")
    write_file(out, text)
    return Outcome(f"{out}: drafted {len(draft_notes(notes).entries)} facts\n", (out,))


def draft_into(notes: list[Path], into: Path, dry_run: bool = False) -> Outcome:
    """Add what is new in NOTES to the base at INTO; with DRY_RUN only show the diff."""
    drafted = draft_notes(notes)
    new_file = into / (notes[0].stem + ".yaml")
    changes = merge(drafted, into, new_file)
    if dry_run:
        return Outcome("".join(change.diff() for change in changes))
    _check(into, changes)
    for change in changes:
        write_file(change.path, change.new)
    lines = [f"{c.path}: {len(c.facts)} new facts, {c.points} new points" for c in changes]
    return Outcome("\n".join(lines or [f"{into}: nothing new"]) + "\n", tuple(c.path for c in changes))


def _check(into: Path, changes: list[Change]) -> None:
    """Load the base as it would be after CHANGES; a merge must never leave it invalid."""
    with tempfile.TemporaryDirectory() as tmp:
        replaced = {c.path: c for c in changes}
        files = []
        for i, path in enumerate([*fact_files(into), *(p for p in replaced if not p.exists())]):
            if path in replaced:
                copy = Path(tmp) / f"{i}-{path.name}"
                copy.write_text(replaced[path].new, encoding="utf-8")
                files.append(copy)
            else:
                files.append(path)
        load_files(files)


def write_file(path: Path, text: str) -> None:
    """Write TEXT to PATH atomically: a temp file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
