"""The one writer: every command's files go into an output folder through `write_output`.

A command hands over its files (relative path -> bytes) and an owner name. The
folder is marked as cardgen's by a manifest, `.cardgen-output.json`, listing the
files each owner (a build, one exam, the Anki decks) wrote, so that a later run
replaces its own files and removes the ones it no longer makes, while a user's
files and other owners' files are never replaced or removed. Every file is first
written to a temporary name beside its target and renamed into place only when
all are written, under a lock that serializes runs into the same folder; a run
that fails before the renames leaves the previous output exactly as it was.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cardgen.errors import OutputError
from cardgen.text import BIDI_CONTROLS

Files = Mapping[str, bytes]
Owners = dict[str, frozenset[str]]

MANIFEST = ".cardgen-output.json"
LOCK = ".cardgen-output.lock"
TEMP_SUFFIX = ".cardgen-tmp"
FORMAT = 1
MAX_NAME_BYTES = 200  # leaves room under the usual 255-byte limit for a temporary name's prefix and suffix

_MOVE = "move it away or choose another output folder"
_ADVICE = {
    errno.ENOSPC: "free some disk space or choose another {target}",
    errno.EDQUOT: "free some disk space or choose another {target}",
    errno.EACCES: "check the folder's permissions or choose another {target}",
    errno.EPERM: "check the folder's permissions or choose another {target}",
    errno.EROFS: "the disk is read-only; choose another {target}",
    errno.EISDIR: "it is a folder; give a file name",
    errno.ENOTDIR: "a folder on its path is a file; choose another {target}",
    errno.ENAMETOOLONG: "choose a shorter folder or file name",
}


@dataclass(frozen=True)
class Written:
    root: Path
    """The output folder that owns the files: the one holding the manifest."""
    files: tuple[Path, ...]
    """Every file written, as full paths, sorted."""
    removed: tuple[Path, ...]
    """Files this owner wrote before and no longer makes, now removed."""


def write_output(out_dir: Path, files: Files, *, owner: str, guard: Sequence[Path] = ()) -> Written:
    """Write FILES into OUT_DIR as OWNER, all or nothing; raise `OutputError` rather than lose a user's file.

    GUARD lists paths (the fact base) that the output folder must never be or contain.
    """
    out = _checked_out_dir(out_dir, guard)
    root = next((d for d in (out, *out.parents) if os.path.lexists(d / MANIFEST)), out)
    prefix = PurePosixPath(out.relative_to(root).as_posix())
    wanted = {(prefix / _checked_rel(rel)).as_posix(): data for rel, data in files.items()}
    _check_no_file_is_a_folder(root, wanted)
    if root == out:
        _require_empty_or_marked(root)
        with os_errors(root):
            os.makedirs(root, exist_ok=True)
    with _locked(root):
        old_manifest = _read_bytes(root / MANIFEST)
        owners = _parse_manifest(root / MANIFEST, old_manifest) if old_manifest is not None else {}
        if old_manifest is None:
            _require_empty_or_marked(root)  # another run may have filled it while we waited
        _check_targets(root, wanted, owners)
        _remove_debris(root)
        _write_all(root, wanted, owner, owners, old_manifest)
        removed, kept = _remove_stale(root, owners.get(owner, frozenset()) - wanted.keys(), owner, owners)
        others = {o: paths - wanted.keys() for o, paths in owners.items() if o != owner}
        _replace_file(root / MANIFEST, _manifest_bytes({**others, owner: frozenset(wanted) | kept}))
    return Written(root, tuple(sorted(root / rel for rel in wanted)), removed)


def check_output(out_dir: Path, guard: Sequence[Path] = ()) -> None:
    """Refuse OUT_DIR now, before any work, if `write_output` would refuse it whatever it writes."""
    out = _checked_out_dir(out_dir, guard)
    if not any(os.path.lexists(d / MANIFEST) for d in (out, *out.parents)):
        _require_empty_or_marked(out)


def _checked_out_dir(out_dir: Path, guard: Sequence[Path]) -> Path:
    """OUT_DIR resolved, after refusing a link, a non-folder, or a folder that holds something precious."""
    st = _lstat(out_dir)
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise OutputError(out_dir, "is a symbolic link", "choose the folder it points to or another folder")
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(out_dir, "exists and is not a folder", "choose a new or empty folder")
    with os_errors(out_dir):
        out = out_dir.resolve()  # OUT_DIR is no link, so this only resolves the folders above it
        precious = [(Path(g).resolve(), f"the fact base {g}") for g in guard]
        precious += [(Path.cwd(), "the current folder"), (Path.home().resolve(), "your home folder")]
    for path, what in precious:
        if path == out or out in path.parents:
            raise OutputError(out, f"is or contains {what}", "choose a separate folder for the output")
    return out


def _checked_rel(rel: str) -> PurePosixPath:
    if not _is_rel(rel):
        raise OutputError(
            repr(rel), "is not a file path inside the output folder that cardgen may use", "report this bug in cardgen"
        )
    return PurePosixPath(rel)


def _is_rel(rel: str) -> bool:
    """Whether REL is a relative POSIX path that stays inside its folder and is no name cardgen keeps."""
    parts = rel.split("/")
    return (
        bool(rel)
        and "\0" not in rel
        and not any(p in ("", ".", "..") for p in parts)
        and parts[-1] not in (MANIFEST, LOCK)
        and not parts[-1].endswith(TEMP_SUFFIX)
    )


def _check_no_file_is_a_folder(root: Path, wanted: Files) -> None:
    folders = {str(parent) for rel in wanted for parent in PurePosixPath(rel).parents}
    clash = sorted(folders & wanted.keys())
    if clash:
        raise OutputError(root / clash[0], "would be both a file and a folder", "report this bug in cardgen")


def _require_empty_or_marked(folder: Path) -> None:
    if os.path.lexists(folder / MANIFEST):
        return
    with os_errors(folder):
        names = os.listdir(folder) if os.path.isdir(folder) else []
    # The lock and temporary files are what a run that is under way, or was killed, leaves here;
    # a subfolder with a manifest is another command's output (`cardgen exam` into dist/exams).
    strangers = any(name != LOCK and not _is_temp(name) and not _is_output_folder(folder / name) for name in names)
    # A run under way writes its manifest before any file: files seen without one were there
    # first, unless that run renamed its manifest in while we listed, so look once more.
    if strangers and not os.path.lexists(folder / MANIFEST):
        raise OutputError(folder, "is not empty and was not made by cardgen", "choose a new or empty folder")


def _is_output_folder(path: Path) -> bool:
    return not path.is_symlink() and path.is_dir() and os.path.lexists(path / MANIFEST)


def _is_temp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    with os_errors(root / LOCK):
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os_errors(root / LOCK):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the lock file stays, as deleting it would race a waiting run


def _parse_manifest(path: Path, data: bytes) -> Owners:
    try:
        doc = json.loads(data.decode("utf-8"))
        version = doc["format"]
        owners = {o: frozenset(paths) for o, paths in doc["owners"].items() if isinstance(paths, list)}
        # A damaged manifest must never make cardgen remove files outside the folder.
        if len(owners) != len(doc["owners"]) or not all(
            isinstance(o, str) and all(isinstance(rel, str) and _is_rel(rel) for rel in paths)
            for o, paths in owners.items()
        ):
            raise ValueError("not a list of relative paths")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise OutputError(path, "is damaged", "restore it from a backup or choose a new output folder") from e
    if version != FORMAT:
        raise OutputError(
            path,
            f"was written by another version of cardgen (format {version})",
            "upgrade cardgen or choose a new output folder",
        )
    return owners


def _manifest_bytes(owners: Owners) -> bytes:
    listed = {o: sorted(paths) for o, paths in sorted(owners.items()) if paths}
    return (
        json.dumps({"format": FORMAT, "owners": listed}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")


def _check_targets(root: Path, wanted: Files, owners: Owners) -> None:
    """Refuse before writing anything: a link or file where a folder goes, or an entry cardgen did not write."""
    listed = frozenset().union(*owners.values())
    for rel in sorted(wanted):
        if not _real_folders(root, PurePosixPath(rel).parent):
            continue
        target = root / rel
        st = _lstat(target)
        if st is None:
            continue
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(target, "is a symbolic link where cardgen would write a file", _MOVE)
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(target, "is a folder where cardgen would write a file", _MOVE)
        if not stat.S_ISREG(st.st_mode) or rel not in listed:
            raise OutputError(target, "exists and was not written by cardgen", _MOVE)


def _real_folders(root: Path, rel: PurePosixPath) -> bool:
    """Whether every folder of REL below ROOT exists; raise if one is a link or a file."""
    folder = root
    for part in rel.parts:
        folder = folder / part
        st = _lstat(folder)
        if st is None:
            return False
        if not stat.S_ISDIR(st.st_mode):
            raise OutputError(folder, "is a link or a file where cardgen needs a folder", _MOVE)
    return True


def _remove_debris(root: Path) -> None:
    """Remove the temporary files a killed run left behind (it held the lock, so no live run owns them)."""
    emptied: set[str] = set()
    with os_errors(root):
        for folder, subfolders, names in os.walk(root, topdown=False):  # does not descend into linked folders
            removed = any(os.path.join(folder, sub) in emptied for sub in subfolders)
            for name in names:
                path = os.path.join(folder, name)
                if _is_temp(name) and stat.S_ISREG(os.lstat(path).st_mode):
                    os.unlink(path)
                    removed = True
            if removed and folder != str(root) and _rmdir_quietly(Path(folder)):
                emptied.add(folder)  # it held only what the killed run made


def _write_all(root: Path, wanted: Files, owner: str, owners: Owners, old_manifest: bytes | None) -> None:
    """Write every file to a temporary name, then rename them all into place."""
    # The manifest lists the new files before they exist, so a run killed at any point
    # leaves files the next run recognizes as cardgen's.
    _replace_file(root / MANIFEST, _manifest_bytes({**owners, owner: owners.get(owner, frozenset()) | wanted.keys()}))
    made: list[Path] = []
    temps: dict[str, str] = {}
    renamed = False
    mode = new_file_mode()
    try:
        for rel, data in sorted(wanted.items()):
            _make_folders(root, PurePosixPath(rel).parent, made)
            temps[rel] = _write_temp(root / rel, data, mode)
        for rel in sorted(temps):
            with os_errors(root / rel):
                os.replace(temps[rel], root / rel)
            del temps[rel]
            renamed = True
    except BaseException:
        for temp in temps.values():
            _unlink_quietly(temp)
        if not renamed:  # put the old state back
            for folder in reversed(made):
                _rmdir_quietly(folder)
            try:
                if old_manifest is None:
                    os.unlink(root / MANIFEST)
                else:
                    _replace_file(root / MANIFEST, old_manifest)
            except (OSError, OutputError):
                pass  # the manifest listing files that are not there is harmless
        raise


def _make_folders(root: Path, rel: PurePosixPath, made: list[Path]) -> None:
    folder = root
    for part in rel.parts:
        folder = folder / part
        with os_errors(folder):
            try:
                os.mkdir(folder)
                made.append(folder)
            except FileExistsError:
                if not stat.S_ISDIR(os.lstat(folder).st_mode):
                    raise OutputError(folder, "is a link or a file where cardgen needs a folder", _MOVE) from None


def _write_temp(target: Path, data: bytes, mode: int, *, sync: bool = True) -> str:
    """Write DATA to a new temporary file beside TARGET; O_EXCL, so a planted link is never followed.
    With SYNC, its bytes are on disk before it is renamed into place."""
    with os_errors(target):
        # Only the start of the name goes into the prefix, so a long target name still leaves room.
        fd, temp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=TEMP_SUFFIX, dir=target.parent)
        try:
            os.fchmod(fd, mode)  # mkstemp makes files only their owner can read
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            _unlink_quietly(temp)
            raise
        os.close(fd)
    return temp


def _replace_file(target: Path, data: bytes) -> None:
    # The manifest only: a manifest lost to a power cut makes the next run refuse the
    # folder, which loses nothing, so it is not worth a sync of its own.
    temp = _write_temp(target, data, new_file_mode(), sync=False)
    try:
        with os_errors(target):
            os.replace(temp, target)
    except BaseException:
        _unlink_quietly(temp)
        raise


def _remove_stale(
    root: Path, stale: Collection[str], owner: str, owners: Owners
) -> tuple[tuple[Path, ...], frozenset[str]]:
    """Remove OWNER's files in STALE; return those removed and those that must stay listed to retry."""
    removed: list[Path] = []
    kept: set[str] = set()
    for rel in sorted(stale):
        if any(rel in paths for o, paths in owners.items() if o != owner):
            continue
        path = root / rel
        try:
            if not _real_folders(root, PurePosixPath(rel).parent):
                continue
            st = _lstat(path)
            if st is not None and stat.S_ISREG(st.st_mode):
                os.unlink(path)
                removed.append(path)
                folder = path.parent
                while folder != root and _rmdir_quietly(folder):
                    folder = folder.parent
        except (OSError, OutputError):
            kept.add(rel)  # the new output is in place; the next run tries again
    return tuple(removed), frozenset(kept)


