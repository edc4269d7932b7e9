"""An English fact base gives English outputs, everywhere, with not one Hangul character.

Everything is built from `tests/english/` and read back the way a student meets it: the
Anki packages imported into the real `anki` backend and every card rendered, the exams
printed to PDF with headless Chromium and read back with `pdftotext`, the quiz sets in
every format, `cardgen questions`, and the terminal quiz through a pseudo-terminal.

`test_the_bank_speaks_english_too` checks the question bank's own wording (its prompts and
explanations) once more, through the exams, quiz sets, question list and the quiz's choice mode.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pexpect
import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from conftest import ROOT, require_program, run_cardgen

from cardgen.context import Context, load_context
from cardgen.emit.anki import emit_anki
from cardgen.emit.exam import ExamSettings, exam_files, make_exam
from cardgen.emit.listing import questions_json, questions_markdown
from cardgen.emit.quizset import FORMATS, quizset_files

ENGLISH = ROOT / "tests" / "english"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uffa0-\uffdc]")
T0 = "2024-05-01T09:00:00Z"

pytestmark = pytest.mark.slow  # Anki, Chromium, pdftotext and a pseudo-terminal


def hangul_in(name: str, text: str) -> list[str]:
    """Each line of TEXT with Hangul in it, named after where it came from."""
    return [f"{name}: {line.strip()}" for line in text.splitlines() if HANGUL.search(line)]


def anki_texts(context: Context, folder: Path) -> dict[str, str]:
    """Every card of every package as Anki renders it, after a real import."""
    result = emit_anki(context, timestamp=1_700_000_000)
    folder.mkdir(parents=True)
    col = Collection(str(folder / "collection.anki2"))
    texts = {}
    try:
        for name, data in result.files.items():
            (folder / name).write_bytes(data)
            col.import_anki_package(
                ImportAnkiPackageRequest(package_path=str(folder / name), options=ImportAnkiPackageOptions())
            )
        assert len(col.find_cards("")) == len(context.cards) > 90
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            visible = re.sub(r"<style>.*?</style>", "", card.question() + "\n" + card.answer(), flags=re.S)
            texts[f"anki {card.note()['Key']}"] = html.unescape(re.sub(r"<[^>]+>", "\n", visible))
        texts["anki decks"] = "\n".join(d.name for d in col.decks.all_names_and_ids())
        texts["anki files"] = "\n".join(result.files)
    finally:
        col.close()
    return texts


def exam_texts(context: Context, folder: Path, *, pdf: bool) -> dict[str, str]:
    settings = ExamSettings(versions=2, questions=30, seed=3, source="tests/english")
    browser = require_program("chromium") if pdf else None
    files = exam_files(make_exam(context, settings), browser=browser)
    texts = {}
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
        if name.endswith(".pdf"):
            pdftotext = require_program("pdftotext")
            out = subprocess.run([pdftotext, "-layout", str(folder / name), "-"], capture_output=True, check=True)
            texts[f"exam {name}"] = out.stdout.decode("utf-8")
        else:
            texts[f"exam {name}"] = data.decode("utf-8")
    return texts


def quizset_texts(context: Context) -> dict[str, str]:
    files = quizset_files(context, formats=FORMATS, sets=2, size=25, seed=1)
    return {f"quizset {name}": data.decode("utf-8-sig") for name, data in files.items()}


def listing_texts(context: Context) -> dict[str, str]:
    return {"questions md": questions_markdown(context), "questions json": questions_json(context)}


def spawn(state: Path, *args: str) -> pexpect.spawn:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "TZ": "UTC",
           "LANG": "C.UTF-8", "CARDGEN_STATE": str(state), "CARDGEN_FUZZ": "0", "CARDGEN_NOW": T0}
    return pexpect.spawn(__import__("sys").executable, ["-m", "cardgen", "quiz", str(ENGLISH), *args], cwd=str(ROOT),
                         env=env, dimensions=(24, 80), encoding="utf-8", timeout=30)


def terminal_texts(tmp_path: Path) -> dict[str, str]:
    """A flash session (three cards, then undo and quit), a typed one, and the stats, all in colour on a pty."""
    state = tmp_path / "state.sqlite3"
    transcript = []
    child = spawn(state, "--mode", "flash")
    for grade in "314":
        child.expect_exact("Space/Enter: show answer")
        child.send(" ")
        child.expect_exact("Space/Enter: Good")
        child.send(grade)
    child.expect_exact("Space/Enter: show answer")
    child.send("u")
    child.expect_exact("Undone:")
    child.send("q")
    child.expect_exact("Session stopped.")
    child.expect(pexpect.EOF)
    transcript.append(child.before)
    child = spawn(state, "--mode", "typed")
    child.expect_exact("> ")
    child.sendline("no such term")
    child.expect_exact("Not quite.")
    child.send("2")
    child.expect_exact("grade changed to Hard")
    child.send(" ")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("Session interrupted.")
    child.expect(pexpect.EOF)
    transcript.append(child.before)
    child = spawn(state, "--stats")
    child.expect(pexpect.EOF)
    transcript.append(child.before)
    text = "\n".join(transcript)
    assert "review statistics" in text or "cards:" in text
    return {"terminal quiz": text}


def test_everything_is_english(tmp_path: Path) -> None:
    require_program("chromium")
    context = load_context(ENGLISH)
    texts = {
        **anki_texts(context, tmp_path / "anki"),
        **exam_texts(context, tmp_path / "exams", pdf=True),
        **quizset_texts(context),
        **listing_texts(context),
        **terminal_texts(tmp_path),
    }
    assert sum(name.endswith(".pdf") for name in texts) == 4
    found = [line for name, text in texts.items() for line in hangul_in(name, text)]
    assert not found, "\n".join(found[:40])
    # English that reads as English: markers, articles and plurals, the page's language.
    paper = texts["exam exam-s3-A.html"]
    assert '<html lang="en">' in paper and "Version A" in paper and "Instructions" in paper
    assert re.search(r'<span class="marker">A</span>', paper)
    assert re.search(r'<span class="box">True</span><span class="box">False</span>', paper)
    assert re.search(r"\b1 point\b", paper) and re.search(r"\b2 points\b", paper)
    assert "Answer key" in texts["exam exam-s3-A-key.pdf"] and "Answer grid" in texts["exam exam-s3-A-key.pdf"]
    assert "(cloud.yaml)" in texts["exam exam-s3-A-key.pdf"]
    # On the printed page the boxes hold whole words: "True  False" on one line, not "Fals" / "e".
    assert re.search(r"^\s*True\s+False\s*$", texts["exam exam-s3-A.pdf"], re.M)
    assert any("Name its 2 advantages" in text for name, text in texts.items() if name.startswith("anki"))
    assert "# Quiz set 1 of 2" in texts["quizset quizset-s1-01.md"]
    assert json.loads(texts["quizset quizset-s1-01.json"])["questions"]


def test_the_bank_speaks_english_too(tmp_path: Path) -> None:
    context = load_context(ENGLISH)
    texts = {**exam_texts(context, tmp_path / "exams", pdf=False), **quizset_texts(context), **listing_texts(context)}
    choice = run_cardgen("quiz", str(ENGLISH), "--mode", "choice", "--cram", "--limit", "5", input="1\n\n" * 5,
                         env={"CARDGEN_STATE": str(tmp_path / "s.sqlite3"), "CARDGEN_NOW": T0})
    texts["terminal quiz, choice mode"] = choice.stdout
    found = [line for name, text in texts.items() for line in hangul_in(name, text)]
    assert not found, "\n".join(found[:40])


def test_the_shipped_korean_facts_keep_korean_chrome(tmp_path: Path) -> None:
    context = load_context(ROOT / "facts")
    exams = exam_texts(context, tmp_path / "exams", pdf=False)
    paper, key = exams["exam exam-s3-A.html"], exams["exam exam-s3-A-key.html"]
    assert '<html lang="ko">' in paper and "A형" in paper and "유의 사항" in paper and "정답 및 해설" in key
    assert "정답표" in key and "풀이" in key and "의 장단점" in key
    assert '<span class="box">O</span><span class="box">X</span>' in paper and '<span class="marker">①</span>' in paper
    markdown = quizset_texts(context)["quizset quizset-s1-01.md"]
    answers = quizset_texts(context)["quizset quizset-s1-01-answers.md"]
    assert markdown.startswith("# 퀴즈 세트 1 / 2") and answers.startswith("# 퀴즈 세트 1 / 2 · 정답과 해설")
    assert "English" not in markdown and "Quiz set" not in markdown
    cards = context.cards
    assert {c.prompt for c in cards if c.kind == "definition.forward"} == {"뜻은?"}
    listing = listing_texts(context)["questions md"]
    assert listing.startswith("# 문항 ") and "정답: " in listing
