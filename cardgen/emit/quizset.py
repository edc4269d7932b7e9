"""Quiz sets on disk: randomized sets from the question bank, written as JSON, Markdown or CSV.

JSON is the canonical form (validated by `cardgen/schema/quizset.schema.json`); Markdown
is for reading and printing, with the answers at the end; CSV has two columns, question
and answer, for spreadsheets and flashcard tools that import "term, definition" rows. It
is written as UTF-8 with a byte-order mark and CRLF line ends, so Excel opens Hangul
correctly. Every file depends only on the facts and the seed: same seed, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, assert_never

from cardgen.bank.question import (
    Choice,
    FillIn,
    Matching,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    also_accepted,
    drawing,
    flow_drawn,
)
from cardgen.bank.sample import quiz_sets
from cardgen.context import Context
from cardgen.errors import UsageError
from cardgen.factbase.model import Stack
from cardgen.lang import Lang
from cardgen.present import Markers, answer_text, markers, stack_rows
from cardgen.text import formula_safe

FORMATS = ("json", "md", "csv")
DEFAULT_SETS, DEFAULT_SIZE, DEFAULT_SEED = 1, 10, 0
BUILD_SETS, BUILD_SIZE = 3, 20
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class QuizSet:
    """One set as it is written: its place among the sets, the seed and its questions."""

    number: int
    count: int
    seed: int
    questions: tuple[Question, ...]
    kinds: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    lang: Lang = "ko"
    """The language of the set's own words and markers."""

    @property
    def markers(self) -> Markers:
        return markers(self.lang)

    def stem(self) -> str:
        return f"quizset-s{self.seed}-{self.number:02d}"


