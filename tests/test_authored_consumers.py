"""The author's choice questions in the real consumers: Anki's backend, Chromium's PDF, a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from anki.collection import Collection

from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.emit.anki import emit_anki
from cardgen.emit.exam import ExamSettings, exam_files, make_exam
from cardgen.factbase.loader import load
from cardgen.review.quiz import items_for
from cardgen.review.store import Store
from cardgen.write import write_output
from tests.conftest import ROOT, build_file_tree, require_program
from tests.test_anki import TEMPLATE_ERRORS, import_apkgs, visible_text
from tests.test_authored import FACTS

pytestmark = pytest.mark.slow


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    return build_file_tree(tmp_path / "facts", {"docker.yaml": FACTS})


def test_anki_imports_choice_cards_with_options_in_front_and_answers_behind(tmp_path: Path, facts: Path) -> None:
    base = load(facts)
    result = emit_anki(Context(base), 1_700_000_000)
    write_output(tmp_path / "dist", result.files, owner="anki")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = import_apkgs(col, tmp_path / "dist")
        assert log["new"] == len(build_cards(base))
        by_key = {col.get_card(cid).note()["Key"]: col.get_card(cid) for cid in col.find_cards("")}
        card = by_key["q-layers/question"]
        front, back = visible_text(card.question()), visible_text(card.answer())
        for side in (front.lower(), back.lower()):
            assert not any(problem in side for problem in TEMPLATE_ERRORS)
        assert "Choose all that apply." in front
        for option in ("RUN", "COPY", "ENV", "EXPOSE"):
            assert option in front
        answer = back[len(front) :] if back.startswith(front) else back
        assert "RUN" in answer and "COPY" in answer
        assert "Only the instructions that change files make a layer." in answer
        fixed = " ".join(visible_text(by_key["q-fixed/question"].question()).split())
        assert fixed.index("A The result of a RUN step") < fixed.index("B A running process") < fixed.index(
            "C None of the above"
        )
    finally:
        col.close()


def test_exam_pdf_prints_the_options_and_the_key_names_every_right_one(tmp_path: Path, facts: Path) -> None:
    browser = require_program("chromium")
    require_program("pdftotext")
    settings = ExamSettings(versions=1, questions=3, seed=4, kinds=("author_multi", "author_choice"))
    exam = make_exam(Context(load(facts)), settings)
    files = exam_files(exam, browser=browser)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    def text(name: str) -> str:
        out = subprocess.run(["pdftotext", "-layout", str(tmp_path / name), "-"], capture_output=True, text=True)
        return " ".join(out.stdout.split())

    paper, key = text("exam-s4-A.pdf"), text("exam-s4-A-key.pdf")
    (item,) = [i for i in exam.versions[0].items if i.style == "multi"]
    assert "Which instructions add a layer to the image? (choose all that apply) [4 points]" in paper
    assert "Choose all that apply: circle the letter of every correct answer." in paper
    for choice in item.choices:
        assert f"{choice.marker} {choice.text}" in paper
    assert item.key.answer in key and item.key.answer not in paper


def test_terminal_quiz_grades_a_multiple_choice_by_every_right_option(tmp_path: Path) -> None:
    question = (
        "lang: en\nquestions:\n  - {id: q, question: Which add a layer?, "
        "choices: [RUN, COPY, ENV, EXPOSE], answer: [RUN, COPY]}\n"
    )
    facts = build_file_tree(tmp_path / "facts", {"q.yaml": question})
    (item,) = items_for(Context(load(facts)), "choice")
    right = [str(n + 1) for n in sorted(item.right_options)]
    state = tmp_path / "state.sqlite3"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
        "TZ": "UTC", "LANG": "C.UTF-8", "CARDGEN_STATE": str(state), "CARDGEN_FUZZ": "0",
        "CARDGEN_NOW": "2024-05-01T09:00:00Z", "NO_COLOR": "1",
    }
    child = pexpect.spawn(sys.executable, ["-m", "cardgen", "quiz", str(facts), "--mode", "choice"],
                          cwd=str(ROOT), env=env, dimensions=(24, 80), encoding="utf-8", timeout=30)
    child.expect_exact("Which add a layer? (choose all that apply)")
    child.expect_exact("Type the numbers of every right answer (1-4)")
    child.expect_exact("> ")
    child.sendline("9")  # no such option: asked again
    child.expect_exact("Give option numbers from 1 to 4, such as 1 3")
    child.sendline(right[0])  # one right option of two is not the answer
    child.expect_exact("graded Again")
    child.expect_exact("Space/Enter: next")
    child.send("\r")
    # The card comes back within the session (its relearning step); now every right option, in any order.
    child.expect_exact("Type the numbers of every right answer (1-4)")
    child.expect_exact("> ")
    child.sendline(f"{right[1]},{right[0]}")
    child.expect_exact("graded Good")
    child.expect_exact("Space/Enter: next")
    child.sendcontrol("d")  # end of input ends the session
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with Store.open(state, readonly=True) as store:
        reviews = [(r.card_key, r.rating.name, r.mode) for r in store.reviews()]
    assert reviews == [(item.key, "Again", "multi"), (item.key, "Good", "multi")]
