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
from cardgen.bank.sample import quiz_sets, select
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
    counts = Counter(q.kind for q in BANK)
    defs, pcs, taxes, stacks = SHIPPED.definitions, SHIPPED.pros_cons, SHIPPED.taxonomies, SHIPPED.stacks
    pros = sum(len(pc.pros) for pc in pcs)
    cons = sum(len(pc.cons) for pc in pcs)
    layers = sum(len(s.layers) for s in stacks)
    ox = {kind: Counter("O" if q.answer else "X" for q in BANK if q.kind == kind) for kind in ("ox_pro", "ox_con")}
    expected = {
        "term_from_definition": len(defs),
        "definition_from_term": len(defs),
        "pro_of": pros,
        "con_of": cons,
        # Every point asked as true; then each concept's points of the other polarity
        # restated, the taxonomy siblings' points (hosted <-> native hypervisor: 2 + 1 pros,
        # 1 + 2 cons) and the emulator's pro that the comparison denies for hypervisors.
        "ox_pro": pros + cons + 3 + 1,
        "ox_con": cons + pros + 3,
        "stack_order": len(stacks),
        "stack_missing_choice": layers,
        "stack_missing_fill": layers,
        "stack_above": layers - len(stacks),
        "stack_below": layers - len(stacks),
        # "Kind of virtualization": the facts tie nearly every other concept to its kinds
        # (hypervisors through hardware-level virtualization, containers through the OS-level
        # stack, hypercalls through para-virtualization), which leaves a single safe wrong
        # option (Dom0), too few for a question.
        "kind_of": sum(len(t.children) for t in taxes if t.parent != "virtualization"),
        # Two outsiders per taxonomy with two or more kinds, but only one for virtualization.
        "odd_one_out": 2 * sum(len(t.children) >= 2 for t in taxes) - 1,
        "matching": math.ceil(len(defs) / 6),
        "author": len(SHIPPED.questions),
    }
    assert dict(counts) == expected
    assert ox["ox_pro"]["O"] == pros and ox["ox_con"]["O"] == cons
    assert dict(counts) == {  # the same numbers, written out for the reader
        "term_from_definition": 20, "definition_from_term": 20, "pro_of": 4, "con_of": 5, "ox_pro": 13,
        "ox_con": 12, "stack_order": 6, "stack_missing_choice": 28, "stack_missing_fill": 28, "stack_above": 22,
        "stack_below": 22, "kind_of": 11, "odd_one_out": 9, "matching": 4, "author": 15}


def test_shared_weakness_is_never_a_wrong_option(shipped_facts) -> None:
    """If two concepts share a disadvantage, it is wrong for neither of them."""
    path = shipped_facts / "virtualization.yaml"
    text = path.read_text(encoding="utf-8")
    shared = "물리 CPU 내에서 직접 실행할 때보다 비효율적임"
    weakness = "      - GPU 패스스루(GPU Passthrough) 지원이 제한적임\n"
    assert weakness in text
    text = text.replace(weakness, f"{weakness}      - {shared}\n")
    path.write_text(text, encoding="utf-8")
    base = load(shipped_facts)
    bank = build_bank(base)
    about = {"emulator-pros-cons", "hosted-hypervisor-pros-cons"}
    seen_as_answer = 0
    for q in bank:
        if q.kind == "con_of" and q.facts[0] in about:
            wrong = [o for i, o in enumerate(q.options) if i != q.answer]
            assert shared not in wrong, q.id
            seen_as_answer += q.options[q.answer] == shared
        if q.kind == "ox_con" and q.facts[0] in about and shared in q.prompt:
            assert q.answer is True, q.id
    assert seen_as_answer == 2
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
    q = by_id["vgpu/term_from_definition/1"]
    siblings = ["vGPU (Virtual GPU)", "가상 메모리 (Virtual Memory)", "가상 사설 네트워크 (Virtual Private Network)"]
    assert set(siblings) <= set(q.options)
    q = by_id["full-virtualization/term_from_definition/1"]
    assert "반가상화 (Para-Virtualization)" in q.options
    q = by_id["hosted-hypervisor-pros-cons/con_of/1"]
    assert "자체적인 가상 머신 관리 기능이 없기에, 이를 위한 별도의 컴퓨터나 콘솔이 필요" in q.options  # the sibling's con
    q = by_id["kinds-of-resource-virtualization/odd_one_out/1"]
    assert q.options[q.answer] == "플랫폼 가상화 (Platform Virtualization)"  # the parent's sibling


def test_stack_questions_draw_the_blank() -> None:
    fills = [q for q in BANK if q.kind == "stack_missing_fill"]
    for q in fills:
        assert q.stack.layers[q.hidden_layer].name == q.answer
    hypervisor = next(q for q in fills if q.answer == "하이퍼바이저")
    assert {"Hypervisor", "VMM", "가상 머신 모니터"} <= set(hypervisor.accepted)
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
    assert counts["term_from_definition"] == len(osi.definitions)
    assert counts["stack_order"] == 3 and counts["stack_missing_fill"] == 7 + 4 + 4
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
    kinds = by_id["kinds-of-transport/kind_of/1"]
    assert kinds.options[kinds.answer] == "TCP (Transmission Control Protocol)"
    assert "HTTP (HyperText Transfer Protocol)" in kinds.options  # a cousin, nearest wrong kind


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
       kinds=st.none() | st.lists(st.sampled_from(sorted(KINDS)), min_size=3, unique=True))
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
    for seed in range(20):
        for qs in quiz_sets(BANK, sets=2, size=25, seed=seed):
            seen: set[str] = set()
            for n, q in enumerate(qs):
                if seen & set(q.facts):
                    rest = [r for r in BANK if r not in qs[:n]]
                    assert all(seen & set(r.facts) for r in rest if r.id not in {x.id for x in qs[:n]}), (seed, q.id)
                    seen = set()
                seen |= set(q.facts)


def test_sets_cover_the_bank_before_repeating() -> None:
    pool = select(BANK, kinds=["term_from_definition"])  # one fact each, so spreading facts never interferes
    assert len(pool) == 20
    drawn = quiz_sets(BANK, sets=4, size=5, seed=5, kinds=["term_from_definition"])
    assert len({q.id for qs in drawn for q in qs}) == 20


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
    drawn = quiz_sets(BANK, sets=1, size=5, seed=1, tags=["리소스_가상화"])
    assert all("리소스_가상화" in q.tags for q in drawn[0])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), other=st.integers(0, 2**32))
def test_any_two_seeds_give_different_sets(seed, other) -> None:
    a = quiz_sets(BANK, sets=1, size=20, seed=seed)
    assert a == quiz_sets(BANK, sets=1, size=20, seed=seed)
    if seed != other:
        assert a != quiz_sets(BANK, sets=1, size=20, seed=other)


def test_true_and_false_take_turns_in_o_x_questions() -> None:
    """The bank holds more false statements than true ones; sets must not reward "always X"."""
    in_bank = Counter(q.answer for q in BANK if isinstance(q, TrueFalse))
    assert in_bank[True] / sum(in_bank.values()) < 0.4
    drawn: Counter[bool] = Counter()
    for seed in range(100):
        for qs in quiz_sets(BANK, sets=1, size=12, seed=seed, kinds=["ox_pro", "ox_con"]):
            drawn.update(q.answer for q in qs)
    assert 0.45 <= drawn[True] / sum(drawn.values()) <= 0.55, drawn
