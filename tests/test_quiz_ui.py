"""The styled screens fit an 80x24 terminal, for every item of the shipped facts; plain output stays plain."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from rich.cells import cell_len
from rich.console import Console

from cardgen.context import Context  # noqa: E402
from cardgen.factbase.loader import load
from cardgen.review.quiz import items_for
from cardgen.review.terminal import LineKeys, RichScreen, wants_plain
from cardgen.review.session import Session
from cardgen.review.schedule import make_scheduler
from cardgen.review.store import Store
from conftest import FACTS

T0 = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CLEAR = "\x1b[2J"
ANSWER_KEYS = {"flash": ["enter", "3"], "typed": ["하이퍼바이져", "enter"], "choice": ["1", "enter"]}


class Script:
    def __init__(self, tokens):
        self.tokens = list(tokens)

    def key(self):
        return self.tokens.pop(0) if self.tokens else "eof"

    def line(self, prompt):
        return self.tokens.pop(0) if self.tokens else None

    def rejected(self, key):
        raise AssertionError(f"unexpected key {key}")


def screens_of(item, store) -> list[str]:
    """Every screen the session draws for ITEM on an 80-column colour terminal, escapes removed."""
    out = io.StringIO()
    console = Console(file=out, width=80, height=24, force_terminal=True, color_system="truecolor",
                      markup=False, highlight=False, emoji=False)
    Session([item], store, make_scheduler(False), RichScreen(console, plain=False), Script(ANSWER_KEYS[item.style]),
            lambda: T0, cram=True).run()
    raw = out.getvalue()
    assert CLEAR in raw and "\x1b[" in raw.replace(CLEAR, "")  # cleared per step, and coloured
    return [ANSI.sub("", chunk) for chunk in raw.split(CLEAR)[1:]]


def test_every_screen_fits_80_by_24(tmp_path):
    worst = (0, "")
    with Store.open(tmp_path / "none.sqlite3", readonly=True) as store:
        for item in items_for(Context(load(FACTS)), "mixed"):
            for screen in screens_of(item, store):
                lines = screen.rstrip("\n").split("\n")
                assert max(cell_len(line) for line in lines) <= 80, item.key
                worst = max(worst, (len(lines), item.key))
                # 23 rows of text and the cursor's row: nothing scrolls off the top.
                assert len(lines) <= 23, (item.key, screen)
    assert worst[0] > 15  # the check saw the long cards (stack drawings, correction notes)


@pytest.mark.parametrize("env, tty, plain", [
    ({}, True, False), ({"NO_COLOR": "1"}, True, True), ({}, False, True), ({"TERM": "dumb"}, True, True),
])
def test_when_output_is_plain(env, tty, plain):
    class Stream(io.StringIO):
        def isatty(self):
            return tty

    assert wants_plain(Stream(), env) == plain


def test_line_keys_map_lines_to_keys():
    keys = LineKeys(io.StringIO("\n 3 \nQ\nhello world\n"))
    assert [keys.key(), keys.key(), keys.key()] == ["enter", "3", "q"]
    assert keys.line("> ") == "hello world"
    assert keys.key() == "eof" and keys.line("> ") is None
