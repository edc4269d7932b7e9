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
import importlib.util
import itertools
import os
import re
import sqlite3
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
import genanki
import jinja2
from markupsafe import Markup

from cardgen.cards import Card, build_cards
from cardgen.errors import UsageError
from cardgen.model import FactBase, Stack

_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# --- identity ---------------------------------------------------------------------

def stable_id(name: str) -> int:
    """A 31-bit id derived from NAME, never 0 or 1 (Anki's Default deck)."""
    value = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") & 0x7FFFFFFF
    return value if value > 1 else value + 2


def note_guid(card: Card) -> str:
    return genanki.guid_for("cardgen", card.fact_id, card.kind)


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

_NOTE = "{{#Note}}<div class=\"cg-note\">{{Note}}</div>{{/Note}}"
_SOURCE = "{{#Source}}<div class=\"cg-source\">{{Source}}</div>{{/Source}}"


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
            sort_field_index=0,  # Key: groups a fact's cards together in the browser
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
    back=(f'<div class="cg-back-side">{{{{Front}}}}<hr id="answer">{{{{type:Answer}}}}'
          f"{{{{Back}}}}{_NOTE}{_SOURCE}</div>"),
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
    """Plain text as field HTML: HTML-escaped, `[` kept from starting `[sound:...]`, newlines as <br>."""
    text = html.escape(str(value), quote=True).replace("[", "&#91;")
    return Markup(text.replace("\n", "<br>"))


def escape_cloze(value: object) -> Markup:
    """Like `escape_text`, and no brace or colon run can open, split or close a cloze deletion."""
    text = str(escape_text(value)).replace("{", "&#123;").replace("}", "&#125;")
    return Markup(_COLON_RUN.sub("&#58;", text))


_COLON_RUN = re.compile(r":(?=:)|(?<=:):")


def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) else escape_text(value)


def default_templates() -> Path:
    """The shipped templates folder: `cardgen.templates` when installed, else the checkout's."""
    spec = importlib.util.find_spec("cardgen.templates")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "anki").is_dir():
            return Path(location)
    return _CHECKOUT_TEMPLATES


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(default_templates())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cloze_safe"] = escape_cloze
    return env


