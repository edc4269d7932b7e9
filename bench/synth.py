"""Synthetic fact bases for benchmarks: realistic mix, Korean text, reproducible from a seed."""

from __future__ import annotations

import random
from pathlib import Path

SYLLABLES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후"
WORDS = ["가상화", "컨테이너", "하이퍼바이저", "커널", "프로세스", "메모리", "네트워크", "저장 장치", "운영체제", "하드웨어",
         "스케줄러", "인터럽트", "드라이버", "파일 시스템", "캐시", "스레드", "소켓", "패킷", "계층", "프로토콜"]
ENGLISH = ["Virtual", "Container", "Kernel", "Process", "Memory", "Network", "Storage", "Driver", "Cache", "Thread"]
FACTS_PER_FILE = 1000


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) if rng.random() < 0.4 else _word(rng) for _ in range(words))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _file(rng: random.Random, file_no: int, count: int) -> str:
    """COUNT facts: about 55% definitions, 15% pros/cons, 15% taxonomy, 10% stacks, 5% questions."""
    n_def = max(4, int(count * 0.55))
    rest = count - n_def
    n_pc, n_tax, n_stack = int(rest * 0.34), int(rest * 0.33), int(rest * 0.22)
    n_q = max(0, rest - n_pc - n_tax - n_stack)
    ids = [f"f{file_no}-d{i}" for i in range(n_def)]
    out = [f'deck: "Bench::파일 {file_no:03d}"', "tags: [bench]", "definitions:"]
    for i, fact_id in enumerate(ids):
        out += [f"  - id: {fact_id}", f"    term: {_quote(_word(rng) + ' ' + rng.choice(WORDS) + f' {file_no}-{i}')}",
                f"    english: {rng.choice(ENGLISH)} {rng.choice(ENGLISH)} {file_no}-{i}",
                f"    definition: {_quote(_sentence(rng, rng.randint(4, 10)))}"]
        if rng.random() < 0.5:
            out.append(f"    aliases: [{_quote(_word(rng) + f' {file_no}-{i}')}]")
        if rng.random() < 0.3:
            out.append(f"    details: [{_quote(_sentence(rng, 8))}]")
    if n_pc:
        out.append("pros_cons:")
    for i in range(n_pc):
        out += [f"  - id: f{file_no}-pc{i}", f"    concept: {ids[i % n_def]}",
                "    pros:"] + [f"      - {_quote(_sentence(rng, 6) + f' {j}')}" for j in range(rng.randint(1, 3))]
        out += ["    cons:"] + [f"      - {_quote(_sentence(rng, 6) + f' {j}')}" for j in range(rng.randint(1, 3))]
    if n_tax:
        out.append("taxonomy:")
    for i in range(n_tax):
        # parents come from the first half, children from the second: no cycles.
        parent = ids[i % (n_def // 2)]
        children = rng.sample(ids[n_def // 2:], k=min(3, n_def - n_def // 2))
        out += [f"  - id: f{file_no}-t{i}", f"    parent: {parent}", f"    children: [{', '.join(children)}]"]
    if n_stack:
        out.append("stacks:")
    for i in range(n_stack):
        out += [f"  - id: f{file_no}-s{i}", f"    title: {_quote(_sentence(rng, 3))}", f"    illustrates: {rng.choice(ids)}", "    layers:"]
        out += [f"      - {{name: {_quote(_sentence(rng, 2) + f' {j}')}, count: {rng.choice((1, 1, 3))}}}" for j in range(rng.randint(3, 5))]
    if n_q:
        out.append("questions:")
    for i in range(n_q):
        out += [f"  - id: f{file_no}-q{i}", f"    question: {_quote(_sentence(rng, 6) + '?')}", f"    answer: {_quote(_sentence(rng, 5))}"]
    return "\n".join(out) + "\n"


def write_fact_base(root: Path, facts: int, seed: int = 0) -> Path:
    """Write about FACTS facts under ROOT, in files of at most 1,000 facts each."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for file_no, start in enumerate(range(0, facts, FACTS_PER_FILE)):
        count = min(FACTS_PER_FILE, facts - start)
        (root / f"bench-{file_no:03d}.yaml").write_text(_file(rng, file_no, count), encoding="utf-8")
    return root
