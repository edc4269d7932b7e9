"""Quiz sets on disk: JSON against its schema, Markdown through a CommonMark parser, CSV
through the csv reader, and the `cardgen quizset` command as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cardgen.bank.generate import build_bank
from cardgen.factbase.loader import load
from cardgen.bank.question import Choice, FillIn, Matching, Ordering, TrueFalse
from cardgen.emit.quizset import (
    QuizSet,
    make_quizsets,
    md,
    option_lines,
    to_csv,
    to_json,
    to_markdown,
    to_markdown_answers,
    to_tsv,
)
from cardgen.present import answer_text, markers
from tests.conftest import FACTS, ROOT, build_file_tree, run_cardgen
from tests.test_bank import OSI_YAML

SHIPPED = load(FACTS)
SHIPPED_BANK = build_bank(SHIPPED)
SCHEMA = json.loads((ROOT / "cardgen" / "schema" / "quizset.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_valid_and_strict() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    doc = json.loads(to_json(make_quizsets(SHIPPED_BANK, size=5, seed=1)[0]))
    VALIDATOR.validate(doc)
    bad = json.loads(json.dumps(doc))
    choice = next(q for q in bad["questions"] if q["style"] == "choice")
    choice["answer"] = "①"
    assert list(VALIDATOR.iter_errors(bad)), "a choice answer must be an index"
    bad = json.loads(json.dumps(doc))
    bad["questions"][0]["surprise"] = 1
    assert list(VALIDATOR.iter_errors(bad)), "unknown keys must be rejected"


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10**9), size=st.integers(1, 60))
def test_every_json_set_validates(seed, size) -> None:
    for qs in make_quizsets(SHIPPED_BANK, sets=2, size=size, seed=seed):
        doc = json.loads(to_json(qs).decode("utf-8"))
        VALIDATOR.validate(doc)
        assert doc["size"] == size == len(doc["questions"])
        assert [q["number"] for q in doc["questions"]] == list(range(1, size + 1))


def test_json_round_trips_the_questions(tmp_path) -> None:
    qs = make_quizsets(SHIPPED_BANK, size=len(SHIPPED_BANK), seed=3)[0]  # the whole bank, every kind
    doc = json.loads(to_json(qs))
    VALIDATOR.validate(doc)
    assert {q["kind"] for q in doc["questions"]} == {q.kind for q in build_bank(SHIPPED)}
    for q, out in zip(qs.questions, doc["questions"]):
        assert out["id"] == q.id and out["prompt"] == q.prompt and out["style"] == q.style
        match q:
            case Choice():
                assert tuple(out["options"]) == q.options and out["answer"] == q.answer
            case TrueFalse():
                assert out["options"] == ["O", "X"] and out["answer"] == (0 if q.answer else 1)
            case Matching():
                assert tuple(out["options"]) == q.definitions
                assert [tuple(p) for p in out["answer"]] == list(q.pairs)
            case Ordering():
                assert tuple(out["options"]) == q.pieces and tuple(out["answer"]) == q.answer
            case _:
                assert out["options"] == [] and out["answer"] == q.answer
        if isinstance(q, (Choice, FillIn)) and q.stack is not None:
            assert [layer["name"] for layer in out["stack"]["layers"]] == [layer.name for layer in q.stack.layers]


def test_osi_sets_validate(tmp_path) -> None:
    base = load(build_file_tree(tmp_path, {"osi.yaml": OSI_YAML}))
    for qs in make_quizsets(build_bank(base), sets=3, size=20, seed=8):
        VALIDATOR.validate(json.loads(to_json(qs)))


# --- Markdown -----------------------------------------------------------------------------------

def parse(markdown: str):
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def option_blocks(tokens) -> list[list[str]]:
    """The option blocks of a parsed students' file: each paragraph of several lines (hard line
    breaks) as its lines, read as text; any inline markup fails."""
    blocks = []
    for i, t in enumerate(tokens):
        if t.type == "inline" and tokens[i - 1].type == "paragraph_open":
            kinds = [child.type for child in t.children]
            if "hardbreak" in kinds:
                lines, line = [], []
                for child in t.children:
                    assert child.type in ("text", "text_special", "hardbreak"), (child.type, t.content)
                    if child.type == "hardbreak":
                        lines.append("".join(line))
                        line = []
                    else:
                        line.append(child.content)
                blocks.append([*lines, "".join(line)])
    return blocks


def test_markdown_students_copy_has_one_marker_per_option_and_no_answer() -> None:
    qs = make_quizsets(SHIPPED_BANK, size=40, seed=3)[0]  # a set with fill-ins, whose words must stay hidden
    text = to_markdown(qs).decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    tokens = parse(text)
    # Options are lines, not list items: no bullet before the marker.
    assert not [t for t in tokens if t.type in ("bullet_list_open", "ordered_list_open")]
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "정답" not in text and "해설" not in text and "<hr" not in html
    marks = markers("ko")
    wanted = []
    for n, q in enumerate(qs.questions, 1):
        assert f"**{n}.** " in text
        if isinstance(q, Matching):
            wanted.append([f"{marks.number(i)} {term}" for i, term in enumerate(q.terms)])
        if isinstance(q, Choice):
            wanted.append([f"{'①②③④'[i]} {option}" for i, option in enumerate(q.options)])
        elif isinstance(q, (Ordering, Matching)):
            wanted.append([f"{marks.item(i)} {o}" for i, o in enumerate(q.pieces if isinstance(q, Ordering) else q.definitions)])
        if isinstance(q, (Choice, FillIn)) and q.stack is not None:
            assert "<th style=\"text-align:center\">구조 (위 → 아래)</th>" in html
        if q.explanation:
            assert q.explanation.split("\n")[0] not in text or q.explanation.split("\n")[0] in q.prompt
    blocks = option_blocks(tokens)
    assert blocks == wanted
    for block in blocks:  # one marker a line, and only at its start
        for line in block:
            marker, rest = line.split(" ", 1)
            assert not any(m in rest for m in ("①", "②", "③", "④")), line
    # A fill-in's word is not in the file, unless another question shows it (as an option, say).
    shown = " ".join(q.prompt + " ".join(option_lines(q, marks)) for q in qs.questions)
    fills = [q for q in qs.questions if isinstance(q, FillIn)]
    assert fills and all(q.answer not in text for q in fills if q.answer not in shown)


def test_markdown_answers_file_holds_every_answer_by_number() -> None:
    qs = make_quizsets(SHIPPED_BANK, size=40, seed=2)[0]
    answers = to_markdown_answers(qs).decode("utf-8")
    assert answers.startswith("# 퀴즈 세트 1 / 1 · 정답과 해설\n")
    tokens = parse(answers)
    items = [t for t in tokens if t.type == "list_item_open" and t.level == 1]
    assert len(items) == len(qs.questions)  # one answer per question, in one ordered list
    assert tokens[[t.type for t in tokens].index("ordered_list_open")].attrGet("start") is None  # starts at 1
    for q in qs.questions:
        assert md(answer_text(q, markers("ko"))) in answers
        assert q.prompt.split("\n")[0] not in answers  # the questions stay in the students' copy


def test_quizset_files_write_the_answers_beside_the_questions(tmp_path) -> None:
    result = run_cardgen("quizset", str(FACTS), "--sets", "2", "--size", "5", "--format", "md", "--format", "tsv",
                         "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(Path(p).name for p in result.stdout.split()) == [
        f"quizset-s0-0{n}{end}" for n in (1, 2) for end in ("-answers.md", ".md", ".tsv")]
    # A rerun with fewer sets removes the answers and cards of the set it no longer makes, and no file of the user's.
    (tmp_path / "quizset-s0-03-answers.md").write_text("mine", encoding="utf-8")
    result = run_cardgen("quizset", str(FACTS), "--sets", "1", "--size", "5", "--format", "md", "--format", "tsv",
                         "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(_tree(tmp_path)) == ["quizset-s0-01-answers.md", "quizset-s0-01.md", "quizset-s0-01.tsv",
                                       "quizset-s0-03-answers.md"]


def test_markdown_escapes_what_markdown_would_eat(tmp_path) -> None:
    base = load(build_file_tree(tmp_path, {"t.yaml": """\
