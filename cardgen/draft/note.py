"""Read a Markdown study note into the shapes the drafter understands.

The note is parsed by a CommonMark parser (markdown-it-py with its front-matter
plugin) and its token tree is walked: headings own what follows them, list items
own their nested lists. Only the text of one inline element (a heading, a list
item's first paragraph) is ever split, and never across code spans, so a `:` or
` / ` inside backticks stays part of a name.

Every line that becomes no shape is kept as a `Leftover` with the reason, so the
drafter can list it instead of dropping it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from cardgen.errors import NoteError

PROS_LABELS = frozenset({"장점", "pros", "pro", "advantages", "advantage"})
CONS_LABELS = frozenset({"단점", "cons", "con", "disadvantages", "disadvantage"})
EXAMPLE_LABELS = frozenset({"예", "예시", "example", "examples", "e.g."})
POINT_SEPARATOR = " / "
# Architecture chains: `⊂` always; `->` and `>` only where the note draws architectures
# (a scenario quote or under a question), as `>` also separates a title's levels.
CHAIN_SEPARATORS = ("⊂", "->", "→", ">")
_COUNT = re.compile(r"\s*[×xX]\s*(\d{1,2})\Z")
_ENUMERATOR = re.compile(r"((?:type|Type|TYPE)\s+\d+|\d+)[.)]\s+(?=\S)")
_QUESTION = re.compile(r"(?:Q|Q\d+)[.:)]\s+")
# A line under a term that states a shortcoming in so many words is a disadvantage even
# without a `단점` label: its last word is one of these negative predicates (the whole
# word, so `상관없음` or an `없는` mid-sentence is not one), or it opens or ends as below.
SHORTCOMING_WORDS = frozenset(
    {
        *("부족", "부족함", "부족하다", "없음", "없다", "어려움", "어렵다", "불가", "불가능", "불가능함"),
        *("불가능하다", "미지원", "못함", "못하다", "느림", "느리다"),
    }
)
_SHORTCOMING_EN = re.compile(r"\A(?:No|Lacks|Cannot|Not)\s|\sis missing\Z")
# "No overhead", "제약이 없음": the absence of a burden is no shortcoming.
_BURDENS = frozenset(
    {"제약", "제한", "오버헤드", "부담", "필요", "need", "overhead", "limit", "limits", "restrictions"}
)
GUESSED_CON = "drafted as a disadvantage from its wording; move it back to details if it is not one"


# --- inline text --------------------------------------------------------------


@dataclass(frozen=True)
class Inline:
    """The text of one heading or paragraph: pieces of plain text and code spans."""

    parts: tuple[tuple[str, bool], ...]  # (text, is_code)

    @property
    def plain(self) -> str:
        return " ".join("".join(text for text, _ in self.parts).split())

    def strip(self) -> Inline:
        parts = [p for p in self.parts if p[0]]
        if parts and not parts[0][1]:
            parts[0] = (parts[0][0].lstrip(), False)
        if parts and not parts[-1][1]:
            parts[-1] = (parts[-1][0].rstrip(), False)
        return Inline(tuple(p for p in parts if p[0]))

    def split(self, sep: str, limit: int = -1, in_parens: bool = False) -> list[Inline]:
        """Split at SEP outside code spans and (unless IN_PARENS) outside parentheses."""
        pieces: list[list[tuple[str, bool]]] = [[]]
        depth = 0
        for text, code in self.parts:
            if code:
                pieces[-1].append((text, True))
                continue
            start = 0
            i = 0
            while i < len(text):
                ch = text[i]
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth = max(0, depth - 1)
                if (
                    text.startswith(sep, i)
                    and (in_parens or depth == 0)
                    and (limit < 0 or len(pieces) <= limit)
                    and (sep != ":" or i + 1 == len(text) or text[i + 1].isspace())
                ):
                    pieces[-1].append((text[start:i], False))
                    pieces.append([])
                    i += len(sep)
                    start = i
                    continue
                i += 1
            pieces[-1].append((text[start:], False))
        return [Inline(tuple(p)).strip() for p in pieces]

    def colon(self) -> tuple[Inline, Inline] | None:
        """The label and value of `label : value` or `label: value`."""
        pieces = self.split(":", limit=1)
        if len(pieces) == 2 and pieces[0].parts:
            return pieces[0], pieces[1]
        return None


def _is_latin(text: str) -> bool:
    """True for a name written without Hangul or other CJK script: an English name."""
    if not any(ch.isalpha() for ch in text):
        return False
    return not any(unicodedata.name(ch, "").startswith(("HANGUL", "CJK")) for ch in text)


# --- the shapes ---------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """The note's front matter."""

    title: str | None = None
    tags: tuple[str, ...] = ()
    date: str | None = None


