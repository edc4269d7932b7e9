"""The author's own choice questions and taxonomy groups, through the bank, the cards and every output."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import textwrap
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from cardgen.bank.audit import audit
from cardgen.bank.generate import build_bank, generate_bank
from cardgen.bank.question import Choice, MultiChoice, Question
from cardgen.bank.sample import quiz_sets, shuffle_options
from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.emit.exam import ExamSettings, make_exam, render_exam
from cardgen.emit.quizset import QuizSet, to_csv, to_json, to_markdown, to_markdown_answers
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase
from cardgen.review.quiz import choice_items
from tests.conftest import ROOT, build_file_tree

FACTS = """\
lang: en
deck: Docker
definitions:
  - {id: instruction, term: Dockerfile instruction, definition: A line of a Dockerfile that tells the builder one step}
  - {id: run, term: RUN, definition: Executes a command in a new layer and commits the result}
  - {id: copy, term: COPY, definition: Adds files from the build context into the image}
  - {id: env, term: ENV, definition: Sets an environment variable in the image}
  - {id: expose, term: EXPOSE, definition: Documents the port the container listens on}
  - {id: label, term: LABEL, definition: Attaches a key and a value to the image}
  - {id: workdir, term: WORKDIR, definition: Sets the folder that later instructions start in}
  - {id: layer, term: image layer, definition: A read-only set of file changes stacked to make an image}
taxonomy:
  - id: kinds-of-instruction
    parent: instruction
    basis: what it changes in the image
    children:
      - group: instructions that create a layer
        children: [run, copy]
      - group: instructions that only set metadata
        children: [env, expose, label]
      - workdir
questions:
  - id: q-layers
    question: Which instructions add a layer to the image?
    choices: [RUN, COPY, ENV, EXPOSE]
    answer: [RUN, COPY]
    about: layer
    points: 4
    explanation: Only the instructions that change files make a layer.
  - id: q-cache
    question: What invalidates the build cache of a COPY step?
    choices:
      - {text: A change in the copied files, correct: true}
      - A new tag on an unrelated image
      - A comment further down the Dockerfile
  - id: q-fixed
    question: Which of these is an image layer?
    choices:
      - The result of a RUN step
      - A running process
      - None of the above
    answer: The result of a RUN step
    shuffle: false
  - id: q-long
    question: Why can the builder reuse a layer?
    choices:
      - Because the step's instruction and its inputs have not changed since the last build
      - Luck
      - Tags
    answer: Because the step's instruction and its inputs have not changed since the last build
  - id: q-open
    question: Why does the order of instructions matter for the cache?
    answer: A changed step invalidates every step after it
    points: 7
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> FactBase:
    folder = build_file_tree(tmp_path_factory.mktemp("facts"), {"docker.yaml": FACTS})
    return load(folder)


@pytest.fixture(scope="module")
def bank(base: FactBase) -> dict[str, Question]:
    return {q.id: q for q in build_bank(base)}


# --- the bank -------------------------------------------------------------------------------


def test_single_and_multiple_choice_keep_the_authors_answers(bank: dict[str, Question]) -> None:
    multi = bank["q-layers/author_multi/1"]
    assert isinstance(multi, MultiChoice)
    assert sorted(multi.right) == ["COPY", "RUN"] and len(multi.options) == 4
    assert multi.prompt == "Which instructions add a layer to the image? (choose all that apply)"
    assert multi.points == 4 and multi.facts == ("q-layers", "layer")
    single = bank["q-cache/author_choice/1"]
    assert isinstance(single, Choice) and single.answer_text == "A change in the copied files"
    assert single.points is None
    # Canonical order, as for every generated question: the author's first option is not a tell.
    assert list(single.options) == sorted(single.options, key=str.casefold)
    assert bank["q-open/author/1"].points == 7


def test_fixed_options_keep_the_authors_order_through_any_shuffle(bank: dict[str, Question]) -> None:
    fixed = bank["q-fixed/author_choice/1"]
    assert isinstance(fixed, Choice) and fixed.fixed
    assert fixed.options == ("The result of a RUN step", "A running process", "None of the above")
    for seed in range(20):
        assert shuffle_options([fixed], random.Random(seed)) == [fixed]


def test_a_shuffled_multiple_choice_still_marks_the_same_texts_right(bank: dict[str, Question]) -> None:
    multi = bank["q-layers/author_multi/1"]
    assert isinstance(multi, MultiChoice)
    orders = set()
    for seed in range(40):
        (dealt,) = shuffle_options([multi], random.Random(seed))
        assert isinstance(dealt, MultiChoice)
        assert sorted(dealt.right) == ["COPY", "RUN"] and sorted(dealt.options) == sorted(multi.options)
        orders.add(dealt.options)
    assert len(orders) > 10


