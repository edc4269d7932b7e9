"""The question bank: right answers, wrong options the facts prove wrong, balanced sets."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardgen.bank.generate import build_bank
from cardgen.bank.question import (KINDS, MAX_OPTIONS, MIN_OPTIONS, Choice, FillIn, Matching, Ordering, Question,
                                   ShortAnswer, TrueFalse)
from cardgen.bank.sample import quiz_sets, reveals, select
from cardgen.errors import UsageError
from cardgen.factbase.loader import load
from cardgen.factbase.model import (Comparison, Definition, FactBase, Layer, Meta, Point, ProsCons, AuthorQuestion,
                           Stack, Taxonomy)
from tests.conftest import FACTS, ROOT, build_file_tree
from tests.oracle import Oracle, f

SHIPPED = load(FACTS)
BANK = build_bank(SHIPPED)

OSI_YAML = """\
deck: "Network::OSI"
tags: [네트워크]
definitions:
  - {id: osi-model, term: OSI 7계층, english: OSI Model, aliases: [OSI 참조 모델], definition: 네트워크 통신을 일곱 계층으로 나눈 참조 모델}
  - {id: protocol, term: 프로토콜, english: Protocol, definition: 통신하는 쪽끼리 지키는 약속}
  - {id: transport-protocol, term: 전송 계층 프로토콜, definition: 종단 간 데이터 전달을 맡는 프로토콜}
  - {id: tcp, term: TCP, english: Transmission Control Protocol, definition: 연결을 맺고 순서와 도착을 보장하는 전송 계층 프로토콜}
  - {id: udp, term: UDP, english: User Datagram Protocol, definition: 연결 없이 데이터그램을 보내는 전송 계층 프로토콜}
  - {id: application-protocol, term: 응용 계층 프로토콜, definition: 사용자 서비스를 위한 메시지 형식을 정하는 프로토콜}
  - {id: http, term: HTTP, english: HyperText Transfer Protocol, definition: 웹 문서를 주고받는 요청-응답 프로토콜}
  - {id: dns, term: DNS, english: Domain Name System, definition: 도메인 이름을 IP 주소로 바꾸는 체계}
  - {id: smtp, term: SMTP, english: Simple Mail Transfer Protocol, definition: 전자 우편을 보내는 프로토콜}
  - {id: ip, term: IP, english: Internet Protocol, definition: 패킷을 목적지 주소까지 전달하는 네트워크 계층 프로토콜}
  - {id: router, term: 라우터, english: Router, definition: 네트워크 사이에서 패킷의 경로를 정하는 장비}
  - {id: switch, term: 스위치, english: Switch, definition: 같은 네트워크 안에서 프레임을 목적지 포트로 보내는 장비}
pros_cons:
  - id: tcp-pros-cons
    concept: tcp
    pros: [도착과 순서를 보장함, 포트 번호로 프로세스를 구분함]
    cons: [연결 설정 때문에 지연이 생김]
  - id: udp-pros-cons
    concept: udp
    pros:
      - text: 연결 설정이 없어 지연이 적음
        compare: {concept: tcp, text: TCP는 3-way handshake가 필요함}
      - 포트 번호로 프로세스를 구분함
    cons: [도착과 순서를 보장하지 않음]
  - id: http-pros-cons
    concept: http
    pros: [사람이 읽을 수 있는 텍스트 형식]
    cons: [상태를 기억하지 않음]
taxonomy:
  - {id: kinds-of-protocol, parent: protocol, children: [transport-protocol, application-protocol]}
  - {id: kinds-of-transport, parent: transport-protocol, children: [tcp, udp], basis: 연결 여부}
  - {id: kinds-of-application, parent: application-protocol, children: [http, dns, smtp]}
stacks:
  - id: stack-osi
    title: OSI 7계층
    illustrates: osi-model
    layers: [응용 계층, 표현 계층, 세션 계층, 전송 계층, 네트워크 계층, 데이터 링크 계층, 물리 계층]
  - id: stack-tcp-ip
    title: TCP/IP 4계층
    layers: [응용 계층, 전송 계층, 인터넷 계층, 네트워크 접근 계층]
  - id: stack-web
    title: 웹 요청
    layers: [HTTP, {name: TCP, concept: tcp}, {name: IP, concept: ip}, 이더넷]
questions:
  - {id: why-udp-for-dns, question: DNS 조회에 주로 UDP를 쓰는 까닭은?, answer: 요청과 응답이 작아 연결 설정 비용을 아끼는 편이 낫기 때문}
