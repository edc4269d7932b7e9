"""Layers with notes and symbolic counts, and stacks grouped into bands: read, drawn, asked."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from cardgen.bank.generate import build_bank
from cardgen.bank.question import Choice, FillIn, Ordering, Question, TrueFalse
from cardgen.bank.sample import reveals
from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.emit.exam import ExamSettings, make_exam, render_exam
from cardgen.emit.quizset import question_json
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase, Stack
from cardgen.present import draw_stack_text, markers
from tests.conftest import build_file_tree, run_cardgen
from tests.oracle import Oracle
from tests.test_quizset import VALIDATOR

EXAMPLE = Path(__file__).parent / "topics" / "cloud-layers.yaml"
# Definitions enough that the stack items, at most a quarter of a bank, are not trimmed away.
FILLER = "lang: en\ndeck: Filler\ndefinitions:\n" + "".join(
    f"  - {{id: w{n}, term: Word {chr(65 + n // 26)}{chr(65 + n % 26)}, definition: Meaning number {n} of the list}}\n"
    for n in range(60)
)


def example(tmp_path: Path) -> FactBase:
    """The worked example of the README with filler definitions beside it."""
    folder = build_file_tree(tmp_path / "facts", {"filler.yaml": FILLER})
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    return load(folder)


def base_of(tmp_path: Path, text: str) -> FactBase:
    return load(build_file_tree(tmp_path / "facts", {"f.yaml": textwrap.dedent(text), "filler.yaml": FILLER}))


def stack(base: FactBase, stack_id: str) -> Stack:
    fact = base[stack_id]
    assert isinstance(fact, Stack)
    return fact


def shown_texts(q: Question) -> list[str]:
    """Every text a student may give or pick as an answer to Q."""
    match q:
        case Choice():
            return [*q.options, *q.accepted]
        case FillIn():
            return [q.answer, *q.accepted]
        case Ordering():
            return [*q.pieces, *q.answer]
        case _:
            return []


# --- reading ------------------------------------------------------------------------


def test_notes_symbolic_counts_and_bands_are_read(tmp_path: Path) -> None:
    base = base_of(tmp_path, """\
        lang: en
        stacks:
          - id: s
            title: S
            layers:
              - {name: Pod, count: ×N, note: one per replica}
              - {name: Node, count: n}
              - {name: Disk, count: 3}
              - Network
            bands:
              - {name: workload, layers: [Node, Pod]}
              - {name: machines, layers: [Network, Disk]}
        """)
    s = stack(base, "s")
    assert [(layer.name, layer.count, layer.note) for layer in s.layers] == [
        ("Pod", "N", "one per replica"), ("Node", "n", None), ("Disk", 3, None), ("Network", 1, None)]
    assert [layer.boxes for layer in s.layers] == [1, 1, 3, 1]
    # A band's layers are kept in the stack's order, whatever order the author listed them in.
    assert [(b.name, b.layers) for b in s.bands] == [("workload", ("Pod", "Node")), ("machines", ("Disk", "Network"))]
    assert [b.name if b else None for b in map(s.band_of, range(4))] == ["workload", "workload", "machines", "machines"]


# --- drawing ------------------------------------------------------------------------


def test_the_terminal_drawing_puts_notes_beside_layers_and_brackets_each_band(tmp_path: Path) -> None:
    s = stack(example(tmp_path), "cloud-stack-iaas")
    lines = draw_stack_text(s).splitlines()
    assert len(lines) == len(s.layers)
    assert re.match(r"\[ +Application +\]", lines[0]) and lines[0].endswith("┐ customer-managed")
    assert "Operating system" in lines[3] and "the customer patches it" in lines[3]
    assert lines[3].endswith("┘") and lines[4].endswith("┐ provider-managed") and lines[6].endswith("┘")
    assert sum("customer-managed" in line for line in lines) == 1
    # Every bracket is in one column, right of every note.
    assert len({line.rindex(ch) for line in lines for ch in "┐│┘" if ch in line}) == 1
    # A hidden layer shows neither its name nor its note, which could name it.
    hidden = draw_stack_text(s, hidden=3)
    assert "Operating system" not in hidden and "the customer patches it" not in hidden
    assert "in the provider's data centre" in hidden


def test_a_symbolic_count_is_one_box_marked_with_its_symbol(tmp_path: Path) -> None:
    s = stack(example(tmp_path), "cloud-stack-kubernetes")
    first = draw_stack_text(s).splitlines()[0]
    assert first.count("[") == 1 and "Pod × N" in first and "one per replica" in first


# --- questions ------------------------------------------------------------------------


def test_notes_are_never_an_answer_an_option_or_a_typed_key(tmp_path: Path) -> None:
    base = example(tmp_path)
    notes = {layer.note for s in base.stacks for layer in s.layers if layer.note}
    bank = build_bank(base)
    assert any(q.kind.startswith("stack_") for q in bank)
    for q in bank:
        for text in shown_texts(q):
            assert not any(note in text for note in notes), (q.id, text)
    for card in build_cards(base):
        assert not any(note in text for note in notes for text in (card.answer, *card.answers, *card.items)), card.key


def test_band_questions_ask_among_the_bands_with_one_right_answer_and_no_giveaway(tmp_path: Path) -> None:
    base = example(tmp_path)
    bank = build_bank(base)
    oracle = Oracle(base)
    choices = [q for q in bank if q.kind == "stack_band"]
    statements = [q for q in bank if q.kind == "stack_band_ox"]
    assert choices and statements
    for q in choices:
        assert isinstance(q, Choice) and q.stack is None
        assert sorted(q.options) == sorted(b.name for b in stack(base, q.facts[0]).bands)
        assert oracle.right_options(q) == {q.answer}, q.id
        # The band's name is not in the prompt, nor what sets it apart from the others.
        assert not any(re.search(rf"\b{re.escape(w)}\b", q.prompt, re.I) for w in ("customer", "provider", "both")), q.id
    for q in statements:
        assert isinstance(q, TrueFalse)
        assert oracle.ox_is_true(q) is q.answer, q.id
        assert len(stack(base, q.facts[0]).bands) == 2
    assert {q.answer for q in statements} == {True, False}
    # Only layers at a band's edge are asked; 'Customer data' shares its word with the band
    # 'the customer', so it is never asked.
    asked = {q.id for q in [*choices, *statements]}
    assert "cloud-stack-iaas/stack_band_ox/4" in asked and "cloud-stack-iaas/stack_band_ox/2" not in asked
    assert "cloud-stack-security/stack_band/1" not in asked


def test_no_band_question_for_a_stack_of_one_band(tmp_path: Path) -> None:
    base = base_of(tmp_path, """\
        lang: en
        stacks:
          - id: s
            title: One team
            layers: [Frontend, Backend, Database]
            bands: [{name: ours, layers: [Frontend, Backend]}]
        """)
    assert not [q for q in build_bank(base) if q.kind.startswith("stack_band")]
    assert not [c for c in build_cards(base) if c.family == "stack.band"]


def test_no_blank_where_a_note_or_a_band_beside_it_names_the_layer(tmp_path: Path) -> None:
    base = base_of(tmp_path, """\
        lang: en
        stacks:
          - id: s
            title: A rented server
            layers:
              - Application
              - {name: Message queue, note: fed by the scheduler}
              - Scheduler
              - Operating system
              - Hypervisor
              - Hardware
            bands:
              - {name: ours, layers: [Application, Message queue, Scheduler, Operating system]}
              - {name: the hypervisor vendor, layers: [Hypervisor, Hardware]}
        """)
    bank = build_bank(base)
    blanks = {q.hidden_layer for q in bank if isinstance(q, Choice | FillIn) and q.hidden_layer is not None}
    assert blanks and 2 not in blanks and 4 not in blanks  # Scheduler (the note), Hypervisor (the band)
    missing = {c.hidden_layer for c in build_cards(base) if c.family == "stack.missing"}
    assert 2 not in missing and 4 not in missing


def test_a_drawing_of_the_stack_shows_the_answer_of_its_band_questions(tmp_path: Path) -> None:
    base = example(tmp_path)
    bank = build_bank(base)
    drawn = [q for q in bank if isinstance(q, Choice | FillIn) and q.stack is not None and q.stack.bands]
    assert drawn
    for q in bank:
        if q.kind.startswith("stack_band"):
            same = [d for d in drawn if d.facts[0] == q.facts[0]]
            # A set never holds both: one shows what the other asks.
            assert all(reveals(q, d) or reveals(d, q) for d in same), q.id


# --- cards and outputs -------------------------------------------------------------------


def test_band_cards_ask_the_band_and_draw_the_stack_on_the_back_only(tmp_path: Path) -> None:
    base = example(tmp_path)
    cards = {c.key: c for c in build_cards(base)}
    card = cards["cloud-stack-iaas/stack.band.4"]
    assert card.prompt == "Which group does 'Operating system' belong to?" and card.answer == "customer-managed"
    assert "customer-managed" not in card.front and "provider-managed" in card.back
    assert "the customer patches it" in card.back


def test_quiz_set_json_carries_notes_bands_and_symbols_and_keeps_its_schema(tmp_path: Path) -> None:
    base = example(tmp_path)
    drawn = [q for q in build_bank(base) if isinstance(q, Choice | FillIn) and q.stack is not None]
    q = next(q for q in drawn if q.facts[0] == "cloud-stack-iaas")
    doc = question_json(q, 1, markers("en"))
    layers = doc["stack"]["layers"]
    assert layers[3]["note"] == "the customer patches it" and layers[3]["band"] == "customer-managed"
    assert "note" not in layers[0] and layers[6]["band"] == "provider-managed"
    json.dumps(doc)
    VALIDATOR.validate({
        "format": "cardgen-quizset", "version": 1, "seed": 0, "set": 1, "sets": 1, "size": 1, "kinds": None, "tags": None,
        "questions": [doc],
    })


def test_the_exam_draws_band_brackets_and_notes_but_no_note_of_the_blank(tmp_path: Path) -> None:
    base = example(tmp_path)
    kinds = ("stack_missing_choice", "stack_missing_fill")
    asked = [q for q in build_bank(base) if q.kind in kinds]
    settings = ExamSettings(versions=1, questions=len(asked), seed=3, kinds=kinds)
    exam = make_exam(Context(base), settings)
    paper = next(text for name, text in render_exam(exam).items() if not name.endswith("-key.html"))
    items = [i for i in exam.versions[0].items if i.stack and any(layer.band for layer in i.stack)]
    assert items
    assert '<div class="band" style="grid-row: 1 / span 4">customer-managed</div>' in paper
    assert '<span class="layer-note">in the provider&#39;s data centre</span>' in paper
    for item in items:
        blank = next(layer for layer in item.stack if layer.blank)
        assert not blank.note and not any(blank.boxes)


def test_the_readme_example_loads_and_is_drawn_as_the_readme_shows(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("A stack's `bands` group adjacent layers")[1]
    yaml_text, drawn = re.findall(r"```(?:yaml)?\n(.*?)```", section, re.S)[:2]
    base = load(build_file_tree(tmp_path / "facts", {"f.yaml": "lang: en\n" + yaml_text}))
    assert draw_stack_text(stack(base, "cloud-stack-iaas")) == drawn.rstrip("\n")
    # The README shows the worked example's stack as it is.
    shown, whole = stack(base, "cloud-stack-iaas"), stack(load(EXAMPLE), "cloud-stack-iaas")
    assert (shown.layers, shown.bands) == (whole.layers, whole.bands)


def test_the_terminal_quiz_shows_bands_and_notes_on_the_back_of_a_band_card(tmp_path: Path) -> None:
    facts = build_file_tree(tmp_path / "facts", {"f.yaml": EXAMPLE.read_text(encoding="utf-8"),
                                                  "filler.yaml": FILLER})
    keys = " \n3\n" * 150 + "q\n"
    result = run_cardgen("quiz", str(facts), "--cram", "--tags", "cloud", input=keys,
                         env={"CARDGEN_NOW": "2026-12-01T10:00:00+00:00", "CARDGEN_FUZZ": "0"})
    assert result.returncode == 0, result.stderr
    screen = result.stdout
    question = "Which group does 'Operating system' belong to?"
    assert question in screen
    back = screen.split(question, 1)[1].split("Space/Enter: show answer", 1)[1].split("q: quit\n", 1)[1]
    back = back.split("1 Again", 1)[0]
    assert back.lstrip().startswith("customer-managed\n[")  # the answer, then the drawing with both brackets
    assert "┐ provider-managed" in back and "the customer patches it" in back
    ask = screen.split(question, 1)[1].split("Space/Enter: show answer", 1)[0]
    assert "managed" not in ask and "┐" not in ask
