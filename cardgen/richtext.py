"""Rich text in facts: inline code, fenced code blocks, **bold** and `$...$` / `$$...$$` formulas.

Any text field of a fact may hold this markup. `parse` reads it with a CommonMark
parser (markdown-it-py, its "zero" preset with only code spans, emphasis, fences and
dollar math turned on, so nothing else in a text means anything: no HTML, entities,
backslash escapes, lists or headings). Each output draws the parsed text its own way:

- `plain`: the text without markup, as the terminal quiz, CSV, TSV and JSON show it and
  as answers are compared (code as is, a formula as its LaTeX source);
- `to_html`: HTML through an output's own escaping of the plain parts, with the output's
  own way of drawing formulas (MathML for exams, MathJax delimiters for Anki);
- `to_markdown`: Markdown with the markup kept, the plain parts escaped by the caller.

A text without markup is left alone (`parse` returns None), so it renders exactly as
it would without this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The parser is imported on first use: most texts hold no markup, and `cardgen quiz`
    # should not pay for markdown-it at start-up.
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@dataclass(frozen=True)
class Code:
    """Inline code: `docker build`."""

    text: str


@dataclass(frozen=True)
class Bold:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Math:
    """A formula in LaTeX; `display` for `$$...$$` (a line of its own)."""

    tex: str
    display: bool = False


Inline = str | Code | Bold | Math


@dataclass(frozen=True)
class Para:
    """A run of text; `gap` says a blank line separates it from the block before."""

    parts: tuple[Inline, ...]
    gap: bool = False


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block: its lines exactly as written, kept in a monospace font."""

    text: str
    lang: str = ""
    gap: bool = False


Block = Para | CodeBlock
Rich = tuple[Block, ...]

# A text holding none of these has no markup and is not parsed.
_SIGNS = ("`", "**", "$", "~~~")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("zero").enable(["backticks", "emphasis", "fence"])
    # No `$5 and $6` as a formula: a digit may not touch the dollars, nor a space their inside.
    return md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)


_LANG = re.compile(r"[\w+#.-]*")
"""What may follow a fence's opening backticks: a language name, or nothing."""


def has_markup(text: str) -> bool:
    """Whether TEXT may hold rich-text markup (a quick test before `parse`, run on every text
    an output shows: spelled out rather than a loop over `_SIGNS`, it costs a few substring tests)."""
    return "`" in text or "$" in text or "**" in text or "~~~" in text


def parse(text: str) -> Rich | None:
    """TEXT's blocks, or None when it holds no code, bold or formula (plain text)."""
    return _parse(text) if has_markup(text) else None


@cache
def _parse(text: str) -> Rich | None:
    blocks: list[Block] = []
    last_line = 0
    for token in _parser().parse(text):
        start, end = token.map if token.map else (last_line, last_line)
        gap = bool(blocks) and start > last_line
        if token.type == "inline":
            blocks.append(Para(_inlines(token.children or []), gap))
        elif token.type == "fence" and _LANG.fullmatch(token.info.strip()):
            blocks.append(CodeBlock(token.content.removesuffix("\n"), token.info.strip(), gap))
        elif token.type == "fence":
            # "```" followed by more than a language name is no fence: the text stays as written.
            blocks.append(Para(("\n".join(text.split("\n")[start:end]),), gap))
        elif token.type == "math_block":
            blocks.append(Para((Math(token.content.strip(), display=True),), gap))
        elif token.type == "paragraph_close":
            continue
        if token.map:
            last_line = end
    rich = tuple(blocks)
    return rich if any(not _is_plain(block) for block in rich) else None


def _inlines(tokens: list[Token]) -> tuple[Inline, ...]:
    """The inline tokens of one paragraph as text, code, bold and formulas.

    Only `**` makes bold: `*x*`, `_x_` and `__x__` stay as written, as do the markers
    of emphasis that encloses nothing rich.
    """
    out: list[Inline] = []
    stack: list[tuple[str, list[Inline]]] = []
    current = out
    for token in tokens:
        match token.type:
            case "text":
                current.append(token.content)
            case "softbreak" | "hardbreak":
                current.append("\n")
            case "code_inline":
                current.append(Code(token.content))
            case "math_inline":
                current.append(Math(token.content))
            case "math_inline_double":
                current.append(Math(token.content, display=True))
            case "strong_open" | "em_open":
                stack.append((token.markup, current))
                current = []
            case "strong_close" | "em_close":
                markup, outer = stack.pop()
                if markup == "**":
                    outer.append(Bold(_joined(current)))
                else:
                    outer.extend([markup, *current, markup])
                current = outer
            case _:
                current.append(token.content)
    return _joined(out)


def _joined(parts: list[Inline]) -> tuple[Inline, ...]:
    """PARTS with neighbouring plain strings joined into one."""
    out: list[Inline] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return tuple(out)


def _is_plain(block: Block) -> bool:
    return isinstance(block, Para) and all(isinstance(part, str) for part in block.parts)


