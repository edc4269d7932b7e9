"""Processes: ordered steps, asked and drawn as a flow (next step, step before, order, which step).

Each rule is proved on a small fact base made for it; the outputs are read by their real
consumers (a JSON Schema validator, Anki, headless Chromium with pdftotext, a pseudo-terminal).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from cardgen.bank.generate import build_bank, generate_bank
from cardgen.bank.question import Choice, Ordering
from cardgen.bank.sample import quiz_sets
from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.emit.exam import ExamSettings, exam_files, make_exam, render_exam
from cardgen.emit.quizset import QuizSet, to_csv, to_json, to_markdown, to_tsv
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase, Process, Step
from cardgen.factbase.schema import fact_schema
from cardgen.present import draw_flow_text
from tests.conftest import ROOT, build_file_tree, require_program
from tests.oracle import Oracle

TOPICS = ROOT / "tests" / "topics"
SERVERLESS = TOPICS / "serverless.yaml"

BUILD = """\
    deck: Docker
    definitions:
      - {id: context, term: 빌드 컨텍스트, english: Build Context, definition: 빌드에 넘기는 폴더의 파일 전부}
    processes:
      - id: build
        title: 이미지 빌드
        steps:
          - name: 컨텍스트 전송
            detail: 지정한 폴더의 파일을 묶어 데몬에 보낸다
            concept: context
          - name: 명령어 해석
            detail: 도커파일을 위에서부터 한 줄씩 읽는다
          - 베이스 준비
          - name: 단계별 실행
            detail: 각 명령을 임시 컨테이너에서 돌린다
          - name: 태그 붙이기
            detail: 결과에 사람이 읽을 이름을 달아 준다
    """

RUN = """\
    deck: Docker
    processes:
      - id: run
        title: 컨테이너 실행
        steps: [이미지 확인, 쓰기 층 생성, 프로세스 시작]
      - id: push
        title: 이미지 올리기
        steps: [로그인, 업로드, 목록 갱신]
    """


def base_of(tmp_path: Path, *texts: str) -> FactBase:
    files = {f"f{n}.yaml": textwrap.dedent(text) for n, text in enumerate(texts)}
    return load(build_file_tree(tmp_path / "facts", files))


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- the fact ------------------------------------------------------------------------


def test_steps_are_names_or_mappings_kept_in_order_with_their_lines(tmp_path: Path) -> None:
    base = base_of(tmp_path, BUILD)
    (process,) = base.processes
    assert [s.name for s in process.steps] == ["컨텍스트 전송", "명령어 해석", "베이스 준비", "단계별 실행", "태그 붙이기"]
    assert process.steps[0] == Step("컨텍스트 전송", "지정한 폴더의 파일을 묶어 데몬에 보낸다", "context")
    assert process.steps[2].detail is None and process.steps[2].loc.line == 13
    assert base["build"] is process


def test_the_schema_takes_the_shipped_topics_and_refuses_a_one_step_process() -> None:
    import jsonschema
    import yaml

    schema = fact_schema()
    for file in TOPICS.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(file.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"processes": [{"id": "p", "title": "P", "steps": ["only"]}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"processes": [{"id": "p", "title": "P", "steps": [{"name": "a", "below": "b"}, "c"]}]}, schema)


# --- cards -----------------------------------------------------------------------------


def test_cards_ask_each_pair_once_as_steps_never_past_either_end(tmp_path: Path) -> None:
    cards = [c for c in build_cards(base_of(tmp_path, BUILD)) if c.fact_id == "build"]
    assert [c.kind for c in cards] == [
        "process.order", "process.next.1", "process.previous.3", "process.next.3", "process.previous.5"]
    words = {c.prompt for c in cards}
    assert not any(w in p for p in words for w in ("위", "아래", "층", "above", "below", "layer"))
    order, after_first, before_third = cards[0], cards[1], cards[2]
    assert order.prompt == "처음부터 끝까지 단계를 차례대로 말해 보세요"
    assert after_first.prompt == "‘컨텍스트 전송’ 다음 단계는?" and after_first.answer == "명령어 해석"
    assert before_third.prompt == "‘베이스 준비’ 바로 앞 단계는?" and before_third.answer == "명령어 해석"
    # The front draws the pair as a flow with the asked step as "?", and never names it.
    assert after_first.front.endswith("1. 컨텍스트 전송\n   ↓\n2. ?")
    assert "명령어 해석" not in after_first.front and "명령어 해석" not in before_third.front
    # The back draws the whole flow, the pair marked, with the answer's detail.
    assert "1. 컨텍스트 전송  ◀\n   ↓\n2. 명령어 해석  ◀\n   ↓\n3. 베이스 준비\n" in after_first.back
    assert "도커파일을 위에서부터 한 줄씩 읽는다" in after_first.back
    assert order.back.count("↓") == 4 and not order.items


def test_a_flow_is_a_numbered_column_joined_by_arrows() -> None:
    from cardgen.factbase.model import Meta
    from cardgen.flow import flow_of

    process = Process(Meta("p", "d"), "T", tuple(Step(f"s{n}") for n in range(1, 11)))
    assert draw_flow_text(flow_of(process, shown=(8, 9), hidden=9)) == " 9. s9\n    ↓\n10. ?"
    assert draw_flow_text(flow_of(process, marked=(0,))).splitlines()[:3] == [" 1. s1  ◀", "    ↓", " 2. s2"]


# --- questions -----------------------------------------------------------------------------


def test_next_and_previous_never_leave_the_flow_nor_name_their_answer(tmp_path: Path) -> None:
    base = base_of(tmp_path, BUILD, RUN)
    bank = [q for q in build_bank(base) if q.facts == ("build",)]
    kinds = sorted(q.id for q in bank if q.kind in ("process_next", "process_previous"))
    # The first half asks forward, the second backward, the pair between them not at all:
    # no step is the answer to two questions (steps 2, 3 and 4 here, each once).
    assert kinds == ["build/process_next/1", "build/process_next/2", "build/process_previous/5"]
    answers = [q.options[q.answer] for q in bank if isinstance(q, Choice) and q.kind != "process_step"]
    assert sorted(answers) == sorted(["명령어 해석", "베이스 준비", "단계별 실행"])
    oracle = Oracle(base)
    steps = [s.name for s in base.processes[0].steps]
    for q in bank:
        if not isinstance(q, Choice):
            continue
        key = q.options[q.answer]
        assert oracle.right_options(q) == {q.answer}, q.id
        assert len(set(q.options)) == len(q.options) and q.options.count(key) == 1
        assert folded(key) not in folded(q.prompt), q.id
        # The step the prompt names is no option, and the process's own steps come first.
        named = re.findall(r"‘([^’]+)’", q.prompt)[1:]
        assert not set(named) & set(q.options), q.id
        assert all(o in steps for o in q.options), q.id


def test_a_short_process_borrows_wrong_steps_from_another_process(tmp_path: Path) -> None:
    base = base_of(tmp_path, RUN)
    q = next(q for q in build_bank(base) if q.id == "run/process_next/1")
    assert isinstance(q, Choice) and q.options[q.answer] == "쓰기 층 생성"
    assert "이미지 확인" not in q.options  # the step asked about
    assert "프로세스 시작" in q.options and set(q.options) & {"로그인", "업로드", "목록 갱신"}
    assert [s.name for s in q.flow] == ["이미지 확인", "?"] and q.flow[1].hidden


def test_which_step_asks_from_the_detail_and_a_detail_naming_its_step_is_left_out(tmp_path: Path) -> None:
    giveaway = BUILD.replace("결과에 사람이 읽을 이름을 달아 준다", "결과에 태그를 붙여 이름을 단다")
    bank, dropped = generate_bank(base_of(tmp_path, giveaway))
    asked = {q.id: q for q in bank if q.kind == "process_step"}
    assert sorted(asked) == ["build/process_step/1", "build/process_step/2", "build/process_step/4"]
    first = asked["build/process_step/1"]
    assert isinstance(first, Choice) and first.prompt == "‘이미지 빌드’에서 다음 일을 하는 단계는?\n지정한 폴더의 파일을 묶어 데몬에 보낸다"
    assert first.options[first.answer] == "컨텍스트 전송"
    (left_out,) = [d for d in dropped if d.kind == "process_step"]
    assert left_out.id == "build/process_step/5" and "태그" in left_out.reason


def test_a_step_sharing_a_word_with_the_key_is_no_question_even_when_another_option_has_it(tmp_path: Path) -> None:
    shared = "deck: D\nprocesses:\n  - {id: ship, title: 배포, steps: [이미지 빌드, 이미지 올리기, 이미지 내려받기, 컨테이너 실행, 상태 확인]}\n"
    bank, dropped = generate_bank(base_of(tmp_path, shared))
    asked = [q.id for q in bank if q.kind in ("process_next", "process_previous")]
    assert asked == []
    left_out = {d.id: d.reason for d in dropped if d.kind in ("process_next", "process_previous")}
    assert left_out == {
        "ship/process_next/1": "the step or detail the prompt shows shares the word '이미지' with the key",
        "ship/process_next/2": "the step or detail the prompt shows shares the word '이미지' with the key",
        # Before 상태 확인: 컨테이너 실행, against three 이미지 steps: the key alone breaks their pattern.
        "ship/process_previous/5": "every other option has the word '이미지' and the key has not",
    }


def test_ordering_the_steps_is_a_flow_and_needs_three_steps(tmp_path: Path) -> None:
    two = "deck: D\nprocesses:\n  - {id: two, title: 둘, steps: [켜기, 끄기]}\n"
    bank = build_bank(base_of(tmp_path, BUILD, two))
    order = next(q for q in bank if q.id == "build/process_order/1")
    assert isinstance(order, Ordering) and order.flow
    assert order.answer == ("컨텍스트 전송", "명령어 해석", "베이스 준비", "단계별 실행", "태그 붙이기")
    assert order.prompt == "‘이미지 빌드’의 단계를 처음부터 끝까지 순서대로 나열하시오."
    assert [q.id for q in bank if q.id.startswith("two/")] == ["two/process_next/1"]


def test_an_english_process_speaks_english() -> None:
    bank = build_bank(load(SERVERLESS))
    q = next(q for q in bank if q.id == "serverless-request-path/process_previous/5")
    assert q.prompt == "In ‘A serverless request path’, which step comes right before ‘Response is returned’?"
    assert q.explanation.startswith("A serverless request path, first to last: 1. API gateway receives the request → 2.")
    assert not re.search(r"[가-힣]", json.dumps([str(x) for x in bank], ensure_ascii=False))


# --- outputs -----------------------------------------------------------------------------


def test_quiz_sets_carry_the_flow_in_every_format() -> None:
    import jsonschema

    base = load(TOPICS)
    bank = build_bank(base, lang="ko")
    (chosen,) = quiz_sets(bank, sets=1, size=3, seed=1, kinds=["process_next", "process_previous", "process_order"])
    qs = QuizSet(number=1, count=1, seed=1, kinds=("process_next",), tags=None, questions=tuple(chosen), lang="ko")
    doc = json.loads(to_json(qs))
    schema = json.loads((ROOT / "cardgen" / "schema" / "quizset.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    drawn = [q for q in doc["questions"] if q["kind"] != "process_order"]
    assert drawn and all(len(q["flow"]) == 2 and [s["name"] for s in q["flow"]].count(None) == 1 for q in drawn)
    markdown = to_markdown(qs).decode("utf-8")
    # CSV: the question is the second column, after the number; TSV: the first.
    rows = list(csv.reader(io.StringIO(to_csv(qs).decode("utf-8-sig"))))
    cards = [line.split("\t") for line in to_tsv(qs).decode("utf-8").splitlines()]
    for q in drawn:
        step = next(s for s in q["flow"] if s["name"])
        assert any(step["name"] in line and "→" in line and "( ? )" in line for line in markdown.splitlines())
        assert any(step["name"] in row[1] and "( ? )" in row[1] for row in rows[1:])
        assert any(step["name"] in card[0] and "( ? )" in card[0] for card in cards)


def test_the_exam_draws_a_flow_and_numbers_the_order_slots_first_to_last() -> None:
    settings = ExamSettings(versions=1, questions=4, seed=2, kinds=("process_next", "process_previous", "process_order"))
    exam = make_exam(Context(load(TOPICS)), settings)
    paper = render_exam(exam)["exam-s2-A.html"]
    flows = sum(bool(item.flow) for item in exam.versions[0].items)
    assert any(item.in_flow for item in exam.versions[0].items) and flows
    assert paper.count('<div class="flow">') == flows and '<div class="step blank"><span class="step-number">' in paper
    assert 'class="slots in-flow"' in paper and ">처음</td>" in paper and ">끝</td>" in paper
    arrows = sum(len(item.slots) - 1 for item in exam.versions[0].items if item.in_flow)
    assert paper.count('<td class="arrow">↓</td>') == arrows  # one between each two slots


def test_anki_draws_flows_that_anki_renders(tmp_path: Path) -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from cardgen.emit.anki import emit_anki
    from cardgen.write import write_output

    base = load(TOPICS)
    write_output(tmp_path / "dist", emit_anki(Context(base), 1_700_000_000).files, owner="anki")
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        for apkg in sorted((tmp_path / "dist").glob("*.apkg")):
            col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
        notes = {col.get_note(n)["Key"]: col.get_note(n) for n in col.find_notes("")}
        card = col.get_card(notes["docker-run-steps/process.next.1"].card_ids()[0])
        front, back = card.question(), card.answer()
    finally:
        col.close()
    assert 'class="cg-flow cg-front-flow"' in front and '<div class="cg-arrow">↓</div>' in front
    assert "cg-step cg-hidden" in front and "쓰기 가능 층 생성" not in re.sub(r"<style>.*?</style>", "", front, flags=re.S)
    # The back repeats the front (its flow hidden by the stylesheet), then the whole flow.
    back = re.sub(r"<style>.*?</style>", "", back, flags=re.S)
    assert len(re.findall(r'class="cg-step[ "]', back)) == 2 + 4 and back.count("cg-marked") == 2
    assert "{{" not in back and "error" not in back.lower()


@pytest.mark.slow
def test_a_process_question_prints_its_flow_in_the_pdf(tmp_path: Path) -> None:
    browser = require_program("chromium")
    require_program("pdftotext")
    settings = ExamSettings(versions=1, questions=3, seed=4, kinds=("process_next", "process_previous", "process_order"))
    exam = make_exam(Context(load(SERVERLESS)), settings)
    files = exam_files(exam, browser=browser)
    pdf = tmp_path / "exam-s4-A.pdf"
    pdf.write_bytes(files["exam-s4-A.pdf"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    drawn = [item.flow for item in exam.versions[0].items if item.flow]
    assert drawn
    for flow in drawn:
        # The two steps one under the other, an arrow between them, the asked one as "?".
        expected = [f"{step.number}. {'?' if step.hidden else step.name}" for step in flow]
        assert any(lines[i : i + 3] == [expected[0], "↓", expected[1]] for i in range(len(lines))), expected


@pytest.mark.slow
def test_the_terminal_quiz_draws_the_flow(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    import pexpect

    from tests.test_quiz_pty import finish, spawn

    child = spawn(tmp_path / "s.sqlite3", datetime(2024, 5, 1, 9, tzinfo=timezone.utc), str(SERVERLESS), "--mode", "flash")
    child.expect_exact("Space/Enter: show")
    child.send(" ")
    child.expect_exact("5. Response is returned")
    shown = child.before
    assert "1. API gateway receives the request" in shown and shown.count("↓") == 4
    child.send("3")
    child.expect_exact("[Process: the next step]")  # the title as plain words, capitalised
    child.expect_exact("Space/Enter: show")
    front = [line.strip() for line in child.before.splitlines()]
    assert front[-5:] == ["A serverless request path", "What comes after ‘API gateway receives the request’?",
                          "1. API gateway receives the request", "↓", "2. ?"], front
    child.send("q")
    child.expect(pexpect.EOF)
    assert finish(child) == 0


def test_the_readme_example_loads_and_makes_the_card_it_shows(tmp_path: Path) -> None:
    import shutil

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"a stack for\nwhat sits on what:\n\n```yaml\n(.*?)```\n\ngives, among others, the card\n\n```\n(.*?)```",
                        readme, re.S)
    assert example, "the README lost its process example"
    folder = tmp_path / "facts"
    folder.mkdir()
    shutil.copy(TOPICS / "docker-images.yaml", folder)
    definition = "definitions:\n  - {id: build-context, term: 빌드 컨텍스트, definition: 빌드에 넘기는 폴더}\n"
    (folder / "build.yaml").write_text(example.group(1) + definition, encoding="utf-8")
    card = next(c for c in build_cards(load(folder)) if c.key == "docker-build-steps/process.next.1")
    assert card.front + "\n" == example.group(2)
