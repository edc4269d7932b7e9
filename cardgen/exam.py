"""Printable exams: questions from the bank, dealt into versions, laid out as print-ready HTML.

`make_exam` chooses the questions once (the bank's seeded sampler) and deals
them into versions A, B, C...: the same questions, grouped by how they are
answered on paper, in a different order per version, with the options of choice
questions reshuffled so the correct positions are spread evenly. The result is
a tree of frozen view objects; the templates in `templates/exam/` only lay it
out. `write_exam` renders each version's student paper and its key (the paper
followed by the answers, explanations and source facts, starting on a new page),
and can print both to PDF with `cardgen.pdf`.

Every random choice comes from `random.Random` seeded with the exam's seed and
the version letter, so one seed always rebuilds the same exam, byte for byte.
"""

from __future__ import annotations

import random
import shlex
import string
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Iterable, Sequence

from cardgen import bank as question_bank
from cardgen.errors import UsageError
from cardgen.model import FactBase, Stack

DEFAULT_OUT = Path("dist/exams")
MAX_VERSIONS = 26

# How a question is answered on paper, in the order the sections of a paper follow.
LAYOUTS = ("ox", "choice", "matching", "ordering", "fill", "short")
POINTS = {"ox": 1, "choice": 2, "ordering": 3, "fill": 3, "short": 5}  # matching: 1 per pair
WRITING_LINES = 4


# --- paper and labels ---------------------------------------------------------

@dataclass(frozen=True)
class Paper:
    """A paper size as CSS `@page` wants it."""

    name: str
    size: str
    margin: str


PAPERS = {
    "a4": Paper("a4", "A4", "18mm 16mm 20mm"),
    "letter": Paper("letter", "letter", "0.7in 0.65in 0.8in"),
}


@dataclass(frozen=True)
class Labels:
    """Every word the exam prints that does not come from the fact base."""

    lang: str
    default_title: str
    version: str  # str.format with {letter}
    name: str
    student_id: str
    date: str
    score: str
    points: str  # {n}
    total: str  # {questions}, {points}
    instructions_title: str
    instructions: dict[str, str]  # "all" and one line per layout
    markers: tuple[str, ...]  # choice options
    numbers: str  # {n}: left column of matching, slots of ordering
    letters: tuple[str, ...]  # right column of matching, pieces of ordering
    ox: tuple[str, str]
    top: str
    bottom: str
    answer_blank: str
    end: str
    key: str
    answer: str
    accepted: str
    explanation: str
    source: str
    seed: str
    rebuild: str


LABELS = {
    "ko": Labels(
        lang="ko",
        default_title="평가",
        version="{letter}형",
        name="이름",
        student_id="학번",
        date="날짜",
        score="점수",
        points="{n}점",
        total="총 {questions}문항, {points}점",
        instructions_title="유의 사항",
        instructions={
            "all": "시험지의 형(A형, B형 …)과 쪽수를 확인하시오. 문항의 배점은 문항 끝에 있습니다.",
            "ox": "O/X 문항은 맞으면 O, 틀리면 X에 ○표 하시오.",
            "choice": "선택형 문항은 알맞은 답 하나의 번호에 ○표 하시오.",
            "matching": "연결 문항은 왼쪽 항목 옆 괄호에 알맞은 오른쪽 항목의 기호를 쓰시오.",
            "ordering": "순서 문항은 번호 칸에 알맞은 항목의 기호를 쓰시오.",
            "fill": "빈칸 문항은 답란에 알맞은 말을 쓰시오.",
            "short": "서술형 문항은 답란에 답을 쓰시오.",
        },
        markers=("①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"),
        numbers="({n})",
        letters=("ㄱ", "ㄴ", "ㄷ", "ㄹ", "ㅁ", "ㅂ", "ㅅ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"),
        ox=("O", "X"),
        top="위",
        bottom="아래",
        answer_blank="답:",
        end="— 끝 —",
        key="정답 및 해설",
        answer="정답",
        accepted="인정 답안",
        explanation="해설",
        source="출처",
        seed="시드",
        rebuild="다시 만들기",
    ),
    "en": Labels(
        lang="en",
        default_title="Exam",
        version="Version {letter}",
        name="Name",
        student_id="Student ID",
        date="Date",
        score="Score",
        points="{n} pt",
        total="{questions} questions, {points} points",
        instructions_title="Instructions",
        instructions={
            "all": "Check the version (A, B, ...) and the number of pages. Points are shown after each question.",
            "ox": "True/false: circle O if the statement is true, X if it is false.",
            "choice": "Multiple choice: circle the letter of the one correct answer.",
            "matching": "Matching: write the letter of the matching right-hand item in the brackets.",
            "ordering": "Ordering: write the letter of the right item in each numbered box.",
            "fill": "Fill in: write the missing word on the answer line.",
            "short": "Short answer: write your answer on the lines.",
        },
        markers=tuple("ABCDEFGHIJ"),
        numbers="({n})",
        letters=tuple(string.ascii_lowercase[:14]),
        ox=("O", "X"),
        top="top",
        bottom="bottom",
        answer_blank="Answer:",
        end="— End —",
        key="Answer key",
        answer="Answer",
        accepted="Also accepted",
        explanation="Explanation",
        source="Source",
        seed="Seed",
        rebuild="Rebuild",
    ),
}


