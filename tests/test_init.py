"""`cardgen init`: a starter fact base that validates, builds and shows every fact kind,
written only where nothing is in the way; and the message when there is no fact base."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from cardgen.factbase.kinds import COMMON, FILE_KEYS, KINDS, LAYER_KEYS, POINT_KEYS, ROW_KEYS, STEP_KEYS
from cardgen.factbase.loader import load
from cardgen.lang import LANGS, lang_of
from cardgen.starter import STARTER
from conftest import ROOT, run_cardgen

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def tree(root: Path) -> dict[str, bytes | None]:
    """Every entry below ROOT: a file's bytes, None for a folder."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes() for path in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("lang", LANGS)
def test_the_starter_validates_builds_and_holds_every_fact_kind(tmp_path: Path, lang: str) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()  # an empty folder is as good as a new one
    result = run_cardgen("init", str(folder), "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert f"cardgen validate {folder}\n" in result.stdout and f"cardgen build {folder}\n" in result.stdout
    assert bool(HANGUL.search(result.stdout)) is (lang == "ko")

    validated = run_cardgen("validate", str(folder))
    assert validated.returncode == 0, validated.stderr
    built = run_cardgen("build", str(folder), "-o", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert list((tmp_path / "out").glob("*.apkg")) and list((tmp_path / "out" / "exams").glob("*-key.html"))

    base = load(folder)
    for kind in KINDS:
        assert getattr(base, kind.attribute), f"the starter has no {kind.section}"
    assert {lang_of(fact) for fact in base.facts()} == {lang}


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_of_the_format_is_shown_or_explained(tmp_path: Path, lang: str) -> None:
    assert run_cardgen("init", str(tmp_path / "f"), "--lang", lang).returncode == 0
    (file,) = (tmp_path / "f").iterdir()
    text = file.read_text(encoding="utf-8")
    keys = {*COMMON, *FILE_KEYS, *POINT_KEYS, *LAYER_KEYS, *STEP_KEYS, *ROW_KEYS, *(key for kind in KINDS for key in kind.fields)}
    missing = sorted(key for key in keys if not re.search(rf"(^|[\s{{`])({key}):", text, re.MULTILINE))
    assert not missing, missing
    # The editor's schema line points at the schema of the cardgen that wrote the file.
    schema = text.splitlines()[0].split("$schema=")[1]
    assert Path(unquote(urlparse(schema).path)).is_file()


def test_init_without_a_folder_starts_facts_here_and_build_finds_it(tmp_path: Path) -> None:
    missing = run_cardgen("build", cwd=tmp_path)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.splitlines() == [
        f"{tmp_path / 'facts'}: no fact base here (no such file or folder)",
        "Give the path of yours (cardgen build PATH) or start one: cardgen init",
    ]
    assert run_cardgen("init", cwd=tmp_path).returncode == 0
    built = run_cardgen("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "dist").is_dir()


def test_a_missing_path_names_where_cardgen_looked_in_the_commands_language(tmp_path: Path) -> None:
    result = run_cardgen("quizset", "notes", "--lang", "ko", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first, second = result.stderr.splitlines()
    assert first.startswith(f"{tmp_path / 'notes'}: ") and HANGUL.search(first)
    assert "cardgen quizset PATH" in second and "cardgen init notes --lang ko" in second and HANGUL.search(second)


def test_a_fact_error_keeps_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("definitions:\n  - {id: x, term: a}\n", encoding="utf-8")
    result = run_cardgen("validate", str(tmp_path))
    assert result.returncode == 1
    assert (
        result.stderr.splitlines()[0] == f"{tmp_path / 'f.yaml'}:2: definition 'x' is missing required key 'definition'"
    )


def test_init_refuses_a_folder_that_holds_anything_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "facts"
    (folder / "sub").mkdir(parents=True)
    (folder / "memory.yaml").write_text("# my own notes\n", encoding="utf-8")
    (folder / "sub" / "x.txt").write_bytes(b"\x00\xff")
    before = tree(folder)
    result = run_cardgen("init", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"{folder}: is not empty; choose a new or empty folder"]
    assert tree(folder) == before and result.stdout == ""

    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / ".keep").write_bytes(b"")
    assert run_cardgen("init", str(hidden)).returncode == 1
    assert tree(hidden) == {".keep": b""}


def test_init_refuses_a_file_in_the_folders_place(tmp_path: Path) -> None:
    file = tmp_path / "facts"
    file.write_text("not a folder\n", encoding="utf-8")
    result = run_cardgen("init", str(file), "--lang", "ko")
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(f"{file}: ")
    assert file.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.slow  # builds a wheel and installs it
def test_an_installed_wheel_carries_the_starter(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("cardgen", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", ".", "-w", str(tmp_path / "whl"), "--no-deps", "-q"], cwd=source, check=True)
    (wheel,) = (tmp_path / "whl").glob("cardgen-*.whl")
    shipped = {f"cardgen/starter/{p.relative_to(STARTER).as_posix()}" for p in STARTER.rglob("*.yaml")}
    assert shipped and shipped <= set(zipfile.ZipFile(wheel).namelist())

    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = tmp_path / "run"
    run.mkdir()
    where = subprocess.run(
        [sys.executable, "-c", "import cardgen; print(cardgen.__file__)"],
        cwd=run,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(site)), where.stdout
    for lang in LANGS:
        init = subprocess.run(
            [sys.executable, "-m", "cardgen", "init", lang, "--lang", lang],
            cwd=run,
            env=env,
            capture_output=True,
            text=True,
        )
        assert init.returncode == 0, init.stderr
        assert subprocess.run([sys.executable, "-m", "cardgen", "validate", lang], cwd=run, env=env).returncode == 0
