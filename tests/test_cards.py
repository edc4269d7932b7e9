"""The card model: every fact kind yields its cards, identities are unique and stable."""

from __future__ import annotations

import pytest

from cardgen.cards import Card, build_cards
from cardgen.present import draw_stack_text, text_width
from cardgen.factbase.loader import load
from conftest import FACTS, build_file_tree


@pytest.fixture(scope="module")
def shipped():
    base = load(FACTS)
    return base, build_cards(base)


def by_key(cards, key: str) -> Card:
    return next(card for card in cards if card.key == key)


def test_keys_are_unique_and_sorted_by_fact(shipped):
    base, cards = shipped
    keys = [card.key for card in cards]
    assert len(keys) == len(set(keys))
    assert [c.fact_id for c in cards] == sorted(c.fact_id for c in cards)
    assert build_cards(base) == cards


def test_every_fact_but_scenarios_has_cards(shipped):
    base, cards = shipped
    with_cards = {card.fact_id for card in cards}
    # kinds-of-container has one kind, named after its parent: no card would be worth its place.
    expected = {fact.id for fact in base.facts()} - {s.id for s in base.scenarios} - {"kinds-of-container"}
    assert with_cards == expected


def test_a_taxonomy_of_one_kind_asks_for_no_list_of_kinds(tmp_path):
    facts = """\
definitions:
  - {id: p, term: 부모, definition: 뜻}
  - {id: a, term: 가, definition: 뜻 하나}
  - {id: b, term: 나, definition: 뜻 둘}
taxonomy:
  - {id: one, parent: p, children: [a]}
  - {id: two, parent: p, children: [a, b]}
"""
    cards = build_cards(load(build_file_tree(tmp_path, {"f.yaml": facts})))
    keys = {c.key for c in cards}
    # "부모: name its kind (1)" would teach that 가 is the only one; asking 가's parent still stands.
    assert "one/taxonomy.kinds" not in keys and "one/taxonomy.parent.a" in keys
    assert by_key(cards, "two/taxonomy.kinds").items == ("가", "나")


def test_a_file_chooses_the_card_kinds_its_facts_get(tmp_path):
    stack = """\
stacks:
  - id: s
    title: 구조
    layers: [위, 가운데, 아래, 바닥]
"""
    definitions = """\
definitions:
  - {id: a, term: 가, definition: 첫째 뜻}
  - {id: b, term: 나, definition: 둘째 뜻}
"""
    every = {c.family for c in build_cards(load(build_file_tree(tmp_path / "all", {
        "d.yaml": definitions, "s.yaml": stack})))}
    assert {"definition.reverse", "definition.typein", "stack.order", "stack.missing"} <= every

    chosen = build_cards(load(build_file_tree(tmp_path / "chosen", {
        "d.yaml": "cards: [definition.forward, definition.typein]\n" + definitions,
        "s.yaml": "cards: [stack]\n" + stack,  # a first part names all of its kinds
        "e.yaml": definitions.replace("id: a", "id: c").replace("id: b", "id: d"),  # no choice: every kind
    })))
    families = {fact: {c.family for c in chosen if c.fact_id == fact} for fact in "abcds"}
    assert families["a"] == families["b"] == {"definition.forward", "definition.typein"}
    assert families["c"] == families["d"] == {"definition.forward", "definition.reverse", "definition.typein"}
    assert families["s"] == {f for f in every if f.startswith("stack.")}


def test_definition_cards(shipped):
    base, cards = shipped
    vpn = base.definition("vpn")
    kinds = [c.kind for c in cards if c.fact_id == "vpn"]
    assert kinds == ["definition.forward", "definition.reverse", "definition.typein"]
    forward = by_key(cards, "vpn/definition.forward")
    assert forward.subject == "가상 사설 네트워크 (Virtual Private Network)"
    assert forward.answer == vpn.definition
    typein = by_key(cards, "vpn/definition.typein")
    assert typein.answers == ("가상 사설 네트워크", "Virtual Private Network", "VPN", "가상 사설망")
    assert typein.is_typein and not forward.is_typein
    assert "리소스 가상화" in typein.front  # the parent disambiguates a short definition
    assert vpn.meta.note in typein.back


