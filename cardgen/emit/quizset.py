"""Quiz sets on disk: randomized sets from the question bank, written as JSON, Markdown, CSV or TSV.

JSON is the canonical form (validated by `cardgen/schema/quizset.schema.json`). Markdown
is for reading and printing: the questions in one file to hand out, the answers and
explanations in another (`-answers.md`). CSV is for spreadsheets: a header row, then one
row per question with one column per option, the answer and the explanation, as UTF-8
with a byte-order mark and CRLF line ends, so Excel opens Hangul correctly. TSV is for
flashcard importers (Quizlet, Anki): two tab-separated columns, no header, the question
with its options inline and the answer, one card a line. Every file depends only on the
facts and the seed: same seed, same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, assert_never

from cardgen import richtext
from cardgen.bank.question import (
    MAX_OPTIONS,
    Choice,
    FillIn,
    Matching,
    MultiChoice,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    also_accepted,
    drawing,
    flow_drawn,
)
from cardgen.bank.sample import give_away_note, give_aways, quiz_sets
from cardgen.context import Context
from cardgen.errors import UsageError
from cardgen.factbase.model import Stack
from cardgen.flow import FlowStep
from cardgen.lang import Lang, translator
from cardgen.present import GAP, Markers, answer_text, markers, plain_stack, stack_rows
from cardgen.text import formula_safe

FORMATS = ("json", "md", "csv", "tsv")
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
    warn: Callable[[str], None] | None = None,
) -> dict[str, bytes]:
    """SETS quiz sets of SIZE questions drawn with SEED, each in every one of FORMATS, by file name.

    WARN hears of sets whose questions give each other's answers away (`give_away_notes`)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    drawn = make_quizsets(context.bank_for(seed, sets * size), sets=sets, size=size, seed=seed, kinds=kinds, tags=tags)
    return _files([replace(qs, lang=context.lang_for(qs.questions)) for qs in drawn], formats, warn)


