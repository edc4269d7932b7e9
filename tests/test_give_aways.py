"""Sets and papers whose questions give each other's answers away are named on stderr.

The sampler draws questions that stand apart first; only when the questions it may draw
from hold too few for the size asked does one show another's answer. Then the set is still
written, and a warning names the set and the pairs in its own numbering, so a teacher can
swap a question out or ask for fewer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import FACTS, build_file_tree, run_cardgen

from cardgen.bank.sample import give_away_note, give_aways, reveals
from cardgen.context import load_context

# Two rows compared for two concepts: the eight O/X statements about them fall into two
# groups (one per row) whose members each show the others' answers, so no more than two
# questions stand apart.
ROWS = """\
deck: 클라우드
definitions:
  - id: iaas
    term: IaaS
    definition: 가상 머신과 스토리지, 네트워크를 빌려 주는 클라우드 서비스 모델
  - id: paas
    term: PaaS
    definition: 운영체제와 런타임까지 제공자가 관리하고 고객은 애플리케이션만 올리는 클라우드 서비스 모델
comparisons:
  - id: models
    title: 서비스 모델 비교
    concepts: [iaas, paas]
    rows:
      - attribute: 운영체제 관리
        values: {iaas: 고객, paas: 제공자}
      - attribute: 런타임 관리
        values: {iaas: 고객, paas: 제공자}
"""

_MUTUAL = re.compile(r"questions (\d+) and (\d+) show each other's answers")
_ONE_WAY = re.compile(r"question (\d+) shows the answer to question (\d+)")


def _named_pairs(line: str) -> set[tuple[int, int]]:
    """The (I, J) pairs a warning line names: question I shows the answer to question J."""
    pairs = {(int(i), int(j)) for i, j in _ONE_WAY.findall(line)}
    for i, j in _MUTUAL.findall(line):
        pairs |= {(int(i), int(j)), (int(j), int(i))}
    return pairs


def _warnings(stderr: str, command: str) -> dict[str, str]:
    """The warning lines of STDERR that name a file, by that file."""
    prefix = f"cardgen {command}: warning: "
    lines = [line.removeprefix(prefix) for line in stderr.splitlines() if line.startswith(prefix)]
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def _truly_revealing(base: Path, ids: list[str]) -> set[tuple[int, int]]:
    """The pairs of the questions IDS (in that order) where one shows the other's answer, by `reveals`."""
    bank = {q.id: q for q in load_context(base).bank}
    questions = [bank[i] for i in ids]
    return {
        (i, j)
        for i, shown in enumerate(questions, 1)
        for j, asked in enumerate(questions, 1)
        if i != j and reveals(asked, shown)
    }


def test_a_quiz_set_that_cannot_keep_its_questions_apart_names_the_pairs_in_its_numbering(tmp_path: Path) -> None:
    base = build_file_tree(tmp_path / "facts", {"cloud.yaml": ROWS})
    out = tmp_path / "out"
    result = run_cardgen("quizset", str(base), "--sets", "2", "--size", "4", "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    warned = _warnings(result.stderr, "quizset")
    assert sorted(warned) == ["quizset-s0-01", "quizset-s0-02"]
    for stem, line in warned.items():
        ids = [q["id"] for q in json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))["questions"]]
        assert _named_pairs(line) == _truly_revealing(base, ids) != set()
        assert line.endswith("(too few of the questions to draw from stand apart for 4)")
    assert "cardgen quizset: a smaller --size" in result.stderr.splitlines()[-1]


def test_a_set_whose_questions_stand_apart_warns_nothing(tmp_path: Path) -> None:
    base = build_file_tree(tmp_path / "facts", {"cloud.yaml": ROWS})
    result = run_cardgen("quizset", str(base), "--sets", "3", "--size", "2", "--format", "json", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_each_exam_paper_names_its_give_aways_in_its_own_numbering(tmp_path: Path) -> None:
    base = build_file_tree(tmp_path / "facts", {"cloud.yaml": ROWS})
    out = tmp_path / "exams"
    result = run_cardgen("exam", str(base), "--versions", "2", "--questions", "4", "-o", str(out))
    assert result.returncode == 0, result.stderr
    warned = _warnings(result.stderr, "exam")
    assert sorted(warned) == ["exam-s0-A", "exam-s0-B"]
    for stem, line in warned.items():
        ids = re.findall(r'data-id="([^"]+)"', (out / f"{stem}.html").read_text(encoding="utf-8"))
        assert len(ids) == 4
        assert _named_pairs(line) == _truly_revealing(base, ids) != set()
    assert "fewer --questions" in result.stderr.splitlines()[-1]


def test_build_reports_give_aways_with_its_progress_and_the_shipped_facts_have_none(tmp_path: Path) -> None:
    base = build_file_tree(tmp_path / "facts", {"cloud.yaml": ROWS})
    result = run_cardgen("build", str(base), "-o", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    assert "cardgen build: warning: exam-s0-A: " in result.stderr
    assert "cardgen build: warning: quizset-s0-01: " in result.stderr

    shipped = run_cardgen("build", str(FACTS), "-o", str(tmp_path / "shipped"))
    assert shipped.returncode == 0, shipped.stderr
    assert "warning" not in shipped.stderr


def test_give_aways_are_worded_one_way_or_both_and_cut_short() -> None:
    assert give_away_note("set", [(4, 12)], 20) == (
        "set: question 4 shows the answer to question 12 (too few of the questions to draw from stand apart for 20)"
    )
    assert give_away_note("set", [(7, 2), (2, 7), (4, 12)], 20).startswith(
        "set: questions 2 and 7 show each other's answers; question 4 shows the answer to question 12 ("
    )
    many = give_away_note("set", [(i, i + 1) for i in range(1, 8)], 9, most=3)
    assert many.count("shows the answer") == 3
    assert "; and 4 more such pairs (" in many


def test_give_aways_of_the_shipped_bank_match_reveals() -> None:
    # A set made of a definition's two twins: each asks what the other shows.
    bank = load_context(FACTS).bank
    twins = [q for q in bank if q.id.startswith("hypervisor/") and q.kind in ("term_from_definition", "definition_from_term")]
    assert len(twins) == 2
    expected = sorted((i, j) for i in (1, 2) for j in (1, 2) if i != j and reveals(twins[j - 1], twins[i - 1]))
    assert give_aways(twins) == expected != []


def test_many_sets_with_give_aways_are_named_five_at_most_then_counted(tmp_path: Path) -> None:
    base = build_file_tree(tmp_path / "facts", {"cloud.yaml": ROWS})
    result = run_cardgen("quizset", str(base), "--sets", "8", "--size", "4", "--format", "json", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(_warnings(result.stderr, "quizset")) == [f"quizset-s0-0{n}" for n in range(1, 6)]
    assert "cardgen quizset: warning: and 3 more file(s) like these" in result.stderr.splitlines()
    assert len(list((tmp_path / "out").glob("quizset-*.json"))) == 8
