"""The rules a careful teacher holds generated questions to, each proved on a small fact base made for it.

See ../README.md ("How wrong options and false statements are chosen"). Every rule here
was broken by an earlier bank: a test fails when its rule is taken out.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from cardgen.bank.generate import build_bank, generate_bank
from cardgen.bank.question import Choice, FillIn, Matching, TrueFalse
from cardgen.bank.sample import quiz_sets, reveals
from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.emit.exam import ExamSettings, make_exam
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase
from cardgen.starter import STARTER
from tests.conftest import FACTS, build_file_tree, run_cardgen
from tests.oracle import Oracle, f


def base_of(tmp_path: Path, text: str) -> FactBase:
    return load(build_file_tree(tmp_path / "facts", {"f.yaml": textwrap.dedent(text)}))


CLOUD = """\
    deck: Cloud
    definitions:
      - {id: cloud-model, term: 클라우드 서비스 모델, definition: 클라우드가 무엇을 서비스로 내주는지에 따른 구분}
      - {id: iaas, term: IaaS, english: Infrastructure as a Service, definition: 서버와 저장소와 네트워크를 빌려 쓰는 서비스}
      - {id: paas, term: PaaS, english: Platform as a Service, definition: 응용 프로그램을 올려 돌릴 실행 환경을 빌려 쓰는 서비스}
      - {id: saas, term: SaaS, english: Software as a Service, definition: 완성된 응용 프로그램을 웹에서 바로 쓰는 서비스}
    taxonomy:
      - {id: kinds-of-cloud, parent: cloud-model, children: [iaas, paas, saas]}
    pros_cons:
      - id: iaas-pc
        concept: iaas
        pros: [운영체제까지 직접 고를 수 있음, 가상 머신 구성을 마음대로 바꿀 수 있음]
        cons: [운영체제 보안 패치를 직접 해야 함]
      - id: paas-pc
        concept: paas
        pros: [코드만 올리면 배포가 끝남, 실행 환경의 확장을 맡길 수 있음]
        cons: [플랫폼이 정한 언어와 런타임만 쓸 수 있음]
      - id: saas-pc
        concept: saas
        pros: [하드웨어를 사거나 관리할 필요가 없음, 설치 없이 웹에서 바로 씀]
        cons: [기능을 마음대로 바꿀 수 없음]
    """


def exclusive(text: str, *entries: str) -> str:
    """TEXT with the pros and cons of ENTRIES marked exclusive."""
    for entry in entries:
        text = text.replace(f"      - id: {entry}\n", f"      - id: {entry}\n        exclusive: true\n")
    return text


def every_item(bank: tuple) -> list:
    """Every question of the bank as it appears in sets drawn over many seeds."""
    out = list(bank)
    for seed in range(30):
        for qs in quiz_sets(bank, sets=1, size=min(12, len(bank)), seed=seed):
            out += qs
    return out


def test_siblings_sharing_a_point_never_get_it_keyed_false(tmp_path: Path) -> None:
    """'No hardware to buy' holds for IaaS as much as for SaaS; the facts list it under SaaS only.
    Without a word from the facts, no item may state it false of IaaS or PaaS."""
    base = base_of(tmp_path, CLOUD)
    oracle = Oracle(base)
    bank = build_bank(base)
    for q in every_item(bank):
        if isinstance(q, TrueFalse):
            assert oracle.ox_is_true(q) is q.answer, q.id
        if isinstance(q, Choice) and q.kind in ("pro_of", "con_of"):
            assert oracle.right_options(q) == {q.answer}, q.id
    shared = f("하드웨어를 사거나 관리할 필요가 없음")
    assert not [q for q in bank if isinstance(q, TrueFalse) and not q.answer and shared in f(q.prompt)]


def test_an_exclusive_list_makes_false_items_unless_a_point_is_shared(tmp_path: Path) -> None:
    text = CLOUD.replace(
        "      - id: saas-pc\n        concept: saas\n",
        "      - id: saas-pc\n        concept: saas\n        exclusive: true\n",
    )
    text = text.replace(
        "pros: [하드웨어를 사거나 관리할 필요가 없음, 설치 없이 웹에서 바로 씀]",
        "pros: [{text: 하드웨어를 사거나 관리할 필요가 없음, also: [iaas, paas]}, 설치 없이 웹에서 바로 씀]",
    )
    base = base_of(tmp_path, text)
    oracle = Oracle(base)
    bank, dropped = generate_bank(base)
    made = {q.id: q for q in bank}
    # Before the bank's true/false balance: every statement the generators made.
    statements = [q for q in bank if isinstance(q, TrueFalse)] + [d for d in dropped if d.kind.startswith("ox_")]
    made_ids = {d.id for d in statements}
    assert "iaas-pc/ox_pro/saas-pc.2" in made_ids  # SaaS's own point, stated false of IaaS
    assert not any(i.endswith("ox_pro/saas-pc.1") for i in made_ids)  # shared with IaaS and PaaS: `also`
    true = [q for q in bank if isinstance(q, TrueFalse) and q.answer]
    assert any("하드웨어를 사거나" in q.prompt and "IaaS" in q.prompt for q in true)
    for q in every_item(bank):
        if isinstance(q, TrueFalse):
            assert oracle.ox_is_true(q) is q.answer, q.id


def test_a_disadvantage_is_never_offered_as_an_advantage(tmp_path: Path) -> None:
    """A concept's own con among the options of 'which is its pro?' is answered by its wording."""
    base = base_of(tmp_path, exclusive(CLOUD, "saas-pc"))
    for q in build_bank(base):
        if isinstance(q, Choice) and q.kind == "pro_of":
            cons = {f(p.text) for pc in base.pros_cons for p in pc.cons}
            assert not cons & {f(o) for o in q.options}, q.id
        if isinstance(q, TrueFalse) and not q.answer:
            polarity = "pros" if q.kind == "ox_pro" else "cons"
            statement = f(q.prompt.split("\n")[1])
            assert statement in {f(p.text) for pc in base.pros_cons for p in getattr(pc, polarity)}, q.id