"""


@pytest.fixture(scope="module")
def osi(tmp_path_factory) -> FactBase:
    return load(build_file_tree(tmp_path_factory.mktemp("osi"), {"osi.yaml": OSI_YAML}))


def check_question(oracle: Oracle, q: Question) -> None:
    """Every rule a bank question must keep, judged by the independent oracle."""
    assert q.kind in KINDS and q.id.split("/")[1] == q.kind
    assert q.facts and all(fid in oracle.base for fid in q.facts), q.id
    assert isinstance(q, KINDS[q.kind]), q.id
    match q:
        case Choice():
            folded = [f(o) for o in q.options]
            assert len(set(folded)) == len(folded), f"duplicate options in {q.id}: {q.options}"
            assert MIN_OPTIONS <= len(q.options) <= MAX_OPTIONS, q.id
            assert oracle.right_options(q) == {q.answer}, f"{q.id}: right options {oracle.right_options(q)} != {q.answer}: {q.options}"
            names = {f(a) for a in q.accepted} | {folded[q.answer]}
            assert not names & {o for i, o in enumerate(folded) if i != q.answer}, q.id
        case TrueFalse():
            assert oracle.ox_is_true(q) is q.answer, f"{q.id}: {q.prompt!r} answered {q.answer}"
        case Ordering():
            assert sorted(q.pieces) == sorted(q.answer) and len(q.answer) >= 3
            assert len({f(p) for p in q.pieces}) == len(q.pieces), q.id
        case Matching():
            terms, defs = [a for a, _ in q.pairs], [b for _, b in q.pairs]
            assert 4 <= len(q.terms) <= 6 and sorted(q.answer) == list(range(len(q.definitions)))
            assert len({f(t) for t in terms}) == len(terms) and len({f(d) for d in defs}) == len(defs)
            by_label = {d.label: d for d in oracle.base.definitions}
            assert all(by_label[t].definition == d for t, d in q.pairs), q.id
        case FillIn() if q.kind == "detail_fill":
            assert oracle.detail_fill_is_right(q), q.id
        case FillIn() | ShortAnswer():
            assert q.answer
    if isinstance(q, (Choice, FillIn)) and q.hidden_layer is not None:
        shown = q.options[q.answer] if isinstance(q, Choice) else q.answer
        assert q.stack is not None and shown == q.stack.layers[q.hidden_layer].name


# --- the shipped facts ---------------------------------------------------------------------------

def test_every_shipped_question_keeps_the_rules() -> None:
    oracle = Oracle(SHIPPED)
    for q in BANK:
        check_question(oracle, q)


def test_bank_is_sorted_with_unique_ids() -> None:
    ids = [q.id for q in BANK]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_count_of_each_kind_from_the_shipped_facts() -> None:
    """The shipped bank, kind by kind, and the rules about the whole bank that shape it."""
    counts = Counter(q.kind for q in BANK)
    assert dict(counts) == {  # written out for the reader; tests/golden pins the questions themselves
        "author": 15, "con_of": 1, "definition_from_term": 15, "detail_fill": 1, "kind_of": 2, "matching": 2, "odd_one_out": 2,
        "ox_con": 8, "ox_example": 13, "ox_pro": 10, "pro_of": 3, "stack_cross": 1, "stack_missing_choice": 8, "stack_missing_fill": 8, "stack_order": 2,
        "term_from_definition": 13}
    stack = sum(n for kind, n in counts.items() if kind.startswith("stack_"))
    assert stack <= len(BANK) / 4
    true = sum(1 for q in BANK if isinstance(q, TrueFalse) and q.answer)
    assert 0.45 <= true / (counts["ox_pro"] + counts["ox_con"] + counts["ox_example"]) <= 0.55


def test_shared_weakness_is_never_a_wrong_option(shipped_facts) -> None:
    """A disadvantage two sibling concepts share is wrong for neither of them, even where
    one's list is `exclusive`: the other's own list says it."""
    path = shipped_facts / "1-virtualization.yaml"
    text = path.read_text(encoding="utf-8")
    shared = "자체적인 가상 머신 관리 기능이 없기에, 이를 위한 별도의 컴퓨터나 콘솔이 필요"  # native's
    text = text.replace("      - GPU 패스스루(GPU Passthrough) 지원이 제한적임\n",
                        f"      - GPU 패스스루(GPU Passthrough) 지원이 제한적임\n      - {shared}\n")
    path.write_text(text, encoding="utf-8")
    base = load(shipped_facts)
    bank = build_bank(base)
    about = {"native-hypervisor-pros-cons", "hosted-hypervisor-pros-cons"}
    seen = 0
    for q in bank:
        if isinstance(q, Choice) and q.kind == "con_of" and q.facts[0] in about:
            assert shared not in [o for i, o in enumerate(q.options) if i != q.answer], q.id
        if isinstance(q, TrueFalse) and q.kind == "ox_con" and q.facts[0] in about and shared in q.prompt:
            assert q.answer is True, q.id
            seen += 1
    assert seen == 2
    oracle = Oracle(base)
    for q in bank:
        check_question(oracle, q)


def test_alias_of_the_answer_is_never_offered() -> None:
    for q in BANK:
        if q.kind == "term_from_definition":
            d = SHIPPED.definition(q.facts[0])
            others = [f(o) for i, o in enumerate(q.options) if i != q.answer]
            assert not {f(n) for n in d.names} & set(others)
            assert set(q.accepted) == set(d.names)


def test_siblings_come_first() -> None:
    """Wrong options are taken from the answer's neighbourhood before anything else."""
    by_id = {q.id: q for q in BANK}
    q = by_id["full-virtualization/term_from_definition/1"]
    assert "반가상화 (Para-Virtualization)" in q.options
    q = by_id["native-hypervisor-pros-cons/con_of/1"]  # the exclusive sibling's cons
    assert "호스트 위에 게스트를 구동하는 방식이기에 비교적 큰 오버헤드를 가짐" in q.options
    q = by_id["kinds-of-platform-virtualization/odd_one_out/1"]
    assert q.options[q.answer] == "리소스 가상화 (Resource Virtualization)"  # the parent's sibling


