"""The quiz screen's layout: hanging indents, stacks that fit the terminal, an answer that stands out,
plain titles, the typed-answer diff on two aligned lines; in a real pseudo-terminal at 80x24 and 50x20."""

from __future__ import annotations

import io
import os
import re
import sys
from datetime import datetime, timezone

import pexpect
import pytest
from rich.cells import cell_len
from rich.console import Console

from cardgen.context import Context
from cardgen.factbase.loader import load
from cardgen.factbase.model import Layer, Meta, Stack
from cardgen.review.compare import check
from cardgen.review.layout import stack_lines, table_lines, wrap
from cardgen.review.quiz import items_for
from cardgen.review.session import Session
from cardgen.review.schedule import make_scheduler
from cardgen.review.store import Store
from cardgen.review.terminal import RichScreen
from conftest import FACTS, ROOT, build_file_tree

T0 = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
CLEAR = "\x1b[2J"
ANSWER_KEYS = {"flash": ["enter", "3"], "typed": ["하이퍼바이져", "enter"], "choice": ["1", "enter"], "multi": ["1 2", "enter"]}
WIDE_STACK = """\
deck: "Test::Stack"
definitions:
  - id: hv
    term: 하이퍼바이저
    definition: 가상 머신을 만들고 실행하는 소프트웨어
stacks:
  - id: wide
    title: 넓은 스택
    illustrates: hv
    layers:
      - {name: 응용 프로그램, count: 3}
      - {name: 게스트 운영체제, count: 3}
      - {name: 하이퍼바이저, concept: hv}
      - 하드웨어
"""


class Script:
    def __init__(self, tokens):
        self.tokens = list(tokens)

    def key(self):
        return self.tokens.pop(0) if self.tokens else "eof"

    def line(self, prompt):
        return self.tokens.pop(0) if self.tokens else None

    def rejected(self, key):
        raise AssertionError(f"unexpected key {key}")


def screens(item, store, width: int, lang="ko", color=True) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, height=24, force_terminal=True, color_system="truecolor" if color else None,
                      markup=False, highlight=False, emoji=False)
    Session([item], store, make_scheduler(False), RichScreen(console, plain=not color, lang=lang),
            Script(ANSWER_KEYS[item.style]), lambda: T0, cram=True, lang=lang).run()
    return out.getvalue()


# --- wrapping ------------------------------------------------------------------------------------


def test_wrap_hangs_under_the_first_word_and_never_strands_the_glued_suffix():
    lines = wrap("하이퍼바이저가 게스트 운영체제의 특권 명령을 가로챈다", 26, "2. ", glue="   ← 고른 답")
    assert lines[0].startswith("2. ") and all(line.startswith("   ") for line in lines[1:])
    assert all(cell_len(line) <= 26 for line in lines) and len(lines) > 2
    assert lines[-1] == "   가로챈다   ← 고른 답"  # the mark travels with the last word
    assert wrap("a b", None, "• ") == ["• a b"]  # off a terminal nothing wraps


def test_a_word_longer_than_the_line_is_cut():
    lines = wrap("가" * 30, 20, "• ")
    assert all(cell_len(line) <= 20 for line in lines) and "".join(lines).replace("• ", "").replace(" ", "") == "가" * 30


def test_a_stack_too_wide_for_the_terminal_becomes_a_numbered_list():
    stack = Stack(Meta("s", "d"), "t", (Layer("응용 프로그램", 3), Layer("게스트 운영체제", 3), Layer("하드웨어")))
    boxes = stack_lines(stack, 80, hidden=1)
    assert boxes[0].startswith("[") and "?" in boxes[1]
    for width in (50, 40):
        listed = stack_lines(stack, width, hidden=1, marked=(2,))
        assert listed == ["1. 응용 프로그램 ×3", "2. ? ×3", "3. 하드웨어  ◀"]
        assert all(cell_len(line) <= width for line in listed)


# --- every screen of the shipped facts at narrow widths --------------------------------------


