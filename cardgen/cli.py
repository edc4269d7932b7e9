"""The command line: each command parses its options and calls one library function.

Heavy libraries (genanki, jinja2, fsrs) are imported inside the commands that use
them, so `cardgen --help` costs little more than typer itself.
"""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from cardgen import __version__

if TYPE_CHECKING:
    # typer 0.28 vendors click; TyperGroup.invoke takes this Context, not typer.Context (a subclass).
    from typer._click import Context

    from cardgen.lang import Lang as LangCode

FACTS = Path("facts")  # where `cardgen init` writes by default, and where a command looks without a project
# The choices as the library knows them, repeated here so that `--help` needs no heavy import;
# tests/test_cli.py checks that they agree.


class Mode(StrEnum):
    flash = "flash"
    typed = "typed"
    choice = "choice"
    mixed = "mixed"


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


class Lang(StrEnum):
    ko = "ko"
    en = "en"


class Format(StrEnum):
    json = "json"
    md = "md"
    csv = "csv"
    tsv = "tsv"


class _Group(TyperGroup):
    """Turns a user's mistake into a plain message and an exit code, never a traceback."""

    def invoke(self, ctx: "Context") -> Any:
        from cardgen.errors import CardgenError, FactError  # here, not at the top: `--help` never needs it
        from cardgen.text import terminal_safe

        try:
            return super().invoke(ctx)
        except CardgenError as exc:
            # Messages echo keys, ids and paths from the user's files, escapes and all.
            typer.secho(terminal_safe(_message(exc, ctx)), fg="red", err=True)
            if isinstance(exc, FactError) and exc.problems:
                typer.secho(f"{len(exc.problems)} problem(s) found.", fg="red", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(130) from None


def _message(exc: Exception, ctx: "Context") -> str:
    """EXC's message; a missing fact base is told in the command's `--lang`, with that command."""
    from cardgen.errors import NoFactBase
    from cardgen.lang import translator

    if not isinstance(exc, NoFactBase):
        return str(exc)
    command = ctx.invoked_subcommand or "build"
    example = "cardgen draft NOTE.md --into PATH" if command == "draft" else f"cardgen {command} PATH"
    return exc.advice(translator(ctx.meta.get(_LANG_KEY) or "en"), example)


_LANG_KEY = "cardgen.lang"


def _remember_lang(ctx: typer.Context, value: Lang | None) -> Lang | None:
    """Keep `--lang` where the error boundary finds it (a context's `meta` is shared with its parent)."""
    if value is not None:
        ctx.meta[_LANG_KEY] = value.value
    return value


app = typer.Typer(
    cls=_Group,
    help="Study material from a fact base: Anki decks, printable exams, quiz sets and a terminal quiz.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathArg = typer.Argument(
    None,
    help="Fact files, folders of them, or project folders (with cardgen.yaml); all load as one base."
    " Default: the current folder if it holds cardgen.yaml, else facts/.",
    metavar="[PATH]...",
    show_default=False,
)
KindsOpt = typer.Option(None, "--kinds", help="Only these question kinds (repeat or comma-separate).")
TagsOpt = typer.Option(None, "--tags", help="Only questions carrying one of these tags (repeat or comma-separate).")
LangOpt = typer.Option(
    None,
    "--lang",
    help="Write in this language (default: each fact file's 'lang', else ko).",
    callback=_remember_lang,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cardgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool | None = typer.Option(
        None, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Study material from a fact base: Anki decks, printable exams, quiz sets and a terminal quiz."""


@app.command()
def validate(paths: list[Path] | None = PathArg) -> None:
    """Check the fact base and report every problem as file:line."""
    from cardgen.factbase.loader import load
    from cardgen.text import terminal_safe

    named = _named(paths)
    base = load(*named)
    where = " ".join(str(path) for path in named)
    typer.echo(terminal_safe(f"{where}: {len(base)} facts in {len(base.files)} file(s), no problems."))


@app.command()
def stats(paths: list[Path] | None = PathArg) -> None:
    """Summarise the fact base: facts per kind, per file and per tag."""
    from cardgen.factbase.loader import load
    from cardgen.factbase.stats import summary
    from cardgen.text import terminal_safe

    typer.echo(terminal_safe(summary(load(*_named(paths)))), nl=False)


class Listing(StrEnum):
    md = "md"
    json = "json"


@app.command()
def questions(
    paths: list[Path] | None = PathArg,
    fmt: Listing = typer.Option(Listing.md, "--format", help="Markdown to read, or JSON."),
    lang: Lang | None = LangOpt,
) -> None:
    """List the whole question bank: ids, options, keys and the facts behind each."""
    from cardgen.context import load_context
    from cardgen.emit.listing import questions_json, questions_markdown

    context = load_context(*_named(paths), lang=_lang(lang))
    typer.echo(questions_json(context) if fmt is Listing.json else questions_markdown(context), nl=False)


@app.command()
def audit(
    paths: list[Path] | None = PathArg,
    strict: bool = typer.Option(False, "--strict", help="Exit with status 1 when anything is found."),
    lang: Lang | None = LangOpt,
) -> None:
    """Report at file:line what makes questions a teacher would not sign, and what the bank left out."""
    from cardgen.bank.audit import audit as run_audit
    from cardgen.factbase.loader import load

    named = _named(paths)
    findings = run_audit(load(*named), _lang(lang))
    for finding in findings:
        typer.echo(str(finding))
    typer.echo(f"{' '.join(str(path) for path in named)}: {len(findings)} finding(s).", err=True)
    if strict and findings:
        raise typer.Exit(1)


@app.command()
def init(
    folder: Path = typer.Argument(FACTS, help="The folder to write the starter into: new or empty."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="The language of the starter's facts."),
) -> None:
    """Start a fact base: a small example with every fact kind, each key explained, to edit into yours."""
    from cardgen.lang import as_lang
    from cardgen.starter import next_steps, write_starter
    from cardgen.text import terminal_safe

    code = as_lang(lang.value)
    written = write_starter(folder, code)
    typer.echo(terminal_safe(next_steps(folder, written, code)), nl=False)


DRAFT_SHAPES = """\b
Shapes it reads, with an example of each:
  front matter      title: "[Docker] 1. 컨테이너"
                    ->  deck Docker::1. 컨테이너
  definition        ## 가상화 (`Virtualization`) : 컴퓨터 자원의 추상화
                    - Virtual Private Network (VPN): an encrypted tunnel
  details/example   - a line under a term; a trailing (`JVM`) is an example
  kinds             terms nested under a term (headings or list items)
  pros and cons     - 장점 : 오버헤드가 적음 / 효율적 (vs 에뮬레이터 : 느림)
                    - Pros: fast / cheap    - Cons: fragile
  shortcoming       - 부가 기능 부족   - No retry   (a con, # check:)
                    last word 부족 없음 어려움 불가 미지원 못함 느림;
                    No/Lacks/Cannot/Not first, or "is missing" last
  stacks            > scenario text
                    > - 에뮬레이션 : 앱 ×3 ⊂ 에뮬레이터 ×3 ⊂ 하드웨어
  question          - Q. Why? : because   (a chain under it is its stack)
  reversed line     - (가상의) 저장 장치 : 클라우드 (`Cloud`)   (# check:)
"""


DIST = Path("dist")
OutOpt = typer.Option(DIST, "-o", "--out", help="The folder to write into.", show_default=True)


@app.command()
def anki(
    paths: list[Path] | None = PathArg,
    out: Path = OutOpt,
    by_kind: bool = typer.Option(False, "--by-kind", help="Also print how many cards of each kind were made."),
    lang: Lang | None = LangOpt,
) -> None:
    """Write one Anki package (.apkg) per deck; re-importing it updates cards in place."""
    from cardgen.build import anki as run_anki
    from cardgen.emit.anki import summary
    from cardgen.text import terminal_safe

    result, _ = run_anki(_named(paths), out, lang=_lang(lang))
    typer.echo(terminal_safe(summary(result, out, by_kind=by_kind)), nl=False)


@app.command()
def build(paths: list[Path] | None = PathArg, out: Path = OutOpt, lang: Lang | None = LangOpt) -> None:
    """Run every generator into OUT at once; a failed build leaves OUT as it was."""
    from cardgen.build import build as run_build
    from cardgen.build import stderr_reporter

    for file in run_build(_named(paths), out, report=stderr_reporter(), lang=_lang(lang)):
        typer.echo(file)


@app.command()
def quiz(
    paths: list[Path] | None = PathArg,
    mode: Mode = typer.Option(
        Mode.flash,
        "--mode",
        "-m",
        help="flash (self-graded cards), typed (type the term), choice (single-choice questions) or mixed (all).",
    ),
    tags: list[str] | None = typer.Option(
        None, "--tags", "-t", help="Only items with one of these tags; repeat the option or separate with commas."
    ),
    new: int = typer.Option(20, "--new", min=0, help="New cards a day (counted per local calendar day)."),
    cram: bool = typer.Option(False, "--cram", help="Ask everything selected, ignore due dates, save nothing."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Ask at most this many cards."),
    state: Path | None = typer.Option(
        None,
        "--state",
        envvar="CARDGEN_STATE",
        help="The review state file (default: state.sqlite3 in the user data folder).",
    ),
    show_stats: bool = typer.Option(
        False, "--stats", help="Show due counts, retention and cards by state instead of reviewing."
    ),
    unsuspend: bool = typer.Option(
        False, "--unsuspend", help="Bring back the selected cards suspended with s, instead of reviewing."
    ),
    lang: Lang | None = LangOpt,
) -> None:
    """Review cards in the terminal with spaced repetition (FSRS); every answer is saved at once."""
    from cardgen.context import load_context
    from cardgen.review import quiz as session

    context = load_context(*_named(paths), lang=_lang(lang))
    options = session.QuizOptions(mode.value, tuple(_split(tags) or ()), new, cram, limit, state)
    if show_stats:
        session.show_stats(context, options)
        return
    if unsuspend:
        session.unsuspend(context, options)
        return
    raise typer.Exit(session.run(context, options))


@app.command()
def exam(
    paths: list[Path] | None = PathArg,
    versions: int = typer.Option(2, "--versions", help="How many versions (A, B, C...) to make."),
    questions: int = typer.Option(20, "--questions", help="Questions per exam."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random choice; the same seed rebuilds the same exam."),
    title: str | None = typer.Option(None, "--title", help="Title printed on every page."),
    kinds: list[str] | None = KindsOpt,
    tags: list[str] | None = TagsOpt,
    paper: Paper = typer.Option(Paper.a4, "--paper", help="Paper size."),
    lang: Lang | None = LangOpt,
    pdf: bool = typer.Option(False, "--pdf", help="Also print each HTML file to PDF with a Chromium-family browser."),
    browser: str | None = typer.Option(
        None,
        "--browser",
        help="The browser to print with (default: $CARDGEN_BROWSER, then chromium or chrome on PATH).",
    ),
    templates: Path | None = typer.Option(
        None,
        "--templates",
        help="A folder of templates that override the shipped ones by name (e.g. exam/header.html).",
    ),
    out: Path = typer.Option(Path("dist/exams"), "-o", "--out", help="Folder to write the exams into."),
) -> None:
    """Write printable exams: one HTML paper and one key per version, optionally as PDF."""
    from cardgen.build import exam as run_exam
    from cardgen.emit.exam import ExamSettings

    _check_seed(seed)
    named = _named(paths)
    settings = ExamSettings(
        versions=versions,
        questions=questions,
        seed=seed,
        title=title,
        kinds=tuple(_split(kinds) or ()),
        tags=tuple(_split(tags) or ()),
        paper=paper.value,
        lang=_lang(lang),
        sources=tuple(str(path) for path in named),
    )
    warn = _Warnings("exam", "fewer --questions, or a wider --kinds/--tags choice, leaves fewer such pairs")
    for file in run_exam(named, settings, out, templates=templates, pdf=pdf, browser=browser, warn=warn):
        typer.echo(file)
    warn.advise()


class _Warnings:
    """Warnings of one command on stderr, the first SHOWN of them; `advise` then says how many
    more there were and, once, what avoids them."""

    SHOWN = 5

    def __init__(self, command: str, advice: str) -> None:
        self.command = command
        self.advice = advice
        self.given = 0

    def __call__(self, note: str) -> None:
        from cardgen.text import terminal_safe

        self.given += 1
        if self.given <= self.SHOWN:
            typer.secho(terminal_safe(f"cardgen {self.command}: warning: {note}"), fg="yellow", err=True)

    def advise(self) -> None:
        if self.given > self.SHOWN:
            more = self.given - self.SHOWN
            typer.secho(f"cardgen {self.command}: warning: and {more} more file(s) like these", fg="yellow", err=True)
        if self.given:
            typer.secho(f"cardgen {self.command}: {self.advice}", fg="yellow", err=True)


# A seed is written into every file name (exam-s<seed>-A.html): 19 digits keep the name short.
SEED_RANGE = (-(2**63), 2**63 - 1)
# Each set is drawn and written in turn: beyond this a typo would run for hours.
MAX_SETS = 10_000


def _check_seed(seed: int) -> None:
    low, high = SEED_RANGE
    if not low <= seed <= high:
        from cardgen.errors import UsageError

        raise UsageError(f"--seed: a {len(str(abs(seed)))}-digit seed is too large; give one from {low} to {high}")


def _lang(value: Lang | None) -> "LangCode | None":
    """The `--lang` choice as the library's language code."""
    from cardgen.lang import as_lang

    return None if value is None else as_lang(value.value)


def _named(paths: list[Path] | None) -> tuple[Path, ...]:
    """The fact paths given, else the default: the current folder if it is a project, else facts/."""
    from cardgen.factbase.loader import default_paths

    return tuple(paths or ()) or default_paths()


def _split(values: list[str] | None) -> list[str] | None:
    """Repeated options and comma-separated lists mean the same: `--kinds a,b` = `--kinds a --kinds b`."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.command()
def quizset(
    paths: list[Path] | None = PathArg,
    sets: int = typer.Option(1, "--sets", help="How many sets to draw."),
    size: int = typer.Option(10, "--size", help="Questions per set."),
    seed: int = typer.Option(0, "--seed", help="Seed of every random choice; the same seed gives the same files."),
    kinds: list[str] | None = KindsOpt,
    tags: list[str] | None = TagsOpt,
    formats: list[Format] = typer.Option(
        [Format.json], "--format", help="A file format; repeat the option for several."
    ),
    out: Path = typer.Option(Path("dist/quizsets"), "-o", "--out", help="Folder to write the sets into."),
    lang: Lang | None = LangOpt,
) -> None:
    """Draw randomized quiz sets from the question bank and write them as JSON, Markdown, CSV or TSV."""
    from cardgen.build import quizsets
    from cardgen.errors import UsageError

    _check_seed(seed)
    if sets > MAX_SETS:
        raise UsageError(f"--sets: at most {MAX_SETS} sets at once, not {sets}")
    warn = _Warnings("quizset", "a smaller --size, or a wider --kinds/--tags choice, leaves fewer such pairs")
    for file in quizsets(
        _named(paths),
        out,
        formats=[f.value for f in formats],
        sets=sets,
        size=size,
        seed=seed,
        kinds=_split(kinds),
        tags=_split(tags),
        lang=_lang(lang),
        warn=warn,
    ):
        typer.echo(file)
    warn.advise()


@app.command(epilog=DRAFT_SHAPES)
def draft(
    notes: list[Path] = typer.Argument(..., help="Markdown notes to draft from.", show_default=False),
    out: Path | None = typer.Option(
        None, "-o", "--out", help="Write the draft to this file (new, or drafted before) instead of stdout."
    ),
    into: Path | None = typer.Option(
        None, "--into", help="Add only new facts and points to this existing fact base (file or folder)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --into: print the diff, write nothing."),
) -> None:
    """Draft a fact file from Markdown study notes, for the author to review."""
    from cardgen.draft import run

    if out is not None and into is not None:
        raise typer.BadParameter("give -o or --into, not both")
    if into is not None:
        typer.echo(run.draft_into(notes, into, dry_run=dry_run).text, nl=False)
    elif out is not None:
        typer.echo(run.draft_to_file(notes, out).text, nl=False)
    else:
        typer.echo(run.draft_to_text(notes), nl=False)


def main() -> None:
    app(prog_name="cardgen")