def test_the_right_option_of_the_authors_questions_is_spread_over_the_positions(tmp_path: Path) -> None:
    questions = "\n".join(
        f"  - {{id: q{n}, question: 'Question {n}?', choices: [right {n}, wrong {n}a, wrong {n}b, wrong {n}c], "
        f"answer: right {n}}}"
        for n in range(40)
    )
    folder = build_file_tree(tmp_path, {"q.yaml": f"lang: en\nquestions:\n{questions}\n"})
    (drawn,) = quiz_sets(build_bank(load(folder)), sets=1, size=40, seed=5)
    positions = Counter(q.answer for q in drawn if isinstance(q, Choice))
    assert sorted(positions) == [0, 1, 2, 3] and max(positions.values()) - min(positions.values()) <= 1


def test_a_key_that_stands_out_is_kept_and_reported_by_audit(base: FactBase, bank: dict[str, Question]) -> None:
    assert "q-long/author_choice/1" in bank
    _, dropped = generate_bank(base)
    assert not [d for d in dropped if d.id.startswith("q-")]
    findings = [str(f) for f in audit(base)]
    long = [f for f in findings if "q-long/author_choice/1" in f]
    assert len(long) == 1 and "the key is far longer than every other option" in long[0]
    line = FACTS.splitlines().index("  - id: q-long") + 1
    assert long[0].split(": ")[0].endswith(f"docker.yaml:{line}")
    assert not [f for f in findings if "q-cache" in f or "q-layers" in f or "q-fixed" in f]


def test_a_multiple_choice_whose_right_options_all_stand_out_is_reported(tmp_path: Path) -> None:
    facts = textwrap.dedent("""\
        lang: en
        questions:
          - id: q
            question: What does a good layer order give?
            choices: [Faster rebuilds after a change to the source code, Smaller images for every platform, No, Yes]
            answer: [Faster rebuilds after a change to the source code, Smaller images for every platform]
        """)
    findings = [str(f) for f in audit(load(build_file_tree(tmp_path, {"q.yaml": facts})))]
    assert any("q/author_multi/1 gives its answer away" in f for f in findings), findings


# --- groups -----------------------------------------------------------------------------------


def test_groups_organise_the_kinds_card_and_get_no_cards_of_their_own(base: FactBase) -> None:
    cards = {c.key: c for c in build_cards(base)}
    kinds = cards["kinds-of-instruction/taxonomy.kinds"]
    assert kinds.prompt == "Name its 6 kinds"
    assert kinds.items == (
        "instructions that create a layer: RUN, COPY",
        "instructions that only set metadata: ENV, EXPOSE, LABEL",
        "WORKDIR",
    )
    assert "In groups: instructions that create a layer (2), instructions that only set metadata (3)" in kinds.front
    assert "In the group: instructions that create a layer" in cards["kinds-of-instruction/taxonomy.parent.run"].back
    assert "In the group" not in cards["kinds-of-instruction/taxonomy.parent.workdir"].back
    # No card asks for a group as if it were a term.
    for card in cards.values():
        assert "instructions that" not in card.subject and "instructions that" not in card.answer


def test_group_questions_offer_only_kinds_of_other_groups(bank: dict[str, Question]) -> None:
    grouped = {q.id: q for q in bank.values() if q.kind == "group_member"}
    # Metadata has three kinds elsewhere (RUN, COPY against ENV, EXPOSE, LABEL): both groups are asked.
    assert sorted(grouped) == [
        "kinds-of-instruction/group_member/1.1",
        "kinds-of-instruction/group_member/1.2",
        "kinds-of-instruction/group_member/2.1",
        "kinds-of-instruction/group_member/2.2",
        "kinds-of-instruction/group_member/2.3",
    ]
    layer = {"RUN", "COPY"}
    metadata = {"ENV", "EXPOSE", "LABEL"}
    for q in grouped.values():
        assert isinstance(q, Choice)
        mine, others = (layer, metadata) if "create a layer" in q.prompt else (metadata, layer)
        assert q.answer_text in mine
        assert set(q.options) - {q.answer_text} <= others  # never WORKDIR, which may belong to either
    for q in bank.values():
        texts = q.options if isinstance(q, Choice | MultiChoice) else ()
        assert not [t for t in texts if t.startswith("instructions that")], q.id


