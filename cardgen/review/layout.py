"""What a quiz screen shows, part by part, and how a part fits a terminal of a given width.

A card's front and back are kept as parts (plain text, the answer, list entries, a stack,
a flow, a comparison table, a correction note, `[image: name]` lines) so the terminal can emphasise the answer,
bullet the details, wrap each entry with a hanging indent and draw a stack or a table only
as wide as the terminal allows. Widths are terminal columns: Hangul takes two. Rich text
(`cardgen.richtext`) is shown without its markup: code as is, a formula as its LaTeX.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from cardgen.present import (
    draw_flow_text,
    draw_grid_text,
    draw_stack_text,
    plain_grid,
    plain_row,
    stack_rows,
    text_width,
)
from cardgen.richtext import plain

if TYPE_CHECKING:
    from cardgen.bank.question import Choice, FillIn, MultiChoice
    from cardgen.cards import Card
    from cardgen.factbase.model import Stack
    from cardgen.flow import FlowStep
    from cardgen.present import Grid

PartKind = Literal["text", "answer", "bullet", "stack", "flow", "table", "note"]
BULLET = "• "
MARK = "◀"


@dataclass(frozen=True)
class Part:
    """One block of a screen. A bullet with MARKED is the entry asked about; a stack draws HIDDEN as '?';
    a table is a comparison (`grid`), its asked cells marked."""

    kind: PartKind
    text: str = ""
    stack: Stack | None = None
    hidden: int | None = None
    marked: tuple[int, ...] = ()
    mark: bool = False
    flow: tuple[FlowStep, ...] = ()
    grid: Grid | None = None


@dataclass(frozen=True)
class Layout:
    front: tuple[Part, ...]
    back: tuple[Part, ...]


def card_layout(card: Card, images: Sequence[str] = ()) -> Layout:
    """CARD's front and back as parts, in the order `Card.front` and `Card.back` put them, every text
    plain (`cardgen.richtext.plain`: code as is, a formula as its LaTeX); IMAGES are the lines that
    stand for its images (`[image: layers.png]`), last on the back."""
    front = [Part("text", plain(p)) for p in (card.subject, card.prompt, card.context) if p]
    if card.cloze is not None:
        front += [Part("bullet", "[...]" if n == card.cloze else plain(item)) for n, item in enumerate(card.items)]
    if card.stack is not None and card.hidden_layer is not None:
        front.append(Part("stack", stack=card.stack, hidden=card.hidden_layer))
    if card.front_flow:
        front.append(Part("flow", flow=card.front_flow))
    back = [Part("answer", plain(card.answer))] if card.answer else []
    back += [Part("bullet", plain(item), mark=n == card.cloze) for n, item in enumerate(card.items)]
    back += [Part("bullet", plain(detail)) for detail in card.details]
    if card.stack is not None:
        back.append(Part("stack", stack=card.stack, marked=card.marked_layers))
    if card.back_flow:
        back.append(Part("flow", flow=card.back_flow))
    if card.table is not None:
        back.append(Part("table", grid=card.table))
    if card.note:
        back.append(Part("note", plain(card.note)))
    back += [Part("text", line) for line in images]
    return Layout(tuple(front), tuple(back))


def choice_layout(question: Choice | MultiChoice, table: Grid | None = None, images: Sequence[str] = ()) -> Layout:
    """A choice question's prompt (and its stack or steps) on the front; its explanation on the back,
    and TABLE, the comparison row it asks (the answer, so never on the front), then IMAGES, the lines
    that stand for its images. Every text is plain, as in `card_layout`."""
    from cardgen.bank.question import Choice

    front = [Part("text", plain(question.prompt))]
    if isinstance(question, Choice) and question.stack is not None:
        front.append(Part("stack", stack=question.stack, hidden=question.hidden_layer))
    if isinstance(question, Choice) and question.flow:
        front.append(Part("flow", flow=question.flow))
    back = [Part("text", plain(question.explanation))] if question.explanation else []
    if table is not None:
        back.append(Part("table", grid=table))
    back += [Part("text", line) for line in images]
    return Layout(tuple(front), tuple(back))


def fill_layout(question: FillIn) -> Layout:
    """A fill-in's prompt (the sentence with its blank, and its stack if one is drawn) on the front;
    the term, then the explanation (the whole sentence), on the back."""
    front = [Part("text", plain(question.prompt))]
    if question.stack is not None:
        front.append(Part("stack", stack=question.stack, hidden=question.hidden_layer))
    back = [Part("answer", plain(question.answer))]
    if question.explanation:
        back.append(Part("text", plain(question.explanation)))
    return Layout(tuple(front), tuple(back))


def wrap(text: str, width: int | None, first: str = "", rest: str | None = None, glue: str = "") -> list[str]:
    """TEXT in lines of at most WIDTH columns, the first starting with FIRST and the others with REST
    (a hanging indent as wide as FIRST by default). GLUE is appended to the last word and never
    wraps alone. Without WIDTH nothing wraps."""
    rest = " " * text_width(first) if rest is None else rest
    words = text.split(" ")
    if glue:
        words[-1] += glue
    if width is None:
        return [first + " ".join(words)]
    lines: list[str] = []
    line, used = first, text_width(first)
    fresh = True  # nothing but the prefix on this line yet
    for word in words:
        size = text_width(word)
        if not fresh and used + 1 + size > width:
            lines.append(line)
            line, used, fresh = rest, text_width(rest), True
        if not fresh:
            line, used = line + " ", used + 1
        while used + size > width and used < width:  # a word longer than a line: cut it
            cut = _fit(word, width - used)
            if not cut:
                break
            lines.append(line + word[:cut])
            word = word[cut:]
            size = text_width(word)
            line, used = rest, text_width(rest)
        line, used, fresh = line + word, used + size, False
    lines.append(line)
    return lines


def _fit(word: str, columns: int) -> int:
    """How many characters of WORD fit in COLUMNS."""
    used = 0
    for n, char in enumerate(word):
        used += text_width(char)
        if used > columns:
            return n
    return len(word)


def stack_lines(stack: Stack, width: int | None, hidden: int | None = None, marked: Sequence[int] = ()) -> list[str]:
    """STACK drawn as boxes when they fit WIDTH, else as a numbered list (top first) that wraps."""
    drawn = draw_stack_text(stack, hidden=hidden, marked=tuple(marked)).split("\n")
    if width is None or max(text_width(line) for line in drawn) <= width:
        return drawn
    lines: list[str] = []
    for n, row in enumerate(map(plain_row, stack_rows(stack, hidden, tuple(marked))), start=1):
        times = f" {row.times}" if row.times else f" ×{row.count}" if row.count > 1 else ""
        note = f" — {row.note}" if row.note else ""
        lines += wrap(row.name + times + note, width, f"{n}. ", glue=f"  {MARK}" if row.marked else "")
    return lines


def flow_lines(flow: tuple[FlowStep, ...], width: int | None) -> list[str]:
    """The steps of a process drawn one under another, each line wrapped to WIDTH."""
    return [line for drawn in draw_flow_text(flow).split("\n") for line in wrap(drawn, width)]


def table_lines(grid: Grid, width: int | None) -> list[str]:
    """GRID drawn as an aligned table when it fits WIDTH, else listed a cell a line,
    "attribute — concept: value", wrapped with a hanging indent and the asked cells marked."""
    drawn = draw_grid_text(grid).split("\n")
    if width is None or max(text_width(line) for line in drawn) <= width:
        return drawn
    lines: list[str] = []
    grid = plain_grid(grid)
    for row in grid.rows:
        for column, cell in zip(grid.columns, row.cells, strict=True):
            glue = f"  {MARK}" if cell.marked else ""
            lines += wrap(f"{row.attribute} — {column}: {cell.text}", width, BULLET, glue=glue)
    return lines
