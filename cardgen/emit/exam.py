"""Printable exams: questions from the bank, dealt into versions, laid out as print-ready HTML.

`make_exam` chooses the questions once (the bank's seeded sampler) and deals
them into versions A, B, C...: the same questions, grouped by how they are
answered on paper, in a different order per version, with the options of choice
questions reshuffled so the correct positions are spread evenly. The result is
a tree of frozen view objects; the templates in `templates/exam/` only lay it
out. `render_exam` renders each version's student paper and its key: a one-page
answer grid to grade from (number, answer, points), then from a new page the
worked answers (each question's text, its answer, explanation and the facts it
comes from, by name and file). `exam_files` can print both to PDF with
`cardgen.emit.pdf`.

Every random choice comes from `random.Random` seeded with the exam's seed and
the version letter, so one seed always rebuilds the same exam, byte for byte.
"""

from __future__ import annotations

import os
import random
import shlex
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path
from typing import TypedDict, assert_never

from markupsafe import Markup, escape

from cardgen import richtext
from cardgen.bank.question import (
    Choice,
    FillIn,
    Matching,
    MultiChoice,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    compared,
    drawing,
)
from cardgen.bank.sample import give_away_note, give_aways, quiz_sets, select, shuffle_options
from cardgen.context import Context
from cardgen.errors import UsageError
from cardgen.factbase.model import (
    AuthorQuestion,
    ComparisonTable,
    Definition,
    Fact,
    FactBase,
    Process,
    ProsCons,
    Scenario,
    Stack,
    Taxonomy,
)
from cardgen.flow import FlowStep
from cardgen.lang import LANGS, N_, Lang, Translator, is_lang, translator
from cardgen.present import Grid, answer_text, comparison_grid, markers, stack_rows

DEFAULT_QUESTIONS = 20
MAX_VERSIONS = 26

# The bank's question styles, in the order the sections of a paper follow.
SECTIONS = ("ox", "choice", "multi", "match", "order", "fill", "short")
# The default points of each style (match: per pair); the author's `points` replace them.
POINTS = {"ox": 1, "choice": 2, "multi": 3, "match": 1, "order": 3, "fill": 3, "short": 5}
WRITING_LINES = 4
GRID_COLUMNS = 2  # the key's answer grid: two columns of number, answer, points fit ~40 questions on a page


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


# The instructions printed on a paper: one for every paper, then one per question style it holds.
INSTRUCTIONS = (
    ("all", N_("Check the version (A, B, ...) and the number of pages. Points are shown after each question.")),
    ("ox", N_("True or false: circle True if the statement is true, False if it is false.")),
    ("choice", N_("Multiple choice: circle the letter of the one correct answer.")),
    ("multi", N_("Choose all that apply: circle the letter of every correct answer.")),
    ("match", N_("Matching: write the letter of the matching right-hand item in the brackets.")),
    ("order", N_("Ordering: write the letter of the right item in each numbered box.")),
    ("fill", N_("Fill in: write the missing word on the answer line.")),
    ("short", N_("Short answer: write your answer on the lines.")),
)


# --- settings and view objects ------------------------------------------------