@dataclass(frozen=True)
class Name:
    """A term as written: `가상화 (`Virtualization`)`, `Virtual Private Network (VPN)`."""

    term: str
    english: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointShape:
    """One advantage or disadvantage, with an optional `(vs X : text)`."""

    line: int
    text: str
    vs: tuple[str, str] | None = None
    check: str | None = None  # why the point was drafted on a guess


@dataclass(frozen=True)
class LayerShape:
    name: str
    count: int = 1


@dataclass(frozen=True)
class Chain:
    """An architecture written as `A ×3 ⊂ B ⊂ C`, top to bottom."""

    line: int
    title: str | None
    layers: tuple[LayerShape, ...]


@dataclass(frozen=True)
class Term:
    """A term with its definition and everything written under it."""

    line: int
    name: Name
    definition: str
    heading: bool = False
    details: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    pros: tuple[PointShape, ...] = ()
    cons: tuple[PointShape, ...] = ()
    kinds: tuple[Term, ...] = ()
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScenarioShape:
    """A quoted situation and the architectures drawn under it."""

    line: int
    text: str
    chains: tuple[Chain, ...]


@dataclass(frozen=True)
class QuestionShape:
    line: int
    question: str
    answer: str
    chain: Chain | None = None
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Leftover:
    """A line the drafter could not turn into a fact, and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Note:
    path: str
    header: Header
    terms: tuple[Term, ...] = ()  # the top-level terms; kinds hang below them
    mentions: tuple[Term, ...] = ()  # terms glossed in passing, each without kinds
    scenarios: tuple[ScenarioShape, ...] = ()
    questions: tuple[QuestionShape, ...] = ()
    leftovers: tuple[Leftover, ...] = ()

    def all_terms(self) -> Iterator[Term]:
        yield from self.tree()
        named = {t.name.term for t in self.tree()} | {t.name.english for t in self.tree()}
        for term in self.mentions:
            if term.name.term not in named and term.name.english not in named:
                named |= {term.name.term, term.name.english}
                yield term

    def tree(self) -> Iterator[Term]:
        stack = list(reversed(self.terms))
        while stack:
            term = stack.pop()
            yield term
            stack.extend(reversed(term.kinds))


# --- the block tree ---------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """One heading, list item or paragraph, with what it owns."""

    line: int
    text: Inline
    heading: bool = False
    children: tuple[_Block, ...] = ()


@dataclass(frozen=True)
class _Quote:
    line: int
    children: tuple[_Block, ...]


@dataclass(frozen=True)
class _Code:
    line: int
    info: str
    text: str


@dataclass(frozen=True)
class _Table:
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], int], ...]  # (cells, line)


@dataclass(frozen=True)
class _Other:
    line: int
    text: str
    what: str


_Block = _Node | _Quote | _Code | _Table | _Other


def _inline(token: Token) -> Inline:
    parts: list[tuple[str, bool]] = []
    for child in token.children or ():
        if child.type == "code_inline":
            parts.append((child.content, True))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append((" ", False))
        elif child.type in ("text", "html_inline", "image"):
            parts.append((child.content, False))
    return Inline(tuple(parts)).strip()


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _close(tokens: Sequence[Token], start: int) -> int:
    """The index of the token that closes the one at START."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _blocks(tokens: Sequence[Token]) -> list[_Block]:
    """The blocks of one container, headings already owning what follows them."""
    flat: list[tuple[int, _Block]] = []  # (heading level or 0, block)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _close(tokens, i) if token.nesting == 1 else i
        inner = tokens[i + 1 : end]
        if token.type == "heading_open":
            flat.append((int(token.tag[1]), _Node(_line(token), _inline(inner[0]), heading=True)))
        elif token.type == "paragraph_open":
            flat.append((0, _Node(_line(token), _inline(inner[0]))))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            j = 0
            while j < len(inner):
                item_end = _close(inner, j)
                flat.append((0, _item(inner[j], inner[j + 1 : item_end])))
                j = item_end + 1
        elif token.type == "blockquote_open":
            flat.append((0, _Quote(_line(token), tuple(_blocks(inner)))))
        elif token.type in ("fence", "code_block"):
            flat.append((0, _Code(_line(token), token.info.strip(), token.content.rstrip("\n"))))
        elif token.type == "table_open":
            flat.append((0, _table(token, inner)))
        elif token.type == "html_block":
            flat.append((0, _Other(_line(token), " ".join(token.content.split()), "HTML")))
        i = end + 1
    return _sections(flat)


