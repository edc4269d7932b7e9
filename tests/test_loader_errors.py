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

CONTAINERS = """\
definitions:
  - id: containerd
    term: containerd
    definition: 컨테이너의 생명 주기를 관리하는 런타임
  - id: container
    term: 컨테이너
    definition: 호스트 커널을 공유하는 격리된 프로세스
"""
NOT_GIVEN = ", which is not in the given paths; define it, or give the file that does"
TABLE = """\
comparisons:
  - id: t
    title: 비교
    concepts: [vm, hv]
    rows:
      - attribute: 속도
        values: {vm: 빠름, hv: 느림}
      - attribute: 메모리
        values: {vm: 적음, hv: 많음}
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
        ["a.yaml:13: pros/cons entry 'p' refers to unknown definition 'vmm'" + NOT_GIVEN],
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
        ["a.yaml:2: unknown key 'facts' in the file; expected one of: deck, tags, source, synonyms, exclude, lang, cards, definitions, pros_cons, taxonomy, scenarios, stacks, processes, questions, comparisons"],
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
        {"a.yaml": CONTAINERS + "pros_cons:\n  - id: p\n    concept: contaner\n    pros: [빠름]\n"},
        ["a.yaml:10: pros/cons entry 'p' refers to unknown definition 'contaner' (did you mean 'container'?)"],
    ),
    "dangling reference that only an extended id resembles": (
        {"a.yaml": CONTAINERS + "pros_cons:\n  - id: p\n    concept: containe\n    pros: [빠름]\n"},
        ["a.yaml:10: pros/cons entry 'p' refers to unknown definition 'containe'" + NOT_GIVEN],
    ),
    "dangling reference close to an id of another kind": (
        {"a.yaml": CONTAINERS + "scenarios:\n  - id: runtimes\n    text: t\n"
                   "stacks:\n  - id: s\n    title: S\n    illustrates: runtime\n    layers: [a, b]\n"},
        ["a.yaml:14: stack 's' refers to unknown definition 'runtime'" + NOT_GIVEN],
    ),
    "dangling reference in another file": (
        {"a.yaml": GOOD_DEFS, "b.yaml": "taxonomy:\n  - id: t\n    parent: hv\n    children: [vm, container]\n"},
        ["b.yaml:4: taxonomy entry 't' refers to unknown definition 'container'" + NOT_GIVEN],
    ),
    "reference to the wrong kind": (
        {"a.yaml": GOOD_DEFS + "scenarios:\n  - id: sc\n    text: t\nstacks:\n  - id: s\n    title: S\n    illustrates: sc\n    layers: [a, b]\n"},
        ["a.yaml:15: stack 's' refers to unknown definition 'sc'; 'sc' is a scenario, not a definition"],
    ),
    "dangling comparison": (
        {"a.yaml": GOOD_DEFS + "pros_cons:\n  - id: p\n    concept: hv\n    pros:\n      - text: 빠름\n        compare: {concept: emu, text: 느림}\n"},
        ["a.yaml:14: pros/cons entry 'p' refers to unknown definition 'emu'" + NOT_GIVEN],
    ),
    "project file: a YAML syntax error": (
        {"cardgen.yaml": "paths: [ch1\n", "ch1/a.yaml": GOOD_DEFS},
        ["cardgen.yaml:2: YAML syntax error: did not find expected ',' or ']'"],
    ),
    "project file: a misspelt key": (
        {"cardgen.yaml": "path: [ch1]\n", "ch1/a.yaml": GOOD_DEFS},
        ["cardgen.yaml:1: the project file is missing required key 'paths'",
         "cardgen.yaml:1: unknown key 'path' in the project file (did you mean 'paths'?)"],
    ),
    "project file: paths that are not a list": (
        {"cardgen.yaml": "paths: ch1\n", "ch1/a.yaml": GOOD_DEFS},
        ["cardgen.yaml:1: 'paths' must be a list, not 'ch1'"],
    ),
    "project file: no paths": (
        {"cardgen.yaml": "paths: []\n", "ch1/a.yaml": GOOD_DEFS},
        ["cardgen.yaml:1: 'paths' names nothing; list the fact files and folders of the project"],
    ),
    "project file: empty": (
        {"cardgen.yaml": "", "ch1/a.yaml": GOOD_DEFS},
        ["cardgen.yaml:1: the project file is empty; list the fact files and folders under 'paths'"],
    ),
    "project file: a path that does not exist, and a folder without facts": (
        {"cardgen.yaml": "paths:\n  - ch1\n  - ch2\n  - notes\n", "ch1/a.yaml": GOOD_DEFS, "notes/n.md": "# notes\n"},
        ["cardgen.yaml:3: 'paths' lists {root}/ch2: no such file or folder",
         "cardgen.yaml:4: 'paths' lists {root}/notes: no fact files (*.yaml, *.yml) in this folder"],
    ),
    "project file: a path that is not text": (
        {"cardgen.yaml": "paths:\n  - ch1\n  - {folder: ch2}\n", "ch1/a.yaml": GOOD_DEFS},
        ["cardgen.yaml:3: 'paths' must be text, not a mapping; a ': ' inside text starts a mapping, so put the text in quotes"],
    ),
    "a chapter referring to a chapter the project lists": (
        {"cardgen.yaml": "paths: [ch1, ch2]\n", "ch1/a.yaml": CONTAINERS,
         "ch2/b.yaml": "taxonomy:\n  - id: t\n    parent: container\n    children: [containerd, contaner]\n"},
        ["ch2/b.yaml:4: taxonomy entry 't' refers to unknown definition 'contaner' (did you mean 'container'?)"],
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
        ["a.yaml:5: 'count' must be a whole number from 1 to 99 or a short symbol such as N, not '0'",
         "a.yaml:6: 'count' must be a whole number from 1 to 99 or a short symbol such as N, not 'three'"],
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
    "a process of one step": (
        {"a.yaml": "processes:\n  - id: p\n    title: P\n    steps: [only]\n"},
        ["a.yaml:4: a process needs at least two steps, this one has 1"],
    ),
    "a process without steps": (
        {"a.yaml": "processes:\n  - id: p\n    title: P\n"},
        ["a.yaml:2: process 'p' is missing required key 'steps'"],
    ),
    "steps that are not a list": (
        {"a.yaml": "processes:\n  - id: p\n    title: P\n    steps: build then run\n"},
        ["a.yaml:4: 'steps' must be a list, not 'build then run'"],
    ),
    "a step named twice": (
        {"a.yaml": "processes:\n  - id: p\n    title: P\n    steps:\n      - 빌드\n      - 실행\n      - {name: 빌드 }\n"},
        ["a.yaml:7: repeated step '빌드' (first at line 5); name each step once"],
    ),
    "a step with a misspelt key, and one without a name": (
        {"a.yaml": "processes:\n  - id: p\n    title: P\n    steps:\n      - name: 빌드\n        detial: 이미지를 만든다\n"
                   "      - detail: 컨테이너를 띄운다\n"},
        ["a.yaml:6: unknown key 'detial' in a step (did you mean 'detail'?)",
         "a.yaml:7: a step is missing required key 'name'"],
    ),
    "a step or a process naming an unknown definition": (
        {"a.yaml": GOOD_DEFS + "processes:\n  - id: p\n    title: P\n    illustrates: hvv\n"
                   "    steps:\n      - {name: 부팅, concept: hv}\n      - {name: 실행, concept: vmm}\n"},
        ["a.yaml:12: process 'p' refers to unknown definition 'hvv', which is not in the given paths; define it, or give the file that does",
         "a.yaml:15: process 'p' refers to unknown definition 'vmm', which is not in the given paths; define it, or give the file that does"],
    ),
    "a process named where a definition is due": (
        {"a.yaml": GOOD_DEFS + "processes:\n  - id: p\n    title: P\n    steps: [a, b]\n"
                   "stacks:\n  - id: s\n    title: S\n    layers: [A, B]\n    illustrates: p\n"},
        ["a.yaml:17: stack 's' refers to unknown definition 'p'; 'p' is a process, not a definition"],
    ),
    "an empty step": (
        {"a.yaml": "processes:\n  - id: p\n    title: P\n    steps: [빌드, '']\n"},
        ["a.yaml:4: 'steps' must not be empty"],
    ),
    "a band naming a layer the stack lacks": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [Application, Runtime, Servers]\n"
                   "    bands:\n      - {name: customer, layers: [Aplication]}\n"
                   "      - {name: provider, layers: [Storage]}\n"},
        ["a.yaml:6: band 'customer' names 'Aplication', which is not a layer of stack 's' (did you mean 'Application'?)",
         "a.yaml:7: band 'provider' names 'Storage', which is not a layer of stack 's'"],
    ),
    "bands that overlap": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [Application, Runtime, Servers]\n"
                   "    bands:\n      - {name: customer, layers: [Application, Runtime]}\n"
                   "      - {name: provider, layers: [Runtime, Servers]}\n"},
        ["a.yaml:7: band 'provider' names 'Runtime' in band 'customer' too; a layer is in one band at most"],
    ),
    "a band that is not one run of adjacent layers": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [Application, Runtime, Servers, Network]\n"
                   "    bands:\n      - {name: customer, layers: [Application, Servers]}\n"},
        ["a.yaml:6: band 'customer' is not one run of adjacent layers: 'Runtime' lies between its layers; "
         "add it to the band or split the band"],
    ),
    "two bands of one name, and a layer named twice in a band": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [Application, Runtime, Servers, Network]\n"
                   "    bands:\n      - {name: customer, layers: [Application, Application]}\n"
                   "      - {name: Customer, layers: [Runtime]}\n"},
        ["a.yaml:6: band 'customer' names 'Application' twice",
         "a.yaml:7: stack 's' has two bands named 'Customer' (first at line 6)"],
    ),
    "a band naming a layer the stack has twice": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [Pod, Pod, Node]\n"
                   "    bands:\n      - {name: customer, layers: [Pod]}\n"},
        ["a.yaml:6: band 'customer' names 'Pod', which is twice in stack 's'; rename one"],
    ),
    "a band without its layers, and bands that are not a list": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers: [A, B]\n    bands:\n      - {name: x}\n"
                   "  - id: t\n    title: T\n    layers: [A, B]\n    bands: {name: x}\n"
                   "  - id: u\n    title: U\n    layers: [A, B]\n    bands: [{name: x, layers: []}]\n"},
        ["a.yaml:6: a band is missing required key 'layers'",
         "a.yaml:10: 'bands' must be a list, not a mapping",
         "a.yaml:14: band 'x' names no layer; list its layers under 'layers'"],
    ),
    "a count that is neither a number from 1 to 99 nor a short symbol": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers:\n      - {name: Pod, count: many pods}\n"
                   "      - {name: Node, count: 0}\n      - {name: Disk, count: '3'}\n"},
        ["a.yaml:5: 'count' must be a whole number from 1 to 99 or a short symbol such as N, not 'many pods'",
         "a.yaml:6: 'count' must be a whole number from 1 to 99 or a short symbol such as N, not '0'",
         "a.yaml:7: 'count' must be a whole number from 1 to 99 or a short symbol such as N, not '3'"],
    ),
    "a layer note that is not text": (
        {"a.yaml": "stacks:\n  - id: s\n    title: S\n    layers:\n      - {name: OS, note: [customer]}\n      - B\n"},
        ["a.yaml:5: 'note' must be text, not a list"],
    ),
    "comparison: unknown concept id": (
        {"a.yaml": GOOD_DEFS + TABLE.replace("hv", "hx")},
        ["a.yaml:12: comparison 't' refers to unknown definition 'hx'" + NOT_GIVEN],
    ),
    "comparison: a value for a concept not listed": (
        {"a.yaml": GOOD_DEFS + TABLE.replace("{vm: 빠름, hv: 느림}", "{vm: 빠름, hv: 느림, vn: 중간}")},
        ["a.yaml:15: row '속도' gives a value for 'vn', which is not one of the table's concepts; the table's concepts are vm, hv"],
    ),
    "comparison: a missing value": (
        {"a.yaml": GOOD_DEFS + TABLE.replace("{vm: 빠름, hv: 느림}", "{vm: 빠름}")},
        ["a.yaml:14: row '속도' has no value for 'hv'; write one, or '—' where the table says nothing"],
    ),
    "comparison: a repeated attribute": (
        {"a.yaml": GOOD_DEFS + TABLE + "      - attribute: 속도\n        values: {vm: 느림, hv: 빠름}\n"},
        ["a.yaml:18: repeated attribute '속도' (first at line 14)"],
    ),
    "comparison: two values for one concept": (
        {"a.yaml": GOOD_DEFS + TABLE.replace("{vm: 빠름, hv: 느림}", "{vm: 빠름, vm: 느림, hv: 느림}")},
        ["a.yaml:15: two values for 'vm' (first at line 15)"],
    ),
    "comparison: one concept": (
        {"a.yaml": GOOD_DEFS + TABLE.replace("[vm, hv]", "[vm]").replace(", hv: 느림", "").replace(", hv: 많음", "")},
        ["a.yaml:10: a comparison needs at least two concepts, this one has 1"],
    ),
    "comparison: values not a mapping": (
        {"a.yaml": GOOD_DEFS + TABLE.replace("{vm: 빠름, hv: 느림}", "[빠름, 느림]")},
        ["a.yaml:15: 'values' must be a mapping of concept ids to values, not a list"],
    ),
    "comparison: no rows": (
        {"a.yaml": GOOD_DEFS + TABLE.split("    rows:")[0] + "    rows: []\n"},
        ["a.yaml:13: 'rows' must hold at least one row"],
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
        ["a.yaml:10: question 'q' refers to unknown fact 'hv2', which is not in the given paths; define it, or give the file that does"],
    ),
    # --- taxonomy groups ---
    "a kind in two groups of one taxonomy": (
        {"a.yaml": GOOD_DEFS + "  - {id: c, term: C, definition: 셋째}\ntaxonomy:\n  - id: t\n    parent: hv\n    children:\n      - {group: 하나, children: [vm, c]}\n      - {group: 둘, children: [c]}\n"},
        ["a.yaml:15: 'c' is repeated in 'children' (first at line 14)"],
    ),
    "a group without a label, one naming an unknown kind, one nested": (
        {"a.yaml": GOOD_DEFS + "taxonomy:\n  - id: t\n    parent: hv\n    children:\n      - {children: [vm]}\n      - {group: 둘, children: [vmm]}\n      - {group: 셋, children: [{group: 넷, children: [vm]}]}\n"},
        ["a.yaml:13: a group is missing required key 'group'",
         "a.yaml:14: taxonomy entry 't' refers to unknown definition 'vmm', which is not in the given paths; define it, or give the file that does",
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
