"""The review session with scripted keys, a fixed clock and fuzzing off: queue, scheduling, undo, cram, stats."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, State

from cardgen.context import Context  # noqa: E402
from cardgen.factbase.loader import load
from cardgen.review.quiz import items_for
from cardgen.review.session import Item, Session, filter_tags, plan, stats
from cardgen.review.schedule import local_day, make_scheduler
from cardgen.review.store import Store
from conftest import FACTS

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
SCHED = make_scheduler(fuzz=False)


def flash(key: str, fact: str | None = None, tags: tuple[str, ...] = ()) -> Item:
    return Item(key, "flash", fact or key.split("/")[0], "term", (f"front of {key}", f"back of {key}"), tags=tags)


TYPED = Item("hv/definition.typein", "typed", "hv", "type the term", ("다수의 가상 머신을 …", "하이퍼바이저 (Hypervisor)"),
             accepted=("하이퍼바이저", "Hypervisor"))
CHOICE = Item("hv/kind_of/1", "choice", "hv", "kind of", ("Which is a hypervisor?", "Xen is one"),
              options=("Xen", "JVM", "VPN"), correct=0)


class ScriptKeys:
    """Keys from a list; the token '^C' raises KeyboardInterrupt as a real Ctrl-C would."""

    def __init__(self, *tokens: str) -> None:
        self.tokens = list(tokens)
        self.rejections: list[str] = []

    def _pop(self) -> str | None:
        if not self.tokens:
            return None
        token = self.tokens.pop(0)
        if token == "^C":
            raise KeyboardInterrupt
        return token

    def key(self) -> str:
        token = self._pop()
        return "eof" if token is None else token

    def line(self, prompt: str) -> str | None:
        return self._pop()

    def rejected(self, key: str) -> None:
        self.rejections.append(key)


class Recorder:
    """A screen that remembers what it was asked to draw."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def front(self, item, progress):
        self.events.append(("front", item.key))

    def back(self, item, preview):
        self.events.append(("back", item.key, preview))

    def verdict(self, item, verdict, rating):
        self.events.append(("verdict", item.key, verdict.correct, rating))

    def choice_result(self, item, chosen, rating):
        self.events.append(("choice", item.key, chosen, rating))

    def regraded(self, rating):
        self.events.append(("regraded", rating))

    def message(self, text):
        self.events.append(("message", text))

    def hint(self, text):
        pass

    def fronts(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "front"]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "state.sqlite3") as s:
        yield s


def session(store, items, *keys, now=T0, **kwargs):
    screen = Recorder()
    run = Session(list(items), store, SCHED, screen, ScriptKeys(*keys), lambda: now, ticks=lambda: 0.0, **kwargs)
    return run, screen


def expected_after(*ratings: Rating, at: datetime = T0) -> Card:
    card = Card(card_id=1, due=at)
    for rating in ratings:
        card, _ = SCHED.review_card(card, rating, review_datetime=at)
    return card


# --- the queue --------------------------------------------------------------------

def test_due_cards_come_first_by_due_time_then_new_cards_up_to_the_daily_remainder(store):
    items = [flash(f"f{n}/x") for n in range(6)]
    store.review("f4/x", Rating.Again, now=T0 - timedelta(hours=2), scheduler=SCHED, mode="flash")  # due 1 min later
    store.review("f2/x", Rating.Again, now=T0 - timedelta(hours=3), scheduler=SCHED, mode="flash")
    store.review("f5/x", Rating.Easy, now=T0 - timedelta(hours=1), scheduler=SCHED, mode="flash")  # not due
    got = plan(items, store.schedules(), now=T0, new_today=1, new_per_day=3)
    assert [i.key for i in got.due] == ["f2/x", "f4/x"]
    assert [i.key for i in got.new] == ["f0/x", "f1/x"]  # 3 a day, 1 already seen today
    limited = plan(items, store.schedules(), now=T0, new_today=0, new_per_day=20, limit=3)
    assert [i.key for i in limited.items] == ["f2/x", "f4/x", "f0/x"]


def test_new_cards_of_one_fact_are_spread_out():
    items = [flash("a/1"), flash("a/2"), flash("a/3"), flash("b/1"), flash("c/1"), flash("c/2")]
    got = plan(items, {}, now=T0, new_today=0, new_per_day=20)
    assert [i.key for i in got.new] == ["a/1", "b/1", "c/1", "a/2", "c/2", "a/3"]