def _sections(flat: list[tuple[int, _Block]]) -> list[_Block]:
    out: list[_Block] = []
    i = 0
    while i < len(flat):
        level, block = flat[i]
        j = i + 1
        if level:
            while j < len(flat) and not (flat[j][0] and flat[j][0] <= level):
                j += 1
            assert isinstance(block, _Node)
            block = replace(block, children=tuple(_sections(flat[i + 1 : j])))
        out.append(block)
        i = j
    return out


def _item(token: Token, inner: Sequence[Token]) -> _Block:
    blocks = _blocks(inner)
    if blocks and isinstance(blocks[0], _Node):
        first = blocks[0]
        return replace(first, children=first.children + tuple(blocks[1:]))
    return _Node(_line(token), Inline(()), children=tuple(blocks))


def _table(token: Token, inner: Sequence[Token]) -> _Table:
    rows: list[tuple[tuple[str, ...], int]] = []
    cells: list[str] = []
    line = 0
    for t in inner:
        if t.type == "tr_open":
            cells, line = [], _line(t)
        elif t.type == "inline":
            cells.append(_inline(t).plain)
        elif t.type == "tr_close":
            rows.append((tuple(cells), line))
    header = rows[0][0] if rows else ()
    return _Table(_line(token), header, tuple(rows[1:]))


# --- from blocks to shapes ------------------------------------------------------------


@dataclass
class _Acc:
    """What the walk has found so far under one term (or at the top)."""

    details: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    pros: list[PointShape] = field(default_factory=list)
    cons: list[PointShape] = field(default_factory=list)
    kinds: list[Term] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


