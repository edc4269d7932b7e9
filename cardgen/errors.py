"""One exception root for every mistake a user can make.

The CLI catches `CardgenError` at one place and prints its message without a
traceback; anything else that escapes is a bug in cardgen.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from cardgen.factbase.model import Loc
from cardgen.lang import Translator, translator


class CardgenError(Exception):
    """A problem the user can fix; `str()` is the whole message to print."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class Problem:
    loc: Loc
    message: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.message}"


class FactError(CardgenError):
    """The fact base has problems; every one found is listed, in file and line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateProblem(CardgenError):
    """A template could not be found, parsed or rendered (most often a user's override)."""

    def __init__(self, name: str, detail: str, line: int | None = None) -> None:
        where = f"{name}:{line}" if line else name
        super().__init__(f"template {where}: {detail}")


class BrowserNotFound(CardgenError):
    """No Chromium-family browser to print with."""


class PrintFailed(CardgenError):
    """The browser ran but produced no PDF."""


class StateError(CardgenError):
    """The review state file cannot be used; it has not been changed."""


class StreamClosed(CardgenError):
    """Standard input or output was closed when cardgen started (`<&-`, `>&-`)."""

    def __init__(self, stream: str, need: str) -> None:
        super().__init__(f"standard {stream} is closed; {need}")


class UsageError(CardgenError):
    """A command was asked for something it cannot do (a missing path, a bad option)."""

    exit_code = 2


class OutputError(CardgenError):
    """An output folder cannot be written safely: `PATH: what is wrong; what to do`, one line."""

    def __init__(self, path: Path | str, problem: str, advice: str) -> None:
        self.path, self.problem, self.advice = path, problem, advice
        super().__init__(f"{path}: {problem}; {advice}")


class NoFactBase(CardgenError):
    """The fact base's path names nothing: say where cardgen looked, how to point elsewhere or start one.

    The command and the language are known only to the command line, which words the
    message with `advice`; `str()` is the message in English.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(self.advice(translator("en")))

    def advice(self, t: Translator, example: str = "cardgen build PATH") -> str:
        """The message in T's language; EXAMPLE is the command that names the fact base."""
        looked = os.path.abspath(self.path)
        # A folder named like a fact file would be a strange place to start one.
        here = self.path == Path("facts") or self.path.suffix.lower() in (".yaml", ".yml")
        init = "cardgen init" if here else f"cardgen init {shlex.quote(str(self.path))}"
        if t.lang != "en":  # the starter in the language the user asked for
            init += f" --lang {t.lang}"
        return "\n".join(
            (
                t._("{path}: no fact base here (no such file or folder)", path=looked),
                t._(
                    "Give the path of yours ({example}) or start one: {init}",
                    example=example,
                    init=init,
                ),
            )
        )


class NoteError(UsageError):
    """A study note cannot be drafted: unreadable, or its front matter is broken."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")