def test_cram_ignores_due_dates_and_the_new_limit(store):
    items = [flash(f"f{n}/x") for n in range(4)]
    store.review("f1/x", Rating.Easy, now=T0, scheduler=SCHED, mode="flash")
    got = plan(items, store.schedules(), now=T0, new_today=50, new_per_day=2, cram=True)
    assert [i.key for i in got.items] == ["f0/x", "f1/x", "f2/x", "f3/x"]


def test_tags_select_items_with_any_of_them():
    items = [flash("a/x", tags=("하이퍼바이저",)), flash("b/x", tags=("구조", "Docker")), flash("c/x")]
    assert [i.key for i in filter_tags(items, ["Docker", "하이퍼바이저"])] == ["a/x", "b/x"]
    assert filter_tags(items, []) == tuple(items)


# --- scheduling through the session ---------------------------------------------------

def test_good_graduates_after_the_learning_steps_and_again_stays_due(store):
    a, b = flash("a/x"), flash("b/x")
    # a: Good (step 1, due in 10 min: within the learn-ahead window, so asked again), Good -> review.
    # b: Again (due in 1 min), Good, Good -> review.
    run, screen = session(store, [a, b], "enter", "3", "enter", "1", "enter", "3", "enter", "3", "enter", "3")
    summary = run.run()
    assert screen.fronts() == ["a/x", "b/x", "b/x", "a/x", "b/x"]
    assert summary.finished and (summary.answers, summary.correct, summary.cards) == (5, 4, 2)
    rows = store.schedules()
    assert rows["a/x"].state == State.Review
    assert rows["a/x"].due == expected_after(Rating.Good, Rating.Good).due
    assert rows["b/x"].due == expected_after(Rating.Again, Rating.Good, Rating.Good).due
    assert summary.next_due == min(rows["a/x"].due, rows["b/x"].due)
    assert [(r.card_key, r.rating) for r in store.reviews()] == [
        ("a/x", Rating.Good), ("b/x", Rating.Again), ("b/x", Rating.Good), ("a/x", Rating.Good), ("b/x", Rating.Good)]


def test_due_counts_after_good_and_again(store):
    items = [flash(f"c{n}/x") for n in range(5)]
    # Session 1: c0 Good (due in 10 min), c1 Again (due in 1 min); c1 comes back first (learn-ahead): quit.
    first, screen = session(store, items, "enter", "3", "enter", "1", "q", limit=2)
    first.run()
    assert screen.fronts() == ["c0/x", "c1/x", "c1/x"]
    report = stats(items, store, T0)
    assert dict(report.by_state) == {"new": 3, "learning": 2, "review": 0, "relearning": 0}
    # Both learning cards fall due later today, so nothing is due now: the session and --stats agree.
    assert (report.due_now, report.due_later_today, report.due_tomorrow, report.due_week) == (0, 2, 0, 2)
    assert report.new_today == 2
    # Session 2, ten minutes later: both due; c1 first (due earlier). c1 Good, c0 Good: c0 graduates.
    later = T0 + timedelta(minutes=10)
    second, screen = session(store, items, "enter", "3", "enter", "3", "q", now=later, new_per_day=2)
    second.run()
    assert screen.fronts()[:2] == ["c1/x", "c0/x"]
    rows = store.schedules()
    graduated = expected_steps((Rating.Good, T0), (Rating.Good, later)).due
    assert rows["c0/x"].state == State.Review and rows["c0/x"].due == graduated
    assert rows["c1/x"].state == State.Learning and rows["c1/x"].due == later + timedelta(minutes=10)
    report = stats(items, store, later)
    assert dict(report.by_state) == {"new": 3, "learning": 1, "review": 1, "relearning": 0}
    today, tomorrow = local_day(later), local_day(later) + timedelta(days=1)
    assert report.due_now == 0
    assert report.due_later_today == 1 + (local_day(graduated) == today)
    assert report.due_tomorrow == (local_day(graduated) == tomorrow)
    assert report.due_week == 1 + (local_day(graduated) < today + timedelta(days=7))
    on_the_day = stats(items, store, graduated)
    assert on_the_day.due_now == 2  # the learning card, overdue by now, and the graduated one


def expected_steps(*steps: tuple[Rating, datetime]) -> Card:
    card = Card(card_id=1, due=steps[0][1])
    for rating, at in steps:
        card, _ = SCHED.review_card(card, rating, review_datetime=at)
    return card


