"""Lenient comparison of a typed answer with the accepted answers, and a diff to show when it is wrong.

Two strings match when their *keys* are equal: NFKC (which also folds full-width
ＡＢＣ１２３ and NFD Hangul), `casefold()`, and whitespace removed. Whitespace is
dropped rather than only collapsed because Korean spacing (띄어쓰기) varies in
practice: "가상 메모리" and "가상메모리" are the same answer. Any accepted
answer counts (the Korean term, the English name, an alias).

Keys are for comparison only. NFKC rewrites some characters (the compatibility
jamo ㄱ U+3131 becomes U+1100), so everything shown to a user is NFC text.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal


def display(text: str) -> str:
    """TEXT as shown and stored: NFC, whitespace collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def key(text: str) -> str:
    """The comparison key of TEXT; never show it to a user."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


Op = Literal["same", "extra", "missing"]


@dataclass(frozen=True)
class Segment:
    """One run of a diff: text both share, text the user typed in excess, or text they missed."""

    op: Op
    text: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing one typed answer."""

    given: str  # what the user typed, as displayed (NFC)
    correct: bool
    expected: str  # the accepted answer matched, or the closest one when wrong
    diff: tuple[Segment, ...] = ()  # empty when correct or when nothing is shared


def check(given: str, accepted: Iterable[str]) -> Verdict:
    """Compare GIVEN with every accepted answer; the first in order wins ties."""
    answers = [display(a) for a in accepted if display(a)]
    if not answers:
        raise ValueError("no accepted answers")
    shown = display(given)
    given_key = key(shown)
    for answer in answers:
        if given_key and key(answer) == given_key:
            return Verdict(shown, True, answer)
    closest = max(answers, key=lambda a: _similarity(given_key, key(a)))
    segments = diff(shown, closest)
    # A diff helps with a near miss; against an unrelated answer it is only noise.
    return Verdict(shown, False, closest, segments if any(s.op == "same" for s in segments) else ())


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def diff(given: str, expected: str) -> tuple[Segment, ...]:
    """A character diff that turns GIVEN into EXPECTED, both as displayed.

    Characters are matched case-insensitively and after NFKC per character, so
    'hypervisor' against 'Hypervisor' is not reported as a wrong letter while the
    segments still carry the user's and the answer's own (NFC) characters.
    """
    a = [unicodedata.normalize("NFKC", ch).casefold() for ch in given]
    b = [unicodedata.normalize("NFKC", ch).casefold() for ch in expected]
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(out, "same", expected[j1:j2])
            continue
        if i2 > i1:
            _append(out, "extra", given[i1:i2])
        if j2 > j1:
            _append(out, "missing", expected[j1:j2])
    return tuple(out)


def _append(out: list[Segment], op: Op, text: str) -> None:
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))


@dataclass(frozen=True)
class Aligned:
    """A diff as two lines in step: what was typed over the answer, column for column.

    A run only one side has is faced by spaces on the other; a replaced run is faced by its
    replacement, the narrower padded. `marks` has '^' under every column that differs.
    """

    yours: tuple[Segment, ...]
    correct: tuple[Segment, ...]
    marks: str


def aligned(segments: Sequence[Segment]) -> Aligned:
    yours: list[Segment] = []
    correct: list[Segment] = []
    marks = ""
    n = 0
    while n < len(segments):
        segment = segments[n]
        if segment.op == "same":
            yours.append(segment)
            correct.append(segment)
            marks += " " * columns(segment.text)
            n += 1
            continue
        extra = segment.text if segment.op == "extra" else ""
        missing = segment.text if segment.op == "missing" else ""
        if extra and n + 1 < len(segments) and segments[n + 1].op == "missing":
            missing = segments[n + 1].text
            n += 1
        width = max(columns(extra), columns(missing))
        yours += [Segment("extra", extra), Segment("same", " " * (width - columns(extra)))]
        correct += [Segment("missing", missing), Segment("same", " " * (width - columns(missing)))]
        marks += "^" * width
        n += 1
    return Aligned(tuple(s for s in yours if s.text), tuple(s for s in correct if s.text), marks)


def columns(text: str) -> int:
    """Terminal columns of TEXT: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