@pytest.mark.parametrize("width", [50, 40])
# tests/topics holds a comparison (cloud-models.yaml), and so does the English starter.
@pytest.mark.parametrize("facts", [FACTS, ROOT / "tests" / "topics", ROOT / "cardgen" / "starter" / "en"])
def test_every_screen_fits_a_narrow_terminal(tmp_path, width, facts):
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        for item in items_for(Context(load(facts)), "mixed"):
            raw = screens(item, store, width)
            lines = ANSI.sub("", raw).split("\n")
            assert max(cell_len(line) for line in lines) <= width, (item.key, max(lines, key=cell_len))


def test_a_comparison_is_a_table_when_it_fits_and_a_list_when_it_does_not():
    from cardgen.present import Grid, GridCell, GridRow

    grid = Grid("모델 비교", ("IaaS", "PaaS"), (GridRow("운영체제 관리", (GridCell("고객", True), GridCell("제공자", False))),))
    drawn = table_lines(grid, 80)
    assert drawn[0].split("|")[1].strip() == "IaaS" and "고객 ◀" in drawn[-1]
    assert table_lines(grid, 20) == ["• 운영체제 관리 —", "  IaaS: 고객  ◀", "• 운영체제 관리 —", "  PaaS: 제공자"]
    assert all(cell_len(line) <= 10 for line in table_lines(grid, 10))


@pytest.mark.parametrize("width", [80, 50, 40])
def test_a_comparison_is_drawn_on_the_back_of_its_cards_and_choice_questions(tmp_path, width):
    items = {i.key: i for i in items_for(Context(load(ROOT / "tests" / "topics")), "mixed")}
    row = items["cloud-models-compared/comparison.row.4"]
    which = items["cloud-models-compared/compare_which/4.paas"]
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        for item in (row, which):
            shown = ANSI.sub("", screens(item, store, width, color=False))
            lines = shown.split("\n")
            assert max(cell_len(line) for line in lines) <= width, (item.key, max(lines, key=cell_len))
            flat = " ".join(shown.split())
            if width == 80:  # drawn as a table: the concepts head the columns, the asked cells marked
                assert any(line.split("|")[1:] and line.split("|")[1].strip() == "IaaS" for line in lines)
                assert "requests ◀" in flat
            else:  # listed a cell a line: "attribute — concept: value"
                assert "• What the customer is billed for — PaaS: application runtime and requests ◀" in flat
    # The question shows the table with its answer, never before it.
    assert "|" not in which.front and "requests ◀" in which.back


def test_a_process_is_drawn_as_steps_on_the_screen(tmp_path):
    items = {i.key: i for i in items_for(Context(load(ROOT / "tests" / "topics")), "mixed")}
    card = next(i for key, i in items.items() if "/process.next." in key)
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        shown = ANSI.sub("", screens(card, store, 50, color=False))
    assert "↓" in shown and "?" in shown  # the pair, its asked step hidden


def test_the_answer_stands_out_details_are_bulleted_and_plain_stays_plain(tmp_path):
    context = Context(load(FACTS))
    item = next(i for i in items_for(context, "flash") if i.key == "emulator/definition.forward")
    answer, *details = item.back.splitlines()
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        styled = screens(item, store, 80)
        plain = screens(item, store, 80, color=False)
    bold = re.search(r"\x1b\[1;32m([^\x1b]*)\x1b\[0m", styled)
    assert bold is not None and bold.group(1) == answer  # bold green: the answer, whole
    assert "\x1b" not in plain.replace(CLEAR, "").replace("\x1b[H", "")
    flat = " ".join(ANSI.sub("", plain).split())
    assert all(f"• {' '.join(detail.split())}" in flat for detail in details if not detail.startswith("※"))


def test_titles_read_as_plain_words(tmp_path):
    context = Context(load(ROOT / "tests" / "english"))
    titles = {i.title for i in items_for(context, "mixed")}
    assert not any("_" in title for title in titles)
    item = next(i for i in items_for(context, "choice") if i.key.split("/")[1] == "term_from_definition")
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        shown = ANSI.sub("", screens(item, store, 80, lang="en"))
    assert "─ Definition → term ─" in shown


