"""How every output shows a question: option markers, the answer as text, a stack's rows, a flow,
a comparison's table.

Exams, quiz sets, Anki cards and the terminal quiz all take these from here, so a
student sees the same answer written the same way, with the same markers, wherever
the question appears.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, assert_never

from cardgen.factbase.model import ComparisonTable, FactBase, Stack
from cardgen.flow import FlowStep
from cardgen.lang import Lang, translator
from cardgen.media import Image
from cardgen.richtext import has_markup, plain

if TYPE_CHECKING:
    from cardgen.bank.question import Question

HIDDEN = "?"
GAP = "( ? )"
"""What a blank in a line of text shows: a blanked term, or an asked layer or step drawn on one line."""


@dataclass(frozen=True)
class Markers:
    """The marks put before options and items, in one language's conventions."""

    options: tuple[str, ...]  # choice options: ① ② ③ ④
    items: tuple[str, ...]  # the right column of a matching question, the pieces of an ordering: ㄱ ㄴ ㄷ
    true_false: tuple[str, str]  # what to circle for true and for false

    def option(self, index: int) -> str:
        return self.options[index] if index < len(self.options) else f"({index + 1})"

    def item(self, index: int) -> str:
        return self.items[index] if index < len(self.items) else f"({index + 1})"

    @staticmethod
    def number(index: int) -> str:
        """The numbered slots of an ordering and the left column of a matching question, 0-based INDEX."""
        return f"({index + 1})"

    def truth(self, value: bool) -> str:
        return self.true_false[0] if value else self.true_false[1]


_OPTIONS = {"ko": tuple("①②③④⑤⑥⑦⑧⑨⑩"), "en": tuple("ABCDEFGHIJ")}
_ITEMS = {"ko": tuple("ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ"), "en": tuple("abcdefghijklmn")}


@cache
def markers(lang: Lang) -> Markers:
    """The markers of LANG: ① ㄱ O/X in Korean, A a True/False in English (the words from the catalog)."""
    t = translator(lang)
    return Markers(options=_OPTIONS[lang], items=_ITEMS[lang], true_false=(t.gettext("True"), t.gettext("False")))


def answer_text(q: Question, markers: Markers) -> str:
    """The answer as a student should give it, with the markers the question is shown with."""
    from cardgen.bank.question import Choice, FillIn, Matching, MultiChoice, Ordering, ShortAnswer, TrueFalse

    match q:
        case Choice():
            return f"{markers.option(q.answer)} {q.options[q.answer]}"
        case MultiChoice():
            return ", ".join(f"{markers.option(i)} {q.options[i]}" for i in q.answers)
        case TrueFalse():
            return markers.truth(q.answer)
        case Ordering():
            slots = ", ".join(
                f"{markers.number(i)} {markers.item(q.pieces.index(name))}" for i, name in enumerate(q.answer)
            )
            return f"{slots} ({' → '.join(q.answer)})"
        case Matching():
            return ", ".join(f"{markers.number(i)} {markers.item(d)}" for i, d in enumerate(q.answer))
        case FillIn() | ShortAnswer():
            return q.answer
        case _ as unreachable:
            assert_never(unreachable)


@dataclass(frozen=True, slots=True)
class StackRow:
    """One layer of a drawn stack: `count` boxes side by side, `name` in each unless `hidden`.

    `times` labels a symbolic count (`× N`, one box); `note` is drawn beside the boxes
    (empty on the hidden layer, which it could name). `band` is the name of the layer's
    band, `band_rows` the rows it spans on its first row and 0 on the others.

    Not a named tuple: its `count` field would hide `tuple.count`."""

    name: str
    count: int
    hidden: bool
    marked: bool
    times: str = ""
    note: str = ""
    band: str = ""
    band_rows: int = 0
    image: Image | None = None
    """The layer's image; never on a hidden row."""

    @property
    def text(self) -> str:
        """The row as one line of text: `게스트 운영체제 × 3`, `Pod × N — one per service`, or `?` when hidden."""
        if self.hidden:
            return HIDDEN
        text = f"{self.name} × {self.count}" if self.count > 1 else self.name
        if self.times:
            text = f"{text} {self.times}"
        return f"{text} — {self.note}" if self.note else text


