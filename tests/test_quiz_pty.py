"""`cardgen quiz` through a real pseudo-terminal (pexpect): single keys, Ctrl-C mid-card, restart, colours."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timedelta, timezone

import pexpect
import pytest
from fsrs import Rating, State

from cardgen.context import Context  # noqa: E402
from cardgen.factbase.loader import load  # noqa: E402
from cardgen.review.quiz import items_for  # noqa: E402
from cardgen.review.session import plan, stats  # noqa: E402
from cardgen.review.schedule import make_scheduler  # noqa: E402
from cardgen.review.store import Store  # noqa: E402
from conftest import FACTS, ROOT  # noqa: E402

T0 = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
# The shipped facts are Korean, and so is the quiz around them.
SHOW = "Space/Enter: 정답 ·"
GRADE = "Space/Enter: 좋음"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

pytestmark = pytest.mark.slow  # drives the quiz in a pseudo-terminal


def flat(text: str) -> str:
    """TEXT with line wrapping undone: the terminal wraps long lines at 80 columns."""
    return " ".join(text.split())


def shows(text: str, screen: str) -> bool:
    return flat(text.splitlines()[0]) in flat(screen)


def spawn(state, now: datetime, *args: str, color: bool = False, then: str | None = None):
    """`cardgen quiz ARGS` in an 80x24 pty; with THEN, a shell runs that command after it."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
        "TZ": "UTC", "LANG": "C.UTF-8", "CARDGEN_STATE": str(state), "CARDGEN_FUZZ": "0",
        "CARDGEN_NOW": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if not color:
        env["NO_COLOR"] = "1"
    command, argv = sys.executable, ["-m", "cardgen", "quiz", *args]
    if then:
        # The shell must outlive a Ctrl-C sent to the whole foreground group: it traps SIGINT
        # (a trap, unlike ignoring it, leaves the quiz with the default handler).
        script = "trap 'true' INT; " + " ".join([sys.executable, *argv]) + f"; echo exit=$?; {then}"
        command, argv = "/bin/sh", ["-c", script]
    return pexpect.spawn(command, argv, cwd=str(ROOT), env=env, dimensions=(24, 80), encoding="utf-8", timeout=30)


def finish(child) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus


def flash_queue(now=T0):
    return plan(items_for(Context(load(FACTS)), "flash"), {}, now=now, new_today=0, new_per_day=20).new


def test_answer_interrupt_and_resume(tmp_path):
    state = tmp_path / "state.sqlite3"
    queue = flash_queue()
    child = spawn(state, T0, "--mode", "flash")
    # Card 1: Space reveals, 3 = Good. Card 2: Enter reveals, 1 = Again. Card 3: Space, 4 = Easy.
    for item, reveal, grade in zip(queue, (" ", "\r", " "), "314"):
        child.expect_exact(SHOW)
        assert shows(item.front, child.before)
        child.send(reveal)
        child.expect_exact(GRADE)
        assert shows(item.back, child.before)
        child.send(grade)
    # Card 4: reveal it, then Ctrl-C before grading it.
    child.expect_exact(SHOW)
    child.send(" ")
    child.expect_exact(GRADE)
    child.sendintr()
    child.expect_exact("세션 중단.")
    child.expect_exact("다음 복습:")
    rest = child.before + child.read()
    assert finish(child) == 130
    assert "Traceback" not in child.before + rest
    assert "복습: 카드 3장에 3번 답함" in rest and "정답: 3번 중 2번" in rest

    with Store.open(state, readonly=True) as store:
        assert [(r.card_key, r.rating) for r in store.reviews()] == [
            (queue[0].key, Rating.Good), (queue[1].key, Rating.Again), (queue[2].key, Rating.Easy)]
        assert queue[3].key not in store.schedules()

    # Two minutes later: the card answered Again is due first, then the interrupted card, still new.
    later = T0 + timedelta(minutes=2)
    child = spawn(state, later, "--mode", "flash")
    child.expect_exact(SHOW)
    assert shows(queue[1].front, child.before)
    child.send(" ")
    child.expect_exact(GRADE)
    child.send("3")
    child.expect_exact(SHOW)
    assert shows(queue[3].front, child.before)
    child.send("q")
    child.expect_exact("세션 종료.")
    assert finish(child) == 0

    with Store.open(state, readonly=True) as store:
        rows = store.schedules()
        assert len(store.reviews()) == 4
        assert {k: s.state for k, s in rows.items()} == {
            queue[0].key: State.Learning, queue[1].key: State.Learning, queue[2].key: State.Review}
        report = stats(items_for(Context(load(FACTS)), "flash"), store, later)
    assert dict(report.by_state)["new"] == len(items_for(Context(load(FACTS)), "flash")) - 3
    # The two learning cards come back in minutes (later today); Easy put the third days away.
    assert (report.due_now, report.due_later_today) == (0, 2)
    assert report.new_today == 3

    child = spawn(state, later, "--mode", "flash", "--stats")
    child.expect(pexpect.EOF)
    assert re.search(r"지금 복습: +0\b", child.before) and re.search(r"오늘 이따가 복습: +2\b", child.before)
    assert "학습 중 2, 복습 1" in child.before


