"""Printable exams: dealing versions, laying them out, and reading the printed PDFs back."""

from __future__ import annotations

import html
import re
import shlex
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from cardgen.bank.generate import build_bank
from cardgen.bank.question import Matching, Ordering
from cardgen.errors import UsageError
from cardgen.bank.sample import shuffle_options, spread_positions
from cardgen.emit.exam import (
    Exam,
    ExamSettings,
    make_exam,
    default_exam_files,
    exam_files,
    render_exam,
)
from cardgen.context import Context
from cardgen.factbase.loader import load
from cardgen.write import write_output
from cardgen.emit.pdf import print_pdf
from tests.conftest import FACTS, build_file_tree, require_program, run_cardgen

SETTINGS = ExamSettings(versions=2, questions=30, seed=7)


def write_exam(exam: Exam, out: Path, *, templates: Path | None = None, browser: str | None = None) -> list[Path]:
    """What `cardgen exam` does with a made exam: its files, then the one writer; the paths in file order."""
    files = exam_files(exam, templates=templates, browser=browser)
    written = write_output(out, files, owner=f"exam:s{exam.settings.seed}")
    return [written.root / name for name in files]


@pytest.fixture(scope="module")
def base():
    return load(FACTS)


@pytest.fixture(scope="module")
def exam(base) -> Exam:
    return make_exam(Context(base), SETTINGS)


@pytest.fixture(scope="module")
def bank_by_id(base):
    return {q.id: q for q in build_bank(base)}


def squash(text: str) -> str:
    """TEXT without any white space, as pdftotext may break and join lines anywhere."""
    return re.sub(r"\s+", "", text)


def in_order(words: list[str], text: str) -> bool:
    """Whether WORDS occur in TEXT one after another; other text may come between them, as
    when pdftotext reads the cells of a table row across a wrapped line."""
    at = 0
    for word in words:
        at = text.find(word, at)
        if at < 0:
            return False
        at += len(word)
    return True


def pdf_pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def page_size(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)


# --- dealing versions ---------------------------------------------------------------

def test_versions_hold_the_same_questions_in_different_orders(exam: Exam) -> None:
    a, b = exam.versions
    assert (a.letter, b.letter) == ("A", "B") and (a.label, b.label) == ("A형", "B형")
    assert len(a.items) == 30 and len(set(a.question_ids)) == 30
    assert sorted(a.question_ids) == sorted(b.question_ids)
    assert a.question_ids != b.question_ids
    assert [item.number for item in b.items] == list(range(1, 31))
    assert a.points == b.points == sum(item.points for item in a.items)


def test_versions_group_questions_by_how_they_are_answered(exam: Exam) -> None:
    order = ("ox", "choice", "match", "order", "fill", "short")
    for version in exam.versions:
        styles = [item.style for item in version.items]
        assert styles == sorted(styles, key=order.index)


def test_options_are_reshuffled_but_the_key_stays_right(exam: Exam, bank_by_id) -> None:
    a, b = ({item.id: item for item in v.items} for v in exam.versions)
    reordered = 0
    for qid, item in a.items():
        q = bank_by_id[qid]
        other = b[qid]
        if item.style == "choice":
            right = q.options[q.answer]
            for version_item in (item, other):
                texts = [c.text for c in version_item.choices]
                assert sorted(texts) == sorted(q.options)
                marker = version_item.choices[texts.index(right)].marker
                assert version_item.key.answer == f"{marker} {right}"
            reordered += [c.text for c in item.choices] != [c.text for c in other.choices]
        elif item.style == "ox":
            assert item.key.answer == other.key.answer == ("O" if q.answer else "X")
        elif item.style == "fill":
            assert item.key.answer == q.answer and item.key.accepted == q.accepted
    assert reordered >= 5


def test_correct_positions_are_spread_evenly_in_every_version(exam: Exam) -> None:
    for version in exam.versions:
        by_size: dict[int, Counter] = {}
        for item in version.items:
            if item.style == "choice":
                position = [f"{c.marker} {c.text}" for c in item.choices].index(item.key.answer)
                by_size.setdefault(len(item.choices), Counter())[position] += 1
        assert by_size
        for size, counts in by_size.items():
            uses = [counts[p] for p in range(size)]
            assert max(uses) - min(uses) <= 1, (version.letter, size, uses)


