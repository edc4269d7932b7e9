"""The review store: one SQLite file holding every card's FSRS schedule and the review log.

Safety comes first, because this file holds months of a learner's work:
- the file is checked before anything is written to it: it must be empty, or an
  SQLite database whose `application_id` is cardgen's; anything else (another
  program's database, a text file, a damaged file) raises `StateError` and is
  left byte for byte as it was;
- every answer is one `BEGIN IMMEDIATE` transaction that reads the card's current
  row, schedules it with FSRS and writes the new row and a log row, so killing
  the process loses nothing already answered and two sessions at once serialise
  instead of overwriting each other (WAL mode plus a busy timeout);
- each log row keeps the card row as it was before the review, so an undo
  restores it exactly and the log stays a faithful record for fitting FSRS
  parameters later.

Damage inside a good file is survived, never repaired behind the user's back: a
card row whose date, number or JSON cannot be read is treated as new (with one
warning naming the file and the card), and answering that card starts its
schedule afresh; a damaged log row is left out of the statistics. No other row
is touched.

Read-only uses (`--stats`, `--cram`) never write, not even SQLite's `-wal` and
`-shm` files, so they work on a read-only file in a read-only folder. A session
that will write checks at opening that it can, so no answer is ever given into
a store that cannot keep it.

Items the user sets aside during a session live in their own table (`hold`):
suspended until released, or buried until a given local day. The table came after
the first schema; a writable store gains it on opening, a read-only one without it
has nothing set aside.

A card's identity is its key (`fact_id/kind` for cards, the question id for bank
questions). Keys that the fact base no longer yields are simply never asked for:
their rows and history stay.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from fsrs import Card, Rating, Scheduler, State

from cardgen.errors import StateError
from cardgen.review.schedule import local_day

APPLICATION_ID = 0x43477172  # "CGqr": marks a file as a cardgen review store
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
STATE_ENV = "CARDGEN_STATE"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_TS = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order

SCHEMA = """
CREATE TABLE card (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,      -- 'fact_id/kind' or a question id
    state       INTEGER NOT NULL CHECK (state IN (1, 2, 3)),  -- fsrs State: learning, review, relearning
    step        INTEGER,                   -- learning or relearning step, NULL in review
    stability   REAL,
    difficulty  REAL,
    due         TEXT NOT NULL,             -- UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ
    last_review TEXT,                      -- UTC
    first_seen  TEXT NOT NULL,             -- UTC time of the first review
    first_day   TEXT NOT NULL              -- local date of the first review: the daily new-card limit
);
CREATE INDEX card_due ON card (due);
CREATE INDEX card_first_day ON card (first_day);
CREATE TABLE review (
    id          INTEGER PRIMARY KEY,
    card_key    TEXT NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),  -- Again, Hard, Good, Easy
    reviewed_at TEXT NOT NULL,             -- UTC
    duration_ms INTEGER,                   -- from showing the card to the answer
    mode        TEXT NOT NULL,             -- flash, typed or choice
    before      TEXT                       -- the card row before this review as JSON, NULL if it was new
);
CREATE INDEX review_card ON review (card_key, id);
CREATE INDEX review_time ON review (reviewed_at);
"""
# Items the user set aside. Added after the first schema without a version change: an older
# cardgen ignores the table, and a store without it simply has nothing set aside.
HOLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS hold (
    key         TEXT PRIMARY KEY,          -- as card.key
    kind        TEXT NOT NULL CHECK (kind IN ('suspended', 'buried')),
    until       TEXT,                      -- buried: the local date it comes back; suspended: NULL
    held_at     TEXT NOT NULL              -- UTC
);
"""
HoldKind = Literal["suspended", "buried"]


def ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime(_TS)


def parse_ts(text: str) -> datetime:
    if not isinstance(text, str):  # SQLite keeps whatever was put in a column
        raise ValueError(f"not a time: {text!r}")
    return datetime.strptime(text, _TS).replace(tzinfo=UTC)


