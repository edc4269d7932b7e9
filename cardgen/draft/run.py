"""The drafting stage as one call: read notes, draft facts, write or merge them.

File writing is kept in `write_file` alone, so a shared writer can replace it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from cardgen.draft.facts import Draft, draft
from cardgen.draft.merge import Change, merge
from cardgen.draft.note import read_note
from cardgen.draft.yamlout import is_drafted, render
from cardgen.errors import OutputError, UsageError
from cardgen.factbase.loader import fact_files, load_files
from cardgen.write import new_file_mode, os_errors


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
    drafted = draft_notes(notes)
    refuse_link(out)
    if out.exists():
        with os_errors(out, "file"):
            old = out.read_bytes()
        if not is_drafted(old.decode("utf-8-sig", errors="replace")):
            raise UsageError(f"{out}:1: not a file cardgen drafted; it is left as it is (merge into it instead)")
    write_file(out, render(drafted))
    return Outcome(f"{out}: drafted {len(drafted.entries)} facts\n", (out,))


def draft_into(notes: list[Path], into: Path, dry_run: bool = False) -> Outcome:
    """Add what is new in NOTES to the base at INTO; with DRY_RUN only show the diff."""
    drafted = draft_notes(notes)
    new_file = into / (notes[0].stem + ".yaml")
    changes = merge(drafted, into, new_file)
    if dry_run:
        return Outcome("".join(change.diff() for change in changes))
    _check(into, changes)
    for change in changes:  # before any is written, so a refused link leaves the base as it was
        refuse_link(change.path)
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
    """Write TEXT to PATH atomically: a temp file beside it, then a rename over PATH.

    A link at PATH is refused, never written through; the rename replaces PATH itself, so
    even a link put there meanwhile is replaced, not followed, and the temp file is made
    with O_EXCL, so a link planted at its name is not followed either. On any error the
    temp file is removed and an OS error becomes one `OutputError` line naming PATH.
    """
    refuse_link(path)
    data = text.encode("utf-8")
    with os_errors(path, "file"):
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode(path)
        # Only the start of the name goes into the prefix, so a long name still leaves room.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
        try:
            try:
                os.fchmod(fd, mode)  # mkstemp makes files only their owner can read
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise


def refuse_link(path: Path) -> None:
    """Raise `OutputError` if PATH is a symbolic link: a draft is never written through one."""
    if path.is_symlink():
        raise OutputError(path, "is a symbolic link", "give the path of the file it points to, or another file")


def _mode(path: Path) -> int:
    """The mode of the file at PATH, kept on a re-draft; a new file's is the umask's default."""
    with suppress(FileNotFoundError):
        st = path.stat()
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    return new_file_mode()
