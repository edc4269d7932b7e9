"""`cardgen draft`: Markdown notes to a fact file, scored, compared, merged and re-drafted."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgen.cli import app
from cardgen.draft.run import draft_into, draft_to_file, draft_to_text, write_file
from cardgen.errors import OutputError, UsageError
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase
from tests.conftest import FACTS, ROOT
from tests.draft_score import score

NOTES = ROOT / "tests" / "draft"
SEED = NOTES / "seed.md"  # the author's note
# The fact base written by hand from that note, as it was before the shipped facts were
# corrected beyond what the note says: what a drafter of the note can be scored against.
SEED_BASE = NOTES / "seed-base"
runner = CliRunner()


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return Path(shutil.copy(SEED, tmp_path / "seed.md"))


def drafted(notes: list[Path], tmp_path: Path, name: str = "draft.yaml") -> tuple[Path, FactBase]:
    out = tmp_path / name
    draft_to_file(notes, out)
    return out, load(out)


def test_seed_recovers_the_hand_written_facts(seed: Path, tmp_path: Path) -> None:
    _, base = drafted([seed], tmp_path)
    result = score(base, load(SEED_BASE))
    print("\n" + result.table() + "\n\nDifferences:\n- " + "\n- ".join(result.differences))
    assert result.row("definitions (with English name)").holds
    assert result.row("stacks (exact layers and counts)").holds
    assert result.row("taxonomy links").holds
    assert result.row("author's questions").holds
    # Every point the note marks 장점/단점, and the unlabelled line under 리눅스 컨테이너 that
    # the hand-written base also made a con: it ends in `부족`, so it is drafted as one, flagged.
    assert result.row("pros and cons points").holds
    assert not [d for d in result.differences if d.startswith(("pro of", "con of"))]


def test_seed_draft_says_where_and_why(seed: Path, tmp_path: Path) -> None:
    text = draft_to_text([seed])
    assert text == draft_to_text([seed])  # byte-stable
    assert text.count("# from seed.md:") == 38  # one per drafted fact
    assert "  # from seed.md:19\n  # check: written as 'value : term'; the term was taken from the right\n" \
        "  - id: \"virtual-memory\"" in text
    assert "# check: numbered 'Type 1' in the note; kept as an alias" in text
    assert "# check: the terms under it mix headings and list items" in text
    assert (
        "    cons:\n"
        "      # check: drafted as a disadvantage from its wording; move it back to details if it is not one\n"
        '      - "커널 레벨의 격리된 (isolated) 공간만 제공할 뿐, 개발 및 서버 운영에 필요한 부가 기능 부족"\n'
    ) in text
    assert text.count("부가 기능 부족") == 1  # a con, not also a detail


@pytest.mark.parametrize("name", ["english", "code_tables", "deep", "shortcomings"])
def test_notes_draft_as_written_by_hand(name: str, tmp_path: Path) -> None:
    _, base = drafted([NOTES / f"{name}.md"], tmp_path)
    expected = load(NOTES / f"{name}.expected.yaml")
    assert list(base.facts()) == list(expected.facts())


GUESSED = "# check: drafted as a disadvantage from its wording; move it back to details if it is not one"


def test_shortcoming_lines_are_flagged_cons(tmp_path: Path) -> None:
    note = NOTES / "shortcomings.md"
    text = draft_to_text([note])
    lines = text.splitlines()
    guessed = {lines[i + 1].strip()[3:-1] for i, line in enumerate(lines) if line.strip() == GUESSED}
    assert guessed == {  # a negative last word in Korean; No/Lacks/Cannot first or `is missing` last in English
        "큰 프로그램에서는 오류 처리가 어려움",
        "자료형 검사 기능 없음",
        "No retry when a run fails",
        "Lacks a log of past runs",
        "Cannot run more often than once a minute",
        "A way to see the next run is missing",
    }
    # Labelled cons carry no such comment; `없는` mid-sentence, `상관없음`, no burden (`제약이 없음`,
    # `No need`), `Nothing` and a `no` inside a sentence stay details (see the expected base).
    assert '      - "플랫폼마다 문법이 조금씩 다름"' in lines
    assert '      - "jobs on a sleeping laptop are skipped"' in lines


def test_shortcoming_cons_merge_with_their_checks(tmp_path: Path) -> None:
    hand = (NOTES / "shortcomings.expected.yaml").read_text(encoding="utf-8")
    hand = hand.replace("[큰 프로그램에서는 오류 처리가 어려움, 자료형 검사 기능 없음, ", "[")
    for line in ("No retry when a run fails", "Lacks a log of past runs",
                 "Cannot run more often than once a minute", "A way to see the next run is missing"):
        hand = hand.replace(f"      - {line}\n", "")
    base = tmp_path / "tools.yaml"
    base.write_text(hand, encoding="utf-8")
    assert draft_into([NOTES / "shortcomings.md"], base).text == f"{base}: 0 new facts, 6 new points\n"
    merged = base.read_text(encoding="utf-8")
    assert (  # a flow list has no room for comments: the checks go above its key
        f"    {GUESSED}: \"큰 프로그램에서는 오류 처리가 어려움\"\n"
        f"    {GUESSED}: \"자료형 검사 기능 없음\"\n"
        "    cons: [플랫폼마다 문법이 조금씩 다름, \"큰 프로그램에서는 오류 처리가 어려움\", \"자료형 검사 기능 없음\"]\n"
    ) in merged
    assert f'      {GUESSED}\n      - "No retry when a run fails"\n' in merged
    assert merged.count(GUESSED) == 6
    after, expected = load(base), load(NOTES / "shortcomings.expected.yaml")
    for concept in ("shell-script", "cron-job"):
        got, want = after.pros_cons_of(concept), expected.pros_cons_of(concept)
        assert got is not None and want is not None
        assert sorted(p.text for p in got.cons) == sorted(p.text for p in want.cons)
    assert draft_into([NOTES / "shortcomings.md"], base).text == f"{base}: nothing new\n"


def test_what_is_not_drafted_is_listed(tmp_path: Path) -> None:
    text = draft_to_text([NOTES / "english.md"])
    assert text.endswith(
        "# Not drafted; add these by hand where they belong:\n"
        '# english.md:7: "Notes on VPNs" (a heading that names no term)\n'
        '# english.md:31: "<!-- to do: IPsec -->" (HTML is not read)\n'
    )
    assert '# english.md:24: "| 명령' not in text
    tables = draft_to_text([NOTES / "code_tables.md"])
    assert '# code_tables.md:24: "명령 | 하는 일" (a table without term and definition columns)' in tables
    assert "# check: no definition after ':'; the first line under it was taken" in tables


@pytest.mark.parametrize("name", ["seed", "english", "code_tables", "deep", "shortcomings"])
def test_redraft_into_its_own_base_changes_nothing(name: str, tmp_path: Path) -> None:
    note = NOTES / f"{name}.md"
    out, _ = drafted([note], tmp_path)
    before = out.read_bytes()
    assert draft_into([note], out, dry_run=True).text == ""
    assert draft_into([note], out).text == f"{out}: nothing new\n"
    assert out.read_bytes() == before


def test_redraft_after_three_new_lines_adds_exactly_them(seed: Path, tmp_path: Path) -> None:
    out, before = drafted([seed], tmp_path)
    text = seed.read_text(encoding="utf-8")
    text = text.replace("  - 단점 : 물리 CPU 내에서 직접 실행할 때보다 비효율적임\n",
                        "  - 단점 : 물리 CPU 내에서 직접 실행할 때보다 비효율적임\n  - 단점 : 설정이 복잡함\n")
    text = text.replace("  - 커널 레벨의", "  - ##### 도커 (```Docker```) : 컨테이너를 만들고 실행하는 도구\n  - 커널 레벨의")
    text = text.replace("- Q. ```MacOS", "- Q. 컨테이너는 커널을 공유하는가? : 그렇다\n- Q. ```MacOS")
    seed.write_text(text, encoding="utf-8")
    diff = draft_into([seed], out, dry_run=True).text
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert not [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert '      - "설정이 복잡함"' in added
    assert draft_into([seed], out).text == f"{out}: 3 new facts, 1 new points\n"
    after = load(out)
    assert {f.id for f in after.facts()} - {f.id for f in before.facts()} == {
        "docker", "kinds-of-linux-container", "컨테이너는-커널을-공유하는가"}
    assert [p.text for p in after.pros_cons_of("emulator").cons] == [  # type: ignore[union-attr]
        "물리 CPU 내에서 직접 실행할 때보다 비효율적임", "설정이 복잡함"]
    for fact in before.facts():  # and nothing else changed
        assert after[fact.id] == fact or fact.id == "emulator-pros-cons"
    assert draft_into([seed], out).text == f"{out}: nothing new\n"


def test_merge_keeps_the_authors_edits_and_ids(seed: Path, tmp_path: Path) -> None:
    base = Path(shutil.copytree(SEED_BASE, tmp_path / "facts"))
    before = {p.name: p.read_text(encoding="utf-8") for p in base.iterdir()}
    draft_into([seed], base)
    after = load(base)
    hand = load(SEED_BASE)
    for fact in hand.facts():  # every hand-written fact is still there, as written
        assert after[fact.id] == fact or fact.id in {"kinds-of-platform-virtualization", "kinds-of-hypervisor"}
    assert (base / "stacks.yaml").read_text(encoding="utf-8") == before["stacks.yaml"]
    changed = (base / "virtualization.yaml").read_text(encoding="utf-8")
    assert changed.startswith(before["virtualization.yaml"][:2000])  # comments and layout kept


def test_cli_writes_refuses_and_previews(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.yaml"
    result = runner.invoke(app, ["draft", str(seed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}: drafted 38 facts\n"
    again = runner.invoke(app, ["draft", str(seed), "-o", str(out)])  # a drafted file may be redrafted
    assert again.exit_code == 0
    hand = tmp_path / "hand.yaml"
    shutil.copy(FACTS / "2-stacks.yaml", hand)
    refused = runner.invoke(app, ["draft", str(seed), "-o", str(hand)])
    assert refused.exit_code == 2
    assert f"{hand}:1: not a file cardgen drafted" in refused.output
    assert hand.read_bytes() == (FACTS / "2-stacks.yaml").read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_help_shows_the_shapes() -> None:
    result = runner.invoke(app, ["draft", "--help"])
    assert result.exit_code == 0
    for shape in ("front matter", "definition", "pros and cons", "shortcoming", "stacks", "question", "reversed line"):
        assert shape in result.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`cardgen draft" in readme
    assert "| a shortcoming under a term |" in readme


def test_broken_front_matter_is_reported_at_its_line(tmp_path: Path) -> None:
    note = tmp_path / "bad.md"
    note.write_text("---\ntitle: [oops\n---\n\n## A (`B`) : c\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"bad\.md:\d+: the front matter is not valid YAML"):
        draft_to_text([note])


def test_draft_never_writes_through_a_link(seed: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    draft_to_file([NOTES / "english.md"], real)  # a drafted file, so only the link stops the write
    before = real.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = runner.invoke(app, ["draft", str(seed), "-o", str(link)])
    assert result.exit_code == 1
    assert result.output == f"{link}: is a symbolic link; give the path of the file it points to, or another file\n"
    assert link.is_symlink() and real.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml", "seed.md"]


def test_merge_into_a_linked_fact_file_writes_nothing(seed: Path, tmp_path: Path) -> None:
    base = Path(shutil.copytree(SEED_BASE, tmp_path / "facts"))
    elsewhere = tmp_path / "virtualization.yaml"
    (base / "virtualization.yaml").rename(elsewhere)
    (base / "virtualization.yaml").symlink_to(elsewhere)
    before = {p: p.read_bytes() for p in (elsewhere, base / "stacks.yaml")}
    with pytest.raises(OutputError, match="is a symbolic link"):
        draft_into([seed], base)
    assert {p: p.read_bytes() for p in before} == before
    assert not [p for p in base.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("fails", "error", "message"),
    [
        ("write", errno.ENOSPC, "No space left on device; free some disk space or choose another file"),
        ("replace", errno.EACCES, "Permission denied; check the folder's permissions or choose another file"),
    ],
)
def test_a_failed_write_leaves_no_temp_file_and_one_line(
    fails: str, error: int, message: str, seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "seed.yaml"
    draft_to_file([NOTES / "english.md"], out)
    before = out.read_bytes()

    def broken(*args: object) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, fails, broken)
    result = runner.invoke(app, ["draft", str(seed), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output == f"{out}: {message}\n"  # one line naming the file, no traceback
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["seed.yaml"]


def test_a_folder_at_the_target_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "a.yaml").write_text("kept\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"/taken: Is a directory; it is a folder; give a file name\Z"):
        write_file(folder, "deck: x\n")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # no temp file beside it
    assert [p.name for p in folder.iterdir()] == ["a.yaml"]


def test_a_new_draft_gets_the_usual_file_mode(seed: Path, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        out, _ = drafted([seed], tmp_path)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not the 0600 of a temp file