def make_quizsets(
    bank: Sequence[Question],
    *,
    sets: int = DEFAULT_SETS,
    size: int = DEFAULT_SIZE,
    seed: int = DEFAULT_SEED,
    kinds: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> list[QuizSet]:
    kinds_t = tuple(kinds) if kinds is not None else None
    tags_t = tuple(tags) if tags is not None else None
    drawn = quiz_sets(bank, sets=sets, size=size, seed=seed, kinds=kinds_t, tags=tags_t)
    return [QuizSet(n, sets, seed, tuple(qs), kinds_t, tags_t) for n, qs in enumerate(drawn, 1)]


def quizset_files(
    context: Context,
    *,
    formats: Sequence[str] = ("json",),
    sets: int = DEFAULT_SETS,
    size: int = DEFAULT_SIZE,
    seed: int = DEFAULT_SEED,
    kinds: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
) -> dict[str, bytes]:
    """SETS quiz sets of SIZE questions drawn with SEED, each in every one of FORMATS, by file name."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    drawn = make_quizsets(context.bank_for(seed, sets * size), sets=sets, size=size, seed=seed, kinds=kinds, tags=tags)
    return _files([replace(qs, lang=context.lang_for(qs.questions)) for qs in drawn], formats)


def build_quizset_files(context: Context) -> dict[str, bytes]:
    """What `cardgen build` ships: BUILD_SETS sets of up to BUILD_SIZE questions (fewer when
    the bank is small, none when it is empty) with the default seed, in every format."""
    bank = context.bank
    if not bank:
        return {}
    drawn = quiz_sets(bank, sets=BUILD_SETS, size=min(BUILD_SIZE, len(bank)), seed=DEFAULT_SEED)
    sets = [QuizSet(n, BUILD_SETS, DEFAULT_SEED, tuple(qs), lang=context.lang_for(qs)) for n, qs in enumerate(drawn, 1)]
    return _files(sets, FORMATS)


def _files(quizsets: list[QuizSet], formats: Sequence[str]) -> dict[str, bytes]:
    return {f"{qs.stem()}.{fmt}": RENDERERS[fmt](qs) for qs in quizsets for fmt in dict.fromkeys(formats)}


# --- JSON -------------------------------------------------------------------------------


def _stack_json(stack: Stack | None) -> dict[str, Any] | None:
    if stack is None:
        return None
    return {
        "id": stack.id,
        "title": stack.title,
        "layers": [{"name": layer.name, "count": layer.count, "concept": layer.concept} for layer in stack.layers],
    }


def _answer_json(q: Question) -> int | str | list[str] | list[list[str]]:
    match q:
        case Choice() | FillIn() | ShortAnswer():
            return q.answer
        case TrueFalse():
            return 0 if q.answer else 1
        case Ordering():
            return list(q.answer)
        case Matching():
            return [list(pair) for pair in q.pairs]
        case _ as unreachable:
            assert_never(unreachable)


def _options_json(q: Question, marks: Markers) -> list[str]:
    match q:
        case Choice():
            return list(q.options)
        case TrueFalse():
            return list(marks.true_false)
        case Ordering():
            return list(q.pieces)
        case Matching():
            return list(q.definitions)
        case FillIn() | ShortAnswer():
            return []
        case _ as unreachable:
            assert_never(unreachable)


def question_json(q: Question, number: int, marks: Markers) -> dict[str, Any]:
    drawn = drawing(q)
    doc = {
        "number": number,
        "id": q.id,
        "kind": q.kind,
        "style": q.style,
        "prompt": q.prompt,
        "options": _options_json(q, marks),
        "answer": _answer_json(q),
        "accepted": list(also_accepted(q)),
        "explanation": q.explanation,
        "facts": list(q.facts),
        "tags": list(q.tags),
        "stack": _stack_json(drawn[0] if drawn else None),
        "hidden_layer": drawn[1] if drawn else None,
    }
    if flow := flow_drawn(q):
        doc["flow"] = [{"number": step.number, "name": None if step.hidden else step.name} for step in flow]
    return doc


def to_json(qs: QuizSet) -> bytes:
    doc = {
        "format": "cardgen-quizset",
        "version": SCHEMA_VERSION,
        "seed": qs.seed,
        "set": qs.number,
        "sets": qs.count,
        "size": len(qs.questions),
        "kinds": list(qs.kinds) if qs.kinds is not None else None,
        "tags": list(qs.tags) if qs.tags is not None else None,
        "questions": [question_json(q, n, qs.markers) for n, q in enumerate(qs.questions, 1)],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- plain answers, shared by Markdown and CSV ----------------------------------------------


def stack_lines(q: Question) -> list[str]:
    """The rows of the stack drawn with Q, top first, the asked layer as `( ? )`."""
    if (drawn := drawing(q)) is None:
        return []
    return ["( ? )" if row.hidden else row.text for row in stack_rows(*drawn)]


def flow_line(q: Question) -> str:
    """The part of a process drawn with Q on one line, first step first, the asked step as `( ? )`:
    `2. Build the image → 3. ( ? )`; empty when Q draws none."""
    return " → ".join(f"{step.number}. {'( ? )' if step.hidden else step.name}" for step in flow_drawn(q))


def option_lines(q: Question, m: Markers) -> list[str]:
    """Each option as shown, with its marker: `① 하이퍼바이저`, `ㄱ 하드웨어`; `A Hypervisor`, `a Hardware`."""
    match q:
        case Choice():
            return [f"{m.option(i)} {o}" for i, o in enumerate(q.options)]
        case Ordering():
            return [f"{m.item(i)} {o}" for i, o in enumerate(q.pieces)]
        case Matching():
            return [f"{m.item(i)} {o}" for i, o in enumerate(q.definitions)]
        case TrueFalse() | FillIn() | ShortAnswer():
            return []
        case _ as unreachable:
            assert_never(unreachable)


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_MD_LIST_START = re.compile(r"^(\s*)(\d+)([.)])")
# Only an `&` that starts a character reference (`&lt;`, `&#60;`) means anything to Markdown.
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def md(text: str) -> str:
    """TEXT safe inside a Markdown paragraph, list item or table cell, on one line.

    A value with line breaks (a YAML block scalar) would otherwise start new blocks:
    list items, rules, table rows. Its lines are joined with " / ", as in CSV.
    """
    text = _one_line(text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LIST_START.sub(r"\1\2\\\3", text)
    return re.sub(r"^([+\-=])", r"\\\1", text)


@dataclass(frozen=True)
class _MdQuestion:
    number: int
    kind: str
    style: str
    lead: str
    body: tuple[str, ...]
    stack: tuple[str, ...]
    flow: str
    options: tuple[str, ...]
    terms: tuple[str, ...]
    answer: str
    accepted: str
    explanation: tuple[str, ...]


def _md_view(q: Question, number: int, marks: Markers, safe: Callable[[str], str] = str) -> _MdQuestion:
    def m(text: str) -> str:
        return safe(md(text))

    lead, *body = q.prompt.split("\n")
    terms = tuple(m(term) for term in q.terms) if isinstance(q, Matching) else ()
    accepted = safe(", ".join(md(a) for a in q.accepted)) if isinstance(q, FillIn) else ""
    return _MdQuestion(
        number=number,
        kind=q.kind,
        style=q.style,
        lead=m(lead),
        body=tuple(m(b) for b in body),
        stack=tuple(m(r) for r in stack_lines(q)),
        flow=m(flow_line(q)),
        options=tuple(m(o) for o in option_lines(q, marks)),
        terms=terms,
        answer=m(answer_text(q, marks)),
        accepted=accepted,
        explanation=tuple(m(line) for line in q.explanation.split("\n") if line),
    )


def to_markdown(qs: QuizSet) -> bytes:
    from markupsafe import Markup

    from cardgen.emit.templating import environment, render

    # The shared environment escapes for HTML; every text here is escaped for Markdown
    # instead (`md`), and Markup says so, so nothing is escaped twice.
    views = [_md_view(q, n, qs.markers, Markup) for n, q in enumerate(qs.questions, 1)]
    env = environment(lang=qs.lang)
    text = render(env, "quizset/quizset.md.j2", quizset=qs, questions=views, marks=qs.markers)
    return (text.rstrip("\n") + "\n").encode("utf-8")


# --- CSV ------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def csv_row(q: Question, marks: Markers) -> tuple[str, str]:
    """(question, answer) on one line each, so row-based importers keep every card whole."""
    parts = [_one_line(q.prompt)]
    if stack := stack_lines(q):
        parts.append("[" + " / ".join(stack) + "]")
    if flow := flow_line(q):
        parts.append(f"[{flow}]")
    if isinstance(q, Matching):
        parts.append(" ".join(f"{i}. {a}" for i, a in enumerate(q.terms, 1)))
    if isinstance(q, TrueFalse):
        parts.append(f"({marks.truth(True)}/{marks.truth(False)})")
    parts.extend(option_lines(q, marks))
    return " ".join(parts), _one_line(answer_text(q, marks))


def to_csv(qs: QuizSet) -> bytes:
    """The set as CSV; a cell that a spreadsheet would run as a formula starts with `'` (OWASP)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(tuple(formula_safe(cell) for cell in csv_row(q, qs.markers)) for q in qs.questions)
    return buf.getvalue().encode("utf-8-sig")


RENDERERS = {"json": to_json, "md": to_markdown, "csv": to_csv}