def test_spread_positions_over_many_questions() -> None:
    import random

    sizes = [4] * 1000 + [3] * 300
    positions = spread_positions(random.Random(1), sizes)
    assert Counter(positions[:1000]) == {0: 250, 1: 250, 2: 250, 3: 250}
    assert Counter(positions[1000:]) == {0: 100, 1: 100, 2: 100}
    assert positions != spread_positions(random.Random(2), sizes)


def test_reshuffle_keeps_matching_and_ordering_answers(base) -> None:
    import random

    bank = [q for q in build_bank(base) if isinstance(q, (Matching, Ordering))]
    for q, new in zip(bank, shuffle_options(bank, random.Random(3))):
        if isinstance(q, Matching):
            assert isinstance(new, Matching)
            assert sorted(new.definitions) == sorted(q.definitions) and sorted(new.pairs) == sorted(q.pairs)
        else:
            assert isinstance(new, Ordering)
            assert sorted(new.pieces) == sorted(q.pieces)
            assert new.answer == q.answer and new.pieces != new.answer


def test_matching_and_ordering_keys_name_the_right_letters(base, bank_by_id) -> None:
    # The seeded exam of SETTINGS need not draw a matching item; this one draws only these two kinds.
    exam = make_exam(Context(base), ExamSettings(versions=2, questions=4, seed=7, kinds=("matching", "stack_order")))
    seen = set()
    for item in exam.versions[0].items + exam.versions[1].items:
        q = bank_by_id[item.id]
        if item.style == "match":
            letter_of = {row.right.text: row.right.marker for row in item.rows if row.right}
            term_of = {row.left.marker: row.left.text for row in item.rows if row.left}
            for pair in item.key.answer.split(", "):
                number, letter = pair.rsplit(" ", 1)
                definition = dict(q.pairs)[term_of[number]]
                assert letter_of[definition] == letter
            seen.add("match")
        if item.style == "order":
            text_of = {piece.marker: piece.text for piece in item.pieces}
            placed = re.findall(r"\(\d+\) (\S)", item.key.answer)
            assert tuple(text_of[letter] for letter in placed) == q.answer
            assert len(item.slots) == len(q.answer)
            seen.add("order")
    assert seen == {"match", "order"}


def test_a_missing_layer_is_drawn_blank(exam: Exam, bank_by_id) -> None:
    drawn = [item for v in exam.versions for item in v.items if item.stack]
    assert drawn
    for item in drawn:
        q = bank_by_id[item.id]
        assert [layer.blank for layer in item.stack] == [i == q.hidden_layer for i in range(len(q.stack.layers))]
        for layer, source in zip(item.stack, q.stack.layers):
            assert len(layer.boxes) == source.count
            assert layer.boxes == (("",) * source.count if layer.blank else (source.name,) * source.count)


def test_kinds_and_tags_narrow_the_exam(base) -> None:
    exam = make_exam(Context(base), ExamSettings(versions=1, questions=5, seed=1, kinds=("ox_pro", "ox_con")))
    assert {item.kind for item in exam.versions[0].items} <= {"ox_pro", "ox_con"}
    exam = make_exam(Context(base), ExamSettings(versions=1, questions=3, seed=1, tags=("컨테이너",)))
    assert all(item.id for item in exam.versions[0].items)


