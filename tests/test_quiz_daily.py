"""A daily quiz: modes mixed from day one, a new-card limit per mode, what is due now, the
new / learning / review counts, and cards set aside (suspend, bury) or edited from the session.

Sessions run with scripted keys and a fixed clock on a real SQLite file.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from cardgen.context import Context
from cardgen.factbase.loader import load
from cardgen.review.quiz import items_for
from cardgen.review.schedule import make_scheduler
from cardgen.review.session import Item, Session, plan, stats
from cardgen.review.store import Store
from cardgen.review.terminal import render_stats, render_summary
from cardgen.lang import translator
from conftest import FACTS, run_cardgen

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
SCHED = make_scheduler(fuzz=False)
EN = translator("en")


def flash(key: str) -> Item:
    return Item(key, "flash", key.split("/")[0], "term", (f"front of {key}", f"back of {key}"),
                where=(f"facts/{key.split('/')[0]}.yaml", 7))


class Keys:
    def __init__(self, *tokens: str) -> None:
        self.tokens = list(tokens)

    def key(self) -> str:
        return self.tokens.pop(0) if self.tokens else "eof"

    def line(self, prompt: str) -> str | None:
        return self.tokens.pop(0) if self.tokens else None

    def rejected(self, key: str) -> None:
        raise AssertionError(f"rejected {key}")


class Screen:
    """Remembers each card shown with its progress, and every message."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, tuple[int, int, int]]] = []
        self.messages: list[str] = []

    def front(self, item, progress):
        self.shown.append((item.key, (progress.new, progress.learning, progress.review)))

    def back(self, item, preview): ...
    def verdict(self, item, verdict, rating): ...
    def choice_result(self, item, chosen, rating): ...
    def regraded(self, rating): ...
    def hint(self, text): ...

    def message(self, text):
        self.messages.append(text)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "state.sqlite3") as s:
        yield s


@pytest.fixture(scope="module")
def shipped():
    context = Context(load(FACTS))
    return {mode: items_for(context, mode) for mode in ("flash", "typed", "choice", "mixed")}


def run(store, items, *keys, now=T0, **kwargs):
    screen = Screen()
    kwargs.setdefault("lang", "en")
    summary = Session(list(items), store, SCHED, screen, Keys(*keys), lambda: now, ticks=lambda: 0.0, **kwargs).run()
    return summary, screen


# --- 1. modes mix from the first day; a limit per mode; due now vs later today --------------


def test_mixed_takes_flash_typed_and_choice_in_turn_from_the_first_day(shipped):
    new = plan(shipped["mixed"], {}, now=T0, new_today=0, new_per_day=20).new
    assert [i.style for i in new[:6]] == ["flash", "typed", "choice"] * 2
    assert {i.style for i in new} == {"flash", "typed", "choice"}
    assert all(a.fact_id != b.fact_id for a, b in zip(new, new[1:]))  # two cards of one fact never follow
    again = plan(shipped["mixed"], {}, now=T0, new_today=0, new_per_day=20).new
    assert [i.key for i in again] == [i.key for i in new]  # deterministic


def test_flash_asks_nothing_that_wants_typing(shipped):
    assert all(i.style == "flash" for i in shipped["flash"])
    assert not any(i.key.endswith(".typein") for i in shipped["flash"])
    assert all(i.style == "typed" for i in shipped["typed"])


def test_each_mode_has_its_own_new_card_limit_and_the_summary_names_new(store, shipped):
    summary, _ = run(store, shipped["flash"], *["enter", "3"] * 2, new_per_day=2)
    assert summary.answers == 2 and summary.new_waiting == len(shipped["flash"]) - 2
    text = render_summary(summary, True, EN)
    assert "today's 2 are done" in text and "--new N" in text
    # A typed session the same day still has its own two new cards.
    typed = shipped["typed"]
    summary, screen = run(store, typed, typed[0].accepted[0], "enter", typed[1].accepted[0], "enter", new_per_day=2)
    assert summary.answers == 2 and [key for key, _ in screen.shown[:2]] == [typed[0].key, typed[1].key]
    report = stats(typed, store, T0, new_per_day=2)
    assert report.new_today == 2
    assert "(the limit of 2 is reached; --new N raises it)" in render_stats(report, True, EN)
    # Mixed asks all of them: the four seen today count against its limit.
    assert stats(shipped["mixed"], store, T0, new_per_day=20).new_today == 4


def test_stats_and_the_session_agree_on_what_is_due_now(store):
    items = [flash(f"c{n}/x") for n in range(3)]
    run(store, items, "enter", "3", "enter", "3", "q", limit=2)  # both learning, due in 10 minutes
    report = stats(items, store, T0)
    assert (report.due_now, report.due_later_today) == (0, 2)
    summary, screen = run(store, items, "q", now=T0 + timedelta(minutes=1), new_per_day=2)
    assert screen.shown == [] and summary.due_now == 0
    later = T0 + timedelta(minutes=10)
    report = stats(items, store, later)
    assert (report.due_now, report.due_later_today) == (2, 0)
    _, screen = run(store, items, "q", now=later, new_per_day=2)
    assert [key for key, _ in screen.shown] == ["c0/x"]  # a due card is asked


# --- 2. new / learning / review counts --------------------------------------------------------


