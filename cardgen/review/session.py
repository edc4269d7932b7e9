"""The review session: which cards to ask, in what order, and what each answer does to the store.

Everything the session needs from outside comes in as a parameter: the items to
review, an open `Store`, an FSRS scheduler, a clock (`now`), a monotonic timer for
answer durations, a `Screen` to draw on and a `Keys` source to read from. Tests
drive it with scripted keys and a fixed clock; `cardgen quiz` wires it to the
terminal (`cardgen.review.terminal`).

Order: cards that are due come first (oldest due first), then new cards up to
the daily limit, spread across facts so that two cards of one fact do not follow
each other, and in mixed mode taking flash, typed and choice items in turn. The
daily limit counts the new cards among the items being reviewed, so each mode has
its own. Items the user set aside (suspended, or buried for the day) are left out.
Cards answered in the session whose (re)learning step falls due
within the learn-ahead window are asked again before the session ends. With
`cram`, due dates are ignored and nothing is written: a card answered Again is
simply asked again later in the session.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Protocol

from fsrs import Card, Rating, Scheduler, State

from cardgen.errors import StateError
from cardgen.lang import DEFAULT_LANG, Lang, Translator, translator
from cardgen.review.compare import Verdict, check
from cardgen.review.compare import key as answer_key
from cardgen.review.schedule import LEARN_AHEAD, Clock, local_day, local_midnight_utc
from cardgen.review.store import HoldKind, Schedule, Store

if TYPE_CHECKING:
    from cardgen.review.layout import Layout

Style = Literal["flash", "typed", "choice", "multi"]
RATING_KEYS = {"1": Rating.Again, "2": Rating.Hard, "3": Rating.Good, "4": Rating.Easy}
COMMANDS = ("u", "q", "s", "b", "e")  # undo, quit, suspend, bury, edit


Faces = tuple[str, str] | Callable[[], tuple[str, str]]


@dataclass(frozen=True)
class Item:
    """One thing to review, ready to draw: a card (flash or typed), or a choice question with one
    right option (choice) or several (multi: the student names them all)."""

    key: str  # the schedule identity: 'fact_id/kind' or the question id
    style: Style
    fact_id: str
    title: str
    # (front, back), or a function that makes them: a big fact base renders only the cards it shows.
    faces: Faces = field(compare=False, repr=False)
    accepted: tuple[str, ...] = ()  # typed: every answer that counts
    options: tuple[str, ...] = ()  # choice
    correct: int | None = None  # choice: index into options
    right: tuple[int, ...] = ()  # multi: the indexes of every right option
    tags: tuple[str, ...] = ()
    where: tuple[str, int] | None = None  # the fact's file and line, for editing it
    # The faces part by part (the answer, list entries, stacks) for a screen that lays them out.
    layout: Callable[[], Layout] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def parts(self) -> Layout | None:
        return self.layout() if self.layout is not None else None

    @cached_property
    def _texts(self) -> tuple[str, str]:
        return self.faces() if callable(self.faces) else self.faces

    @property
    def right_options(self) -> frozenset[int]:
        """The indexes of the right options (choice and multi)."""
        return frozenset(self.right if self.right else () if self.correct is None else (self.correct,))

    @property
    def front(self) -> str:
        return self._texts[0]

    @property
    def back(self) -> str:
        return self._texts[1]


@dataclass(frozen=True)
class Plan:
    """The queue at the start of a session."""

    due: tuple[Item, ...]
    new: tuple[Item, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return self.due + self.new


def filter_tags(items: Iterable[Item], tags: Sequence[str]) -> tuple[Item, ...]:
    """Items carrying at least one of TAGS (all items when TAGS is empty)."""
    wanted = set(tags)
    return tuple(item for item in items if not wanted or wanted & set(item.tags))


def plan(
    items: Sequence[Item],
    schedules: dict[str, Schedule],
    *,
    now: datetime,
    new_today: int,
    new_per_day: int,
    cram: bool = False,
    limit: int | None = None,
    held: Container[str] = (),
) -> Plan:
    """What to ask, in order: due cards by due time, then new cards (at most the day's remainder).

    Items whose key is in HELD (suspended or buried) are left out, in cram too.
    """
    items = [i for i in items if i.key not in held]
    if cram:
        ordered = _spread(items)
        return Plan((), ordered[:limit])
    due = sorted(
        (i for i in items if i.key in schedules and schedules[i.key].due <= now),
        key=lambda i: (schedules[i.key].due, i.key),
    )
    left = max(0, new_per_day - new_today)
    # Spread over every item, then keep the new ones: the order of new cards stays put between sessions.
    new = [i for i in _spread(items) if i.key not in schedules][:left]
    if limit is not None:
        due = due[:limit]
        new = new[: max(0, limit - len(due))]
    return Plan(tuple(due), tuple(new))


def _spread(items: Sequence[Item]) -> tuple[Item, ...]:
    """Each style spread over facts, then the styles taken in turn (flash, typed, choice, as they first appear).

    Taking a style's turn skips ahead to its first item of another fact than the one just
    asked, so a flash card and a typed card of one fact do not follow each other.
    """
    by_style: dict[str, list[Item]] = {}
    for item in items:
        by_style.setdefault(item.style, []).append(item)
    queues = [deque(_by_fact(group)) for group in by_style.values()]
    out: list[Item] = []
    while len(out) < len(items):
        for queue in queues:
            if not queue:
                continue
            last = out[-1].fact_id if out else None
            pick = next((n for n, item in enumerate(queue) if item.fact_id != last), 0)
            out.append(queue[pick])
            del queue[pick]
    return tuple(out)


def _by_fact(items: Sequence[Item]) -> list[Item]:
    """Round-robin over facts (in first-appearance order): the 1st item of each fact, then the 2nd..."""
    by_fact: dict[str, list[Item]] = {}
    for item in items:
        by_fact.setdefault(item.fact_id, []).append(item)
    out: list[Item] = []
    rank = 0
    while len(out) < len(items):
        out.extend(group[rank] for group in by_fact.values() if rank < len(group))
        rank += 1
    return out


def _numbers(text: str, last: int) -> frozenset[int] | None:
    """The 0-based options TEXT names by number ("1 3", "1,3", "13" when there are at most 9), or None."""
    parts = text.replace(",", " ").split()
    if len(parts) == 1 and last <= 9 and parts[0].isdigit():
        parts = list(parts[0])
    if not parts or not all(p.isdigit() and 1 <= int(p) <= last for p in parts):
        return None
    return frozenset(int(p) - 1 for p in parts)


# --- the conversation with the terminal -----------------------------------------


class Keys(Protocol):
    """Where answers come from. `key()` returns 'enter', a digit, a letter, or 'eof'."""

    def key(self) -> str: ...

    def line(self, prompt: str) -> str | None: ...  # None at end of input

    def rejected(self, key: str) -> None: ...  # a key that means nothing at this point


@dataclass(frozen=True)
class Progress:
    """Where the session stands as a card is shown: answers so far, and what is still to ask by kind.

    Like Anki's three numbers, `new`, `learning` and `review` count the card on screen and
    those after it (learning: the cards in (re)learning steps, including answered ones that
    come back within the learn-ahead window).
    """

    done: int
    left: int
    mode: str
    cram: bool
    new: int = 0
    learning: int = 0
    review: int = 0


@dataclass(frozen=True)
class Preview:
    """What each grade would do: the interval until the card is due again."""

    intervals: tuple[tuple[Rating, timedelta], ...]


class Screen(Protocol):
    def front(self, item: Item, progress: Progress) -> None: ...
    def back(self, item: Item, preview: Preview | None) -> None: ...
    def verdict(self, item: Item, verdict: Verdict, rating: Rating) -> None: ...
    def choice_result(self, item: Item, chosen: int | frozenset[int], rating: Rating) -> None: ...
    def regraded(self, rating: Rating) -> None: ...
    def message(self, text: str) -> None: ...
    def hint(self, text: str) -> None: ...


@dataclass
class Answered:
    item: Item
    rating: Rating
    review_id: int | None  # None in cram mode: nothing was stored


@dataclass(frozen=True)
class Held:
    """An item the user set aside during the session (undo brings it back)."""

    item: Item
    kind: HoldKind


class _SetAside(Exception):
    """The user pressed s (suspend) or b (bury) on ITEM; CURRENT is the card on screen, not yet answered."""

    def __init__(self, kind: HoldKind, item: Item, current: Item | None) -> None:
        self.kind = kind
        self.item = item
        self.current = current


class _Edit(Exception):
    """The user pressed e: open ITEM's fact in the editor, then ask CURRENT (if set) again."""

    def __init__(self, item: Item, current: Item | None) -> None:
        self.item = item
        self.current = current


class _Undo(Exception):
    """The user pressed u: undo the last answer (CURRENT, if set, goes back into the queue)."""

    def __init__(self, current: Item | None) -> None:
        self.current = current


class _Quit(Exception):
    pass


@dataclass(frozen=True)
class Summary:
    answers: int
    correct: int
    cards: int
    next_due: datetime | None
    due_now: int
    interrupted: bool
    cram: bool
    finished: bool  # the queue ran out (as opposed to q / Ctrl-C / end of input)
    now: datetime  # when the summary was taken
    new_waiting: int = 0  # new items left unasked because today's new-card limit is used up
    new_per_day: int = 20


@dataclass
class Session:
    """One sitting: ask the planned items, store each answer before the next card."""

    items: Sequence[Item]
    store: Store
    scheduler: Scheduler
    screen: Screen
    keys: Keys
    clock: Clock
    mode: str = "flash"
    new_per_day: int = 20
    cram: bool = False
    limit: int | None = None
    ticks: Callable[[], float] = time.monotonic
    history: list[Answered | Held] = field(default_factory=list)
    lang: Lang = DEFAULT_LANG
    """The language of the hints and messages."""
    edit: Callable[[str, int], str | None] | None = None
    """Opens a file at a line in the user's editor; returns a message when it could not. None: no editing."""
    _known: dict[str, Schedule] = field(default_factory=dict, init=False, repr=False)

    @property
    def answers(self) -> list[Answered]:
        return [a for a in self.history if isinstance(a, Answered)]

    @property
    def t(self) -> Translator:
        return translator(self.lang)

    def run(self) -> Summary:
        keys = [item.key for item in self.items]
        now = self.clock()
        self._known = self.store.schedules(keys)
        todays = plan(
            self.items,
            self._known,
            now=now,
            new_today=self.store.new_seen_on(local_day(now), keys),
            new_per_day=self.new_per_day,
            cram=self.cram,
            limit=self.limit,
            held=self.store.held(local_day(now)),
        )
        queue: deque[Item] = deque(todays.items)
        interrupted = finished = False
        try:
            while True:
                item = queue.popleft() if queue else self._learn_ahead()
                if item is None:
                    finished = True
                    break
                try:
                    self._ask(item, self._progress(item, queue))
                except _Undo as undo:
                    self._undo(queue, undo.current)
                    continue
                except _SetAside as aside:
                    self._set_aside(queue, aside)
                    continue
                except _Edit as edit:
                    self._edit(queue, edit)
                    continue
                last = self.history[-1]
                if self.cram and isinstance(last, Answered) and last.rating == Rating.Again:
                    queue.append(item)
        except _Quit:
            pass
        except KeyboardInterrupt:
            interrupted = True
        return self._summary(interrupted, finished)

    def _progress(self, item: Item, queue: deque[Item]) -> Progress:
        counts = {"new": 0, "learning": 0, "review": 0}
        pending = [item, *queue]
        for waiting in pending:
            counts[self._kind_of(waiting.key)] += 1
        if not self.cram:
            asked = {i.key for i in pending}
            horizon = self.clock() + LEARN_AHEAD
            counts["learning"] += sum(
                1
                for a in {a.item.key for a in self.answers} - asked
                if a in self._known
                and self._known[a].state in (State.Learning, State.Relearning)
                and self._known[a].due <= horizon
            )
        return Progress(len(self.answers), len(queue), self.mode, self.cram, **counts)

    def _kind_of(self, key: str) -> Literal["new", "learning", "review"]:
        schedule = self._known.get(key)
        if schedule is None:
            return "new"
        return "review" if schedule.state == State.Review else "learning"

    def _refresh(self, key: str) -> None:
        """Re-read KEY's schedule after the store changed it."""
        schedule = self.store.schedules([key]).get(key)
        if schedule is None:
            self._known.pop(key, None)
        else:
            self._known[key] = schedule

    # --- asking -------------------------------------------------------------

    def _ask(self, item: Item, progress: Progress) -> None:
        started = self.ticks()
        self.screen.front(item, progress)
        if item.style == "flash":
            self._flash(item, started)
        elif item.style == "typed":
            self._typed(item, started)
        elif item.style == "multi":
            self._multi(item, started)
        else:
            self._choice(item, started)

    def _flash(self, item: Item, started: float) -> None:
        self.screen.hint(self.t._("Space/Enter: show answer · u: undo · s: suspend · b: bury · e: edit · q: quit"))
        self._wait({"enter"}, current=item)
        self.screen.back(item, self._preview(item))
        self.screen.hint(self.t._("1 Again · 2 Hard · 3 Good · 4 Easy · Space/Enter: Good · u: undo · q: quit"))
        key = self._wait({"enter", *RATING_KEYS}, current=item)
        self._answer(item, RATING_KEYS.get(key, Rating.Good), started)

    def _typed(self, item: Item, started: float) -> None:
        self.screen.hint(
            self.t._(
                "Type the answer, Enter: check (empty: show it) · u: undo · s: suspend · b: bury · e: edit · q: quit"
            )
        )
        given = self.keys.line("> ")
        if given is None:
            raise _Quit
        # A lone q, u, s, b or e is the command, as everywhere else, unless it is an accepted answer.
        command = given.strip().lower()
        if command in COMMANDS and all(answer_key(a) != command for a in item.accepted):
            self._command(command, item, item)
        verdict = check(given, item.accepted)
        rating = Rating.Good if verdict.correct else Rating.Again
        self._answer(item, rating, started)
        self.screen.verdict(item, verdict, rating)
        self.screen.hint(self.t._("Space/Enter: next · 1-4: change the grade · u: undo · q: quit"))
        while True:
            key = self._wait({"enter", *RATING_KEYS}, current=None)
            if key == "enter":
                return
            if RATING_KEYS[key] != self.answers[-1].rating:
                self._regrade(RATING_KEYS[key])
                self.screen.regraded(RATING_KEYS[key])

    def _choice(self, item: Item, started: float) -> None:
        numbers = {str(n) for n in range(1, len(item.options) + 1)}
        self.screen.hint(
            self.t._("1-{last}: answer · u: undo · s: suspend · b: bury · e: edit · q: quit", last=len(item.options))
        )
        chosen = int(self._wait(numbers, current=item)) - 1
        rating = Rating.Good if chosen == item.correct else Rating.Again
        self._answer(item, rating, started)
        self.screen.choice_result(item, chosen, rating)
        self.screen.hint(self.t._("Space/Enter: next · u: undo · q: quit"))
        self._wait({"enter"}, current=None)

    def _multi(self, item: Item, started: float) -> None:
        """Every right option, typed as their numbers ("1 3"): right only when all and no more are given."""
        last = len(item.options)
        self.screen.hint(
            self.t._("Type the numbers of every right answer (1-{last}), Enter: check · u: undo · q: quit", last=last)
        )
        while True:
            given = self.keys.line("> ")
            if given is None:
                raise _Quit
            command = given.strip().lower()
            if command == "q":
                raise _Quit
            if command == "u":
                raise _Undo(item)
            chosen = _numbers(given, last)
            if chosen:
                break
            self.screen.message(self.t._("Give option numbers from 1 to {last}, such as 1 3", last=last))
        rating = Rating.Good if chosen == item.right_options else Rating.Again
        self._answer(item, rating, started)
        self.screen.choice_result(item, chosen, rating)
        self.screen.hint(self.t._("Space/Enter: next · u: undo · q: quit"))
        self._wait({"enter"}, current=None)

    def _wait(self, allowed: set[str], current: Item | None) -> str:
        """The next allowed key; u, q, s, b, e (and end of input) leave through exceptions.

        With no CURRENT card (it is answered), s, b and e act on the card just answered.
        """
        while True:
            key = self.keys.key()
            if key in allowed:
                return key
            if key == "eof":
                raise _Quit
            if key in COMMANDS:
                target = current or self.answers[-1].item
                self._command(key, target, current)
            self.keys.rejected(key)

    def _command(self, key: str, item: Item, current: Item | None) -> None:
        if key == "u":
            raise _Undo(current)
        if key == "q":
            raise _Quit
        if key == "s":
            raise _SetAside("suspended", item, current)
        if key == "b":
            raise _SetAside("buried", item, current)
        raise _Edit(item, current)

    # --- storing ------------------------------------------------------------

    def _answer(self, item: Item, rating: Rating, started: float) -> None:
        duration = max(0, round((self.ticks() - started) * 1000))
        review_id = None
        if not self.cram:
            try:
                review_id = self.store.review(
                    item.key, rating, now=self.clock(), scheduler=self.scheduler, mode=item.style, duration_ms=duration
                ).id
            except StateError as exc:
                # The store failed under this answer (a full disk, the file taken away): say what was kept.
                saved = sum(1 for a in self.answers if a.review_id is not None)
                raise StateError(f"{exc}; this answer was not saved, the {saved} before it were") from None
            self._refresh(item.key)
        self.history.append(Answered(item, rating, review_id))

    def _regrade(self, rating: Rating) -> None:
        last = self.answers[-1]
        if last.review_id is not None:
            last.review_id = self.store.regrade(last.review_id, rating, self.scheduler).id
            self._refresh(last.item.key)
        last.rating = rating

    def _set_aside(self, queue: deque[Item], aside: _SetAside) -> None:
        """Suspend or bury ASIDE's item (kept in the store); cram saves nothing, so there it only says so."""
        title = aside.item.title
        if self.cram:
            if aside.current is not None:
                queue.appendleft(aside.current)
            self.screen.message(self.t._("Cram saves nothing: nothing was set aside."))
            return
        self.store.hold(aside.item.key, aside.kind, self.clock())
        if aside.current is not None and aside.current is not aside.item:
            queue.appendleft(aside.current)
        self.history.append(Held(aside.item, aside.kind))
        if aside.kind == "suspended":
            self.screen.message(self.t._("Suspended until you bring it back with --unsuspend: {title}", title=title))
        else:
            self.screen.message(self.t._("Buried until tomorrow: {title}", title=title))

    def _edit(self, queue: deque[Item], edit: _Edit) -> None:
        """Open the fact of EDIT's item in the editor, then go on with the card that was on screen."""
        if edit.current is not None:
            queue.appendleft(edit.current)
        where = edit.item.where
        if where is None or self.edit is None:
            self.screen.message(self.t._("This card cannot be edited from here."))
            return
        problem = self.edit(*where)
        if problem is not None:
            self.screen.message(problem)
            return
        self.screen.message(
            self.t._("Edited {file}:{line}; the change shows from the next session.", file=where[0], line=where[1])
        )

    def _undo(self, queue: deque[Item], current: Item | None) -> None:
        if current is not None:
            queue.appendleft(current)
        if not self.history:
            self.screen.message(self.t._("Nothing to undo."))
            return
        last = self.history.pop()
        if isinstance(last, Held):
            self.store.release([last.item.key])
        elif last.review_id is not None:
            try:
                self.store.undo(last.review_id)
            except StateError as exc:
                self.screen.message(str(exc))
                return
            self._refresh(last.item.key)
        if (
            isinstance(last, Answered)
            and self.cram
            and last.rating == Rating.Again
            and queue
            and queue[-1] is last.item
        ):
            queue.pop()
        queue.appendleft(last.item)
        self.screen.message(self.t._("Undone: {title}", title=last.item.title))

    def _preview(self, item: Item) -> Preview | None:
        if self.cram:
            return None
        now = self.clock()
        current = self.store.schedules([item.key]).get(item.key)
        card = current.fsrs_card() if current else Card(card_id=0, due=now)
        # Without fuzz: the buttons show the interval FSRS aims for; the stored one may differ by the fuzz.
        steady = Scheduler(
            parameters=self.scheduler.parameters,
            desired_retention=self.scheduler.desired_retention,
            learning_steps=self.scheduler.learning_steps,
            relearning_steps=self.scheduler.relearning_steps,
            maximum_interval=self.scheduler.maximum_interval,
            enable_fuzzing=False,
        )
        return Preview(
            tuple((rating, steady.review_card(card, rating, review_datetime=now)[0].due - now) for rating in Rating)
        )

    def _learn_ahead(self) -> Item | None:
        """The earliest card answered in this session that is due again within the learn-ahead window."""
        if self.cram:
            return None
        held = {h.item.key for h in self.history if isinstance(h, Held)}
        answered = {a.item.key: a.item for a in self.answers if a.item.key not in held}
        if not answered:
            return None
        horizon = self.clock() + LEARN_AHEAD
        waiting = [
            s
            for s in self.store.schedules(answered).values()
            if s.state in (State.Learning, State.Relearning) and s.due <= horizon
        ]
        if not waiting:
            return None
        first = min(waiting, key=lambda s: (s.due, s.key))
        return answered[first.key]

    def _summary(self, interrupted: bool, finished: bool) -> Summary:
        now = self.clock()
        keys = [item.key for item in self.items]
        held = self.store.held(local_day(now))
        schedules = {k: s for k, s in self.store.schedules(keys).items() if k not in held}
        upcoming = [s.due for s in schedules.values()]
        answers = self.answers
        new_left = len({k for k in keys if k not in schedules and k not in held})
        limit_used = self.store.new_seen_on(local_day(now), keys) >= self.new_per_day
        return Summary(
            answers=len(answers),
            correct=sum(1 for a in answers if a.rating != Rating.Again),
            cards=len({a.item.key for a in answers}),
            next_due=min((d for d in upcoming if d > now), default=None),
            due_now=sum(1 for d in upcoming if d <= now),
            interrupted=interrupted,
            cram=self.cram,
            finished=finished,
            now=now,
            new_waiting=new_left if limit_used and not self.cram else 0,
            new_per_day=self.new_per_day,
        )


# --- statistics -----------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """What `cardgen quiz --stats` reports for the selected items."""

    total: int
    by_state: tuple[tuple[str, int], ...]  # new, learning, review, relearning
    due_now: int  # due at this moment, overdue included: what a session asks first
    due_later_today: int  # due after now but before local midnight (learning steps, mostly)
    due_tomorrow: int
    due_week: int  # due within the next 7 local days, today included
    new_today: int  # new cards among the items first seen today
    new_per_day: int
    suspended: int
    buried: int  # until tomorrow
    reviews_30d: int
    retention: float | None  # share of reviews of cards in review state not answered Again, last 30 days
    retention_n: int
    retired: int  # schedules of facts that left the fact base (their history is kept)


def stats(
    items: Sequence[Item], store: Store, now: datetime, *, facts: Container[str] | None = None, new_per_day: int = 20
) -> Stats:
    """Counts for ITEMS; a schedule is retired when its fact is not among FACTS (the base's fact ids)."""
    keys = {item.key for item in items}
    every = store.schedules()
    today = local_day(now)
    held = {k: kind for k, kind in store.held(today).items() if k in keys}
    mine = {k: s for k, s in every.items() if k in keys}
    due = [s.due for k, s in mine.items() if k not in held]
    tomorrow = local_midnight_utc(today + timedelta(days=1))
    day_after = local_midnight_utc(today + timedelta(days=2))
    week = local_midnight_utc(today + timedelta(days=7))
    names = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
    counts = {"new": len(keys - mine.keys()), "learning": 0, "review": 0, "relearning": 0}
    for s in mine.values():
        counts[names[s.state]] += 1
    recent = store.reviews(since=now - timedelta(days=30))
    mature = [r for r in recent if r.before is not None and r.before.state == State.Review]
    return Stats(
        total=len(keys),
        by_state=tuple(counts.items()),
        due_now=sum(1 for d in due if d <= now),
        due_later_today=sum(1 for d in due if now < d < tomorrow),
        due_tomorrow=sum(1 for d in due if tomorrow <= d < day_after),
        due_week=sum(1 for d in due if d < week),
        new_today=store.new_seen_on(today, keys),
        new_per_day=new_per_day,
        suspended=sum(1 for kind in held.values() if kind == "suspended"),
        buried=sum(1 for kind in held.values() if kind == "buried"),
        reviews_30d=len(recent),
        retention=(sum(r.correct for r in mature) / len(mature)) if mature else None,
        retention_n=len(mature),
        retired=sum(1 for k in every if k not in keys and k.split("/")[0] not in (facts or ())),
    )
