"""Faults around the review state: read-only files and folders, damaged rows, an unusable clock,
closed standard streams and integer options too large to use. Every case runs the real program."""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from conftest import FACTS, ROOT, require_program, run_cardgen

NOW = "2024-05-01T09:00:00Z"
BIG = "9" * 260


def env(state: Path, **extra: str) -> dict[str, str]:
    return {"CARDGEN_STATE": str(state), "CARDGEN_NOW": NOW, "CARDGEN_FUZZ": "0", "TZ": "UTC", **extra}


def answer_two(state: Path) -> None:
    result = run_cardgen("quiz", str(FACTS), input="\n3\n\n3\n", env=env(state))
    assert result.returncode == 0, result.stderr


def rows(state: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every row, read without leaving -wal or -shm files behind."""
    wal = state.with_name(state.name + "-wal").exists()
    with closing(sqlite3.connect(f"{state.resolve().as_uri()}?mode=ro{'' if wal else '&immutable=1'}", uri=True)) as db:
        return (db.execute("SELECT * FROM card ORDER BY key").fetchall(),
                db.execute("SELECT * FROM review ORDER BY id").fetchall())


def change(state: Path, *statements: str, **args: str) -> None:
    with closing(sqlite3.connect(state)) as db, db:
        for statement in statements:
            db.execute(statement, args)


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# --- a state file that cannot be written, as a real user -----------------------------------------

@pytest.fixture
def shared_state() -> Iterator[Path]:
    """A state file with two answers, in a folder that `nobody` owns (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="cardgen-state-test-"))
    try:
        base.chmod(0o755)
        state = base / "folder" / "s.sqlite3"
        answer_two(state)
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in (state.parent, *state.parent.iterdir()):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        yield state
    finally:
        for path in (base, *base.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base)


def run_as_other_user(*args: str, state: Path, input: str = "") -> subprocess.CompletedProcess[str]:
    """`cardgen ARGS` as a user for whom permissions hold: `nobody` when the tests run as root."""
    command = [sys.executable, "-m", "cardgen", *args]
    if os.geteuid() == 0:
        command = [require_program("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    home = state.parent.parent
    return subprocess.run(command, input=input, capture_output=True, text=True, timeout=120, check=False, cwd=home,
                          env={**os.environ, **env(state), "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
                               "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")})


def make_read_only(state: Path, what: str) -> None:
    (state if what == "file" else state.parent).chmod(0o444 if what == "file" else 0o555)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_state_file_that_cannot_be_written_is_refused_before_the_first_card(shared_state: Path, what: str) -> None:
    before = rows(shared_state)
    make_read_only(shared_state, what)
    result = run_as_other_user("quiz", str(FACTS), state=shared_state, input="\n3\n\n3\n")
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(f"{shared_state}: its folder is read-only" if what == "folder"
                                              else f"{shared_state}: the state file is read-only")
    assert result.stderr.rstrip().endswith("or use another state file (statistics and cram only read it)")
    assert result.stdout == ""  # no card was shown, so no answer was given and lost
    assert rows(shared_state) == before
    assert sorted(p.name for p in shared_state.parent.iterdir()) == ["s.sqlite3"]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_stats_and_cram_read_a_read_only_state_file(shared_state: Path, what: str) -> None:
    before = rows(shared_state)
    make_read_only(shared_state, what)
    stats = run_as_other_user("quiz", str(FACTS), "--stats", state=shared_state)
    assert stats.returncode == 0, stats.stderr
    assert "학습 중 2" in stats.stdout  # the shipped facts are Korean: so is the quiz
    cram = run_as_other_user("quiz", str(FACTS), "--cram", "--limit", "1", state=shared_state, input="\n3\n")
    assert cram.returncode == 0, cram.stderr
    assert "(몰아 보기: 저장하지 않음)" in cram.stdout
    assert rows(shared_state) == before
    # Not even SQLite's -wal and -shm files were made.
    assert sorted(p.name for p in shared_state.parent.iterdir()) == ["s.sqlite3"]


# --- damaged rows ---------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", [
    "UPDATE card SET due = 'garbage' WHERE key = :key",
    "UPDATE card SET last_review = '2024-13-45' WHERE key = :key",
    "UPDATE card SET stability = 'x' WHERE key = :key",
    "UPDATE card SET first_day = 'someday' WHERE key = :key",
])
def test_a_damaged_card_row_is_a_new_card_and_the_other_rows_stay(tmp_path: Path, damage: str) -> None:
    state = tmp_path / "s.sqlite3"
    answer_two(state)
    cards, _ = rows(state)
    damaged, kept = cards[0][1], cards[1]
    change(state, damage, key=damaged)
    stats = run_cardgen("quiz", str(FACTS), "--stats", env=env(state))
    assert stats.returncode == 0
    warning = f"{state}: the saved schedule of '{damaged}' is damaged; it is treated as a new card"
    assert one_line(stats.stderr).startswith(warning)
    assert "학습 중 1" in stats.stdout
    # A session asks it as a new card: answering every card it shows rewrites it afresh.
    result = run_cardgen("quiz", str(FACTS), "--limit", "3", input="\n3\n" * 3, env=env(state))
    assert result.returncode == 0
    assert one_line(result.stderr).startswith(warning)
    cards, log = rows(state)
    assert kept in cards  # not yet due, not asked: untouched
    repaired = next(c for c in cards if c[1] == damaged)
    assert repaired[6:] == ("2024-05-01T09:10:00.000000Z", "2024-05-01T09:00:00.000000Z",
                            "2024-05-01T09:00:00.000000Z", "2024-05-01")
    assert len(log) == 5 and [r[1] for r in log].count(damaged) == 2
    assert run_cardgen("quiz", str(FACTS), "--stats", env=env(state)).stderr == ""


