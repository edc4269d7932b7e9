"""One fact base that uses every section of the format, built as a user builds it.

`tests/showcase/cardgen.yaml` lists five files of three topics (a comparison table, a
process, layers with notes, a symbolic count and bands, code, bold, formulas and images,
taxonomy groups and the author's single and multiple choice questions). Each output is
checked by its real consumer: Anki's own importer and renderer, Chromium's print and
poppler's readers, Python's JSON Schema and CSV readers, and a pseudo-terminal.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from anki.collection import Collection

from cardgen.bank.generate import build_bank
from cardgen.factbase.kinds import KINDS
from cardgen.factbase.loader import load
from conftest import ROOT, require_program, run_cardgen
from test_anki import TEMPLATE_ERRORS, import_apkgs, visible_text

pytestmark = pytest.mark.slow

SHOWCASE = ROOT / "tests" / "showcase"
ENV = {"SOURCE_DATE_EPOCH": "1700000000"}


def test_the_showcase_uses_every_section_of_the_format() -> None:
    base = load(SHOWCASE)
    assert all(getattr(base, kind.attribute) for kind in KINDS), [k.section for k in KINDS if not getattr(base, k.attribute)]
    layers = [layer for stack in base.stacks for layer in stack.layers]
    assert any(layer.note for layer in layers) and any(isinstance(layer.count, str) for layer in layers)
    assert any(stack.bands for stack in base.stacks) and any(layer.image for layer in layers)
    stats = run_cardgen("stats", str(SHOWCASE)).stdout
    for label in ("processes", "comparisons", "stack bands", "layer notes", "layer images", "definition images",
                  "question images", "taxonomy groups", "choice questions"):
        assert re.search(rf"^  {label} +[1-9]", stats, re.MULTILINE), (label, stats)
    kinds = {q.kind for q in build_bank(base)}
    assert {"author_choice", "author_multi", "group_member", "process_next", "compare_which"} <= kinds


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("showcase") / "dist"
    result = run_cardgen("build", str(SHOWCASE), "-o", str(out), env=ENV)
    assert result.returncode == 0, result.stderr
    return out


def test_anki_imports_every_deck_renders_every_card_and_holds_the_images(built: Path, tmp_path: Path) -> None:
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = import_apkgs(col, built)
        assert log["new"] > 0 and log["conflicting"] == 0
        answers = []
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            front, back = card.question(), card.answer()
            for side in (visible_text(front).lower(), visible_text(back).lower()):
                assert not any(problem in side for problem in TEMPLATE_ERRORS), card.note()["Key"]
            answers.append(back)
        check = col.media.check()
        assert not check.missing and not check.unused
        media = sorted(p.suffix for p in Path(col.media.dir()).iterdir())
        assert ".png" in media and ".svg" in media
        assert any('<table class="cg-table">' in a for a in answers)  # a comparison card
        assert any('class="cg-flow' in a for a in answers)  # a process card
        assert any("<code" in a for a in answers) and any("\\(" in a for a in answers)  # code, a formula
        assert any("<img" in a for a in answers)
    finally:
        col.close()


def test_the_exam_prints_flows_code_formulas_images_and_the_key_prints_tables(tmp_path: Path) -> None:
    require_program("chromium")
    for program in ("pdftotext", "pdffonts", "pdfimages"):
        require_program(program)
    kinds = "process_next,process_previous,author_choice,author_multi,author,compare_which"
    count = sum(q.kind in kinds.split(",") for q in build_bank(load(SHOWCASE)))
    result = run_cardgen("exam", str(SHOWCASE), "--kinds", kinds, "--questions", str(count), "--versions", "1",
                         "--seed", "0", "--pdf", "-o", str(tmp_path), env=ENV, timeout=300)
    assert result.returncode == 0, result.stderr
    paper, key = tmp_path / "exam-s0-A.pdf", tmp_path / "exam-s0-A-key.pdf"

    def text(pdf: Path, *flags: str) -> str:
        return subprocess.run(["pdftotext", *flags, str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    printed = text(paper, "-raw")
    assert "↓" in printed  # a process drawn as a flow
    assert "FROM python:3.12-slim\nCOPY app.py /app/\nRUN pip install flask" in re.sub(r" +", " ", printed)
    assert "Mono" in subprocess.run(["pdffonts", str(paper)], capture_output=True, text=True, check=True).stdout
    assert "\U0001d45b" in printed and "\U0001d458" in printed  # $n$ and $k$ drawn as MathML
    images = subprocess.run(["pdfimages", "-list", str(paper)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3, images
    # The worked answers draw the asked row of the comparison table, its cells side by side.
    laid_out = text(key, "-layout")
    assert re.search(r"IaaS\s+PaaS\s+SaaS", laid_out), laid_out
    assert "Answer" in laid_out and "IaaS" in text(paper, "-raw")


def test_quiz_sets_validate_and_read_back(tmp_path: Path) -> None:
    result = run_cardgen("quizset", str(SHOWCASE), "--sets", "2", "--size", "25", "--seed", "3",
                         "--format", "json", "--format", "csv", "--format", "tsv", "--format", "md", "-o", str(tmp_path), env=ENV)
    assert result.returncode == 0, result.stderr
    schema = json.loads((ROOT / "cardgen" / "schema" / "quizset.schema.json").read_text(encoding="utf-8"))
    for n in (1, 2):
        doc = json.loads((tmp_path / f"quizset-s3-0{n}.json").read_text(encoding="utf-8"))
        jsonschema.validate(doc, schema)
        rows = list(csv.reader(io.StringIO((tmp_path / f"quizset-s3-0{n}.csv").read_text(encoding="utf-8-sig"))))
        assert len(rows) == 26 and len({len(row) for row in rows}) == 1
        tsv = (tmp_path / f"quizset-s3-0{n}.tsv").read_text(encoding="utf-8").splitlines()
        assert len(tsv) == 25 and all(line.count("\t") == 1 for line in tsv)
        student = (tmp_path / f"quizset-s3-0{n}.md").read_text(encoding="utf-8")
        answers = (tmp_path / f"quizset-s3-0{n}-answers.md").read_text(encoding="utf-8")
        assert "$" not in "".join(row[1] for row in rows[1:])  # formulas are plain text in CSV
        assert student and answers


def review(state: Path, *args: str, cards: int) -> str:
    """Every screen of a flash session of CARDS cards, each answered Good, as one transcript."""
    import pexpect

    from test_quiz_pty import finish, spawn

    child = spawn(state, datetime(2024, 5, 1, 9, tzinfo=timezone.utc), str(SHOWCASE), "--mode", "flash", *args)
    shown = []
    for _ in range(cards):
        child.expect_exact("Space/Enter: show")
        shown.append(child.before)
        child.send(" ")
        child.expect_exact("1 Again")
        shown.append(child.before)
        child.send("3")
    child.send("q")
    child.expect(pexpect.EOF)
    assert finish(child) == 0
    return "\n".join(shown)


def test_the_terminal_quiz_draws_steps_tables_and_names_images(tmp_path: Path) -> None:
    import sqlite3

    state = tmp_path / "state.sqlite3"
    process = review(state, "--tags", "serverless", cards=3)
    assert "↓" in process and "?" in process  # a step asked inside the drawn flow
    docker = review(state, "--tags", "Dockerfile", "--new", "60", cards=25)
    assert "[image: cache-hit.svg]" in docker  # the definition's figure, named
    cloud = review(state, "--tags", "cloud", "--new", "90", cards=60)
    # A comparison card's back: the table's header, its rule and the asked cell marked.
    assert re.search(r"\| IaaS +\| PaaS +\| SaaS\n-+\+-+\+-+\+-+\n.*◀", cloud.replace("\r", ""))
    with sqlite3.connect(state) as db:
        assert db.execute("select count(*) from review").fetchone()[0] == 3 + 25 + 60