def test_the_daily_new_limit_holds_across_sessions_and_resets_the_next_day(store):
    items = [flash(f"c{n}/x") for n in range(5)]
    first, screen = session(store, items, *["enter", "4"] * 5, new_per_day=2)
    first.run()
    assert screen.fronts() == ["c0/x", "c1/x"]
    again, screen = session(store, items, *["enter", "4"] * 5, new_per_day=2)
    again.run()
    assert screen.fronts() == []
    tomorrow, screen = session(store, items, *["enter", "4"] * 5, new_per_day=2, now=T0 + timedelta(days=1))
    tomorrow.run()
    assert screen.fronts() == ["c2/x", "c3/x"]


def test_retention_counts_reviews_of_cards_in_review_state(store):
    items = [flash("a/x"), flash("b/x")]
    for key in ("a/x", "b/x"):
        store.review(key, Rating.Easy, now=T0, scheduler=SCHED, mode="flash")
    later = T0 + timedelta(days=20)
    store.review("a/x", Rating.Good, now=later, scheduler=SCHED, mode="flash")
    store.review("b/x", Rating.Again, now=later, scheduler=SCHED, mode="flash")
    report = stats(items, store, later)
    assert (report.retention, report.retention_n, report.reviews_30d) == (0.5, 2, 4)
    assert dict(report.by_state)["relearning"] == 1


# --- keys: undo, typed, choice, quitting ----------------------------------------------

def test_undo_on_the_next_card_restores_the_schedule_and_asks_again(store):
    a, b = flash("a/x"), flash("b/x")
    run, screen = session(store, [a, b], "enter", "4", "u", "enter", "1", "q")
    summary = run.run()
    assert screen.fronts() == ["a/x", "b/x", "a/x", "b/x"]
    assert [(r.card_key, r.rating) for r in store.reviews()] == [("a/x", Rating.Again)]
    assert (summary.answers, summary.correct) == (1, 0)


def test_undo_with_nothing_to_undo_says_so(store):
    run, screen = session(store, [flash("a/x")], "u", "q")
    run.run()
    assert ("message", "되돌릴 답이 없습니다.") in screen.events  # the session speaks Korean unless told otherwise
    assert screen.fronts() == ["a/x", "a/x"]


def test_typed_answers_are_graded_by_correctness_and_can_be_overridden(store):
    run, screen = session(store, [TYPED], "hypervisor", "enter", "q")
    run.run()
    assert ("verdict", TYPED.key, True, Rating.Good) in screen.events
    assert [r.rating for r in store.reviews()] == [Rating.Good]


def test_a_wrong_typed_answer_is_again_unless_the_user_changes_the_grade(store):
    run, screen = session(store, [TYPED], "하이퍼바이져", "2", "enter", "q")
    run.run()
    assert ("verdict", TYPED.key, False, Rating.Again) in screen.events
    assert ("regraded", Rating.Hard) in screen.events
    assert [(r.rating, r.mode) for r in store.reviews()] == [(Rating.Hard, "typed")]


def test_u_after_a_typed_answer_takes_it_back_and_asks_the_same_card(store):
    run, screen = session(store, [TYPED], "wrong", "u", "q")
    run.run()
    assert screen.fronts() == [TYPED.key, TYPED.key]
    assert store.reviews() == []


def test_choice_answers(store):
    other = Item("k/kind_of/2", "choice", "k", "kind of", ("Which is an emulator?", ""), options=("QEMU", "Docker"),
                 correct=0)
    run, screen = session(store, [CHOICE, other], "9", "1", "enter", "2", "enter")
    run.run()
    assert ("choice", CHOICE.key, 0, Rating.Good) in screen.events
    assert ("choice", other.key, 1, Rating.Again) in screen.events
    assert run.keys.rejections == ["9"]  # no option 9
    assert [(r.card_key, r.rating, r.mode) for r in store.reviews()][:2] == [
        (CHOICE.key, Rating.Good, "choice"), (other.key, Rating.Again, "choice")]


def test_ctrl_c_in_the_middle_of_a_card_keeps_earlier_answers_only(store):
    a, b = flash("a/x"), flash("b/x")
    run, _ = session(store, [a, b], "enter", "3", "enter", "^C")
    summary = run.run()
    assert summary.interrupted and not summary.finished
    assert [r.card_key for r in store.reviews()] == ["a/x"]
    assert "b/x" not in store.schedules()


def test_cram_writes_nothing_and_asks_again_cards_answered_again(tmp_path):
    path = tmp_path / "never.sqlite3"
    with Store.open(path, readonly=True) as store:
        run, screen = session(store, [flash("a/x"), flash("b/x")], "enter", "1", "enter", "3", "enter", "3",
                              cram=True)
        summary = run.run()
    assert screen.fronts() == ["a/x", "b/x", "a/x"]
    assert summary.finished and summary.cram and (summary.answers, summary.correct) == (3, 2)
    assert not path.exists()


