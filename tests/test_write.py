"""`cardgen.write`: the one writer, on real folders, real processes and a real second user."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, require_program

from cardgen.errors import OutputError
from cardgen.write import (
    LOCK,
    MANIFEST,
    MAX_NAME_BYTES,
    Written,
    safe_file_name,
    write_output,
)

MOVE = "move it away or choose another output folder"


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under FOLDER, hidden ones too: file bytes, link targets, and folders."""
    entries: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            entries[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[rel] = "folder"
        else:
            entries[rel] = path.read_bytes()
    return entries


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.cardgen-tmp"))


def manifest(folder: Path) -> dict[str, list[str]]:
    doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert doc["format"] == 1
    owners: dict[str, list[str]] = doc["owners"]
    return owners


def refused(call: Callable[[], object]) -> str:
    """The one-line message of the `OutputError` CALL raises; it names no command-line flag."""
    with pytest.raises(OutputError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and not re.search(r"(^|\s)--?[a-z]", message), message
    return message


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder holding a previous build: two files, one in a subfolder."""
    folder = tmp_path / "out"
    write_output(folder, {"a.txt": b"old a", "sub/b.txt": b"old b"}, owner="build")
    return folder.resolve()


# --- ownership and the manifest ---------------------------------------------------------------------

def test_first_write_makes_the_folder_and_marks_it(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "out"
    written = write_output(folder, {"sub/가.html": b"A", "b.txt": b"B"}, owner="build")
    assert written == Written(folder, (folder / "b.txt", folder / "sub" / "가.html"), ())
    assert (folder / "sub" / "가.html").read_bytes() == b"A" and (folder / "b.txt").read_bytes() == b"B"
    assert (folder / MANIFEST).read_bytes() == (
        '{\n  "format": 1,\n  "owners": {\n    "build": [\n      "b.txt",\n      "sub/가.html"\n    ]\n  }\n}\n'
    ).encode()
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, LOCK, "b.txt", "sub"]


def test_files_are_readable_as_the_umask_allows(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_output(tmp_path / "out", {"a.txt": b"a"}, owner="build")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out" / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out" / MANIFEST).stat().st_mode) == 0o644


def test_a_new_run_replaces_its_files_and_removes_the_ones_it_no_longer_makes(out: Path) -> None:
    write_output(out, {"a.txt": b"a", "old/x.txt": b"x", "keep/y.txt": b"y"}, owner="build")
    (out / "keep" / "mine.txt").write_text("the user's")
    written = write_output(out, {"a.txt": b"new a", "keep/z.txt": b"z"}, owner="build")
    assert written.removed == (out / "keep" / "y.txt", out / "old" / "x.txt")
    assert (out / "a.txt").read_bytes() == b"new a"
    assert not (out / "old").exists() and not (out / "sub").exists()  # emptied folders go too
    assert sorted(p.name for p in (out / "keep").iterdir()) == ["mine.txt", "z.txt"]
    assert manifest(out) == {"build": ["a.txt", "keep/z.txt"]}


def test_other_owners_files_are_never_removed_and_a_file_can_change_owner(out: Path) -> None:
    write_output(out, {"exams/e1.html": b"1", "exams/shared.html": b"s"}, owner="exam:s1")
    write_output(out, {"a.txt": b"a", "exams/shared.html": b"from build"}, owner="build")
    assert manifest(out) == {"build": ["a.txt", "exams/shared.html"], "exam:s1": ["exams/e1.html"]}
    write_output(out, {"exams/e2.html": b"2", "exams/shared.html": b"from exam"}, owner="exam:s1")
    assert manifest(out) == {"build": ["a.txt"], "exam:s1": ["exams/e2.html", "exams/shared.html"]}
    written = write_output(out, {"a.txt": b"a"}, owner="build")
    assert written.removed == ()
    assert (out / "exams" / "shared.html").read_bytes() == b"from exam"
    assert sorted(p.name for p in (out / "exams").iterdir()) == ["e2.html", "shared.html"]


def test_a_folder_inside_an_output_joins_its_manifest(out: Path) -> None:
    written = write_output(out / "exams", {"x.html": b"x"}, owner="exam:s7")
    assert written.root == out and written.files == (out / "exams" / "x.html",)
    assert not (out / "exams" / MANIFEST).exists()
    assert manifest(out) == {"build": ["a.txt", "sub/b.txt"], "exam:s7": ["exams/x.html"]}
    write_output(out / "sub", {"c.txt": b"c"}, owner="exam:s8")  # sub/ already holds the build's file
    assert manifest(out)["exam:s8"] == ["sub/c.txt"]


def test_a_stale_entry_that_is_no_longer_a_regular_file_is_left_alone(out: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (out / "sub" / "b.txt").unlink()
    (out / "sub" / "b.txt").symlink_to(secret)
    assert write_output(out, {"a.txt": b"a"}, owner="build").removed == ()
    assert (out / "sub" / "b.txt").is_symlink() and secret.read_text() == "secret"


# --- refusals ------------------------------------------------------------------------------------------

def test_refuses_a_folder_that_cardgen_did_not_make(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    message = refused(lambda: write_output(folder, {"thesis.txt": b"x", "a.txt": b"a"}, owner="build"))
    assert message == f"{folder}: is not empty and was not made by cardgen; choose a new or empty folder"
    assert snapshot(folder) == {"thesis.txt": b"years of work"}


@pytest.mark.parametrize("kind", ["file", "link"])
def test_refuses_an_output_path_that_is_a_file_or_a_link(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    path = tmp_path / "out"
    if kind == "file":
        path.write_text("a file")
        expected = f"{path}: exists and is not a folder; choose a new or empty folder"
    else:
        path.symlink_to(target)  # an empty folder: followed, it would be accepted
        expected = f"{path}: is a symbolic link; choose the folder it points to or another folder"
    assert refused(lambda: write_output(path, {"a.txt": b"a"}, owner="build")) == expected
    assert path.is_symlink() == (kind == "link") and list(target.iterdir()) == []


@pytest.mark.parametrize("place", ["guard is the folder", "guard inside", "cwd is the folder", "cwd inside",
                                   "home is the folder", "home inside"])
def test_refuses_a_folder_that_is_or_holds_something_precious(
        out: Path, place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (out / "inner").mkdir()
    precious = out if place.endswith("the folder") else out / "inner"
    guard = [precious] if place.startswith("guard") else []
    what = {"guard": f"the fact base {precious}", "cwd": "the current folder", "home": "your home folder"}
    if place.startswith("cwd"):
        monkeypatch.chdir(precious)
    if place.startswith("home"):
        monkeypatch.setenv("HOME", str(precious))
    before = snapshot(out)
    message = refused(lambda: write_output(out, {"a.txt": b"a"}, owner="build", guard=guard))
    assert message == f"{out}: is or contains {what[place.split()[0]]}; choose a separate folder for the output"
    assert snapshot(out) == before


def _user_file(out: Path, outside: Path) -> str:
    (out / "b.txt").write_text("the user's")
    return "b.txt"


def _listed_link(out: Path, outside: Path) -> str:
    (out / "a.txt").unlink()
    (out / "a.txt").symlink_to(outside / "file.txt")
    return "a.txt"


def _folder(out: Path, outside: Path) -> str:
    (out / "c.txt").mkdir()
    return "c.txt"


def _linked_subfolder(out: Path, outside: Path) -> str:
    shutil.rmtree(out / "sub")
    (out / "sub").symlink_to(outside)
    return "sub"


def _file_as_subfolder(out: Path, outside: Path) -> str:
    (out / "d").write_text("the user's")
    return "d"


@pytest.mark.parametrize(("plant", "write", "problem"), [
    (_user_file, "b.txt", "exists and was not written by cardgen"),
    (_listed_link, "a.txt", "is a symbolic link where cardgen would write a file"),
    (_folder, "c.txt", "is a folder where cardgen would write a file"),
    (_linked_subfolder, "sub/b.txt", "is a link or a file where cardgen needs a folder"),
    (_file_as_subfolder, "d/e.txt", "is a link or a file where cardgen needs a folder"),
])
def test_refuses_to_replace_an_entry_cardgen_did_not_write(
        out: Path, tmp_path: Path, plant: Callable[[Path, Path], str], write: str, problem: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file.txt").write_text("outside")
    blocked = plant(out, outside)
    before, before_outside = snapshot(out), snapshot(outside)
    message = refused(lambda: write_output(out, {"a.txt": b"new", write: b"new"}, owner="build"))
    assert message == f"{out / blocked}: {problem}; {MOVE}"
    assert snapshot(out) == before and snapshot(outside) == before_outside


@pytest.mark.parametrize("bad", ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", MANIFEST,
                                 "sub/.x.cardgen-tmp"])
def test_refuses_a_path_that_leaves_the_folder_or_is_reserved(tmp_path: Path, bad: str) -> None:
    folder = tmp_path / "out"
    message = refused(lambda: write_output(folder, {"ok.txt": b"ok", bad: b"x"}, owner="build"))
    assert message.startswith(f"{bad!r}: ")
    assert not folder.exists() and not (tmp_path / "x").exists()


def test_refuses_a_path_that_is_both_a_file_and_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    message = refused(lambda: write_output(folder, {"a": b"1", "a/b": b"2"}, owner="build"))
    assert message.startswith(f"{folder.resolve() / 'a'}: would be both a file and a folder")
    assert not folder.exists()


def test_a_damaged_manifest_never_leads_outside_the_folder(out: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / MANIFEST).write_text(json.dumps({"format": 1, "owners": {"build": ["a.txt", "../victim.txt"]}}))
    message = refused(lambda: write_output(out, {"a.txt": b"a"}, owner="build"))
    assert message == f"{out / MANIFEST}: is damaged; restore it from a backup or choose a new output folder"
    assert victim.read_text() == "keep me"


# --- failures keep the previous output -------------------------------------------------------------------

def test_disk_full_while_writing_keeps_the_previous_output(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC from a monkeypatched `os.fsync` on the last file, after the others' temporary files exist."""
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        if ".c.txt." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    before = snapshot(out)
    monkeypatch.setattr(os, "fsync", full_disk)
    message = refused(lambda: write_output(out, {"a.txt": b"new", "sub/b.txt": b"new", "new/c.txt": b"c"},
                                           owner="build"))
    assert message == f"{out / 'new' / 'c.txt'}: No space left on device; free some disk space or choose another output folder"
    assert snapshot(out) == before  # no temporary file, no new folder, the manifest as it was


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB tmpfs; skipped where mounting is not permitted (not root, or no
    CAP_SYS_ADMIN), except in CI."""
    mount = require_program("mount")
    point = tmp_path / "tiny"
    point.mkdir()
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(point)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        reason = f"cannot mount a tmpfs here: {done.stderr.decode().strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI runs as root, where mounting must work)")
        pytest.skip(reason)
    try:
        yield point
    finally:
        subprocess.run([require_program("umount"), str(point)], check=True)


def test_a_really_full_disk_keeps_the_previous_output(tiny_disk: Path) -> None:
    """ENOSPC from a real, tiny tmpfs."""
    folder = tiny_disk / "out"
    write_output(folder, {"a.txt": b"old a"}, owner="build")
    before = snapshot(folder)
    message = refused(lambda: write_output(folder, {"a.txt": b"new", "big.bin": bytes(1 << 20)}, owner="build"))
    assert message == f"{folder / 'big.bin'}: No space left on device; free some disk space or choose another output folder"
    assert snapshot(folder) == before


def test_a_name_too_long_is_reported_before_anything_is_written(out: Path) -> None:
    before = snapshot(out)
    long = "x" * 300
    message = refused(lambda: write_output(out, {"a.txt": b"new", long: b"x"}, owner="build"))
    assert message == f"{out / long}: File name too long; choose a shorter folder or file name"
    assert snapshot(out) == before


def test_a_name_near_the_limit_still_leaves_room_for_its_temporary_file(tmp_path: Path) -> None:
    name = "x" * 250 + ".txt"
    written = write_output(tmp_path / "out", {name: b"x"}, owner="build")
    assert written.files[0].read_bytes() == b"x"


NOBODY_WRITER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from cardgen.errors import OutputError
    from cardgen.write import write_output
    try:
        write_output(Path(sys.argv[1]), {"a.txt": b"new a", "sub/b.txt": b"new b"}, owner="build")
        print(json.dumps({"ok": True}))
    except OutputError as e:
        print(json.dumps({"error": str(e)}))
""")


@pytest.fixture
def shared_out() -> Iterator[Path]:
    """A previous output in a folder another user can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="cardgen-write-test-"))
    try:
        base.chmod(0o755)
        folder = base / "out"
        write_output(folder, {"a.txt": b"old a", "sub/b.txt": b"old b"}, owner="build")
        yield folder.resolve()
    finally:
        for path in (base, *base.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(base)


def run_as_other_user(script: str, *args: str) -> dict[str, object]:
    """Run SCRIPT as a user for whom permissions hold: `nobody` when the tests run as root."""
    command = [sys.executable, "-c", script, *args]
    if os.geteuid() == 0:
        command = [require_program("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("read_only", ["sub", "."])
def test_permission_denied_for_a_real_user_keeps_the_previous_output(shared_out: Path, read_only: str) -> None:
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for path in (shared_out, *shared_out.rglob("*")):
            os.chown(path, nobody.pw_uid, nobody.pw_gid, follow_symlinks=False)
    (shared_out / read_only).chmod(0o555)
    before = snapshot(shared_out)
    result = run_as_other_user(NOBODY_WRITER, str(shared_out))
    blocked = shared_out / "sub" / "b.txt" if read_only == "sub" else shared_out / MANIFEST
    assert result == {"error": f"{blocked}: Permission denied; check the folder's permissions or choose another output folder"}
    assert snapshot(shared_out) == before


# --- concurrent and killed runs -------------------------------------------------------------------------

CONCURRENT_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from cardgen.write import write_output
    folder, go, name, runs = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    while not go.exists():
        time.sleep(0.001)
    for run in range(runs):
        tag = f"{name}-{run};".encode()
        files = {"big/a.bin": tag * (3_000_000 // len(tag)), "b.bin": tag * 50_000, "c.txt": tag}
        write_output(folder, files, owner="build")
        print("ok", run, flush=True)
""")


