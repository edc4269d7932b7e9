"""The benchmark stays runnable with one command and reports what it promises."""

from __future__ import annotations

import pytest

import json
import subprocess
import sys

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs the benchmark


def test_bench_runs_and_reports_targets(tmp_path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "100,1000", "--repeats", "2", "--start-repeats", "2", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "| target | ratio | limit | holds |" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    names = {row["name"] for row in data["rows"]}
    assert {"load + validate", "cardgen anki", "cardgen build", "cardgen --help"} <= names
    assert any(name.startswith("cardgen quiz, first prompt") for name in names)
    assert all(row["seconds"] > 0 for row in data["rows"] if "further version" not in row["name"])
    builds = [row for row in data["rows"] if row["name"] == "cardgen build"]
    assert [row["size"] for row in builds] == [100, 1000] and all(row["peak_mib"] > 0 for row in builds)
    targets = data["targets"]
    assert {t["name"].split(" <=")[0] for t in targets} >= {"load + validate", "cardgen anki", "cardgen --help", "first quiz prompt"}
    for target in targets:
        assert set(target) == {"name", "ratio", "limit", "holds"}
        assert target["holds"] == (target["ratio"] <= target["limit"])
