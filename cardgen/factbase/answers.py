"""The forms a typed answer may take: what a teacher would mark right.

A key never requires its parenthetical ("가상 머신 (호스팅)" accepts "가상 머신"), and any
word of a `synonyms` group may stand for another ("게스트 운영체제" accepts "게스트 OS").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")


def accepted_forms(answers: Iterable[str], synonyms: Iterable[tuple[str, ...]] = ()) -> tuple[str, ...]:
    """ANSWERS, each also without its parentheticals, each with every synonym swapped in;
    in a stable order, the given answers first, no duplicates."""
    groups = [tuple(group) for group in synonyms]
    out: dict[str, None] = {}
    for answer in answers:
        bare = _PARENTHETICAL.sub("", answer).strip() if "(" in answer else answer
        for form in (answer, bare):
            if form:
                out.setdefault(form)
                if groups:
                    for swapped in _swaps(form, groups):
                        out.setdefault(swapped)
    return tuple(out)


def _swaps(text: str, groups: list[tuple[str, ...]]) -> list[str]:
    """TEXT with one or more words of a synonym group replaced by the others of the group."""
    forms = [text]
    for group in groups:
        # Longest first, so "운영 체제" is replaced before "운영" could be.
        for word in sorted(group, key=len, reverse=True):
            grown = []
            for form in forms:
                if word in form:
                    grown += [form.replace(word, other) for other in group if other != word]
            forms += grown
    return [f for f in dict.fromkeys(forms) if f != text]
