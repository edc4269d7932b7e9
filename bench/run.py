"""cardgen's benchmarks: each time is a ratio against a baseline timed in the same run.

    python bench/run.py [--quick] [--json FILE] [--sizes 100,1000]

Synthetic fact bases (bench/synth.py) of 100 to 100,000 facts (--quick: up to
10,000) are generated in a temporary folder. Every measurement is the best of a few
runs, subject and baseline interleaved, so a noisy shared machine slows both alike.
Prints a Markdown table; --json writes the results and a `targets` list, each
{"name", "ratio", "limit", "holds"}.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import write_fact_base  # noqa: E402

SIZES = (100, 1_000, 10_000, 100_000)
QUICK_SIZES = (100, 1_000, 10_000)
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000", "NO_COLOR": "1"}


@dataclass
class Row:
    name: str
    size: int | None
    seconds: float
    baseline: str
    baseline_seconds: float | None
    peak_mib: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.baseline_seconds if self.baseline_seconds else None


@dataclass
class Target:
    name: str
    ratio: float
    limit: float
    holds: bool = field(init=False)

    def __post_init__(self) -> None:
        self.holds = self.ratio <= self.limit


def best_of(repeats: int, *pairs: Callable[[], float]) -> list[float]:
    """Run each measurement REPEATS times, interleaved; the best time of each."""
    best = [float("inf")] * len(pairs)
    for _ in range(repeats):
        for i, measure in enumerate(pairs):
            best[i] = min(best[i], measure())
    return best


def timed(fn: Callable[[], object]) -> Callable[[], float]:
    """FN's wall time in this process, from a clean heap: what an earlier measurement left
    (garbage, or objects it froze out of the collector's sight, as cardgen does with what it
    loads) would otherwise change what the collector costs the next one."""
    def run() -> float:
        gc.unfreeze()
        gc.collect()
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    return run


# Runs cardgen and writes its own peak resident memory (VmHWM, kB) to the file named first.
# The child's ru_maxrss is no use here: Linux carries the forking parent's peak across
# exec, and this process holds whole fact bases while it measures.
_PEAK_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open('/proc/self/status') as status:
        kb = next(line.split()[1] for line in status if line.startswith('VmHWM:'))
    with open(out, 'w') as f:
        f.write(kb)
atexit.register(peak)
sys.argv[0] = 'cardgen'
runpy.run_module('cardgen', run_name='__main__', alter_sys=True)
"""


def child(argv: list[str], cwd: Path = ROOT) -> float:
    """Wall time of one child process; it must succeed."""
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    return elapsed


