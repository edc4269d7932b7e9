"""`cardgen build`: run every generator into one output folder, all or nothing.

The facts are loaded and validated once; each step of `STEPS` then writes into a
fresh folder beside the output folder, and only when every step has succeeded
does that folder replace the old output. A failing build (bad facts, a broken
template, a full disk) leaves the previous output exactly as it was.

A generator joins the build with one line in `STEPS`: a name and a function
`(base, out_dir) -> None` that writes its files into `out_dir`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from cardgen.errors import UsageError
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase

Step = tuple[str, Callable[[FactBase, Path], object]]


def _anki(base: FactBase, out_dir: Path) -> None:
    from cardgen.emit.anki import write_anki

    write_anki(base, out_dir)


def _exam(base: FactBase, out_dir: Path) -> None:
    from cardgen.emit.exam import write_default_exam

    write_default_exam(base, out_dir / "exams")


def _quizsets(base: FactBase, out_dir: Path) -> None:
    from cardgen.emit.quizset import write_build_quizsets

    write_build_quizsets(base, out_dir / "quizsets")


STEPS: tuple[Step, ...] = (
    ("anki", _anki),
    ("exam", _exam),
    ("quizsets", _quizsets),
)


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: tuple[Path, ...]
    """Every file written, relative to `out_dir`, sorted."""


def build(path: Path, out_dir: Path, steps: tuple[Step, ...] = STEPS,
          report: Callable[[str], None] | None = None) -> BuildResult:
    """Load the facts at PATH and run STEPS into OUT_DIR, replacing it only if all succeed."""
    say = report or (lambda message: None)
    started = time.monotonic()
    base = load(path)
    say(f"loaded {len(base)} facts from {len(base.files)} file(s)")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a folder")
    with _staging(out_dir) as stage:
        for n, (name, step) in enumerate(steps, 1):
            say(f"[{n}/{len(steps)}] {name}")
            step(base, stage)
        _replace(out_dir, stage)
    files = tuple(sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file()))
    say(f"built {len(files)} file(s) in {time.monotonic() - started:.1f} s")
    return BuildResult(out_dir, files)


@contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside OUT_DIR (same file system, so the final rename is atomic), removed on failure."""
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=parent))
    os.chmod(stage, 0o777 & ~_umask())
    try:
        yield stage
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _replace(out_dir: Path, stage: Path) -> None:
    """Put STAGE where OUT_DIR is; the old folder survives until the new one is in place."""
    if not out_dir.exists():
        stage.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=stage.parent))
    old.rmdir()
    out_dir.rename(old)
    try:
        stage.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def stderr_reporter() -> Callable[[str], None]:
    """Progress lines on stderr, so stdout stays the build's result only."""
    def report(message: str) -> None:
        print(f"cardgen build: {message}", file=sys.stderr, flush=True)
    return report
