"""Lenient typed-answer comparison: Unicode forms, width, case, spacing, aliases, and the diff."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardgen.review.compare import Segment, aligned, check, diff, display, key

HYPERVISOR = ("하이퍼바이저", "Hypervisor")


def test_nfd_hangul_matches_nfc():
    nfd = unicodedata.normalize("NFD", "하이퍼바이저")
    assert len(nfd) > len("하이퍼바이저")  # really decomposed: jamo, not syllables
    verdict = check(nfd, HYPERVISOR)
    assert verdict.correct
    assert verdict.expected == "하이퍼바이저"
    assert verdict.given == "하이퍼바이저"  # shown as NFC


def test_full_width_latin_and_digits_match():
    assert check("ＨＹＰＥＲＶＩＳＯＲ", HYPERVISOR).correct
    assert check("Type １ Hypervisor", ("Type 1 Hypervisor",)).correct


@pytest.mark.parametrize("typed", ["hypervisor", "HYPERVISOR", "hYpErViSoR"])
def test_case_is_ignored(typed):
    assert check(typed, HYPERVISOR).correct


@pytest.mark.parametrize("typed", ["  가상 메모리  ", "가상\t\t메모리", "가상메모리", "가 상 메 모 리"])
def test_spacing_is_ignored(typed):
    assert check(typed, ("가상 메모리", "Virtual Memory")).correct


def test_every_alias_counts_and_is_reported():
    accepted = ("호스팅 하이퍼바이저", "Hosted Hypervisor", "Type 2 Hypervisor")
    verdict = check("type 2 hypervisor", accepted)
    assert verdict.correct and verdict.expected == "Type 2 Hypervisor"


def test_wrong_answers_are_wrong():
    assert not check("하이퍼바이져", HYPERVISOR).correct  # 져 is not 저
    assert not check("", HYPERVISOR).correct
    assert not check("   ", HYPERVISOR).correct
    assert not check("Hypervisors", HYPERVISOR).correct


def test_the_diff_is_against_the_closest_answer_and_marks_the_wrong_syllable():
    verdict = check("하이퍼바이져", ("Hypervisor", "하이퍼바이저"))
    assert verdict.expected == "하이퍼바이저"
    assert verdict.diff == (Segment("same", "하이퍼바이"), Segment("extra", "져"), Segment("missing", "저"))
    lines = aligned(verdict.diff)
    assert "".join(s.text for s in lines.yours) == "하이퍼바이져"
    assert "".join(s.text for s in lines.correct) == "하이퍼바이저"
    assert lines.marks == " " * 10 + "^^"  # under the one wrong syllable, two columns wide


def test_the_aligned_diff_faces_a_missing_run_with_spaces():
    lines = aligned(check("Containr", ("Container",)).diff)
    assert "".join(s.text for s in lines.yours) == "Contain r"
    assert "".join(s.text for s in lines.correct) == "Container"
    assert lines.marks == "       ^ "


def test_no_diff_against_an_unrelated_answer():
    verdict = check("하이퍼바이져", ("Dom0", "도메인 0"))
    assert not verdict.correct and verdict.diff == ()


def test_diff_ignores_case_but_keeps_the_answers_letters():
    assert diff("hypervisr", "Hypervisor") == (
        Segment("same", "Hypervis"), Segment("missing", "o"), Segment("same", "r"))


def test_nfkc_text_is_never_shown():
    # NFKC maps the compatibility jamo ㄱ (U+3131) to U+1100; the user must see what was written.
    verdict = check("가ㄱ", ("가ㄴ",))
    assert not verdict.correct and verdict.diff
    shown = verdict.given + verdict.expected + "".join(s.text for s in verdict.diff)
    assert "\u1100" not in shown and "\u1102" not in shown
    assert shown == "가ㄱ가ㄴ가ㄱㄴ"


def test_no_accepted_answers_is_a_programming_error():
    with pytest.raises(ValueError):
        check("x", ())


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("가나다ABCabc 12ＡＢ"), max_size=12),
       st.text(alphabet=st.sampled_from("가나다ABCabc 12ＡＢ"), min_size=1, max_size=12))
def test_diff_rebuilds_both_sides(given_text, expected):
    given_text, expected = display(given_text), display(expected)
    if not expected:
        return
    segments = diff(given_text, expected)
    assert "".join(s.text for s in segments if s.op != "extra") == expected
    typed = "".join(s.text for s in segments if s.op != "missing")
    assert key(typed) == key(given_text)
    verdict = check(given_text, (expected,))
    assert verdict.correct == (key(given_text) == key(expected) != "")
    assert verdict.diff in ((), segments) and (verdict.diff == ()) == (verdict.correct or all(
        s.op != "same" for s in segments))
