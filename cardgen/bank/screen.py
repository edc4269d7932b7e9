"""Screening a generated question for giveaways: answers a student could pick from the wording alone.

A choice question is dropped (and `cardgen audit` says why) when

- a distinctive word of the prompt turns up in the key and in no other option (the
  definition "(가상의) 메인 메모리" and the key "가상 메모리"), or in every option but the
  key ("which is not a kind of 하이퍼바이저?" with two options named "... 하이퍼바이저");
- the key alone breaks the naming pattern the wrong options share (the only one with a
  name in brackets, or the only one without);
- the key's length stands out: far longer, or far shorter, than every wrong option.

The author's own choice questions are never dropped: `tells` finds the same signs in
them, and `cardgen audit` reports each one for the author to rewrite.

Words are compared folded (NFKC, casefold) and with the common Korean particles taken
off their ends, so "메모리를" and "메모리" are the same word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from typing import TYPE_CHECKING

from cardgen.lang import N_, fill

if TYPE_CHECKING:
    # Cards use this module's word tests; the question classes load only when questions are screened.
    from cardgen.bank.question import Question

_WORD = re.compile(r"\w+")
_PARTICLES = ("으로", "에서", "에게", "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만")
_PARTICLE_END = re.compile("(?:" + "|".join(_PARTICLES) + ")$")
# English function words: in every sentence, they tell nothing about an answer.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "at",
        "in",
        "to",
        "by",
        "for",
        "from",
        "with",
        "as",
        "is",
        "are",
        "be",
        "it",
        "its",
        "or",
        "and",
        "not",
        "no",
        "that",
        "this",
        "than",
        "which",
        "who",
        "what",
        "when",
        "where",
        "how",
        "into",
        "onto",
        "over",
        "under",
        "up",
        "out",
        "off",
        "can",
    ]
)
# How far the key's length may stand out from the wrong options' before it is a tell.
_LONGER, _SHORTER, _MARGIN = 1.6, 0.5, 6


class Reason:
    """Why a question was left out: a catalog message and its fields; `str()` is the English."""

    def __init__(self, message: str, /, **fields: str) -> None:
        self.message, self.fields = message, fields

    def __str__(self) -> str:
        return fill(self.message, dict(self.fields))

    def __eq__(self, other: object) -> bool:
        return str(self) == other if isinstance(other, str) else NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))


def words(text: str) -> frozenset[str]:
    """The words of TEXT, folded, particles off, at least two characters long."""
    out = set()
    for word in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        particle = _PARTICLE_END.search(word)
        if particle and particle.start() >= 2:
            word = word[: particle.start()]
        if len(word) >= 2 and not word.isdigit() and word not in _FUNCTION_WORDS:
            out.add(word)
    return frozenset(out)


def giveaway(q: Question, stem: frozenset[str] = frozenset()) -> Reason | None:
    """Why Q can be answered from its wording alone, or None. STEM holds the fixed words of
    the prompts of Q's kind, which say nothing about any one answer."""
    from cardgen.bank.question import Choice

    if not isinstance(q, Choice):
        return None
    key = q.options[q.answer]
    wrong = [o for i, o in enumerate(q.options) if i != q.answer]
    return _key_only_word(q.prompt, key, wrong, stem) or _odd_pattern(q.options, key) or _odd_length(key, wrong)


def tells(q: Question, stem: frozenset[str] = frozenset()) -> Reason | None:
    """Why the key of Q, an author's choice question, stands out from the other options, or None.

    A question with several right options gives itself away when one sign holds for every
    right option alike (each far longer than the wrong ones, say)."""
    from cardgen.bank.question import Choice, MultiChoice

    match q:
        case Choice():
            return giveaway(q, stem)
        case MultiChoice():
            wrong = [o for i, o in enumerate(q.options) if i not in q.answers]
            reasons = [_key_only_word(q.prompt, key, wrong, stem) or _odd_length(key, wrong) for key in q.right]
            first = reasons[0]
            return first if first is not None and all(str(r) == str(first) for r in reasons) else None
        case _:
            return None


def _key_only_word(prompt: str, key: str, wrong: list[str], stem: frozenset[str]) -> Reason | None:
    folded_key = unicodedata.normalize("NFKC", key).casefold()
    folded_wrong = [unicodedata.normalize("NFKC", w).casefold() for w in wrong]
    for word in sorted(words(prompt) - stem):
        if word in folded_key and not any(word in w for w in folded_wrong):
            return Reason(N_("the prompt's word '{word}' is in the key and in no other option"), word=word)
        if len(folded_wrong) >= 2 and word not in folded_key and all(word in w for w in folded_wrong):
            return Reason(N_("the prompt's word '{word}' is in every option but the key"), word=word)
    return None


def _bracketed(option: str) -> bool:
    return option.rstrip().endswith(")") and "(" in option


def _odd_pattern(options: tuple[str, ...], key: str) -> Reason | None:
    """The key alone written another way than every wrong option: the only one with a name in
    brackets, or the only one without."""
    wrong = [o for o in options if o != key]
    if len(wrong) >= 2 and all(_bracketed(o) != _bracketed(key) for o in wrong):
        return Reason(N_("the key alone breaks the naming pattern of the other options"))
    # Among names (a few words each), a word every wrong option shares and the key lacks
    # marks the key out ("세션 계층", "전송 계층", "표현 계층" against "HTTP").
    if len(wrong) >= 2 and all(len(o.split()) <= 3 for o in options):
        shared = frozenset.intersection(*(words(o) for o in wrong)) - words(key)
        if shared:
            return Reason(N_("every other option has the word '{word}' and the key has not"), word=min(shared))
    return None


def _odd_length(key: str, wrong: list[str]) -> Reason | None:
    longest, shortest = max(map(len, wrong)), min(map(len, wrong))
    if len(key) >= longest * _LONGER and len(key) - longest >= _MARGIN:
        return Reason(N_("the key is far longer than every other option"))
    if len(key) <= shortest * _SHORTER and shortest - len(key) >= _MARGIN:
        return Reason(N_("the key is far shorter than every other option"))
    return None


def shares_stem(mine: Set[str], other: Set[str]) -> bool:
    """Whether a word of MINE and one of OTHER share a stem of three or more characters
    (에뮬레이터 and 에뮬레이션), or one holds the other."""
    for a in mine:
        stem = a[:3] if len(a) >= 3 else None
        for b in other:
            if a in b or b in a or (stem is not None and b.startswith(stem)):
                return True
    return False
