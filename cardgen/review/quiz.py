"""`cardgen quiz`: turn the fact base into review items, open the store, run a session in the terminal.

Modes choose what is reviewed, each thing always under its own schedule key:
- flash (default): every card (`cardgen.cards`) but the type-in ones, front then back, self-graded;
- typed: the cards that have typed answers, checked leniently (`cardgen.review.compare`);
- choice: the choice questions of the bank (`cardgen.bank`), the author's "choose all that
  apply" questions among them;
- mixed: all of them, each card typed when it has typed answers, the kinds taken in turn.

Flash is the default: it needs only the cards, so it starts fastest on a big fact base.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cardgen.errors import StreamClosed, UsageError
from cardgen.factbase.kinds import CARD_TITLES
from cardgen.lang import N_, Lang, Translator, translator
from cardgen.richtext import plain

if TYPE_CHECKING:
    from cardgen.bank.question import Choice, FillIn, MultiChoice, Question
    from cardgen.cards import Card
    from cardgen.context import Context
    from cardgen.factbase.model import FactBase
    from cardgen.media import Image
    from cardgen.present import Grid
    from cardgen.review.layout import Layout
    from cardgen.review.session import Item

MODES = ("flash", "typed", "choice", "mixed")

# The title a choice question is shown under, by the bank's kind: plain words, never the kind's id.
QUESTION_TITLES = {
    "term_from_definition": N_("definition → term"),
    "definition_from_term": N_("term → definition"),
    "pro_of": N_("advantages"),
    "con_of": N_("disadvantages"),
    "ox_pro": N_("advantages: true or false"),
    "ox_con": N_("disadvantages: true or false"),
    "ox_example": N_("examples: true or false"),
    "stack_order": N_("stack: the layers in order"),
    "stack_missing_choice": N_("stack: the missing layer"),
    "stack_missing_fill": N_("stack: the missing layer"),
    "detail_fill": N_("detail: the missing term"),
    "stack_above": N_("stack: the layer above"),
    "stack_below": N_("stack: the layer below"),
    "stack_cross": N_("stacks compared"),
    "stack_band": N_("stack: the band of a layer"),
    "stack_band_ox": N_("stack: the band of a layer"),
    "process_next": N_("process: the next step"),
    "process_previous": N_("process: the step before"),
    "process_step": N_("process: which step?"),
    "kind_of": N_("taxonomy: a kind of what?"),
    "odd_one_out": N_("taxonomy: the odd one out"),
    "matching": N_("matching"),
    "author": N_("question"),
    "author_choice": N_("question"),
    "author_multi": N_("question"),
    "compare_which": N_("comparison: which one?"),
    "compare_match": N_("comparison: match the values"),
    "compare_ox": N_("comparison: true or false"),
}
OTHER_TITLE = N_("question")

# The bank's fill-ins that typed and mixed sessions ask: those that no card asks already (a
# stack's missing layer is a flash card and a choice question; a detail is on no card's front).
TYPED_KINDS = ("detail_fill",)


@dataclass(frozen=True)
class QuizOptions:
    mode: str = "flash"
    tags: tuple[str, ...] = ()
    new: int = 20
    cram: bool = False
    limit: int | None = None
    state: Path | None = None


def state_path(explicit: Path | None, environ: dict[str, str] | None = None) -> Path:
    """--state, else $CARDGEN_STATE, else the user data directory."""
    from cardgen.review.store import STATE_ENV, default_path

    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    if env.get(STATE_ENV):
        return Path(env[STATE_ENV])
    return default_path()


def session_lang(context: Context) -> Lang:
    """The language of a session's screens: `--lang`, else the one most of the facts are written in."""
    return context.lang_of_base()