def test_stack_questions_draw_the_blank() -> None:
    fills = [q for q in BANK if q.kind == "stack_missing_fill"]
    for q in fills:
        assert q.stack.layers[q.hidden_layer].name == q.answer
    # The shipped synonyms count: 게스트 OS is as right as 게스트 운영체제.
    guest = next(q for q in fills if q.answer == "게스트 운영체제")
    assert {"게스트 OS", "게스트 운영 체제"} <= set(guest.accepted)
    # An ordering cannot carry a drawing; "what is above X" must not show the stack that answers it.
    assert all(q.stack is None for q in BANK if isinstance(q, Choice) and q.kind in ("stack_above", "stack_below"))


SHOWN = ("options", "pieces", "terms", "definitions")


def test_ids_and_bank_identical_across_runs_and_hash_seeds() -> None:
    assert build_bank(load(FACTS)) == BANK
    script = f"SHOWN = {SHOWN!r}; from cardgen.factbase.loader import load; from cardgen.bank.generate import build_bank; " \
             "print(repr([(q.id, q.answer, [getattr(q, a, None) for a in SHOWN]) for q in build_bank(load('facts'))]))"
    outs = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}).stdout for seed in ("1", "2")}
    assert len(outs) == 1
    assert repr([(q.id, q.answer, [getattr(q, a, None) for a in SHOWN]) for q in BANK]) + "\n" in outs


# --- a second topic -------------------------------------------------------------------------------

def test_bank_beyond_the_shipped_facts(osi) -> None:
    bank = build_bank(osi)
    oracle = Oracle(osi)
    for q in bank:
        check_question(oracle, q)
    counts = Counter(q.kind for q in bank)
    assert counts["author"] == 1 and counts["matching"] == 2
    shared = "포트 번호로 프로세스를 구분함"  # a pro of both TCP and UDP
    for q in bank:
        if q.kind == "pro_of" and q.facts[0] in ("tcp-pros-cons", "udp-pros-cons"):
            assert shared not in [o for i, o in enumerate(q.options) if i != q.answer]
        if q.kind == "ox_pro" and shared in q.prompt:
            assert q.answer is True
    by_id = {q.id: q for q in bank}
    denied = by_id["tcp-pros-cons/ox_pro/udp-pros-cons.1"]
    assert denied.answer is False and "3-way handshake" in denied.explanation
    # The web stack mixes protocols and OSI layers: an option set where every wrong option
    # is a "... 계층" and the key is not gives the key away, and is never made.
    for q in bank:
        if isinstance(q, Choice) and q.facts[0] == "stack-web":
            wrong = [o for i, o in enumerate(q.options) if i != q.answer]
            assert not all("계층" in o for o in wrong) or "계층" in q.options[q.answer], q.id


# --- random fact bases ------------------------------------------------------------------------------