GIVEAWAYS = """\
    deck: g
    definitions:
      - {id: vmem, term: 가상 메모리, english: Virtual Memory, definition: (가상의) 메인 메모리}
      - {id: vdisk, term: 가상 디스크, english: Virtual Disk, definition: (가상의) 저장 장치}
      - {id: vnet, term: 가상 네트워크, english: Virtual Network, definition: (가상의) 통신망}
      - {id: vgpu, term: 가상 그래픽, english: Virtual Graphics, definition: (가상의) 그래픽 처리 장치}
      - {id: emulator, term: 에뮬레이터, english: Emulator, definition: 다른 하드웨어의 동작을 소프트웨어로 흉내 내는 프로그램}
      - {id: emulation, term: 에뮬레이션, english: Emulation, definition: 다른 기계를 위한 프로그램을 흉내 내어 실행하는 일}
    """


def test_a_word_of_the_prompt_only_the_key_has_drops_the_question(tmp_path: Path) -> None:
    bank, dropped = generate_bank(base_of(tmp_path, GIVEAWAYS))
    ids = {q.id for q in bank}
    assert "vmem/term_from_definition/1" not in ids  # 메모리: in the definition and in the key only
    reasons = {d.id: d.reason for d in dropped}
    assert "is in the key and in no other option" in reasons["vmem/term_from_definition/1"]


def test_terms_that_read_alike_are_never_asked_against_each_other(tmp_path: Path) -> None:
    for q in build_bank(base_of(tmp_path, GIVEAWAYS)):
        if isinstance(q, Choice) and q.kind in ("term_from_definition", "definition_from_term"):
            shown = " ".join(q.options) + q.prompt
            assert not ("에뮬레이터" in shown and "에뮬레이션" in shown), q.id


