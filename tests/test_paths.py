"""Several paths, one fact base: chapters in folders, a project file that lists them, and
"did you mean" that suggests only what a typo could have meant."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import build_file_tree, run_cardgen

from cardgen.context import load_context
from cardgen.emit.anki import build_timestamp
from cardgen.emit.exam import ExamSettings, make_exam
from cardgen.errors import FactError, NoFactBase, UsageError
from cardgen.factbase.loader import default_paths, fact_files, find_sources, load
from cardgen.factbase.suggest import close_ids

CH1 = """\
deck: "Docker::1. 가상화"
definitions:
  - id: container
    term: 컨테이너
    definition: 호스트 커널을 공유하는 격리된 프로세스
  - id: containerd
    term: containerd
    definition: 컨테이너의 생명 주기를 관리하는 런타임
  - id: vm
    term: 가상 머신
    definition: 하이퍼바이저 위에서 게스트 운영체제를 돌리는 환경
"""

CH2 = """\
deck: "Docker::2. 이미지"
definitions:
  - id: image
    term: 이미지
    definition: 컨테이너를 만드는 읽기 전용 템플릿
  - id: layer
    term: 레이어
    definition: 이미지를 이루는 읽기 전용 파일 시스템 변경분
taxonomy:
  - id: built-from
    parent: container
    children: [image, layer]