def items_for(context: Context, mode: str) -> tuple[Item, ...]:
    """The review items of MODE, in fact-base order, titled in the session's language."""
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}'; choose one of: {', '.join(MODES)}")
    t = translator(session_lang(context))
    items: list[Item] = []
    where = _places(context)
    if mode in ("flash", "typed", "mixed"):
        items += card_items(context.cards, mode, t, where)
    if mode in ("typed", "mixed"):
        items += fill_items(context.bank, t, where)
    if mode in ("choice", "mixed"):
        items += choice_items(context.bank, t, where, context.base)
    return tuple(items)


def _places(context: Context) -> dict[str, tuple[str, int]]:
    """Each fact's file and line, for opening it in an editor."""
    return {fact.id: (fact.meta.loc.file, fact.meta.loc.line) for fact in context.base.facts() if fact.meta.loc.line}


def card_items(
    cards: Sequence[Card], mode: str, t: Translator | None = None, where: dict[str, tuple[str, int]] | None = None
) -> list[Item]:
    """Cards as review items; in typed and mixed mode a type-in card is typed, others are flash.

    Flash mode leaves the type-in cards out: their prompt asks for typing, and the
    self-graded reverse card of the same definition already asks for the term.
    """
    from cardgen.review.session import Item

    t = t or translator("en")
    where = where or {}
    out: list[Item] = []
    for card in cards:
        typed = card.is_typein and mode != "flash"
        if (mode == "typed" and not typed) or (mode == "flash" and card.is_typein):
            continue
        family = card.family
        out.append(
            Item(
                key=card.key,
                style="typed" if typed else "flash",
                fact_id=card.fact_id,
                title=t.gettext(CARD_TITLES[family]),
                faces=_card_faces(card, t),
                accepted=tuple(map(plain, card.answers)),
                tags=card.tags,
                where=where.get(card.fact_id),
                layout=_card_layout(card, t),
            )
        )
    return out


def choice_items(
    bank: Sequence[Question],
    t: Translator | None = None,
    where: dict[str, tuple[str, int]] | None = None,
    base: FactBase | None = None,
) -> list[Item]:
    """The bank's choice questions (one right option, or several) as review items.

    Options are shuffled once with a fixed seed, spreading the right answers evenly
    over the positions, so a question looks the same in every session. With the fact
    BASE, a question about a comparison shows the row it asks with its answer.
    """
    import random

    from cardgen.bank.question import Choice, MultiChoice
    from cardgen.bank.sample import shuffle_options
    from cardgen.review.session import Item

    t = t or translator("en")
    where = where or {}
    out: list[Item] = []
    for q in shuffle_options([q for q in bank if isinstance(q, Choice | MultiChoice)], random.Random(0)):
        assert isinstance(q, Choice | MultiChoice)
        multi = isinstance(q, MultiChoice)
        out.append(
            Item(
                key=q.id,
                style="multi" if multi else "choice",
                fact_id=q.facts[0] if q.facts else q.id,
                title=t.gettext(QUESTION_TITLES.get(q.kind, OTHER_TITLE)),
                faces=_choice_faces(q, base, t),
                options=tuple(map(plain, q.options)),
                correct=q.answer if isinstance(q, Choice) else None,
                right=q.answers if isinstance(q, MultiChoice) else (),
                tags=q.tags,
                where=where.get(q.facts[0]) if q.facts else None,
                layout=_choice_layout(q, base, t),
            )
        )
    return out


def fill_items(
    bank: Sequence[Question], t: Translator | None = None, where: dict[str, tuple[str, int]] | None = None
) -> list[Item]:
    """The bank's fill-ins of `TYPED_KINDS` as typed items: the sentence with its blank on the
    front; the term, then the whole sentence, on the back. Every accepted name of the term counts."""
    from cardgen.bank.question import FillIn
    from cardgen.review.layout import fill_layout
    from cardgen.review.session import Item

    t = t or translator("en")
    where = where or {}
    out: list[Item] = []
    for q in bank:
        if not isinstance(q, FillIn) or q.kind not in TYPED_KINDS:
            continue
        out.append(
            Item(
                key=q.id,
                style="typed",
                fact_id=q.facts[0] if q.facts else q.id,
                title=t.gettext(QUESTION_TITLES.get(q.kind, OTHER_TITLE)),
                faces=_fill_faces(q),
                accepted=tuple(map(plain, (q.answer, *q.accepted))),
                tags=q.tags,
                where=where.get(q.facts[0]) if q.facts else None,
                layout=partial(fill_layout, q),
            )
        )
    return out


