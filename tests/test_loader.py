"""The loader on good input: the shipped facts, normalisation, and robustness to any input."""

from __future__ import annotations

import dataclasses
import json
import os
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardgen.errors import CardgenError
from cardgen.factbase.schema import dumps as schema_dumps
from cardgen.factbase.loader import load
from cardgen.factbase.model import Definition, Loc
from tests.conftest import FACTS, ROOT, build_file_tree, run_cardgen

GOLDEN = Path(__file__).parent / "golden" / "facts.json"


def as_plain(base) -> dict:
    """The loaded model as plain JSON data, without source locations."""

    def strip(value):
        if dataclasses.is_dataclass(value):
            return {f.name: strip(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "loc"}
        if isinstance(value, tuple):
            return [strip(v) for v in value]
        return value

    return {kind: strip(getattr(base, kind)) for kind in
            ("definitions", "pros_cons", "taxonomies", "scenarios", "stacks", "questions")}


def test_shipped_facts_match_golden(monkeypatch) -> None:
    """Regenerate with: CARDGEN_REGEN=1 pytest tests/test_loader.py"""
    monkeypatch.chdir(ROOT)
    actual = json.dumps(as_plain(load("facts")), ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("CARDGEN_REGEN"):
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


def test_shipped_facts_teach_the_whole_note() -> None:
    base = load(FACTS)
    terms = {d.term for d in base.definitions}
    assert {"가상화", "리소스 가상화", "플랫폼 가상화", "에뮬레이터", "하이퍼바이저", "호스팅 하이퍼바이저",
            "네이티브 하이퍼바이저", "전가상화", "반가상화", "컨테이너", "리눅스 컨테이너",
            "가상 메모리", "vGPU", "가상 사설 네트워크"} <= terms
    # The note's cloud is an example of storage virtualization, not a term of its own.
    assert any("클라우드" in example for example in base.definition("resource-virtualization").examples)
    assert len(base.stacks) == 6 and len(base.questions) == 15
    # The corrections the note needs are stated where a student will see them.
    assert "Type 2" in base.definition("hosted-hypervisor").meta.note
    assert "Type 1" in base.definition("native-hypervisor").meta.note
    assert "Virtual Private Network" == base.definition("vpn").english
    assert not any(layer.name == "Dom0" for layer in base["stack-full-virtualization"].layers)
    assert "Dom0" in base["stack-full-virtualization"].meta.note
    assert [layer.count for layer in base["stack-hosted-hypervisor"].layers] == [3, 3, 1, 1, 1]


def test_every_shipped_file_points_editors_at_the_schema() -> None:
    for file in sorted(FACTS.glob("*.yaml")):
        assert file.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../cardgen/schema/facts.schema.json\n")


def test_shipped_schema_is_current_and_accepts_the_shipped_facts() -> None:
    import jsonschema
    shipped = ROOT / "cardgen" / "schema" / "facts.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_dumps(), "run: python -m cardgen.factbase.schema > cardgen/schema/facts.schema.json"
    schema = json.loads(shipped.read_text(encoding="utf-8"))
    for file in sorted(FACTS.glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(file.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"definitions": [{"id": "x", "term": "X", "defintion": "typo"}]}, schema)


def test_nfd_hangul_is_normalised(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "하이퍼바이저")
    root = build_file_tree(tmp_path, {"a.yaml": f"definitions:\n  - id: h\n    term: {nfd}\n    definition: 가상 머신을 만든다\n"})
    definition = load(root).definition("h")
    assert definition.term == "하이퍼바이저" and len(definition.term) == 6


def test_yaml_1_1_booleans_stay_text(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path, {"a.yaml": "questions:\n  - id: q\n    question: Is it?\n    answer: no\n"})
    assert load(root)["q"].answer == "no"


def test_file_header_applies_to_every_fact(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path, {"net/osi.yaml": (
        "deck: 'Net::OSI'\nsource: 책 3장\ntags: [네트워크]\n"
        "definitions:\n  - id: l1\n    term: 물리 계층\n    definition: 비트를 보낸다\n    tags: [OSI]\n"
        "  - id: l2\n    term: 데이터 링크 계층\n    definition: 프레임을 보낸다\n    source: 강의 노트\n")})
    base = load(root)
    l1, l2 = base.definition("l1"), base.definition("l2")
    assert (l1.meta.deck, l1.meta.tags, l1.meta.source) == ("Net::OSI", ("네트워크", "OSI"), "책 3장")
    assert l2.meta.source == "강의 노트"
    assert l1.meta.loc == Loc(str(root / "net" / "osi.yaml"), 5)


def test_deck_defaults_to_the_file_name(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path, {"docker.yml": "definitions:\n  - id: d\n    term: 도커\n    definition: 컨테이너 도구\n"})
    assert load(root).decks() == ("docker",)


def test_alias_bomb_is_rejected_without_expanding(tmp_path: Path) -> None:
    # A billion laughs: nine levels of nine aliases each. Expanded, it is 9**10 strings.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["tags: [*a9]", "definitions: [*a9]"]
    root = build_file_tree(tmp_path, {"bomb.yaml": "\n".join(lines) + "\n"})
    result = run_cardgen("validate", str(root), timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{root}/bomb.yaml:11: anchors and aliases ('&', '*') are not supported; write the value out" in result.stderr
    assert f"{root}/bomb.yaml:12: anchors and aliases ('&', '*') are not supported; write the value out" in result.stderr


printable = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
yamlish = st.lists(st.sampled_from([
    "definitions:", "  - id: x", "    term: 가상화", "    definition: d", "pros_cons:", "  - id: p",
    "    concept: x", "    pros: [a, a]", "stacks:", "    layers:", "      - {name: a, count: 3}", "taxonomy:",
    "    parent: x", "    children: [x]", "&a [1]", "*a", "!!python/object:os.system", "- ", "{", "]", "\t",
    "questions:", "    question: q", "    answer: yes", "<<: *a", "---", "deck: D", "tags: [a b]", "  ", ": :",
]), max_size=25).map("\n".join)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(printable, yamlish, st.binary(max_size=200)))
def test_no_input_raises_anything_but_a_fact_error(tmp_path: Path, content) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    try:
        base = load(file)
    except CardgenError as exc:
        assert str(exc).strip(), "an error must say what is wrong"
        for problem in getattr(exc, "problems", []):
            assert problem.loc.file == str(file) and problem.loc.line >= 1
    else:
        assert all(isinstance(d, Definition) for d in base.definitions)