def test_naming_pattern_and_length_tells_are_caught() -> None:
    from cardgen.bank.screen import giveaway

    def choice(options: tuple[str, ...], answer: int) -> Choice:
        return Choice(
            id="x/term_from_definition/1",
            kind="term_from_definition",
            prompt="다음 뜻을 가진 용어는?\n뜻",
            options=options,
            answer=answer,
        )

    assert (
        giveaway(choice(("가 (A)", "나", "다", "라"), 0))
        == "the key alone breaks the naming pattern of the other options"
    )
    assert giveaway(choice(("가 (A)", "나 (B)", "다", "라 (D)"), 0)) is None  # a wrong option odd out tells nothing
    assert str(giveaway(choice(("HTTP", "세션 계층", "전송 계층"), 0))).startswith("every other option has the word '계층'")
    assert (
        giveaway(choice(("아주 길고 길고 또 길어서 눈에 띄는 정답", "짧음", "작음"), 0))
        == "the key is far longer than every other option"
    )


# Room for the stack items: they are at most a quarter of a bank.
FILLER = "".join(
    f"      - {{id: f{n}, term: 낱말{chr(0xAC00 + 28 * n)}, definition: 뜻{chr(0xAC00 + 28 * n)} 풀이}}\n"
    for n in range(40)
)
STACKS = (
    """\
    deck: s
    definitions:
      - {id: hv, term: 하이퍼바이저, definition: 가상 머신을 만들고 돌리는 소프트웨어}
"""
    + FILLER
    + """\
    stacks:
      - id: hosted
        title: 호스팅 방식
        layers: [응용 프로그램, 게스트 운영체제, 하이퍼바이저, 호스트 운영체제, 하드웨어]
      - id: native
        title: 네이티브 방식
        layers: [응용 프로그램, 게스트 운영체제, 하이퍼바이저, 하드웨어]
      - id: containers
        title: 컨테이너 방식
        layers: [응용 프로그램, 컨테이너 엔진, 호스트 운영체제, 하드웨어]
      - id: emulation
        title: 에뮬레이션
        layers: [응용 프로그램, 에뮬레이트 운영체제, 에뮬레이터, 호스트 운영체제, 하드웨어]
    """
)


def test_a_base_of_korean_and_english_files_never_mixes_their_options(tmp_path: Path) -> None:
    korean = """\
        lang: ko
        deck: ko
        definitions:
          - {id: k1, term: 가상화, definition: 자원을 논리적으로 나누거나 합쳐 쓰게 하는 기술}
          - {id: k2, term: 에뮬레이터, definition: 다른 하드웨어의 동작을 소프트웨어로 흉내 내는 프로그램}
          - {id: k3, term: 하이퍼바이저, definition: 가상 머신을 만들고 실행하는 소프트웨어}
          - {id: k4, term: 컨테이너, definition: 격리된 사용자 공간에서 실행되는 프로세스 묶음}
        """
    english = """\
        lang: en
        deck: en
        definitions:
          - {id: e1, term: Region, definition: A geographic area that holds several data centres of a provider}
          - {id: e2, term: Availability zone, definition: One or more data centres with their own power inside a region}
          - {id: e3, term: Edge location, definition: A site near users that caches content for faster delivery}
          - {id: e4, term: Autoscaling, definition: Adding or removing servers as the load changes}
        """
    base = load(build_file_tree(tmp_path / "facts", {"ko.yaml": textwrap.dedent(korean), "en.yaml": textwrap.dedent(english)}))
    hangul = re.compile("[가-힣]")
    asked = [q for q in build_bank(base) if isinstance(q, Choice)]
    assert {base[q.facts[0]].meta.lang for q in asked} == {"ko", "en"}
    for q in asked:
        korean_question = base[q.facts[0]].meta.lang == "ko"
        assert all(bool(hangul.search(option)) is korean_question for option in q.options), (q.id, q.options)