def _fill_faces(question: FillIn) -> Callable[[], tuple[str, str]]:
    back = (question.answer, question.explanation) if question.explanation else (question.answer,)
    return lambda: (plain(question.prompt), "\n".join(map(plain, back)))


def _card_layout(card: Card, t: Translator) -> Callable[[], Layout]:
    from cardgen.review.layout import card_layout

    return lambda: card_layout(card, _image_lines(card.images, t))


def _choice_layout(question: Choice | MultiChoice, base: FactBase | None, t: Translator) -> Callable[[], Layout]:
    from cardgen.review.layout import choice_layout

    return lambda: choice_layout(
        question, _asked_row(question, base), _image_lines(_question_images(question, base), t)
    )


def _asked_row(question: Choice | MultiChoice, base: FactBase | None) -> Grid | None:
    """The comparison row QUESTION asks, its asked cells marked, if it asks one and BASE names the concepts."""
    from cardgen.bank.question import compared
    from cardgen.present import comparison_grid

    asked = compared(question)
    if asked is None or base is None:
        return None
    table, cells = asked
    return comparison_grid(table, base, cells, only=cells[0][0])


def _question_images(question: Choice | MultiChoice, base: FactBase | None) -> list[Image]:
    """The images a choice question shows with its answer: the author's, then those of the shown layers
    of the stack drawn with it (never the asked layer's, which could give it away)."""
    from cardgen.bank.question import drawing
    from cardgen.factbase.model import AuthorQuestion

    images: list[Image] = []
    if base is not None:
        facts = [base[fact_id] for fact_id in question.facts if fact_id in base]
        images += [fact.image for fact in facts if isinstance(fact, AuthorQuestion) and fact.image is not None]
    if (drawn := drawing(question)) is not None:
        stack, hidden = drawn
        images += [layer.image for i, layer in enumerate(stack.layers) if layer.image is not None and i != hidden]
    return images


def _image_lines(images: Sequence[Image], t: Translator) -> tuple[str, ...]:
    """`[image: layers.png]`, a line per image (each once): the terminal cannot draw them."""
    names = dict.fromkeys(image.shown_name for image in images)
    return tuple(t._("[image: {name}]", name=name) for name in names)


def _card_faces(card: Card, t: Translator) -> Callable[[], tuple[str, str]]:
    """The card as plain text (`Card.front`, `Card.back`), the back ending with its images' lines."""
    return lambda: (card.front, "\n".join([card.back, *_image_lines(card.images, t)]))


def _choice_faces(
    question: Choice | MultiChoice, base: FactBase | None, t: Translator
) -> Callable[[], tuple[str, str]]:
    return lambda: (_question_front(question), _question_back(question, base, t))


def _question_back(question: Choice | MultiChoice, base: FactBase | None, t: Translator) -> str:
    from cardgen.present import draw_grid_text

    table = _asked_row(question, base)
    parts = [plain(question.explanation)] if question.explanation else []
    if table is not None:
        parts.append(draw_grid_text(table))
    parts += _image_lines(_question_images(question, base), t)
    return "\n".join(parts)


def _question_front(question: Choice | MultiChoice) -> str:
    """The question as plain text, with the stack or the steps drawn with it."""
    from cardgen.bank.question import drawing, flow_drawn
    from cardgen.present import draw_flow_text, draw_stack_text

    parts = [plain(question.prompt)]
    if (drawn := drawing(question)) is not None:
        parts.append(draw_stack_text(*drawn))
    if flow := flow_drawn(question):
        parts.append(draw_flow_text(flow))
    return "\n".join(parts)


