"""Comparisons: a table of concepts against attributes, its cards, its questions and how each output draws it.

The worked example is tests/topics/cloud-models.yaml (IaaS, PaaS and SaaS); each rule is
also proved on a small table made for it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pexpect
import pytest

from cardgen.bank.generate import generate_bank
from cardgen.bank.question import Choice, Matching, TrueFalse, compared
from cardgen.bank.sample import quiz_sets, reveals
from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.emit.anki import Renderer
from cardgen.emit.exam import ExamSettings, exam_files, make_exam
from cardgen.emit.quizset import make_quizsets, to_csv, to_json
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase
from cardgen.present import text_width
from tests.conftest import ROOT, build_file_tree, require_program
from tests.oracle import Oracle

CLOUD = ROOT / "tests" / "topics" / "cloud-models.yaml"

# Four concepts, so a value two of them share still leaves a question with three options.
SHARED = """\
    deck: t
    lang: en
    definitions:
      - {id: a, term: Alpha, definition: the first thing}
      - {id: b, term: Beta, definition: the second thing}
      - {id: c, term: Gamma, definition: the third thing}
      - {id: d, term: Delta, definition: the fourth thing}
    comparisons:
      - id: t
        title: Four things
        concepts: [a, b, c, d]
        rows:
          - attribute: Colour
            values: {a: red, b: red, c: green, d: blue}
          - attribute: Size
            values: {a: small, b: large, c: "—", d: medium}
          - attribute: Weight
            values: {a: light, b: light, c: light, d: light}
          - attribute: Taste
            values: {a: sweet, b: sour, c: bitter, d: salty}
    """


def base_of(tmp_path: Path, text: str) -> FactBase:
    return load(build_file_tree(tmp_path / "facts", {"f.yaml": textwrap.dedent(text)}))


def statement(q: TrueFalse) -> str:
    return q.prompt.split("\n", 1)[1]


# --- cards ---------------------------------------------------------------------------------


def test_cards_ask_each_cell_and_row_worth_asking(tmp_path: Path) -> None:
    cards = {card.kind: card for card in build_cards(base_of(tmp_path, SHARED)) if card.fact_id == "t"}
    # Weight is 'light' for all: no card. Gamma's size is not given: never asked.
    assert not [k for k in cards if k.startswith(("comparison.cell.3.", "comparison.row.3"))]
    assert "comparison.cell.2.c" not in cards and "comparison.cell.2.a" in cards
    assert sorted(k for k in cards if k.startswith("comparison.row")) == [
        "comparison.row.1", "comparison.row.2", "comparison.row.4"]
    # A value two concepts share is still one answer: the card names the concept, and says who shares it.
    red = cards["comparison.cell.1.a"]
    assert red.subject == "Alpha" and red.prompt == "Colour?" and red.answer == "red"
    assert red.details == ("The same for Beta",)
    assert not re.search(r"\b(Beta|red)\b", red.front)
    assert cards["comparison.cell.1.c"].details == ()


def test_the_back_draws_an_aligned_table_with_the_asked_cell_marked(tmp_path: Path) -> None:
    korean = SHARED.replace("lang: en", "lang: ko").replace("Colour", "색깔").replace("green", "초록")
    cards = {card.kind: card for card in build_cards(base_of(tmp_path, korean)) if card.fact_id == "t"}
    cell = cards["comparison.cell.1.c"].back.splitlines()
    table = cell[1:]
    assert cell[0] == "초록"
    assert len(table) == 3  # head, rule, the asked row alone
    assert table[2].split("|")[3].strip() == "초록 ◀"
    # Every column rule lands on the same terminal column, Hangul counted two wide.
    columns = {tuple(text_width(line[: i]) for i, ch in enumerate(line) if ch in "|+") for line in table}
    assert len(columns) == 1, table
    whole = cards["comparison.row.4"].back.splitlines()
    assert len(whole) == 2 + 4  # the whole table
    assert whole[-1].count("◀") == 4 and sum(line.count("◀") for line in whole) == 4


def test_long_values_wrap_in_their_cells_so_the_table_fits_a_terminal() -> None:
    cards = {card.kind: card for card in build_cards(load(CLOUD))}
    table = cards["comparison.row.4"].back.splitlines()
    assert max(map(text_width, table)) <= 80
    columns = {tuple(text_width(line[:i]) for i, ch in enumerate(line) if ch in "|+") for line in table}
    assert len(columns) == 1, table
    # A wrapped cell reads on, line by line, in its own column; rules part the rows.
    billed = next(i for i, line in enumerate(table) if line.startswith("What the "))
    iaas = " ".join(line.split("|")[1].strip() for line in table[billed : billed + 3])
    assert iaas == "virtual machines and storage by the hour ◀"
    assert table[billed - 1].startswith("---")


# --- questions ------------------------------------------------------------------------------


def test_which_never_offers_a_concept_that_shares_the_key(tmp_path: Path) -> None:
    base = base_of(tmp_path, SHARED)
    oracle = Oracle(base)
    bank, _ = generate_bank(base)
    which = {q.id: q for q in bank if isinstance(q, Choice) and q.kind == "compare_which"}
    # Red: Alpha and Beta share it, so neither can be asked with the other as a wrong option;
    # green asks Gamma against Alpha, Beta and Delta.
    assert "t/compare_which/1.a" not in which or "Beta" not in which["t/compare_which/1.a"].options
    assert which["t/compare_which/1.c"].options == ("Alpha", "Beta", "Delta", "Gamma")
    # Size: Gamma's cell is empty, so it is never a wrong option.
    assert all("Gamma" not in q.options for i, q in which.items() if i.startswith("t/compare_which/2."))
    assert not [i for i in which if i.startswith("t/compare_which/3.")]
    for q in which.values():
        assert oracle.right_options(q) == {q.answer}, q.id


def test_false_statements_take_a_value_the_table_gives_another_concept(tmp_path: Path) -> None:
    base = base_of(tmp_path, SHARED)
    oracle = Oracle(base)
    bank, _ = generate_bank(base)
    made = [q for q in bank if isinstance(q, TrueFalse)]
    assert {q.answer for q in made} == {True, False}
    for q in made:
        assert oracle.ox_is_true(q) is q.answer, q.id
        assert "—" not in statement(q) and not statement(q).startswith("Weight")
    # Alpha is red: 'Colour: red' is never stated false of Beta.
    beta = [q for q in made if "Beta" in q.prompt.split("\n")[0] and statement(q) == "Colour: red"]
    assert beta and all(q.answer for q in beta)


def test_matching_only_a_row_whose_values_all_differ(tmp_path: Path) -> None:
    base = base_of(tmp_path, SHARED)
    oracle = Oracle(base)
    matching = [q for q in generate_bank(base)[0] if isinstance(q, Matching) and q.kind == "compare_match"]
    assert [q.id for q in matching] == ["t/compare_match/4"]
    (q,) = matching
    assert dict(q.pairs) == {"Alpha": "sweet", "Beta": "sour", "Gamma": "bitter", "Delta": "salty"}
    assert oracle.matching_is_right(q)


def test_a_value_that_names_a_concept_leaves_its_items_out(tmp_path: Path) -> None:
    text = SHARED.replace("d: salty", "d: salty like Delta")
    base = base_of(tmp_path, text)
    bank, dropped = generate_bank(base)
    gone = {d.id: d.reason for d in dropped}
    assert gone["t/compare_match/4"] == "a value names a concept of the table"
    assert gone["t/compare_ox/4.d"] == "a value names a concept of the table"
    assert not [q for q in bank if "like Delta" in q.prompt]
    # Its own cell card is kept: it names the concept on the front anyway.
    assert any(card.kind == "comparison.cell.4.d" for card in build_cards(base))


def test_two_questions_about_one_row_never_share_a_set() -> None:
    base = load(CLOUD)
    bank, _ = generate_bank(base)
    asked = [q for q in bank if compared(q) is not None]
    row_of = {q.id: compared(q)[1][0][0] for q in asked}  # type: ignore[index]
    a, b = [q for q in asked if row_of[q.id] == 0][:2]
    assert reveals(a, b) and reveals(b, a)
    other = next(q for q in asked if row_of[q.id] == 1)
    assert not reveals(a, other)
    rows = len({row for row in row_of.values()})
    for seed in range(10):
        (qs,) = quiz_sets(asked, sets=1, size=rows, seed=seed)
        assert len({row_of[q.id] for q in qs}) == rows, seed


def test_the_oracle_catches_a_flipped_key() -> None:
    base = load(CLOUD)
    oracle = Oracle(base)
    bank, _ = generate_bank(base)
    statements = [q for q in bank if isinstance(q, TrueFalse) and q.kind == "compare_ox"]
    assert statements
    for q in statements:
        flipped = TrueFalse(id=q.id, kind=q.kind, prompt=q.prompt, answer=not q.answer, facts=q.facts)
        assert oracle.ox_is_true(flipped) is not flipped.answer
    which = next(q for q in bank if isinstance(q, Choice) and q.kind == "compare_which")
    assert len(oracle.right_options(which)) == 1


def test_the_worked_example_makes_every_kind() -> None:
    base = load(CLOUD)
    bank, _ = generate_bank(base)
    kinds = {q.kind for q in bank}
    assert {"compare_which", "compare_match", "compare_ox"} <= kinds
    families = {card.family for card in build_cards(base)}
    assert {"comparison.cell", "comparison.row"} <= families


# --- outputs ----------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """The <table> elements of a page: rows of (tag, classes, text) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str, str]]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = [tag, dict(attrs).get("class") or "", ""]

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append((self.cell[0], self.cell[1], self.cell[2].strip()))
            self.cell = None


