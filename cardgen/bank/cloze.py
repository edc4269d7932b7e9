"""Terms of the fact base in a sentence, and the sentence with one of them blanked.

A definition's `details` are sentences about its concept; `detail_fill` asks for a term
such a sentence uses. `Terms.mentions` finds where the base's terms (every name of every
definition) stand in a text as whole words: at the start of a word, and ending a word or
followed by nothing but a Korean particle ("하이퍼바이저가"). Latin text is compared
without regard to case. Where names overlap, the longest one is the mention ("리소스
가상화", never its "가상화"). `blanked` writes the sentence with the gap (`GAP`, as quiz sets
show a stack's hidden layer and a process's hidden step) and the particle after it in both
its forms ("( ? )이(가)"): the form alone would tell whether the term ends in a vowel.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from cardgen.lang.particles import both_forms
from cardgen.present import GAP

_WORD = re.compile(r"\w+")
_BRACKET = re.compile(r"\s*\(([^()]*)\)")
# What may follow a term in its word: a Korean particle (하이퍼바이저가, 가상 머신에서).
_PARTICLES = frozenset(
    (
        "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "에는", "에서는", "로", "으로",
        "로는", "으로는", "와", "과", "와는", "과는", "도", "만", "나", "이나", "며", "이며", "다", "이다",
        "란", "이란", "라고", "이라고", "라는", "이라는", "보다", "처럼", "까지", "부터", "마다",
    )
)  # fmt: skip


def folded_name(text: str) -> str:
    """TEXT as names are compared here: NFKC, casefolded, whitespace collapsed."""
    if unicodedata.is_normalized("NFKC", text):  # the usual case: see `_fold_chars`
        return " ".join(text.casefold().split())
    return " ".join(_fold_chars(text)[0].split())


def _fold_chars(text: str) -> tuple[str, list[int]]:
    """TEXT folded character by character, and for each folded character the index of the
    character of TEXT it comes from."""
    # In a text that is in NFKC as a whole, every character is in NFKC on its own (no
    # character that NFKC changes can stand in it), and casefolding goes by character.
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if len(folded) == len(text):
            return folded, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        one = _fold_char(ch)
        out.append(one)
        origin += [i] * len(one)
    return "".join(out), origin


@cache
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold()


@dataclass(frozen=True)
class Mention:
    """Where a name of CONCEPT stands in a text: `text[start:end]` is the name as written,
    with its other name in brackets after it when it has one ("하이퍼 콜(Hyper Call)");
    `particle` follows it, up to `after`."""

    concept: str
    start: int
    end: int
    after: int
    name: str
    particle: str
    noted: bool = False
    """A bracket that is no name of the concept follows it: a note about the term."""
    shared: bool = False
    """Another concept has the same name here: either could be the key."""

    def spans(self, other: Mention) -> bool:
        return self.start <= other.start and other.end <= self.end


class Terms:
    """Every name (two characters or more) of every concept, found in texts by their first word."""

    def __init__(self, names: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.by_first: dict[str, dict[str, set[str]]] = {}
        self.names: dict[str, frozenset[str]] = {}
        # Every word of every name with the names holding it, and the words sorted as they
        # are and reversed (to find those that start or end alike); made on first use.
        self._words: dict[str, set[tuple[str, str]]] | None = None
        self._starts: list[str] = []
        self._ends: list[str] = []
        for concept, written in names:
            mine = frozenset(n for n in map(folded_name, written) if len(n) >= 2)
            self.names[concept] = mine
            for name in mine:
                first = _WORD.match(name)
                if first:
                    self.by_first.setdefault(first.group(), {}).setdefault(name, set()).add(concept)

    def inside_other_name(self, concept: str) -> bool:
        """Whether a name of CONCEPT is part of another concept's name, from a word's start or
        to a word's end (이미지 in 베이스 이미지, 가상화 in 전가상화): the kind named after it fits
        wherever it does."""
        if self._words is None:
            self._words = {}
            for owner, names in self.names.items():
                for name in names:
                    for word in _WORD.findall(name):
                        self._words.setdefault(word, set()).add((owner, name))
            self._starts = sorted(self._words)
            self._ends = sorted(word[::-1] for word in self._words)
        for name in self.names[concept]:
            found = _WORD.findall(name)
            if not found:
                continue
            # A name that starts at a word of another begins with a word that starts that one.
            words = _with_prefix(self._starts, found[0]) if _WORD.match(name) else []
            if _WORD.fullmatch(name[-1]):
                words += [w[::-1] for w in _with_prefix(self._ends, found[-1][::-1])]
            for owner, other in set().union(*(self._words[w] for w in words)):
                if owner != concept and other != name and _part_of(name, other):
                    return True
        return False

    def mentions(self, text: str) -> list[Mention]:
        """The names standing in TEXT as whole words, the longest where they overlap, in order."""
        folded, origin = _fold_chars(text)
        found: list[Mention] = []
        for word in _WORD.finditer(folded):
            token = word.group()
            keys = {token} | {token[: -len(p)] for p in _PARTICLES if token.endswith(p) and len(token) > len(p)}
            for key in sorted(keys):
                for name, concepts in sorted(self.by_first.get(key, {}).items()):
                    for concept in sorted(concepts):
                        mention = self._mention(text, folded, origin, word.start(), name, concept)
                        if mention is not None:
                            found.append(mention)
        return _longest(found)

    def _mention(
        self, text: str, folded: str, origin: list[int], start: int, name: str, concept: str
    ) -> Mention | None:
        end = start + len(name)
        if folded[start:end] != name or (end < len(folded) and origin[end] == origin[end - 1]):
            return None
        noted = False
        bracket = _BRACKET.match(folded, end)
        name_end = end
        if bracket:
            if folded_name(bracket.group(1)) in self.names[concept]:
                end = bracket.end()
            else:
                noted = True
        rest = _WORD.match(folded, end)
        particle = ""
        if rest is not None:
            if rest.group() not in _PARTICLES:
                return None  # the name is the start of a longer word
            particle = rest.group()
        o_start, o_end = origin[start], origin[end - 1] + 1
        o_after = origin[end + len(particle) - 1] + 1 if particle else o_end
        return Mention(
            concept,
            o_start,
            o_end,
            o_after,
            text[o_start : origin[name_end - 1] + 1],
            text[o_end:o_after],
            noted=noted,
        )


def _longest(found: list[Mention]) -> list[Mention]:
    """FOUND without the mentions inside a longer one; two that overlap otherwise are both
    left out (neither is the term there), and two of one place are marked `shared`."""
    out: list[Mention] = []
    for m in found:
        if any(o.spans(m) and (o.start, o.end) != (m.start, m.end) for o in found):
            continue
        if any(o.start < m.end and m.start < o.end and not (o.spans(m) or m.spans(o)) for o in found):
            continue
        same = {o.concept for o in found if (o.start, o.end) == (m.start, m.end)}
        if len(same) > 1:
            m = replace(m, shared=True)
        if m not in out and not any(o.concept == m.concept and (o.start, o.end) == (m.start, m.end) for o in out):
            out.append(m)
    return sorted(out, key=lambda m: (m.start, m.concept))


def blanked(text: str, mention: Mention) -> str:
    """TEXT with MENTION's name (and its bracket) left out, the particle after it in both forms."""
    particle = both_forms(mention.particle)
    return f"{text[: mention.start]}{GAP}{particle}{text[mention.after :]}"


def words_around(text: str, mention: Mention) -> int:
    """How many words TEXT has besides MENTION and its particle."""
    return len(_WORD.findall(text[: mention.start])) + len(_WORD.findall(text[mention.after :]))


def _with_prefix(words: list[str], prefix: str) -> list[str]:
    """The words of sorted WORDS that start with PREFIX."""
    out = []
    for word in words[bisect_left(words, prefix) :]:
        if not word.startswith(prefix):
            break
        out.append(word)
    return out


def _part_of(name: str, other: str) -> bool:
    """Whether NAME stands in OTHER (not the whole of it) starting where a word starts or
    ending where a word ends."""
    starts = {m.start() for m in _WORD.finditer(other)}
    ends = {m.end() for m in _WORD.finditer(other)}
    at = other.find(name)
    while at != -1:
        end = at + len(name)
        if (at in starts or end in ends) and (at, end) != (0, len(other)):
            return True
        at = other.find(name, at + 1)
    return False
