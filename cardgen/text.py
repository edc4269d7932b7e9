"""Text on its way out: what a terminal, a spreadsheet or a loader may see of it; and `fold`,
text as compared for sameness.

Fact text is the user's, and a fact file may come from anyone. The loader refuses
control characters (`control_chars`); what still reaches a terminal (messages that
echo a key or an id the loader had not yet accepted, file names, typed answers)
goes through `terminal_safe`, and every spreadsheet cell through `formula_safe`.
"""

from __future__ import annotations

import re
import unicodedata

from cardgen.richtext import has_markup, plain

# Bidirectional embeddings, overrides, isolates and marks: they reorder what a reader
# sees ("Trojan Source") without being seen themselves.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# C0 controls but tab and line feed, DEL, the C1 controls, and the bidi controls.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_UNSAFE_LINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
# What the loader refuses in text: all of the above but line feed (block scalars have
# lines) and tab (YAML itself allows it). Bidi marks (LRM, RLM, ALM) are legitimate in
# right-to-left text; only the embeddings, overrides and isolates are refused.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, lines: bool = True) -> str:
    """TEXT with every C0/C1 control and bidi control shown as an escape (`\\x1b`, `\\u202e`).

    Line feeds and tabs stay when LINES is true (the default); otherwise line feeds are
    shown as `\\x0a` too, for text that must stay on one line.
    """
    pattern = _UNSAFE if lines else _UNSAFE_LINE
    return pattern.sub(_visible, text) if pattern.search(text) else text


def control_chars(text: str) -> list[str]:
    """The control characters in TEXT that fact text may not hold, each shown as an escape."""
    return [_visible(m) for m in _REFUSED.finditer(text)]


def formula_safe(cell: str) -> str:
    """CELL as a spreadsheet shows it as text: a leading apostrophe before `= + - @`, tab or CR."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def fold(text: str) -> str:
    """TEXT as compared for sameness: NFKC (full-width forms, NFD Hangul), casefolded,
    whitespace collapsed to single spaces; rich text as its plain text (`**RUN**` is `run`)."""
    if has_markup(text):
        text = plain(text)
    if text.isascii():  # NFKC leaves ASCII as it is, and casefolds it as lower() does
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
