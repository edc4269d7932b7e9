"""The SQLite review store: a real file, WAL, answers that survive, two writers, foreign and damaged files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Rating, State

from cardgen.errors import CardgenError
from cardgen.review.schedule import make_scheduler
from cardgen.errors import StateError
from cardgen.review.store import APPLICATION_ID, SCHEMA_VERSION, Store
from conftest import ROOT

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
SCHED = make_scheduler(fuzz=False)


def review(store: Store, key: str, rating: Rating = Rating.Good, now: datetime = T0):
    return store.review(key, rating, now=now, scheduler=SCHED, mode="flash", duration_ms=1234)


def test_a_new_file_is_a_wal_database_marked_as_cardgen(tmp_path):
    path = tmp_path / "deep" / "state.sqlite3"
    with Store.open(path) as store:
        review(store, "virtualization/definition.forward")
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert raw.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    rows = raw.execute("SELECT card_key, rating, reviewed_at, duration_ms, mode, before FROM review").fetchall()
    assert rows == [("virtualization/definition.forward", 3, "2024-05-01T09:00:00.000000Z", 1234, "flash", None)]
    (due,) = raw.execute("SELECT due FROM card").fetchone()
    assert due == "2024-05-01T09:10:00.000000Z"  # Good on a new card: the second 10-minute learning step


def test_an_answer_is_on_disk_before_the_call_returns(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = Store.open(path)
    review(store, "a/x", Rating.Again)
    # A second, independent connection sees it while the first is still open: it was committed.
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM review").fetchone() == (1,)
    assert other.execute("SELECT state FROM card WHERE key = 'a/x'").fetchone() == (int(State.Learning),)
    store.close()


def test_the_next_session_continues_from_the_stored_schedule(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store.open(path) as store:
        review(store, "k")  # learning step 1, due in 10 minutes
    with Store.open(path) as store:
        review(store, "k", now=T0 + timedelta(minutes=10))  # graduates
        after = store.schedules()["k"]
    assert after.state == State.Review
    assert after.due - (T0 + timedelta(minutes=10)) >= timedelta(days=1)
    assert after.first_seen == T0


def test_undo_restores_the_previous_row_and_deletes_the_log_row(tmp_path):
    with Store.open(tmp_path / "s.sqlite3") as store:
        first = review(store, "k")
        before = store.schedules()["k"]
        second = review(store, "k", Rating.Again, T0 + timedelta(minutes=10))
        assert store.schedules()["k"] != before
        store.undo(second.id)
        assert store.schedules()["k"] == before
        assert [r.id for r in store.reviews()] == [first.id]
        store.undo(first.id)
        assert store.schedules() == {}
        assert store.reviews() == []
        assert store.new_seen_on(T0.date()) == 0


def test_regrade_replaces_the_answer_at_its_original_time(tmp_path):
    with Store.open(tmp_path / "s.sqlite3") as store:
        first = review(store, "k", Rating.Again)
        new = store.regrade(first.id, Rating.Easy, SCHED)
        (only,) = store.reviews()
        assert (only.id, only.rating, only.reviewed_at, only.duration_ms) == (new.id, Rating.Easy, T0, 1234)
        assert store.schedules()["k"].state == State.Review  # Easy on a new card skips learning


def test_two_connections_never_lose_an_update(tmp_path):
    path = tmp_path / "s.sqlite3"
    a, b = Store.open(path), Store.open(path)
    review(a, "k")
    seen_by_a = a.schedules()["k"]
    second = review(b, "k", now=T0 + timedelta(minutes=10))
    assert second.before == seen_by_a  # b scheduled from a's committed row, not from a stale copy
    with pytest.raises(StateError, match="reviewed again since"):
        a.undo(a.reviews()[0].id)  # a's answer is no longer the latest for the card
    assert len(a.reviews()) == 2
    a.close()
    b.close()


WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from fsrs import Rating
from cardgen.review.schedule import make_scheduler
from cardgen.review.store import Store
store = Store.open(sys.argv[1])
sched = make_scheduler(False)
print("ready", flush=True)
sys.stdin.readline()
t0 = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
for n in range(int(sys.argv[3])):
    store.review(f"card{n % 5}", Rating(1 + n % 4), now=t0 + timedelta(minutes=n), scheduler=sched,
                 mode=sys.argv[2])
print("done", flush=True)
"""


def test_two_processes_writing_at_once(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    env = {"PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, "40"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("one", "two")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:  # both are connected; now let them race
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert raw.execute("SELECT mode, count(*) FROM review GROUP BY mode ORDER BY mode").fetchall() == [
        ("one", 40), ("two", 40)]
    with Store.open(path) as store:
        reviews = store.reviews()
        schedules = store.schedules()
    # Every review started from the row the previous review of that card left: a chain, no lost update.
    for key in schedules:
        chain = [r for r in reviews if r.card_key == key]
        assert chain[0].before is None
        for earlier, later in zip(chain, chain[1:]):
            assert later.before is not None and later.before.last_review == earlier.reviewed_at


# --- files that are not ours ----------------------------------------------------

def _foreign_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('someone else''s data')")
    db.commit()
    db.close()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"this is not a database\n" * 100), "not an SQLite database"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000), "damaged"),
    (_foreign_db, "another program"),
])
@pytest.mark.parametrize("readonly", [False, True])
def test_foreign_or_damaged_files_are_refused_and_left_alone(tmp_path, make, message, readonly):
    path = tmp_path / "state.sqlite3"
    make(path)
    before = path.read_bytes()
    with pytest.raises(StateError, match=message) as info:
        Store.open(path, readonly=readonly)
    assert isinstance(info.value, CardgenError)
    assert str(info.value).startswith(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite3"]


def test_a_store_from_a_newer_cardgen_is_refused(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StateError, match="newer cardgen"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StateError, match="is a folder"):
        Store.open(tmp_path)


def test_an_empty_file_becomes_a_store(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.touch()
    with Store.open(path) as store:
        review(store, "k")
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)


def test_read_only_never_creates_the_file(tmp_path):
    path = tmp_path / "missing" / "s.sqlite3"
    with Store.open(path, readonly=True) as store:
        assert store.schedules() == {}
        assert store.new_seen_on(T0.date()) == 0
    assert not path.parent.exists()


def test_read_only_sees_what_was_written(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store.open(path) as store:
        review(store, "k")
    with Store.open(path, readonly=True) as store:
        assert list(store.schedules()) == ["k"]


def test_the_default_state_file_is_in_the_user_data_folder(monkeypatch, tmp_path):
    from cardgen.review.quiz import state_path
    from cardgen.review.store import default_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "cardgen" / "state.sqlite3"
    assert state_path(None, {}) == default_path()
    assert state_path(None, {"CARDGEN_STATE": "/x/y.db"}) == Path("/x/y.db")
    assert state_path(Path("mine.db"), {"CARDGEN_STATE": "/x/y.db"}) == Path("mine.db")