@pytest.mark.parametrize("settings, message", [
    (ExamSettings(questions=5000), r"only \d+ question\(s\) match, so an exam cannot hold 5000; ask for fewer questions"),
    (ExamSettings(kinds=("essay",)), r"unknown question kind\(s\): essay"),
    (ExamSettings(versions=0), r"the number of versions must be between 1 and 26, not 0"),
    (ExamSettings(paper="a3"), r"the paper must be one of a4, letter, not 'a3'"),
    (ExamSettings(lang="fr"), r"the language must be one of ko, en, not 'fr'"),
])
def test_impossible_requests_are_usage_errors(base, settings: ExamSettings, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        make_exam(Context(base), settings)


def test_every_style_of_the_bank_has_a_section_points_and_words_in_every_language() -> None:
    from cardgen.bank.question import KINDS, MAX_OPTIONS
    from cardgen.emit.exam import INSTRUCTIONS, POINTS, SECTIONS
    from cardgen.bank.generate import MATCH_MAX
    from cardgen.lang import LANGS

    from cardgen.present import markers

    assert {variant.style for variant in KINDS.values()} == set(SECTIONS) == set(POINTS)
    assert [style for style, _ in INSTRUCTIONS] == ["all", *SECTIONS]
    for lang in LANGS:
        marks = markers(lang)
        assert len(marks.options) >= MAX_OPTIONS and len(marks.items) >= MATCH_MAX


# --- the HTML ---------------------------------------------------------------------

def test_same_seed_gives_byte_identical_files(base, tmp_path: Path) -> None:
    first = write_exam(make_exam(Context(base), SETTINGS), tmp_path / "one")
    second = write_exam(make_exam(Context(base), SETTINGS), tmp_path / "two")
    assert [f.name for f in first] == ["exam-s7-A.html", "exam-s7-A-key.html", "exam-s7-B.html", "exam-s7-B-key.html"]
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes()
    other = render_exam(make_exam(Context(base), ExamSettings(versions=2, questions=30, seed=8)))
    assert other["exam-s8-A.html"] != first[0].read_text(encoding="utf-8")


def test_html_is_self_contained_and_print_ready(exam: Exam) -> None:
    pages = render_exam(exam)
    for name, page in pages.items():
        assert page.startswith("<!DOCTYPE html>\n<html lang=\"ko\">")
        assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import", page, re.I), name
        assert "size: A4;" in page and "counter(page)" in page and "counter(pages)" in page
        assert "break-inside: avoid" in page and "word-break: keep-all" in page
        assert "Noto Sans CJK KR" in page
    paper, key = pages["exam-s7-A.html"], pages["exam-s7-A-key.html"]
    assert paper.count('class="question ') == 30 and 'class="key' not in paper
    assert key.count('class="key-entry"') == 30 and "break-before: page" in key
    assert 'class="question ' not in key  # the key is the grid and the worked answers, not the paper again
    assert "시드 7" in key and '<span class="word">--seed</span> <span class="word">7</span>' in key


def visible_text(page: str) -> str:
    """What a page (or a part of its body) shows: the text without tags, attributes or the stylesheet."""
    body = page.split("<body>", 1)[-1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_key_grid_and_worked_answers_hold_every_question(exam: Exam) -> None:
    pages = render_exam(exam)
    for version in exam.versions:
        key = pages[f"exam-s7-{version.letter}-key.html"]
        grid = key.split('class="key worked"')[0]
        rows = re.findall(r'<td class="no">(\d+)</td><td class="brief">(.*?)</td><td class="pts">(\d+)</td>', grid)
        assert [(int(n), int(p)) for n, _, p in rows] == [(item.number, item.points) for item in version.items]
        for (_, brief, _), item in zip(rows, version.items):
            assert html.unescape(re.sub(r"<[^>]+>", "", brief)).startswith(item.key.brief)
            if item.style == "choice":
                assert item.key.brief == item.key.answer.split(" ", 1)[0] and len(item.key.brief) == 1
        worked = visible_text(key.split('class="key worked"')[1])
        for item in version.items:
            # Readable alone: the question's own text comes with its answer.
            assert in_order([f"{item.number}.", item.prompt, *item.quote, "정답:", item.key.answer], worked), item.number


def test_the_key_names_sources_by_name_and_file_never_by_id(exam: Exam, base) -> None:
    text = visible_text(render_exam(exam)["exam-s7-A-key.html"])
    for item in exam.versions[0].items:
        assert item.id not in text
        assert item.key.sources
        for source in item.key.sources:
            assert source.file in ("1-virtualization.yaml", "2-stacks.yaml")
    fact_ids = {fact.id for fact in base.facts()}
    sources = re.findall(r"출처: ([^\n]*)", text)
    assert len(sources) == 30
    assert not [word for line in sources for word in re.split(r"[\s;()]+", line) if word in fact_ids]
    # A pros-and-cons fact by its concept's name ("에뮬레이터 (Emulator)의 장단점").
    assert re.search(r"출처: [^\n(]+ \([A-Za-z ]+\)의 장단점\s+\(1-virtualization\.yaml\)", text)


@pytest.mark.parametrize("kinds", [(), ("stack_missing_fill", "ox_pro", "author")])
def test_a_student_paper_holds_no_answer(base, kinds: tuple[str, ...]) -> None:
    exam = make_exam(Context(base), ExamSettings(versions=2, questions=12, seed=7, kinds=kinds))
    pages = render_exam(exam)
    assert kinds == () or sum(item.style == "fill" for item in exam.versions[0].items) >= 3
    for version in exam.versions:
        paper, key = pages[f"exam-s7-{version.letter}.html"], pages[f"exam-s7-{version.letter}-key.html"]
        assert explanations_in(visible_text(key), version.items)  # what the paper must not hold, the key does
        text = visible_text(paper)
        assert not re.search(r"정답|해설|인정 답안|출처|시드", text)
        assert not re.search(r"correct|key|data-answer|class=\"answer\"", paper.split("<body>", 1)[1])
        assert not explanations_in(text, version.items)
        for item in (item for item in version.items if item.style == "fill"):
            block = paper.split(f'id="q{item.number}"', 1)[1].split('<div class="question', 1)[0]
            assert item.key.answer not in visible_text(block)


def explanations_in(text: str, items) -> list[str]:
    """The explanation lines of ITEMS found in TEXT, leaving out a line that restates the item's own prompt."""
    flat = squash(text)
    found = []
    for item in items:
        own = squash(" ".join([item.prompt, *item.quote]))
        for line in item.key.explanation:
            if squash(line) not in own and squash(line) in flat:
                found.append(line)
    return found


def test_a_hostile_title_stays_text_in_the_page_and_the_stylesheet(base) -> None:
    title = '</style><script>alert("t")</script> & \\'
    html = render_exam(make_exam(Context(base), ExamSettings(versions=1, questions=3, title=title)))["exam-s0-A.html"]
    assert "<script" not in html and html.count("</style>") == 1
    assert "<h1>&lt;/style&gt;&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; \\</h1>" in html


def test_header_shows_fields_points_and_total(exam: Exam) -> None:
    paper = render_exam(exam)["exam-s7-A.html"]
    version = exam.versions[0]
    for label in ("이름", "학번", "날짜", "점수", "유의 사항", f"/ {version.points}",
                  f"총 30문항, {version.points}점", "<h1>1. 가상화와 컨테이너</h1>"):
        assert label in paper
    for item in version.items:
        assert f'<span class="points">[{item.points}점]</span>' in paper


def test_english_labels_and_letter_paper(base) -> None:
    exam = make_exam(Context(base), ExamSettings(versions=1, questions=30, seed=7, lang="en", paper="letter", title="Quiz 1"))
    paper = render_exam(exam)["exam-s7-A.html"]
    assert '<html lang="en">' in paper and "size: letter;" in paper
    for label in ("Version A", "Name", "Student ID", "Date", "Score", "Instructions", "<h1>Quiz 1</h1>"):
        assert label in paper
    assert '<span class="marker">A</span>' in paper and "①" not in paper
    assert "이름" not in paper and "학번" not in paper


def test_the_key_rebuilds_the_exam(base, tmp_path: Path) -> None:
    settings = ExamSettings(versions=2, questions=6, seed=3, title="Bob's <퀴즈>", kinds=("ox_pro", "kind_of"),
                            tags=("하이퍼바이저",), paper="letter", lang="en")
    key = render_exam(make_exam(Context(base), settings))["exam-s3-B-key.html"]
    command = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<code>(.*?)</code>", key).group(1)))
    args = shlex.split(command)
    assert args[:2] == ["cardgen", "exam"]
    result = run_cardgen(*args[1:], "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "exam-s3-B-key.html").read_text(encoding="utf-8") == key


def test_user_template_overrides_one_piece(base, tmp_path: Path) -> None:
    folder = build_file_tree(tmp_path / "mine", {
        "exam/header.html": "<header class=\"mine\">{{ exam.title }} — {{ version.label }} — 반 ____</header>\n",
    })
    written = write_exam(make_exam(Context(base), SETTINGS), tmp_path / "out", templates=folder)
    paper = written[0].read_text(encoding="utf-8")
    assert '<header class="mine">1. 가상화와 컨테이너 — A형 — 반 ____</header>' in paper
    assert "유의 사항" not in paper and paper.count('class="question ') == 30


# --- printing -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def printed_pdfs(tmp_path_factory: pytest.TempPathFactory, exam: Exam) -> dict[str, Path]:
    browser = require_program("chromium")
    require_program("pdftotext")
    require_program("pdfinfo")
    out = tmp_path_factory.mktemp("exam")
    written = write_exam(exam, out, browser=browser)
    return {f.stem: f for f in written if f.suffix == ".pdf"}


@pytest.fixture(scope="module")
def printed(printed_pdfs: dict[str, Path]) -> dict[str, list[str]]:
    return {stem: pdf_pages(pdf) for stem, pdf in printed_pdfs.items()}


@pytest.mark.slow
def test_pdf_page_numbers_and_version_on_every_page(printed: dict[str, list[str]]) -> None:
    assert set(printed) == {"exam-s7-A", "exam-s7-A-key", "exam-s7-B", "exam-s7-B-key"}
    for stem, pages in printed.items():
        label = f"{stem.split('-')[2]}형"
        for number, text in enumerate(pages, start=1):
            assert re.search(rf"(?m)^\s*{number}\s*/\s*{len(pages)}\s*$", text), (stem, number)
            assert label in text, (stem, number)


@pytest.mark.slow
def test_pdf_page_counts(printed: dict[str, list[str]]) -> None:
    for letter in "AB":
        paper, key = printed[f"exam-s7-{letter}"], printed[f"exam-s7-{letter}-key"]
        assert 3 <= len(paper) <= 8
        # The key is the grid, then the worked answers, not the paper again.
        assert 2 <= len(key) <= len(paper)


@pytest.mark.slow
def test_the_key_opens_with_a_one_page_grid_of_every_answer(
    printed: dict[str, list[str]], printed_pdfs: dict[str, Path], exam: Exam
) -> None:
    for version in exam.versions:
        key = printed[f"exam-s7-{version.letter}-key"]
        assert "시드 7" in key[0] and "--seed 7" in key[0] and "정답표" in key[0]
        assert squash(f"합계: {version.total_label}") in squash(key[0])
        # The worked answers start on page 2; nothing of the grid runs over.
        assert squash(f"{version.label} 풀이") in squash(key[1]) and "정답표" not in key[1] and "번호" not in key[1]
        assert "풀이" not in key[0]
    for version in exam.versions:
        assert read_grid(printed_pdfs[f"exam-s7-{version.letter}-key"]) == expected_grid(version)


def expected_grid(version) -> dict[int, tuple[str, str]]:
    """What the grid must say of each question: the brief answer (a fill-in's other right answers beside
    it), and the points."""
    def answer(item) -> str:
        accepted = f"({', '.join(item.key.accepted)})" if item.style == "fill" and item.key.accepted else ""
        return squash(item.key.brief + accepted)
    return {item.number: (answer(item), str(item.points)) for item in version.items}


def page_words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """The words of PAGE of PDF with the left and top of each, as `pdftotext -bbox` places them."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(x), float(y), html.unescape(word))
            for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', out)]


def read_grid(pdf: Path) -> dict[int, tuple[str, str]]:
    """The answer grid on page 1 of a printed key, read back by position: number -> (answer, points).

    Each column of the grid has a header row (번호, 정답, 배점); a row runs from its number down
    to the next number of its column, so an answer that wraps is read whole."""
    words = page_words(pdf, 1)
    heads = sorted((x, y) for x, y, w in words if w == "번호")
    assert len(heads) == 2, heads  # two columns
    header_y = heads[0][1]
    answer_x = sorted(x for x, y, w in words if w == "정답" and abs(y - header_y) < 1)
    points_x = sorted(x for x, y, w in words if w == "배점" and abs(y - header_y) < 1)
    bottom = min(y for x, y, w in words if w.startswith("합계"))
    grid: dict[int, tuple[str, str]] = {}
    for column, (left, _) in enumerate(heads):
        right = heads[column + 1][0] if column + 1 < len(heads) else float("inf")
        cells = [(x, y, w) for x, y, w in words if left - 3 <= x < right - 3 and header_y + 1 < y < bottom]
        numbers = sorted((y, int(w)) for x, y, w in cells if x < answer_x[column] - 2 and re.fullmatch(r"[0-9]+", w))
        for n, (top, number) in enumerate(numbers):
            end = numbers[n + 1][0] if n + 1 < len(numbers) else bottom
            row = sorted((y, x, w) for x, y, w in cells if top - 1 <= y < end - 1)
            answer = "".join(w for y, x, w in row if answer_x[column] - 2 <= x < points_x[column] - 2)
            points = "".join(w for y, x, w in row if x >= points_x[column] - 2)
            assert number not in grid, number
            grid[number] = (answer, points)
    return grid


@pytest.mark.slow
def test_each_question_is_whole_on_one_page(printed: dict[str, list[str]], exam: Exam) -> None:
    for version in exam.versions:
        raw = printed[f"exam-s7-{version.letter}"]
        pages = [squash(text) for text in raw]
        for item in version.items:
            # The question number starts a line; the text before it may end in a digit ("Dom0").
            head = squash(f"{item.number}. {item.prompt}")
            where = [n for n, text in enumerate(raw) if any(
                squash("".join(lines[i:])).startswith(head)
                for lines in [text.splitlines()] for i, line in enumerate(lines)
                if squash(line).startswith(f"{item.number}."))]
            assert len(where) == 1, (version.letter, item.number, where)
            page = pages[where[0]]
            parts = [*item.quote, *(c.marker if item.style == "ox" else c.marker + c.text for c in item.choices)]
            parts += [f"{r.left.marker}{r.left.text}" for r in item.rows if r.left]
            parts += [f"{r.right.marker}.{r.right.text}" for r in item.rows if r.right]
            parts += [f"{p.marker}.{p.text}" for p in item.pieces] + list(item.slots)
            parts += [box for layer in item.stack for box in layer.boxes if box]
            for part in parts:
                assert in_order(part.split(), page), (version.letter, item.number, part)


@pytest.mark.slow
def test_a_printed_student_paper_holds_no_answer(printed: dict[str, list[str]], exam: Exam) -> None:
    for version in exam.versions:
        text = "".join(printed[f"exam-s7-{version.letter}"])
        assert not re.search(r"정답|해설|인정답안|출처|시드", squash(text))
        assert not explanations_in(text, version.items)


@pytest.mark.slow
def test_the_grid_of_forty_questions_fits_one_page(base, tmp_path: Path) -> None:
    browser = require_program("chromium")
    require_program("pdftotext")
    exam = make_exam(Context(base), ExamSettings(versions=1, questions=40, seed=3))
    assert sum(item.style == "short" for item in exam.versions[0].items) >= 8  # long answers in the grid
    source = tmp_path / "key.html"
    source.write_text(render_exam(exam)["exam-s3-A-key.html"], encoding="utf-8")
    pdf = print_pdf(source, tmp_path / "key.pdf", browser)
    assert read_grid(pdf) == expected_grid(exam.versions[0])
    assert "풀이" not in pdf_pages(pdf)[0] and "정답표" not in pdf_pages(pdf)[1]


@pytest.mark.slow
def test_korean_text_extracts_exactly(printed: dict[str, list[str]], exam: Exam) -> None:
    first = printed["exam-s7-A"][0]
    for label in ("1. 가상화와 컨테이너", "이름", "학번", "날짜", "점수", "유의 사항"):
        assert label in first
    assert "선택형 문항은 알맞은 답 하나의 번호에 ○표 하시오." in first
    text = "".join(printed["exam-s7-A"])
    assert not re.search(r"[\ufffd\u25a1]", text)  # no replacement characters or empty boxes


# --- bad input and hostile text --------------------------------------------------------

SCRIPT_FACTS = {
    "facts.yaml": """\
deck: 보안
definitions:
  - id: xss
    term: 교차 사이트 스크립팅
    definition: "<script>alert('x')</script> 같은 코드를 페이지에 끼워 넣는 공격"
  - id: csrf
    term: 사이트 간 요청 위조
    definition: 사용자가 의도하지 않은 요청을 보내게 만드는 공격
  - id: sqli
    term: SQL 삽입
    definition: 입력에 SQL 문을 끼워 넣는 공격
  - id: dos
    term: 서비스 거부
    definition: 자원을 고갈시켜 서비스를 멈추게 하는 공격
""",
}


@pytest.mark.slow
def test_a_fact_containing_script_prints_literally(tmp_path: Path) -> None:
    facts = build_file_tree(tmp_path / "facts", SCRIPT_FACTS)
    settings = ExamSettings(versions=1, questions=1, seed=0, kinds=("term_from_definition",),
                            lang="en", paper="letter", sources=(str(facts),))
    # The one question the screening keeps quotes the definition with the script in its prompt.
    written = write_exam(make_exam(Context(load(facts)), settings), tmp_path / "out")
    html = written[0].read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    browser = require_program("chromium")
    require_program("pdftotext")
    pdf = print_pdf(written[0], tmp_path / "out" / "exam-A.pdf", browser)
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and "letter" in page_size(pdf)
    assert "<script>alert('x')</script>" in pages[0]
    assert "Version A" in pages[0] and re.search(r"1\s*/\s*1", pages[0])


def test_cli_writes_the_files_it_lists(tmp_path: Path) -> None:
    result = run_cardgen("exam", str(FACTS), "--versions", "3", "--questions", "4", "--seed", "2", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split()
    assert [Path(p).name for p in listed] == [f"exam-s2-{v}{k}.html" for v in "ABC" for k in ("", "-key")]
    assert all(Path(p).is_file() for p in listed)


def test_cli_without_a_browser_fails_cleanly_before_writing(tmp_path: Path) -> None:
    result = run_cardgen("exam", str(FACTS), "--pdf", "-o", str(tmp_path / "out"), env={"PATH": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.strip().startswith("no Chromium-family browser found")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    result = run_cardgen("exam", str(FACTS), "--pdf", "--browser", "/no/such/chrome", "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "the browser asked for: '/no/such/chrome' is not an executable program" in result.stderr


def test_cli_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    result = run_cardgen("exam", str(FACTS), "--questions", "5000", "-o", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"only {len(build_bank(load(FACTS)))} question(s) match, so an exam cannot hold 5000" in result.stderr
    result = run_cardgen("exam", str(FACTS), "--templates", str(tmp_path / "none"), "-o", str(tmp_path))
    assert result.returncode == 2 and "no such templates folder" in result.stderr


def test_the_build_writes_a_default_exam_sized_to_the_bank(tmp_path: Path) -> None:
    facts = build_file_tree(tmp_path / "facts", SCRIPT_FACTS)
    base = load(facts)
    files = default_exam_files(Context(base))
    assert list(files) == ["exam-s0-A.html", "exam-s0-A-key.html", "exam-s0-B.html", "exam-s0-B-key.html"]
    html = files["exam-s0-A.html"].decode("utf-8")
    assert html.count('class="question ') == len(build_bank(base)) < 20
    command = f'<span class="word">exam</span> <span class="word">{facts / "facts.yaml"}</span>'
    assert command in files["exam-s0-A-key.html"].decode("utf-8")
    empty = load(build_file_tree(tmp_path / "empty", {"s.yaml": "scenarios:\n  - {id: s, text: 가정}\n"}))
    assert default_exam_files(Context(empty)) == {}
