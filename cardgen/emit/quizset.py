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
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from cardgen.bank import OX, Question, build_bank, quiz_sets
from cardgen.errors import UsageError
from cardgen.factbase.model import FactBase, Stack
from cardgen.bank.generate import layer_text

FORMATS = ("json", "md", "csv")
DEFAULT_DIR = Path("dist/quizsets")
DEFAULT_SETS, DEFAULT_SIZE, DEFAULT_SEED = 1, 10, 0
BUILD_SETS, BUILD_SIZE = 3, 20
SCHEMA_VERSION = 1
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
LETTERS = "㉠㉡㉢㉣㉤㉥㉦㉧㉨㉩㉪㉫㉬㉭"


@dataclass(frozen=True)
class QuizSet:
    """One set as it is written: its place among the sets, the seed and its questions."""

    number: int
    count: int
    seed: int
    questions: tuple[Question, ...]
    kinds: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None

    def stem(self) -> str:
        return f"quizset-s{self.seed}-{self.number:02d}"


def make_quizsets(base: FactBase, *, sets: int = DEFAULT_SETS, size: int = DEFAULT_SIZE,
                  seed: int = DEFAULT_SEED, kinds: Iterable[str] | None = None,
                  tags: Iterable[str] | None = None) -> list[QuizSet]:
    kinds_t = tuple(kinds) if kinds is not None else None
    tags_t = tuple(tags) if tags is not None else None
    drawn = quiz_sets(build_bank(base), sets=sets, size=size, seed=seed, kinds=kinds_t, tags=tags_t)
    return [QuizSet(n, sets, seed, tuple(qs), kinds_t, tags_t) for n, qs in enumerate(drawn, 1)]


def write_quizsets(base: FactBase, out_dir: Path = DEFAULT_DIR, *, formats: Sequence[str] = ("json",),
                   **options) -> list[Path]:
    """Draw quiz sets (see `make_quizsets` for OPTIONS) and write each in every format; the paths written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return _write(make_quizsets(base, **options), out_dir, formats)


def write_build_quizsets(base: FactBase, out_dir: Path) -> list[Path]:
    """What `cardgen build` ships: BUILD_SETS sets of up to BUILD_SIZE questions (fewer when
    the bank is small, none when it is empty) with the default seed, in every format."""
    bank = build_bank(base)
    if not bank:
        return []
    drawn = quiz_sets(bank, sets=BUILD_SETS, size=min(BUILD_SIZE, len(bank)), seed=DEFAULT_SEED)
    return _write([QuizSet(n, BUILD_SETS, DEFAULT_SEED, tuple(qs)) for n, qs in enumerate(drawn, 1)], out_dir, FORMATS)


def _write(quizsets: list[QuizSet], out_dir: Path, formats: Sequence[str]) -> list[Path]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out_dir}: {exc.strerror}") from None
    written = []
    for qs in quizsets:
        for fmt in dict.fromkeys(formats):
            path = out_dir / f"{qs.stem()}.{fmt}"
            path.write_bytes(RENDERERS[fmt](qs))
            written.append(path)
    return written


# --- JSON -------------------------------------------------------------------------------

def _stack_json(stack: Stack | None) -> dict | None:
    if stack is None:
        return None
    return {"id": stack.id, "title": stack.title,
            "layers": [{"name": layer.name, "count": layer.count, "concept": layer.concept} for layer in stack.layers]}


def _answer_json(q: Question):
    if isinstance(q.answer, tuple):
        return [list(a) if isinstance(a, tuple) else a for a in q.answer]
    return q.answer


def question_json(q: Question, number: int) -> dict:
    return {
        "number": number, "id": q.id, "kind": q.kind, "style": q.style, "prompt": q.prompt,
        "options": list(q.options), "answer": _answer_json(q), "accepted": list(q.accepted),
        "explanation": q.explanation, "facts": list(q.facts), "tags": list(q.tags),
        "stack": _stack_json(q.stack), "hidden_layer": q.hidden_layer,
    }


def to_json(qs: QuizSet) -> bytes:
    doc = {
        "format": "cardgen-quizset", "version": SCHEMA_VERSION,
        "seed": qs.seed, "set": qs.number, "sets": qs.count, "size": len(qs.questions),
        "kinds": list(qs.kinds) if qs.kinds is not None else None,
        "tags": list(qs.tags) if qs.tags is not None else None,
        "questions": [question_json(q, n) for n, q in enumerate(qs.questions, 1)],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- plain answers, shared by Markdown and CSV ----------------------------------------------

def marker(index: int, style: str) -> str:
    """①② for choice options, ㉠㉡ for items to order or match."""
    marks = CIRCLED if style == "choice" else LETTERS
    return marks[index] if index < len(marks) else f"({index + 1})"


def answer_text(q: Question) -> str:
    """The answer as a student should write it, with the option marks the set shows."""
    if q.style == "choice":
        return f"{marker(q.answer, 'choice')} {q.options[q.answer]}"  # type: ignore[index]
    if q.style == "ox":
        return OX[q.answer]  # type: ignore[index]
    if q.style == "order":
        return " → ".join(f"{marker(q.options.index(name), 'order')} {name}" for name in q.answer)  # type: ignore[union-attr]
    if q.style == "match":
        return ", ".join(f"{i}-{marker(q.options.index(d), 'match')}" for i, (_, d) in enumerate(q.answer, 1))  # type: ignore[misc]
    return str(q.answer)


def stack_rows(q: Question) -> list[str]:
    if q.stack is None:
        return []
    return ["( ? )" if i == q.hidden_layer else layer_text(layer) for i, layer in enumerate(q.stack.layers)]


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_MD_LIST_START = re.compile(r"^(\s*)(\d+)([.)])")


def md(text: str) -> str:
    """TEXT safe inside a Markdown paragraph, list item or table cell."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
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
    options: tuple[str, ...]
    terms: tuple[str, ...]
    answer: str
    accepted: str
    explanation: tuple[str, ...]