def build_quizset_files(context: Context, warn: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """What `cardgen build` ships: BUILD_SETS sets of up to BUILD_SIZE questions (fewer when
    the bank is small, none when it is empty) with the default seed, in every format."""
    bank = context.bank
    if not bank:
        return {}
    drawn = quiz_sets(bank, sets=BUILD_SETS, size=min(BUILD_SIZE, len(bank)), seed=DEFAULT_SEED)
    sets = [QuizSet(n, BUILD_SETS, DEFAULT_SEED, tuple(qs), lang=context.lang_for(qs)) for n, qs in enumerate(drawn, 1)]
    return _files(sets, FORMATS, warn)


def give_away_notes(quizsets: Sequence[QuizSet]) -> list[str]:
    """A line for each of QUIZSETS whose questions give each other's answers away (the
    sampler lets that happen only when too few of the questions it may draw from stand apart)."""
    return [
        give_away_note(qs.stem(), pairs, len(qs.questions)) for qs in quizsets if (pairs := give_aways(qs.questions))
    ]


def _files(quizsets: list[QuizSet], formats: Sequence[str], warn: Callable[[str], None] | None) -> dict[str, bytes]:
    if warn is not None:
        for note in give_away_notes(quizsets):
            warn(note)
    return {
        qs.stem() + ending: render(qs)
        for qs in quizsets
        for fmt in dict.fromkeys(formats)
        for ending, render in RENDERERS[fmt]
    }


# --- JSON -------------------------------------------------------------------------------


def _stack_json(stack: Stack | None) -> dict[str, Any] | None:
    if stack is None:
        return None
    return {
        "id": stack.id,
        "title": stack.title,
        "layers": [_layer_json(stack, i) for i in range(len(stack.layers))],
    }


def _layer_json(stack: Stack, index: int) -> dict[str, Any]:
    layer, band = stack.layers[index], stack.band_of(index)
    out: dict[str, Any] = {"name": layer.name, "count": layer.count, "concept": layer.concept}
    if layer.note:
        out["note"] = layer.note
    if band is not None:
        out["band"] = band.name
    return out


def _answer_json(q: Question) -> int | str | list[int] | list[str] | list[list[str]]:
    match q:
        case Choice() | FillIn() | ShortAnswer():
            return q.answer
        case MultiChoice():
            return list(q.answers)
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
        case Choice() | MultiChoice():
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
    return [GAP if row.hidden else row.text for row in stack_rows(*drawn)]


def flow_line(q: Question) -> str:
    """The part of a process drawn with Q on one line, first step first, the asked step as `( ? )`:
    `2. Build the image → 3. ( ? )`; empty when Q draws none."""
    return " → ".join(f"{step.number}. {GAP if step.hidden else step.name}" for step in flow_drawn(q))


def option_lines(q: Question, m: Markers) -> list[str]:
    """Each option as shown, with its marker: `① 하이퍼바이저`, `ㄱ 하드웨어`; `A Hypervisor`, `a Hardware`."""
    match q:
        case Choice() | MultiChoice():
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


def md(text: str, *, quoted: bool = False) -> str:
    """TEXT safe inside a Markdown paragraph, list item or table cell, on one line.

    A value with line breaks (a YAML block scalar) would otherwise start new blocks:
    list items, rules, table rows. Its lines are joined with " / ", as in CSV.
    Rich text (`cardgen.richtext`) keeps its markup. A code block needs lines of its
    own: in a QUOTED text (a `> ` block quote) it gets them, elsewhere it is plain text.
    """
    if richtext.has_markup(text):
        rich = richtext.to_markdown(text, _md_escape)
        if rich is not None and ("\n" not in rich or quoted):
            return rich.replace("\n", "\n> ")
        text = richtext.plain(text)
    return _md_plain(text)


def _md_plain(text: str) -> str:
    return _md_escape(_one_line(text))


def _md_escape(text: str) -> str:
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
    if richtext.opens_fence(lead):  # the question starts with its code: the code is the quote
        lead, body = "", [lead, *body]
    terms = tuple(m(f"{marks.number(i)} {term}") for i, term in enumerate(q.terms)) if isinstance(q, Matching) else ()
    accepted = safe(", ".join(md(a) for a in q.accepted)) if isinstance(q, FillIn) else ""
    return _MdQuestion(
        number=number,
        kind=q.kind,
        style=q.style,
        lead=m(lead),
        body=tuple(safe(md(b, quoted=True)) for b in richtext.rich_lines(body)),
        stack=tuple(m(r) for r in stack_lines(q)),
        flow=m(flow_line(q)),
        options=tuple(m(o) for o in option_lines(q, marks)),
        terms=terms,
        answer=m(answer_text(q, marks)),
        accepted=accepted,
        explanation=tuple(m(line) for line in richtext.rich_lines(q.explanation.split("\n")) if line),
    )


def to_markdown(qs: QuizSet) -> bytes:
    """The students' copy: the questions, no answers."""
    return _render_markdown(qs, "quizset/quizset.md.j2")


def to_markdown_answers(qs: QuizSet) -> bytes:
    """The teacher's copy: each question's answer, other right answers and explanation, by number."""
    return _render_markdown(qs, "quizset/quizset-answers.md.j2")


def _render_markdown(qs: QuizSet, template: str) -> bytes:
    from markupsafe import Markup

    from cardgen.emit.templating import environment, render

    # The shared environment escapes for HTML; every text here is escaped for Markdown
    # instead (`md`), and Markup says so, so nothing is escaped twice.
    views = [_md_view(q, n, qs.markers, Markup) for n, q in enumerate(qs.questions, 1)]
    env = environment(lang=qs.lang)
    text = render(env, template, quizset=qs, questions=views, marks=qs.markers)
    return (text.rstrip("\n") + "\n").encode("utf-8")


# --- CSV and TSV ----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def question_line(q: Question, marks: Markers) -> str:
    """The question on one line: the prompt, a drawn stack and a matching's left column."""
    parts = [_one_line(q.prompt)]
    if stack := stack_lines(q):
        parts.append("[" + " / ".join(stack) + "]")
    if flow := flow_line(q):
        parts.append(f"[{flow}]")
    if isinstance(q, Matching):
        parts.append(" ".join(f"{marks.number(i)} {a}" for i, a in enumerate(q.terms)))
    return " ".join(parts)


def card_row(q: Question, marks: Markers) -> tuple[str, str]:
    """(question, answer) on one line each, the options inline with their markers, so a
    flashcard made of the row can be answered."""
    parts = [question_line(q, marks)]
    if isinstance(q, TrueFalse):
        parts.append(f"({marks.truth(True)}/{marks.truth(False)})")
    parts.extend(option_lines(q, marks))
    return " ".join(parts), _one_line(answer_text(q, marks))


def csv_options(q: Question, marks: Markers) -> tuple[str, ...]:
    """The options of Q, one a column: a choice's options, O and X, an ordering's pieces, a matching's right column."""
    match q:
        case Choice() | MultiChoice():
            return q.options
        case TrueFalse():
            return marks.true_false
        case Ordering():
            return q.pieces
        case Matching():
            return q.definitions
        case FillIn() | ShortAnswer():
            return ()
        case _ as unreachable:
            assert_never(unreachable)


def csv_answer(q: Question, marks: Markers) -> str:
    """The answer as the CSV's columns name it: the right option's text, O or X, the pieces in order,
    each term with its definition, the words to write."""
    match q:
        case Choice():
            return q.options[q.answer]
        case MultiChoice():
            return "; ".join(q.right)
        case TrueFalse():
            return marks.truth(q.answer)
        case Ordering():
            return " → ".join(q.answer)
        case Matching():
            return "; ".join(f"{term} → {definition}" for term, definition in q.pairs)
        case FillIn() | ShortAnswer():
            return q.answer
        case _ as unreachable:
            assert_never(unreachable)


def to_csv(qs: QuizSet) -> bytes:
    """The set as CSV with a header: number, question, one column per option, answer, explanation.

    Every row has as many option columns as the widest question of the set (at least
    MAX_OPTIONS); a cell that a spreadsheet would run as a formula starts with `'` (OWASP)."""
    t, marks = translator(qs.lang), qs.markers
    width = max([MAX_OPTIONS, *(len(csv_options(q, marks)) for q in qs.questions)])
    header = [
        t._("No."),
        t._("Question"),
        *(t._("Option {marker}", marker=marks.option(i)) for i in range(width)),
        t._("Answer"),
        t._("Explanation"),
    ]
    rows = [header]
    for number, q in enumerate(qs.questions, 1):
        options = [_one_line(o) for o in csv_options(q, marks)]
        rows.append(
            [
                str(number),
                question_line(q, marks),
                *options,
                *[""] * (width - len(options)),
                _one_line(csv_answer(q, marks)),
                _one_line(q.explanation),
            ]
        )
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([formula_safe(cell) for cell in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def _tsv_cell(text: str) -> str:
    return " ".join(_one_line(text).split("\t"))


def to_tsv(qs: QuizSet) -> bytes:
    """The set as term/definition pairs for Quizlet's and Anki's plain import: question, tab, answer;
    one line each, no header, no quoting (a tab or line break inside a text becomes a space or ` / `)."""
    lines = ("\t".join(_tsv_cell(cell) for cell in card_row(q, qs.markers)) for q in qs.questions)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def plain_question(q: Question) -> Question:
    """Q with its texts as plain text (`cardgen.richtext.plain`): code as is, formulas as LaTeX;
    the stack and the steps drawn with it too."""
    changes: dict[str, Any] = {}
    for spec in fields(q):
        value = getattr(q, spec.name)
        if isinstance(value, str) and richtext.has_markup(value):
            changes[spec.name] = richtext.plain(value)
        elif isinstance(value, Stack):
            if (stack := plain_stack(value)) is not value:
                changes[spec.name] = stack
        elif isinstance(value, tuple) and any(_has_markup(v) for v in value):
            changes[spec.name] = tuple(map(_plain_item, value))
    return replace(q, **changes) if changes else q


def _has_markup(value: object) -> bool:
    if isinstance(value, FlowStep):
        return richtext.has_markup(value.name)
    return isinstance(value, str) and richtext.has_markup(value)


def _plain_item(value: object) -> object:
    if isinstance(value, FlowStep):
        return replace(value, name=richtext.plain(value.name))
    return richtext.plain(value) if isinstance(value, str) else value


def _in_plain_text(write: Callable[[QuizSet], bytes]) -> Callable[[QuizSet], bytes]:
    """WRITE for a format that shows no markup: it gets the set's questions in plain text."""
    return lambda qs: write(replace(qs, questions=tuple(map(plain_question, qs.questions))))


RENDERERS: dict[str, tuple[tuple[str, Callable[[QuizSet], bytes]], ...]] = {
    "json": ((".json", _in_plain_text(to_json)),),
    "md": ((".md", to_markdown), ("-answers.md", to_markdown_answers)),
    "csv": ((".csv", _in_plain_text(to_csv)),),
    "tsv": ((".tsv", _in_plain_text(to_tsv)),),
}
"""Each format's files: the ending after the set's stem, and what writes it."""