def test_kind_questions_explain_the_kinds_by_group(bank: dict[str, Question]) -> None:
    q = bank["kinds-of-instruction/group_member/1.1"]
    assert q.explanation == (
        "Kinds of Dockerfile instruction: instructions that create a layer: RUN, COPY; "
        "instructions that only set metadata: ENV, EXPOSE, LABEL; WORKDIR (basis: what it changes in the image)"
    )


# --- outputs ------------------------------------------------------------------------------------


def test_anki_cards_show_the_options_on_the_front_and_the_right_ones_on_the_back(base: FactBase) -> None:
    cards = {c.key: c for c in build_cards(base)}
    multi = cards["q-layers/question"]
    assert multi.prompt == "Choose all that apply."
    assert sorted(multi.options) == ["COPY", "ENV", "EXPOSE", "RUN"]
    marked = dict(line.split(" ", 1) for line in multi.option_lines)
    assert [marked[m] for m in sorted(marked)] == list(multi.options)
    right = {marked[m] for m in marked if f"{m} " in multi.answer}
    assert right == {"RUN", "COPY"} and multi.answer.count(",") == 1
    for line in multi.option_lines:
        assert line in multi.front
    assert "EXPOSE" not in multi.back and "ENV" not in multi.back
    fixed = cards["q-fixed/question"]
    assert fixed.options == ("The result of a RUN step", "A running process", "None of the above")
    assert fixed.answer == "A The result of a RUN step"


def test_exam_uses_the_authors_points_and_keys_every_right_option(base: FactBase) -> None:
    exam = make_exam(Context(base), ExamSettings(versions=2, questions=4, seed=1, kinds=("author_multi", "author_choice")))
    for version in exam.versions:
        items = {item.id: item for item in version.items}
        multi = items["q-layers/author_multi/1"]
        assert multi.style == "multi" and multi.points == 4
        right = sorted((c.marker, c.text) for c in multi.choices if c.text in ("RUN", "COPY"))
        assert multi.key.answer == ", ".join(f"{m} {t}" for m, t in right)
        assert items["q-cache/author_choice/1"].points == 2  # the exam's default for a choice question
        assert "Choose all that apply: circle the letter of every correct answer." in version.instructions
        assert version.points == sum(item.points for item in version.items)
    paper = render_exam(exam)["exam-s1-A.html"]
    assert "(choose all that apply)" in paper and "4 points" in paper


def test_quiz_sets_write_every_right_option_in_every_format(bank: dict[str, Question]) -> None:
    questions = tuple(shuffle_options([bank["q-layers/author_multi/1"], bank["q-cache/author_choice/1"]], random.Random(2)))
    qs = QuizSet(1, 1, 2, questions, lang="en")
    doc = json.loads(to_json(qs))
    jsonschema.validate(doc, json.loads((ROOT / "cardgen/schema/quizset.schema.json").read_text()))
    multi = doc["questions"][0]
    assert multi["style"] == "multi" and multi["kind"] == "author_multi"
    assert sorted(multi["options"][i] for i in multi["answer"]) == ["COPY", "RUN"]
    rows = list(csv.reader(io.StringIO(to_csv(qs).decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert set(row[header.index("Answer")].split("; ")) == {"RUN", "COPY"}
    assert {"RUN", "COPY", "ENV", "EXPOSE"} <= set(row)
    letters = {multi["options"][i]: "ABCD"[i] for i in range(4)}
    key = ", ".join(f"{letters[t]} {t}" for t in sorted(("RUN", "COPY"), key=letters.get))
    answers = MarkdownIt("commonmark").parse(to_markdown_answers(qs).decode())
    assert key in " ".join(t.content for t in answers if t.type == "inline")
    text = to_markdown(qs).decode()  # the students' copy: every option, no key
    inline = [t.content for t in MarkdownIt("commonmark").parse(text) if t.type == "inline"]
    assert key not in " ".join(inline)
    lines = {line.rstrip("\\") for line in text.splitlines()}
    assert all(f"{letter} {option}" in lines for option, letter in letters.items())  # one marker each


def test_terminal_items_of_a_multiple_choice_know_every_right_option(bank: dict[str, Question]) -> None:
    items = {item.key: item for item in choice_items(list(bank.values()))}
    multi = items["q-layers/author_multi/1"]
    assert multi.style == "multi" and multi.correct is None
    assert {multi.options[i] for i in multi.right_options} == {"RUN", "COPY"}
    single = items["q-fixed/author_choice/1"]
    assert single.style == "choice" and single.options[0] == "The result of a RUN step" and single.correct == 0
