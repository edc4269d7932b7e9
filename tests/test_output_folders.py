"""What the commands may do to a user's folders, run as a user would: real processes, real folders.

Every command writes through `cardgen.write`; these are the cases where cardgen used to
delete or corrupt a user's files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FACTS, ROOT, build_file_tree, run_cardgen

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project folder: their facts and a file of their own."""
    shutil.copytree(FACTS, tmp_path / "facts")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    return tmp_path


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_refusal(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stderr
    message = [line for line in result.stderr.splitlines() if not line.startswith("cardgen build: ")]
    assert "Traceback" not in result.stderr and len(message) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("target", ["facts", ".", "PROJECT"])
def test_build_into_the_facts_or_the_project_is_refused_and_deletes_nothing(project: Path, target: str) -> None:
    before = files_under(project)
    out = str(project) if target == "PROJECT" else target
    result = run_cardgen("build", "facts", "-o", out, cwd=project)
    one_line_refusal(result)
    assert files_under(project) == before


def test_build_into_a_folder_of_the_users_files_is_refused(project: Path) -> None:
    mine = build_file_tree(project / "mine", {"thesis.txt": "three years of work"})
    result = run_cardgen("build", "facts", "-o", "mine", cwd=project)
    one_line_refusal(result, "not empty")
    assert files_under(mine) == {"thesis.txt": b"three years of work"}


def test_build_keeps_the_exams_and_quiz_sets_other_commands_wrote(project: Path) -> None:
    assert run_cardgen("exam", "facts", "--seed", "7", "--versions", "4", cwd=project, env=EPOCH).returncode == 0
    assert run_cardgen("quizset", "facts", "--seed", "3", "--sets", "2", cwd=project).returncode == 0
    theirs = {name: data for name, data in files_under(project / "dist").items() if "-s7-" in name or "-s3-" in name}
    assert len(theirs) == 8 + 2 and "exams/exam-s7-D-key.html" in theirs
    result = run_cardgen("build", "facts", cwd=project, env=EPOCH)
    assert result.returncode == 0, result.stderr
    after = files_under(project / "dist")
    assert {name: after.get(name) for name in theirs} == theirs
    assert "exams/exam-s0-A.html" in after and "quizsets/quizset-s0-03.md" in after


def test_a_rerun_of_exam_removes_the_versions_it_no_longer_writes(project: Path) -> None:
    assert run_cardgen("exam", "facts", "--seed", "5", "--versions", "3", cwd=project).returncode == 0
    assert run_cardgen("exam", "facts", "--seed", "6", "--versions", "1", cwd=project).returncode == 0
    assert run_cardgen("exam", "facts", "--seed", "5", "--versions", "2", cwd=project).returncode == 0
    names = sorted(p.name for p in (project / "dist" / "exams").glob("*.html"))
    assert names == sorted([f"exam-s5-{v}{k}.html" for v in "AB" for k in ("", "-key")]
                           + ["exam-s6-A.html", "exam-s6-A-key.html"])


@pytest.mark.slow
def test_concurrent_anki_runs_never_leave_a_corrupt_package(tmp_path: Path) -> None:
    """Several `cardgen anki -o out` at the same moment: each succeeds and the package is whole."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cardgen", "anki", str(FACTS), "-o", str(out)]
    for _ in range(3):
        runs = [subprocess.Popen(command, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        for run in runs:
            _, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
        (package,) = out.glob("*.apkg")
        with zipfile.ZipFile(package) as archive:
            assert archive.testzip() is None
            assert {"collection.anki2", "media"} <= set(archive.namelist())
        assert not [p for p in out.iterdir() if p.name.endswith(".cardgen-tmp")]


def test_a_deck_name_too_long_for_a_file_name_still_builds(tmp_path: Path) -> None:
    deck = "가상화" * 34  # 102 Hangul syllables: 306 bytes, more than a file name may hold
    facts = build_file_tree(tmp_path / "facts", {
        "long.yaml": f'deck: "{deck}"\ndefinitions:\n  - {{id: a, term: 가, definition: 나}}\n'})
    assert run_cardgen("validate", str(facts)).returncode == 0
    result = run_cardgen("anki", str(facts), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    (package,) = (tmp_path / "out").glob("*.apkg")
    assert len(package.name.encode("utf-8")) <= 200 and package.name.startswith("가상화")


def test_output_naming_a_symlink_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    elsewhere = build_file_tree(tmp_path / "elsewhere", {"keep.txt": "x"})
    (tmp_path / "out").symlink_to(elsewhere)
    result = run_cardgen("anki", str(FACTS), "-o", str(tmp_path / "out"))
    one_line_refusal(result)
    assert (tmp_path / "out").is_symlink() and files_under(elsewhere) == {"keep.txt": b"x"}


def test_a_read_only_output_folder_is_one_line_and_keeps_the_previous_build(tmp_path: Path) -> None:
    """As a user for whom permissions hold (`nobody` when the tests run as root)."""
    import os
    import pwd
    import tempfile

    from conftest import require_program

    base = Path(tempfile.mkdtemp(prefix="cardgen-ro-"))
    try:
        base.chmod(0o755)
        out = base / "dist"
        assert run_cardgen("build", str(FACTS), "-o", str(out), env=EPOCH).returncode == 0
        command = [sys.executable, "-m", "cardgen", "build", str(FACTS), "-o", str(out)]
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in (base, *base.rglob("*")):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            command = [require_program("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        (out / "quizsets").chmod(0o555)
        before = files_under(out)
        result = subprocess.run(command, cwd=base, capture_output=True, text=True, timeout=120,
                                env={**os.environ, **EPOCH, "PYTHONPATH": str(ROOT), "HOME": str(base)})
        one_line_refusal(result, "Permission denied", str(out / "quizsets"))
        assert files_under(out) == before
    finally:
        for path in (base, *base.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(base)


def test_a_refused_folder_is_refused_before_any_work(project: Path) -> None:
    result = run_cardgen("build", "facts", "-o", "facts", cwd=project)
    assert result.returncode == 1 and "[1/" not in result.stderr, result.stderr