def plain_stack(stack: Stack) -> Stack:
    """STACK with its title, layers' names and notes and bands as plain text (`cardgen.richtext.plain`)."""
    texts = (stack.title, *(layer.name for layer in stack.layers), *(layer.note or "" for layer in stack.layers))
    if not any(map(has_markup, (*texts, *(band.name for band in stack.bands)))):
        return stack
    return replace(
        stack,
        title=plain(stack.title),
        layers=tuple(
            replace(layer, name=plain(layer.name), note=plain(layer.note) if layer.note else layer.note)
            for layer in stack.layers
        ),
        bands=tuple(
            replace(band, name=plain(band.name), layers=tuple(map(plain, band.layers))) for band in stack.bands
        ),
    )


def plain_row(row: StackRow) -> StackRow:
    """ROW with its name, note and band as plain text (`cardgen.richtext.plain`), for a text drawing."""
    return replace(row, name=plain(row.name), note=plain(row.note), band=plain(row.band))


def stack_rows(stack: Stack, hidden: int | None = None, marked: tuple[int, ...] = ()) -> tuple[StackRow, ...]:
    """STACK's layers top to bottom; the layer at index HIDDEN has no name, those in MARKED are marked."""
    return tuple(stack_row(stack, i, i == hidden, i in marked) for i in range(len(stack.layers)))


def stack_row(
    stack: Stack, i: int, hidden: bool = False, marked: bool = False, text: Callable[[str], str] = str
) -> StackRow:
    """The row of STACK's layer at index I: without its name (or note, or image) when HIDDEN.

    TEXT maps each of its texts (name, note, band): a renderer's escaping, say.
    """
    layer = stack.layers[i]
    band = stack.band_of(i)
    first = band is not None and (i == 0 or stack.band_of(i - 1) is not band)
    return StackRow(
        text(HIDDEN if hidden else layer.name),
        layer.boxes,
        hidden,
        marked,
        times=layer.times if not isinstance(layer.count, int) else "",
        note=text(layer.note) if layer.note and not hidden else "",
        band=text(band.name) if band is not None else "",
        band_rows=len(band.layers) if band is not None and first else 0,
        image=None if hidden else layer.image,
    )


def text_width(text: str) -> int:
    """Terminal columns of TEXT: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def draw_stack_text(stack: Stack, hidden: int | None = None, marked: tuple[int, ...] = ()) -> str:
    """The stack as rows of `[ box ]`, top layer first, every row as wide as the widest.

    A layer with `count` > 1 is that many boxes side by side, one with a symbolic count
    one box marked `× N`; a hidden layer shows "?". Notes follow the boxes in a column of
    their own, and bands are brackets with their names to the right of everything.
    """
    rows = tuple(map(plain_row, stack_rows(stack, hidden, marked)))
    labels = [f"{row.name} {row.times}" if row.times else row.name for row in rows]
    width = max(row.count * (text_width(label) + 4) + row.count - 1 for row, label in zip(rows, labels, strict=True))
    notes = max(text_width(row.note) for row in rows)
    lines = []
    left = 0  # rows still to draw of the current band
    for row, label in zip(rows, labels, strict=True):
        # Spread the row's spare columns over its boxes so every row ends at the same column.
        spare = width - (row.count - 1)
        boxes = []
        for n in range(row.count):
            inner = spare // row.count + (1 if n < spare % row.count else 0) - 2
            pad = inner - text_width(label)
            boxes.append("[" + " " * (pad // 2) + label + " " * (pad - pad // 2) + "]")
        line = " ".join(boxes)
        if not (notes or stack.bands):
            lines.append(f"{line}  ◀" if row.marked else line)
            continue
        line += "  ◀" if row.marked else "   "
        if notes:
            line += "  " + row.note + " " * (notes - text_width(row.note))
        if row.band_rows:
            left = row.band_rows
            line += f"  {'┐' if left > 1 else '─'} {row.band}"
        elif left:
            line += "  " + ("┘" if left == 1 else "│")
        left = max(left - 1, 0)
        lines.append(line.rstrip())
    return "\n".join(lines)


FLOW_ARROW = "↓"


def draw_flow_text(steps: tuple[FlowStep, ...]) -> str:
    """The steps as a column, first on top, each numbered and joined to the next by an arrow:

        1. Write the Dockerfile
           ↓
        2. ?

    A marked step ends with "◀".
    """
    lines: list[str] = []
    indent = " " * (len(str(max((s.number for s in steps), default=1))) + 2)
    for n, step in enumerate(steps):
        if n:
            lines.append(indent + FLOW_ARROW)
        number = f"{step.number}.".rjust(len(indent) - 1)
        name = plain(step.name)
        lines.append(f"{number} {name}  ◀" if step.marked else f"{number} {name}")
    return "\n".join(lines)


# --- comparison tables ---------------------------------------------------------------------

MARK = "◀"


@dataclass(frozen=True, slots=True)
class GridCell:
    """One value of a drawn comparison; `marked` when the card or question asks about it."""

    text: str
    marked: bool


@dataclass(frozen=True, slots=True)
class GridRow:
    attribute: str
    cells: tuple[GridCell, ...]

    @property
    def marked(self) -> bool:
        return any(cell.marked for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Grid:
    """A comparison ready to draw: the concepts' terms as column heads, a row per attribute."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[GridRow, ...]

    def mapped(self, text: Callable[[str], str]) -> Grid:
        """The grid with TEXT applied to every text in it (escaping it, or stripping its markup)."""
        return Grid(
            text(self.title),
            tuple(map(text, self.columns)),
            tuple(
                GridRow(text(row.attribute), tuple(GridCell(text(cell.text), cell.marked) for cell in row.cells))
                for row in self.rows
            ),
        )