class _Walker:
    def __init__(self) -> None:
        self.roots: list[Term] = []
        self.mentions: list[Term] = []
        self.scenarios: list[ScenarioShape] = []
        self.questions: list[QuestionShape] = []
        self.leftovers: list[Leftover] = []

    def found(self) -> tuple[int, int, int, int]:
        return len(self.scenarios), len(self.questions), len(self.leftovers), len(self.mentions)

    def forget(self, found: tuple[int, int, int, int]) -> None:
        """Drop what was found since FOUND, before the same blocks are read again."""
        del (
            self.scenarios[found[0] :],
            self.questions[found[1] :],
            self.leftovers[found[2] :],
            self.mentions[found[3] :],
        )

    def left(self, line: int, text: str, reason: str) -> None:
        self.leftovers.append(Leftover(line, text, reason))

    def walk(self, blocks: Iterable[_Block], acc: _Acc | None) -> None:
        for block in blocks:
            match block:
                case _Node():
                    self.node(block, acc)
                case _Quote():
                    self.quote(block, acc)
                case _Code():
                    if acc is not None:
                        acc.examples.append(block.text)
                    else:
                        first_line = block.text.splitlines()[0] if block.text else ""
                        self.left(block.line, first_line, "a code block outside any term")
                case _Table():
                    self.table(block, acc)
                case _Other():
                    self.left(block.line, block.text, f"{block.what} is not read")

    def node(self, node: _Node, acc: _Acc | None) -> None:
        text = node.text
        if _QUESTION.match(text.plain):
            self.question(node)
            return
        split = text.colon()
        label = split[0].plain.casefold().rstrip(":") if split else text.plain.casefold().rstrip(":")
        if acc is not None and label in PROS_LABELS | CONS_LABELS:
            points = self.points(node, split[1] if split else Inline(()))
            (acc.pros if label in PROS_LABELS else acc.cons).extend(points)
            return
        if acc is not None and label in EXAMPLE_LABELS:
            value = split[1] if split else Inline(())
            acc.examples.extend(p.plain for p in value.split(",") if p.plain)
            acc.examples.extend(c.text.plain for c in node.children if isinstance(c, _Node))
            return
        term = self.term(node, split)
        if term is not None:
            if acc is None:
                self.roots.append(term)
            else:
                acc.kinds.append(term)
            return
        if acc is None:
            if node.heading:
                self.left(node.line, text.plain, "a heading that names no term")
                self.walk(node.children, None)
            elif text.plain:
                self.left(node.line, text.plain, "a line outside any term")
                self.walk(node.children, None)
            else:
                self.walk(node.children, None)
            return
        detail, example = _detail(text)
        if detail and _is_shortcoming(detail):
            acc.cons.append(replace(_point(node.line, Inline(((detail, False),))), check=GUESSED_CON))
            self.mentions.extend(_mentions(node.line, text))
        elif detail:
            acc.details.append(detail)
            self.mentions.extend(_mentions(node.line, text))
        if example:
            acc.examples.append(example)
        self.walk(node.children, acc)

    def term(self, node: _Node, split: tuple[Inline, Inline] | None) -> Term | None:
        checks: list[str] = []
        if split is not None:
            head, value = split
            name = _name(head)
            definition = value.plain
            if name is None or not (name.english or name.aliases or node.heading):
                reversed_name = _name(value, whole=True)
                if reversed_name is None or not (reversed_name.english or _is_latin(reversed_name.term)):
                    return None
                name, definition = reversed_name, head.plain
                checks.append("written as 'value : term'; the term was taken from the right")
        else:
            # Without ':' only a heading names a term; a list item is a sentence about one.
            name = _name(node.text) if node.heading else None
            if name is None:
                return None
            definition = ""
        acc = _Acc()
        found = self.found()
        self.walk(node.children, acc)
        if not definition:
            if not acc.details:
                self.forget(found)  # not a term: the caller reads what it owns as a section
                return None
            definition = acc.details.pop(0)
            checks.append("no definition after ':'; the first line under it was taken")
        enumerated = _ENUMERATOR.match(name.term)
        if enumerated:
            label = enumerated.group(1)
            name = Name(name.term[enumerated.end() :], name.english, (*name.aliases, label))
            checks.append(f"numbered '{label}' in the note; kept as an alias")
        if acc.kinds and len({k.heading for k in acc.kinds}) > 1:
            checks.append("the terms under it mix headings and list items; check which are kinds of it")
        return Term(
            line=node.line,
            name=name,
            definition=definition,
            heading=node.heading,
            details=tuple(acc.details),
            examples=tuple(acc.examples),
            pros=tuple(acc.pros),
            cons=tuple(acc.cons),
            kinds=tuple(acc.kinds),
            checks=tuple(checks + acc.checks),
        )

    def points(self, node: _Node, value: Inline) -> list[PointShape]:
        texts = [(node.line, value)] if value.parts else []
        texts += [(c.line, c.text) for c in node.children if isinstance(c, _Node)]
        for child in node.children:
            if not isinstance(child, _Node):
                self.left(child.line, "", "a block under a pros/cons line")
        return [_point(line, piece) for line, text in texts for piece in text.split(POINT_SEPARATOR) if piece.plain]

    def quote(self, quote: _Quote, acc: _Acc | None) -> None:
        text: list[str] = []
        chains: list[Chain] = []
        for block in quote.children:
            for node in _nodes(block):
                chain = _chain(node.line, node.text, architecture=True)
                if chain is not None:
                    chains.append(chain)
                elif not chains:
                    text.append(node.text.plain)
                else:
                    self.left(node.line, node.text.plain, "a line in a scenario quote that is no architecture chain")
        if chains:
            self.scenarios.append(ScenarioShape(quote.line, " ".join(text), tuple(chains)))
        elif acc is not None and text:
            acc.details.extend(text)
        else:
            self.left(quote.line, " ".join(text), "a quote with no architecture chain")

    def question(self, node: _Node) -> None:
        body = node.text.strip()
        plain = _QUESTION.sub("", body.plain, count=1)
        split = body.colon()
        checks: list[str] = []
        chain = None
        lines: list[str] = []
        for child in node.children:
            for sub in _nodes(child):
                found = _chain(sub.line, sub.text, architecture=True)
                if found is not None and chain is None:
                    chain = found
                elif sub.text.plain:
                    lines.append(sub.text.plain)
        if split is not None:
            question, answer = _QUESTION.sub("", split[0].plain, count=1), split[1].plain
        elif lines:
            question, answer = plain, lines.pop(0)
            checks.append("no answer after ':'; the first line under it was taken")
        else:
            self.left(node.line, body.plain, "a question with no answer")
            return
        if lines:
            checks.append("lines under the question were not drafted: " + " / ".join(lines))
        self.questions.append(QuestionShape(node.line, question, answer, chain, tuple(checks)))

    def table(self, table: _Table, acc: _Acc | None) -> None:
        columns = [c.casefold() for c in table.header]
        term_col = _column(columns, ("용어", "term", "name", "이름"))
        def_col = _column(columns, ("정의", "definition", "meaning", "뜻"))
        eng_col = _column(columns, ("영어", "english", "영문"))
        pros_col = _column(columns, tuple(PROS_LABELS))
        cons_col = _column(columns, tuple(CONS_LABELS))
        if term_col is None or (def_col is None and pros_col is None and cons_col is None):
            self.left(table.line, " | ".join(table.header), "a table without term and definition columns")
            return
        for cells, line in table.rows:

            def cell(col: int | None, cells: tuple[str, ...] = cells) -> str:
                return cells[col].strip() if col is not None and col < len(cells) else ""

            name = _name(Inline(((cell(term_col), False),)))
            if name is None:
                self.left(line, " | ".join(cells), "a table row with no term")
                continue
            if eng_col is not None and cell(eng_col):
                name = Name(name.term, cell(eng_col), name.aliases)
            pros = tuple(
                _point(line, Inline(((p, False),))) for p in cell(pros_col).split(POINT_SEPARATOR) if p.strip()
            )
            cons = tuple(
                _point(line, Inline(((p, False),))) for p in cell(cons_col).split(POINT_SEPARATOR) if p.strip()
            )
            definition = cell(def_col)
            if not definition:
                self.left(line, " | ".join(cells), "a table row with no definition")
                continue
            # A table is a glossary: its rows are terms of their own, not kinds of the section's term.
            self.roots.append(Term(line, name, definition, pros=pros, cons=cons))