POOL = ["가", "나다", "라마바", "사아", "자차카", "타파하", "overhead is high", "Overhead  is high", "빠름", "느림"]


@st.composite
def fact_bases(draw) -> FactBase:
    """Small bases whose texts collide on purpose: shared definitions, names and points."""
    n = draw(st.integers(3, 9))
    ids = [f"c{i}" for i in range(n)]
    text = st.sampled_from(POOL)
    defs = []
    for i, cid in enumerate(ids):
        aliases = tuple(dict.fromkeys(draw(st.lists(st.sampled_from(["별칭", "alias", f"a{i}"]), max_size=2))))
        defs.append(Definition(Meta(cid, "d", tags=tuple(draw(st.lists(st.sampled_from(["t1", "t2"]), max_size=2, unique=True)))),
                               term=f"용어{i}", english=draw(st.sampled_from([None, f"Term {i}", "Same"])),
                               aliases=aliases, definition=draw(text)))
    parents: dict[str, list[str]] = {}
    for i in range(1, n):
        if draw(st.booleans()):
            parents.setdefault(ids[draw(st.integers(0, i - 1))], []).append(ids[i])
    taxes = [Taxonomy(Meta(f"tax-{p}", "d"), p, tuple(kids)) for p, kids in sorted(parents.items())]
    pcs = []
    for cid in draw(st.lists(st.sampled_from(ids), unique=True, max_size=n)):
        def points():
            out = []
            for t in draw(st.lists(text, max_size=3, unique=True)):
                compare = None
                if draw(st.integers(0, 4)) == 0:
                    compare = Comparison(draw(st.sampled_from(ids)), "비교")
                out.append(Point(t, compare))
            return tuple(out)
        pros, cons = points(), points()
        if pros or cons:
            pcs.append(ProsCons(Meta(f"pc-{cid}", "d"), cid, pros, cons))
    stacks = []
    for s in range(draw(st.integers(0, 3))):
        names = draw(st.lists(st.sampled_from(["앱", "OS", "os", "호스트 OS", "HW", "VM", "커널"]), min_size=2, max_size=5))
        layers = tuple(Layer(name, concept=draw(st.sampled_from([None, *ids]))) for name in names)
        stacks.append(Stack(Meta(f"s{s}", "d"), f"스택 {s}", layers))
    questions = (AuthorQuestion(Meta("q1", "d"), "질문?", "답"),) if draw(st.booleans()) else ()
    return FactBase(definitions=tuple(defs), pros_cons=tuple(pcs), taxonomies=tuple(taxes),
                    stacks=tuple(stacks), questions=questions)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_bases())
def test_random_fact_bases_never_get_a_bad_option(base) -> None:
    oracle = Oracle(base)
    bank = build_bank(base)
    for q in bank:
        check_question(oracle, q)
    assert len({q.id for q in bank}) == len(bank)


# --- sampling ---------------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(seed=st.integers(-10**6, 10**6), sets=st.integers(1, 4), size=st.integers(1, 60),
       kinds=st.none() | st.lists(st.sampled_from(sorted({q.kind for q in BANK})), min_size=3, unique=True))
def test_sets_keep_every_rule_for_any_seed(seed, sets, size, kinds) -> None:
    pool = select(BANK, kinds=kinds)
    size = min(size, len(pool))
    drawn = quiz_sets(BANK, sets=sets, size=size, seed=seed, kinds=kinds)
    assert len(drawn) == sets and all(len(s) == size for s in drawn)
    oracle = Oracle(SHIPPED)
    by_id = {q.id: q for q in BANK}
    for qs in drawn:
        assert len({q.id for q in qs}) == size
        for q in qs:
            check_question(oracle, q)
            original = by_id[q.id]
            match q, original:
                case Choice(), Choice():
                    assert sorted(q.options) == sorted(original.options)
                    assert q.options[q.answer] == original.options[original.answer]
                case Matching(), Matching():
                    assert sorted(q.pairs) == sorted(original.pairs)
                    assert sorted(q.definitions) == sorted(original.definitions)
                case Ordering(), Ordering():
                    assert sorted(q.pieces) == sorted(original.pieces) and q.answer == original.answer
                case _:
                    assert q == original
        choices = [q for q in qs if isinstance(q, Choice)]
        positions = Counter((len(q.options), q.answer) for q in choices)
        for n in {len(q.options) for q in choices}:
            per_position = [positions[(n, i)] for i in range(n)]
            assert max(per_position) - min(per_position) <= 1, per_position