def test_stack_items_skip_layers_everyone_can_place_and_layers_the_title_names(tmp_path: Path) -> None:
    base = base_of(tmp_path, STACKS)
    bank = build_bank(base)
    for q in bank:
        if isinstance(q, (Choice, FillIn)) and q.kind.startswith("stack_"):
            answer = q.options[q.answer] if isinstance(q, Choice) else q.answer
            assert answer not in ("응용 프로그램", "하드웨어"), q.id  # top and bottom of every stack
            assert not (q.facts[0] == "emulation" and answer.startswith("에뮬레이")), q.id  # named by the title
            if isinstance(q, Choice):
                assert "응용 프로그램" not in q.options and "하드웨어" not in q.options, q.id
    for card in build_cards(base):
        if card.kind.startswith(("stack.missing", "stack.above", "stack.below")):
            assert card.answer not in ("응용 프로그램", "하드웨어"), card.key


def test_each_adjacent_pair_is_asked_once_and_the_contrasting_layer_is_offered(tmp_path: Path) -> None:
    bank = build_bank(base_of(tmp_path, STACKS))
    pairs: Counter[tuple[str, frozenset[str]]] = Counter()
    for q in bank:
        if isinstance(q, Choice) and q.kind in ("stack_above", "stack_below"):
            reference = q.prompt.split("‘")[2].split("’")[0]
            pairs[q.facts[0], frozenset((reference, q.options[q.answer]))] += 1
    assert pairs and max(pairs.values()) == 1
    blank = next(q for q in bank if q.id == "native/stack_missing_choice/3")  # 하이퍼바이저 on the hardware
    assert "호스트 운영체제" in blank.options  # where the hosted stack has its host OS


def test_a_cross_stack_item_offers_only_stacks_whose_drawing_denies_the_pair(tmp_path: Path) -> None:
    more = STACKS.replace("    stacks:\n", """\
    stacks:
      - id: para
        title: 반가상화 방식
        layers: [응용 프로그램, 수정된 게스트 운영체제, 하이퍼바이저, 하드웨어]
      - id: xen
        title: Xen 방식
        layers: [응용 프로그램, 게스트 운영체제, {name: Xen, concept: hv}, 하드웨어]
      - id: wrapped
        title: 하이퍼바이저 안의 하이퍼바이저
        layers: [응용 프로그램, 게스트 운영체제, 하이퍼바이저, 하이퍼바이저 (중첩), 하드웨어]
      - id: kvm
        title: 커널 안의 하이퍼바이저
        layers: [응용 프로그램, 게스트 운영체제, 하이퍼바이저, 리눅스 커널, 하드웨어]
""")
    base = base_of(tmp_path, more)
    bank = build_bank(base)
    cross = {q.id: q for q in bank if q.kind == "stack_cross"}
    # "하이퍼바이저 directly on 하드웨어": native, para and xen (by concept) have it; the first by id asks it.
    q = cross["native/stack_cross/3"]
    assert q.prompt == "다음 중 ‘하이퍼바이저’ 바로 아래 계층이 ‘하드웨어’인 구조는?"
    assert q.options[q.answer] == "네이티브 방식"
    # Offered wrong: hosted (the host OS between); never para (a guest named like the asked
    # layer still sits on the hypervisor there), xen (a hypervisor by concept) or wrapped
    # (a layer named like the hypervisor on the hardware); never a stack without a hypervisor.
    assert sorted(q.options) == sorted(["네이티브 방식", "호스팅 방식", "커널 안의 하이퍼바이저"])
    assert not {"반가상화 방식", "Xen 방식", "하이퍼바이저 안의 하이퍼바이저", "컨테이너 방식", "에뮬레이션"} & set(q.options)
    oracle = Oracle(base)
    for item in cross.values():
        assert oracle.right_options(item) == {item.answer}, item.id
        assert len(item.options) >= 3


def test_no_cross_stack_item_without_two_stacks_whose_drawings_deny_the_pair(tmp_path: Path) -> None:
    # Only the hosted stack holds both 하이퍼바이저 and 하드웨어 apart; containers and emulation
    # have no hypervisor, so they say nothing about where one sits: no item can be made.
    bank = build_bank(base_of(tmp_path, STACKS))
    assert not [q for q in bank if q.kind == "stack_cross"]