def _md_view(q: Question, number: int, safe=str) -> _MdQuestion:
    def m(text: str) -> str:
        return safe(md(text))

    lead, *body = q.prompt.split("\n")
    terms: tuple[str, ...] = ()
    if q.style == "ox":
        options: tuple[str, ...] = ("O", "X")
    elif q.style == "match":
        terms = tuple(m(a) for a, _ in q.answer)  # type: ignore[misc]
        options = tuple(m(f"{marker(i, 'match')} {o}") for i, o in enumerate(q.options))
    else:
        options = tuple(m(f"{marker(i, q.style)} {o}") for i, o in enumerate(q.options))
    accepted = safe(", ".join(md(a) for a in q.accepted)) if q.style in ("fill", "short") else ""
    return _MdQuestion(
        number=number, kind=q.kind, style=q.style, lead=m(lead), body=tuple(m(b) for b in body),
        stack=tuple(m(r) for r in stack_rows(q)), options=options, terms=terms,
        answer=m(answer_text(q)), accepted=accepted,
        explanation=tuple(m(line) for line in q.explanation.split("\n") if line),
    )


def to_markdown(qs: QuizSet) -> bytes:
    from markupsafe import Markup

    from cardgen.emit.templating import environment, render

    # The shared environment escapes for HTML; every text here is escaped for Markdown
    # instead (`md`), and Markup says so, so nothing is escaped twice.
    views = [_md_view(q, n, Markup) for n, q in enumerate(qs.questions, 1)]
    text = render(environment(), "quizset/quizset.md.j2", quizset=qs, questions=views)
    return (text.rstrip("\n") + "\n").encode("utf-8")


# --- CSV ------------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def csv_row(q: Question) -> tuple[str, str]:
    """(question, answer) on one line each, so row-based importers keep every card whole."""
    parts = [_one_line(q.prompt)]
    if q.stack is not None:
        parts.append("[" + " / ".join(stack_rows(q)) + "]")
    if q.style == "match":
        parts.append(" ".join(f"{i}. {a}" for i, (a, _) in enumerate(q.answer, 1)))  # type: ignore[misc]
    if q.style == "ox":
        parts.append("(O/X)")
    elif q.options:
        parts.append(" ".join(f"{marker(i, q.style)} {o}" for i, o in enumerate(q.options)))
    return " ".join(parts), _one_line(answer_text(q))


def to_csv(qs: QuizSet) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(csv_row(q) for q in qs.questions)
    return buf.getvalue().encode("utf-8-sig")


RENDERERS = {"json": to_json, "md": to_markdown, "csv": to_csv}
