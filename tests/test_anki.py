"""Anki packages, checked by importing them into the real Anki backend."""

from __future__ import annotations

import html
import itertools
import os
import re
import shutil
import sqlite3
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki
import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

from cardgen.emit.anki import (  # noqa: E402
    BASIC, CLOZE, NOTE_TYPES, TYPEIN, NoteMaker, Renderer, apkg_name, build_timestamp, cards_by_deck, collection,
    AnkiOutput, apkg_bytes, default_templates, emit_anki, escape_cloze, note_guid, stable_id, stylesheet,
)
from cardgen.cards import Card, build_cards  # noqa: E402
from cardgen.errors import UsageError  # noqa: E402
from cardgen.context import Context  # noqa: E402
from cardgen.factbase.loader import load  # noqa: E402
from cardgen.factbase.model import FactBase  # noqa: E402
from cardgen.write import write_output  # noqa: E402
from conftest import FACTS, build_file_tree, run_cardgen  # noqa: E402


@dataclass(frozen=True)
class Written:
    result: AnkiOutput
    paths: tuple[Path, ...]

    def __getattr__(self, name: str) -> object:
        return getattr(self.result, name)


def write_anki(base: FactBase, out: Path, timestamp: int) -> Written:
    """What `cardgen anki` does, on a loaded fact base: the packages, then the one writer."""
    result = emit_anki(Context(base), timestamp)
    written = write_output(out, result.files, owner="anki")
    return Written(result, written.files)

T1 = 1_700_000_000
DECK = "Docker::1. 가상화와 컨테이너"
TEMPLATE_ERRORS = ("error", "{{", "}}", "front of this card is blank", "unknown field", "no cloze")


def import_apkgs(col: Collection, out_dir: Path, **options):
    """Import every package in OUT_DIR with Anki's default options; return the combined log counts."""
    totals = {"new": 0, "updated": 0, "duplicate": 0, "conflicting": 0}
    for apkg in sorted(out_dir.glob("*.apkg")):
        log = col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(**options))).log
        for key in totals:
            totals[key] += len(getattr(log, key))
    return totals


def notes_by_key(col: Collection) -> dict:
    notes = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        notes[note["Key"]] = note
    return notes


def cardgen_note_types(col: Collection) -> list[str]:
    return sorted(nt.name for nt in col.models.all_names_and_ids() if nt.name.startswith("cardgen"))