def test_stack_items_are_at_most_a_quarter_of_bank_and_deck(tmp_path: Path) -> None:
    stacks = "".join(
        f"  - id: s{i}\n    title: 구조 {i}\n    layers: [가{i}, 나{i}, 다{i}, 라{i}, 마{i}]\n" for i in range(8)
    )
    base = base_of(tmp_path, "deck: q\ndefinitions:\n  - {id: a, term: 가, definition: 나}\nstacks:\n" + stacks)
    bank = build_bank(base)
    assert sum(q.kind.startswith("stack_") for q in bank) <= len(bank) / 4
    cards = build_cards(base)
    assert sum(c.family.startswith("stack.") for c in cards) <= len(cards) / 4


def test_true_and_false_are_balanced_in_the_bank_and_in_every_exam(tmp_path: Path) -> None:
    base = base_of(tmp_path, exclusive(CLOUD, "iaas-pc", "paas-pc", "saas-pc"))
    bank = build_bank(base)
    answers = [q.answer for q in bank if isinstance(q, TrueFalse)]
    assert len(answers) >= 10 and 0.45 <= sum(answers) / len(answers) <= 0.55
    for seed in range(50):
        for qs in quiz_sets(bank, sets=1, size=min(12, len(answers)), seed=seed, kinds=["ox_pro", "ox_con"]):
            shown = [q.answer for q in qs if isinstance(q, TrueFalse)]
            assert 0.45 <= sum(shown) / len(shown) <= 0.55, (seed, Counter(shown))


def test_every_answer_position_is_used_evenly_for_every_option_count() -> None:
    bank = build_bank(load(FACTS))
    positions: dict[int, Counter[int]] = {}
    for seed in range(40):
        for q in quiz_sets(bank, sets=1, size=20, seed=seed)[0]:
            if isinstance(q, Choice):
                positions.setdefault(len(q.options), Counter())[q.answer] += 1
    for n, counts in positions.items():
        total = sum(counts.values())
        if total >= 30:
            assert min(counts[i] for i in range(n)) >= total / n * 0.6, (n, counts)


def test_an_excluded_id_leaves_every_output(tmp_path: Path) -> None:
    base = base_of(
        tmp_path, "exclude: [iaas/term_from_definition/1, iaas/definition.reverse]\n" + textwrap.dedent(CLOUD)
    )
    assert "iaas/term_from_definition/1" not in {q.id for q in build_bank(base)}
    assert "iaas/definition.reverse" not in {c.key for c in build_cards(base)}


def test_no_exam_or_quiz_set_shows_one_questions_answer_in_another() -> None:
    context = Context(load(FACTS))
    for seed in range(200):
        exam = make_exam(context, ExamSettings(versions=1, questions=20, seed=seed))
        questions = {q.id: q for q in context.bank}
        asked = [questions[item.id] for item in exam.versions[0].items]
        for qs in (asked, quiz_sets(context.bank, sets=1, size=20, seed=seed)[0]):
            clashes = [(a.id, b.id) for a in qs for b in qs if a.id != b.id and reveals(a, b)]
            assert not clashes, (seed, clashes)
            primary = Counter(q.facts[0] for q in qs)
            assert max(primary.values()) == 1, (seed, primary.most_common(1))


def test_typed_answers_accept_synonyms_and_never_require_a_parenthetical(tmp_path: Path) -> None:
    base = base_of(tmp_path, "synonyms:\n  - [운영체제, OS]\n" + textwrap.dedent(STACKS))
    fills = [q for q in build_bank(base) if isinstance(q, FillIn)]
    guest = next(q for q in fills if q.answer == "게스트 운영체제")
    assert "게스트 OS" in guest.accepted
    typed = base_of(
        tmp_path / "b",
        "deck: t\nsynonyms: [[가상 머신, VM]]\n"
        "definitions:\n  - {id: v, term: 가상 머신 (호스팅), definition: 가상 환경}\n",
    )
    (card,) = [c for c in build_cards(typed) if c.is_typein]
    assert {"가상 머신", "VM", "VM (호스팅)"} <= set(card.answers)