def _lstat(path: Path) -> os.stat_result | None:
    with os_errors(path):
        try:
            return os.lstat(path)
        except FileNotFoundError:
            return None


def _read_bytes(path: Path) -> bytes | None:
    st = _lstat(path)
    if st is None:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(path, "is not a cardgen manifest", "move it away or choose a new output folder")
    with os_errors(path):
        return path.read_bytes()


def _unlink_quietly(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


def _rmdir_quietly(path: Path) -> bool:
    try:
        os.rmdir(path)
        return True
    except OSError:
        return False


def new_file_mode() -> int:
    """The mode a new file gets under the process's umask (0o666 less the umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def os_errors(path: Path, target: str = "output folder") -> Iterator[None]:
    """An OSError inside as an `OutputError` on PATH: the system's words and what to do,
    which ends in choosing another TARGET ("output folder", "file")."""
    try:
        yield
    except OSError as e:
        advice = _ADVICE.get(e.errno or 0, "check the path or choose another {target}")
        raise OutputError(path, e.strerror or str(e), advice.format(target=target)) from e


# Path separators, what Windows forbids, every control character and the bidi controls.
_ILLEGAL = re.compile(f'[/\\\\:*?"<>|\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789¹²³"})


def safe_file_name(name: str, suffix: str, taken: Collection[str] = ()) -> str:
    """A portable file name for NAME ending in SUFFIX, unique case-insensitively among TAKEN (full names).

    `Docker::1. 가상화` -> `Docker - 1. 가상화.apkg`. A name that had to be cut to
    `MAX_NAME_BYTES`, or that collides with one in TAKEN, ends in a short hash of NAME.
    """
    stem = unicodedata.normalize("NFC", _ILLEGAL.sub("_", name.replace("::", " - "))).strip(" .") or "_"
    if stem.split(".")[0].rstrip(" ").upper() in _RESERVED:
        stem = "_" + stem
    taken_keys = {_fold(t) for t in taken}
    candidate = stem + suffix
    if len(candidate.encode("utf-8")) <= MAX_NAME_BYTES and _fold(candidate) not in taken_keys:
        return candidate
    for n in itertools.count():
        salted = name if n == 0 else f"{name}\n{n}"
        tail = f"-{hashlib.sha256(salted.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}{suffix}"
        candidate = _cut(stem, MAX_NAME_BYTES - len(tail.encode("utf-8"))) + tail
        if _fold(candidate) not in taken_keys:
            return candidate
    raise AssertionError("unreachable")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _cut(text: str, limit: int) -> str:
    """The longest start of TEXT within LIMIT bytes that ends between two whole characters as seen."""
    size, end = 0, 0
    while end < len(text) and size + len(text[end].encode("utf-8", "surrogatepass")) <= limit:
        size += len(text[end].encode("utf-8", "surrogatepass"))
        end += 1
    while 0 < end < len(text) and _continues(text[end]):
        end -= 1  # the cut falls inside a character: drop the whole of it
    return text[:end].rstrip(" \u200d")


def _continues(ch: str) -> bool:
    """Whether CH belongs to the character before it: a combining mark or a Hangul vowel or final jamo."""
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch == "\u200d"
        or "\u1160" <= ch <= "\u11ff"
        or "\ud7b0" <= ch <= "\ud7ff"
    )