def _column(columns: list[str], names: Iterable[str]) -> int | None:
    for i, column in enumerate(columns):
        if column in names:
            return i
    return None


def _nodes(block: _Block) -> Iterator[_Node]:
    """The nodes of a block and of what it owns, in order (a quote's list, say)."""
    if isinstance(block, _Node):
        if block.text.parts:
            yield replace(block, children=())
        for child in block.children:
            yield from _nodes(child)
    elif isinstance(block, _Quote):
        for child in block.children:
            yield from _nodes(child)


def _name(inline: Inline, whole: bool = False) -> Name | None:
    """The name in a term's head: `term (`English`)`, `term (English)`, `` `Term` ``, `Term (abbr)`."""
    parts = [p for p in inline.parts if p[0].strip()]
    if not parts:
        return None
    if len(parts) == 1 and parts[0][1]:
        return Name(parts[0][0].strip())
    plain = inline.plain
    # `term (` + code + `)`: the English name in a code span in parentheses
    if (
        len(parts) == 3
        and not parts[0][1]
        and parts[1][1]
        and not parts[2][1]
        and parts[0][0].rstrip().endswith("(")
        and parts[2][0].strip() == ")"
    ):
        term = parts[0][0].rstrip()[:-1].strip()
        return _named(term, parts[1][0].strip()) if term else None
    if any(code for _, code in parts):
        return None
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", plain)
    if match:
        return _named(match.group(1).strip(), match.group(2).strip())
    if whole or "(" in plain or len(plain) > 60:
        return None
    return Name(plain)


def _named(term: str, inside: str) -> Name:
    if _is_latin(inside) and not _is_latin(term):
        return Name(term, inside)
    return Name(term, None, (inside,))


def _mentions(line: int, text: Inline) -> list[Term]:
    """Terms glossed in passing, `... 하이퍼 콜 (`Hyper Call`)을 ...`: the line is their draft definition.

    Only a capitalised gloss names a term (`격리된 (`isolated`)` only translates a word),
    and the term takes as many words before it as the gloss has.
    """
    out = []
    parts = text.parts
    for i in range(1, len(parts) - 1):
        before, (gloss, code), after = parts[i - 1], parts[i], parts[i + 1]
        if not (code and not before[1] and before[0].endswith(" (") and after[0].startswith(")")):
            continue
        if not (_is_latin(gloss) and gloss[:1].isupper()):
            continue
        if i == len(parts) - 2 and after[0].strip() == ")":
            continue  # a trailing gloss is an example (see `_detail`)
        words = before[0][:-2].split()[-len(gloss.split()) :]
        if words and not any(_is_latin(w) for w in words):
            out.append(
                Term(
                    line,
                    Name(" ".join(words), gloss),
                    text.plain,
                    checks=("glossed in passing in a line about another term; the line was taken as its definition",),
                )
            )
    return out


