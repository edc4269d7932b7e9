"""The language of everything cardgen writes: message catalogs, Korean particles, a fact's language.

Every sentence cardgen writes comes from the gettext catalogs in `cardgen/locale/`
(`<lang>/LC_MESSAGES/cardgen.po`, compiled to `.mo` beside it and shipped in the
package). Message ids are the English sentences, so the English catalog translates
nothing and the Korean one holds the Korean; a third language is one more catalog.

    t = translator("ko")
    t.gettext("Answer")                                  # "정답"
    t._("Which term has this meaning?")                  # "이 뜻의 용어는?"
    t._("Which of the following is an advantage of {concept}?", concept="PaaS")
    t.n_("Name its advantage", "Name its {n} advantages", 3)

`_` and `n_` translate and then fill `{name}` fields. A Korean translation names the
particle after a field: `{concept|은}` is the value followed by 은 or 는, chosen by
how the value is read (`cardgen.lang.particles`): "PaaS는", "Xen은", "가상화 (Virtualization)는".
English catalogs never need that form, but any catalog may use it.

A fact's language is its file's `lang` (`ko` or `en`, default `ko`): `lang_of(fact)`.
Commands take `--lang` to override it for everything they write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cardgen.lang.particles import attach

if TYPE_CHECKING:
    import gettext as _gettext

    from cardgen.factbase.model import Fact

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")
DEFAULT_LANG: Lang = "ko"
DOMAIN = "cardgen"
LOCALE = Path(__file__).resolve().parent.parent / "locale"

_FIELD = re.compile(r"\{\{|\}\}|\{(\w+)(?:\|([^{}|]+))?\}")


def N_(message: str) -> str:
    """Mark MESSAGE for the catalogs without translating it now (for tables read at import)."""
    return message


def is_lang(value: object) -> bool:
    return value in LANGS


def as_lang(value: str) -> Lang:
    """VALUE as a `Lang`; ValueError if it is not one of `LANGS`."""
    for lang in LANGS:
        if value == lang:
            return lang
    raise ValueError(f"the language must be one of {', '.join(LANGS)}, not {value!r}")


def fill(template: str, fields: dict[str, object]) -> str:
    """TEMPLATE with `{name}` replaced by FIELDS[name] and `{name|은}` by the value and its particle.

    `{{` and `}}` are literal braces. Values are inserted as they are, never read as templates.
    """

    def replace(match: re.Match[str]) -> str:
        whole, name, particle = match.group(0), match.group(1), match.group(2)
        if name is None:
            return whole[0]
        value = str(fields[name])
        return attach(value, particle) if particle else value

    if "{" not in template and "}" not in template:
        return template
    return _FIELD.sub(replace, template)


class Translator:
    """One language's catalog, with formatting that knows Korean particles."""

    def __init__(self, lang: Lang, catalog: _gettext.NullTranslations) -> None:
        self.lang = lang
        self.catalog = catalog
        self._translated: dict[str, str] = {}

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def _(self, message: str, /, **fields: object) -> str:
        """MESSAGE translated, its `{fields}` filled (see `fill`)."""
        translated = self._translated.get(message)
        if translated is None:
            translated = self._translated[message] = self.catalog.gettext(message)
        return fill(translated, fields)

    def n_(self, singular: str, plural: str, n: int, /, **fields: object) -> str:
        """The form of SINGULAR/PLURAL for N, translated and filled; `{n}` is N."""
        return fill(self.catalog.ngettext(singular, plural, n), {"n": n, **fields})

    def particle(self, word: str, particle: str) -> str:
        """WORD with PARTICLE attached in Korean ("Docker", "을/를" -> "Docker를"); WORD itself otherwise."""
        return attach(word, particle) if self.lang == "ko" else word

    @staticmethod
    def join(items: Iterable[str]) -> str:
        """ITEMS as a list in running text: "a, b, c" (in both languages)."""
        return ", ".join(items)


@cache
def translator(lang: str) -> Translator:
    """The translator of LANG (`ko` or `en`); ValueError for any other."""
    # Imported here: the terminal quiz must reach its first prompt fast (bench/run.py).
    import gettext as _gettext

    checked = as_lang(lang)
    # The catalogs ship inside the package folder, beside this subpackage (see pyproject.toml).
    with (LOCALE / checked / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
        catalog = _gettext.GNUTranslations(mo)
    return Translator(checked, catalog)


def lang_of(fact: Fact) -> Lang:
    """The language FACT is written in: its file's `lang`, `ko` when the file names none."""
    return fact.meta.lang


def majority(langs: Iterable[Lang]) -> Lang:
    """The language most of LANGS are in; ties and an empty LANGS go to the earlier of `LANGS`."""
    counts = dict.fromkeys(LANGS, 0)
    for lang in langs:
        counts[lang] += 1
    return max(LANGS, key=lambda lang: (counts[lang], -LANGS.index(lang)))
