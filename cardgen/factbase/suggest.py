"""Which existing ids a mistyped reference could have meant: only typos, never a different word.

A wrong suggestion does harm: the author follows it and the reference now names
another concept, silently. So an id is suggested only when it differs from the
reference the way a slip of the keyboard does:

- by case, by a few edits (at most 1, or 2 for words of 10 letters or more; a swap of
  two neighbours counts as one), with a `difflib` ratio of at least 0.8;
- never by adding or removing letters at either end (`container` and `containerd`,
  `vm` and `vmm` are different words), except an English plural `s` on a word of four
  letters or more (`containers` -> `container`);
- never by a number (`type1` and `type2` are different things);
- never inside a short part of the id (`hvm-guest` and `pvm-guest`): the parts between
  `-`, `_` and `.` of fewer than four letters are abbreviations, where one letter is a
  different word.

Hangul is compared letter by letter (jamo), so `컨테이너` and `컨테이나` are one edit apart.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

MIN_RATIO = 0.8
SHORT_PART = 4  # parts of an id shorter than this are abbreviations
LONG_WORD = 10  # from this length on, two slips are still a typo

_PARTS = re.compile(r"[-_.]+")
_DIGITS = re.compile(r"\d+")


def close_ids(word: str, ids: Iterable[str]) -> tuple[str, ...]:
    """The ids that WORD is a typo of, best first; several only when they are equally close."""
    target = _letters(word)
    scored: list[tuple[int, float, str]] = []
    for candidate in ids:
        other = _letters(candidate)
        if candidate != word and _typo(target, other):
            ratio = difflib.SequenceMatcher(None, target, other).ratio()
            scored.append((_distance(target, other), -ratio, candidate))
    scored.sort()
    return tuple(c for d, r, c in scored if (d, r) == scored[0][:2]) if scored else ()


def _letters(text: str) -> str:
    return unicodedata.normalize("NFD", text.casefold())


def _typo(a: str, b: str) -> bool:
    if a == b:
        return True
    if _DIGITS.findall(a) != _DIGITS.findall(b) or _affix(a, b):
        return False
    allowed = 2 if min(len(a), len(b)) >= LONG_WORD else 1
    if _distance(a, b) > allowed or difflib.SequenceMatcher(None, a, b).ratio() < MIN_RATIO:
        return False
    parts_a, parts_b = _PARTS.split(a), _PARTS.split(b)
    if len(parts_a) != len(parts_b):
        return True  # a separator added or dropped: the words are the same
    return all(
        x == y or (min(len(x), len(y)) >= SHORT_PART and not _affix(x, y))
        for x, y in zip(parts_a, parts_b, strict=True)
    )


def _affix(a: str, b: str) -> bool:
    """Whether one of A and B is the other with letters added at an end, other than a plural `s`."""
    short, long = sorted((a, b), key=len)
    if not (long.startswith(short) or long.endswith(short)):
        return False
    return not (long == short + "s" and len(short) >= SHORT_PART)


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap of neighbours) that turn A into B."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]