"""


@pytest.fixture
def docker(tmp_path: Path) -> Path:
    """A course in two chapter folders, chapter 2 referring to chapter 1, with a project file."""
    return build_file_tree(tmp_path / "docker", {
        "ch1/basics.yaml": CH1, "ch2/images.yaml": CH2, "cardgen.yaml": "paths: [ch1, ch2]\n",
    })


def messages(*paths: Path) -> list[str]:
    with pytest.raises(FactError) as info:
        load(*paths)
    return [str(p) for p in info.value.problems]


# --- several paths -----------------------------------------------------------------


def test_two_chapters_load_as_one_base_and_refer_across(docker: Path) -> None:
    base = load(docker / "ch1", docker / "ch2")
    assert base.files == (str(docker / "ch1/basics.yaml"), str(docker / "ch2/images.yaml"))
    assert {d.id for d in base.definitions} == {"container", "containerd", "vm", "image", "layer"}
    assert base.parents_of("image") == ("container",)


def test_ids_are_unique_across_the_paths(docker: Path) -> None:
    (docker / "ch2/again.yaml").write_text("scenarios:\n  - id: vm\n    text: 가정\n", encoding="utf-8")
    assert messages(docker / "ch1", docker / "ch2") == [
        f"{docker}/ch2/again.yaml:2: duplicate id 'vm' (first defined at {docker}/ch1/basics.yaml:9)"]


def test_a_path_named_twice_or_inside_a_named_folder_loads_once(docker: Path) -> None:
    (docker / "link.yaml").symlink_to(docker / "ch1/basics.yaml")
    sources = find_sources([docker / "ch2/images.yaml", docker / "ch1", docker / "ch2", docker / "ch1/basics.yaml",
                            docker / "link.yaml"])
    assert sources.files == (docker / "ch2/images.yaml", docker / "ch1/basics.yaml")
    assert len(load(*sources.files)) == 6


def test_a_missing_path_among_several_says_where_cardgen_looked(docker: Path) -> None:
    with pytest.raises(NoFactBase, match=r"ch3: no fact base here \(no such file or folder\)") as raised:
        load(docker / "ch1", docker / "ch3")
    assert raised.value.path == docker / "ch3"


# --- project files -------------------------------------------------------------------


def test_a_project_folder_and_its_file_load_the_paths_it_lists(docker: Path) -> None:
    by_folder, by_file = load(docker), load(docker / "cardgen.yaml")
    assert by_folder.files == by_file.files == load(docker / "ch1", docker / "ch2").files
    assert find_sources([docker]).roots == (docker / "ch1", docker / "ch2")


def test_a_project_file_is_never_read_as_facts(docker: Path) -> None:
    (docker / "ch1/cardgen.yaml").write_text("paths: [nowhere]\n", encoding="utf-8")
    assert fact_files(docker / "ch1") == [docker / "ch1/basics.yaml"]
    assert fact_files(docker) == [docker / "ch1/basics.yaml", docker / "ch2/images.yaml"]


def test_a_project_may_list_its_own_folder(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "p", {"cardgen.yaml": "paths: [., extra.yml]\n", "a.yaml": CH1,
                                            "extra.yml": CH2})
    assert [Path(f).name for f in load(root).files] == ["a.yaml", "extra.yml"]


def test_with_no_path_the_current_folder_is_read_when_it_is_a_project(docker: Path, monkeypatch) -> None:
    monkeypatch.chdir(docker)
    assert default_paths() == (Path("."),)
    assert len(load()) == 6
    monkeypatch.chdir(docker / "ch1")
    assert default_paths() == (Path("facts"),)


def test_cardgen_build_in_a_project_folder_builds_every_chapter(docker: Path) -> None:
    result = run_cardgen("build", "-o", "../out", cwd=docker, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stderr
    assert "loaded 6 facts from 2 file(s)" in result.stderr
    assert sorted(p.name for p in (docker.parent / "out").glob("*.apkg")) == [
        "Docker - 1. 가상화.apkg", "Docker - 2. 이미지.apkg"]
    key = (docker.parent / "out/exams/exam-s0-A-key.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="word">exam</span> <span class="word">\.</span> <span class="word">--versions', key)


def test_validate_names_every_path_it_read(docker: Path) -> None:
    result = run_cardgen("validate", "ch1", "ch2/images.yaml", cwd=docker)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ch1 ch2/images.yaml: 6 facts in 2 file(s), no problems."


def test_the_output_may_not_be_a_folder_the_project_lists(docker: Path) -> None:
    result = run_cardgen("anki", "-o", "ch1", cwd=docker)
    assert result.returncode == 1
    assert "is or contains the fact base" in result.stderr and "ch1" in result.stderr
    assert sorted(p.name for p in (docker / "ch1").iterdir()) == ["basics.yaml"]


def test_the_question_bank_of_two_paths_cites_facts_of_both(docker: Path) -> None:
    result = run_cardgen("questions", "ch2", "ch1", "--format", "json", cwd=docker)
    assert result.returncode == 0, result.stderr
    cited = {source.split(" (")[1].split(":")[0] for q in json.loads(result.stdout) for source in q["sources"]}
    assert cited == {"ch1/basics.yaml", "ch2/images.yaml"}


# --- what the outputs take from several paths ----------------------------------------------


def test_the_exam_names_every_path_in_its_rebuild_command_and_the_shared_deck_as_title(docker: Path) -> None:
    context = load_context(docker / "ch1", docker / "ch2")
    exam = make_exam(context, ExamSettings(versions=1, questions=3,
                                           sources=tuple(str(p) for p in context.paths)))
    assert exam.command[:4] == ("cardgen", "exam", str(docker / "ch1"), str(docker / "ch2"))
    assert exam.title == "Docker"
    assert make_exam(load_context(docker / "ch2", docker / "ch1"), ExamSettings(versions=1, questions=3)).title == "Docker"


def test_one_chapter_keeps_its_own_title(docker: Path) -> None:
    exam = make_exam(load_context(docker / "ch1"), ExamSettings(versions=1, questions=2))
    assert exam.title == "1. 가상화"


def test_anki_dates_the_notes_by_the_newest_file_of_every_path(docker: Path) -> None:
    future = 4_000_000_000
    os.utime(docker / "ch2/images.yaml", (future, future))
    os.utime(docker / "ch1/basics.yaml", (future - 50, future - 50))
    assert build_timestamp(load(docker / "ch1", docker / "ch2"), environ={}) == future
    os.utime(docker / "ch1/basics.yaml", (future + 50, future + 50))
    assert build_timestamp(load(docker), environ={}) == future + 50


# --- references across chapters, and what the loader suggests ------------------------------


def test_a_chapter_given_alone_is_told_where_the_project_defines_what_it_misses(docker: Path, monkeypatch) -> None:
    monkeypatch.chdir(docker)
    assert messages(Path("ch2")) == [
        "ch2/images.yaml:11: taxonomy entry 'built-from' refers to unknown definition 'container', which is not"
        " in the given paths; ch1/basics.yaml:3 defines it: give that path too"]


def test_without_a_project_a_missing_id_is_said_not_to_be_in_the_given_paths(docker: Path) -> None:
    (docker / "cardgen.yaml").unlink()
    assert messages(docker / "ch2") == [
        f"{docker}/ch2/images.yaml:11: taxonomy entry 'built-from' refers to unknown definition 'container',"
        " which is not in the given paths; define it, or give the file that does"]


def dangling(tmp_path: Path, target: str, defined: str) -> str:
    """The one problem of a taxonomy naming TARGET in a base that defines DEFINED (and `base`)."""
    root = build_file_tree(tmp_path / target, {"a.yaml": (
        f"definitions:\n  - {{id: {defined}, term: 가, definition: 가는 가}}\n"
        f"  - {{id: base, term: 나, definition: 나는 나}}\ntaxonomy:\n  - {{id: t, parent: base, children: [{target}]}}\n")})
    (problem,) = messages(root)
    return problem.split(": ", 1)[1]


@pytest.mark.parametrize("target, defined", [
    ("container", "containerd"),  # the issue's case: a different program, not a typo
    ("containerd", "container"),
    ("vmm", "vm"),
    ("hypervisor-type1", "hypervisor-type2"),
    ("full-virtualization", "para-virtualization"),
    ("hvm-guest", "pvm-guest"),
    ("emulator", "emulation"),
])
def test_a_different_word_is_never_suggested(tmp_path: Path, target: str, defined: str) -> None:
    problem = dangling(tmp_path, target, defined)
    assert "did you mean" not in problem and "not in the given paths" in problem


@pytest.mark.parametrize("target, defined", [
    ("contaner", "container"),
    ("contianer", "container"),
    ("Container", "container"),
    ("containers", "container"),
    ("virtualisation", "virtualization"),
    ("hypervisor_type", "hypervisor-type"),
    ("컨테이나", "컨테이너"),
])
def test_a_typo_is_suggested(tmp_path: Path, target: str, defined: str) -> None:
    assert dangling(tmp_path, target, defined).endswith(f"(did you mean '{defined}'?)")


def test_an_id_of_another_kind_is_named_as_such_not_suggested(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "f", {"a.yaml": CH1 + (
        "scenarios:\n  - {id: runtime, text: 가정}\n  - {id: contaner-setup, text: 가정}\n"
        "stacks:\n  - {id: s, title: S, illustrates: runtime, scenario: container-setup, layers: [a, b]}\n")})
    assert [m.split(": ", 1)[1] for m in messages(root)] == [
        "stack 's' refers to unknown definition 'runtime'; 'runtime' is a scenario, not a definition",
        "stack 's' refers to unknown scenario 'container-setup' (did you mean 'contaner-setup'?)",
    ]


def test_equally_close_ids_are_all_named_and_the_closest_wins() -> None:
    assert close_ids("contaner", ["containerd", "container", "contained"]) == ("container",)
    assert close_ids("hypervisr", ["hypervisor", "hyperviser"]) == ("hyperviser", "hypervisor")
    assert close_ids("abc", ["abd", "abx"]) == ()  # too short for one letter to be a typo


def test_the_readme_project_file_loads_what_it_lists(docker: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n# docker/cardgen.yaml\n(.*?)```", readme, re.S)
    assert example, "the README lost its project file example"
    (docker / "cardgen.yaml").write_text(example.group(1), encoding="utf-8")
    build_file_tree(docker / "extra", {"glossary.yaml": "definitions:\n  - {id: oci, term: OCI, definition: 표준}\n"})
    assert len(load(docker)) == 7