def test_no_fact_repeats_while_fresh_facts_remain() -> None:
    """A fact comes back only when every unused question would repeat one or give an answer away."""
    for seed in range(20):
        for qs in quiz_sets(BANK, sets=2, size=25, seed=seed, kinds=[k for k in KINDS if KINDS[k] is not TrueFalse]):
            seen: set[str] = set()
            for n, q in enumerate(qs):
                if seen & set(q.facts):
                    taken = qs[:n]
                    rest = [r for r in BANK if r.id not in {x.id for x in taken} and not isinstance(r, TrueFalse)]
                    assert all(seen & set(r.facts) or any(reveals(r, x) or reveals(x, r) for x in taken)
                               for r in rest), (seed, q.id)
                    seen = set()
                seen |= set(q.facts)


def test_sets_cover_the_bank_before_repeating() -> None:
    pool = select(BANK, kinds=["definition_from_term"])  # one fact each, none shows another's answer
    assert len(pool) == 15
    drawn = quiz_sets(BANK, sets=3, size=5, seed=5, kinds=["definition_from_term"])
    assert len({q.id for qs in drawn for q in qs}) == 15


def test_correct_positions_are_balanced_chi_square() -> None:
    """Chi-square over >= 1,000 four-option questions, against a uniform spread (df = 3)."""
    positions: Counter[int] = Counter()
    for seed in range(40):
        for qs in quiz_sets(BANK, sets=2, size=40, seed=seed, kinds=["term_from_definition", "definition_from_term",
                                                                      "pro_of", "con_of", "stack_missing_choice",
                                                                      "stack_above", "stack_below", "kind_of"]):
            positions.update(q.answer for q in qs if isinstance(q, Choice) and len(q.options) == 4)
    total = sum(positions.values())
    assert total >= 1000
    expected = total / 4
    chi2 = sum((positions[i] - expected) ** 2 / expected for i in range(4))
    assert chi2 < 11.34, (chi2, positions)  # the 1% critical value for 3 degrees of freedom
    # Canonical bank order would put the answer wherever sorting leaves it; the sets must not.
    canonical = Counter(q.answer for q in BANK if isinstance(q, Choice) and len(q.options) == 4)
    assert canonical != positions


def test_same_seed_same_sets_other_seed_other_sets() -> None:
    a = quiz_sets(BANK, sets=3, size=20, seed=11)
    assert a == quiz_sets(BANK, sets=3, size=20, seed=11)
    b = quiz_sets(BANK, sets=3, size=20, seed=12)
    assert a != b
    assert [q.id for q in a[0]] != [q.id for q in a[1]]


@pytest.mark.parametrize("kwargs, message", [
    (dict(sets=0, size=5), "number of sets must be at least 1"),
    (dict(sets=1, size=0), "set size must be at least 1"),
    (dict(sets=1, size=5, kinds=["pro_of", "nonsense"]), "unknown question kind(s): nonsense"),
    (dict(sets=1, size=5, tags=["없는태그"]), "unknown tag(s): 없는태그"),
    (dict(sets=1, size=16, kinds=["author"]), "only 15 question(s) match"),
])
def test_bad_requests_are_usage_errors(kwargs, message) -> None:
    with pytest.raises(UsageError) as info:
        quiz_sets(BANK, seed=1, **kwargs)
    assert message in str(info.value)


def test_tags_filter() -> None:
    drawn = quiz_sets(BANK, sets=1, size=5, seed=1, tags=["플랫폼_가상화"])
    assert all("플랫폼_가상화" in q.tags for q in drawn[0])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), other=st.integers(0, 2**32))
def test_any_two_seeds_give_different_sets(seed, other) -> None:
    a = quiz_sets(BANK, sets=1, size=20, seed=seed)
    assert a == quiz_sets(BANK, sets=1, size=20, seed=seed)
    if seed != other:
        assert a != quiz_sets(BANK, sets=1, size=20, seed=other)


def test_true_and_false_take_turns_in_o_x_questions() -> None:
    """True and false are balanced in the bank and in every set: no answer pays blindly."""
    in_bank = Counter(q.answer for q in BANK if isinstance(q, TrueFalse))
    assert 0.45 <= in_bank[True] / sum(in_bank.values()) <= 0.55
    drawn: Counter[bool] = Counter()
    for seed in range(100):
        for qs in quiz_sets(BANK, sets=1, size=12, seed=seed, kinds=["ox_pro", "ox_con"]):
            drawn.update(q.answer for q in qs)
    assert 0.45 <= drawn[True] / sum(drawn.values()) <= 0.55, drawn
