"""The daily quiz in a real pseudo-terminal at 80x24 and at 50x20: mixed from day one with the
new / learning / review counts, suspend and bury, editing a fact in $EDITOR, Ctrl-C while typing."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pexpect
import pytest
from fsrs import Rating
from rich.cells import cell_len

from cardgen.context import Context
from cardgen.factbase.loader import load
from cardgen.review.quiz import items_for
from cardgen.review.session import plan
from cardgen.review.store import Store
from conftest import FACTS, ROOT

T0 = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
SIZES = [(24, 80), (20, 50)]

pytestmark = pytest.mark.slow  # drives the quiz in a pseudo-terminal


def spawn(state, *args: str, size=(24, 80), color=True, extra=None):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
        "TZ": "UTC", "LANG": "C.UTF-8", "CARDGEN_STATE": str(state), "CARDGEN_FUZZ": "0",
        "CARDGEN_NOW": T0.strftime("%Y-%m-%dT%H:%M:%SZ"), **(extra or {}),
    }
    if not color:
        env["NO_COLOR"] = "1"
    return pexpect.spawn(sys.executable, ["-m", "cardgen", "quiz", *args], cwd=str(ROOT), env=env,
                         dimensions=size, encoding="utf-8", timeout=30)


def expect(child, text: str) -> None:
    """Wait for TEXT, which a narrow terminal may wrap at any space (the styled look colours each line)."""
    child.expect(r"(?:\s|\x1b\[[0-9;]*m)+".join(re.escape(word) for word in text.split()))


def finish(child) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus


def visible(text: str) -> list[str]:
    return ANSI.sub("", text).split("\n")


def mixed_queue():
    return plan(items_for(Context(load(FACTS)), "mixed"), {}, now=T0, new_today=0, new_per_day=20).new


@pytest.mark.parametrize("size", SIZES)
def test_a_mixed_session_asks_every_kind_and_counts_what_is_left(tmp_path, size):
    rows, cols = size
    state = tmp_path / "state.sqlite3"
    flash, typed, choice = mixed_queue()[:3]
    assert (flash.style, typed.style, choice.style) == ("flash", "typed", "choice")
    child = spawn(state, "--mode", "mixed", size=size)
    expect(child, "Space/Enter: 정답")
    screen = child.before
    assert "새 카드 20 · 학습 중 0 · 복습 0" in ANSI.sub("", screen)
    child.send(" ")
    expect(child, "Space/Enter: 좋음")
    child.send("3")
    expect(child, "> ")
    screen += child.before
    assert "새 카드 19 · 학습 중 1 · 복습 0" in ANSI.sub("", child.before)
    child.sendline(typed.accepted[0])
    expect(child, "Space/Enter: 다음")
    child.send("\r")
    expect(child, f"1-{len(choice.options)}: 답하기")
    screen += child.before
    child.send(str(choice.correct + 1))
    expect(child, "Space/Enter: 다음")
    screen += child.before
    child.send("q")
    expect(child, "세션 종료.")
    assert finish(child) == 0
    assert all(cell_len(line) <= cols for line in visible(screen)), max(visible(screen), key=cell_len)
    with Store.open(state, readonly=True) as store:
        assert [(r.card_key, r.mode) for r in store.reviews()] == [
            (flash.key, "flash"), (typed.key, "typed"), (choice.key, "choice")]


@pytest.mark.parametrize("size", SIZES)
def test_s_suspends_and_b_buries_and_both_are_kept(tmp_path, size):
    state = tmp_path / "state.sqlite3"
    first, second, third = plan(items_for(Context(load(FACTS)), "flash"), {}, now=T0, new_today=0,
                                new_per_day=20).new[:3]
    child = spawn(state, "--mode", "flash", size=size)
    expect(child, "Space/Enter: 정답")
    child.send("s")
    expect(child, "일시정지:")
    expect(child, "Space/Enter: 정답")
    child.send(" ")
    expect(child, "Space/Enter: 좋음")
    child.send("4")  # the second card answered, then buried from the third card's front
    expect(child, "Space/Enter: 정답")
    child.send("b")
    expect(child, "내일로 미룸:")
    expect(child, "Space/Enter: 정답")
    child.send("q")
    expect(child, "세션 종료.")
    assert finish(child) == 0
    with Store.open(state, readonly=True) as store:
        assert store.held(T0.date()) == {first.key: "suspended", third.key: "buried"}
        assert [(r.card_key, r.rating) for r in store.reviews()] == [(second.key, Rating.Easy)]
    child = spawn(state, "--mode", "flash", "--stats", size=size)
    child.expect(pexpect.EOF)
    assert re.search(r"보류: +일시정지 1장, 미룸 1장", ANSI.sub("", child.before))


def test_e_opens_the_fact_in_the_editor_at_its_line_and_the_session_goes_on(tmp_path):
    state = tmp_path / "state.sqlite3"
    record = tmp_path / "editor-args"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n[ -t 0 ] && stty -a >> "{record}"\n')
    editor.chmod(0o755)
    first = plan(items_for(Context(load(FACTS)), "flash"), {}, now=T0, new_today=0, new_per_day=20).new[0]
    fact = Context(load(FACTS)).base[first.fact_id]
    child = spawn(state, "--mode", "flash", extra={"EDITOR": str(editor)})
    expect(child, "Space/Enter: 정답")
    child.send("e")
    expect(child, "고친 곳:")
    expect(child, "Space/Enter: 정답")  # the same card again
    child.send(" ")
    expect(child, "Space/Enter: 좋음")
    child.send("3")
    expect(child, "Space/Enter: 정답")
    child.send("q")
    assert finish(child) == 0
    args = record.read_text().splitlines()
    assert args[0] == f"+{fact.meta.loc.line}"
    assert (ROOT / args[1]).resolve() == Path(fact.meta.loc.file).resolve()  # relative to where cardgen runs
    assert f"id: {first.fact_id}" in (ROOT / args[1]).read_text(encoding="utf-8").splitlines()[fact.meta.loc.line - 1]
    # The editor got the terminal as it was before the session: line editing and echo on.
    settings = "\n".join(args[2:])
    assert re.search(r"(?<![-\w])icanon\b", settings) and re.search(r"(?<![-\w])echo\b", settings)
    with Store.open(state, readonly=True) as store:
        assert [r.card_key for r in store.reviews()] == [first.key]


def test_e_without_an_editor_says_where_the_fact_is(tmp_path):
    child = spawn(tmp_path / "s.sqlite3", "--mode", "flash", extra={"EDITOR": "", "VISUAL": ""})
    expect(child, "Space/Enter: 정답")
    child.send("e")
    expect(child, "$EDITOR를 설정하세요. 이 내용은")
    expect(child, "에 있습니다.")
    assert re.search(r"facts/\S+\.yaml:\d+$", ANSI.sub("", child.before).strip())
    child.send("q")
    assert finish(child) == 0


@pytest.mark.parametrize("size", SIZES)
def test_ctrl_c_while_typing_ends_cleanly_and_keeps_the_answers(tmp_path, size):
    state = tmp_path / "state.sqlite3"
    first = plan(items_for(Context(load(FACTS)), "typed"), {}, now=T0, new_today=0, new_per_day=20).new[0]
    child = spawn(state, "--mode", "typed", size=size)
    expect(child, "> ")
    child.sendline(first.accepted[0])
    expect(child, "Space/Enter: 다음")
    child.send("\r")
    expect(child, "> ")
    child.send("zq")  # half an answer, in no card's text
    expect(child, "zq")  # echoed: line editing is reading the keys
    child.sendintr()
    expect(child, "세션 중단.")
    rest = child.before + child.read()
    assert finish(child) == 130
    assert "Traceback" not in rest and "복습: 카드 1장에 1번 답함" in ANSI.sub("", rest)
    with Store.open(state, readonly=True) as store:
        assert [r.card_key for r in store.reviews()] == [first.key]