def test_audit_reports_at_file_and_line_and_strict_fails(tmp_path: Path) -> None:
    facts = build_file_tree(
        tmp_path / "facts",
        {
            "a.yaml": textwrap.dedent("""\
        deck: a
        definitions:
          - {id: vm, term: 가상 머신, english: 가상 머신, definition: 가상 머신이 돌리는 환경}
          - {id: c, term: 컨테이너, definition: 격리된 프로세스}
          - {id: lc, term: 리눅스 컨테이너, definition: 리눅스의 컨테이너}
        taxonomy:
          - {id: t, parent: c, children: [lc]}
        exclude: [nothing/here]
        """)
        },
    )
    korean = run_cardgen("audit", str(facts))  # the facts are Korean: so are the findings
    assert korean.returncode == 0, korean.stderr
    assert f"{facts / 'a.yaml'}:7: '컨테이너'의 종류가 하나뿐이다. 하나짜리 목록으로는 물을 것이 없다" in korean.stdout
    result = run_cardgen("audit", str(facts), "--lang", "en")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"{facts / 'a.yaml'}:3: the term '가상 머신' is inside its own definition (a giveaway)" in out
    assert f"{facts / 'a.yaml'}:3: 'english' repeats the term '가상 머신'; leave it out" in out
    assert f"{facts / 'a.yaml'}:7: the kind '리눅스 컨테이너' contains its parent's name '컨테이너' (a giveaway)" in out
    assert f"{facts / 'a.yaml'}:7: '컨테이너' has one kind: a list of one asks nothing" in out
    assert f"{facts / 'a.yaml'}:8: 'exclude' names 'nothing/here', which is no question or card" in out
    assert run_cardgen("audit", str(facts), "--strict").returncode == 1
    clean = build_file_tree(
        tmp_path / "clean", {"a.yaml": "deck: a\ndefinitions:\n  - {id: x, term: 가, definition: 나}\n"}
    )
    assert run_cardgen("audit", str(clean), "--strict").returncode == 0


def test_an_author_settles_findings_by_accepting_them_and_the_shipped_facts_audit_clean(tmp_path: Path) -> None:
    facts = textwrap.dedent("""\
        deck: a
        definitions:
          - {id: c, term: 컨테이너, definition: 격리된 프로세스}
          - {id: lc, term: 리눅스 컨테이너, definition: 리눅스의 컨테이너}
          - {id: vm, term: 가상 메모리, english: Virtual Memory, definition: 디스크를 함께 쓰는 메모리 관리 기법}
          - {id: d, term: 디스크, english: Disk, definition: 자료를 오래 담아 두는 장치}
          - {id: n, term: 네트워크, english: Network, definition: 장치를 잇는 통신망}
        taxonomy:
          - {id: t, parent: c, children: [lc]}
        """)
    root = build_file_tree(tmp_path / "open", {"a.yaml": facts})
    found = run_cardgen("audit", str(root), "--lang", "en")
    lines = found.stdout.splitlines()
    assert any(line.endswith("has one kind: a list of one asks nothing [one-kind]") for line in lines)
    assert any(line.endswith("(a giveaway) [kind-contains-parent]") for line in lines)
    left_out = [line.split(": ")[1].split(" ")[0] for line in lines if line.endswith("[left-out]")]
    assert any(q.startswith("vm/") for q in left_out)  # '메모리' is in the key alone

    accepted = facts.replace(
        "{id: t, parent: c,", "{id: t, reviewed: [one-kind, kind-contains-parent], parent: c,"
    )
    for fact in {q.split("/")[0] for q in left_out}:
        accepted = accepted.replace(f"{{id: {fact},", f"{{id: {fact}, reviewed: [left-out],")
    settled = build_file_tree(tmp_path / "settled", {"a.yaml": accepted})
    assert run_cardgen("audit", str(settled), "--strict").returncode == 0
    # A dropped question the author excludes is accepted too; a check not taken stays open.
    by_exclude = build_file_tree(tmp_path / "excluded", {"a.yaml": facts.replace(
        "{id: t, parent: c,", "{id: t, reviewed: [one-kind], parent: c,"
    ) + "exclude: [" + ", ".join(left_out) + "]\n"})
    rest = run_cardgen("audit", str(by_exclude), "--strict", "--lang", "en")
    assert rest.returncode == 1 and rest.stdout.count("\n") == 1 and "[kind-contains-parent]" in rest.stdout

    wrong = build_file_tree(tmp_path / "wrong", {"a.yaml": facts.replace("{id: t,", "{id: t, reviewed: [one-kid],")})
    result = run_cardgen("audit", str(wrong))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{wrong / 'a.yaml'}:9: reviewed: unknown audit check 'one-kid' (did you mean 'one-kind'?)" in result.stderr

    starters = Path(__file__).parent.parent / "cardgen" / "starter"
    for shipped in (FACTS, starters / "en", starters / "ko"):  # what cardgen ships audits clean
        result = run_cardgen("audit", str(shipped), "--strict")
        assert result.returncode == 0, result.stdout


