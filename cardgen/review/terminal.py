"""The terminal side of the review session: drawing cards with rich, and reading keys.

Two looks: *styled* (colours, panels, a cleared screen per card; laid out for an
80x24 terminal) when stdout is a terminal and `NO_COLOR` is unset, and *plain*
(text only, no escape sequences, nothing cleared) otherwise, so transcripts and
pipes stay readable.

Two ways to read: single keys in cbreak mode when stdin is a terminal (the
terminal settings are restored on the way out, whatever happens), or one line
per action when it is not, so scripts can drive a session.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TextIO, assert_never

from fsrs import Rating
from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.text import Text

from cardgen.lang import DEFAULT_LANG, N_, Lang, Translator, translator
from cardgen.review.compare import Verdict, aligned, columns
from cardgen.review.layout import BULLET, MARK, Part, flow_lines, stack_lines, table_lines, wrap
from cardgen.review.schedule import describe_due, short_interval
from cardgen.review.session import Item, Preview, Progress, Stats, Summary
from cardgen.text import terminal_safe as safe

WIDTH = 80
RATING_NAMES = {Rating.Again: N_("Again"), Rating.Hard: N_("Hard"), Rating.Good: N_("Good"), Rating.Easy: N_("Easy")}
MODE_NAMES = {"flash": N_("flash"), "typed": N_("typed"), "choice": N_("choice"), "mixed": N_("mixed")}
STATE_NAMES = {"new": N_("new"), "learning": N_("learning"), "review": N_("review"), "relearning": N_("relearning")}
RATING_STYLES = {Rating.Again: "red", Rating.Hard: "yellow", Rating.Good: "green", Rating.Easy: "blue"}


def wants_plain(stream: IO[str], environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR")) or not stream.isatty() or env.get("TERM") == "dumb"


class RichScreen:
    """Draws the session on CONSOLE in LANG; PLAIN means text only."""

    def __init__(self, console: Console, plain: bool, lang: Lang = DEFAULT_LANG) -> None:
        self.console = console
        self.plain = plain
        self.t = translator(lang)
        self._header = Text()
        self._notice: Text | None = None

    @classmethod
    def for_stream(cls, stream: TextIO, lang: Lang = DEFAULT_LANG) -> RichScreen:
        plain = wants_plain(stream)
        if plain:
            # Off a terminal nothing wraps lines: a transcript keeps each text whole.
            console = Console(
                file=stream,
                color_system=None,
                highlight=False,
                emoji=False,
                markup=False,
                soft_wrap=not stream.isatty(),
                width=WIDTH if not stream.isatty() else None,
            )
        else:
            console = Console(file=stream, highlight=False, emoji=False, markup=False)
        return cls(console, plain, lang)

    @property
    def _width(self) -> int:
        return min(WIDTH, self.console.width)

    def _print(self, *things: RenderableType, width: int | None = None) -> None:
        self.console.print(*things, width=width)
        self.console.file.flush()

    # --- cards ----------------------------------------------------------------

    def front(self, item: Item, progress: Progress) -> None:
        t = self.t
        mode = t.gettext(MODE_NAMES.get(progress.mode, progress.mode))
        if progress.cram:
            mode = t._("{mode} (cram)", mode=mode)
        counts = self._counts(progress)
        self._header = Text(t._("{mode} · {done} answered", mode=mode, done=progress.done) + " · ")
        self._header.append_text(counts)
        if self._header.cell_len + 6 > self._width:
            self._header = counts  # a narrow terminal: the three counts matter most
        if self.plain:
            self._print(f"\n--- cardgen quiz · {self._header.plain} ---\n[{_title(item.title)}]")
            self._print(self._question(item))
            return
        self._redraw(item)

    def _counts(self, progress: Progress) -> Text:
        """New, learning and review cards still to ask, in Anki's colours."""
        t = self.t
        counts = (
            (t._("new {n}", n=progress.new), "blue"),
            (t._("learning {n}", n=progress.learning), "red"),
            (t._("review {n}", n=progress.review), "green"),
        )
        return Text(" · ").join(Text(text, style=style) for text, style in counts)

    def _columns_for(self, panel: bool) -> int | None:
        """The columns text may fill: none off a terminal (a transcript keeps lines whole), less in a panel."""
        if not self.console.is_terminal:
            return None
        return self._width - (4 if panel and not self.plain else 0)

    def _question(self, item: Item, chosen: frozenset[int] | None = None) -> Text:
        cols = self._columns_for(panel=True)
        layout = item.parts
        body = self._lay_out(layout.front, cols) if layout else self._lines(item.front, cols)
        if item.options:
            body.append("\n")
            body.append_text(self._options(item, chosen, cols))
        return body

    def _lines(self, text: str, cols: int | None, style: str = "") -> Text:
        out = Text()
        for n, line in enumerate(line for para in safe(text).split("\n") for line in wrap(para, cols)):
            out.append(("\n" if n else "") + line, style=style)
        return out

    def _lay_out(self, parts: Sequence[Part], cols: int | None) -> Text:
        """PARTS one under another: the answer emphasised, entries bulleted with a hanging indent, stacks
        and tables fitted."""
        out = Text()
        for part in parts:
            if out:
                out.append("\n")
            match part.kind:
                case "text":
                    out.append_text(self._lines(part.text, cols))
                case "answer":
                    out.append_text(self._lines(part.text, cols, "bold green"))
                case "bullet":
                    glue = f"  {MARK}" if part.mark else ""
                    lines = wrap(safe(part.text, lines=False), cols, BULLET, glue=glue)
                    out.append("\n".join(lines), style="bold" if part.mark else "")
                case "stack":
                    assert part.stack is not None
                    lines = stack_lines(part.stack, cols, part.hidden, part.marked)
                    out.append("\n".join(safe(line, lines=False) for line in lines))
                case "flow":
                    out.append("\n".join(safe(line, lines=False) for line in flow_lines(part.flow, cols)))
                case "table":
                    assert part.grid is not None
                    out.append("\n".join(safe(line, lines=False) for line in table_lines(part.grid, cols)))
                case "note":
                    out.append("\n".join(wrap(safe(part.text, lines=False), cols, "※ ")), style="yellow")
                case _ as unreachable:
                    assert_never(unreachable)
        return out

    def _options(self, item: Item, chosen: frozenset[int] | None, cols: int | None) -> Text:
        """Numbered options wrapped with a hanging indent; once answered (CHOSEN), marked right and wrong."""
        text = Text()
        right = item.right_options
        for n, option in enumerate(item.options):
            mark, style, suffix = "", "", ""
            if chosen is not None:
                mark = "✓ " if n in right else "✗ " if n in chosen else "  "
                style = "bold green" if n in right else "red" if n in chosen else ""
                suffix = "   " + self.t._("← your answer") if n in chosen else ""
            lines = wrap(safe(option, lines=False), cols, f"{mark}{n + 1}. ", glue=suffix)
            text.append("\n" + "\n".join(lines), style=style)
        return text

    def _redraw(self, item: Item, chosen: frozenset[int] | None = None) -> None:
        """A fresh screen with the header and the card's front: every step of a card starts so on 80x24."""
        self.console.clear()
        # The progress line sits in the panel's bottom border: one more row for long cards.
        self._print(
            Panel(
                self._question(item, chosen),
                title=_title(item.title),
                title_align="left",
                subtitle=self._header,
                subtitle_align="right",
                border_style="cyan",
                padding=(0, 1),
                width=self._width,
            )
        )
        if self._notice is not None:
            self._print(self._notice)
            self._notice = None

    def back(self, item: Item, preview: Preview | None) -> None:
        if not self.plain and preview is not None:
            self._redraw(item)
        self._answer(item)
        if preview is not None:
            buttons = [f"{int(r)} {self._rating(r)} {short_interval(d, self.t)}" for r, d in preview.intervals]
            self._print(Text("\n".join(_rows(buttons, "  ·  ", self._columns_for(panel=False))), style="bold"))

    def _answer(self, item: Item) -> None:
        cols = self._columns_for(panel=False)
        layout = item.parts
        body = self._lay_out(layout.back, cols) if layout else self._lines(item.back, cols)
        # Styled, the panel's border above and the emphasised answer set the back apart; plain, a blank line.
        self._print(Text("\n") + body if self.plain else body, width=None if self.plain else self._width)

    def verdict(self, item: Item, verdict: Verdict, rating: Rating) -> None:
        if not self.plain:
            self._redraw(item)
            self._print(Text("> ") + Text(safe(verdict.given, lines=False)))
        if verdict.correct:
            self._print(Text(self.t._("✓ Correct: {answer}", answer=safe(verdict.expected)), style="bold green"))
        elif verdict.diff:
            self._print(self._diff(verdict))
        else:
            self._print(
                Text(self.t._("✗ Not quite. Answer: "), style="bold red") + Text(safe(verdict.expected), style="bold")
            )
        self._answer(item)
        self._grade(rating)

    def _diff(self, verdict: Verdict) -> Text:
        """What was typed over the answer, column for column; off colour, '^' under what differs."""
        lines = aligned(verdict.diff)
        head = self.t._("✗ Not quite.") + "  "
        labels = (self.t._("yours:"), self.t._("correct:"))
        width = max(columns(label) for label in labels) + 1
        styles = {"same": "", "extra": "bold red", "missing": "bold green"}
        text = Text()
        for n, (label, segments) in enumerate(zip(labels, (lines.yours, lines.correct), strict=True)):
            text.append(head if n == 0 else "\n" + " " * columns(head), style="bold red")
            text.append(label + " " * (width - columns(label)))
            for segment in segments:
                text.append(safe(segment.text, lines=False), style=styles[segment.op])
        if self.plain:
            text.append("\n" + " " * (columns(head) + width) + lines.marks.rstrip())
        return text

    def choice_result(self, item: Item, chosen: int | frozenset[int], rating: Rating) -> None:
        if isinstance(chosen, int):
            chosen = frozenset((chosen,))
        if self.plain:
            self._print(self._options(item, chosen, self._columns_for(panel=False)))
        else:
            self._redraw(item, chosen)
        if item.back:
            self._answer(item)
        self._grade(rating)

    def _rating(self, rating: Rating) -> str:
        return self.t.gettext(RATING_NAMES[rating])

    def _grade(self, rating: Rating) -> None:
        self._print(Text(self.t._("graded {grade}", grade=self._rating(rating)), style=RATING_STYLES[rating]))

    def regraded(self, rating: Rating) -> None:
        text = self.t._("grade changed to {grade}", grade=self._rating(rating))
        self._print(Text(text, style=RATING_STYLES[rating]))

    def message(self, text: str) -> None:
        shown = Text(safe(text), style="yellow")
        self._print(shown)
        if not self.plain:
            self._notice = shown  # the next card clears the screen: it shows the message again under its panel

    def hint(self, text: str) -> None:
        self._print(Text(safe(text), style="dim"))

    # --- reports --------------------------------------------------------------

    def summary(self, summary: Summary) -> None:
        self._print(render_summary(summary, self.plain, self.t), width=self._width)

    def stats(self, stats: Stats) -> None:
        self._print(render_stats(stats, self.plain, self.t), width=self._width)