def stylesheet() -> str:
    return (default_templates() / "anki" / "style.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Row:
    name: str
    count: int
    hidden: bool
    marked: bool


@dataclass(frozen=True)
class StackView:
    """A stack ready to draw: one row per layer, top first."""

    rows: tuple[Row, ...]

    @classmethod
    def of(cls, stack: Stack, hidden: int | None = None, marked: tuple[int, ...] = ()) -> StackView:
        return cls(tuple(
            Row("?" if i == hidden else layer.name, layer.count, i == hidden, i in marked)
            for i, layer in enumerate(stack.layers)))


class Renderer:
    """Turns cards into note fields through the Jinja2 templates."""

    def __init__(self) -> None:
        env = environment()
        self.front = env.get_template("anki/front.html")
        self.back = env.get_template("anki/back.html")
        self.cloze = env.get_template("anki/cloze.html")

    def fields(self, card: Card) -> list[str]:
        context = {
            "card": card,
            "family": card.family.replace(".", "-"),
            "front_stack": StackView.of(card.stack, hidden=card.hidden_layer) if card.stack_on_front else None,
            "back_stack": StackView.of(card.stack, marked=card.marked_layers) if card.stack else None,
            # A cloze card's list is on its Text side already.
            "list_items": card.items if card.cloze is None else (),
            "cloze_open": Markup("{{c1::"),
            "cloze_close": Markup("}}"),
        }
        back = self.back.render(context)
        source = str(escape_text(card.source)) if card.source else ""
        note = str(escape_text(card.note)) if card.note else ""
        kind = note_type_of(card)
        if kind is CLOZE:
            return [card.key, self.cloze.render(context), back, source, note]
        front = self.front.render(context)
        if kind is TYPEIN:
            return [card.key, front, str(escape_text(card.answers[0])), back, source, note]
        return [card.key, front, back, source, note]


# --- decks and packages ---------------------------------------------------------------

@dataclass(frozen=True)
class DeckFile:
    """One written package and what is in it."""

    deck: str
    path: Path
    notes: int
    cards: int


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def apkg_name(deck: str) -> str:
    """A portable file name for DECK: `Docker::1. 가상화` -> `Docker - 1. 가상화.apkg`."""
    name = _UNSAFE.sub("_", deck.replace("::", " - ")).strip(" .") or "deck"
    return f"{name}.apkg"


def build_notes(cards: tuple[Card, ...], css: str) -> dict[str, list[genanki.Note]]:
    """Notes per deck name, in card order."""
    renderer = Renderer()
    models = {nt.name: nt.model(css) for nt in NOTE_TYPES}
    decks: dict[str, list[genanki.Note]] = {}
    for card in cards:
        model = models[note_type_of(card).name]
        note = genanki.Note(model=model, fields=renderer.fields(card), tags=list(card.tags), guid=note_guid(card))
        decks.setdefault(card.deck, []).append(note)
    return decks


def write_apkg(deck: str, notes: list[genanki.Note], path: Path, timestamp: int) -> DeckFile:
    """Write one deck as an .apkg whose bytes depend only on its notes and TIMESTAMP."""
    anki_deck = genanki.Deck(deck_id(deck), deck)
    for note in notes:
        anki_deck.add_note(note)
    with tempfile.TemporaryDirectory(prefix="cardgen-apkg-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            genanki.Package(anki_deck).write_to_db(conn.cursor(), timestamp, itertools.count(timestamp * 1000))
            conn.commit()
        finally:
            conn.close()
        collection = db_path.read_bytes()
    # Write beside the target, then rename: an interrupted build never leaves half a package.
    partial = path.with_name(f".{path.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    os.replace(partial, path)
    return DeckFile(deck, path, len(notes), sum(len(n.cards) for n in notes))


@dataclass(frozen=True)
class AnkiBuild:
    """What `write_anki` wrote: one package per deck, and the card count per kind family."""

    files: tuple[DeckFile, ...]
    kinds: tuple[tuple[str, int], ...]

    @property
    def notes(self) -> int:
        return sum(f.notes for f in self.files)

    @property
    def cards(self) -> int:
        return sum(f.cards for f in self.files)


def write_anki(base: FactBase, out_dir: Path, timestamp: int | None = None) -> AnkiBuild:
    """Write one .apkg per deck of BASE into OUT_DIR (decks in name order)."""
    stamp = build_timestamp(base) if timestamp is None else timestamp
    cards = build_cards(base)
    names: dict[str, str] = {}
    for deck in sorted({card.deck for card in cards}):
        other = names.setdefault(apkg_name(deck), deck)
        if other != deck:
            raise UsageError(f"decks '{other}' and '{deck}' would both be written to '{apkg_name(deck)}'; rename one")
    per_deck = build_notes(cards, stylesheet())
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for deck in sorted(per_deck):
        written.append(write_apkg(deck, per_deck[deck], out_dir / apkg_name(deck), stamp))
    return AnkiBuild(tuple(written), count_by_kind(cards))


def count_by_kind(cards: tuple[Card, ...]) -> tuple[tuple[str, int], ...]:
    """Cards (each card is one note) per kind family, in kind order."""
    return tuple(sorted(Counter(card.family for card in cards).items()))


def summary(result: AnkiBuild, by_kind: bool = False) -> str:
    lines = [f"{f.path}: {f.notes} notes, {f.cards} cards ({f.deck})" for f in result.files]
    if by_kind:
        width = max((len(kind) for kind, _ in result.kinds), default=0)
        lines += ["", "Cards by kind:"] + [f"  {kind:<{width}}  {n:>5}" for kind, n in result.kinds]
        lines += [f"  {'total':<{width}}  {result.cards:>5}"]
    return "\n".join(lines) + "\n"