def visible_text(rendered: str) -> str:
    """What a student reads: no stylesheet, no tags, entities decoded."""
    body = re.sub(r"<style>.*?</style>", "", rendered, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped facts built once and imported into a fresh collection."""
    tmp = tmp_path_factory.mktemp("shipped")
    base = load(FACTS)
    result = write_anki(base, tmp / "dist", timestamp=T1)
    col = Collection(str(tmp / "collection.anki2"))
    log = import_apkgs(col, tmp / "dist")
    yield base, result, col, log
    col.close()


def test_one_package_per_deck_with_every_card(shipped):
    base, result, col, log = shipped
    cards = build_cards(base)
    assert [f.deck for f in result.decks] == [DECK]
    assert result.paths[0].name == "Docker - 1. 가상화와 컨테이너.apkg"
    assert log == {"new": len(cards), "updated": 0, "duplicate": 0, "conflicting": 0}
    notes = notes_by_key(col)
    assert sorted(notes) == sorted(card.key for card in cards)
    assert len(col.find_cards("")) == len(cards) == result.cards == result.notes
    assert {col.decks.name(col.get_card(cid).did) for cid in col.find_cards("")} == {DECK}
    assert {note.note_type()["name"] for note in notes.values()} == {nt.name for nt in NOTE_TYPES}
    assert notes["hypervisor/definition.forward"].tags == ["Docker", "가상화", "하이퍼바이저"]


def test_every_card_renders_both_sides_without_template_errors(shipped):
    _, _, col, _ = shipped
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        front, back = visible_text(card.question()), visible_text(card.answer())
        key = card.note()["Key"]
        assert front.strip() and back.strip(), key
        assert len(back.strip()) > len(front.strip()) or card.note().note_type()["name"] == CLOZE.name, key
        for side in (front.lower(), back.lower()):
            assert not any(problem in side for problem in TEMPLATE_ERRORS), (key, side)


def test_korean_text_survives_exactly(shipped):
    base, _, col, _ = shipped
    notes = notes_by_key(col)
    for definition in base.definitions:
        typed = notes[f"{definition.id}/definition.typein"]
        assert html.unescape(typed["Answer"]) == definition.term
        forward = col.get_card(notes[f"{definition.id}/definition.forward"].card_ids()[0])
        text = visible_text(forward.answer())
        assert definition.definition in text
        assert unicodedata.is_normalized("NFC", text)
    stack = notes["stack-para-virtualization/stack.missing.2"]
    back = col.get_card(stack.card_ids()[0]).answer()
    assert back.count('<div class="cg-box">수정된 게스트 운영체제</div>') == 3


def test_type_in_back_names_other_names_without_claiming_anki_accepts_them(shipped):
    base, _, col, _ = shipped
    notes = notes_by_key(col)
    dom0 = base.definition("dom0")
    others = [name for name in dom0.names if name not in (dom0.term, dom0.english)]
    assert others  # the shipped Dom0 has an alias, so the back has something to name
    card = col.get_card(notes["dom0/definition.typein"].card_ids()[0])
    back = visible_text(card.answer())
    assert "다른 이름: " + ", ".join(others) in back
    # Anki compares with the Answer field alone: nothing on the card may promise more.
    assert html.unescape(notes["dom0/definition.typein"]["Answer"]) == dom0.term
    assert "인정" not in back and "ccept" not in back


def test_stack_front_draws_boxes_side_by_side_and_hides_one_layer(shipped):
    _, _, col, _ = shipped
    note = notes_by_key(col)["stack-hosted-hypervisor/stack.missing.2"]
    front = col.get_card(note.card_ids()[0]).question()
    assert "×" not in front and "x3" not in front
    rows = re.findall(r'<div class="cg-row( cg-hidden)?">(.*?)</div>\n?</div>', front, flags=re.S)
    boxes = [re.findall(r'<div class="cg-box">([^<]*)', row) for _, row in rows]
    assert boxes == [["응용 프로그램"] * 3, ["?"] * 3, ["하이퍼바이저"], ["호스트 운영체제"], ["하드웨어"]]
    assert [bool(hidden) for hidden, _ in rows] == [False, True, False, False, False]


def test_every_back_shows_source_and_correction_note(shipped):
    base, _, col, _ = shipped
    notes = notes_by_key(col)
    for key, note in notes.items():
        back = visible_text(col.get_card(note.card_ids()[0]).answer())
        assert "[Docker] 1. 가상화와 컨테이너" in back, key
    hosted = col.get_card(notes["hosted-hypervisor/definition.forward"].card_ids()[0])
    assert "호스팅(hosted) 하이퍼바이저가 Type 2" in visible_text(hosted.answer())
    assert "Type 2" not in visible_text(hosted.question()).replace("(Type 2)", "")


def test_cloze_cards_hide_exactly_one_item(shipped):
    _, _, col, _ = shipped
    note = notes_by_key(col)["hosted-hypervisor-pros-cons/cons.cloze.2"]
    (cid,) = note.card_ids()
    card = col.get_card(cid)
    assert "GPU 패스스루(GPU Passthrough) 지원이 제한적임" not in visible_text(card.question())
    assert "[...]" in visible_text(card.question())
    assert "호스트 위에 게스트를 구동하는" in visible_text(card.question())
    assert "GPU 패스스루(GPU Passthrough) 지원이 제한적임" in visible_text(card.answer())


def test_ids_are_fixed_and_never_the_default_deck():
    assert stable_id("cardgen deck x") == stable_id("cardgen deck x")
    assert all(1 < nt.id < 2**31 for nt in NOTE_TYPES)
    assert len({nt.id for nt in NOTE_TYPES}) == 3
    assert BASIC.id == stable_id("cardgen note type cardgen basic")
    # The schema users' collections depend on: changing it makes Anki refuse updates.
    assert BASIC.fields == ("Key", "Front", "Back", "Source", "Note")
    assert TYPEIN.fields == ("Key", "Front", "Answer", "Back", "Source", "Note")
    assert CLOZE.fields == ("Key", "Text", "Back", "Source", "Note")


def test_guid_depends_on_identity_only(shipped):
    base, _, col, _ = shipped
    card = build_cards(base)[0]
    assert note_guid(card._replace(answer="전혀 다른 내용")) == note_guid(card)
    assert note_guid(card._replace(kind="other")) != note_guid(card)
    assert notes_by_key(col)[card.key].guid == note_guid(card)


@settings(max_examples=200, deadline=None)
@given(fact_id=st.text(min_size=1, max_size=40), kind=st.text(min_size=1, max_size=30))
def test_guid_is_genanki_guid_for_the_card_key(fact_id, kind):
    card = Card(fact_id=fact_id, kind=kind, deck="d", tags=(), prompt="")
    assert note_guid(card) == genanki.guid_for("cardgen", fact_id, kind)


def test_a_template_that_does_not_end_each_item_is_refused():
    renderer = Renderer()
    renderer.templates["back"] = jinja2.Environment(autoescape=True).from_string(
        "{% for note in notes %}<div>{{ note }}</div>{% endfor %}")
    with pytest.raises(RuntimeError, match="must end each item's HTML with the separator U\\+001E"):
        renderer.render("back", notes=["a", "b"])


def test_notes_take_a_few_template_calls_per_deck_and_no_plain_text(tmp_path, monkeypatch):
    # What keeps large decks fast: one render per template and deck, never one per card,
    # and no drawing of the terminal quiz's plain-text sides.
    def refuse(card):
        raise AssertionError(f"{card.key}: the Anki path drew a plain-text side")

    monkeypatch.setattr(Card, "front", property(refuse))
    monkeypatch.setattr(Card, "back", property(refuse))
    renders = []
    original = jinja2.Template.render

    def counted(template, *args, **kwargs):
        renders.append(template.name)
        return original(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    result = write_anki(load(FACTS), tmp_path, timestamp=T1)
    assert result.notes > 100
    assert sorted(renders) == ["anki/back.html", "anki/cloze.html", "anki/front.html", "anki/stack.html"]


def test_builds_are_byte_identical(tmp_path):
    base = load(FACTS)
    one = write_anki(base, tmp_path / "one", timestamp=T1).paths[0]
    two = write_anki(base, tmp_path / "two", timestamp=T1).paths[0]
    later = write_anki(base, tmp_path / "later", timestamp=T1 + 1).paths[0]
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes() != later.read_bytes()
    with zipfile.ZipFile(one) as archive:
        assert [i.filename for i in archive.infolist()] == ["collection.anki2", "media"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_timestamp_from_source_date_epoch_or_newest_input(tmp_path):
    root = build_file_tree(tmp_path, {"a.yaml": "definitions: []\n", "b.yaml": "definitions: []\n"})
    os.utime(root / "a.yaml", (1_600_000_000, 1_600_000_000))
    os.utime(root / "b.yaml", (4_000_000_000, 4_000_000_000))
    base = load(root)
    assert build_timestamp(base, {}) == 4_000_000_000  # an edited fact file dates the build
    os.utime(root / "b.yaml", (1_600_000_000, 1_600_000_000))
    templates = max(int(p.stat().st_mtime) for p in (default_templates() / "anki").iterdir())
    assert build_timestamp(base, {}) == max(templates, 1_600_000_000)  # so does a changed template
    assert build_timestamp(base, {"SOURCE_DATE_EPOCH": "1700000000"}) == 1_700_000_000
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be a positive whole number"):
        build_timestamp(base, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_decks_of_several_files_import_side_by_side(tmp_path):
    root = build_file_tree(tmp_path / "facts", {
        "a.yaml": 'deck: "A::하나"\ndefinitions: [{id: a, term: 가, definition: 가나}]\n',
        "b.yaml": 'deck: "B"\ndefinitions: [{id: b, term: 나, definition: 나다}]\n'
                  'pros_cons: [{id: b-pc, concept: b, pros: [좋음, 빠름]}]\n',
    })
    result = write_anki(load(root), tmp_path / "dist", timestamp=T1)
    assert [path.name for path in result.paths] == ["A - 하나.apkg", "B.apkg"]
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = import_apkgs(col, tmp_path / "dist")
        assert log == {"new": result.notes, "updated": 0, "duplicate": 0, "conflicting": 0}
        assert cardgen_note_types(col) == sorted(nt.name for nt in NOTE_TYPES)
        decks = {notes_by_key(col)[key].cards()[0].did for key in ("a/definition.forward", "b-pc/pros.cloze.2")}
        assert {col.decks.name(d) for d in decks} == {"A::하나", "B"}
    finally:
        col.close()


def review_everything(col: Collection) -> None:
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        card.start_timer()
        states = col._backend.get_scheduling_states(card.id)
        col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


def history(col: Collection) -> dict[str, tuple]:
    """Per card key: card id, reps, interval and revlog length."""
    out = {}
    for key, note in notes_by_key(col).items():
        (cid,) = note.card_ids()
        card = col.get_card(cid)
        revlog = col.db.scalar("select count() from revlog where cid = ?", cid)
        out[key] = (cid, card.reps, card.ivl, card.type, revlog)
    return out


def test_the_browser_sorts_and_shows_cards_by_their_question(shipped):
    _, _, col, _ = shipped
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        sort_field = col.db.scalar("select sfld from notes where id = ?", card.nid)
        question = visible_text(card.question())
        assert card.note()["Key"] not in sort_field
        shown = re.sub(r"\s", "", sort_field).split("{{c1::")[0]  # a cloze's sort field holds its markup
        assert re.sub(r"\s", "", question).startswith(shown), card.note()["Key"]


def test_decks_built_when_the_key_was_the_sort_field_update_in_place(tmp_path):
    cards = build_cards(load(FACTS))
    old = NoteMaker(stylesheet())
    for model in old.models.values():
        model.sort_field_index = 0  # how earlier cardgen versions sorted: by the Key field
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "deck.apkg").write_bytes(apkg_bytes(DECK, old.notes(cards), T1))
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        assert import_apkgs(col, tmp_path / "v1")["new"] == len(cards)
        write_anki(load(FACTS), tmp_path / "v2", timestamp=T1 + 86_400)
        second = import_apkgs(col, tmp_path / "v2")
        assert second["new"] == 0 and second["conflicting"] == 0, second
        assert cardgen_note_types(col) == sorted(nt.name for nt in NOTE_TYPES)
        keys = set(notes_by_key(col))
        assert not keys & set(col.db.list("select sfld from notes"))
    finally:
        col.close()


def test_update_story_keeps_review_history(tmp_path):
    facts = Path(shutil.copytree(FACTS, tmp_path / "facts"))
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        write_anki(load(facts), tmp_path / "v1", timestamp=T1)
        first = import_apkgs(col, tmp_path / "v1")
        assert first["new"] == len(build_cards(load(facts)))
        review_everything(col)
        before = history(col)
        assert all(reps == 1 and revlog == 1 for _, reps, _, _, revlog in before.values())

        # Edit one definition, rebuild later, re-import with Anki's default options.
        path = facts / "1-virtualization.yaml"
        text = path.read_text(encoding="utf-8")
        assert "definition: 컴퓨터 자원(Computer Resource)의 추상화" in text
        path.write_text(text.replace("definition: 컴퓨터 자원(Computer Resource)의 추상화",
                                     "definition: 컴퓨터 자원을 논리적으로 나누고 합친 추상화"), encoding="utf-8")
        write_anki(load(facts), tmp_path / "v2", timestamp=T1 + 86_400)
        second = import_apkgs(col, tmp_path / "v2")
        assert second["new"] == 0 and second["duplicate"] == 0 and second["conflicting"] == 0
        assert second["updated"] >= 3, second
        after = history(col)
        assert after == before  # same cards, same reps, intervals, states and revlog
        forward = notes_by_key(col)["virtualization/definition.forward"]
        answer = visible_text(col.get_card(forward.card_ids()[0]).answer())
        assert "컴퓨터 자원을 논리적으로 나누고 합친 추상화" in answer
        assert "컴퓨터 자원(Computer Resource)의 추상화" not in answer
        assert cardgen_note_types(col) == sorted(nt.name for nt in NOTE_TYPES)  # no "cardgen basic+" copies

        # Adding a fact adds exactly its cards.
        text = path.read_text(encoding="utf-8")
        kernel = "  - id: kernel\n    term: 커널\n    english: Kernel\n    definition: 운영체제의 핵심\n"
        path.write_text(text.replace("definitions:\n", "definitions:\n" + kernel, 1), encoding="utf-8")
        write_anki(load(facts), tmp_path / "v3", timestamp=T1 + 2 * 86_400)
        third = import_apkgs(col, tmp_path / "v3")
        assert third["new"] == 3 and third["duplicate"] == 0 and third["conflicting"] == 0
        keys = set(notes_by_key(col))
        assert keys - set(after) == {f"kernel/definition.{kind}" for kind in ("forward", "reverse", "typein")}
        assert {k: v for k, v in history(col).items() if k in before} == before
    finally:
        col.close()


ESCAPE_FACTS = """\
deck: "Escapes"
source: "a < b & c"
definitions:
  - id: script
    term: "<script>alert(1)</script>"
    definition: "a < b & c"
    english: "<u>Script</u>"
    aliases: ["x}}y::z"]
    details: ["<script>alert(1)</script> & detail"]
    examples: ["<i>example</i> [sound:e.mp3]"]
    note: "<b>not bold</b> [sound:boom.mp3]"
  - id: other
    term: 다른 것
    definition: 무엇
taxonomy:
  - id: kinds
    parent: script
    children: [other]
    basis: "<b>basis</b> & more"
scenarios:
  - id: sc
    text: "<script>alert(1)</script> scenario"
pros_cons:
  - id: script-pc
    concept: script
    pros: ["x}} and {{c2::y}} :: z", "a < b & c"]
stacks:
  - id: s
    title: "<i>t</i>"
    scenario: sc
    layers: ["<script>alert(1)</script>", {name: "a < b & c", count: 2}]
questions:
  - id: q
    question: "<script>alert(1)</script>?"
    answer: "<b>a < b & c</b>"
    explanation: "<i>because</i> [sound:q.mp3]"
    stack: s
"""


@pytest.fixture(scope="module")
def escaped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("escapes")
    root = build_file_tree(tmp / "facts", {"e.yaml": ESCAPE_FACTS})
    write_anki(load(root), tmp / "dist", timestamp=T1)
    col = Collection(str(tmp / "collection.anki2"))
    log = import_apkgs(col, tmp / "dist")
    yield col, log
    col.close()


def test_markup_in_facts_shows_literally_and_runs_nothing(escaped):
    col, log = escaped
    assert log["new"] == len(col.find_cards(""))
    seen_script = seen_amp = 0
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        for rendered in (card.question(), card.answer()):
            assert not re.search(r"<\s*(script|b|i|u)\b", rendered, flags=re.I), rendered
            text = visible_text(rendered)
            seen_script += "<script>alert(1)</script>" in text
            seen_amp += "a < b & c" in text
        assert card.question_av_tags() == [] and card.answer_av_tags() == []
    assert seen_script >= 6 and seen_amp >= 6
    forward = notes_by_key(col)["script/definition.forward"]
    answer = visible_text(col.get_card(forward.card_ids()[0]).answer())
    assert "<b>not bold</b> [sound:boom.mp3]" in answer


def test_cloze_text_cannot_break_the_cloze(escaped):
    col, _ = escaped
    note = notes_by_key(col)["script-pc/pros.cloze.1"]
    assert len(note.card_ids()) == 1
    card = col.get_card(note.card_ids()[0])
    assert "x}} and {{c2::y}} :: z" not in visible_text(card.question())
    assert "x}} and {{c2::y}} :: z" in visible_text(card.answer())
    assert "a < b & c" in visible_text(card.question())
    assert html.unescape(str(escape_cloze("a::b}}"))) == "a::b}}"


def test_separator_characters_in_text_cannot_split_fields_or_notes(tmp_path):
    # The loader turns these characters into spaces; cards made in Python can still carry them.
    root = build_file_tree(tmp_path / "facts", {"s.yaml": (
        'deck: "Seps"\ndefinitions: [{id: a, term: 가, definition: 나}, {id: b, term: 라, definition: 마}]\n'
        'pros_cons: [{id: b-pc, concept: b, pros: [하나, 둘]}]\n')})
    cards = [card._replace(subject=f"{card.subject}\x1e\x1f", answers=tuple(f"{a}\x1e\x1f" for a in card.answers),
                           items=tuple(f"\x1e{item}" for item in card.items), source="출처\x1e끝")
             for card in build_cards(load(root))]
    (tmp_path / "seps.apkg").write_bytes(apkg_bytes("Seps", NoteMaker(stylesheet()).notes(cards), T1))
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = import_apkgs(col, tmp_path)
        imported = notes_by_key(col)
        assert log["new"] == len(imported) == len(cards)
        assert sorted(imported) == sorted(card.key for card in cards)
        for key, note in imported.items():
            assert len(note.fields) == len(note.note_type()["flds"]), key
            assert note["Source"] == "출처&#30;끝", key
        assert imported["a/definition.typein"]["Answer"] == "가&#30;&#31;"
        assert "&#30;둘" in imported["b-pc/pros.cloze.1"]["Text"]
    finally:
        col.close()


def database_rows(data: bytes) -> dict[str, list]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        tables = [name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")]
        rows = {table: conn.execute(f"select * from {table} order by 1").fetchall() for table in tables}
        # The schema, not where its pages happen to lie.
        schema = conn.execute("select type, name, tbl_name, sql from sqlite_master order by name").fetchall()
        return rows | {"sqlite_master": schema}
    finally:
        conn.close()


def test_collection_holds_exactly_the_rows_genanki_writes(tmp_path):
    root = build_file_tree(tmp_path / "facts", {"e.yaml": ESCAPE_FACTS})
    maker = NoteMaker(stylesheet())
    decks = {**cards_by_deck(build_cards(load(FACTS))), **cards_by_deck(build_cards(load(root)))}
    made = {deck: maker.notes(cards) for deck, cards in decks.items()}
    assert {note.model.name for notes in made.values() for note in notes} == {nt.name for nt in NOTE_TYPES}
    for deck, notes in made.items():
        anki_deck = genanki.Deck(stable_id(f"cardgen deck {deck}"), deck)
        for note in notes:
            anki_deck.add_note(note.genanki_note())
        conn = sqlite3.connect(":memory:")
        genanki.Package(anki_deck).write_to_db(conn.cursor(), T1, itertools.count(T1 * 1000))
        conn.commit()
        theirs = database_rows(conn.serialize())
        conn.close()
        ours = database_rows(collection(deck, notes, T1))
        assert len(ours["notes"]) == len(ours["cards"]) == len(decks[deck])
        # One difference: a new card's `due` is its position, the note's place in NOTES (genanki: 0).
        assert [row[8] for row in theirs["cards"]] == [0] * len(notes)
        theirs["cards"] = [(*row[:8], position, *row[9:]) for position, row in enumerate(theirs["cards"])]
        assert ours == theirs, deck


def test_deck_file_names_are_portable_and_distinct(tmp_path):
    assert apkg_name("Docker::1. 가상화와 컨테이너") == "Docker - 1. 가상화와 컨테이너.apkg"
    assert apkg_name('a/b:"c"') == "a_b__c_.apkg"
    root = build_file_tree(tmp_path / "facts", {
        "a.yaml": 'deck: "A::B"\ndefinitions: [{id: a, term: 가, definition: 가}]\n',
        "b.yaml": 'deck: "A - B"\ndefinitions: [{id: b, term: 나, definition: 나}]\n',
    })
    written = write_anki(load(root), tmp_path / "dist", timestamp=T1)
    by_deck = {deck.deck: deck.name for deck in written.decks}
    # Both decks clean to "A - B"; the second gets a stable hash, so neither replaces the other.
    assert by_deck["A - B"] == "A - B.apkg"
    assert by_deck["A::B"].startswith("A - B-") and by_deck["A::B"].endswith(".apkg")
    assert sorted(path.name for path in written.paths) == sorted(by_deck.values())


def test_cli_writes_decks_and_counts_kinds(tmp_path):
    result = run_cardgen("anki", str(FACTS), "-o", str(tmp_path / "out"), "--by-kind",
                         env={"SOURCE_DATE_EPOCH": str(T1)})
    assert result.returncode == 0, result.stderr
    base = load(FACTS)
    n = len(build_cards(base))
    assert f"Docker - 1. 가상화와 컨테이너.apkg: {n} notes, {n} cards" in result.stdout
    blanks = sum(card.family == "stack.missing" for card in build_cards(base))
    assert blanks and re.search(rf"stack\.missing\s+{blanks}\n", result.stdout)
    assert re.search(rf"total\s+{n}\n", result.stdout)
    assert (tmp_path / "out" / "Docker - 1. 가상화와 컨테이너.apkg").is_file()
    bad = run_cardgen("anki", str(tmp_path / "missing"), "-o", str(tmp_path / "out"))
    assert bad.returncode == 1 and "no such file or folder" in bad.stderr and "Traceback" not in bad.stderr


def test_bands_notes_and_symbolic_counts_render_in_real_anki(tmp_path):
    """The worked example of layer notes, `count: N` and bands, imported into Anki: every card
    renders, band labels and notes show beside the layers, and a band card's front gives no band."""
    from tests.test_layers import example

    base = example(tmp_path / "facts")
    write_anki(base, tmp_path / "dist", timestamp=T1)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkgs(col, tmp_path / "dist")
        rendered = {}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            front, back = visible_text(card.question()), visible_text(card.answer())
            key = card.note()["Key"]
            assert front.strip() and back.strip(), key
            for side in (front.lower(), back.lower()):
                assert not any(problem in side for problem in TEMPLATE_ERRORS), (key, side)
            rendered[key] = (" ".join(front.split()), " ".join(back.split()), card.answer())
    finally:
        col.close()
    front, back, html_back = rendered["cloud-stack-iaas/stack.band.4"]
    assert "Operating system" in front and "managed" not in front
    assert "customer-managed" in back and "provider-managed" in back and "the customer patches it" in back
    assert 'class="cg-band" style="grid-row: span 4"' in html_back
    stack_backs = [b for k, (_, b, _) in rendered.items() if k.startswith("cloud-stack-kubernetes/")]
    assert stack_backs and all("Pod × N" in b and "one per replica" in b for b in stack_backs)