def _selected(context: Context, options: QuizOptions) -> tuple[Item, ...]:
    from cardgen.review.session import filter_tags

    items = filter_tags(items_for(context, options.mode), options.tags)
    if not items:
        what = f" tagged {', '.join(options.tags)}" if options.tags else ""
        where = ", ".join(str(path) for path in context.paths) or "the fact base"
        raise UsageError(f"no {options.mode} items{what} in {where}")
    return items


def run(context: Context, options: QuizOptions, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run one session on the terminal; the exit code (130 after Ctrl-C, else 0)."""
    import signal
    from contextlib import AbstractContextManager, nullcontext

    from cardgen.review.schedule import clock_from_env, fuzz_from_env, make_scheduler
    from cardgen.review.session import Session
    from cardgen.review.store import Store
    from cardgen.review.terminal import LineKeys, RichScreen, TtyKeys, open_editor

    stdin = _open_stream(stdin or sys.stdin, "input", "cardgen quiz reads the answers from it")
    stdout = _open_stream(stdout or sys.stdout, "output", "cardgen quiz shows the cards on it")
    clock = clock_from_env()
    scheduler = make_scheduler(fuzz_from_env())
    items = _selected(context, options)
    lang = session_lang(context)
    with Store.open(state_path(options.state), readonly=options.cram) as store:
        screen = RichScreen.for_stream(stdout, lang)
        keys: TtyKeys | LineKeys
        terminal: AbstractContextManager[TtyKeys | LineKeys]
        if stdin.isatty():
            # Ctrl-C must end the session even when cardgen was started with SIGINT
            # ignored (from nohup, or a shell's background job): the terminal turns the
            # key into that signal, so an ignored one would swallow it.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            keys = TtyKeys(stdin.fileno())
            terminal = keys
        else:
            keys = LineKeys(stdin, echo=stdout, lang=lang)
            terminal = nullcontext(keys)
        session = Session(
            items,
            store,
            scheduler,
            screen,
            keys,
            clock,
            mode=options.mode,
            new_per_day=options.new,
            cram=options.cram,
            limit=options.limit,
            lang=lang,
            edit=lambda file, line: open_editor(file, line, keys, translator(lang)),
        )
        with terminal:
            summary = session.run()
        screen.summary(summary)
    return 130 if summary.interrupted else 0


def show_stats(context: Context, options: QuizOptions, stdout: TextIO | None = None) -> None:
    """Print due counts, retention and cards by state for the selected items."""
    from cardgen.review.schedule import clock_from_env
    from cardgen.review.session import stats
    from cardgen.review.store import Store
    from cardgen.review.terminal import RichScreen

    stdout = _open_stream(stdout or sys.stdout, "output", "there is nowhere to show the statistics")
    items = _selected(context, options)
    facts = {fact.id for fact in context.base.facts()}
    with Store.open(state_path(options.state), readonly=True) as store:
        report = stats(items, store, clock_from_env()(), facts=facts, new_per_day=options.new)
    RichScreen.for_stream(stdout or sys.stdout, session_lang(context)).stats(report)


def unsuspend(context: Context, options: QuizOptions, stdout: TextIO | None = None) -> int:
    """Bring back the suspended items among the selected ones; print and return how many."""
    from cardgen.review.store import Store

    stdout = _open_stream(stdout or sys.stdout, "output", "there is nowhere to say what was brought back")
    items = _selected(context, options)
    with Store.open(state_path(options.state)) as store:
        released = store.release([item.key for item in items], "suspended")
    t = translator(session_lang(context))
    stdout.write(t.n_("{n} suspended card brought back.", "{n} suspended cards brought back.", released) + "\n")
    return released


def _open_stream(stream: TextIO | None, name: str, need: str) -> TextIO:
    """STREAM, which Python sets to None when the shell started cardgen with it closed."""
    if stream is None:
        raise StreamClosed(name, need)
    return stream