def opens_fence(line: str) -> bool:
    """Whether LINE opens (or closes) a fenced code block."""
    return line.lstrip().startswith(("```", "~~~"))


def rich_lines(lines: Sequence[str]) -> tuple[str, ...]:
    """LINES to show one per paragraph; when they hold a fenced code block, one text that keeps it whole."""
    text = "\n".join(lines)
    rich = parse(text)
    if rich is None or not any(isinstance(block, CodeBlock) for block in rich):
        return tuple(lines)
    return (text,)


# --- plain text ----------------------------------------------------------------------


def plain(text: str) -> str:
    """TEXT without its markup: code as is, bold as its words, a formula as its LaTeX."""
    rich = parse(text)
    if rich is None:
        return text
    lines: list[str] = []
    for block in rich:
        if block.gap:
            lines.append("")
        lines.append(block.text if isinstance(block, CodeBlock) else "".join(map(_plain_inline, block.parts)))
    return "\n".join(lines)


def _plain_inline(part: Inline) -> str:
    match part:
        case str():
            return part
        case Code():
            return part.text
        case Bold():
            return "".join(map(_plain_inline, part.parts))
        case Math():
            return part.tex


# --- HTML ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HtmlStyle:
    """How one output writes HTML: its escaping of text, its formulas and its line break."""

    escape: Callable[[str], str]
    math: Callable[[Math], str]
    newline: str
    code: str = ' class="cg-code"'
    """The attributes of inline code's `<code>` element."""
    code_block: str = ' class="cg-code-block"'
    """The attributes of a code block's `<code>` element (drawn as a block)."""


def to_html(text: str, style: HtmlStyle) -> str | None:
    """TEXT as HTML in STYLE, or None when it is plain text (the caller escapes it as usual)."""
    rich = parse(text)
    if rich is None:
        return None
    out: list[str] = []
    previous: Block | None = None
    for block in rich:
        if isinstance(block, CodeBlock):
            if block.gap and previous is not None:
                out.append(style.newline)
            out.append(f"<code{style.code_block}>{style.escape(block.text)}</code>")
        else:
            if previous is not None and not isinstance(previous, CodeBlock):
                out.append(style.newline * (2 if block.gap else 1))
            elif block.gap and previous is not None:
                out.append(style.newline)
            out.append("".join(_html_inline(part, style) for part in block.parts))
        previous = block
    return "".join(out)


def _html_inline(part: Inline, style: HtmlStyle) -> str:
    match part:
        case str():
            return style.escape(part)
        case Code():
            return f"<code{style.code}>{style.escape(part.text)}</code>"
        case Bold():
            return "<strong>" + "".join(_html_inline(p, style) for p in part.parts) + "</strong>"
        case Math():
            return style.math(part)


@cache
def mathml(tex: str, display: bool) -> str | None:
    """TEX as a MathML element, or None when the converter cannot read it.

    The converter copies `\\text{...}` into its output as it is, so `<` and `>` are given
    to it as `\\lt` and `\\gt`, and the result must parse as XML made of MathML elements
    only: no tag in a formula reaches the page.
    """
    import xml.etree.ElementTree as ElementTree

    from latex2mathml.converter import convert

    source = tex.replace("<", r"\lt ").replace(">", r"\gt ")
    try:
        markup: str = convert(source, display="block" if display else "inline")
        tree = ElementTree.fromstring(markup)
    except Exception:  # the converter raises many kinds on malformed LaTeX
        return None
    if any(not element.tag.startswith(_MATHML) for element in tree.iter()):
        return None
    return markup


_MATHML = "{http://www.w3.org/1998/Math/MathML}"


# --- Markdown -------------------------------------------------------------------------


def to_markdown(text: str, escape: Callable[[str], str]) -> str | None:
    """TEXT as Markdown with its markup kept, plain parts through ESCAPE; None for plain text."""
    rich = parse(text)
    if rich is None:
        return None
    out: list[str] = []
    for block in rich:
        if block.gap:
            out.append("")
        if isinstance(block, CodeBlock):
            fence = "`" * max(3, _longest_run(block.text, "`") + 1)
            out.append(f"{fence}{block.lang}\n{block.text}\n{fence}")
        else:
            out.append("".join(_markdown_inline(part, escape) for part in block.parts))
    return "\n".join(out)


def _markdown_inline(part: Inline, escape: Callable[[str], str]) -> str:
    match part:
        case str():
            return escape(part)
        case Code():
            ticks = "`" * (_longest_run(part.text, "`") + 1)
            pad = " " if part.text.startswith("`") or part.text.endswith("`") else ""
            return f"{ticks}{pad}{part.text}{pad}{ticks}"
        case Bold():
            return "**" + "".join(_markdown_inline(p, escape) for p in part.parts) + "**"
        case Math():
            dollars = "$$" if part.display else "$"
            return f"{dollars}{part.tex}{dollars}"


def _longest_run(text: str, char: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        longest = max(longest, run)
    return longest
