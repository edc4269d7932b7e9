"""Golden output: what `cardgen build` makes of the shipped facts, pinned file by file.

`tests/golden/build/` holds the exam papers and keys, every quiz set, and a text dump
of every Anki note (one block per note: its key, note type, tags and fields), so a
change in generated material shows up as a reviewable diff. Regenerate with:

    CARDGEN_REGEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from cardgen.build import build
from conftest import FACTS

GOLDEN = Path(__file__).parent / "golden" / "build"
NOTES = "anki-notes.txt"


def anki_dump(package: bytes) -> str:
    """Every note of an .apkg as plain text, in key order: what a reviewer reads in a diff."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        data = archive.read("collection.anki2")
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        models = {}
        for (raw,) in conn.execute("SELECT models FROM col"):
            models = {int(mid): model for mid, model in json.loads(raw).items()}
        blocks = []
        for mid, tags, flds in conn.execute("SELECT mid, tags, flds FROM notes"):
            model = models[mid]
            values = flds.split("\x1f")
            names = [f["name"] for f in model["flds"]]
            fields = dict(zip(names, values, strict=True))
            lines = [f"== {fields.get('Key', values[0])}", f"type: {model['name']}", f"tags: {tags.strip()}"]
            lines += [f"{name}: {value}" for name, value in fields.items() if name != "Key"]
            blocks.append("\n".join(lines))
    finally:
        conn.close()
    return "\n\n".join(sorted(blocks)) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The build of the shipped facts, as golden files: exams and quiz sets as written, decks as note dumps."""
    out = tmp_path_factory.mktemp("golden") / "dist"
    # Built as a user would from the project folder: the key names the facts as `facts`,
    # wherever the checkout is.
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    cwd = Path.cwd()
    os.chdir(FACTS.parent)
    try:
        written = build(Path(FACTS.name), out)
    finally:
        os.chdir(cwd)
        del os.environ["SOURCE_DATE_EPOCH"]
    files: dict[str, bytes] = {}
    for path in written:
        rel = path.relative_to(out).as_posix()
        if rel.endswith(".apkg"):
            files[f"{rel.removesuffix('.apkg')}.{NOTES}"] = anki_dump(path.read_bytes()).encode("utf-8")
        else:
            files[rel] = path.read_bytes()
    if os.environ.get("CARDGEN_REGEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in files.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    return files


def golden_files() -> list[str]:
    return sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())


def test_the_build_writes_exactly_the_golden_files(built: dict[str, bytes]) -> None:
    assert sorted(built) == golden_files(), "regenerate with: CARDGEN_REGEN=1 pytest tests/test_golden.py"


@pytest.mark.parametrize("rel", golden_files())
def test_each_file_matches_its_golden_copy(built: dict[str, bytes], rel: str) -> None:
    expected = (GOLDEN / rel).read_bytes()
    if built.get(rel) != expected:
        got = built.get(rel, b"").decode("utf-8", "replace").splitlines()
        want = expected.decode("utf-8", "replace").splitlines()
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        pytest.fail(f"{rel} differs from line {first + 1} on; review the change, then regenerate with: "
                    "CARDGEN_REGEN=1 pytest tests/test_golden.py")
