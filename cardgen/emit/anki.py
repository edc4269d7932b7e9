"""Anki decks: one `.apkg` per deck named in the fact files, safe to re-import forever.

Each `Card` becomes one note. What keeps a user's collection healthy across
rebuilds (see Anki's importer rules):

- a note's GUID comes from its card key (fact id and card kind) and nothing else,
  so editing a fact updates the note in place and keeps its review history;
- note types and decks have ids fixed forever, and the note types' fields and
  card templates below are fixed too: changing them makes Anki refuse updates.
  Layout lives in the field HTML (rendered from `templates/anki/*.html`) and the
  stylesheet (`templates/anki/style.css`), which may change freely;
- notes and note types carry `mod` = SOURCE_DATE_EPOCH, else the newest fact
  file's mtime, so a rebuilt deck is "newer" exactly when its facts are;
- the `.apkg` zip is written with fixed entry times and order: the same facts and
  SOURCE_DATE_EPOCH give byte-identical files.

Every piece of fact text is escaped (HTML, and the few characters Anki itself
interprets: `[sound:...]`, cloze braces and colons).
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import os
import re
import sqlite3
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import genanki
from markupsafe import Markup

from cardgen import richtext
from cardgen.cards import Card
from cardgen.context import Context
from cardgen.emit.order import author_rank, study_order
from cardgen.emit.templating import default_templates, environment
from cardgen.errors import UsageError
from cardgen.factbase.model import FactBase, Stack
from cardgen.flow import FlowStep
from cardgen.gcpause import collector_paused
from cardgen.media import Image
from cardgen.present import Grid, StackRow, stack_row
from cardgen.write import safe_file_name

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_LEVEL = 1  # a sixth larger than the default 6, at a third of the time


# --- identity ---------------------------------------------------------------------


def stable_id(name: str) -> int:
    """A 31-bit id derived from NAME, never 0 or 1 (Anki's Default deck)."""
    value = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") & 0x7FFFFFFF
    return value if value > 1 else value + 2


def note_guid(card: Card) -> str:
    """`genanki.guid_for("cardgen", fact_id, kind)`, computed without its per-digit overhead."""
    digest = hashlib.sha256(f"cardgen__{card.fact_id}__{card.kind}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    pairs = []
    while number:
        number, pair = divmod(number, 91 * 91)
        pairs.append(_BASE91_PAIRS[pair])
    # Pairs of digits keep a leading zero digit that genanki, writing one digit at a time, drops.
    return "".join(reversed(pairs)).removeprefix(_BASE91[0]) if pairs else ""


_BASE91 = "".join(genanki.util.BASE91_TABLE)
_BASE91_PAIRS = [high + low for high in _BASE91 for low in _BASE91]


def deck_id(deck: str) -> int:
    return stable_id(f"cardgen deck {deck}")


def build_timestamp(base: FactBase, environ: dict[str, str] | None = None) -> int:
    """SOURCE_DATE_EPOCH if set, else the newest mtime of the fact files and the Anki templates.

    Anki only takes an update that is newer than what it has; the notes' HTML comes
    from both the facts and the templates, so a change to either must date the build later.
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a positive whole number of seconds, not '{raw}'")
        return int(raw)
    inputs = [Path(f) for f in base.files] + sorted((default_templates() / "anki").iterdir())
    return max((int(p.stat().st_mtime) for p in inputs if p.is_file()), default=1)


# --- note types: fields and card templates fixed forever ------------------------------

_NOTE = '{{#Note}}<div class="cg-note">{{Note}}</div>{{/Note}}'
_SOURCE = '{{#Source}}<div class="cg-source">{{Source}}</div>{{/Source}}'


@dataclass(frozen=True)
class NoteType:
    """A note type as Anki stores it. Never change `name`, `fields` or the template names."""

    name: str
    fields: tuple[str, ...]
    front: str
    back: str
    cloze: bool = False

    @property
    def id(self) -> int:
        return stable_id(f"cardgen note type {self.name}")

    def model(self, css: str) -> genanki.Model:
        return genanki.Model(
            self.id,
            self.name,
            fields=[{"name": name} for name in self.fields],
            templates=[{"name": "Cloze" if self.cloze else "Card", "qfmt": self.front, "afmt": self.back}],
            css=css,
            model_type=genanki.Model.CLOZE if self.cloze else genanki.Model.FRONT_BACK,
            sort_field_index=1,  # Front or Text: the browser lists cards by their question
        )


BASIC = NoteType(
    "cardgen basic",
    ("Key", "Front", "Back", "Source", "Note"),
    front="{{Front}}",
    back=f'<div class="cg-back-side">{{{{Front}}}}<hr id="answer">{{{{Back}}}}{_NOTE}{_SOURCE}</div>',
)
TYPEIN = NoteType(
    "cardgen type-in",
    ("Key", "Front", "Answer", "Back", "Source", "Note"),
    front="{{Front}}\n{{type:Answer}}",
    back=(
        f'<div class="cg-back-side">{{{{Front}}}}<hr id="answer">{{{{type:Answer}}}}{{{{Back}}}}{_NOTE}{_SOURCE}</div>'
    ),
)
CLOZE = NoteType(
    "cardgen cloze",
    ("Key", "Text", "Back", "Source", "Note"),
    front="{{cloze:Text}}",
    back=f'<div class="cg-back-side">{{{{cloze:Text}}}}<hr id="answer">{{{{Back}}}}{_NOTE}{_SOURCE}</div>',
    cloze=True,
)
NOTE_TYPES = (BASIC, TYPEIN, CLOZE)


def note_type_of(card: Card) -> NoteType:
    if card.cloze is not None:
        return CLOZE
    return TYPEIN if card.is_typein else BASIC


# --- rendering fields ------------------------------------------------------------------


def escape_text(value: object) -> Markup:
    """Plain text as field HTML: HTML-escaped, `[` kept from starting `[sound:...]`, newlines as <br>.

    Braces become character references too: Anki shows them alike, but `{{Front}}`
    written in a fact would read as an unreplaced field to tools that check decks.
    The record and unit separators become character references: Anki joins a note's
    fields with U+001F, and the renderer below splits a template's output on U+001E.
    Rich text (`cardgen.richtext`) keeps its code, bold and formulas, each plain part
    escaped as above; a formula goes to MathJax, which Anki runs on `\\(...\\)`.
    """
    text = str(value)
    rich = richtext.to_html(text, _ANKI_HTML) if richtext.has_markup(text) else None
    return Markup(_escape_plain(text) if rich is None else rich)


def _escape_plain(value: str) -> str:
    text = html.escape(value, quote=True).replace("[", "&#91;").replace("\n", "<br>")
    if "{" in text or "}" in text:
        text = text.replace("{", "&#123;").replace("}", "&#125;")
    if "\x1e" in text or "\x1f" in text:
        text = text.replace("\x1e", "&#30;").replace("\x1f", "&#31;")
    return text


def _anki_math(formula: richtext.Math) -> str:
    # The cards' outer element turns MathJax off for fact text (`tex2jax_ignore`); a
    # formula's own element turns it back on.
    opening, closing = (r"\[", r"\]") if formula.display else (r"\(", r"\)")
    tex = _escape_plain(formula.tex)
    return f'<span class="cg-math tex2jax_process mathjax_process">{opening}{tex}{closing}</span>'


_ANKI_HTML = richtext.HtmlStyle(escape=_escape_plain, math=_anki_math, newline="<br>")


def escape_cloze(value: object) -> Markup:
    """Like `escape_text` (which also escapes braces), and no colon run can split a cloze deletion."""
    text = str(escape_text(value))
    return Markup(_COLON_RUN.sub("&#58;", text) if "::" in text else text)


_COLON_RUN = re.compile(r":(?=:)|(?<=:):")


def stylesheet() -> str:
    return (default_templates() / "anki" / "style.css").read_text(encoding="utf-8")


class NoteView(NamedTuple):
    """What the Front and Back templates show of one card: text escaped, stacks' rows already drawn."""

    family: str
    subject: Markup
    prompt: Markup
    context: Markup
    answer: Markup
    items: tuple[Markup, ...]
    """The list on the back; empty on a cloze card, whose list is on its Text side."""
    details: tuple[Markup, ...]
    front_stack: Markup | None
    back_stack: Markup | None
    front_flow: Markup | None
    back_flow: Markup | None
    options: tuple[Markup, ...] = ()
    """The options of a choice question, with their markers, shown on the front."""
    table: Grid | None = None
    """A comparison drawn on the back as a `<table>`, its texts escaped."""
    image: Markup | None = None
    """The fact's image (an `<img>` of its media file), shown on the back."""


def _image_tag(image: Image | None) -> Markup | None:
    if image is None:
        return None
    return Markup(f'<img class="cg-image" src="{html.escape(image.name)}" alt="">')


class ClozeView(NamedTuple):
    """What the cloze Text template shows: text escaped for a cloze field, `blank` the hidden item."""

    family: str
    subject: Markup
    prompt: Markup
    items: tuple[Markup, ...]
    blank: int


class _Escaped(dict[str, Markup]):
    """Texts and their escaped HTML, each escaped once: cards repeat their facts' texts many times."""

    def __init__(self, escape: Callable[[str], Markup]) -> None:
        super().__init__()
        self.escape = escape

    def __missing__(self, text: str) -> Markup:
        escaped = self[text] = self.escape(text)
        return escaped


# A stack drawing: (stack id, hidden layer, marked layers); one of its rows: (stack id,
# row index, hidden, marked).
_Drawing = tuple[str, int | None, tuple[int, ...]]
_RowState = tuple[str, int, bool, bool]

# Ends each item in a template's output (a literal there, so Jinja writes it at no
# cost); escaping keeps it out of fact text.
_END = "\x1e"


class Renderer:
    """Turns cards into note fields through the Jinja2 templates.

    Each template is rendered once per batch of cards (a deck), looping over them,
    rather than once per card: a render call costs far more than a loop pass. Every
    distinct text is escaped once, and every distinct row of a stack drawing is
    rendered once.
    """

    def __init__(self) -> None:
        # The shipped templates only (Anki notes take no user overrides), without
        # autoescaping: every value they print is text already escaped for Anki by
        # `escape_text` or `escape_cloze`, which HTML escaping alone would not be.
        env = environment(autoescape=False)
        self.templates = {
            name: env.get_template(f"anki/{name}.html") for name in ("front", "back", "cloze", "stack", "flow")
        }
        self._text = _Escaped(escape_text)
        self._cloze = _Escaped(escape_cloze)

    def render(self, name: str, **views: Sequence[object]) -> list[str]:
        """Render template NAME once over the one list in VIEWS; one piece of HTML per item."""
        ((_, items),) = views.items()
        if not items:
            return []
        pieces = self.templates[name].render(views).split(_END)
        if len(pieces) != len(items) + 1 or pieces[-1].strip():
            raise RuntimeError(f"templates/anki/{name}.html must end each item's HTML with the separator U+001E")
        del pieces[-1]
        return pieces

    def fields(self, cards: Sequence[Card]) -> list[tuple[str, ...]]:
        """The note fields of every card, in order (see `NoteType.fields`)."""
        # Escaped texts are remembered for one batch only, so memory stays bounded by a deck.
        self._text.clear()
        self._cloze.clear()
        notes, clozes = self._views(cards)
        backs = self.render("back", notes=notes)
        fronts = iter(self.render("front", notes=[n for n, c in zip(notes, cards, strict=True) if c.cloze is None]))
        cloze_fronts = iter(self.render("cloze", notes=clozes))
        text = self._text.__getitem__
        fields: list[tuple[str, ...]] = []
        for card, back in zip(cards, backs, strict=True):
            source = text(card.source) if card.source else ""
            note = text(card.note) if card.note else ""
            kind = note_type_of(card)
            if kind is CLOZE:
                fields.append((card.key, next(cloze_fronts), back, source, note))
            elif kind is TYPEIN:
                fields.append((card.key, next(fronts), text(card.answers[0]), back, source, note))
            else:
                fields.append((card.key, next(fronts), back, source, note))
        return fields

    def _views(self, cards: Sequence[Card]) -> tuple[list[NoteView], list[ClozeView]]:
        """A NoteView per card, and a ClozeView per cloze card."""
        text, cloze_text = self._text.__getitem__, self._cloze.__getitem__
        drawings = self._draw_stacks(cards)
        flows = self._draw_flows(cards)
        families: dict[str, str] = {}
        notes: list[NoteView] = []
        clozes: list[ClozeView] = []
        for card in cards:
            family = families.get(card.kind)
            if family is None:
                family = families[card.kind] = card.family.replace(".", "-")
            stack = card.stack
            front_stack = back_stack = None
            if stack is not None:
                back_stack = drawings[stack.id, None, card.marked_layers]
                if card.hidden_layer is not None:
                    front_stack = drawings[stack.id, card.hidden_layer, ()]
            blank = card.cloze
            notes.append(
                NoteView(
                    family,
                    text(card.subject),
                    text(card.prompt),
                    text(card.context),
                    text(card.answer),
                    tuple(map(text, card.items)) if card.items and blank is None else (),
                    tuple(map(text, card.details)) if card.details else (),
                    front_stack,
                    back_stack,
                    flows[card.front_flow] if card.front_flow else None,
                    flows[card.back_flow] if card.back_flow else None,
                    tuple(map(text, card.option_lines)) if card.options else (),
                    card.table.mapped(self._text.__getitem__) if card.table is not None else None,
                    _image_tag(card.image) if card.image is not None else None,
                )
            )
            if blank is not None:
                clozes.append(
                    ClozeView(
                        family,
                        cloze_text(card.subject),
                        cloze_text(card.prompt),
                        tuple(map(cloze_text, card.items)),
                        blank,
                    )
                )
        return notes, clozes

    def _draw_stacks(self, cards: Sequence[Card]) -> dict[_Drawing, Markup]:
        """Every drawing CARDS need, by (stack id, hidden layer, marked layers).

        A stack's drawings differ only in their hidden or marked rows, so each distinct
        row is rendered once (one template call for all), and a drawing is its stack's
        plain rows with those few swapped in.
        """
        stacks: dict[str, Stack] = {}
        wanted: dict[_Drawing, None] = {}
        for card in cards:
            stack = card.stack
            if stack is None:
                continue
            stacks.setdefault(stack.id, stack)
            wanted[stack.id, None, card.marked_layers] = None
            if card.hidden_layer is not None:
                wanted[stack.id, card.hidden_layer, ()] = None
        rows: dict[_RowState, StackRow] = {}  # each name escaped for Anki

        def need(stack_id: str, i: int, hidden: bool = False, marked: bool = False) -> None:
            if (stack_id, i, hidden, marked) not in rows:
                row = stack_row(stacks[stack_id], i, hidden, marked, self._text.__getitem__)
                rows[stack_id, i, hidden, marked] = row

        for stack_id, stack in stacks.items():
            for i in range(len(stack.layers)):
                need(stack_id, i)
        for stack_id, hidden, marked in wanted:
            for i in marked:
                need(stack_id, i, marked=True)
            if hidden is not None:
                need(stack_id, hidden, hidden=True)
        html_of = dict(zip(rows, self.render("stack", rows=list(rows.values())), strict=True))
        plain = {
            stack_id: [html_of[stack_id, i, False, False] for i in range(len(stack.layers))]
            for stack_id, stack in stacks.items()
        }
        drawings: dict[_Drawing, Markup] = {}
        for key in wanted:
            stack_id, hidden, marked = key
            drawn = plain[stack_id]
            if hidden is not None or marked:
                drawn = drawn.copy()
                for i in marked:
                    drawn[i] = html_of[stack_id, i, False, True]
                if hidden is not None:
                    drawn[hidden] = html_of[stack_id, hidden, True, False]
            drawings[key] = Markup("".join(drawn))
        return drawings

    def _draw_flows(self, cards: Sequence[Card]) -> dict[tuple[FlowStep, ...], Markup]:
        """Every distinct flow CARDS draw, rendered once (one template call for all)."""
        wanted = list(dict.fromkeys(flow for card in cards for flow in (card.front_flow, card.back_flow) if flow))
        views = [[replace(step, name=self._text[step.name]) for step in flow] for flow in wanted]
        return dict(zip(wanted, map(Markup, self.render("flow", flows=views)), strict=True))


# --- decks and packages ---------------------------------------------------------------


@dataclass(frozen=True)
class DeckFile:
    """One package and what is in it; `name` is its file name."""

    deck: str
    name: str
    notes: int
    cards: int


def apkg_name(deck: str, taken: Collection[str] = ()) -> str:
    """A portable file name for DECK: `Docker::1. 가상화` -> `Docker - 1. 가상화.apkg`, unique among TAKEN."""
    return safe_file_name(deck, ".apkg", taken)


def cards_by_deck(cards: Sequence[Card]) -> dict[str, list[Card]]:
    """CARDS grouped by deck name, decks in name order, cards in their order."""
    decks: dict[str, list[Card]] = {}
    for card in cards:
        decks.setdefault(card.deck, []).append(card)
    return dict(sorted(decks.items()))


class Note(NamedTuple):
    """One card as an Anki note: fields in the order of its note type's, and one card (ord 0).

    Every note type has one card template, which never renders blank (a Front or
    Text field always holds its `<div>`, a cloze Text always its `{{c1::...}}`).
    """

    model: genanki.Model
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]

    def genanki_note(self) -> genanki.Note:
        return genanki.Note(model=self.model, fields=list(self.fields), tags=list(self.tags), guid=self.guid)


class NoteMaker:
    """Makes the notes of one deck's cards at a time."""

    def __init__(self, css: str) -> None:
        self.models = {nt.name: nt.model(css) for nt in NOTE_TYPES}
        self.renderer = Renderer()

    def notes(self, cards: Sequence[Card]) -> list[Note]:
        models = self.models
        return [
            Note(models[note_type_of(card).name], note_guid(card), fields, card.tags)
            for card, fields in zip(cards, self.renderer.fields(cards), strict=True)
        ]


def build_notes(cards: Sequence[Card], css: str) -> dict[str, list[genanki.Note]]:
    """The genanki notes `write_anki` writes, per deck name, in card order."""
    maker = NoteMaker(css)
    return {
        deck: [note.genanki_note() for note in maker.notes(deck_cards)]
        for deck, deck_cards in cards_by_deck(cards).items()
    }


_NOTE_ROW = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)"
_CARD_ROW = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"


