"""`cardgen build`: every generator into one folder, and a failed build changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardgen.build import STEPS, Step, build
from cardgen.errors import FactError, OutputError, UsageError
from conftest import FACTS, build_file_tree, run_cardgen

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
APKG = "Docker - 1. 가상화와 컨테이너.apkg"
EXAMS = tuple(Path("exams") / f"exam-s0-{v}{k}.html" for v in "AB" for k in ("", "-key"))
QUIZSETS = tuple(Path("quizsets") / f"quizset-s0-0{n}{end}" for n in (1, 2, 3)
                 for end in (".json", ".md", "-answers.md", ".csv", ".tsv"))
OWN = (".cardgen-output.json", ".cardgen-output.lock")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in OWN}


@pytest.fixture
def old_dist(tmp_path: Path, monkeypatch) -> Path:
    """A previous build's output folder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(FACTS, tmp_path / "dist")
    return tmp_path / "dist"


def test_every_registered_step_has_a_name_a_folder_and_a_function():
    names = [step.name for step in STEPS]
    assert {"anki", "exam", "quizsets"} <= set(names) and len(names) == len(set(names))
    assert all(callable(step.emit) for step in STEPS)


def test_build_writes_every_step_and_leaves_no_debris(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    messages: list[str] = []
    out = tmp_path / "dist"
    written = build(FACTS, out, report=messages.append)
    assert written == tuple(out / p for p in (Path(APKG), *EXAMS, *QUIZSETS))
    assert sorted(p.name for p in out.iterdir()) == sorted([APKG, "exams", "quizsets", *OWN])
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".cardgen-tmp")]
    assert any(m.startswith("[1/") and "anki" in m for m in messages)


def test_invalid_facts_leave_the_previous_output_untouched(tmp_path, old_dist):
    before = snapshot(old_dist)
    facts = build_file_tree(tmp_path / "facts", {"bad.yaml": "definitions:\n  - {id: x, term: 가}\n"})
    with pytest.raises(FactError):
        build(facts, old_dist)
    assert snapshot(old_dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "facts"]


def test_a_step_failing_mid_build_leaves_the_previous_output_untouched(tmp_path, old_dist):
    before = snapshot(old_dist)

    def broken(context, warn):
        raise UsageError("template missing")

    with pytest.raises(UsageError, match="template missing"):
        build(FACTS, old_dist, steps=(*STEPS, Step("broken", "", broken)))
    assert snapshot(old_dist) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_output_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "dist"
    target.write_text("not a folder")
    with pytest.raises(OutputError, match="not a folder"):
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
    result = run_cardgen("quizset", str(FACTS), "--sets", "3", "--size", "20", "--format", "json", "--format", "md", "--format", "csv",
                         "--format", "tsv", "-o", str(tmp_path / "alone"))
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path / "dist" / "quizsets") == snapshot(tmp_path / "alone")


def test_build_of_a_tiny_base_draws_what_it_can(tmp_path):
    facts = build_file_tree(tmp_path / "facts", {"t.yaml": "deck: t\nquestions:\n  - {id: q, question: 왜?, answer: 그래서}\n"})
    written = build(facts, tmp_path / "dist")
    json_files = [f for f in written if f.suffix == ".json"]
    assert len(json_files) == 3
    assert '"size": 1' in json_files[0].read_text(encoding="utf-8")
