"""A definition's details become fill-in items (`detail_fill`): a term of the base left blank
in the sentence, to be written in. Each rule is proved on a small fact base made for it."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from cardgen.bank.cloze import Terms
from cardgen.bank.generate import build_bank
from cardgen.bank.question import FillIn
from cardgen.context import Context
from cardgen.emit.exam import ExamSettings, make_exam, render_exam
from cardgen.emit.quizset import QuizSet, to_markdown
from cardgen.factbase.loader import load
from cardgen.factbase.model import FactBase
from cardgen.present import GAP
from tests.conftest import build_file_tree, require_program, run_cardgen
from tests.oracle import Oracle

KOREAN = """\
    deck: d
    synonyms: [[운영체제, OS]]
    definitions:
      - id: emulator
        term: 에뮬레이터
        english: Emulator
        definition: 다른 기계의 동작을 소프트웨어로 흉내 내는 프로그램
        details:
          - 에뮬레이터 안의 응용 프로그램은 물리 하드웨어가 아닌 인터프리터를 통해 실행
          - 에뮬레이터가 명령을 하나씩 해석함
          - 에뮬레이터
      - id: guest-os
        term: 게스트 운영체제
        english: Guest OS
        definition: 가상 머신 안에서 도는 운영체제
        details:
          - 게스트 운영체제가 특권 명령을 실행하면 하이퍼바이저가 이를 가로채 처리한다
      - id: hypervisor
        term: 하이퍼바이저
        english: Hypervisor
        aliases: [VMM]
        definition: 가상 머신을 만들고 실행하는 소프트웨어
        details:
          - 하이퍼바이저 안의 응용 프로그램은 물리 하드웨어를 하이퍼바이저에 의해 제한적으로 사용
          - 게스트마다 가상의 하드웨어를 나누어 주는 소프트웨어를 VMM이라고 부른다
      - id: hw-level
        term: 하드웨어 수준 가상화
        definition: 하드웨어를 흉내 내어 게스트 운영체제를 통째로 돌리는 가상화
      - id: para
        term: 반가상화
        english: Para-Virtualization
        definition: 게스트 커널을 고쳐 하이퍼바이저를 직접 부르게 하는 가상화 기법
        details:
          - 반가상화에서는 수정된 게스트 커널이 특권 명령 대신 하이퍼 콜(Hyper Call)을 부른다
          - 수정된 커널이 특권 명령 대신 하이퍼 콜을 불러 일을 맡긴다
      - id: full
        term: 전가상화
        definition: 게스트 운영체제를 고치지 않고 하드웨어 전체를 흉내 내는 가상화 기법
      - id: hypercall
        term: 하이퍼 콜
        english: Hyper Call
        aliases: [Hypercall, 하이퍼콜]
        definition: 게스트가 하이퍼바이저에 직접 요청하는 호출
      - id: dom0
        term: Dom0
        definition: Xen에서 관리와 입출력을 맡는 특권 도메인
        details:
          - 관리 도구는 Dom0(특권 도메인) 위에서 돌며 게스트의 입출력을 맡는다
    taxonomy:
      - {id: kinds, parent: hw-level, children: [full, para]}
    """


def base_of(tmp_path: Path, text: str, name: str = "f.yaml") -> FactBase:
    return load(build_file_tree(tmp_path / "facts", {name: textwrap.dedent(text)}))


def fills(base: FactBase) -> dict[str, FillIn]:
    return {q.id: q for q in build_bank(base) if isinstance(q, FillIn) and q.kind == "detail_fill"}


def test_the_definitions_own_term_is_blanked_and_every_name_of_it_is_accepted(tmp_path: Path) -> None:
    made = fills(base_of(tmp_path, KOREAN))
    q = made["emulator/detail_fill/1"]
    assert (
        q.prompt
        == "빈칸에 알맞은 용어를 쓰시오.\n( ? ) 안의 응용 프로그램은 물리 하드웨어가 아닌 인터프리터를 통해 실행"
    )
    assert (q.answer, q.accepted, q.facts) == ("에뮬레이터", ("Emulator",), ("emulator",))
    guest = made["guest-os/detail_fill/1"]
    # The particle is shown in both its forms: 가 alone would say the term ends in a vowel.
    assert guest.prompt.split("\n")[1] == "( ? )이(가) 특권 명령을 실행하면 하이퍼바이저가 이를 가로채 처리한다"
    assert {"Guest OS", "게스트 OS"} <= set(guest.accepted)
    vmm = made["hypervisor/detail_fill/2"]  # an alias in the sentence is blanked too; the term counts
    assert vmm.answer == "VMM" and "하이퍼바이저" in vmm.accepted and "소프트웨어를 ( ? )(이)라고 부른다" in vmm.prompt


def test_nothing_in_the_question_gives_the_blank_away(tmp_path: Path) -> None:
    made = fills(base_of(tmp_path, KOREAN))
    assert "hypervisor/detail_fill/1" not in made  # 하이퍼바이저 twice: one would stay in the text
    for q in made.values():
        shown = q.prompt.lower()
        assert all(name.lower() not in shown for name in (q.answer, *q.accepted)), q.id


def test_another_term_is_blanked_only_in_a_sentence_naming_its_concept_and_says_what_it_is_about(
    tmp_path: Path,
) -> None:
    made = fills(base_of(tmp_path, KOREAN))
    q = made["para/detail_fill/1"]  # 반가상화 has a parent: its own term may not be blanked
    assert q.prompt.split("\n") == [
        "빈칸에 알맞은 용어를 쓰시오.",
        "‘반가상화 (Para-Virtualization)’에 대한 설명이다.",
        "반가상화에서는 수정된 게스트 커널이 특권 명령 대신 ( ? )을(를) 부른다",  # its English name goes too
    ]
    assert q.answer == "하이퍼 콜" and {"Hyper Call", "Hypercall", "하이퍼콜"} <= set(q.accepted)
    assert q.facts == ("para", "hypercall")
    # Without 반가상화 in it, the concept the sentence is about could fill the blank as well.
    assert "para/detail_fill/2" not in made
    # A bracket that is no name of the term is a note on it, and may give it away.
    assert "dom0/detail_fill/1" not in made


def test_no_term_with_a_kind_or_a_parent_in_the_base_is_blanked(tmp_path: Path) -> None:
    lone = """\
        deck: t
        definitions:
          - {id: virt, term: 가상화, definition: 자원의 추상화}
          - {id: res, term: 리소스 가상화, definition: 특정 자원만의 추상화}
          - id: vgpu
            term: vGPU
            definition: 가상의 그래픽 처리 장치
            details: [vGPU는 리소스 가상화의 예로 그래픽 카드를 여러 가상 머신이 나누어 쓰게 한다]
        """
    assert fills(base_of(tmp_path / "a", lone))["vgpu/detail_fill/1"].answer == "vGPU"
    # As a kind of 리소스 가상화, "( ? )는 리소스 가상화의 예로" fits every other kind too,
    # and "vGPU는 ( ? )의 예로" fits 가상화, what 리소스 가상화 is a kind of.
    kinds = lone.rstrip(" ") + "        taxonomy:\n          - {id: t1, parent: virt, children: [res]}\n"
    assert not fills(base_of(tmp_path / "b", kinds + "          - {id: t2, parent: res, children: [vgpu]}\n"))
    assert not fills(base_of(tmp_path / "c", kinds.replace("vGPU는 리소스", "vGPU는 vGPU와 같은 리소스")))


def test_a_term_inside_another_concepts_name_is_not_blanked(tmp_path: Path) -> None:
    text = """\
        deck: t
        definitions:
          - id: image
            term: 이미지
            definition: 컨테이너를 만드는 읽기 전용 틀
            details: [같은 이미지에서 여러 컨테이너를 한꺼번에 만들 수 있다]
        """
    assert fills(base_of(tmp_path / "a", text))["image/detail_fill/1"].answer == "이미지"
    base = "          - {id: base, term: 베이스 이미지, definition: 다른 이미지가 딛고 서는 이미지}\n"
    assert not fills(base_of(tmp_path / "b", text.rstrip(" ") + base))  # "같은 베이스 이미지에서" is as true


def test_the_longest_term_is_the_one_found_and_only_whole_words_count() -> None:
    terms = Terms([("virt", ("가상화",)), ("res", ("리소스 가상화",)), ("vm", ("가상 머신", "VM"))])
    found = terms.mentions("리소스 가상화의 예로, 메인 메모리를 가상화한다")
    assert [(m.concept, m.name, m.particle) for m in found] == [("res", "리소스 가상화", "의")]
    assert not terms.mentions("전가상화와 반가상화로 나뉨, VMs 여럿")
    vm = terms.mentions("여러 vm에서 돈다")
    assert [(m.concept, m.name, m.particle) for m in vm] == [("vm", "vm", "에서")]


def test_a_short_detail_or_a_blank_that_is_the_whole_detail_gives_nothing(tmp_path: Path) -> None:
    made = fills(base_of(tmp_path, KOREAN))
    assert "emulator/detail_fill/2" not in made  # three words besides the blank
    assert "emulator/detail_fill/3" not in made  # the term alone
    assert all(len(re.findall(r"\w+", q.prompt.split("\n")[-1].replace(GAP, ""))) >= 4 for q in made.values())


def test_the_definitions_own_term_goes_first_then_the_longest(tmp_path: Path) -> None:
    text = """\
        deck: t
        definitions:
          - {id: a, term: 컨테이너, definition: 격리된 프로세스 묶음, details: [컨테이너는 호스트 운영체제의 커널을 나누어 쓰며 가볍게 뜬다]}
          - {id: b, term: 호스트 운영체제, definition: 하드웨어 위에서 도는 운영체제}
          - id: c
            term: 쿠버네티스
            definition: 컨테이너를 묶어 다루는 도구
            details: [쿠버네티스 쿠버네티스 클러스터는 컨테이너 여러 개를 호스트 운영체제 위에 나누어 띄운다]
        """
    made = fills(base_of(tmp_path, text))
    assert made["a/detail_fill/1"].answer == "컨테이너"
    assert made["c/detail_fill/1"].answer == "호스트 운영체제"  # own term twice; 호스트 운영체제 is longer


def test_english_facts_get_english_wording_and_case_does_not_matter(tmp_path: Path) -> None:
    text = """\
        lang: en
        deck: e
        definitions:
          - id: hypervisor
            term: Hypervisor
            definition: Software that creates and runs virtual machines
            details: [The hypervisor hands out virtual hardware to every guest it runs]
          - id: iaas
            term: IaaS
            english: Infrastructure as a Service
            definition: Renting servers, storage and networks
            details: [With IaaS the customer still patches the operating system and the runtime]
        """
    made = fills(base_of(tmp_path, text))
    q = made["hypervisor/detail_fill/1"]
    assert (
        q.prompt
        == "Write the term that goes in the blank.\nThe ( ? ) hands out virtual hardware to every guest it runs"
    )
    assert (q.answer, q.accepted) == ("Hypervisor", ())  # the term as the facts spell it
    assert made["iaas/detail_fill/1"].accepted == ("Infrastructure as a Service",)


def test_the_oracle_judges_every_item_right(tmp_path: Path) -> None:
    base = base_of(tmp_path, KOREAN)
    oracle = Oracle(base)
    made = fills(base)
    assert len(made) == 4
    for q in made.values():
        assert oracle.detail_fill_is_right(q), q.id


def test_an_item_is_listed_and_excluded_by_its_id(tmp_path: Path) -> None:
    facts = build_file_tree(tmp_path / "facts", {"f.yaml": textwrap.dedent(KOREAN)})
    listed = run_cardgen("questions", str(facts), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert "emulator/detail_fill/1" in [item["id"] for item in json.loads(listed.stdout)]
    (facts / "f.yaml").write_text(textwrap.dedent(KOREAN) + "exclude: [emulator/detail_fill/1]\n", encoding="utf-8")
    again = run_cardgen("questions", str(facts), "--format", "json")
    assert "emulator/detail_fill/1" not in [item["id"] for item in json.loads(again.stdout)]
    audit = run_cardgen("audit", str(facts), "--lang", "en")
    assert audit.returncode == 0 and "which is no question or card" not in audit.stdout  # it names a question


def test_a_quiz_set_in_markdown_shows_the_blank_and_keeps_the_answer_out(tmp_path: Path) -> None:
    q = fills(base_of(tmp_path, KOREAN))["para/detail_fill/1"]
    page = to_markdown(QuizSet(1, 1, 0, (q,))).decode("utf-8")
    html = MarkdownIt("commonmark").render(page)
    assert "특권 명령 대신 ( ? )을(를) 부른다" in html and "‘반가상화 (Para-Virtualization)’에 대한 설명이다." in html
    assert "하이퍼 콜" not in html and "Hyper" not in html


@pytest.mark.slow  # drives Chromium
def test_a_printed_exam_shows_the_blank_and_only_the_key_has_the_answer(tmp_path: Path) -> None:
    browser = require_program("chromium")
    require_program("pdftotext")
    from cardgen.emit.pdf import print_pdf

    base = base_of(tmp_path, KOREAN)
    exam = make_exam(Context(base), ExamSettings(versions=1, questions=4, seed=1, kinds=("detail_fill",)))
    text = {}
    for name, html in render_exam(exam).items():
        (tmp_path / name).write_text(html, encoding="utf-8")
        pdf = print_pdf(tmp_path / name, tmp_path / f"{name}.pdf", browser)
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        text["key" if name.endswith("-key.html") else "paper"] = re.sub(r"\s+", " ", out)
    paper, key = text["paper"], text["key"]
    assert "( ? ) 안의 응용 프로그램은" in paper and "( ? )이(가) 특권 명령을" in paper
    assert "에뮬레이터" not in paper and "하이퍼 콜" not in paper
    assert "에뮬레이터" in key and "하이퍼 콜" in key


def test_a_sample_finds_the_same_items_as_a_search_of_every_term(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A detail's terms are looked up through the name index when the texts are in NFKC
    # (`_terms_for`); every other text falls back to a search of every term. Both must
    # find the same items, and a sampled bank the same item as the whole bank.
    from cardgen.bank import generate

    base = base_of(tmp_path, KOREAN)
    found = fills(base)
    assert found
    monkeypatch.setattr(generate._Generator, "_names_in_nfkc", lambda self: False)
    assert fills(base) == found
    monkeypatch.undo()
    for qid, q in found.items():
        (sampled,) = [s for s in build_bank(base, only=q.facts) if s.id == qid]
        assert sampled == q


def test_a_name_inside_another_is_found_as_a_search_of_every_part_would_find_it() -> None:
    import random

    def by_every_part(terms: Terms, concept: str) -> bool:
        parts: dict[str, set[str]] = {}
        for owner, names in terms.names.items():
            for name in names:
                for word in re.finditer(r"\w+", name):
                    spans = [(word.start(), b) for b in range(word.start() + 2, len(name) + 1)]
                    spans += [(a, word.end()) for a in range(0, word.end() - 1)]
                    for a, b in spans:
                        if (a, b) != (0, len(name)):
                            parts.setdefault(name[a:b], set()).add(owner)
        return any(parts.get(name, set()) - {concept} for name in terms.names[concept])

    rng = random.Random(3)
    letters = ["가", "상", "화", "머", "신", " ", "-", "a", "b"]
    for _ in range(500):
        concepts = [
            (
                f"c{i}",
                ["".join(rng.choice(letters) for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(1, 2))],
            )
            for i in range(rng.randint(2, 6))
        ]
        terms = Terms(concepts)
        for concept, _ in concepts:
            assert terms.inside_other_name(concept) == by_every_part(terms, concept), concepts


# --- in the terminal quiz -----------------------------------------------------------------

# A definition whose detail names its term; the type-in cards left out, so a typed session
# asks the detail alone.
ONE_DETAIL = """\
    deck: d
    exclude: [emulator/definition.typein, hypervisor/definition.typein]
    definitions:
      - id: emulator
        term: 에뮬레이터
        english: Emulator
        definition: 다른 기계의 동작을 소프트웨어로 흉내 내는 프로그램
        details:
          - 에뮬레이터 안의 응용 프로그램은 물리 하드웨어가 아닌 인터프리터를 통해 실행
      - id: hypervisor
        term: 하이퍼바이저
        english: Hypervisor
        definition: 가상 머신을 만들고 실행하는 소프트웨어
    """


def test_typed_and_mixed_quiz_sessions_ask_detail_fill_ins_to_be_typed(tmp_path: Path) -> None:
    from cardgen.review.quiz import items_for

    base = load(build_file_tree(tmp_path, {"f.yaml": textwrap.dedent(KOREAN)}))
    context = Context(base)
    fills = [q for q in context.bank if q.kind == "detail_fill"]
    assert fills
    by_mode = {mode: {i.key: i for i in items_for(context, mode)} for mode in ("flash", "typed", "choice", "mixed")}
    for q in fills:
        assert isinstance(q, FillIn)
        assert q.id not in by_mode["flash"] and q.id not in by_mode["choice"]
        for mode in ("typed", "mixed"):
            item = by_mode[mode][q.id]
            assert item.style == "typed" and item.fact_id == q.facts[0]
            assert item.accepted == (q.answer, *q.accepted)
            assert GAP in item.front and q.answer not in item.front.split("\n", 1)[1]
            assert item.parts is not None and item.parts.back[0].kind == "answer"
            assert item.back.splitlines()[0] == q.answer
    # No stack's missing layer is added: a flash card and a choice question ask it already.
    assert not any("stack_missing_fill" in key for key in by_mode["mixed"])


@pytest.mark.slow
def test_a_detail_fill_in_is_answered_in_a_terminal_and_saved(tmp_path: Path) -> None:
    import pexpect
    from tests.test_quiz_pty import T0, finish, spawn

    from cardgen.review.store import Store

    base = build_file_tree(tmp_path / "facts", {"f.yaml": textwrap.dedent(ONE_DETAIL)})
    state = tmp_path / "state.sqlite3"
    child = spawn(state, T0, str(base), "--mode", "typed")
    child.expect_exact("> ")
    screen = child.before
    assert "( ? ) 안의 응용 프로그램은" in screen and "설명: 빈칸의 용어" in screen
    assert "에뮬레이터" not in screen
    child.sendline("emulator")  # the English name counts, in any case
    child.expect_exact("✓ 정답: Emulator")
    child.expect_exact("Space/Enter: 다음")
    assert "에뮬레이터\r\n에뮬레이터 (Emulator): 에뮬레이터 안의" in child.before  # the term, then the sentence
    child.send("\r")
    child.expect([pexpect.EOF, "> ", "세션 종료."])
    child.sendcontrol("d")
    assert finish(child) == 0
    with Store.open(state, readonly=True) as store:
        assert [r.card_key for r in store.reviews()][:1] == ["emulator/detail_fill/1"]