def test_cards_of_facts_that_left_the_base_are_skipped_and_kept(store):
    store.review("gone/definition.forward", Rating.Again, now=T0 - timedelta(days=1), scheduler=SCHED, mode="flash")
    items = [flash("a/x")]
    run, screen = session(store, items, "enter", "3", "enter", "3")
    run.run()
    assert "gone/definition.forward" not in screen.fronts()
    assert "gone/definition.forward" in store.schedules()
    store.review("a/kind_of/1", Rating.Good, now=T0, scheduler=SCHED, mode="choice")  # another mode's, fact kept
    assert stats(items, store, T0, facts={"a"}).retired == 1


# --- the shipped facts ----------------------------------------------------------------------

def test_every_mode_yields_items_with_unique_keys_and_answers():
    base = load(FACTS)
    mixed = items_for(Context(base), "mixed")
    assert len({i.key for i in mixed}) == len(mixed)
    assert {i.style for i in mixed} == {"flash", "typed", "choice"}
    by_mode = {mode: {i.key for i in items_for(Context(base), mode)} for mode in ("flash", "typed", "choice")}
    assert by_mode["flash"] | by_mode["typed"] | by_mode["choice"] == {i.key for i in mixed}
    assert not by_mode["flash"] & by_mode["typed"]  # flash asks nothing that wants typing
    for item in mixed:
        assert item.front and (item.back or item.style == "choice")
        if item.style == "typed":
            assert item.accepted
        if item.style == "choice":
            assert 2 <= len(item.options) <= 4 and 0 <= item.correct < len(item.options)
    typed = {i.key: i for i in items_for(Context(base), "typed")}
    hosted = typed["hosted-hypervisor/definition.typein"]
    assert {"호스팅 하이퍼바이저", "Hosted Hypervisor", "Type 2 Hypervisor"} <= set(hosted.accepted)


def test_a_lone_q_or_u_at_the_typed_prompt_is_the_command(store):
    run, screen = session(store, [flash("a/x"), TYPED], "enter", "3", "u", "enter", "1", "Q")
    summary = run.run()
    assert screen.fronts() == ["a/x", TYPED.key, "a/x", TYPED.key]
    assert [(r.card_key, r.rating) for r in store.reviews()] == [("a/x", Rating.Again)]
    assert not summary.finished


def test_q_is_an_answer_when_the_card_accepts_it(store):
    letter = Item("q/typein", "typed", "q", "type", ("The letter after p?", "q"), accepted=("Q",))
    run, screen = session(store, [letter], "q", "enter")
    run.run()
    assert ("verdict", letter.key, True, Rating.Good) in screen.events


def test_the_order_of_new_cards_does_not_shift_when_some_are_answered(store):
    items = [flash("a/1"), flash("a/2"), flash("b/1"), flash("b/2")]
    before = plan(items, {}, now=T0, new_today=0, new_per_day=20).new
    store.review("a/1", Rating.Good, now=T0, scheduler=SCHED, mode="flash")
    after = plan(items, store.schedules(), now=T0, new_today=1, new_per_day=20).new
    assert [i.key for i in after] == [i.key for i in before if i.key != "a/1"]


def test_the_clock_comes_from_cardgen_now_as_utc():
    from cardgen.errors import UsageError
    from cardgen.review.schedule import clock_from_env, fuzz_from_env

    assert clock_from_env({"CARDGEN_NOW": "2024-05-01T18:00:00+09:00"})() == T0
    assert clock_from_env({"CARDGEN_NOW": "2024-05-01T09:00:00Z"})().tzinfo == timezone.utc
    live = clock_from_env({})()
    assert live.tzinfo == timezone.utc and abs(live - datetime.now(timezone.utc)) < timedelta(minutes=1)
    with pytest.raises(UsageError, match="no time zone"):
        clock_from_env({"CARDGEN_NOW": "2024-05-01T09:00:00"})
    assert fuzz_from_env({}) and not fuzz_from_env({"CARDGEN_FUZZ": "0"}) and not fuzz_from_env({"CARDGEN_FUZZ": "off"})


def test_nothing_due_and_no_new_cards_ends_at_once(store):
    run, screen = session(store, [flash("a/x")], new_per_day=0)
    summary = run.run()
    assert summary.finished and summary.answers == 0 and screen.fronts() == []
