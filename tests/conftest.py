"""Shared test helpers: run the real `cardgen` program, and build trees of fact files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "facts"


def pytest_configure(config: pytest.Config) -> None:
    # cardgen keeps compiled templates in the user's cache folder; tests keep theirs apart.
    cache = Path(tempfile.mkdtemp(prefix="cardgen-test-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(cache)
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))


def run_cardgen(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m cardgen ARGS` as a user would, from this checkout."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cardgen", *args],
        cwd=cwd or ROOT, env=full_env, input=input, capture_output=True, text=True, timeout=timeout,
    )


def build_file_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write FILES (relative path -> text or bytes) under ROOT and return ROOT."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def require_program(name: str) -> str:
    """The path of a system program; skip without it, but fail in CI, which must install it."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture
def shipped_facts(tmp_path: Path) -> Path:
    """A private copy of the shipped fact base that a test may edit."""
    return Path(shutil.copytree(FACTS, tmp_path / "facts"))