def _detail(text: Inline) -> tuple[str, str | None]:
    """A detail line, with a trailing `(`example`)` taken out as an example."""
    parts = [p for p in text.parts if p[0]]
    if (
        len(parts) >= 3
        and parts[-2][1]
        and parts[-1] == (")", False)
        and not parts[-3][1]
        and parts[-3][0].endswith("(")
    ):
        rest = Inline((*parts[:-3], (parts[-3][0][:-1], False))).plain
        if rest:
            return rest, parts[-2][0].strip()
    return text.plain, None


def _is_shortcoming(text: str) -> bool:
    """True for a line that states a shortcoming by its wording alone (see `SHORTCOMING_WORDS`)."""
    words = text.rstrip(" .!。").split()
    if len(words) < 2:
        return False
    if words[-1] in SHORTCOMING_WORDS:
        return words[-1] not in ("없음", "없다") or _particle_free(words[-2]) not in _BURDENS
    if _SHORTCOMING_EN.search(" ".join(words)):
        return not (words[0] == "No" and words[1].casefold() in _BURDENS)
    return False


def _particle_free(word: str) -> str:
    """`제약이` -> `제약`: a Korean noun without the subject or topic particle after it."""
    for particle in ("이", "가", "은", "는", "도"):
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


def _point(line: int, text: Inline) -> PointShape:
    plain = text.plain
    match = re.fullmatch(r"(.*\S)\s*\(\s*vs\.?\s+([^():]+?)\s*:\s*([^()]+)\)", plain)
    if match:
        return PointShape(line, match.group(1), (match.group(2), match.group(3).strip()))
    return PointShape(line, plain)


def _chain(line: int, text: Inline, architecture: bool) -> Chain | None:
    """`title : A ×3 ⊂ B ⊂ C`, or the bare chain; None when the line is no chain."""
    split = text.colon()
    candidates: list[tuple[str | None, Inline]] = [(split[0].plain, split[1])] if split else []
    candidates.append((None, text))
    for title, value in candidates:
        for sep in CHAIN_SEPARATORS:
            if sep != "⊂" and not architecture:
                continue
            pieces = value.split(f" {sep} " if sep != "⊂" else sep, in_parens=False)
            if len(pieces) < 2:
                continue
            layers = []
            for piece in pieces:
                name = piece.plain
                counted = _COUNT.search(name)
                count = int(counted.group(1)) if counted else 1
                name = name[: counted.start()].strip() if counted else name
                if not name or not 1 <= count <= 99:
                    return None
                layers.append(LayerShape(name, count))
            return Chain(line, title, tuple(layers))
    return None


# --- the whole note -----------------------------------------------------------------

_PARSER = MarkdownIt("commonmark").use(front_matter_plugin).enable("table")


def read_note(path: Path) -> Note:
    """Parse the note at PATH; a note that cannot be read raises `NoteError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise NoteError(str(path), 1, f"cannot read the note: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise NoteError(str(path), 1, "the note is not UTF-8 text") from None
    return parse_note(unicodedata.normalize("NFC", text), str(path))


def parse_note(text: str, path: str) -> Note:
    tokens = _PARSER.parse(text)
    header = Header()
    if tokens and tokens[0].type == "front_matter":
        header = _header(tokens[0].content, path)
        tokens = tokens[1:]
    walker = _Walker()
    walker.walk(_blocks(tokens), None)
    return Note(
        path,
        header,
        tuple(walker.roots),
        tuple(walker.mentions),
        tuple(walker.scenarios),
        tuple(walker.questions),
        tuple(sorted(walker.leftovers, key=lambda left: left.line)),
    )


def _header(text: str, path: str) -> Header:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 1-based, +1 for the opening '---'
        raise NoteError(path, line, "the front matter is not valid YAML") from None
    if not isinstance(data, dict):
        return Header()
    title = data.get("title")
    tags = data.get("tags") or data.get("categories") or ()
    if isinstance(tags, str):
        tags = [tags]
    date = data.get("date")
    return Header(
        title=str(title).strip() if title else None,
        tags=tuple(str(t) for t in tags if str(t).strip()) if isinstance(tags, list) else (),
        date=str(date) if date else None,
    )
