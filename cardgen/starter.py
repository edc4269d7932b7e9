"""`cardgen init`: a small fact base to start from, with every fact kind and every key explained.

The starter ships as package data, one folder per language (`cardgen/starter/<lang>/`), and
is itself a valid fact base. It is written only into a new or empty folder: nothing of the
user's is ever replaced.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from cardgen.errors import OutputError
from cardgen.lang import Lang, translator

STARTER = Path(__file__).parent / "starter"
SCHEMA = Path(__file__).parent / "schema" / "facts.schema.json"
_SCHEMA_LINE = "# yaml-language-server: $schema="


def starter_files(lang: Lang) -> dict[str, str]:
    """The starter's files in LANG: file name -> text, as `cardgen init` writes them.

    The first line points editors at the installed JSON Schema, wherever cardgen is installed.
    """
    files = {}
    for path in sorted((STARTER / lang).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if text.startswith(_SCHEMA_LINE):
            text = _SCHEMA_LINE + SCHEMA.as_uri() + "\n" + text.split("\n", 1)[1]
        files[path.name] = text
    return files


def write_starter(folder: Path, lang: Lang) -> list[Path]:
    """Write the starter in LANG into FOLDER, which must be new or empty; the paths written.

    Refuses with `OutputError`, having written nothing, when FOLDER is not a folder, holds
    anything, or gains a file of the starter's while it is written.
    """
    t = translator(lang)
    advice = t._("choose a new or empty folder")
    if os.path.lexists(folder) and not folder.is_dir():
        raise OutputError(folder, t._("exists and is not a folder"), advice)
    if folder.is_dir() and any(folder.iterdir()):
        raise OutputError(folder, t._("is not empty"), advice)
    files = starter_files(lang)
    created = not folder.exists()
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            path = folder / name
            with path.open("x", encoding="utf-8") as out:  # "x": never over a file that appeared meanwhile
                written.append(path)
                out.write(text)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        problem = t._("already exists") if isinstance(exc, FileExistsError) else exc.strerror
        raise OutputError(exc.filename or folder, problem or str(exc), advice) from None
    return written


def next_steps(folder: Path, written: list[Path], lang: Lang) -> str:
    """What `cardgen init` prints: the files written and the commands to run next."""
    t = translator(lang)
    shown = shlex.quote(str(folder))
    lines = [t._("Wrote {path}", path=path) for path in written]
    lines += [
        t._("A starter fact base: edit it into your own notes, then check and build it:"),
        f"  cardgen validate {shown}",
        f"  cardgen build {shown}",
    ]
    return "\n".join(lines) + "\n"