def test_questions_lists_ids_keys_and_sources() -> None:
    result = run_cardgen("questions", str(FACTS))
    assert result.returncode == 0, result.stderr
    bank = build_bank(load(FACTS))
    for q in bank:
        assert f"## {q.id}" in result.stdout
    assert "← 정답" in result.stdout and "1-virtualization.yaml:" in result.stdout
    listed = run_cardgen("questions", str(FACTS), "--format", "json")
    import json

    doc = json.loads(listed.stdout)
    assert [item["id"] for item in doc] == [q.id for q in bank] and all(item["sources"] for item in doc)


@pytest.mark.parametrize("facts", ["CLOUD", "GIVEAWAYS", "STACKS"])
def test_the_bank_of_every_rule_base_passes_the_oracle(tmp_path: Path, facts: str) -> None:
    base = base_of(tmp_path, globals()[facts])
    oracle = Oracle(base)
    for q in build_bank(base):
        if isinstance(q, TrueFalse):
            assert oracle.ox_is_true(q) is q.answer, q.id
        if isinstance(q, Choice) and q.kind not in ("stack_above", "stack_below"):
            assert oracle.right_options(q) == {q.answer}, q.id


@pytest.mark.parametrize("folder", [FACTS, Path(__file__).parent / "topics", *sorted(STARTER.iterdir())])
def test_the_shipped_facts_and_a_second_topic_pass_the_oracle_in_every_set(folder: Path) -> None:
    """A second topic, written from the README alone, and the starters of `cardgen init` keep
    every rule the shipped one does."""
    base = load(folder)
    oracle = Oracle(base)
    bank = build_bank(base)
    for q in every_item(bank):
        if isinstance(q, TrueFalse):
            assert oracle.ox_is_true(q) is q.answer, q.id
        if isinstance(q, Choice):
            assert oracle.right_options(q) == {q.answer}, q.id
        if isinstance(q, Matching) and q.kind == "compare_match":
            assert oracle.matching_is_right(q), q.id
        if isinstance(q, FillIn) and q.kind == "detail_fill":
            assert oracle.detail_fill_is_right(q), q.id
    assert sum(q.kind.startswith("stack_") for q in bank) <= len(bank) / 4


def test_a_term_to_write_from_memory_is_named_nowhere_else_in_a_set() -> None:
    # A fill-in's key named in another question's wording or options turns recall into
    # copying; for a question that only picks, another question's wording gives nothing.
    bank = {q.id: q for q in build_bank(load(FACTS))}
    fill, jvm = bank["emulator/detail_fill/1"], bank["is-jvm-an-emulator/author/1"]
    assert "에뮬레이터" in jvm.prompt.split("\n")[0]
    assert reveals(fill, jvm)
    picked = bank["emulator/term_from_definition/1"]
    assert not reveals(picked, jvm)
    for seed in range(30):
        for qs in quiz_sets(list(bank.values()), sets=2, size=20, seed=seed):
            ids = {q.id for q in qs}
            assert not {fill.id, jvm.id} <= ids, seed