def render_summary(summary: Summary, plain: bool = True, t: Translator | None = None) -> str | Panel:
    t = t or translator("en")
    if summary.interrupted:
        why = t._("Session interrupted")
    elif not summary.finished:
        why = t._("Session stopped")
    elif summary.answers:
        why = t._("Session finished")
    else:
        why = t._("Nothing to review now")
    cram = t._(" (cram: nothing was saved)") if summary.cram else ""
    answers = t.n_("{n} answer", "{n} answers", summary.answers)
    cards = t.n_("{n} card", "{n} cards", summary.cards)
    lines = [
        f"{why}{cram}.",
        t._("  reviewed: {answers} on {cards}", answers=answers, cards=cards),
        t._("  correct:  {correct} of {answers}", correct=summary.correct, answers=summary.answers),
    ]
    if summary.due_now:
        lines.append(t.n_("  due now:  {n} card", "  due now:  {n} cards", summary.due_now))
    if summary.next_due is not None:
        lines.append(t._("  next due: {when}", when=describe_due(summary.next_due, summary.now, t)))
    elif not summary.due_now:
        lines.append(t._("  next due: nothing scheduled yet"))
    if summary.new_waiting:
        lines.append(
            t.n_(
                "  new:      today's {limit} are done; {n} more waits (--new N raises the daily limit)",
                "  new:      today's {limit} are done; {n} more wait (--new N raises the daily limit)",
                summary.new_waiting,
                limit=summary.new_per_day,
            )
        )
    text = "\n".join(lines)
    return text if plain else Panel(text, title=t._("summary"), title_align="left", border_style="magenta")


