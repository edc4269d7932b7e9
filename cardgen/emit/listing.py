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
    MultiChoice,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    also_accepted,
    drawing,
)
from cardgen.context import Context
from cardgen.lang import Translator, translator
from cardgen.present import Markers, answer_text, markers, stack_rows


def _options(q: Question, marks: Markers, t: Translator) -> list[str]:
    key = "  " + t._("← key")
    match q:
        case Choice():
            return [f"{marks.option(i)} {o}" + (key if i == q.answer else "") for i, o in enumerate(q.options)]
        case MultiChoice():
            return [f"{marks.option(i)} {o}" + (key if i in q.answers else "") for i, o in enumerate(q.options)]
        case Matching():
            return [f"{marks.number(i)} {term}" for i, term in enumerate(q.terms)] + [
                f"{marks.item(i)} {d}" for i, d in enumerate(q.definitions)
            ]
        case Ordering():
            return [f"{marks.item(i)} {p}" for i, p in enumerate(q.pieces)]
        case TrueFalse() | FillIn() | ShortAnswer():
            return []
        case _ as unreachable:
            assert_never(unreachable)


def _sources(context: Context, q: Question) -> list[str]:
    base = context.base
    return [f"{fid} ({base[fid].meta.loc})" for fid in q.facts if fid in base]


def questions_markdown(context: Context) -> str:
    """The bank as Markdown, its words in the base's language, each question with its own language's markers."""
    t = translator(context.lang_of_base())
    lines = [t.n_("# {n} question", "# {n} questions", len(context.bank)), ""]
    for q in context.bank:
        marks = markers(context.lang_of_question(q))
        lines += [f"## {q.id}", "", t._("kind: {kind}", kind=q.kind), ""]
        lines += [f"> {line}" for line in q.prompt.splitlines()]
        if (drawn := drawing(q)) is not None:
            lines += ["", " / ".join(row.text for row in stack_rows(*drawn))]
        lines += ["", *[f"- {o}" for o in _options(q, marks, t)]]
        lines += ["", t._("answer: {answer}", answer=answer_text(q, marks))]
        if accepted := also_accepted(q):
            lines.append(t._("also accepted: {answers}", answers=", ".join(accepted)))
        lines += [t._("facts: {facts}", facts=", ".join(_sources(context, q))), ""]
    return "\n".join(lines)


def questions_json(context: Context) -> str:
    from cardgen.emit.quizset import question_json

    doc: list[dict[str, Any]] = []
    for n, q in enumerate(context.bank, 1):
        item = question_json(q, n, markers(context.lang_of_question(q)))
        item["sources"] = _sources(context, q)
        doc.append(item)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