@dataclass(frozen=True)
class ExamSettings:
    """What a user asks for; also printed on the key as the command that rebuilds the exam."""

    versions: int = 2
    questions: int = DEFAULT_QUESTIONS
    seed: int = 0
    title: str | None = None
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    paper: str = "a4"
    lang: Lang | None = None
    """The language of the exam's words; None: the language most of its questions' facts are in."""
    sources: tuple[str, ...] = ("facts",)
    """The fact paths, as the rebuild command names them."""

    def check(self) -> None:
        if not 1 <= self.versions <= MAX_VERSIONS:
            raise UsageError(f"the number of versions must be between 1 and {MAX_VERSIONS}, not {self.versions}")
        if self.questions < 1:
            raise UsageError(f"the number of questions must be at least 1, not {self.questions}")
        if self.paper not in PAPERS:
            raise UsageError(f"the paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        if self.lang is not None and not is_lang(self.lang):
            raise UsageError(f"the language must be one of {', '.join(LANGS)}, not {self.lang!r}")

    def command(self) -> tuple[str, ...]:
        """The `cardgen exam` command line that rebuilds this exam, as shell-quoted words."""
        args = [
            "cardgen",
            "exam",
            *self.sources,
            "--versions",
            str(self.versions),
            "--questions",
            str(self.questions),
            "--seed",
            str(self.seed),
        ]
        if self.title is not None:
            args += ["--title", self.title]
        for kind in self.kinds:
            args += ["--kinds", kind]
        for tag in self.tags:
            args += ["--tags", tag]
        args += ["--paper", self.paper]
        if self.lang is not None:
            args += ["--lang", self.lang]
        return tuple(shlex.quote(arg) for arg in args)


@dataclass(frozen=True)
class Mark:
    """A printed marker and its text: `① 하이퍼바이저`, `(2) 가상화`, `ㄱ 하드웨어`."""

    marker: str
    text: str


@dataclass(frozen=True)
class DrawnLayer:
    """One layer of a drawn stack: one box per side-by-side copy, blank when it is asked for.

    `times` labels a symbolic count (`× N`); `note` is printed small in the first box;
    `band` and `band_rows` are set on the first layer of a band, which spans that many."""

    boxes: tuple[str, ...]
    blank: bool
    times: str = ""
    note: str = ""
    band: str = ""
    band_rows: int = 0
    image: str = ""  # the layer's image as a data: URI, never on a blank layer


@dataclass(frozen=True)
class MatchRow:
    """One row of a matching question: a numbered term and a lettered definition (either may run out)."""

    left: Mark | None
    right: Mark | None


@dataclass(frozen=True)
class SourceRef:
    """A fact a question comes from, as a teacher finds it: its name as students see it and its file."""

    name: str
    file: str


@dataclass(frozen=True)
class KeyEntry:
    """What the key prints for one question: `brief` in the answer grid, the rest in the worked answers."""

    answer: str
    brief: str  # the answer as it is graded at a glance: `③`, `O`, `(1) ㄴ, (2) ㄱ`, the word to fill in
    accepted: tuple[str, ...]
    explanation: tuple[str, ...]  # lines
    sources: tuple[SourceRef, ...]
    detail: tuple[str, ...] = ()  # lines that make the answer readable without the paper (matching pairs)


@dataclass(frozen=True)
class Item:
    """One question as printed; `style` (the bank's) says which of the optional fields are filled."""

    number: int
    id: str
    kind: str
    style: str
    prompt: str
    quote: tuple[str, ...]  # lines shown in a box under the prompt (the text the question is about)
    points: int
    points_label: str
    key: KeyEntry
    choices: tuple[Mark, ...] = ()  # choice, multi, ox
    stack: tuple[DrawnLayer, ...] = ()  # drawn under the prompt, one layer left blank
    flow: tuple[FlowStep, ...] = ()  # a part of a process drawn under the prompt, the asked step as "?"
    table: Grid | None = None  # the comparison row asked, drawn in the key only (it is the answer)
    rows: tuple[MatchRow, ...] = ()  # match
    slots: tuple[str, ...] = ()  # order: the numbered boxes, top to bottom
    in_flow: bool = False  # order: the slots are the steps of a process, joined by arrows
    pieces: tuple[Mark, ...] = ()  # order: the lettered items to place
    lines: int = 0  # short: writing lines
    image: str = ""  # the author's image for the question, as a data: URI


@dataclass(frozen=True)
class Version:
    """One version (form) of the exam: its questions in its order, with its totals."""

    letter: str
    label: str
    items: tuple[Item, ...]
    points: int
    total_label: str
    instructions: tuple[str, ...]
    give_aways: tuple[tuple[int, int], ...] = ()
    """Question numbers (I, J) where question I shows the answer to question J (see
    `cardgen.bank.sample.give_aways`): none unless the questions to draw from are too few."""

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def grid(self) -> tuple[tuple[Item, ...], ...]:
        """The items in GRID_COLUMNS columns for the key's answer grid, read down the first column first."""
        height = -(-len(self.items) // GRID_COLUMNS)
        return tuple(self.items[start : start + height] for start in range(0, len(self.items), height))


@dataclass(frozen=True)
class Exam:
    """Everything the templates need: the settings, the language and each version."""

    title: str
    settings: ExamSettings
    lang: Lang
    paper: Paper
    versions: tuple[Version, ...]
    command: tuple[str, ...]  # shell-quoted words


# --- choosing and dealing -----------------------------------------------------


def choose_questions(bank: Sequence[Question], settings: ExamSettings) -> list[Question]:
    """The exam's questions, drawn once by the bank's seeded sampler, options already shuffled."""
    kinds, tags = settings.kinds or None, settings.tags or None
    pool = select(bank, kinds=kinds, tags=tags)
    if settings.questions > len(pool):
        raise UsageError(
            f"only {len(pool)} question(s) match, so an exam cannot hold {settings.questions}; "
            f"ask for fewer questions or more kinds and tags"
        )
    return quiz_sets(bank, sets=1, size=settings.questions, seed=settings.seed, kinds=kinds, tags=tags)[0]


def order_questions(
    questions: Sequence[Question], rng: random.Random, taken: Iterable[tuple[str, ...]] = ()
) -> list[Question]:
    """QUESTIONS grouped by style (SECTIONS) and shuffled within each group, avoiding orders already TAKEN."""
    taken = set(taken)
    groups = [[q for q in questions if q.style == style] for style in SECTIONS]
    order: list[Question] = []
    for _ in range(20):  # a repeat is only likely for tiny exams; give up after a few tries
        for group in groups:
            rng.shuffle(group)
        order = [q for group in groups for q in group]
        if tuple(q.id for q in order) not in taken:
            break
    return order


def make_exam(context: Context, settings: ExamSettings) -> Exam:
    """Choose the questions and deal them into SETTINGS.versions versions.

    Version A keeps the options as the bank's sampler shuffled them; every later
    version reshuffles them. Each version has its own question order.
    """
    settings.check()
    if settings.lang is not None and settings.lang != context.lang:
        context = replace(context, lang=settings.lang)  # the questions speak the exam's language too
    questions = choose_questions(context.bank_for(settings.seed, settings.questions), settings)
    lang = settings.lang or context.lang_for(questions)
    settings = replace(settings, lang=lang)  # the key's rebuild command names the language
    t = translator(lang)
    versions: list[Version] = []
    for index in range(settings.versions):
        letter = string.ascii_uppercase[index]
        rng = random.Random(f"cardgen-exam:{settings.seed}:{letter}")
        dealt = questions if index == 0 else shuffle_options(questions, rng)
        ordered = order_questions(dealt, rng, (v.question_ids for v in versions))
        versions.append(replace(_version(letter, ordered, context.base, t), give_aways=tuple(give_aways(ordered))))
    return Exam(
        title=settings.title or default_title(context.base, t),
        settings=settings,
        lang=lang,
        paper=PAPERS[settings.paper],
        versions=tuple(versions),
        command=settings.command(),
    )


def default_title(base: FactBase, t: Translator) -> str:
    """The last level the fact base's decks share: one deck's own (`Docker::1. 가상화` -> `1. 가상화`),
    the parent of chapters (`Docker::1. 가상화`, `Docker::2. 이미지` -> `Docker`), else "Exam"."""
    shared: list[str] = []
    for column in zip(*(deck.split("::") for deck in base.decks()), strict=False):
        if len({level.strip() for level in column}) > 1:
            break
        shared.append(column[0].strip())
    return shared[-1] if shared else t._("Exam")


def _version(letter: str, questions: Sequence[Question], base: FactBase, t: Translator) -> Version:
    items = tuple(_item(number, q, base, t) for number, q in enumerate(questions, start=1))
    points = sum(item.points for item in items)
    present = [style for style in SECTIONS if any(item.style == style for item in items)]
    total = t._(
        "{questions}, {points}",
        questions=t.n_("{n} question", "{n} questions", len(items)),
        points=t.n_("{n} point", "{n} points", points),
    )
    return Version(
        letter=letter,
        label=t._("Version {letter}", letter=letter),
        items=items,
        points=points,
        total_label=total,
        instructions=tuple(t.gettext(line) for style, line in INSTRUCTIONS if style == "all" or style in present),
    )


class _StyleFields(TypedDict, total=False):
    """The optional fields of an `Item` that its question's style fills."""

    choices: tuple[Mark, ...]
    stack: tuple[DrawnLayer, ...]
    flow: tuple[FlowStep, ...]
    table: Grid
    rows: tuple[MatchRow, ...]
    slots: tuple[str, ...]
    in_flow: bool
    pieces: tuple[Mark, ...]
    lines: int


def _item(number: int, q: Question, base: FactBase, t: Translator) -> Item:
    marks = markers(t.lang)
    fields: _StyleFields = {}
    points = q.points or POINTS[q.style]
    accepted: tuple[str, ...] = ()
    answer = answer_text(q, marks)
    brief = answer
    detail: tuple[str, ...] = ()
    match q:
        case Choice():
            fields["choices"] = tuple(Mark(marks.option(i), text) for i, text in enumerate(q.options))
            accepted = q.accepted
            brief = marks.option(q.answer)
            if q.flow:
                fields["flow"] = q.flow
        case MultiChoice():
            fields["choices"] = tuple(Mark(marks.option(i), text) for i, text in enumerate(q.options))
            brief = ", ".join(marks.option(i) for i in q.answers)
        case TrueFalse():
            fields["choices"] = tuple(Mark(marks.truth(value), "") for value in (True, False))
        case Matching():
            lefts = [Mark(marks.number(i), term) for i, term in enumerate(q.terms)]
            rights = [Mark(marks.item(i), text) for i, text in enumerate(q.definitions)]
            fields["rows"] = tuple(MatchRow(left, right) for left, right in zip_longest(lefts, rights))
            points = q.points or points * len(q.terms)
            detail = tuple(
                f"{marks.number(i)} {term} → {marks.item(d)} {q.definitions[d]}"
                for i, (term, d) in enumerate(zip(q.terms, q.answer, strict=True))
            )
        case Ordering():
            fields["slots"] = tuple(marks.number(i) for i in range(len(q.answer)))
            fields["pieces"] = tuple(Mark(marks.item(i), text) for i, text in enumerate(q.pieces))
            brief = ", ".join(f"{marks.number(i)} {marks.item(q.pieces.index(p))}" for i, p in enumerate(q.answer))
            fields["in_flow"] = q.flow
        case FillIn():
            accepted = q.accepted
        case ShortAnswer():
            fields["lines"] = WRITING_LINES
        case _ as unreachable:
            assert_never(unreachable)
    if (drawn := drawing(q)) is not None:
        fields["stack"] = draw_stack(*drawn)
    if (asked := compared(q)) is not None:
        table, cells = asked
        fields["table"] = comparison_grid(table, base, cells, only=cells[0][0])
    prompt, *quote = q.prompt.splitlines()
    if richtext.opens_fence(prompt):  # the question starts with its code: the code is the quote
        prompt, quote = "", [prompt, *quote]
    image = next((f.image for i in q.facts if i in base and isinstance(f := base[i], AuthorQuestion)), None)
    return Item(
        number=number,
        id=q.id,
        kind=q.kind,
        style=q.style,
        prompt=prompt,
        quote=richtext.rich_lines(quote),
        points=points,
        points_label=t.n_("{n} point", "{n} points", points),
        key=KeyEntry(
            answer=answer,
            brief=brief,
            accepted=accepted,
            explanation=richtext.rich_lines(q.explanation.splitlines()),
            sources=tuple(source_ref(base, fact_id, t) for fact_id in dict.fromkeys(q.facts) if fact_id in base),
            detail=detail,
        ),
        image=image.data_uri() if image is not None else "",
        **fields,
    )


def rich_html(value: object) -> Markup:
    """The exam templates' `rich` filter: VALUE escaped as autoescaping does, its rich text
    (`cardgen.richtext`) drawn: code in monospace, bold, formulas as MathML."""
    text = str(value)
    drawn = richtext.to_html(text, _EXAM_HTML) if richtext.has_markup(text) else None
    return escape(text) if drawn is None else Markup(drawn)


def _exam_escape(text: str) -> str:
    return str(escape(text)).replace("\n", "<br>")


def _exam_math(formula: richtext.Math) -> str:
    drawn = richtext.mathml(formula.tex, formula.display)
    return drawn if drawn is not None else f"<code{_EXAM_HTML.code}>{escape(formula.tex)}</code>"


# Styled in place, so papers without rich text keep their stylesheet as it was.
_MONO = "font-family: 'DejaVu Sans Mono', 'Liberation Mono', 'Noto Sans Mono CJK KR', monospace; font-size: 0.92em"
_EXAM_HTML = richtext.HtmlStyle(
    escape=_exam_escape,
    math=_exam_math,
    newline="<br>",
    code=f' class="cg-code" style="{_MONO}"',
    code_block=(
        f' class="cg-code-block" style="{_MONO}; display: block; margin: 1mm 0; padding: 1.5mm 2.5mm;'
        " text-align: left; text-indent: 0; white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere;"
        ' line-height: 1.35; border: 0.25mm solid #777"'
    ),
)


def source_ref(base: FactBase, fact_id: str, t: Translator) -> SourceRef:
    """The fact FACT_ID as the key names it: what a student knows it by, and its file within the base."""
    return SourceRef(fact_name(base, base[fact_id], t), relative_file(base, base[fact_id].meta.loc.file))


def fact_name(base: FactBase, fact: Fact, t: Translator) -> str:
    """FACT's name as a student sees it: a term, a stack's title, `하이퍼바이저의 장단점`."""
    match fact:
        case Definition():
            return fact.label
        case ProsCons():
            return t._("Pros and cons of {concept}", concept=base.definition(fact.concept).label)
        case Taxonomy():
            return t._("Kinds of {concept}", concept=base.definition(fact.parent).label)
        case Stack() | Process():
            return fact.title
        case Scenario():
            return fact.text.splitlines()[0]
        case AuthorQuestion():
            return fact.question.splitlines()[0]
        case ComparisonTable():
            return fact.title
        case _ as unreachable:
            assert_never(unreachable)


def relative_file(base: FactBase, file: str) -> str:
    """FILE as a path within the folder that holds all of BASE's files (`hypervisor.yaml`, `net/tcp.yaml`)."""
    folders = [os.path.dirname(path) for path in base.files] or [os.path.dirname(file)]
    return Path(os.path.relpath(file, os.path.commonpath(folders))).as_posix()


def draw_stack(stack: Stack, hidden: int | None) -> tuple[DrawnLayer, ...]:
    """STACK's layers top to bottom, the one at index HIDDEN left blank (its name never printed)."""
    return tuple(
        DrawnLayer(
            boxes=("" if row.hidden else row.name,) * row.count,
            blank=row.hidden,
            times=row.times,
            note=row.note,
            band=row.band,
            band_rows=row.band_rows,
            image=row.image.data_uri() if row.image is not None else "",
        )
        for row in stack_rows(stack, hidden)
    )


# --- files ------------------------------------------------------------------


def file_stem(seed: int, letter: str, role: str) -> str:
    """`exam-s7-A` for a paper, `exam-s7-A-key` for its key: the seed in the name, so exams
    of different seeds share a folder without replacing each other."""
    stem = f"exam-s{seed}-{letter}"
    return stem if role == "paper" else f"{stem}-key"


def give_away_notes(exam: Exam) -> list[str]:
    """A line for each paper of EXAM on which questions give each other's answers away."""
    return [
        give_away_note(file_stem(exam.settings.seed, version.letter, "paper"), version.give_aways, len(version.items))
        for version in exam.versions
        if version.give_aways
    ]


def render_exam(exam: Exam, templates: Path | None = None) -> dict[str, str]:
    """Each version's paper and key as HTML, keyed by file name, in version order."""
    from cardgen.emit.templating import environment, render

    env = environment(templates, lang=exam.lang)
    env.filters["rich"] = rich_html
    pages: dict[str, str] = {}
    for version in exam.versions:
        for role in ("paper", "key"):
            html = render(env, f"exam/{role}.html", exam=exam, version=version)
            pages[file_stem(exam.settings.seed, version.letter, role) + ".html"] = html
    return pages


def exam_files(exam: Exam, *, templates: Path | None = None, browser: str | None = None) -> dict[str, bytes]:
    """EXAM's HTML files by name and, given a BROWSER to print with, a PDF of each."""
    files = {name: html.encode("utf-8") for name, html in render_exam(exam, templates).items()}
    if browser is not None:
        files |= _print_all(files, browser)
    return files


def _print_all(pages: dict[str, bytes], browser: str) -> dict[str, bytes]:
    import tempfile

    from cardgen.emit import pdf as printer

    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="cardgen-print-") as scratch:
        for name, html in pages.items():
            source = Path(scratch) / name
            source.write_bytes(html)
            printed = printer.print_pdf(source, source.with_suffix(".pdf"), browser)
            out[printed.name] = printed.read_bytes()
    return out


def default_exam_files(context: Context, warn: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """The exam `cardgen build` writes: 2 versions of up to DEFAULT_QUESTIONS questions, seed 0, HTML only.

    A fact base that yields no question gets no exam rather than a failed build. WARN hears
    of questions that give each other's answers away (`give_away_notes`).
    """
    available = len(context.bank)
    if not available:
        return {}
    sources = tuple(str(path) for path in context.paths) or (source_of(context.base),)
    settings = ExamSettings(questions=min(DEFAULT_QUESTIONS, available), sources=sources)
    exam = make_exam(context, settings)
    if warn is not None:
        for note in give_away_notes(exam):
            warn(note)
    return exam_files(exam)


def source_of(base: FactBase) -> str:
    """How to name BASE's files on a command line: the one file, or the folder they share."""
    if len(base.files) == 1:
        return base.files[0]
    return os.path.commonpath(base.files) if base.files else "facts"
