"""What each command does: load the facts once, run emitters, hand their files to the one writer.

Every command is one function here that tests call as the CLI does. Emitters
(`cardgen.emit`) only return files (relative path -> bytes); `cardgen.write` puts
them on disk, all or nothing, into folders cardgen owns, and never replaces or
removes a file it did not write.

`cardgen build` runs every step of `STEPS` and writes everything under one owner,
so its next run removes what it no longer makes and leaves alone what `cardgen
exam`, `cardgen quizset` or `cardgen anki` wrote beside it. A step joins the build
with one line: a name, the folder its files go in, and a function from the
`Context` to files.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cardgen.context import Context, load_context
from cardgen.write import check_output, write_output

if TYPE_CHECKING:  # the emitters are imported by the commands that use them
    from cardgen.emit.anki import AnkiOutput
    from cardgen.emit.exam import ExamSettings
    from cardgen.lang import Lang

Files = dict[str, bytes]
Paths = Path | Sequence[Path]
"""One fact path or several, which load as one base."""


def _paths(path: Paths) -> tuple[Path, ...]:
    return (path,) if isinstance(path, Path) else tuple(path)


@dataclass(frozen=True)
class Step:
    name: str
    folder: str
    """Where the step's files go inside the output folder ("" for the top)."""
    emit: Callable[[Context, Warn], Files]
    """The step's files, by name; the second argument hears of anything the user should know."""


Warn = Callable[[str], None]


def _anki(context: Context, warn: Warn) -> Files:
    from cardgen.emit.anki import emit_anki

    return emit_anki(context).files


def _exam(context: Context, warn: Warn) -> Files:
    from cardgen.emit.exam import default_exam_files

    return default_exam_files(context, warn)


def _quizsets(context: Context, warn: Warn) -> Files:
    from cardgen.emit.quizset import build_quizset_files

    return build_quizset_files(context, warn)


STEPS: tuple[Step, ...] = (
    Step("anki", "", _anki),
    Step("exam", "exams", _exam),
    Step("quizsets", "quizsets", _quizsets),
)


def write(out_dir: Path, files: Files, *, owner: str, context: Context) -> tuple[Path, ...]:
    """FILES written into OUT_DIR by the one writer; their paths as the user named the folder, in FILES' order."""
    write_output(out_dir, files, owner=owner, guard=(*context.paths, *context.roots))
    return tuple(out_dir / name for name in files)


def build(
    path: Paths,
    out_dir: Path,
    steps: Sequence[Step] = STEPS,
    report: Callable[[str], None] | None = None,
    lang: Lang | None = None,
) -> tuple[Path, ...]:
    """Load the facts at PATH (one or several), run STEPS and write all their files into OUT_DIR; the files written.

    Everything is written in each fact's language, or in LANG when given. REPORT hears the
    progress, and warnings (questions that give each other's answers away) as "warning: ..."."""
    say = report or (lambda message: None)
    started = time.monotonic()
    context = load_context(*_paths(path), lang=lang)
    check_output(out_dir, (*context.paths, *context.roots))  # refuse a bad folder before any work
    say(f"loaded {len(context.base)} facts from {len(context.base.files)} file(s)")
    files: Files = {}
    for n, step in enumerate(steps, 1):
        say(f"[{n}/{len(steps)}] {step.name}")
        prefix = f"{step.folder}/" if step.folder else ""
        files |= {
            prefix + name: data for name, data in step.emit(context, lambda note: say(f"warning: {note}")).items()
        }
    written = write(out_dir, files, owner="build", context=context)
    say(f"built {len(written)} file(s) in {time.monotonic() - started:.1f} s")
    return written


def anki(
    path: Paths, out_dir: Path, timestamp: int | None = None, lang: Lang | None = None
) -> tuple[AnkiOutput, tuple[Path, ...]]:
    """`cardgen anki`: one package per deck into OUT_DIR, in each fact's language or LANG."""
    from cardgen.emit.anki import emit_anki

    context = load_context(*_paths(path), lang=lang)
    check_output(out_dir, (*context.paths, *context.roots))  # refuse a bad folder before any work
    result = emit_anki(context, timestamp)
    return result, write(out_dir, result.files, owner="anki", context=context)


def exam(
    path: Paths,
    settings: ExamSettings,
    out_dir: Path,
    *,
    templates: Path | None = None,
    pdf: bool = False,
    browser: str | None = None,
    warn: Warn | None = None,
) -> tuple[Path, ...]:
    """`cardgen exam`: the exam SETTINGS asks for into OUT_DIR, optionally printed to PDF.

    Each seed's files are their own: a run removes the versions its seed no longer
    has, and never another seed's exam. WARN hears of papers whose questions give each
    other's answers away.
    """
    from cardgen.emit import pdf as printer
    from cardgen.emit.exam import exam_files, give_away_notes, make_exam

    settings.check()
    executable = printer.find_browser(browser) if pdf else None  # a missing browser stops us before any work
    context = load_context(*_paths(path), lang=settings.lang)
    check_output(out_dir, (*context.paths, *context.roots))  # refuse a bad folder before any work
    made = make_exam(context, settings)
    if warn is not None:
        for note in give_away_notes(made):
            warn(note)
    files = exam_files(made, templates=templates, browser=executable)
    return write(out_dir, files, owner=f"exam:s{settings.seed}", context=context)


def quizsets(
    path: Paths,
    out_dir: Path,
    *,
    formats: Sequence[str],
    sets: int,
    size: int,
    seed: int,
    kinds: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    lang: Lang | None = None,
    warn: Warn | None = None,
) -> tuple[Path, ...]:
    """`cardgen quizset`: SETS sets drawn with SEED, in each of FORMATS, into OUT_DIR (in LANG if given);
    WARN hears of sets whose questions give each other's answers away."""
    from cardgen.emit.quizset import quizset_files

    context = load_context(*_paths(path), lang=lang)
    check_output(out_dir, (*context.paths, *context.roots))  # refuse a bad folder before any work
    files = quizset_files(context, formats=formats, sets=sets, size=size, seed=seed, kinds=kinds, tags=tags, warn=warn)
    return write(out_dir, files, owner=f"quizset:s{seed}", context=context)


def stderr_reporter() -> Callable[[str], None]:
    """Progress lines on stderr, so stdout stays the build's result only."""

    def report(message: str) -> None:
        print(f"cardgen build: {message}", file=sys.stderr, flush=True)

    return report
