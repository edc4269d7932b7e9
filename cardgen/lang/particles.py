"""Korean particles chosen by the final sound of the word before them, as Koreans read it.

Most particles have one form after a final consonant (받침) and one after a vowel:
책은 / 사과는, 책이 / 사과가, 책을 / 사과를, 책과 / 사과와. (으)로 takes 로 after a vowel
and after ㄹ as well (건물로). The word before a particle is often not Hangul: a Latin
term, an acronym or a number, which a Korean reader pronounces, and the particle follows
that pronunciation: Xen -> 젠 -> 을, VM -> 브이엠 -> 을, Docker -> 도커 -> 를, SaaS -> 사스 -> 를,
Windows 11 -> 십일 -> 이. `final_sound` gives that sound; `attach` puts the right form after
the word. There is no fallback such as "은(는)": every word gets one form.

A trailing parenthetical or quote is read past, as Korean writing does: the particle after
`가상화 (Virtualization)` follows 가상화.
"""

from __future__ import annotations

import re
from enum import Enum


class Final(Enum):
    """How a word ends when read aloud."""

    VOWEL = "vowel"
    RIEUL = "rieul"  # ㄹ: a consonant, but (으)로 takes 로 after it
    CONSONANT = "consonant"


# (after a consonant, after a vowel); every way of naming a particle maps to its pair.
_PAIRS: tuple[tuple[str, str], ...] = (
    ("은", "는"),
    ("이", "가"),
    ("을", "를"),
    ("과", "와"),
    ("으로", "로"),
    ("이나", "나"),
    ("이랑", "랑"),
    ("이라", "라"),
    ("이란", "란"),
    ("이라고", "라고"),
    ("이라는", "라는"),
    ("이며", "며"),
    ("이다", "다"),
    ("이에요", "예요"),
    ("아", "야"),
)
PARTICLES: dict[str, tuple[str, str]] = {}
for _consonant, _vowel in _PAIRS:
    for _name in (_consonant, _vowel, f"{_consonant}/{_vowel}", f"{_vowel}/{_consonant}"):
        PARTICLES.setdefault(_name, (_consonant, _vowel))
# "(으)로" is how grammars write it.
PARTICLES["(으)로"] = ("으로", "로")

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL_FINAL = 8  # index of ㄹ among the 28 final-consonant slots

# Letter names as Koreans spell acronyms out: only L (엘), M (엠), N (엔) and R (알) end in a consonant.
_LETTER_FINAL = {"L": Final.RIEUL, "M": Final.CONSONANT, "N": Final.CONSONANT, "R": Final.RIEUL}
# Sino-Korean digits: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT_FINAL = {
    "0": Final.CONSONANT,
    "1": Final.RIEUL,
    "2": Final.VOWEL,
    "3": Final.CONSONANT,
    "4": Final.VOWEL,
    "5": Final.VOWEL,
    "6": Final.CONSONANT,
    "7": Final.RIEUL,
    "8": Final.RIEUL,
    "9": Final.VOWEL,
}
# A number ending in zeros is read by its last power of ten: 십 백 천, then 만 억 조 every four zeros.
_TENS_FINAL = {1: Final.CONSONANT, 2: Final.CONSONANT, 3: Final.CONSONANT}
_MYRIADS_FINAL = {4: Final.CONSONANT, 8: Final.CONSONANT, 12: Final.VOWEL}

_TRAILING_PARENTHETICAL = re.compile(r"\s*[(\[（【][^()\[\]（）【】]*[)\]）】]\s*$")
_TRAILING_MARKS = re.compile(r"[\s'\"‘’“”`.,!?…:;)\]}>»」』）】·~]+$")
_LAST_TOKEN = re.compile(r"([0-9]+|[A-Za-z]+|[\uac00-\ud7a3]|[^\sA-Za-z0-9])$")
_VOWELS = set("aeiou")


def final_sound(word: str) -> Final:
    """How WORD ends when a Korean reads it aloud (see the module docstring)."""
    text = word
    while True:
        stripped = _TRAILING_MARKS.sub("", _TRAILING_PARENTHETICAL.sub("", text))
        if stripped == text or not stripped:
            break
        text = stripped
    match = _LAST_TOKEN.search(text)
    if not match:
        return Final.VOWEL  # nothing readable: a word with no letters at all
    token = match.group(1)
    if token[0].isdigit():
        return _number_final(token)
    if "a" <= token[0].lower() <= "z":
        return _latin_final(token)
    code = ord(token)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        if final == 0:
            return Final.VOWEL
        return Final.RIEUL if final == _RIEUL_FINAL else Final.CONSONANT
    return Final.VOWEL  # Han characters, kana and signs: read with no known final consonant


