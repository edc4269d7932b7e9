"""`cardgen quiz` driven line by line (stdin not a terminal), `--stats`, and its error messages."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from datetime import datetime, timezone

import pytest
from fsrs import Rating

from cardgen.context import Context  # noqa: E402
from cardgen.factbase.loader import load
from cardgen.review.quiz import items_for
from cardgen.review.session import plan
from cardgen.review.compare import columns
from cardgen.review.store import Store
from conftest import FACTS, run_cardgen

NOW = "2024-05-01T09:00:00Z"
T0 = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)


def env(state, **extra):
    return {"CARDGEN_STATE": str(state), "CARDGEN_NOW": NOW, "CARDGEN_FUZZ": "0", "TZ": "UTC", **extra}


def first_new(mode, n=3):
    items = items_for(Context(load(FACTS)), mode)
    return plan(items, {}, now=T0, new_today=0, new_per_day=20).new[:n]


def test_typed_mode_line_by_line(tmp_path):
    state = tmp_path / "state.sqlite3"
    first, second, third = first_new("typed")
    nfd = unicodedata.normalize("NFD", first.accepted[0])
    wrong = second.accepted[0] + "X"  # nearest to the first accepted name (not to a shorter alias such as DOM)
    result = run_cardgen("quiz", "--mode", "typed", input=f"{nfd}\n\n{wrong}\n\n", env=env(state))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert f"✓ 정답: {first.accepted[0]}" in out
    # The typed answer over the right one, column for column, '^' under the difference.
    assert f"✗ 틀렸습니다.  입력: {second.accepted[0]}X\n" in out
    assert f"\n               정답: {second.accepted[0]} \n" in out
    assert "\n                     " + " " * columns(second.accepted[0]) + "^\n" in out
    assert third.front.splitlines()[0] in out  # the next card was shown, then input ended
    assert "세션 종료." in out and "복습: 카드 2장에 2번 답함" in out and "정답: 2번 중 1번" in out
    with Store.open(state, readonly=True) as store:
        assert [(r.card_key, r.rating, r.mode) for r in store.reviews()] == [
            (first.key, Rating.Good, "typed"), (second.key, Rating.Again, "typed")]


def test_plain_output_has_no_escape_sequences_and_keeps_hangul(tmp_path):
    first = first_new("flash", 1)[0]
    result = run_cardgen("quiz", "--mode", "flash", input="\n3\nq\n", env=env(tmp_path / "s.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert first.front in result.stdout
    answer, *details = first.back.splitlines()
    assert f"\n{answer}\n" in result.stdout and all(f"\n• {line}\n" in result.stdout for line in details)
    assert "3 좋음 10분" in result.stdout  # the grade buttons preview FSRS's intervals


def test_choice_mode_and_a_rejected_key(tmp_path):
    first = first_new("choice", 1)[0]
    right = first.correct + 1
    result = run_cardgen("quiz", "--mode", "choice", input=f"7\n{right}\n\n", env=env(tmp_path / "s.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert "('7' 키는 여기서 쓰지 않습니다)" in result.stdout
    assert f"✓ {right}. {first.options[first.correct]}   ← 고른 답" in result.stdout
    assert "정답: 1번 중 1번" in result.stdout


def test_cram_creates_no_state_file(tmp_path):
    state = tmp_path / "s.sqlite3"
    result = run_cardgen("quiz", "--cram", "--mode", "flash", "--limit", "2", input="\n1\n\n3\n", env=env(state))
    assert result.returncode == 0, result.stderr
    assert "(몰아 보기: 저장하지 않음)" in result.stdout
    assert not state.exists()


def test_stats_report(tmp_path):
    state = tmp_path / "s.sqlite3"
    run_cardgen("quiz", "--mode", "flash", input="\n3\n\n1\n\n4\nq\n", env=env(state))
    result = run_cardgen("quiz", "--stats", "--mode", "flash", env=env(state))
    assert result.returncode == 0, result.stderr
    total = len(items_for(Context(load(FACTS)), "flash"))
    assert re.search(rf"^카드: +{total}$", result.stdout, re.M)
    assert re.search(rf"^상태별: +새 카드 {total - 3}, 학습 중 2, 복습 1, 재학습 0$", result.stdout, re.M)
    # The two learning cards are due in minutes: later today, not now (a session now has nothing due).
    assert re.search(r"^지금 복습: +0$", result.stdout, re.M)
    assert re.search(r"^오늘 이따가 복습: +2$", result.stdout, re.M)
    assert re.search(r"^오늘 새 카드: +20장 중 3장$", result.stdout, re.M)
    assert re.search(r"^보류: +일시정지 0장, 미룸 0장$", result.stdout, re.M)


def test_tags_filter_and_no_match(tmp_path):
    result = run_cardgen("quiz", "--tags", "no-such-tag", env=env(tmp_path / "s.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.strip() == "no flash items tagged no-such-tag in facts"
    tagged = run_cardgen("quiz", "--mode", "flash", "--tags", "하이퍼바이저", "--stats", env=env(tmp_path / "s.sqlite3"))
    flash = items_for(Context(load(FACTS)), "flash")
    assert re.search(rf"^카드: +{sum('하이퍼바이저' in i.tags for i in flash)}$", tagged.stdout, re.M)
    assert not (tmp_path / "s.sqlite3").exists()  # --stats only reads


@pytest.mark.parametrize("content", [b"garbage, not a database\n", None])
def test_a_foreign_state_file_is_a_one_line_error_and_untouched(tmp_path, content):
    state = tmp_path / "s.sqlite3"
    if content is None:
        db = sqlite3.connect(state)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
    else:
        state.write_bytes(content)
    before = state.read_bytes()
    result = run_cardgen("quiz", input="\n3\n", env=env(state))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{state}: ")
    assert state.read_bytes() == before


@pytest.mark.parametrize("args, extra, message", [
    (["--mode", "oral"], {}, "'oral' is not one of"),
    ([], {"CARDGEN_NOW": "2024-05-01 09:00"}, "CARDGEN_NOW: '2024-05-01 09:00' has no time zone"),
    ([], {"CARDGEN_NOW": "yesterday"}, "CARDGEN_NOW: 'yesterday' is not an ISO 8601 time"),
])
def test_bad_options(tmp_path, args, extra, message):
    result = run_cardgen("quiz", *args, input="", env={**env(tmp_path / "s.sqlite3"), **extra})
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_quiz_path_does_not_import_anki_or_template_libraries(tmp_path):
    probe = ("import sys, runpy; sys.argv = ['cardgen', 'quiz', '--stats']\n"
             "try:\n    runpy.run_module('cardgen', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('genanki', 'jinja2', 'anki')))")
    import subprocess
    import sys

    from conftest import ROOT

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), **env(tmp_path / "s.sqlite3")})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert re.search(r"카드: +\d+", out.stdout)