# --- settings and view objects ------------------------------------------------

@dataclass(frozen=True)
class ExamSettings:
    """What a user asks for; also printed on the key as the command that rebuilds the exam."""

    versions: int = 2
    questions: int = 20
    seed: int = 0
    title: str | None = None
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    paper: str = "a4"
    lang: str = "ko"
    source: str = "facts"

    def check(self) -> None:
        if not 1 <= self.versions <= MAX_VERSIONS:
            raise UsageError(f"--versions must be between 1 and {MAX_VERSIONS}, not {self.versions}")
        if self.questions < 1:
            raise UsageError(f"--questions must be at least 1, not {self.questions}")
        if self.paper not in PAPERS:
            raise UsageError(f"--paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        if self.lang not in LABELS:
            raise UsageError(f"--lang must be one of {', '.join(LABELS)}, not {self.lang!r}")

    def command(self) -> str:
        """The `cardgen exam` command line that rebuilds this exam."""
        args = ["cardgen", "exam", self.source, "--versions", str(self.versions),
                "--questions", str(self.questions), "--seed", str(self.seed)]
        if self.title is not None:
            args += ["--title", self.title]
        for kind in self.kinds:
            args += ["--kinds", kind]
        for tag in self.tags:
            args += ["--tags", tag]
        args += ["--paper", self.paper, "--lang", self.lang]
        return shlex.join(args)


@dataclass(frozen=True)
class Mark:
    """A printed marker and its text: `① 하이퍼바이저`, `(2) 가상화`, `ㄱ 하드웨어`."""

    marker: str
    text: str


@dataclass(frozen=True)
class DrawnLayer:
    """One layer of a drawn stack: one box per side-by-side copy, blank when it is asked for."""

    boxes: tuple[str, ...]
    blank: bool


@dataclass(frozen=True)
class MatchRow:
    left: Mark | None
    right: Mark | None


@dataclass(frozen=True)
class KeyEntry:
    """What the key prints for one question."""

    answer: str
    accepted: tuple[str, ...]
    explanation: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One question as printed: only the fields of its layout are non-empty."""

    number: int
    id: str
    kind: str
    layout: str
    prompt: str
    points: int
    points_label: str
    choices: tuple[Mark, ...] = ()  # choice, ox
    stack: tuple[DrawnLayer, ...] = ()  # choice or fill about a missing layer
    rows: tuple[MatchRow, ...] = ()  # matching
    slots: tuple[str, ...] = ()  # ordering: the numbered boxes, top to bottom
    pieces: tuple[Mark, ...] = ()  # ordering: the lettered items to place
    lines: int = 0  # short
    key: KeyEntry = KeyEntry("", (), "", ())


@dataclass(frozen=True)
class Version:
    letter: str
    label: str
    items: tuple[Item, ...]
    points: int
    total_label: str
    instructions: tuple[str, ...]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


@dataclass(frozen=True)
class Exam:
    title: str
    settings: ExamSettings
    labels: Labels
    paper: Paper
    versions: tuple[Version, ...]
    command: str


# --- choosing and dealing -----------------------------------------------------

def layout_of(question: question_bank.Question) -> str:
    """How QUESTION is answered on paper (one of LAYOUTS)."""
    answer = question.answer
    if isinstance(answer, int):
        return "ox" if question.kind.startswith("ox_") else "choice"
    if isinstance(answer, tuple):
        return "matching" if answer and isinstance(answer[0], tuple) else "ordering"
    return "fill" if question.hidden_layer is not None else "short"


def choose_questions(base: FactBase, settings: ExamSettings) -> tuple[question_bank.Question, ...]:
    """The exam's questions, drawn once with the bank's seeded sampler."""
    raise NotImplementedError


def spread_positions(rng: random.Random, sizes: Sequence[int]) -> list[int]:
    """A correct position for each question with SIZES[i] options, each position used evenly.

    Within each option count the positions 0..n-1 are dealt in turn and then
    shuffled, so no two positions differ in use by more than one.
    """
    positions = [0] * len(sizes)
    for size in sorted(set(sizes)):
        where = [i for i, s in enumerate(sizes) if s == size]
        dealt = [i % size for i in range(len(where))]
        rng.shuffle(dealt)
        for index, position in zip(where, dealt):
            positions[index] = position
    return positions


def place_answer(options: Sequence[str], answer: int, position: int, rng: random.Random) -> tuple[str, ...]:
    """OPTIONS reshuffled with the option at ANSWER moved to POSITION."""
    others = [option for i, option in enumerate(options) if i != answer]
    rng.shuffle(others)
    others.insert(position, options[answer])
    return tuple(others)


def order_questions(questions: Sequence[question_bank.Question], rng: random.Random,
                    taken: Iterable[tuple[str, ...]] = ()) -> list[question_bank.Question]:
    """QUESTIONS grouped by layout and shuffled within each group, avoiding orders already TAKEN."""
    taken = set(taken)
    groups = {layout: [q for q in questions if layout_of(q) == layout] for layout in LAYOUTS}
    order: list[question_bank.Question] = []
    for _ in range(20):  # a repeat is only likely for tiny exams; give up after a few tries
        for group in groups.values():
            rng.shuffle(group)
        order = [q for layout in LAYOUTS for q in groups[layout]]
        if tuple(q.id for q in order) not in taken:
            break
    return order


def make_exam(base: FactBase, settings: ExamSettings) -> Exam:
    """Choose the questions and deal them into SETTINGS.versions versions."""
    settings.check()
    questions = choose_questions(base, settings)
    labels = LABELS[settings.lang]
    versions: list[Version] = []
    for index in range(settings.versions):
        letter = string.ascii_uppercase[index]
        rng = random.Random(f"cardgen-exam:{settings.seed}:{letter}")
        ordered = order_questions(questions, rng, (v.question_ids for v in versions))
        versions.append(_version(letter, ordered, rng, labels))
    return Exam(
        title=settings.title or labels.default_title,
        settings=settings,
        labels=labels,
        paper=PAPERS[settings.paper],
        versions=tuple(versions),
        command=settings.command(),
    )


def _version(letter: str, questions: Sequence[question_bank.Question], rng: random.Random,
             labels: Labels) -> Version:
    layouts = [layout_of(q) for q in questions]
    choice_sizes = [len(q.options) for q, layout in zip(questions, layouts) if layout == "choice"]
    positions = iter(spread_positions(rng, choice_sizes))
    items = []
    for number, (question, layout) in enumerate(zip(questions, layouts), start=1):
        position = next(positions) if layout == "choice" else None
        items.append(_item(number, question, layout, position, rng, labels))
    points = sum(item.points for item in items)
    present = [layout for layout in LAYOUTS if layout in layouts]
    return Version(
        letter=letter,
        label=labels.version.format(letter=letter),
        items=tuple(items),
        points=points,
        total_label=labels.total.format(questions=len(items), points=points),
        instructions=(labels.instructions["all"], *(labels.instructions[layout] for layout in present)),
    )


def _item(number: int, q: question_bank.Question, layout: str, position: int | None,
          rng: random.Random, labels: Labels) -> Item:
    fields: dict = {}
    accepted = tuple(q.accepted)
    if layout == "choice":
        options = place_answer(q.options, q.answer, position, rng)
        marks = tuple(Mark(labels.markers[i], text) for i, text in enumerate(options))
        fields["choices"] = marks
        answer = f"{marks[position].marker} {marks[position].text}"
        points = POINTS[layout]
    elif layout == "ox":
        fields["choices"] = tuple(Mark(mark, "") for mark in labels.ox)
        answer = labels.ox[q.answer]
        points = POINTS[layout]
    elif layout == "matching":
        lefts = [Mark(labels.numbers.format(n=i + 1), left) for i, (left, _) in enumerate(q.answer)]
        rights_text = [right for _, right in q.answer]
        rng.shuffle(rights_text)
        rights = [Mark(labels.letters[i], text) for i, text in enumerate(rights_text)]
        letter_of = {mark.text: mark.marker for mark in rights}
        fields["rows"] = tuple(MatchRow(l, r) for l, r in zip_longest(lefts, rights))
        answer = ", ".join(f"{l.marker} {letter_of[right]}" for l, (_, right) in zip(lefts, q.answer))
        points = len(q.answer)
    elif layout == "ordering":
        shuffled = list(q.answer)
        rng.shuffle(shuffled)
        pieces = tuple(Mark(labels.letters[i], text) for i, text in enumerate(shuffled))
        letter_of = {mark.text: mark.marker for mark in pieces}
        fields["slots"] = tuple(labels.numbers.format(n=i + 1) for i in range(len(q.answer)))
        fields["pieces"] = pieces
        answer = ", ".join(f"{labels.numbers.format(n=i + 1)} {letter_of[text]}" for i, text in enumerate(q.answer))
        answer += " (" + " → ".join(q.answer) + ")"
        points = POINTS[layout]
    else:
        answer = q.answer
        points = POINTS[layout]
        if layout == "short":
            fields["lines"] = WRITING_LINES
    if q.stack is not None and q.hidden_layer is not None and layout in ("choice", "fill"):
        fields["stack"] = draw_stack(q.stack, q.hidden_layer)
    return Item(
        number=number,
        id=q.id,
        kind=q.kind,
        layout=layout,
        prompt=q.prompt,
        points=points,
        points_label=labels.points.format(n=points),
        key=KeyEntry(answer, accepted, q.explanation or "", tuple(q.facts)),
        **fields,
    )


def draw_stack(stack: Stack, hidden: int) -> tuple[DrawnLayer, ...]:
    """STACK's layers top to bottom, the one at index HIDDEN left blank (its name never printed)."""
    return tuple(
        DrawnLayer(boxes=("",) * layer.count if i == hidden else (layer.name,) * layer.count, blank=i == hidden)
        for i, layer in enumerate(stack.layers)
    )


# --- writing ------------------------------------------------------------------

@dataclass(frozen=True)
class ExamFile:
    """One written file: a version's paper or key, as HTML or PDF."""

    version: str
    role: str  # "paper" or "key"
    path: Path


def file_stem(letter: str, role: str) -> str:
    return f"exam-{letter}" if role == "paper" else f"exam-{letter}-key"


def render_exam(exam: Exam, templates: Path | None = None) -> dict[str, str]:
    """Each version's paper and key as HTML, keyed by file name, in version order."""
    from cardgen.templating import environment, render

    env = environment(templates)
    pages: dict[str, str] = {}
    for version in exam.versions:
        for role in ("paper", "key"):
            html = render(env, f"exam/{role}.html", exam=exam, version=version)
            pages[file_stem(version.letter, role) + ".html"] = html
    return pages


def write_exam(exam: Exam, out: Path = DEFAULT_OUT, *, templates: Path | None = None,
               pdf: bool = False, browser: str | None = None) -> tuple[ExamFile, ...]:
    """Write EXAM's HTML files under OUT and, with PDF, print each one; return what was written."""
    from cardgen import pdf as printer

    executable = printer.find_browser(browser) if pdf else None  # fail before writing anything
    pages = render_exam(exam, templates)
    out.mkdir(parents=True, exist_ok=True)
    written: list[ExamFile] = []
    for version in exam.versions:
        for role in ("paper", "key"):
            html = out / (file_stem(version.letter, role) + ".html")
            html.write_bytes(pages[html.name].encode("utf-8"))
            written.append(ExamFile(version.letter, role, html))
    if executable is not None:
        for done in list(written):
            target = printer.print_pdf(done.path, done.path.with_suffix(".pdf"), executable)
            written.append(ExamFile(done.version, done.role, target))
    return tuple(written)


def split_list(values: Iterable[str]) -> tuple[str, ...]:
    """Option values given repeatedly or comma-separated, in order, without blanks or repeats."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


def generate(path: Path, settings: ExamSettings, out: Path = DEFAULT_OUT, *, templates: Path | None = None,
             pdf: bool = False, browser: str | None = None) -> tuple[ExamFile, ...]:
    """Load the fact base at PATH, make the exam SETTINGS asks for and write it under OUT."""
    from cardgen import pdf as printer
    from cardgen.loader import load

    settings.check()
    if pdf:
        browser = printer.find_browser(browser)  # a missing browser should stop us before any work
    return write_exam(make_exam(load(path), settings), out, templates=templates, pdf=pdf, browser=browser)