def render_stats(stats: Stats, plain: bool = True, t: Translator | None = None) -> str | Panel:
    t = t or translator("en")
    retention = (
        t._("no reviews of mature cards in the last 30 days")
        if stats.retention is None
        else t.n_(
            "{percent} of {n} review of mature cards, last 30 days",
            "{percent} of {n} reviews of mature cards, last 30 days",
            stats.retention_n,
            percent=f"{stats.retention:.0%}",
        )
    )
    rows = [
        (t._("cards:"), str(stats.total)),
        (t._("by state:"), ", ".join(f"{t.gettext(STATE_NAMES[name])} {n}" for name, n in stats.by_state)),
        (t._("due now:"), str(stats.due_now)),
        (t._("due later today:"), str(stats.due_later_today)),
        (t._("due tomorrow:"), str(stats.due_tomorrow)),
        (t._("due in 7 days:"), str(stats.due_week)),
        (t._("new today:"), _new_today(stats, t)),
        (t._("set aside:"), t._("{s} suspended, {b} buried", s=stats.suspended, b=stats.buried)),
        (t._("reviews:"), t._("{n} in the last 30 days", n=stats.reviews_30d)),
        (t._("retention:"), retention),
    ]
    if stats.retired:
        rows.append(
            (
                t._("retired:"),
                t.n_(
                    "{n} card no longer in the fact base (history kept)",
                    "{n} cards no longer in the fact base (history kept)",
                    stats.retired,
                ),
            )
        )
    width = max(columns(label) for label, _ in rows) + 2
    text = "\n".join(label + " " * (width - columns(label)) + value for label, value in rows)
    return text if plain else Panel(text, title=t._("review statistics"), title_align="left", border_style="cyan")