def test_a_wrong_option_is_marked_with_your_answer_on_its_last_line(tmp_path):
    context = Context(load(FACTS))
    item = max((i for i in items_for(context, "choice") if i.correct != 0), key=lambda i: cell_len(i.options[0]))
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        lines = ANSI.sub("", screens(item, store, 40)).split("\n")
    marked = [n for n, line in enumerate(lines) if "← 고른 답" in line]
    assert marked, lines
    line = lines[marked[-1]].strip("│ ")
    assert line != "← 고른 답" and len(line.split()) > 3  # never alone on its line


def test_the_typed_diff_shows_yours_over_correct():
    out = io.StringIO()
    screen = RichScreen(Console(file=out, width=80, color_system=None), plain=True, lang="en")
    items = items_for(Context(load(ROOT / "tests" / "english")), "typed")
    item = items[0]
    wrong = item.accepted[0][:-1] + "x"
    screen.verdict(item, check(wrong, item.accepted), rating=1)  # type: ignore[arg-type]
    lines = out.getvalue().splitlines()
    yours = next(n for n, line in enumerate(lines) if "yours:" in line)
    assert lines[yours].endswith(wrong) and lines[yours + 1].endswith(item.accepted[0])
    assert lines[yours].index(wrong) == lines[yours + 1].index(item.accepted[0])  # aligned
    assert lines[yours + 2].rstrip().endswith("^") and lines[yours + 2].count("^") == 1


@pytest.mark.parametrize("width, rows", [(80, 1), (50, 2), (40, 2)])
def test_the_grade_buttons_wrap_between_buttons(width, rows):
    from datetime import timedelta

    from fsrs import Rating

    from cardgen.review.session import Preview

    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=True, color_system=None)
    item = items_for(Context(load(FACTS)), "flash")[0]
    intervals = ((Rating.Again, timedelta(minutes=1)), (Rating.Hard, timedelta(minutes=6)),
                 (Rating.Good, timedelta(minutes=10)), (Rating.Easy, timedelta(days=8)))
    RichScreen(console, plain=False, lang="ko").back(item, Preview(intervals))
    lines = [line for line in ANSI.sub("", out.getvalue()).split("\n") if re.match(r"^[1-4] (다시|어려움|좋음|쉬움)", line)]
    assert len(lines) == rows and all(cell_len(line) <= width for line in lines)
    assert re.search(r"(^|  )4 쉬움 8일$", lines[-1]) and all(re.search(r"\d(분|일)$", line) for line in lines)


# --- in a pseudo-terminal ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("rows, cols", [(24, 80), (20, 50)])
def test_a_wide_stack_fits_the_terminal_in_a_real_session(tmp_path, rows, cols):
    base = build_file_tree(tmp_path / "facts", {"wide.yaml": WIDE_STACK})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
        "TZ": "UTC", "LANG": "C.UTF-8", "CARDGEN_STATE": str(tmp_path / "s.sqlite3"), "CARDGEN_FUZZ": "0",
        "CARDGEN_NOW": "2024-05-01T09:00:00Z",
    }
    child = pexpect.spawn(sys.executable, ["-m", "cardgen", "quiz", str(base), "--cram"], cwd=str(ROOT), env=env,
                          dimensions=(rows, cols), encoding="utf-8", timeout=30)
    seen = ""
    while child.expect([r"Space/Enter:(?:\s|\x1b\[[0-9;]*m)+정답", r"Space/Enter:(?:\s|\x1b\[[0-9;]*m)+좋음",
                        "세션 완료"]) != 2:
        seen += child.before + child.after
        child.send(" " if child.match.group(0).endswith("정답") else "3")
    child.expect(pexpect.EOF)
    text = ANSI.sub("", seen)
    assert max(cell_len(line) for line in text.split("\n")) <= cols, max(text.split("\n"), key=cell_len)
    if cols == 80:
        assert "[  응용 프로그램  ] [  응용 프로그램  ]" in text  # boxes side by side
    else:
        assert "1. 응용 프로그램 ×3" in text and "[" not in text.replace("[...]", "")
