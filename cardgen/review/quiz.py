"""`cardgen quiz`: turn the fact base into review items, open the store, run a session in the terminal.

Modes choose what is reviewed, each thing always under its own schedule key:
- flash (default): every card (`cardgen.cards`), front then back, self-graded;
- typed: the cards that have typed answers, checked leniently (`cardgen.review.compare`);
- choice: the choice questions of the bank (`cardgen.bank`), the author's "choose all that
  apply" questions among them;
- mixed: all of them, each card typed when it has typed answers.

Flash is the default: it needs only the cards, so it starts fastest on a big fact base.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cardgen.errors import StreamClosed, UsageError
from cardgen.factbase.kinds import CARD_TITLES
from cardgen.lang import N_, Lang, Translator, translator
from cardgen.richtext import plain

if TYPE_CHECKING:
    from cardgen.bank.question import Choice, MultiChoice, Question
    from cardgen.cards import Card
    from cardgen.context import Context
    from cardgen.review.session import Item

MODES = ("flash", "typed", "choice", "mixed")

# The title a choice question is shown under, by the bank's kind.
QUESTION_TITLES = {
    "term_from_definition": N_("definition → term"),
    "definition_from_term": N_("term → definition"),
    "pro_of": N_("advantages"),
    "con_of": N_("disadvantages"),
    "ox_pro": N_("advantages: true or false"),
    "ox_con": N_("disadvantages: true or false"),
    "stack_order": N_("stack: the layers in order"),
    "stack_missing_choice": N_("stack: the missing layer"),
    "stack_missing_fill": N_("stack: the missing layer"),
    "stack_above": N_("stack: the layer above"),
    "stack_below": N_("stack: the layer below"),
    "stack_cross": N_("stacks compared"),
    "kind_of": N_("taxonomy: a kind of what?"),
    "odd_one_out": N_("taxonomy: the odd one out"),
    "matching": N_("matching"),
    "author": N_("question"),
    "author_choice": N_("question"),
    "author_multi": N_("question"),
}


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
    if mode in ("flash", "typed", "mixed"):
        items += card_items(context.cards, mode, t)
    if mode in ("choice", "mixed"):
        items += choice_items(context.bank, t)
    return tuple(items)


def card_items(cards: Sequence[Card], mode: str, t: Translator | None = None) -> list[Item]:
    """Cards as review items; in typed and mixed mode a type-in card is typed, others are flash."""
    from cardgen.review.session import Item

    t = t or translator("en")
    out: list[Item] = []
    for card in cards:
        typed = card.is_typein and mode != "flash"
        if mode == "typed" and not typed:
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
            )
        )
    return out


def choice_items(bank: Sequence[Question], t: Translator | None = None) -> list[Item]:
    """The bank's choice questions (one right option, or several) as review items.

    Options are shuffled once with a fixed seed, spreading the right answers evenly
    over the positions, so a question looks the same in every session.
    """
    import random

    from cardgen.bank.question import Choice, MultiChoice
    from cardgen.bank.sample import shuffle_options
    from cardgen.review.session import Item

    t = t or translator("en")
    out: list[Item] = []
    for q in shuffle_options([q for q in bank if isinstance(q, Choice | MultiChoice)], random.Random(0)):
        assert isinstance(q, Choice | MultiChoice)
        multi = isinstance(q, MultiChoice)
        out.append(
            Item(
                key=q.id,
                style="multi" if multi else "choice",
                fact_id=q.facts[0] if q.facts else q.id,
                title=t.gettext(QUESTION_TITLES[q.kind]) if q.kind in QUESTION_TITLES else q.kind.replace("_", " "),
                faces=_choice_faces(q),
                options=tuple(map(plain, q.options)),
                correct=q.answer if isinstance(q, Choice) else None,
                right=q.answers if isinstance(q, MultiChoice) else (),
                tags=q.tags,
            )
        )
    return out


def _card_faces(card: Card, t: Translator) -> Callable[[], tuple[str, str]]:
    image = "\n" + t._("[image: {name}]", name=card.image.shown_name) if card.image is not None else ""
    return lambda: (plain(card.front), plain(card.back) + image)


def _choice_faces(question: Choice | MultiChoice) -> Callable[[], tuple[str, str]]:
    return lambda: (_question_front(question), plain(question.explanation))


def _question_front(question: Choice | MultiChoice) -> str:
    from cardgen.bank.question import drawing
    from cardgen.present import draw_stack_text

    if (drawn := drawing(question)) is None:
        return plain(question.prompt)
    return plain(question.prompt) + "\n" + draw_stack_text(*drawn)


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
    from cardgen.review.terminal import LineKeys, RichScreen, TtyKeys

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


def _open_stream(stream: TextIO | None, name: str, need: str) -> TextIO:
    """STREAM, which Python sets to None when the shell started cardgen with it closed."""
    if stream is None:
        raise StreamClosed(name, need)
    return stream