def _rows(entries: list[str], separator: str, cols: int | None) -> list[str]:
    """ENTRIES joined by SEPARATOR, a new row wherever the next would pass COLS: an entry is never split."""
    rows = [entries[0]]
    for entry in entries[1:]:
        if cols is not None and columns(rows[-1] + separator + entry) > cols:
            rows.append(entry)
        else:
            rows[-1] += separator + entry
    return rows


def _title(title: str) -> str:
    """A card's title as a heading: 'definition → term' reads 'Definition → term' (Hangul has no case)."""
    shown = safe(title, lines=False)
    return shown[:1].upper() + shown[1:]


def _new_today(stats: Stats, t: Translator) -> str:
    """'3 of 20', or, once the limit is reached (or was raised with --new earlier), how many and that none are left."""
    if stats.new_today < stats.new_per_day:
        return t._("{seen} of {limit}", seen=stats.new_today, limit=stats.new_per_day)
    return t._(
        "{seen} (the limit of {limit} is reached; --new N raises it)", seen=stats.new_today, limit=stats.new_per_day
    )


# --- input ----------------------------------------------------------------------


class LineKeys:
    """One line per action (stdin is not a terminal): empty line = Enter, else the line's text."""

    def __init__(self, stream: TextIO, echo: TextIO | None = None, lang: Lang = DEFAULT_LANG) -> None:
        self.stream = stream
        self.echo = echo
        self.t = translator(lang)

    def key(self) -> str:
        line = self.stream.readline()
        if not line:
            return "eof"
        text = line.strip()
        return text.lower() if text else "enter"

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Nothing to give back: lines are read as they come."""
        yield

    def rejected(self, key: str) -> None:
        if self.echo is not None:
            self.echo.write(self.t._("('{key}' does nothing here)", key=safe(key, lines=False)) + "\n")
            self.echo.flush()

    def line(self, prompt: str) -> str | None:
        if self.echo is not None:
            self.echo.write(prompt)
            self.echo.flush()
        line = self.stream.readline()
        if not line:
            return None
        given = line.rstrip("\r\n")
        if self.echo is not None:
            # Keeps a transcript readable: the answer appears after its prompt, as on a terminal.
            self.echo.write(safe(given, lines=False) + "\n")
            self.echo.flush()
        return given


class TtyKeys:
    """Single keys from a terminal in cbreak mode; a context manager that restores the terminal.

    The terminal is restored on every way out: the end of the session, an exception,
    SIGTERM and SIGHUP (which then end the process, exit code 128 + the signal, through
    the normal clean-up, so the store is closed), and Ctrl-Z (SIGTSTP): the process
    stops with the terminal as it was, and goes back to cbreak mode when continued.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._saved: list[int | list[bytes | int]] | None = None  # termios attributes
        self._cbreak: list[int | list[bytes | int]] | None = None  # ours, while in use
        self._pending = b""
        self._handlers: dict[int, object] = {}

    def __enter__(self) -> TtyKeys:
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        self._cbreak = termios.tcgetattr(self.fd)
        self._catch_signals()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release_signals()
        self._cbreak = None
        self._restore()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The terminal as it was before the session (for an editor), then cbreak mode again."""
        import termios

        cbreak = termios.tcgetattr(self.fd)
        self._restore()
        try:
            yield
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, cbreak)

    def _restore(self) -> None:
        import termios

        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _resume(self) -> None:
        import termios

        if self._cbreak is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._cbreak)

    def _catch_signals(self) -> None:
        import signal

        for signum, handler in (
            (signal.SIGTERM, self._on_end),
            (signal.SIGHUP, self._on_end),
            (signal.SIGTSTP, self._on_stop),
            (signal.SIGCONT, self._on_continue),
        ):
            self._handlers[signum] = signal.signal(signum, handler)

    def _release_signals(self) -> None:
        import signal

        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]  # what signal.signal returned
        self._handlers.clear()

    def _on_end(self, signum: int, frame: object) -> None:
        self._restore()
        raise SystemExit(128 + signum)

    def _on_stop(self, signum: int, frame: object) -> None:
        import signal

        self._restore()
        # Stop for real: the default action, then ours again once continued.
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, self._on_stop)

    def _on_continue(self, signum: int, frame: object) -> None:
        self._resume()

    def key(self) -> str:
        while True:
            key = self._next()
            if key is not None:
                return key

    def _next(self) -> str | None:
        """One key from the buffer (None for one to ignore, such as an arrow key)."""
        if not self._pending:
            self._pending = os.read(self.fd, 64)
            if not self._pending:
                return "eof"
        head = self._pending[:1]
        if head == b"\x1b":
            # An escape sequence (arrows, function keys): swallow it up to its final byte.
            end = 1
            if self._pending[1:2] in (b"[", b"O"):
                end = 2
                while end < len(self._pending) and not 0x40 <= self._pending[end] <= 0x7E:
                    end += 1
                end += 1
            self._pending = self._pending[end:]
            return None
        if head in (b"\r", b"\n", b" "):
            self._pending = self._pending[1:]
            return "enter"
        if head == b"\x03":  # Ctrl-C when the terminal does not send SIGINT
            self._pending = self._pending[1:]
            raise KeyboardInterrupt
        if head == b"\x04":
            self._pending = self._pending[1:]
            return "eof"
        size = _utf8_length(head[0])
        while len(self._pending) < size:
            more = os.read(self.fd, 64)
            if not more:
                break
            self._pending += more
        char, self._pending = self._pending[:size], self._pending[size:]
        return char.decode("utf-8", errors="replace").lower()

    def rejected(self, key: str) -> None:
        """A stray key on a terminal is simply ignored."""

    def line(self, prompt: str) -> str | None:
        """A typed line with the terminal's normal line editing (readline)."""
        import termios

        _readline()
        cbreak = termios.tcgetattr(self.fd)
        self._restore()
        self._cbreak = None  # a stop and continue while typing keeps line editing
        try:
            return input(prompt)
        except EOFError:
            sys.stdout.write("\n")
            return None
        except KeyboardInterrupt:
            sys.stdout.write("\n")  # what follows starts on a line of its own
            sys.stdout.flush()
            raise
        finally:
            self._cbreak = cbreak
            termios.tcsetattr(self.fd, termios.TCSADRAIN, cbreak)