def comparison_grid(
    table: ComparisonTable, base: FactBase, marked: Collection[tuple[int, int]] = (), only: int | None = None
) -> Grid:
    """TABLE with its concepts named by their terms (the row at index ONLY alone, when given);
    the cells at (row, column) in MARKED are marked."""
    return Grid(
        title=table.title,
        columns=tuple(base.definition(concept).term for concept in table.concepts),
        rows=tuple(
            GridRow(row.attribute, tuple(GridCell(cell.value, (r, c) in marked) for c, cell in enumerate(row.values)))
            for r, row in enumerate(table.rows)
            if only is None or r == only
        ),
    )


def plain_grid(grid: Grid) -> Grid:
    """GRID with every text as plain text (`cardgen.richtext.plain`), for a text drawing."""
    return grid.mapped(plain)


def draw_grid_text(grid: Grid) -> str:
    """GRID as an aligned text table (wide characters count two columns), marked cells followed
    by ◀; a text wider than CELL_WIDTH wraps at spaces within its cell (and rules then part the
    rows), so that a table of three concepts fits an 80-column terminal."""
    grid = plain_grid(grid)
    head = ("", *grid.columns)
    body = [
        (row.attribute, *(f"{cell.text} {MARK}" if cell.marked else cell.text for cell in row.cells))
        for row in grid.rows
    ]
    wrapped = [[_wrap(text) for text in texts] for texts in (head, *body)]
    widths = [max(text_width(line) for cells in wrapped for line in cells[i]) for i in range(len(head))]

    def lines(cells: list[list[str]]) -> list[str]:
        height = max(map(len, cells))
        return [
            " | ".join(
                (cell[n] if n < len(cell) else "") + " " * (width - text_width(cell[n] if n < len(cell) else ""))
                for cell, width in zip(cells, widths, strict=True)
            ).rstrip()
            for n in range(height)
        ]

    rule = "-+-".join("-" * width for width in widths)
    rows = [lines(cells) for cells in wrapped[1:]]
    # Rows of several lines each are told apart by a rule between them.
    parted = any(len(row) > 1 for row in rows)
    drawn = [*lines(wrapped[0]), rule]
    for n, row in enumerate(rows):
        if n and parted:
            drawn.append(rule)
        drawn.extend(row)
    return "\n".join(drawn)


CELL_WIDTH = 16


def _wrap(text: str) -> list[str]:
    """TEXT in lines of at most CELL_WIDTH columns, broken at spaces (a longer word keeps a line of its own)."""
    out: list[str] = []
    line = ""
    for word in text.split(" "):
        joined = f"{line} {word}" if line else word
        if line and text_width(joined) > CELL_WIDTH:
            out.append(line)
            line = word
        else:
            line = joined
    return [*out, line]
