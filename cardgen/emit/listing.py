"""`cardgen questions`: the whole question bank, for a teacher to read before handing anything out.

Each question with its id (to `exclude` it for good), its options with the key marked, the
answer, and the facts behind it at `file:line`, as Markdown or as JSON.
"""

from __future__ import annotations

import json
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
)
from cardgen.context import Context
from cardgen.present import MARKERS, answer_text, stack_rows

MARKS = MARKERS["ko"]


def _options(q: Question) -> list[str]:
    match q:
        case Choice():
            return [f"{MARKS.option(i)} {o}" + ("  ← key" if i == q.answer else "") for i, o in enumerate(q.options)]
        case Matching():
            return [f"{MARKS.number(i)} {t}" for i, t in enumerate(q.terms)] + [
                f"{MARKS.item(i)} {d}" for i, d in enumerate(q.definitions)
            ]
        case Ordering():
            return [f"{MARKS.item(i)} {p}" for i, p in enumerate(q.pieces)]
        case TrueFalse() | FillIn() | ShortAnswer():
            return []
        case _ as unreachable:
            assert_never(unreachable)


def _sources(context: Context, q: Question) -> list[str]:
    base = context.base
    return [f"{fid} ({base[fid].meta.loc})" for fid in q.facts if fid in base]


def questions_markdown(context: Context) -> str:
    lines = [f"# {len(context.bank)} questions", ""]
    for q in context.bank:
        lines += [f"## {q.id}", "", f"kind: {q.kind}", ""]
        lines += [f"> {line}" for line in q.prompt.splitlines()]
        if (drawn := drawing(q)) is not None:
            lines += ["", " / ".join(row.text for row in stack_rows(*drawn))]
        lines += ["", *[f"- {o}" for o in _options(q)]]
        lines += ["", f"answer: {answer_text(q, MARKS)}"]
        if accepted := also_accepted(q):
            lines.append(f"also accepted: {', '.join(accepted)}")
        lines += [f"facts: {', '.join(_sources(context, q))}", ""]
    return "\n".join(lines)


def questions_json(context: Context) -> str:
    from cardgen.emit.quizset import question_json

    doc: list[dict[str, Any]] = []
    for n, q in enumerate(context.bank, 1):
        item = question_json(q, n)
        item["sources"] = _sources(context, q)
        doc.append(item)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