def _number(value: object, kind: type[int] | type[float]) -> float | None:
    """VALUE checked as an optional number (an int column may hold a float and vice versa)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValueError(f"not a number: {value!r}")
    if kind is int and value != int(value):
        raise ValueError(f"not a whole number: {value!r}")
    return value


@dataclass(frozen=True)
class Schedule:
    """One card's row: its FSRS memory state and when it was first seen."""

    key: str
    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    first_seen: datetime
    first_day: date

    def fsrs_card(self, card_id: int = 0) -> Card:
        return Card(
            card_id=card_id,
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def to_json(self) -> str:
        row = asdict(self)
        row.update(
            state=int(self.state),
            due=ts(self.due),
            first_seen=ts(self.first_seen),
            last_review=ts(self.last_review) if self.last_review else None,
            first_day=self.first_day.isoformat(),
        )
        return json.dumps(row, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Schedule:
        row = json.loads(text)
        if not isinstance(row, dict):
            raise ValueError("not a JSON object")
        fields = tuple(row[name] for name in _CARD_COLUMNS.split(", "))
        return _schedule(fields)


@dataclass(frozen=True)
class Review:
    """One row of the review log."""

    id: int
    card_key: str
    rating: Rating
    reviewed_at: datetime
    duration_ms: int | None
    mode: str
    before: Schedule | None  # None: the card was new

    @property
    def correct(self) -> bool:
        return self.rating != Rating.Again


_CARD_COLUMNS = "key, state, step, stability, difficulty, due, last_review, first_seen, first_day"
_CardRow = tuple[str, int, int | None, float | None, float | None, str, str | None, str, str]
_ReviewRow = tuple[int, str, int, str, int | None, str, str | None]


# What a damaged row raises while it is read: a bad date, number, state or JSON.
_DAMAGE = (ValueError, TypeError, KeyError, OverflowError)


def _schedule(row: Sequence[Any]) -> Schedule:
    """A card row as a `Schedule`; ValueError (or another of `_DAMAGE`) when it is damaged."""
    key, state, step, stability, difficulty, due, last_review, first_seen, first_day = row
    if not isinstance(key, str) or not isinstance(first_day, str):
        raise ValueError("not text")
    step_n = _number(step, int)
    return Schedule(
        key,
        State(state),
        None if step_n is None else int(step_n),
        _number(stability, float),
        _number(difficulty, float),
        parse_ts(due),
        parse_ts(last_review) if last_review else None,
        parse_ts(first_seen),
        date.fromisoformat(first_day),
    )


def _review(row: _ReviewRow) -> Review:
    rid, key, rating, at, duration, mode, before = row
    return Review(
        rid, key, Rating(rating), parse_ts(at), duration, mode, Schedule.from_json(before) if before else None
    )


def warn_on_stderr(text: str) -> None:
    from cardgen.text import terminal_safe

    if sys.stderr is not None:  # None when cardgen was started with stderr closed
        print(terminal_safe(text), file=sys.stderr, flush=True)


def default_path() -> Path:
    """`state.sqlite3` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("cardgen", appauthor=False) / "state.sqlite3"


class Store:
    """An open review store. Use `Store.open(path)` as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: str, warn: Callable[[str], None] = warn_on_stderr) -> None:
        self._conn = conn
        self.path = path
        self._warn = warn
        self._warned: set[str] = set()

    # --- opening --------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False, warn: Callable[[str], None] = warn_on_stderr) -> Store:
        """Open (and on first use create) the store at PATH; WARN hears of damaged rows.

        With READONLY, a missing file is not created: an empty store in memory stands in.
        Without it, a file or folder that cannot be written is refused here, before any answer.
        """
        shown = str(path)
        path = Path(path)
        if path.is_dir():
            raise StateError(f"{shown}: is a folder, not a state file")
        exists = path.exists()
        if exists and path.stat().st_size > 0:
            _check_magic(path, shown)
        if readonly and (not exists or path.stat().st_size == 0):
            return cls._empty(shown, warn)
        if readonly:
            conn = _connect(_readonly_uri(path), shown, uri=True)
        else:
            _check_writable(path, shown, exists)
            conn = _connect(str(path), shown)
        try:
            empty = _prepare(conn, shown, readonly)
        except BaseException:
            conn.close()
            raise
        if empty:
            conn.close()
            return cls._empty(shown, warn)
        return cls(conn, shown, warn)

    @classmethod
    def _empty(cls, shown: str, warn: Callable[[str], None]) -> Store:
        """A store in memory that stands in, read-only, for a file that has nothing yet."""
        conn = _connect(":memory:", shown)
        for statement in _statements(SCHEMA + HOLD_SCHEMA):
            conn.execute(statement)
        return cls(conn, shown, warn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading --------------------------------------------------------------

    def schedules(self, keys: Iterable[str] | None = None) -> dict[str, Schedule]:
        """The rows of KEYS that have been reviewed (all rows when KEYS is None)."""
        with self._guard():
            rows = self._conn.execute(f"SELECT {_CARD_COLUMNS} FROM card ORDER BY key").fetchall()
        wanted = None if keys is None else set(keys)
        out = {}
        for row in rows:
            if wanted is None or row[0] in wanted:
                schedule = self._readable(row)
                if schedule is not None:
                    out[row[0]] = schedule
        return out

    def _readable(self, row: _CardRow) -> Schedule | None:
        """ROW as a `Schedule`, or None (and one warning per card) when it is damaged: the card counts as new."""
        try:
            return _schedule(row)
        except _DAMAGE:
            if row[0] not in self._warned:
                self._warned.add(row[0])
                self._warn(
                    f"{self.path}: the saved schedule of '{row[0]}' is damaged; "
                    "it is treated as a new card, and answering it starts its schedule afresh"
                )
            return None

    def new_seen_on(self, day: date, keys: Iterable[str] | None = None) -> int:
        """How many cards (of KEYS, when given) had their first review on local DAY."""
        with self._guard():
            rows = self._conn.execute("SELECT key FROM card WHERE first_day = ?", (day.isoformat(),)).fetchall()
        if keys is None:
            return len(rows)
        wanted = set(keys)
        return sum(1 for (key,) in rows if key in wanted)

    def held(self, today: date) -> dict[str, HoldKind]:
        """The items set aside on local day TODAY: suspended ones, and those buried until a later day."""
        with self._guard():
            if not self._has_holds():
                return {}
            rows = self._conn.execute(
                "SELECT key, kind FROM hold WHERE kind = 'suspended' OR until > ? ORDER BY key", (today.isoformat(),)
            ).fetchall()
        return {key: kind for key, kind in rows if kind in ("suspended", "buried")}

    def _has_holds(self) -> bool:
        row = self._conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hold'").fetchone()
        return row is not None

    def reviews(self, since: datetime | None = None) -> list[Review]:
        """The review log, oldest first."""
        sql = "SELECT id, card_key, rating, reviewed_at, duration_ms, mode, before FROM review"
        args: tuple[str, ...] = ()
        if since is not None:
            sql += " WHERE reviewed_at >= ?"
            args = (ts(since),)
        with self._guard():
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        out, damaged = [], 0
        for row in rows:
            try:
                out.append(_review(row))
            except _DAMAGE:
                damaged += 1
        if damaged and "review log" not in self._warned:
            self._warned.add("review log")
            self._warn(f"{self.path}: {damaged} row(s) of the review log are damaged; they are left out")
        return out

    # --- writing --------------------------------------------------------------

    def review(
        self,
        key: str,
        rating: Rating,
        *,
        now: datetime,
        scheduler: Scheduler,
        mode: str,
        duration_ms: int | None = None,
    ) -> Review:
        """Schedule KEY after RATING at NOW and log it, in one committed transaction."""
        with self._write():
            return self._review(key, rating, now, scheduler, mode, duration_ms)

    def undo(self, review_id: int) -> Review:
        """Delete log row REVIEW_ID and put its card back as it was before that review."""
        with self._write():
            return self._undo(review_id)

    def regrade(self, review_id: int, rating: Rating, scheduler: Scheduler) -> Review:
        """Replace review REVIEW_ID by one with RATING, at the same time, in one transaction."""
        with self._write():
            old = self._undo(review_id)
            return self._review(old.card_key, rating, old.reviewed_at, scheduler, old.mode, old.duration_ms)

    def hold(self, key: str, kind: HoldKind, now: datetime) -> None:
        """Set KEY aside: suspended until released, buried until the next local day."""
        until = (local_day(now) + timedelta(days=1)).isoformat() if kind == "buried" else None
        with self._write():
            self._conn.execute(
                "INSERT INTO hold (key, kind, until, held_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET kind = excluded.kind, until = excluded.until, held_at = excluded.held_at",
                (key, kind, until, ts(now)),
            )

    def release(self, keys: Iterable[str], kind: HoldKind | None = None) -> int:
        """Bring KEYS back (only those held as KIND, when given); how many were held."""
        wanted = sorted(set(keys))
        released = 0
        with self._write():
            for key in wanted:
                if kind is None:
                    cursor = self._conn.execute("DELETE FROM hold WHERE key = ?", (key,))
                else:
                    cursor = self._conn.execute("DELETE FROM hold WHERE key = ? AND kind = ?", (key, kind))
                released += cursor.rowcount
        return released

    def _review(
        self, key: str, rating: Rating, now: datetime, scheduler: Scheduler, mode: str, duration_ms: int | None
    ) -> Review:
        row = self._conn.execute(f"SELECT id, {_CARD_COLUMNS} FROM card WHERE key = ?", (key,)).fetchone()
        before = self._readable(row[1:]) if row else None
        card = before.fsrs_card(row[0]) if before else Card(card_id=0, due=now)
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=now.astimezone(UTC))
        first_seen = before.first_seen if before else now
        first_day = before.first_day if before else local_day(now)
        after = Schedule(
            key,
            card.state,
            card.step,
            card.stability,
            card.difficulty,
            card.due,
            card.last_review,
            first_seen,
            first_day,
        )
        self._conn.execute(
            f"INSERT INTO card ({_CARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET state = excluded.state, step = excluded.step, "
            "stability = excluded.stability, difficulty = excluded.difficulty, due = excluded.due, "
            "last_review = excluded.last_review, first_seen = excluded.first_seen, first_day = excluded.first_day",
            (
                key,
                int(after.state),
                after.step,
                after.stability,
                after.difficulty,
                ts(after.due),
                ts(after.last_review) if after.last_review else None,
                ts(first_seen),
                first_day.isoformat(),
            ),
        )
        cur = self._conn.execute(
            "INSERT INTO review (card_key, rating, reviewed_at, duration_ms, mode, before) VALUES (?, ?, ?, ?, ?, ?)",
            (key, int(rating), ts(now), duration_ms, mode, before.to_json() if before else None),
        )
        assert cur.lastrowid is not None  # set by every INSERT
        return Review(cur.lastrowid, key, Rating(rating), parse_ts(ts(now)), duration_ms, mode, before)

    def _undo(self, review_id: int) -> Review:
        row = self._conn.execute(
            "SELECT id, card_key, rating, reviewed_at, duration_ms, mode, before FROM review WHERE id = ?", (review_id,)
        ).fetchone()
        if row is None:
            raise StateError(f"{self.path}: review {review_id} is no longer in the log; nothing to undo")
        try:
            old = _review(row)
        except _DAMAGE:
            raise StateError(f"{self.path}: review {review_id} is damaged in the log; cannot undo it") from None
        (latest,) = self._conn.execute("SELECT max(id) FROM review WHERE card_key = ?", (old.card_key,)).fetchone()
        if latest != review_id:
            raise StateError(f"'{old.card_key}' was reviewed again since (another session?); cannot undo")
        if old.before is None:
            self._conn.execute("DELETE FROM card WHERE key = ?", (old.card_key,))
        else:
            b = old.before
            self._conn.execute(
                "UPDATE card SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, "
                "first_seen = ?, first_day = ? WHERE key = ?",
                (
                    int(b.state),
                    b.step,
                    b.stability,
                    b.difficulty,
                    ts(b.due),
                    ts(b.last_review) if b.last_review else None,
                    ts(b.first_seen),
                    b.first_day.isoformat(),
                    b.key,
                ),
            )
        self._conn.execute("DELETE FROM review WHERE id = ?", (review_id,))
        return old

    # --- transactions and errors ----------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        with self._guard():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                # Also on Ctrl-C: the half-done answer must vanish, not linger in an open transaction.
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _guard(self) -> AbstractContextManager[None]:
        return _sqlite_errors(str(self.path))


@contextmanager
def _sqlite_errors(shown: str, suffix: str = "") -> Iterator[None]:
    """SQLite's exceptions as one-line `StateError`s naming the file."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StateError(f"{shown}: busy: another program kept it locked; try again") from None
        raise StateError(f"{shown}: cannot use the state file ({exc}){suffix}") from None
    except sqlite3.DatabaseError as exc:
        raise StateError(f"{shown}: the state file is damaged ({exc}){suffix}") from None


def _check_magic(path: Path, shown: str) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StateError(f"{shown}: cannot read: {exc.strerror}") from None
    if head != _SQLITE_MAGIC:
        raise StateError(f"{shown}: not a cardgen state file (not an SQLite database); it was left unchanged")


def _check_writable(path: Path, shown: str, exists: bool) -> None:
    """Refuse a state file that cannot be written before a session starts, not at its first answer."""
    folder = path.parent
    if exists and not os.access(path, os.R_OK | os.W_OK):
        raise StateError(
            f"{shown}: the state file is read-only, so answers could not be saved; "
            "make it writable or use another state file (statistics and cram only read it)"
        )
    if not exists:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{shown}: cannot create its folder: {exc.strerror}") from None
    # SQLite keeps its -wal and -shm files beside the state file.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StateError(
            f"{shown}: its folder is read-only, so answers could not be saved; "
            "make the folder writable or use another state file (statistics and cram only read it)"
        )


def _readonly_uri(path: Path) -> str:
    """A URI that opens PATH without writing anything, not even SQLite's -shm and -wal files.

    Without a -wal file, no session has the store open and everything is in the file
    itself: `immutable` reads it without the -shm file a WAL reader otherwise creates,
    which a read-only folder could not hold. With a -wal file, answers may still be in
    it, so SQLite must read it: plain read-only mode.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    return uri if wal.exists() else uri + "&immutable=1"


def _connect(target: str, shown: str, uri: bool = False) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        raise StateError(f"{shown}: cannot open: {exc}") from None
    return conn


def _prepare(conn: sqlite3.Connection, shown: str, readonly: bool) -> bool:
    """Check the file is ours (or empty), create the schema if empty, switch to WAL.

    True when READONLY found an empty database: the caller stands in an empty store.
    """
    with _sqlite_errors(shown, "; it was left unchanged"):
        app_id, version, objects = _identity(conn)
        if app_id == 0 and objects == 0:
            if readonly:
                return True
            # Two sessions may start on a new file at once: the check is repeated under the lock.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                app_id, version, objects = _identity(conn)
                if app_id == 0 and objects == 0:
                    for statement in _statements(SCHEMA):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    app_id, version = APPLICATION_ID, SCHEMA_VERSION
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        _check_identity(conn, shown, app_id, version)
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            _probe_write(conn, shown, version)
            conn.execute(HOLD_SCHEMA.strip())
        return False


def _probe_write(conn: sqlite3.Connection, shown: str, version: int) -> None:
    """Write page 1 and roll back: what the permission checks miss (a read-only mount, ACLs) shows now."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA user_version = {int(version)}")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorname.startswith("SQLITE_READONLY"):
            raise StateError(
                f"{shown}: the state file cannot be written ({exc}), so answers could not be saved; "
                "make it writable or use another state file"
            ) from None
        raise
    finally:
        conn.execute("ROLLBACK")


def _identity(conn: sqlite3.Connection) -> tuple[int, int, int]:
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    (objects,) = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return app_id, version, objects


def _check_identity(conn: sqlite3.Connection, shown: str, app_id: int, version: int) -> None:
    if app_id != APPLICATION_ID:
        raise StateError(
            f"{shown}: an SQLite database of another program, not a cardgen state file; "
            "it was left unchanged (choose another state file)"
        )
    if version > SCHEMA_VERSION:
        raise StateError(
            f"{shown}: written by a newer cardgen (schema {version}, this one knows {SCHEMA_VERSION}); upgrade cardgen"
        )
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"card", "review"} <= tables:
        raise StateError(f"{shown}: the state file is damaged (tables missing); it was left unchanged")


def _statements(script: str) -> list[str]:
    """SCHEMA split into statements (sqlite3 decides where one ends, comments included)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return out