def _number_final(digits: str) -> Final:
    number = digits.lstrip("0")
    if not number:
        return Final.CONSONANT  # 영
    zeros = len(number) - len(number.rstrip("0"))
    if zeros == 0:
        return _DIGIT_FINAL[number[-1]]
    if zeros % 4:
        return _TENS_FINAL[zeros % 4]
    return _MYRIADS_FINAL.get(zeros, Final.CONSONANT)


def _latin_final(token: str) -> Final:
    """A Latin word read as Korean loanwords are; an all-capital token is spelled out letter by letter."""
    if token.isupper() and (len(token) <= 5 or not _VOWELS & set(token.lower())):
        return _LETTER_FINAL.get(token[-1], Final.VOWEL)
    word = token.lower()
    if len(word) == 1:
        return _LETTER_FINAL.get(word.upper(), Final.VOWEL)
    last, before = word[-1], word[-2]
    if last == before and last in "pbt" and len(word) > 2:
        word, before = word[:-1], word[-3]  # 앱, 웹, 셋: a doubled stop reads as one
    if last == "e":
        return _silent_e_final(word)
    if word.endswith("ng") or last in "mn":
        return Final.CONSONANT  # 스트링, 스트림, 젠
    if last == "l":
        return Final.RIEUL  # 모델, 셸
    if word.endswith("ck"):
        return Final.CONSONANT  # 스택
    if last in "kcpbt" and before in _VOWELS:
        # A short vowel before a stop closes the syllable (맥, 앱, 웹, 소켓); a long one
        # opens another (브레이크, 비트, 부트); "-out" stays short (레이아웃).
        long_vowel = len(word) >= 3 and word[-3] in _VOWELS and not word.endswith(("out", "oop", "ook"))
        if last == "t" and long_vowel:
            return Final.VOWEL
        if last in "kc" and long_vowel and not word.endswith("ook"):
            return Final.VOWEL
        return Final.CONSONANT
    return Final.VOWEL  # r, s, x, d, g, f, h, w, y, a vowel, a stop after a consonant: 도커, 사스, 클라우드


def _silent_e_final(word: str) -> Final:
    """Words ending in a mostly silent e: the consonant before it decides (콘솔, 런타임, 엔진, 서비스)."""
    stem = word[:-1]
    if stem.endswith("l"):
        return Final.RIEUL  # 구글, 테이블, 모듈
    if stem.endswith(("m", "n")) and len(stem) > 1 and stem[-2] not in "mn":
        return Final.CONSONANT  # 런타임, 엔진, 머신
    if stem.endswith(("mm", "nn")):
        return Final.CONSONANT
    return Final.VOWEL  # 서비스, 코어, 하드웨어, 캐시, 노드


def form(word: str, particle: str) -> str:
    """The form of PARTICLE (any of its spellings: "은", "는", "은/는", "(으)로") that follows WORD."""
    try:
        after_consonant, after_vowel = PARTICLES[particle]
    except KeyError:
        raise ValueError(f"unknown particle {particle!r}; known: {', '.join(sorted(PARTICLES))}") from None
    final = final_sound(word)
    if final is Final.VOWEL or (final is Final.RIEUL and after_vowel == "로"):
        return after_vowel
    return after_consonant


def both_forms(particle: str) -> str:
    """PARTICLE as written after a word whose sound is not shown, a blank: 이(가), 을(를),
    (으)로, 과(와)는; a particle of one form as it is."""
    if particle in PARTICLES:
        after_consonant, after_vowel = PARTICLES[particle]
        if after_consonant.endswith(after_vowel):
            return f"({after_consonant.removesuffix(after_vowel)}){after_vowel}"
        return f"{after_consonant}({after_vowel})"
    if particle.endswith("는") and particle[:-1] in PARTICLES:  # 과는, 으로는
        return both_forms(particle[:-1]) + "는"
    return particle


def attach(word: str, particle: str) -> str:
    """WORD followed by the right form of PARTICLE: attach("Docker", "을/를") == "Docker를"."""
    return word + form(word, particle)