def tables_in(page: str) -> list[list[list[tuple[str, str, str]]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def test_an_anki_back_holds_a_table_with_the_asked_cell_marked() -> None:
    cards = [card for card in build_cards(load(CLOUD)) if card.kind == "comparison.cell.1.iaas"]
    ((_key, _front, back, *_),) = Renderer().fields(cards)
    (table,) = tables_in(back)
    head, row = table
    assert [text for _, _, text in head] == ["", "IaaS", "PaaS", "SaaS"]
    assert row[0] == ("th", "", "Who manages the operating system")
    assert [(cls, text) for _, cls, text in row[1:]] == [
        ("cg-marked", "the customer"), ("", "the provider"), ("", "the provider")]


@pytest.mark.slow
def test_anki_imports_comparison_cards_and_renders_the_table(tmp_path: Path) -> None:
    from anki.collection import Collection  # the real Anki backend

    from tests.test_anki import TEMPLATE_ERRORS, import_apkgs, notes_by_key, visible_text, write_anki

    base = load(CLOUD)
    write_anki(base, tmp_path / "dist", timestamp=1_700_000_000)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkgs(col, tmp_path / "dist")
        note = notes_by_key(col)["cloud-models-compared/comparison.row.5"]
        rendered = note.cards()[0].answer()
        assert not [e for e in TEMPLATE_ERRORS if e in visible_text(rendered).lower()]
        (table,) = tables_in(rendered)
        marked = [text for row in table for _, cls, text in row if cls == "cg-marked"]
        assert marked == ["everything from the operating system up", "just the application and its data",
                          "only the settings it offers"]
    finally:
        col.close()


def test_the_exam_key_draws_the_asked_row_and_the_paper_never(tmp_path: Path) -> None:
    context = Context(load(CLOUD))
    settings = ExamSettings(questions=6, versions=1, seed=3, kinds=("compare_which", "compare_ox", "compare_match"))
    files = exam_files(make_exam(context, settings))
    paper = files["exam-s3-A.html"].decode()
    key = files["exam-s3-A-key.html"].decode()
    assert not [t for t in tables_in(paper) if any(c[2] == "IaaS" for r in t for c in r)]
    drawn = [t for t in tables_in(key) if t and [c[2] for c in t[0]] == ["", "IaaS", "PaaS", "SaaS"]]
    assert len(drawn) == 6
    assert all(any(c[1] == "marked" for r in t for c in r) for t in drawn)


@pytest.mark.slow
def test_a_comparison_table_is_visible_in_the_printed_key(tmp_path: Path) -> None:
    browser = require_program("chromium")
    require_program("pdftotext")
    context = Context(load(CLOUD))
    settings = ExamSettings(questions=4, versions=1, seed=5, kinds=("compare_which",))
    files = exam_files(make_exam(context, settings), browser=browser)
    pdf = tmp_path / "key.pdf"
    pdf.write_bytes(files["exam-s5-A-key.pdf"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    head = [line for line in text.splitlines() if re.search(r"IaaS\s+PaaS\s+SaaS\s*$", line)]
    assert len(head) == 4, text
    # The row under each head: the attribute, then the three values, side by side on one line.
    assert re.search(r"Who manages the operating system\s+the customer\s+the provider\s+the provider", text), text


@pytest.mark.slow
def test_the_terminal_quiz_shows_the_table_aligned(tmp_path: Path) -> None:
    korean = build_file_tree(tmp_path / "facts", {"f.yaml": textwrap.dedent(SHARED).replace("lang: en", "lang: ko")
                                                  .replace("Colour", "색깔").replace("green", "초록")})
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "TZ": "UTC",
           "LANG": "C.UTF-8", "CARDGEN_STATE": str(tmp_path / "s.sqlite3"), "CARDGEN_FUZZ": "0", "NO_COLOR": "1",
           "CARDGEN_NOW": "2024-05-01T09:00:00Z"}
    child = pexpect.spawn(sys.executable, ["-m", "cardgen", "quiz", str(korean), "--mode", "flash", "--new", "40"],
                          cwd=str(ROOT), env=env, dimensions=(40, 120), encoding="utf-8", timeout=30)
    seen = ""
    for _ in range(40):
        child.expect_exact("Space/Enter: 정답")
        child.send(" ")
        child.expect_exact("Space/Enter: 좋음")
        seen = child.before
        if "초록 ◀" in seen:
            break
        child.send("3")
    lines = [html.unescape(line.rstrip()) for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen).splitlines()]
    table = [line for line in lines if line.count("|") == 4 or line.count("+") == 4]
    assert len(table) >= 3 and any("초록 ◀" in line for line in table), lines
    columns = {tuple(text_width(line[:i]) for i, ch in enumerate(line) if ch in "|+") for line in table}
    assert len(columns) == 1, table
    child.send("q")
    child.expect(pexpect.EOF)


def test_the_readme_example_is_a_valid_comparison(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"### Comparisons\n.*?```yaml\n(.*?)```", readme, re.S)
    assert example, "the README lost its comparison example"
    topic = CLOUD.read_text(encoding="utf-8").split("comparisons:")[0]
    base = load(build_file_tree(tmp_path / "facts", {"cloud.yaml": topic + example.group(1)}))
    (table,) = base.comparisons
    assert table.concepts == ("iaas", "paas", "saas") and len(table.rows) == 3
    assert not table.rows[2].values[2].known


def test_quiz_sets_of_comparison_items_follow_the_quiz_set_schema() -> None:
    from tests.test_quizset import VALIDATOR

    bank, _ = generate_bank(load(CLOUD))
    asked = [q for q in bank if compared(q) is not None]
    qs = make_quizsets(asked, size=len(asked), seed=2)[0]
    doc = json.loads(to_json(qs))
    VALIDATOR.validate(doc)
    assert {q["kind"] for q in doc["questions"]} == {"compare_which", "compare_match", "compare_ox"}
    rows = list(csv.reader(io.StringIO(to_csv(qs).decode("utf-8-sig"))))
    assert len(rows) == 1 + len(asked)