@pytest.mark.slow
def test_concurrent_runs_into_one_folder_take_turns(tmp_path: Path) -> None:
    folder, go = tmp_path / "out", tmp_path / "go"
    writers, runs = 4, 6
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT_WRITER, str(folder), str(go), f"w{n}", str(runs)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for n in range(writers)]
    time.sleep(0.5)  # let every writer start and wait for the signal
    go.touch()
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (stdout, stderr) in zip(procs, outputs):
        assert proc.returncode == 0, stderr
        assert stdout.split("\n")[:-1] == [f"ok {run}" for run in range(runs)]
    assert manifest(folder) == {"build": ["b.bin", "big/a.bin", "c.txt"]}
    tag = (folder / "c.txt").read_bytes()
    assert re.fullmatch(rb"w\d-\d;", tag)
    assert (folder / "big" / "a.bin").read_bytes() == tag * (3_000_000 // len(tag))
    assert (folder / "b.bin").read_bytes() == tag * 50_000
    assert temp_files(folder) == []


KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from cardgen.write import write_output
    folder, ready = Path(sys.argv[1]), Path(sys.argv[2])
    real_fsync = os.fsync

    def hang_on_the_last_file(fd):
        real_fsync(fd)
        if ".c.bin." in os.readlink(f"/proc/self/fd/{fd}"):
            ready.touch()
            time.sleep(60)

    os.fsync = hang_on_the_last_file
    write_output(folder, {"a.txt": b"killed a", "sub/b.txt": b"killed b", "sub/c.bin": bytes(1 << 20)},
                 owner="build")
""")


@pytest.mark.parametrize("previous", [True, False], ids=["over a previous output", "into a new folder"])
def test_a_killed_run_leaves_the_old_output_and_the_next_run_cleans_up(tmp_path: Path, previous: bool) -> None:
    folder, ready = tmp_path / "out", tmp_path / "ready"
    if previous:
        write_output(folder, {"a.txt": b"old a", "sub/b.txt": b"old b"}, owner="build")
    before = {rel: data for rel, data in snapshot(folder).items() if isinstance(data, bytes) and rel not in (MANIFEST, LOCK)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(folder), str(ready)],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ready.exists(), proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    debris = temp_files(folder)
    assert [p.parent.name for p in debris] == ["out", "sub", "sub"]  # the kill came while all three waited
    after_kill = {rel: data for rel, data in snapshot(folder).items()
                  if isinstance(data, bytes) and rel not in (MANIFEST, LOCK) and not rel.endswith(".cardgen-tmp")}
    assert after_kill == before

    written = write_output(folder, {"a.txt": b"next a"}, owner="build")
    assert temp_files(folder) == []
    assert written.removed == ((folder.resolve() / "sub" / "b.txt",) if previous else ())
    assert sorted(snapshot(folder)) == sorted([MANIFEST, LOCK, "a.txt"])  # no folder left empty
    assert (folder / "a.txt").read_bytes() == b"next a"


def test_debris_cleanup_removes_only_cardgen_temporary_files(out: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("outside")
    (out / "sub" / ".b.txt.k2j3h4.cardgen-tmp").write_text("left by a killed run")
    (out / ".link.cardgen-tmp").symlink_to(outside)
    (out / "sub" / "notes.cardgen-tmp").write_text("a user's file")
    write_output(out, {"a.txt": b"a", "sub/b.txt": b"b"}, owner="build")
    assert sorted(str(p.relative_to(out)) for p in temp_files(out)) == [".link.cardgen-tmp", "sub/notes.cardgen-tmp"]
    assert outside.read_text() == "outside"


# --- file names ----------------------------------------------------------------------------------------

def short_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@pytest.mark.parametrize(("name", "expected"), [
    ("Docker::1. 가상화와 컨테이너", "Docker - 1. 가상화와 컨테이너.apkg"),
    ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j.apkg"),
    ("bell\x07 next\x85 rtl\u202eevil\u2066", "bell_ next_ rtl_evil_.apkg"),
    ("  ..deck.. ", "deck.apkg"),
    ("e\u0301te\u0301", "\u00e9t\u00e9.apkg"),
    ("\u1100\u1161\u11a8", "각.apkg"),
    ("CON", "_CON.apkg"), ("con", "_con.apkg"), ("Com1", "_Com1.apkg"), ("LPT9", "_LPT9.apkg"),
    ("nul.tar", "_nul.tar.apkg"), ("aux .x", "_aux .x.apkg"), ("COM10", "COM10.apkg"), ("CONSOLE", "CONSOLE.apkg"),
    ("...", "_.apkg"),
])
def test_safe_file_name(name: str, expected: str, tmp_path: Path) -> None:
    result = safe_file_name(name, ".apkg")
    assert result == expected
    (tmp_path / result).write_bytes(b"")


def test_a_long_korean_deck_name_is_cut_at_a_character_and_stays_unique(tmp_path: Path) -> None:
    syllables = "가상화와컨테이너를이용한배포전략"
    name = "Docker::" + (syllables * 7)[:94]
    assert len(name) == 102
    result = safe_file_name(name, ".apkg")
    assert len(result.encode("utf-8")) <= MAX_NAME_BYTES and result.endswith(f"-{short_hash(name)}.apkg")
    stem = result.removesuffix(f"-{short_hash(name)}.apkg")
    assert ("Docker - " + (syllables * 7)[:94]).startswith(stem) and len(stem.encode()) > MAX_NAME_BYTES - 20
    assert safe_file_name(name, ".apkg") == result
    other = safe_file_name(name[:-1] + "다", ".apkg")
    assert other != result and other.removesuffix(".apkg")[:-9] == stem
    (tmp_path / result).write_bytes(b"deck")
    written = write_output(tmp_path / "out", {result: b"deck", other: b"other"}, owner="anki")
    assert [p.name for p in written.files] == sorted([result, other])


@pytest.mark.parametrize(("tail", "kept"), [
    ("e" + "\u0301" * 10, 184),      # é and nine more accents: all belong to one character
    ("\u1100\u119e" * 3, 183),       # old Hangul jamo that NFC cannot compose: never a lone initial
])
def test_a_cut_never_splits_a_character(tail: str, kept: int) -> None:
    name = "x" * kept + tail
    result = safe_file_name(name, ".apkg")
    assert result == "x" * kept + f"-{short_hash(name)}.apkg"


def test_a_name_that_collides_ignoring_case_gets_a_stable_hash(tmp_path: Path) -> None:
    first = safe_file_name("Deck", ".apkg")
    second = safe_file_name("DECK", ".apkg", taken={first})
    assert second == f"DECK-{short_hash('DECK')}.apkg"
    third = safe_file_name("DECK", ".apkg", taken={first, second.lower()})
    assert third not in (first, second) and third.lower() != second.lower()
    assert safe_file_name("a:b", ".apkg", taken={safe_file_name("a/b", ".apkg")}) == f"a_b-{short_hash('a:b')}.apkg"
    for name in (first, second, third):
        (tmp_path / name).write_bytes(b"")
    assert len(list(tmp_path.iterdir())) == 3
    assert unicodedata.is_normalized("NFC", second)


def test_a_folder_holding_only_other_cardgen_outputs_may_become_one(tmp_path: Path) -> None:
    """`cardgen exam` into dist/exams first, then `cardgen build` into dist."""
    write_output(tmp_path / "dist" / "exams", {"exam-s7-A.html": b"seven"}, owner="exam:s7")
    written = write_output(tmp_path / "dist", {"exams/exam-s0-A.html": b"zero"}, owner="build")
    assert written.root == (tmp_path / "dist").resolve()
    assert (tmp_path / "dist" / "exams" / "exam-s7-A.html").read_bytes() == b"seven"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "sub").mkdir()
    with pytest.raises(OutputError, match="is not empty and was not made by cardgen"):
        write_output(tmp_path / "other", {"x": b""}, owner="build")  # a plain subfolder is the user's
