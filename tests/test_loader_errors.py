"""A corpus of broken fact files: each mistake is reported with its exact message and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cardgen.errors import FactError
from cardgen.factbase.kinds import CARD_GROUPS
from cardgen.factbase.loader import load
from tests.conftest import build_file_tree, run_cardgen

GOOD_DEFS = """\
definitions:
  - id: vm
    term: 가상 머신
    english: Virtual Machine
    definition: 하이퍼바이저가 만든 가상 환경
  - id: hv
    term: 하이퍼바이저
    definition: 가상 머신을 만드는 소프트웨어
"""


def problems(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    """Load FILES and return the reported problems, paths relative to the tree."""
    root = build_file_tree(tmp_path / "facts", {k: textwrap.dedent(v) if isinstance(v, str) else v for k, v in files.items()})
    with pytest.raises(FactError) as info:
        load(root)
    return [str(p).removeprefix(str(root) + "/") for p in info.value.problems]


CASES = {
    "a card kind that does not exist, and one that is close": (
        {"a.yaml": "cards: [definition.foward, flashcard, stack]\n" + GOOD_DEFS},
        ["a.yaml:1: cards: unknown card kind 'definition.foward' (did you mean 'definition.forward'?)",
         "a.yaml:1: cards: unknown card kind 'flashcard'; expected one of: " + ", ".join(sorted(CARD_GROUPS))],
    ),
    "a card choice of nothing": (
        {"a.yaml": "cards: []\n" + GOOD_DEFS},
        ["a.yaml:1: 'cards' names no card kind, so the file's facts would get no cards; name the kinds to keep"],
    ),
    "a flag that is not true or false": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - {id: t, parent: hv, children: [vm], exhaustive: maybe}\n"},
        ["a.yaml:10: 'exhaustive' must be true or false, not 'maybe'"],
    ),
    "a synonym group of one word": (
        {"a.yaml": "synonyms:\n  - [운영체제, OS]\n  - [VM]\n" + GOOD_DEFS},
        ["a.yaml:3: a group of 'synonyms' needs at least two words that mean the same"],
    ),
    "'also' naming an unknown concept": (
        {"a.yaml": GOOD_DEFS + "pros_cons:\n  - id: p\n    concept: hv\n    pros:\n      - {text: 빠름, also: [vmm]}\n"},
        ["a.yaml:13: pros/cons entry 'p' refers to unknown definition 'vmm' (did you mean 'vm'?)"],
    ),
    "yaml syntax error": (
        {"a.yaml": "definitions:\n  - id: x\n    term: [unclosed\n"},
        ["a.yaml:4: YAML syntax error: did not find expected ',' or ']'"],
    ),
    "tab indentation": (
        {"a.yaml": "definitions:\n\t- id: x\n"},
        ["a.yaml:2: YAML syntax error: a tab cannot indent YAML; use spaces"],
    ),
    "duplicate key in a fact": (
        {"a.yaml": GOOD_DEFS + "  - id: c\n    term: C\n    definition: one\n    definition: two\n"},
        ["a.yaml:12: duplicate key 'definition' in definition 'c' (first at line 11)"],
    ),
    "duplicate top-level section": (
        {"a.yaml": GOOD_DEFS + "definitions:\n  - id: z\n    term: Z\n    definition: z\n"},
        ["a.yaml:9: duplicate key 'definitions' in the file (first at line 1)"],
    ),
    "unknown key with a suggestion": (
        {"a.yaml": "definitions:\n  - id: x\n    term: X\n    defintion: typo\n"},
        ["a.yaml:2: definition 'x' is missing required key 'definition'",
         "a.yaml:4: unknown key 'defintion' in definition 'x' (did you mean 'definition'?)"],
    ),
    "unknown top-level key": (
        {"a.yaml": "deck: D\nfacts: []\n"},
        ["a.yaml:2: unknown key 'facts' in the file; expected one of: deck, tags, source, synonyms, exclude, lang, cards, definitions, pros_cons, taxonomy, scenarios, stacks, questions"],
    ),
    "unknown key without a close match": (
        {"a.yaml": "definitions:\n  - id: x\n    term: X\n    definition: d\n    zzz: 1\n"},
        ["a.yaml:5: unknown key 'zzz' in definition 'x'; expected one of: id, tags, source, note, reviewed, term, english, aliases, definition, details, examples, image"],
    ),
    "missing required field": (
        {"a.yaml": "definitions:\n  - id: x\n    definition: d\n"},
        ["a.yaml:2: definition 'x' is missing required key 'term'"],
    ),
    "missing id": (
        {"a.yaml": "definitions:\n  - term: X\n    definition: d\n"},
        ["a.yaml:2: definition is missing required key 'id'"],
    ),
    "empty required value": (
        {"a.yaml": "definitions:\n  - id: x\n    term: ''\n    definition:\n"},
        ["a.yaml:3: 'term' must not be empty", "a.yaml:4: 'definition' must not be empty"],
    ),
    "text given as a list": (
        {"a.yaml": "definitions:\n  - id: x\n    term: [a, b]\n    definition: d\n"},
        ["a.yaml:3: 'term' must be text, not a list"],
    ),
    "list given as text": (
        {"a.yaml": "definitions:\n  - id: x\n    term: X\n    definition: d\n    aliases: Y\n"},
        ["a.yaml:5: 'aliases' must be a list, not 'Y'"],
    ),
    "section is not a list": (
        {"a.yaml": "definitions:\n  id: x\n"},
        ["a.yaml:2: 'definitions' must be a list, not a mapping"],
    ),
    "fact is not a mapping": (
        {"a.yaml": "definitions:\n  - just text\n"},
        ["a.yaml:2: definition must be a mapping of keys to values, not 'just text'"],
    ),
    "file is a list": (
        {"a.yaml": "- id: x\n  term: X\n"},
        ["a.yaml:1: the file must be a mapping of keys to values, not a list"],
    ),
    "file is a scalar": (
        {"a.yaml": "hello\n"},
        ["a.yaml:1: the file must be a mapping of keys to values, not 'hello'"],
    ),
    "empty file": (
        {"a.yaml": "# only a comment\n"},
        ["a.yaml:1: the file is empty; expected a mapping with sections such as 'definitions'"],
    ),
    "duplicate id in one file": (
        {"a.yaml": GOOD_DEFS + "  - id: vm\n    term: VM\n    definition: again\n"},
        ["a.yaml:9: duplicate id 'vm' (first defined at {root}/a.yaml:2)"],
    ),
    "duplicate id across files and kinds": (
        {"a.yaml": GOOD_DEFS, "b.yaml": "scenarios:\n  - id: hv\n    text: 가정\n"},
        ["b.yaml:2: duplicate id 'hv' (first defined at {root}/a.yaml:6)"],
    ),
    "dangling reference with a suggestion": (
        {"a.yaml": GOOD_DEFS + "pros_cons:\n  - id: p\n    concept: hvv\n    pros: [빠름]\n"},
        ["a.yaml:11: pros/cons entry 'p' refers to unknown definition 'hvv' (did you mean 'hv'?)"],
    ),
    "dangling reference in another file": (
        {"a.yaml": GOOD_DEFS, "b.yaml": "taxonomy:\n  - id: t\n    parent: hv\n    children: [vm, container]\n"},
        ["b.yaml:4: taxonomy entry 't' refers to unknown definition 'container'"],
    ),
    "reference to the wrong kind": (
        {"a.yaml": GOOD_DEFS + "scenarios:\n  - id: sc\n    text: t\nstacks:\n  - id: s\n    title: S\n    illustrates: sc\n    layers: [a, b]\n"},
        ["a.yaml:15: stack 's' refers to unknown definition 'sc'"],
    ),
    "dangling comparison": (
        {"a.yaml": GOOD_DEFS + "pros_cons:\n  - id: p\n    concept: hv\n    pros:\n      - text: 빠름\n        compare: {concept: emu, text: 느림}\n"},
        ["a.yaml:14: pros/cons entry 'p' refers to unknown definition 'emu'"],
    ),
    "taxonomy cycle": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - id: t1\n    parent: vm\n    children: [hv]\n  - id: t2\n    parent: hv\n    children: [vm]\n"},
        ["a.yaml:10: taxonomy cycle: hv -> vm -> hv"],
    ),
    "taxonomy self-loop": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - id: t1\n    parent: vm\n    children: [vm]\n"},
        ["a.yaml:10: taxonomy cycle: vm -> vm"],
    ),
    "repeated child": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - id: t1\n    parent: vm\n    children: [hv, hv]\n"},
        ["a.yaml:12: 'hv' is repeated in 'children' (first at line 12)"],
    ),
    "stack with one layer": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers:\n      - 하드웨어\n"},
        ["a.yaml:5: a stack needs at least two layers, this one has 1"],
    ),
    "bad layer count": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers:\n      - {name: 앱, count: 0}\n      - {name: OS, count: three}\n"},
        ["a.yaml:5: 'count' must be a whole number from 1 to 99, not '0'",
         "a.yaml:6: 'count' must be a whole number from 1 to 99, not 'three'"],
    ),
    "repeated pro and con": (
        {"a.yaml": GOOD_DEFS + "pros_cons:\n  - id: p\n    concept: hv\n    pros: [빠름, 빠름]\n    cons:\n      - 비쌈\n      - '비쌈 '\n"},
        ["a.yaml:12: repeated pro '빠름' (first at line 12)", "a.yaml:15: repeated con '비쌈' (first at line 14)"],
    ),
    "pros/cons with neither": (
        {"a.yaml": GOOD_DEFS + "pros_cons:\n  - id: p\n    concept: hv\n"},
        ["a.yaml:10: pros/cons entry 'p' needs at least one of 'pros' and 'cons'"],
    ),
    "not UTF-8": (
        {"a.yaml": "definitions:\n  - id: x\n".encode() + "    term: 가상\n".encode("euc-kr")},
        ["a.yaml:3: not UTF-8 text (byte 0xb0); save the file as UTF-8"],
    ),
    "python object tag": (
        {"a.yaml": "definitions:\n  - id: x\n    term: !!python/object/apply:os.system [ls]\n    definition: d\n"},
        ["a.yaml:3: 'term' must be text, not a value tagged !!python/object/apply:os.system"],
    ),
    "python name tag on a scalar": (
        {"a.yaml": "definitions:\n  - id: x\n    term: !!python/name:os.system ''\n    definition: d\n"},
        ["a.yaml:3: 'term' has a tag that is not allowed here (!!python/name:os.system); use plain text"],
    ),
    "tagged mapping": (
        {"a.yaml": "definitions:\n  - !!python/object:os.stat {id: x}\n"},
        ["a.yaml:2: definition 'x' must be a mapping of keys to values, not a value tagged !!python/object:os.stat"],
    ),
    "alias": (
        {"a.yaml": "definitions:\n  - id: x\n    term: &t X\n    definition: *t\n"},
        ["a.yaml:2: definition 'x' is missing required key 'definition'",
         "a.yaml:4: anchors and aliases ('&', '*') are not supported; write the value out"],
    ),
    "merge key": (
        {"a.yaml": "definitions:\n  - id: x\n    <<: {term: X}\n    definition: d\n"},
        ["a.yaml:2: definition 'x' is missing required key 'term'",
         "a.yaml:3: merge keys ('<<') are not supported; write the keys out"],
    ),
    "bad id": (
        {"a.yaml": "definitions:\n  - id: two words\n    term: X\n    definition: d\n"},
        ["a.yaml:2: id 'two words' must start with a letter or digit and hold only letters, digits, '-', '_' and '.'"],
    ),
    "tag with a space": (
        {"a.yaml": "tags: [운영 체제]\ndefinitions:\n  - id: x\n    term: X\n    definition: d\n"},
        ["a.yaml:1: tag '운영 체제' contains a space; Anki tags are single words (use '_' or '::')"],
    ),
    "two documents": (
        {"a.yaml": "deck: A\n---\ndeck: B\n"},
        ["a.yaml:2: YAML syntax error: but found another document"],
    ),
    # --- the author's choice questions ---
    "an answer that is not among the choices, with a close one": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - id: q\n    question: 무엇?\n    choices: [가상 머신, 하이퍼바이저, 컨테이너]\n    answer: 하이퍼바이져\n"},
        ["a.yaml:13: question 'q': the answer '하이퍼바이져' is not one of the choices (did you mean '하이퍼바이저'?)"],
    ),
    "one of several answers not among the choices": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - id: q\n    question: 무엇?\n    choices: [A, B, C]\n    answer: [A, D]\n"},
        ["a.yaml:13: question 'q': the answer 'D' is not one of the choices"],
    ),
    "a repeated option, compared as answers are": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - id: q\n    question: 무엇?\n    answer: VM\n    choices:\n      - VM\n      - Xen\n      - \" vm \"\n"},
        ["a.yaml:16: repeated option 'vm' (first at line 14)"],
    ),
    "fewer than two options": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, answer: VM, choices: [VM]}\n"},
        ["a.yaml:10: 'choices' needs 2 to 9 options, this one has 1"],
    ),
    "more than nine options": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, answer: a, choices: [a, b, c, d, e, f, g, h, i, j]}\n"},
        ["a.yaml:10: 'choices' needs 2 to 9 options, this one has 10"],
    ),
    "no right option": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, choices: [VM, Xen, LXC]}\n"},
        ["a.yaml:10: question 'q': no option is right; give 'answer' or mark an option 'correct: true'"],
    ),
    "every option right": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, choices: [VM, Xen], answer: [Xen, VM]}\n"},
        ["a.yaml:10: question 'q': every option is right, so the question asks nothing; add a wrong option"],
    ),
    "the right options said twice": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - id: q\n    question: 무엇?\n    answer: VM\n    choices: [{text: VM, correct: true}, Xen]\n"},
        ["a.yaml:12: question 'q': say which options are right once, by 'answer' or by 'correct: true', not both"],
    ),
    "an answer that is an option marked wrong": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - id: q\n    question: 무엇?\n    answer: Xen\n    choices: [VM, {text: Xen, correct: false}, LXC]\n"},
        ["a.yaml:12: question 'q': the answer 'Xen' is an option marked 'correct: false'"],
    ),
    "a list of answers without choices": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, answer: [VM, Xen]}\n"},
        ["a.yaml:10: question 'q': a list of answers needs 'choices' to pick them from"],
    ),
    "a question with neither answer nor choices": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?}\n"},
        ["a.yaml:10: question 'q' is missing required key 'answer'"],
    ),
    "shuffle without choices": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, answer: VM, shuffle: false}\n"},
        ["a.yaml:10: question 'q': 'shuffle' orders 'choices', and there are none"],
    ),
    "an option with an unknown key and a 'correct' that is no flag": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - id: q\n    question: 무엇?\n    choices:\n      - {text: VM, correct: yes please}\n      - {txt: Xen}\n"},
        ["a.yaml:13: 'correct' must be true or false, not 'yes please'",
         "a.yaml:14: an option of 'choices' is missing required key 'text'",
         "a.yaml:14: unknown key 'txt' in an option of 'choices' (did you mean 'text'?); a ',' inside {...} ends a value: if 'txt' belongs to the text before, quote it"],
    ),
    "points that are not a positive whole number": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, answer: VM, points: 0}\n  - {id: r, question: 왜?, answer: VM, points: 2.5}\n"},
        ["a.yaml:10: 'points' must be a whole number from 1 to 100, not '0'",
         "a.yaml:11: 'points' must be a whole number from 1 to 100, not '2.5'"],
    ),
    "'about' naming no fact": (
        {"a.yaml": GOOD_DEFS + "questions:\n  - {id: q, question: 무엇?, answer: VM, about: hv2}\n"},
        ["a.yaml:10: question 'q' refers to unknown fact 'hv2' (did you mean 'hv'?)"],
    ),
    # --- taxonomy groups ---
    "a kind in two groups of one taxonomy": (
        {"a.yaml": GOOD_DEFS + "  - {id: c, term: C, definition: 셋째}\ntaxonomy:\n  - id: t\n    parent: hv\n    children:\n      - {group: 하나, children: [vm, c]}\n      - {group: 둘, children: [c]}\n"},
        ["a.yaml:15: 'c' is repeated in 'children' (first at line 14)"],
    ),
    "a group without a label, one naming an unknown kind, one nested": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - id: t\n    parent: hv\n    children:\n      - {children: [vm]}\n      - {group: 둘, children: [vmm]}\n      - {group: 셋, children: [{group: 넷, children: [vm]}]}\n"},
        ["a.yaml:13: a group is missing required key 'group'",
         "a.yaml:14: taxonomy entry 't' refers to unknown definition 'vmm' (did you mean 'vm'?)",
         "a.yaml:15: 'children' must be text, not a mapping"],
    ),
    "a group with an unknown key": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - id: t\n    parent: hv\n    children:\n      - {grup: 하나, children: [vm]}\n"},
        ["a.yaml:13: a group is missing required key 'group'",
         "a.yaml:13: unknown key 'grup' in a group (did you mean 'group'?); a ',' inside {...} ends a value: if 'grup' belongs to the text before, quote it"],
    ),
    "an image that is not there": (
        {"a.yaml": GOOD_DEFS + "    image: figures/hv.png\n"},
        ["a.yaml:9: definition 'hv': image 'figures/hv.png': no such file (looked for {root}/figures/hv.png)"],
    ),
    "an image of a kind cardgen does not ship": (
        {"a.yaml": GOOD_DEFS + "    image: hv.bmp\n", "hv.bmp": b"BM\x00\x00fake bitmap"},
        ["a.yaml:9: definition 'hv': image 'hv.bmp': not a PNG, JPEG, GIF or SVG image"],
    ),
    "a layer image that is not there": (
        {"a.yaml": "stacks:\n  - id: s\n    title: 구조\n    layers:\n      - 앱\n      - {name: 커널, image: k.svg}\n"},
        ["a.yaml:6: stack 's': image 'k.svg': no such file (looked for {root}/k.svg)"],
    ),
    "an image named by a folder": (
        {"a.yaml": "questions:\n  - {id: q, question: 무엇인가?, answer: 이것, image: figures}\n", "figures/x.txt": "x"},
        ["a.yaml:2: question 'q': image 'figures': a folder, not an image file ({root}/figures)"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_file_is_reported_exactly(tmp_path: Path, name: str) -> None:
    files, expected = CASES[name]
    root = str(tmp_path / "facts")
    assert problems(tmp_path, files) == [e.replace("{root}", root) for e in expected]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25


def test_every_problem_of_every_file_in_one_run(tmp_path: Path) -> None:
    found = problems(tmp_path, {
        "a.yaml": "definitions:\n  - id: x\n    term: X\n    defintion: d\n",
        "b.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [one]\n",
        "c.yaml": "deck: [oops\n",
    })
    assert [p.split(":")[0] for p in found] == ["a.yaml", "a.yaml", "b.yaml", "c.yaml"]


def test_no_cascade_from_a_broken_definition(tmp_path: Path) -> None:
    # The definition is broken, but its id exists: references to it are not reported again.
    found = problems(tmp_path, {"a.yaml": "definitions:\n  - id: x\n    term: X\npros_cons:\n  - id: p\n    concept: x\n    pros: [a]\n"})
    assert found == ["a.yaml:2: definition 'x' is missing required key 'definition'"]


def test_cli_reports_all_problems_without_traceback(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "facts", {
        "a.yaml": "definitions:\n  - id: x\n    term: X\n    defintion: d\n",
        "b.yaml": b"deck: \xff\n",
    })
    result = run_cardgen("validate", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"{root}/a.yaml:2: definition 'x' is missing required key 'definition'",
        f"{root}/a.yaml:4: unknown key 'defintion' in definition 'x' (did you mean 'definition'?)",
        f"{root}/b.yaml:1: not UTF-8 text (byte 0xff); save the file as UTF-8",
    ]
    assert lines[3] == "3 problem(s) found."


def test_cli_missing_path(tmp_path: Path) -> None:
    result = run_cardgen("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nowhere'}: no fact base here (no such file or folder)"


def test_cli_folder_without_fact_files(tmp_path: Path) -> None:
    result = run_cardgen("validate", str(tmp_path))
    assert result.returncode == 2
    assert "no fact files" in result.stderr