def collection(deck: str, notes: Sequence[Note], timestamp: int) -> bytes:
    """The SQLite collection of an .apkg holding NOTES in DECK: the rows genanki's `write_to_db` writes.

    NOTES are in study order: each note's new card gets its place as its position.

    genanki writes the schema and the deck and note-type JSON; the notes and cards
    go in with one `executemany` each rather than genanki's statement per row and
    per-field HTML check (the templates write well-formed HTML), and the indexes are
    built after them, as SQLite loads in bulk fastest. The database is built in
    memory and serialized: no temporary file to create, sync and read back.
    """
    anki_deck = genanki.Deck(deck_id(deck), deck)
    for note in notes:
        if note.model.model_id not in anki_deck.models:
            anki_deck.add_model(note.model)
    ids = itertools.count(timestamp * 1000)
    note_rows, card_rows = [], []
    for position, note in enumerate(notes):
        note_id = next(ids)
        note_rows.append(
            (
                note_id,
                note.guid,
                note.model.model_id,
                timestamp,
                -1,
                f" {' '.join(note.tags)} ",
                "\x1f".join(note.fields),
                note.fields[note.model.sort_field_index],
                0,
                0,
                "",
            )
        )
        # A new card's `due` is its position: the order Anki introduces new cards in.
        card_rows.append(
            (next(ids), note_id, anki_deck.deck_id, 0, timestamp, -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, "")
        )
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
        # Notes hold whole drawings: pages four times SQLite's default take them with fewer
        # overflow pages, in a fifth less time (Anki opens a collection of any page size).
        cursor.execute("PRAGMA page_size = 16384")
        # Built in one go and thrown away on any error: there is nothing to roll back to.
        cursor.execute("PRAGMA journal_mode = OFF")
        genanki.Package(anki_deck).write_to_db(cursor, timestamp, ids)
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.executemany(_NOTE_ROW, note_rows)
        cursor.executemany(_CARD_ROW, card_rows)
        for _, sql in indexes:
            cursor.execute(sql)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def apkg_bytes(deck: str, notes: Sequence[Note], timestamp: int, media: Collection[Image] = ()) -> bytes:
    """One deck as an .apkg whose bytes depend only on its notes, TIMESTAMP and MEDIA.

    Anki's package holds each media file as a numbered entry and the `media` map from
    those numbers to the names the notes use; both in media-name order.
    """
    data = collection(deck, notes, timestamp)
    files = sorted({image.name: image for image in media}.values(), key=lambda image: image.name)
    names = {str(i): image.name for i, image in enumerate(files)}
    entries = [("collection.anki2", data), ("media", json.dumps(names).encode("utf-8"))]
    entries += [(str(i), image.data()) for i, image in enumerate(files)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content, compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


@dataclass(frozen=True)
class AnkiOutput:
    """One package per deck (file name -> bytes), what each holds, and the card count per kind family."""

    files: dict[str, bytes]
    decks: tuple[DeckFile, ...]
    kinds: tuple[tuple[str, int], ...]

    @property
    def notes(self) -> int:
        return sum(f.notes for f in self.decks)

    @property
    def cards(self) -> int:
        return sum(f.cards for f in self.decks)


def emit_anki(context: Context, timestamp: int | None = None) -> AnkiOutput:
    """One .apkg per deck of the fact base, decks in name order."""
    stamp = build_timestamp(context.base) if timestamp is None else timestamp
    with collector_paused():
        cards = context.cards
        maker = NoteMaker(stylesheet())
        files: dict[str, bytes] = {}
        decks = []
        rank = author_rank(context.base)
        for deck, made in cards_by_deck(cards).items():
            deck_cards = study_order(made, rank)
            name = apkg_name(deck, files)
            media = {image for card in deck_cards for image in card.images}
            files[name] = apkg_bytes(deck, maker.notes(deck_cards), stamp, media)
            decks.append(DeckFile(deck, name, len(deck_cards), len(deck_cards)))
    return AnkiOutput(files, tuple(decks), count_by_kind(cards))


def count_by_kind(cards: tuple[Card, ...]) -> tuple[tuple[str, int], ...]:
    """Cards (each card is one note) per kind family, in kind order."""
    return tuple(sorted(Counter(card.family for card in cards).items()))


def summary(result: AnkiOutput, folder: Path, by_kind: bool = False) -> str:
    """One line per package written into FOLDER; with BY_KIND, the cards per kind family too."""
    lines = [f"{folder / f.name}: {f.notes} notes, {f.cards} cards ({f.deck})" for f in result.decks]
    if by_kind:
        width = max((len(kind) for kind, _ in result.kinds), default=0)
        lines += ["", "Cards by kind:"] + [f"  {kind:<{width}}  {n:>5}" for kind, n in result.kinds]
        lines += [f"  {'total':<{width}}  {result.cards:>5}"]
    return "\n".join(lines) + "\n"