deck: t
definitions:
  - {id: a, term: "*강조* 아님", definition: "파이프 | 와 _밑줄_ 그리고 <b>태그</b>"}
  - {id: b, term: "# 제목 아님", definition: "1. 목록도 되지 않음"}
  - {id: c, term: "[링크](x) 아님", definition: "`코드` 되지 않음"}
  - {id: d, term: 넷째, definition: 'A & B "따옴표" C'}
"""}))
    kinds = ["term_from_definition", "definition_from_term", "matching"]
    bank = build_bank(base)
    assert any(q.kind == "matching" for q in bank)  # shows every term and every definition
    qs = make_quizsets(bank, size=sum(q.kind in kinds for q in bank), seed=1, kinds=kinds)[0]
    text = to_markdown(qs).decode("utf-8")
    assert 'A & B "따옴표" C' in text  # Markdown, not HTML: no &amp; or &#34; in the file
    html = MarkdownIt("commonmark").enable("table").render(text)
    for raw in ("*강조* 아님", "파이프 | 와 _밑줄_ 그리고 &lt;b&gt;태그&lt;/b&gt;", "# 제목 아님", "1. 목록도 되지 않음",
                "[링크](x) 아님"):
        assert raw in html, raw
    assert "<em>" not in html and "<a " not in html and "<b>" not in html
    # Inline code is rich text (cardgen.richtext): it stays code.
    assert "<code>코드</code> 되지 않음" in html


def test_markdown_draws_the_blank_layer() -> None:
    bank = {q.id: q for q in build_bank(SHIPPED)}
    qs = QuizSet(1, 1, 0, (bank["stack-hosted-hypervisor/stack_missing_fill/2"],))
    tokens = parse(to_markdown(qs).decode("utf-8"))
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    assert cells == ["응용 프로그램 × 3", "( ? )", "하이퍼바이저", "호스트 운영체제", "하드웨어"]


# --- CSV ------------------------------------------------------------------------------------------

def test_csv_has_a_header_and_a_column_per_option() -> None:
    qs = make_quizsets(SHIPPED_BANK, size=len(SHIPPED_BANK), seed=4)[0]  # every kind
    data = to_csv(qs)
    assert data.startswith("\ufeff".encode("utf-8"))
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == len(qs.questions) + 1
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    width = max(4, *(len(q.options) for q in qs.questions if isinstance(q, Choice)),
                *(len(q.pieces) for q in qs.questions if isinstance(q, Ordering)),
                *(len(q.definitions) for q in qs.questions if isinstance(q, Matching)))
    assert header == ["번호", "문제", *(f"보기 {m}" for m in "①②③④⑤⑥⑦⑧⑨⑩"[:width]), "정답", "해설"]
    assert len(rows) == len(qs.questions) and {len(r) for r in rows} == {len(header)}
    answer_at = header.index("정답")
    for row, q in zip(rows, qs.questions):
        number, question, *options = row[:answer_at]
        answer = row[answer_at]
        assert all("\n" not in cell and "\r" not in cell for cell in row)
        assert q.prompt.split("\n")[0] in question
        filled = [o for o in options if o]
        match q:
            case Choice():
                assert filled == list(q.options) and answer in filled and answer == q.options[q.answer]
            case TrueFalse():
                assert filled == ["O", "X"] and answer == ("O" if q.answer else "X")
            case Ordering():
                assert sorted(filled) == sorted(q.pieces) and answer == " → ".join(q.answer)
            case Matching():
                assert sorted(filled) == sorted(q.definitions)
                assert answer == "; ".join(f"{t} → {d}" for t, d in q.pairs)
            case _:
                assert filled == [] and answer == q.answer
        assert options == filled + [""] * (len(options) - len(filled))  # the options come first, in order


def test_csv_speaks_english_for_english_facts() -> None:
    from cardgen.context import load_context
    from cardgen.emit.quizset import quizset_files

    files = quizset_files(load_context(ROOT / "tests" / "english"), formats=["csv"], size=8, seed=1)
    header = next(csv.reader(io.StringIO(files["quizset-s1-01.csv"].decode("utf-8-sig"), newline="")))
    assert header == ["No.", "Question", "Option A", "Option B", "Option C", "Option D", "Answer", "Explanation"]


def test_tsv_is_term_and_definition_pairs_for_quizlet_and_anki() -> None:
    qs = make_quizsets(SHIPPED_BANK, size=len(SHIPPED_BANK), seed=4)[0]
    data = to_tsv(qs)
    text = data.decode("utf-8")  # plain UTF-8, no byte-order mark to show up in the first card
    assert not text.startswith("\ufeff") and text.endswith("\n") and "\r" not in text
    lines = text.split("\n")[:-1]
    assert len(lines) == len(qs.questions)  # no header: every line is a card
    marks = markers("ko")
    for line, q in zip(lines, qs.questions):
        front, back = line.split("\t")  # exactly two columns: no tab inside a cell
        assert q.prompt.split("\n")[0] in front
        assert back == " / ".join(answer_text(q, marks).splitlines())
        if isinstance(q, Choice):  # answerable from the card: every option with its marker
            assert all(f"{'①②③④'[i]} {o}" in front for i, o in enumerate(q.options))
            assert back.startswith("①②③④"[q.answer])
        if isinstance(q, TrueFalse):
            assert front.endswith("(O/X)") and back in ("O", "X")


def test_tsv_cells_never_hold_a_tab_or_a_line_break(tmp_path) -> None:
    base = load(build_file_tree(tmp_path, {"t.yaml": """\