def test_a_damaged_log_row_is_left_out_of_the_statistics(tmp_path: Path) -> None:
    state = tmp_path / "s.sqlite3"
    answer_two(state)
    result = run_cardgen("quiz", str(FACTS), input="\n3\n", env=env(state, CARDGEN_NOW="2024-05-01T09:30:00Z"))
    assert result.returncode == 0, result.stderr
    change(state, "UPDATE review SET before = '{not json' WHERE before IS NOT NULL",
           "UPDATE review SET reviewed_at = 'yesterday' WHERE id = 1")
    before = rows(state)
    stats = run_cardgen("quiz", str(FACTS), "--stats", env=env(state))
    assert stats.returncode == 0
    assert one_line(stats.stderr) == f"{state}: 2 row(s) of the review log are damaged; they are left out"
    assert "최근 30일 1번" in stats.stdout
    assert rows(state) == before


# --- the clock ------------------------------------------------------------------------------------

@pytest.mark.parametrize("now", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+09:00"])
@pytest.mark.parametrize("stats", [False, True])
def test_a_clock_out_of_range_is_a_one_line_error(tmp_path: Path, now: str, stats: bool) -> None:
    state = tmp_path / "s.sqlite3"
    answer_two(state)
    before = rows(state)
    result = run_cardgen("quiz", str(FACTS), *(["--stats"] if stats else []), input="\n3\n",
                         env=env(state, CARDGEN_NOW=now))
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(f"CARDGEN_NOW: '{now}' is out of range")
    assert rows(state) == before


@pytest.mark.parametrize("now", ["8999-12-31T23:00:00Z", "1970-01-01T00:00:00Z"])
def test_a_clock_at_the_ends_of_its_range_works(tmp_path: Path, now: str) -> None:
    state = tmp_path / "s.sqlite3"
    result = run_cardgen("quiz", str(FACTS), input="\n4\n\n1\n", env=env(state, CARDGEN_NOW=now))
    assert result.returncode == 0, result.stderr
    assert len(rows(state)[1]) == 2
    stats = run_cardgen("quiz", str(FACTS), "--stats", env=env(state, CARDGEN_NOW=now))
    assert stats.returncode == 0 and stats.stderr == "", stats.stderr


# --- closed standard streams ----------------------------------------------------------------------

def run_with_closed(redirect: str, *args: str, state: Path, input: str = "") -> subprocess.CompletedProcess[str]:
    """`cardgen ARGS` started by a shell with REDIRECT (`<&-` or `>&-`) closing a stream."""
    command = " ".join([f"'{sys.executable}'", "-m", "cardgen", *(f"'{a}'" for a in args), redirect])
    # stdout is read through a second descriptor so that `>&-` can close descriptor 1.
    script = f"exec 3>&1; {command} 2>&2 3>&-" if redirect == ">&-" else command
    return subprocess.run(["sh", "-c", script], input=input, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env(state), "PYTHONPATH": str(ROOT)}, check=False)


@pytest.mark.parametrize("redirect, args, message", [
    ("<&-", [], "standard input is closed; cardgen quiz reads the answers from it"),
    (">&-", [], "standard output is closed; cardgen quiz shows the cards on it"),
    (">&-", ["--stats"], "standard output is closed; there is nowhere to show the statistics"),
])
def test_a_closed_stream_is_one_line_and_keeps_the_saved_answers(tmp_path: Path, redirect: str, args: list[str],
                                                                  message: str) -> None:
    state = tmp_path / "s.sqlite3"
    answer_two(state)
    before = rows(state)
    result = run_with_closed(redirect, "quiz", str(FACTS), *args, state=state, input="\n3\n\n3\n")
    assert result.returncode == 1
    assert one_line(result.stderr) == message
    assert rows(state) == before


# --- integer options too large to use -------------------------------------------------------------

@pytest.mark.parametrize("command, args, message", [
    ("exam", ["--seed", BIG], "--seed: a 260-digit seed is too large; give one from "),
    ("quizset", ["--seed", BIG], "--seed: a 260-digit seed is too large; give one from "),
    ("quizset", ["--seed", "-" + BIG], "--seed: a 260-digit seed is too large; give one from "),
    ("quizset", ["--sets", BIG], "--sets: at most 10000 sets at once, not 999"),
    ("quizset", ["--size", BIG], "only "),
    ("exam", ["--versions", BIG], "the number of versions must be between 1 and 26"),
    ("exam", ["--questions", BIG], "only "),
])
def test_a_260_digit_number_is_refused_in_one_line(tmp_path: Path, command: str, args: list[str],
                                                  message: str) -> None:
    result = run_cardgen(command, str(FACTS), *args, "-o", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(message)
    assert not (tmp_path / "out").exists()


def test_the_largest_seed_is_deterministic(tmp_path: Path) -> None:
    seed = str(2**63 - 1)
    made = []
    for run in ("a", "b"):
        result = run_cardgen("quizset", str(FACTS), "--seed", seed, "-o", str(tmp_path / run))
        assert result.returncode == 0, result.stderr
        made.append({p.name: p.read_bytes() for p in (tmp_path / run).iterdir()})
    assert made[0] == made[1] and f"quizset-s{seed}-01.json" in made[0]


@pytest.mark.parametrize("option", ["--new", "--limit"])
def test_a_260_digit_quiz_count_works(tmp_path: Path, option: str) -> None:
    state = tmp_path / "s.sqlite3"
    result = run_cardgen("quiz", str(FACTS), option, BIG, input="\n3\nq\n", env=env(state))
    assert result.returncode == 0, result.stderr
    assert len(rows(state)[1]) == 1