def test_pros_cons_recall_and_cloze(shipped):
    _, cards = shipped
    kinds = [c.kind for c in cards if c.fact_id == "hosted-hypervisor-pros-cons"]
    # One advantage: its recall card asks it; a cloze of a one-item list would ask it again.
    assert kinds == ["pros.recall", "cons.recall", "cons.cloze.1", "cons.cloze.2"]
    cloze = by_key(cards, "hosted-hypervisor-pros-cons/cons.cloze.2")
    assert "GPU 패스스루(GPU Passthrough) 지원이 제한적임" not in cloze.front
    assert "• [...]" in cloze.front
    assert "GPU 패스스루(GPU Passthrough) 지원이 제한적임  ◀" in cloze.back
    compared = by_key(cards, "emulator-pros-cons/pros.recall")
    assert "↔ 하이퍼바이저" in compared.back


def test_stack_cards_ask_only_layers_worth_asking(shipped):
    base, cards = shipped
    # 응용 프로그램 (on top of every stack) and 하드웨어 (at the bottom of every stack) are known
    # before the card is read; the title names 하이퍼바이저. That leaves two blanks.
    kinds = [c.kind for c in cards if c.fact_id == "stack-hosted-hypervisor"]
    assert kinds == ["stack.order", "stack.missing.2", "stack.missing.4"]
    missing = by_key(cards, "stack-hosted-hypervisor/stack.missing.2")
    assert missing.answer == "게스트 운영체제" and missing.hidden_layer == 1
    assert "게스트 운영체제" not in missing.front
    # Each adjacent pair of such layers is asked once, in one direction.
    kinds = [c.kind for c in cards if c.fact_id == "stack-os-level-virtualization"]
    assert kinds == ["stack.order", "stack.missing.1", "stack.missing.2", "stack.below.1"]
    below = by_key(cards, "stack-os-level-virtualization/stack.below.1")
    assert below.answer == "컨테이너 관리 소프트웨어" and not below.stack_on_front
    for card in cards:
        if card.kind.startswith(("stack.missing", "stack.above", "stack.below")):
            assert card.answer not in ("응용 프로그램", "하드웨어"), card.key


def test_text_drawing_puts_repeated_layers_side_by_side(shipped):
    base, _ = shipped
    lines = draw_stack_text(base["stack-hosted-hypervisor"], hidden=2).splitlines()
    assert lines[1].count("[ 게스트 운영체제 ]") == 3
    assert "?" in lines[2] and "하이퍼바이저" not in lines[2]
    assert len({text_width(line) for line in lines}) == 1


def test_taxonomy_and_question_cards(shipped):
    _, cards = shipped
    kinds = by_key(cards, "kinds-of-hypervisor/taxonomy.kinds")
    assert kinds.items == ("호스팅 하이퍼바이저 (Hosted Hypervisor)", "네이티브 하이퍼바이저 (Native Hypervisor)")
    # "네이티브 하이퍼바이저: a kind of what?" would answer itself.
    assert not [c for c in cards if c.key.startswith("kinds-of-hypervisor/taxonomy.parent.")]
    parent = by_key(cards, "kinds-of-resource-virtualization/taxonomy.parent.vpn")
    assert parent.answer == "리소스 가상화 (Resource Virtualization)"
    question = by_key(cards, "linux-container-on-macos/question")
    assert question.stack is not None and question.stack.id == "stack-linux-container-on-macos"
    assert "[     리눅스 컨테이너      ]" in question.back


def test_card_identity_ignores_content(tmp_path):
    facts = "definitions:\n  - {id: t, term: 용어, definition: %s}\n"
    one = build_cards(load(build_file_tree(tmp_path / "a", {"f.yaml": facts % "처음"})))
    two = build_cards(load(build_file_tree(tmp_path / "b", {"f.yaml": facts % "고친 뜻"})))
    assert [c.key for c in one] == [c.key for c in two]
    assert one[0].answer != two[0].answer


def test_a_kind_of_several_parents_names_them_all_in_taxonomy_order(tmp_path):
    facts = """\
definitions:
  - {id: child, term: 자식, definition: 뜻}
  - {id: p-one, term: 첫째 부모, definition: 뜻 하나}
  - {id: p-two, term: 둘째 부모, definition: 뜻 둘}
  - {id: other, term: 다른 것, definition: 뜻 셋}
taxonomy:
  - {id: t-b, parent: p-two, children: [child, other]}
  - {id: t-a, parent: p-one, children: [child]}
"""
    cards = build_cards(load(build_file_tree(tmp_path, {"f.yaml": facts})))
    assert by_key(cards, "child/definition.reverse").context == "첫째 부모 / 둘째 부모의 한 종류"
    assert by_key(cards, "other/definition.typein").context == "둘째 부모의 한 종류"
    assert by_key(cards, "p-one/definition.reverse").context == ""