def test_the_counts_of_new_learning_and_review_cards_follow_the_answers(store):
    items = [flash(f"c{n}/x") for n in range(3)]
    # Day 1: c0 Easy (review in days), c1 Again (learning, back in a minute).
    run(store, items, "enter", "4", "enter", "1", "q", limit=2)
    days = store.schedules()["c0/x"].due + timedelta(minutes=1)
    _, screen = run(store, items, "enter", "3", "enter", "3", "enter", "3", "q", now=days, new_per_day=5)
    # c1 (learning, overdue) and c0 (review) are due, c2 is new; the card on screen counts too.
    assert screen.shown[0] == ("c1/x", (1, 1, 1))
    assert screen.shown[1] == ("c0/x", (1, 1, 1))  # c1 answered Good: back in 10 minutes, still learning
    assert screen.shown[2] == ("c2/x", (1, 1, 0))


# --- 3. suspend, bury, edit ---------------------------------------------------------------------


def test_s_suspends_a_card_until_unsuspended(store):
    items = [flash(f"c{n}/x") for n in range(3)]
    summary, screen = run(store, items, "s", "q")
    assert store.held(T0.date()) == {"c0/x": "suspended"}
    assert summary.answers == 0 and screen.messages[0].startswith("Suspended")
    # Not asked again, not even days later; --stats counts it.
    _, screen = run(store, items, "q", now=T0 + timedelta(days=30))
    assert screen.shown[0][0] == "c1/x"
    report = stats(items, store, T0)
    assert (report.suspended, report.buried) == (1, 0)
    assert store.release(["c0/x", "c1/x"], "suspended") == 1
    _, screen = run(store, items, "q")
    assert screen.shown[0][0] == "c0/x"


def test_b_buries_an_answered_card_until_the_next_local_day(store):
    items = [flash(f"c{n}/x") for n in range(2)]
    # c0 Again, c1 Good; c0 comes back within the session (learning) and b buries it.
    _, screen = run(store, items, "enter", "1", "enter", "3", "b", "q")
    assert store.held(T0.date()) == {"c0/x": "buried"}  # c0 came back (learning), b buried it
    assert [r.card_key for r in store.reviews()] == ["c0/x", "c1/x"]  # the answers are kept
    assert stats(items, store, T0 + timedelta(hours=1)).buried == 1
    _, screen = run(store, items, "q", now=T0 + timedelta(hours=1))
    assert [key for key, _ in screen.shown] == ["c1/x"]  # due; c0, due too, stays buried
    tomorrow = T0 + timedelta(days=1)
    assert store.held(tomorrow.date()) == {}
    _, screen = run(store, items, "q", now=tomorrow)
    assert screen.shown[0][0] == "c0/x"


def test_u_takes_back_a_suspend(store):
    items = [flash(f"c{n}/x") for n in range(2)]
    _, screen = run(store, items, "s", "u", "q")
    assert store.held(T0.date()) == {}
    assert [key for key, _ in screen.shown] == ["c0/x", "c1/x", "c0/x"]


def test_cram_sets_nothing_aside(tmp_path):
    path = tmp_path / "state.sqlite3"
    with Store.open(path):
        pass
    with Store.open(path, readonly=True) as store:
        _, screen = run(store, [flash("c0/x")], "s", "q", cram=True)
        assert store.held(T0.date()) == {}
    assert screen.messages == ["Cram saves nothing: nothing was set aside."]


def test_e_opens_the_fact_where_it_is_written_and_asks_the_card_again(store):
    calls = []
    items = [flash("c0/x")]
    _, screen = run(store, items, "e", "enter", "4", edit=lambda file, line: calls.append((file, line)))
    assert calls == [("facts/c0.yaml", 7)]
    assert [key for key, _ in screen.shown] == ["c0/x", "c0/x"]
    assert "Edited facts/c0.yaml:7" in screen.messages[0]
    assert [r.card_key for r in store.reviews()] == ["c0/x"]


def test_every_shipped_item_knows_its_fact_file_and_line(shipped):
    for item in shipped["mixed"]:
        assert item.where is not None, item.key
        file, line = item.where
        lines = open(file, encoding="utf-8").read().splitlines()
        assert f"id: {item.fact_id}" in lines[line - 1], (item.key, file, line)


def test_unsuspend_brings_back_the_selected_cards(tmp_path, shipped):
    state = tmp_path / "state.sqlite3"
    first, second = shipped["choice"][:2]
    with Store.open(state) as store:
        store.hold(first.key, "suspended", T0)
        store.hold(second.key, "buried", T0)
    env = {"CARDGEN_STATE": str(state), "CARDGEN_NOW": "2024-05-01T09:00:00Z", "TZ": "UTC"}
    result = run_cardgen("quiz", "--mode", "choice", "--stats", env=env)
    assert "일시정지 1장, 미룸 1장" in result.stdout
    result = run_cardgen("quiz", "--mode", "choice", "--unsuspend", env=env)
    assert result.returncode == 0, result.stderr
    assert "일시정지한 카드 1장을 되살렸습니다." in result.stdout
    with Store.open(state, readonly=True) as store:
        assert store.held(T0.date()) == {second.key: "buried"}  # a burial runs its day out


def test_a_store_from_before_holds_reads_and_gains_the_table(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with Store.open(path) as store:
        store.review("a/x", Rating.Good, now=T0, scheduler=SCHED, mode="flash")
    raw = sqlite3.connect(path)
    raw.execute("DROP TABLE hold")
    raw.commit()
    raw.close()
    with Store.open(path, readonly=True) as store:  # read-only: nothing created, nothing held
        assert store.held(T0.date()) == {}
    with Store.open(path) as store:
        store.hold("a/x", "buried", T0)
        assert store.held(T0.date()) == {"a/x": "buried"}
        assert list(store.schedules()) == ["a/x"]