def open_editor(file: str, line: int, keys: TtyKeys | LineKeys, t: Translator) -> str | None:
    """Run `$VISUAL` (else `$EDITOR`) as `EDITOR +LINE FILE` with the terminal given back; a message if it failed.

    Ctrl-C belongs to the editor while it runs: the session waits for it rather than ending.
    """
    import shlex
    import subprocess

    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    try:
        argv = shlex.split(command)
    except ValueError:
        argv = []
    if not argv:
        return t._("Set $EDITOR to edit facts from here; this one is at {file}:{line}.", file=file, line=line)
    with keys.paused():
        try:
            process = subprocess.Popen([*argv, f"+{line}", file])
        except OSError as exc:
            return t._("Could not start the editor '{command}': {error}", command=command, error=exc.strerror or exc)
        while True:
            try:
                code = process.wait()
                break
            except KeyboardInterrupt:
                continue
    if code != 0:
        return t._("The editor '{command}' exited with status {code}.", command=command, code=code)
    return None


def _utf8_length(lead: int) -> int:
    if lead >= 0xF0:
        return 4
    if lead >= 0xE0:
        return 3
    if lead >= 0xC0:
        return 2
    return 1


def _readline() -> None:
    """Load readline for input() editing (Hangul is two columns wide), without bracketed paste noise."""
    try:
        import readline
    except ImportError:  # pragma: no cover - readline is missing on some builds
        return
    readline.parse_and_bind("set enable-bracketed-paste off")