def cardgen_with_peak(args: list[str], tmp: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MiB) of `cardgen ARGS`."""
    peak_file = tmp / "peak.txt"
    seconds = child([sys.executable, "-c", _PEAK_WRAPPER, str(peak_file), *args])
    return seconds, int(peak_file.read_text()) / 1024


def child_time(argv: list[str], cwd: Path = ROOT) -> Callable[[], float]:
    return lambda: child(argv, cwd)


CARDGEN = [sys.executable, "-m", "cardgen"]
QUIZ_START = "cardgen quiz, first prompt (shipped facts)"


# --- measurements -------------------------------------------------------------

def bench_load(root: Path, size: int, repeats: int) -> Row:
    import yaml

    from cardgen.factbase.loader import load

    files = sorted(root.glob("*.yaml"))

    def bare_parse() -> None:
        for file in files:
            yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    ours, base = best_of(repeats, timed(lambda: load(root)), timed(bare_parse))
    return Row("load + validate", size, ours, "yaml.load(CSafeLoader)", base)


def bench_build(root: Path, size: int, tmp: Path, previous: Row | None) -> Row:
    """The whole `cardgen build`, best of three: time and peak memory; its baseline is the previous size."""
    runs = [cardgen_with_peak(["build", str(root), "-o", str(tmp / f"dist-{size}")], tmp) for _ in range(3)]
    seconds, peak = min(run[0] for run in runs), max(run[1] for run in runs)
    if previous is None:
        return Row("cardgen build", size, seconds, "", None, peak)
    return Row("cardgen build", size, seconds, f"build of {previous.size} facts", previous.seconds, peak)


QUIZSET = "cardgen quizset, 1 set of 50"
EXAM = "cardgen exam, 1 version of 30"


def bench_generators(root: Path, size: int, repeats: int, tmp: Path) -> list[Row]:
    """Quiz sets and exams, against loading and validating the same facts (their input)."""
    from cardgen.context import Context
    from cardgen.emit.exam import ExamSettings, make_exam, render_exam
    from cardgen.factbase.loader import load

    load_only = child_time(CARDGEN + ["validate", str(root)])
    quizset = child_time(CARDGEN + ["quizset", str(root), "--sets", "1", "--size", "50", "--seed", "1", "-o", str(tmp / f"qs-{size}")])
    exam = child_time(CARDGEN + ["exam", str(root), "--versions", "1", "--questions", "30", "--seed", "1", "-o", str(tmp / f"ex-{size}")])
    base, qs, one = best_of(repeats, load_only, quizset, exam)
    # Each further version, in process: five versions against one, over the same base.
    facts = load(root)
    in_load, v1, v5 = best_of(
        repeats,
        timed(lambda: load(root)),
        timed(lambda: render_exam(make_exam(Context(facts), ExamSettings(versions=1, questions=30, seed=1)))),
        timed(lambda: render_exam(make_exam(Context(facts), ExamSettings(versions=5, questions=30, seed=1)))),
    )
    return [
        Row(QUIZSET, size, qs, "cardgen validate", base),
        Row(EXAM, size, one, "cardgen validate", base),
        Row("exam, each further version (in process)", size, max(v5 - v1, 0.0) / 4, "load + validate (in process)", in_load),
    ]


def first_prompt(argv: list[str], expect: str | None, tmp: Path) -> Callable[[], float]:
    """Wall time from spawning ARGV in a pseudo-terminal until EXPECT appears (or it exits)."""
    import pexpect

    def run() -> float:
        state = Path(tempfile.mkdtemp(dir=tmp)) / "quiz.sqlite3"  # a fresh store each time
        env = {**ENV, "CARDGEN_STATE": str(state), "TERM": "xterm-256color"}
        start = time.perf_counter()
        proc = pexpect.spawn(argv[0], argv[1:], cwd=str(ROOT), env=env, dimensions=(24, 80), encoding="utf-8", timeout=60)
        proc.expect(expect if expect else pexpect.EOF)
        elapsed = time.perf_counter() - start
        if proc.isalive():
            proc.sendcontrol("c")
            try:
                proc.expect(pexpect.EOF, timeout=20)
            except pexpect.TIMEOUT:
                print(f"  {' '.join(argv[1:])}: no exit 20 s after Ctrl-C; killed", file=sys.stderr)
                proc.terminate(force=True)
        proc.close()
        return elapsed
    return run


def bench_quiz_start(repeats: int, tmp: Path) -> Row:
    ours, base = best_of(
        repeats,
        first_prompt(CARDGEN + ["quiz", "--mode", "flash"], "q: ", tmp),  # the key hint, in either language
        first_prompt([sys.executable, "-c", "import typer, rich.console, yaml, fsrs, sqlite3"], None, tmp),
    )
    return Row(QUIZ_START, None, ours, "import typer, rich.console, yaml, fsrs, sqlite3", base)


def bench_help(repeats: int) -> Row:
    ours, base = best_of(repeats, child_time(CARDGEN + ["--help"]),
                         child_time([sys.executable, "-c", "import typer.rich_utils"]))
    return Row("cardgen --help", None, ours, "import typer.rich_utils", base)


def dump_notes(root: Path, out: Path) -> Path:
    """The notes `cardgen anki` makes for ROOT, as JSON for the plain-genanki baseline."""
    from cardgen.emit import anki
    from cardgen.cards import build_cards
    from cardgen.factbase.loader import load

    per_deck = anki.build_notes(build_cards(load(root)), anki.stylesheet())
    models = {note.model.name: note.model for notes in per_deck.values() for note in notes}
    out.write_text(json.dumps({
        "models": [{"id": m.model_id, "name": m.name, "fields": [f["name"] for f in m.fields],
                    "templates": m.templates, "css": m.css, "type": m.model_type} for m in models.values()],
        "decks": [{"id": anki.deck_id(deck), "name": deck,
                   "notes": [{"model": n.model.name, "fields": n.fields, "tags": n.tags, "guid": n.guid} for n in notes]}
                  for deck, notes in sorted(per_deck.items())],
    }, ensure_ascii=False), encoding="utf-8")
    return out


def bench_anki(root: Path, size: int, repeats: int, tmp: Path) -> Row:
    notes = dump_notes(root, tmp / f"notes-{size}.json")
    ours, base = best_of(
        repeats,
        child_time(CARDGEN + ["anki", str(root), "-o", str(tmp / f"anki-{size}")]),
        child_time([sys.executable, str(ROOT / "bench" / "plain_genanki.py"), str(root), str(notes), str(tmp / f"plain-{size}")]),
    )
    return Row("cardgen anki", size, ours, "YAML parse + plain genanki, same notes", base)


# --- the run -------------------------------------------------------------------

def compile_cardgen() -> None:
    """Compile cardgen's modules to bytecode, as installing a package does.

    The children run cardgen from this checkout. Without this, a stale `__pycache__`
    or PYTHONDONTWRITEBYTECODE would charge cardgen for compiling its own source at
    every start, while the libraries it is compared with load theirs compiled.
    """
    if not compileall.compile_dir(ROOT / "cardgen", quiet=1):
        raise SystemExit("could not compile cardgen's modules")


def default_repeats(size: int) -> int:
    """Runs of each measurement at SIZE facts. Small runs are short, so noise weighs most on them."""
    return 10 if size <= 1_000 else 3 if size <= 10_000 else 1


def run(sizes: tuple[int, ...], start_repeats: int = 10, repeats: int | None = None) -> tuple[list[Row], list[Target]]:
    rows: list[Row] = []
    compile_cardgen()
    with tempfile.TemporaryDirectory(prefix="cardgen-bench-") as tmp:
        for size in sizes:
            root = write_fact_base(Path(tmp) / f"facts-{size}", size)
            runs = repeats or default_repeats(size)
            rows.append(bench_load(root, size, runs))
            rows.append(bench_anki(root, size, runs, Path(tmp)))
            rows.extend(bench_generators(root, size, runs, Path(tmp)))
            rows.append(bench_build(root, size, Path(tmp), next((r for r in reversed(rows) if r.name == "cardgen build"), None)))
            for row in rows[-6:]:
                print(f"  {row.name} ({size} facts): {row.seconds:.3f} s" + (f", ratio {row.ratio:.2f}" if row.ratio else "")
                      + (f", peak {row.peak_mib:.0f} MiB" if row.peak_mib else ""), file=sys.stderr)
        rows.append(bench_help(start_repeats))
        rows.append(bench_quiz_start(start_repeats, Path(tmp)))
    targets = [Target(f"load + validate <= 1.5x bare C-loader parse ({r.size} facts)", r.ratio, 1.5)
               for r in rows if r.name == "load + validate" and r.size and r.size >= 1_000]
    targets += [Target(f"cardgen anki <= 1.3x plain genanki ({r.size} facts)", r.ratio, 1.3)
                for r in rows if r.name == "cardgen anki" and r.size and r.size >= 1_000]
    # Exams and quiz sets draw on a sample of the facts, so at 100,000 facts they cost about what reading them does.
    targets += [Target(f"{r.name} <= 1.5x cardgen validate ({r.size} facts)", r.ratio, 1.5)
                for r in rows if r.name in (QUIZSET, EXAM) and r.size and r.size >= 100_000]
    builds = {r.size: r for r in rows if r.name == "cardgen build"}
    if 10_000 in builds and 100_000 in builds:
        targets.append(Target("build time from 10,000 to 100,000 facts grows <= 11x",
                              builds[100_000].seconds / builds[10_000].seconds, 11))
    if 100_000 in builds:
        targets.append(Target("cardgen build at 100,000 facts: peak memory <= 1 GiB (ratio = GiB)",
                              builds[100_000].peak_mib / 1024, 1))
    targets.append(Target("cardgen --help <= 1.3x import typer.rich_utils", next(r.ratio for r in rows if r.name == "cardgen --help"), 1.3))
    targets.append(Target("first quiz prompt <= 1.5x importing the quiz's libraries",
                          next(r.ratio for r in rows if r.name == QUIZ_START), 1.5))
    return rows, targets


def table(rows: list[Row], targets: list[Target]) -> str:
    out = ["| measurement | facts | cardgen (s) | baseline | baseline (s) | ratio | peak MiB |",
           "|---|---:|---:|---|---:|---:|---:|"]
    for r in rows:
        peak = f"{r.peak_mib:.0f}" if r.peak_mib is not None else ""
        base = f"{r.baseline_seconds:.3f}" if r.baseline_seconds else ""
        ratio = f"{r.ratio:.2f}" if r.ratio else ""
        out.append(f"| {r.name} | {r.size or ''} | {r.seconds:.3f} | {r.baseline} | {base} | {ratio} | {peak} |")
    out += ["", "| target | ratio | limit | holds |", "|---|---:|---:|---|"]
    out += [f"| {t.name} | {t.ratio:.2f} | {t.limit:g} | {'yes' if t.holds else 'NO'} |" for t in targets]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 10,000 facts (under 3 minutes on 2 cores)")
    parser.add_argument("--sizes", help="comma-separated fact counts, overriding the defaults")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--repeats", type=int, help="runs of each measurement per size (default 10 up to 1,000 facts, "
                                                    "3 up to 10,000, then 1; best is kept)")
    parser.add_argument("--start-repeats", type=int, default=10, help="runs of each start-up measurement (best is kept)")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else QUICK_SIZES if args.quick else SIZES
    started = time.perf_counter()
    rows, targets = run(sizes, args.start_repeats, args.repeats)
    print(table(rows, targets))
    if args.json:
        args.json.write_text(json.dumps({
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
            "sizes": list(sizes),
            "seconds": round(time.perf_counter() - started, 1),
            "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
            "targets": [asdict(t) for t in targets],
        }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