def test_undo_key_in_a_terminal(tmp_path):
    state = tmp_path / "state.sqlite3"
    queue = flash_queue()
    child = spawn(state, T0, "--mode", "flash")
    child.expect_exact(SHOW)
    child.send(" ")
    child.expect_exact(GRADE)
    child.send("4")
    child.expect_exact(SHOW)
    child.send("u")
    child.expect_exact("되돌림:")
    child.expect_exact(SHOW)
    assert shows(queue[0].front, child.before)
    child.send("q")
    assert finish(child) == 0
    with Store.open(state, readonly=True) as store:
        assert store.reviews() == [] and store.schedules() == {}


def test_typed_answer_in_a_terminal(tmp_path):
    state = tmp_path / "state.sqlite3"
    first = plan(items_for(Context(load(FACTS)), "typed"), {}, now=T0, new_today=0, new_per_day=20).new[0]
    child = spawn(state, T0, "--mode", "typed")
    child.expect_exact("> ")
    child.sendline(first.accepted[-1].upper())
    child.expect_exact("✓ 정답")
    child.expect_exact("Space/Enter: 다음")
    child.send("2")  # override: Hard
    child.expect_exact("평가를 어려움으로 바꿈")
    child.send("\r")
    child.expect_exact("> ")
    child.sendcontrol("d")
    child.expect_exact("세션 종료.")
    assert finish(child) == 0
    with Store.open(state, readonly=True) as store:
        assert [(r.card_key, r.rating) for r in store.reviews()] == [(first.key, Rating.Hard)]


def test_styled_output_in_a_terminal(tmp_path):
    state = tmp_path / "state.sqlite3"
    first = flash_queue()[0]
    child = spawn(state, T0, "--mode", "flash", color=True)
    child.expect_exact(SHOW)
    screen = child.before
    assert "\x1b[" in screen  # colours and a cleared screen
    plain = ANSI.sub("", screen)
    assert shows(first.front, plain)
    assert all(len(line) <= 80 for line in plain.splitlines())
    child.send("q")
    child.expect_exact("요약")
    assert finish(child) == 0


@pytest.mark.parametrize("mode, stop", [("flash", "interrupt"), ("typed", "interrupt"), ("flash", "q")])
def test_the_terminal_is_restored_whatever_ends_the_session(tmp_path, mode, stop):
    child = spawn(tmp_path / "state.sqlite3", T0, "--mode", mode, then="stty -a")
    child.expect_exact("> " if mode == "typed" else SHOW)
    if mode == "typed":
        # Wait until line editing reads keys: a signal that lands while readline is still
        # setting up is only seen at the next key (a CPython readline race, not the quiz's).
        child.send("x")
        child.expect_exact("x")
    if stop == "interrupt":
        child.sendintr()
    else:
        child.send(stop)
    child.expect(r"exit=(\d+)")
    assert child.match.group(1) == ("130" if stop == "interrupt" else "0")
    settings = child.read()
    # cbreak mode turns off canonical input and echo; both must be back on.
    assert re.search(r"(?<![-\w])icanon\b", settings) and re.search(r"(?<![-\w])echo\b", settings)
    assert "Traceback" not in child.before + settings


def test_the_fuzz_is_on_without_the_test_switch():
    assert make_scheduler().enable_fuzzing and not make_scheduler(fuzz=False).enable_fuzzing


def test_ctrl_c_ends_the_session_even_when_sigint_was_ignored(tmp_path) -> None:
    """Started from nohup or a background job, the process inherits SIGINT ignored."""
    import signal as _signal

    state = tmp_path / "state.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CARDGEN_STATE": str(state), "TERM": "xterm-256color"}
    previous = _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # inherited by the child
    try:
        child = pexpect.spawn(sys.executable, ["-m", "cardgen", "quiz", "--mode", "flash"], env=env,
                              dimensions=(24, 80), encoding="utf-8", timeout=30)
    finally:
        _signal.signal(_signal.SIGINT, previous)
    child.expect("q: 끝내기")
    child.sendcontrol("c")
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 130