deck: t
definitions:
  - {id: a, term: "탭\\t있는 용어", definition: 첫째 정의}
  - id: b
    term: 둘째
    definition: |-
      첫 줄
      둘째 줄
  - {id: c, term: 셋째, definition: 셋째 정의}
  - {id: d, term: 넷째, definition: 넷째 정의}
"""}))
    bank = build_bank(base)
    qs = make_quizsets(bank, size=len(bank), seed=0)[0]
    lines = to_tsv(qs).decode("utf-8").split("\n")[:-1]
    assert len(lines) == len(qs.questions)
    assert all(line.count("\t") == 1 for line in lines)
    assert any("첫 줄 / 둘째 줄" in line for line in lines) and any("탭 있는 용어" in line for line in lines)


# --- determinism ----------------------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    for fmt in (to_json, to_markdown, to_markdown_answers, to_csv, to_tsv):
        one = [fmt(qs) for qs in make_quizsets(SHIPPED_BANK, sets=2, size=15, seed=21)]
        assert one == [fmt(qs) for qs in make_quizsets(SHIPPED_BANK, sets=2, size=15, seed=21)]
        assert one != [fmt(qs) for qs in make_quizsets(SHIPPED_BANK, sets=2, size=15, seed=22)]
        assert one[0] != one[1]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".cardgen-output")}


def test_cli_files_identical_across_processes_and_hash_seeds(tmp_path) -> None:
    trees = []
    for n, hash_seed in enumerate(("0", "12345")):
        cwd = tmp_path / f"run{n}"
        cwd.mkdir()
        result = run_cardgen("quizset", str(FACTS), "--sets", "3", "--size", "12", "--seed", "5",
                             "--format", "json", "--format", "md", "--format", "csv", "--format", "tsv",
                             cwd=cwd, env={"PYTHONHASHSEED": hash_seed})
        assert result.returncode == 0, result.stderr
        out = cwd / "dist" / "quizsets"
        assert sorted(result.stdout.split()) == sorted(str(Path("dist/quizsets") / name) for name in _tree(out))
        trees.append(_tree(out))
    assert trees[0] == trees[1]
    assert sorted(trees[0]) == sorted(f"quizset-s5-0{n}{end}" for n in (1, 2, 3)
                                      for end in (".csv", ".json", ".md", "-answers.md", ".tsv"))


def test_cli_writes_where_asked_and_filters(tmp_path) -> None:
    result = run_cardgen("quizset", str(FACTS), "--size", "3", "--kinds", "pro_of", "--kinds", "con_of",
                         "--tags", "하이퍼바이저", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "out" / "quizset-s0-01.json").read_text(encoding="utf-8"))
    assert {q["kind"] for q in doc["questions"]} <= {"pro_of", "con_of"}
    assert all("하이퍼바이저" in q["tags"] for q in doc["questions"])
    assert doc["kinds"] == ["pro_of", "con_of"] and doc["tags"] == ["하이퍼바이저"]


@pytest.mark.parametrize("args, message", [
    (["--sets", "0"], "the number of sets must be at least 1, not 0"),
    (["--size", "-3"], "the set size must be at least 1, not -3"),
    (["--kinds", "pro_of,bogus"], "unknown question kind(s): bogus; known kinds: term_from_definition"),
    (["--tags", "없음"], "unknown tag(s): 없음; known tags: Docker"),
    (["--size", "5000"], f"only {len(SHIPPED_BANK)} question(s) match, so a set cannot hold 5000"),
])
def test_cli_bad_options_are_one_line_errors(tmp_path, args, message) -> None:
    result = run_cardgen("quizset", str(FACTS), *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(message), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "dist").exists()


def test_cli_lists_the_formats_and_refuses_others(tmp_path) -> None:
    assert "json|md|csv|tsv" in run_cardgen("quizset", "--help").stdout
    result = run_cardgen("quizset", str(FACTS), "--format", "pdf", cwd=tmp_path)
    assert result.returncode == 2 and "'pdf' is not one of" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()
