"""How every output shows a question: option markers, the answer as text, a stack's rows.

Exams, quiz sets, Anki cards and the terminal quiz all take these from here, so a
student sees the same answer written the same way, with the same markers, wherever
the question appears.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import assert_never

from cardgen.bank.question import Choice, FillIn, Matching, MultiChoice, Ordering, Question, ShortAnswer, TrueFalse
from cardgen.factbase.model import Stack
from cardgen.lang import Lang, translator
from cardgen.media import Image

HIDDEN = "?"


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

    Not a named tuple: its `count` field would hide `tuple.count`."""

    name: str
    count: int
    hidden: bool
    marked: bool
    image: Image | None = None
    """The layer's image; never on a hidden row."""

    @property
    def text(self) -> str:
        """The row as one line of text: `게스트 운영체제 × 3`, or `?` when hidden."""
        if self.hidden:
            return HIDDEN
        return f"{self.name} × {self.count}" if self.count > 1 else self.name


def stack_rows(stack: Stack, hidden: int | None = None, marked: tuple[int, ...] = ()) -> tuple[StackRow, ...]:
    """STACK's layers top to bottom; the layer at index HIDDEN has no name, those in MARKED are marked."""
    return tuple(
        StackRow(
            HIDDEN if i == hidden else layer.name,
            layer.count,
            i == hidden,
            i in marked,
            None if i == hidden else layer.image,
        )
        for i, layer in enumerate(stack.layers)
    )


def text_width(text: str) -> int:
    """Terminal columns of TEXT: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def draw_stack_text(stack: Stack, hidden: int | None = None, marked: tuple[int, ...] = ()) -> str:
    """The stack as rows of `[ box ]`, top layer first, every row as wide as the widest.

    A layer with `count` > 1 is that many boxes side by side; a hidden layer shows "?".
    """
    rows = stack_rows(stack, hidden, marked)
    width = max(row.count * (text_width(row.name) + 4) + row.count - 1 for row in rows)
    lines = []
    for row in rows:
        # Spread the row's spare columns over its boxes so every row ends at the same column.
        spare = width - (row.count - 1)
        boxes = []
        for n in range(row.count):
            inner = spare // row.count + (1 if n < spare % row.count else 0) - 2
            pad = inner - text_width(row.name)
            boxes.append("[" + " " * (pad // 2) + row.name + " " * (pad - pad // 2) + "]")
        line = " ".join(boxes)
        lines.append(f"{line}  ◀" if row.marked else line)
    return "\n".join(lines)
