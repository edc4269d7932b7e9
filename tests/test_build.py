"""`cardgen build`: every generator into one folder, and a failed build changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgen.build import STEPS, build
from cardgen.errors import FactError, UsageError
from conftest import FACTS, build_file_tree, run_cardgen

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
APKG = "Docker - 1. 가상화와 컨테이너.apkg"
EXAMS = tuple(sorted(Path("exams") / f"exam-{v}{k}.html" for v in "AB" for k in ("", "-key")))
QUIZSETS = tuple(Path("quizsets") / f"quizset-s0-0{n}.{ext}" for n in (1, 2, 3) for ext in ("csv", "json", "md"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def old_dist(tmp_path: Path) -> Path:
    """A previous build's output folder with a file the next build would not write."""
    return build_file_tree(tmp_path / "dist", {"old.txt": "previous build", "sub/keep.bin": b"\x00\x01"})


def test_every_registered_step_has_a_name_and_a_function():
    names = [name for name, _ in STEPS]
    assert {"anki", "quizsets"} <= set(names) and len(names) == len(set(names))
    assert all(callable(step) for _, step in STEPS)


def test_build_replaces_the_output_folder(tmp_path, old_dist, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    messages: list[str] = []
    result = build(FACTS, old_dist, report=messages.append)
    assert result.files == (Path(APKG), *EXAMS, *QUIZSETS)
    assert sorted(p.name for p in old_dist.iterdir()) == [APKG, "exams", "quizsets"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging or old folders left behind
    assert any(m.startswith("[1/") and "anki" in m for m in messages)


def test_invalid_facts_leave_the_previous_output_untouched(tmp_path, old_dist):
    before = snapshot(old_dist)
    facts = build_file_tree(tmp_path / "facts", {"bad.yaml": "definitions:\n  - {id: x, term: 가}\n"})
    with pytest.raises(FactError):
        build(facts, old_dist)
    assert snapshot(old_dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "facts"]


def test_a_step_failing_mid_build_leaves_the_previous_output_untouched(tmp_path, old_dist, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    before = snapshot(old_dist)
    reached = []

    def broken(base, out_dir):
        assert (out_dir / APKG).is_file()  # the first step really wrote into the staging folder
        reached.append(out_dir)
        raise UsageError("disk full")

    with pytest.raises(UsageError, match="disk full"):
        build(FACTS, old_dist, steps=(*STEPS, ("broken", broken)))
    assert reached and not reached[0].exists()
    assert snapshot(old_dist) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_output_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "dist"
    target.write_text("not a folder")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        build(FACTS, target)
    assert target.read_text() == "not a folder"


def test_cli_build_prints_files_on_stdout_and_progress_on_stderr(tmp_path):
    out = tmp_path / "dist"
    result = run_cardgen("build", str(FACTS), "-o", str(out), env=EPOCH)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(out / f) for f in (APKG, *EXAMS, *QUIZSETS)]
    assert "[1/" in result.stderr and "anki" in result.stderr
    again = tmp_path / "again"
    assert run_cardgen("build", str(FACTS), "-o", str(again), env=EPOCH).returncode == 0
    assert snapshot(out) == snapshot(again)


def test_cli_build_failure_is_one_clear_message(tmp_path, old_dist):
    before = snapshot(old_dist)
    facts = build_file_tree(tmp_path / "facts", {"bad.yaml": "definitions:\n  - {id: x, term: 가}\n"})
    result = run_cardgen("build", str(facts), "-o", str(old_dist))
    assert result.returncode == 1
    assert "bad.yaml:2: definition 'x' is missing required key 'definition'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(old_dist) == before


def test_build_ships_quiz_sets_that_match_the_quizset_command(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(FACTS, tmp_path / "dist")
    result = run_cardgen("quizset", str(FACTS), "--sets", "3", "--size", "20", "--format", "json,md,csv",
                         "-o", str(tmp_path / "alone"))
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path / "dist" / "quizsets") == snapshot(tmp_path / "alone")


def test_build_of_a_tiny_base_draws_what_it_can(tmp_path):
    facts = build_file_tree(tmp_path / "facts", {"t.yaml": "deck: t\nquestions:\n  - {id: q, question: 왜?, answer: 그래서}\n"})
    result = build(facts, tmp_path / "dist")
    json_files = [f for f in result.files if f.suffix == ".json"]
    assert len(json_files) == 3
    assert '"size": 1' in (tmp_path / "dist" / json_files[0]).read_text(encoding="utf-8")
