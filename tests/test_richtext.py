"""Rich text and images in facts: parsed once, drawn by every output, checked by real consumers."""

from __future__ import annotations

import json
import struct
import subprocess
import zipfile
import zlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardgen import richtext
from cardgen.context import load_context
from cardgen.emit.anki import emit_anki, escape_text
from cardgen.emit.exam import ExamSettings, exam_files, make_exam, rich_html
from cardgen.emit.quizset import md
from cardgen.review.quiz import items_for
from cardgen.text import fold
from tests.conftest import build_file_tree, require_program


def png(width: int = 40, height: int = 20) -> bytes:
    """A real PNG: a grey rectangle."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


FACTS = """\
deck: Rich
lang: en
definitions:
  - id: layer
    term: image layer
    definition: a read-only set of file changes that one `RUN`, `COPY` or `ADD` instruction makes
    image: figures/layers.png
  - id: container
    term: container
    definition: a running instance of an image with one **writable** layer on top
stacks:
  - id: stack-container
    title: A container on its image
    layers:
      - container layer (writable)
      - {name: image layers (read-only), image: figures/stack.png}
      - host kernel
questions:
  - id: build
    question: |
      How many layers does this Dockerfile add to its base image?
      ```dockerfile
      FROM alpine:3.20
      RUN  apk add curl
      COPY app.py /app/
      ```
    choices: ["1", "2", "3"]
    answer: "2"
    explanation: Only `RUN` and `COPY` make layers here; $n = 2$ and $\\frac{a}{b} \\le x^2$.
    image: figures/layers.png
    points: 4
"""


@pytest.fixture
def rich_base(tmp_path: Path) -> Path:
    return build_file_tree(tmp_path / "facts", {"rich.yaml": FACTS, "figures/layers.png": png(), "figures/stack.png": png(30, 30)})


def test_plain_text_is_left_alone() -> None:
    for text in ("a < b & c", "<script>alert(1)</script>", "costs $5 and $6", "*em* _em_ __init__"):
        assert richtext.parse(text) is None or richtext.plain(text) == text
        assert richtext.plain(text) == text
    assert str(escape_text("a < b & c")) == "a &lt; b &amp; c"


def test_answers_compare_on_the_plain_text() -> None:
    assert richtext.plain("type **RUN** then `ls -l`") == "type RUN then ls -l"
    assert fold("**RUN**") == fold("run")
    assert richtext.plain("$\\alpha + 1$") == "\\alpha + 1"


def test_hostile_text_inside_markup_stays_text() -> None:
    text = "**<script>alert(1)</script>** `<b>x</b>` $\\text{<img src=x onerror=alert(1)>}$"
    for drawn in (str(escape_text(text)), str(rich_html(text))):
        assert "<script" not in drawn and "<b>" not in drawn and "<img" not in drawn
        assert "&lt;script&gt;" in drawn and "<strong>" in drawn and "<code" in drawn
    assert "&lt;b&gt;x&lt;/b&gt;" in str(escape_text(text))


def test_each_output_draws_the_markup(rich_base: Path) -> None:
    code = "```\nFROM alpine\n  RUN ls\n```"
    anki = str(escape_text("one $x^2$ two\n" + code))
    assert r"\(x^2\)" in anki and "tex2jax_process" in anki
    assert '<code class="cg-code-block">FROM alpine<br>  RUN ls</code>' in anki
    exam = str(rich_html("one $x^2$ and $$y$$"))
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in exam and 'display="block"' in exam
    assert md("a `b` **c** $d$ < e") == "a `b` **c** $d$ \\< e"
    flash = {item.key: item.faces() for item in items_for(load_context(rich_base), "flash")}
    front, back = flash["build/question"]
    assert "```" not in front and "FROM alpine:3.20\nRUN  apk add curl" in front
    assert back.endswith("[image: layers.png]")


def test_anki_ships_the_image_as_media(rich_base: Path, tmp_path: Path) -> None:
    out = emit_anki(load_context(rich_base), timestamp=1_700_000_000)
    ((name, data),) = out.files.items()
    apkg = tmp_path / name
    apkg.write_bytes(data)
    with zipfile.ZipFile(apkg) as archive:
        media = json.loads(archive.read("media"))
        assert list(media) == ["0", "1"] and media["0"].startswith("layers-") and media["1"].startswith("stack-")
        assert archive.read("0") == png() and archive.read("1") == png(30, 30)
    assert emit_anki(load_context(rich_base), timestamp=1_700_000_000).files[name] == data  # deterministic
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
        assert (Path(col.media.dir()) / media["0"]).read_bytes() == png()
        assert (Path(col.media.dir()) / media["1"]).read_bytes() == png(30, 30)
        check = col.media.check()
        assert not check.missing and not check.unused, check
        answers = [col.get_card(cid).answer() for cid in col.find_cards("")]
        with_image = [a for a in answers if f'src="{media["0"]}"' in a]
        assert len(with_image) >= 4  # three definition cards and the question
        assert any("cg-code-block" in a and "tex2jax_process" in a for a in answers)
        assert any(f'src="{media["1"]}"' in a and "cg-stack" in a for a in answers)
    finally:
        col.close()


def test_exam_draws_a_layer_image_but_never_on_the_blank(rich_base: Path) -> None:
    from cardgen.emit.exam import draw_stack

    stack = load_context(rich_base).base["stack-container"]
    shown, blank = draw_stack(stack, None), draw_stack(stack, 1)  # type: ignore[arg-type]
    assert shown[1].image.startswith("data:image/png;base64,") and not shown[0].image
    assert blank[1].blank and not blank[1].image


def test_exam_prints_code_formula_and_image(rich_base: Path, tmp_path: Path) -> None:
    browser = require_program("chromium")
    for program in ("pdffonts", "pdftotext", "pdfimages"):
        require_program(program)
    context = load_context(rich_base)
    exam = make_exam(context, ExamSettings(versions=1, questions=1, kinds=("author_choice",), sources=(str(rich_base),)))
    files = exam_files(exam, browser=browser)
    html = files["exam-s0-A.html"].decode()
    assert "data:image/png;base64," in html and "<math" not in html  # the formula is in the key
    for name in ("exam-s0-A.pdf", "exam-s0-A-key.pdf"):
        (tmp_path / name).write_bytes(files[name])
    paper, key = tmp_path / "exam-s0-A.pdf", tmp_path / "exam-s0-A-key.pdf"
    fonts = subprocess.run(["pdffonts", str(paper)], capture_output=True, text=True, check=True).stdout
    assert "Mono" in fonts, fonts
    text = subprocess.run(["pdftotext", "-raw", str(paper), "-"], capture_output=True, text=True, check=True).stdout
    assert "FROM alpine:3.20\nRUN apk add curl\nCOPY app.py /app/" in text  # the code block keeps its lines
    images = subprocess.run(["pdfimages", "-list", str(paper)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3, images  # header, rule, one image
    key_text = subprocess.run(["pdftotext", str(key), "-"], capture_output=True, text=True, check=True).stdout
    assert "\U0001d45b = 2" in key_text and "≤" in key_text  # MathML drawn: a math italic n, the ≤ sign


RICH_TOPIC = Path(__file__).parent / "rich"


def test_the_rich_topic_keeps_every_quality_rule() -> None:
    """A fact base written with code, bold, formulas and images: the oracle agrees with every key."""
    from cardgen.bank.generate import build_bank
    from cardgen.bank.question import Choice, TrueFalse
    from cardgen.factbase.loader import load
    from tests.oracle import Oracle

    base = load(RICH_TOPIC)
    oracle, bank = Oracle(base), build_bank(base)
    assert {q.kind for q in bank} >= {"author_choice", "term_from_definition", "definition_from_term", "stack_order"}
    for q in bank:
        if isinstance(q, TrueFalse):
            assert oracle.ox_is_true(q) is q.answer, q.id
        if isinstance(q, Choice):
            assert oracle.right_options(q) == {q.answer}, q.id
    assert base.definition("build-cache").image is not None
    assert base.definition("build-cache").image.mime == "image/svg+xml"



_MARKUP = ("`", "**", "$", "$$", "\n```\n", "\n~~~\n", "\\text{", "}", "\\frac{a}{b}", "x^2")
_HOSTILE = ("<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "a < b & c", "&lt;b&gt;", "{{c1::x}}",
            "[sound:x.mp3]", "<mi onclick=x>", "</code><b>", "&#60;script&#62;", "\\(", "\\]")
_MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mfrac", "msup", "msub", "msubsup", "msqrt", "mroot",
                "mspace", "mstyle", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mpadded", "mphantom",
                "menclose", "merror"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add((tag, ""))
        self.seen.update((tag, name) for name, _ in attrs)


def _tags(html: str) -> set[tuple[str, str]]:
    parser = _Tags()
    parser.feed(html)
    return parser.seen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MARKUP + _HOSTILE + ("word", " ", "RUN")), min_size=1, max_size=12).map("".join))
def test_rich_text_never_lets_markup_of_its_own_through(text: str) -> None:
    allowed = {("code", ""), ("code", "class"), ("strong", ""), ("br", ""), ("span", ""), ("span", "class")}
    assert _tags(str(escape_text(text))) <= allowed
    exam_allowed = allowed | {("code", "style")} | {(t, a) for t in _MATHML_TAGS for a in ("", "xmlns", "display",
                              "mathvariant", "stretchy", "fence", "separator", "form", "columnalign", "linethickness",
                              "accent", "movablelimits", "lspace", "rspace", "width", "rowspacing", "columnspacing",
                              "displaystyle", "minsize", "maxsize", "largeop", "symmetric", "accentunder")}
    assert _tags(str(rich_html(text))) <= exam_allowed
    assert richtext.plain(text).count("<script>") == text.count("<script>")


# --- the kinds main added: processes, comparisons, layer notes, bands --------------------------

KINDS_FACTS = """\
deck: RichKinds
lang: en
definitions:
  - id: vm
    term: virtual machine
    definition: a computer emulated in software with its own `kernel`
  - id: ctr
    term: container
    definition: an isolated process group sharing the host kernel
  - id: proc
    term: process
    definition: a running program with **its own** memory
stacks:
  - id: st
    title: A `docker run` stack
    layers:
      - {name: "`app` process", note: "started by `CMD`"}
      - {name: container runtime, image: figures/runtime.png}
      - {name: "**host** kernel", note: "shared, $O(1)$ switches"}
      - hardware
    bands:
      - {name: "`user` space", layers: ["`app` process", container runtime]}
      - {name: "**kernel** side", layers: ["**host** kernel", hardware]}
processes:
  - id: pr
    title: What `docker build` does
    steps:
      - name: send the `context`
        detail: "tars the folder and posts it to `dockerd`"
      - name: parse the **Dockerfile**
        detail: reads each instruction from the top
      - name: run each `RUN`
        detail: "commits a layer per step, $n$ in all"
      - name: tag the **image**
        detail: names the last layer
comparisons:
  - id: cmp
    title: "`vm` versus `ctr`"
    concepts: [vm, ctr]
    rows:
      - attribute: "boot time in $s$"
        values: {vm: "about `30` seconds", ctr: "**under** one second"}
      - attribute: Kernel
        values: {vm: "its own `vmlinuz`", ctr: "the host's"}
questions:
  - id: q1
    question: Which instruction makes a layer?
    choices: ["`RUN`", "`ENV`", "`LABEL`"]
    answer: "`RUN`"
    explanation: Only `RUN` writes files.
    image: figures/q.png
"""

MARKUP = ("`", "**", "$")


@pytest.fixture
def kinds_base(tmp_path: Path) -> Path:
    files = {"kinds.yaml": KINDS_FACTS, "figures/runtime.png": png(), "figures/q.png": png(30, 30)}
    return build_file_tree(tmp_path / "facts", files)


def _visible(html: str) -> str:
    """The text a reader sees of HTML: tags, MathML and MathJax formulas taken out."""
    html = re.sub(r"<math.*?</math>", " ", html, flags=re.S)
    html = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_bold_adds_no_line_break() -> None:
    assert richtext.plain("**host** kernel") == "host kernel"
    assert richtext.plain("parse the **Dockerfile**") == "parse the Dockerfile"
    assert "<br>" not in str(escape_text("parse the **Dockerfile**"))
    assert richtext.plain("a `b`\nc") == "a b\nc"


def test_anki_draws_rich_text_in_steps_tables_notes_and_bands(kinds_base: Path) -> None:
    import sqlite3
    import tempfile

    ((_, data),) = emit_anki(load_context(kinds_base), timestamp=1_700_000_000).files.items()
    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        archive.extract("collection.anki2", scratch)
        conn = sqlite3.connect(Path(scratch) / "collection.anki2")
        fields = [row[0] for row in conn.execute("select flds from notes")]
        conn.close()
    everything = "\x1f".join(fields)
    for field in fields:
        assert not any(mark in _visible(field) for mark in MARKUP), field
    assert '<div class="cg-step"><span class="cg-step-number">1.</span> send the <code class="cg-code">context</code>' in everything
    assert '<span class="cg-band" style="grid-row: span 2"><code class="cg-code">user</code> space</span>' in everything
    assert '<span class="cg-layer-note">started by <code class="cg-code">CMD</code></span>' in everything
    assert '<td class="cg-marked">about <code class="cg-code">30</code> seconds</td>' in everything
    assert '<th scope="row">boot time in <span class="cg-math' in everything


def test_exam_draws_rich_text_in_steps_tables_notes_and_bands(kinds_base: Path) -> None:
    exam = make_exam(load_context(kinds_base), ExamSettings(versions=1, questions=12, seed=0))
    pages = exam_files(exam)
    paper, key = pages["exam-s0-A.html"].decode(), pages["exam-s0-A-key.html"].decode()
    for page in (paper, key):
        body = page[page.index("<body"):]
        assert not any(mark in _visible(body) for mark in MARKUP)
    assert '<code class="cg-code"' in paper and "<math" in paper
    assert '<div class="band" style="grid-row: 1 / span 2"><code class="cg-code"' in paper
    assert '<div class="band" style="grid-row: 3 / span 2"><strong>kernel</strong> side</div>' in paper
    assert '<span class="layer-note">started by <code class="cg-code"' in paper
    assert '<span class="layer-note">shared, <math' in paper
    assert '<div class="step"><span class="step-number">4.</span> tag the <strong>image</strong></div>' in paper
    assert '<caption><code class="cg-code"' in key  # the comparison's title, and its cells below
    assert re.search(r'<td class="marked">(about <code class="cg-code"|<strong>under</strong>|its own <code)', key)


@pytest.mark.parametrize("width", [None, 40, 80])
def test_terminal_parts_are_plain_and_name_the_images(kinds_base: Path, width: int | None) -> None:
    import io

    from rich.console import Console

    from cardgen.review.terminal import RichScreen

    items = items_for(load_context(kinds_base), "mixed")
    assert {"pr/process.order", "cmp/comparison.row.1", "st/stack.order", "q1/author_choice/1"} <= {i.key for i in items}
    for item in items:
        screen = RichScreen(Console(file=io.StringIO(), width=width or 80, color_system=None), plain=True, lang="en")
        assert item.parts is not None
        shown = [screen._question(item).plain, screen._lay_out(item.parts.back, width).plain, *item.options, *item.faces()]
        for text in shown:
            assert not any(mark in text for mark in MARKUP), (item.key, text)
        back = screen._lay_out(item.parts.back, width).plain
        if item.key in ("q1/question", "q1/author_choice/1"):
            assert back.endswith("[image: q.png]") and item.faces()[1].endswith("[image: q.png]")
        if item.key.startswith("st/"):
            assert back.endswith("[image: runtime.png]"), back
            assert "[image" not in screen._question(item).plain
    shown = {item.key: item for item in items}
    assert "send the context" in shown["pr/process.order"].faces()[1]
    assert "2. parse the Dockerfile\n" in shown["pr/process.order"].faces()[1]
    typed = next(item for item in items if item.style == "typed" and item.key == "vm/definition.typein")
    assert typed.accepted == ("virtual machine",)


def test_quizsets_keep_markup_in_markdown_only(kinds_base: Path) -> None:
    from cardgen.emit.quizset import quizset_files

    files = quizset_files(load_context(kinds_base), formats=("json", "md", "csv", "tsv"), size=14, seed=1)
    for name, data in files.items():
        text = data.decode("utf-8-sig")
        if name.endswith(".md"):
            assert "`" in text
        else:
            assert not any(mark in text for mark in MARKUP), name
    doc = json.loads(files["quizset-s1-01.json"])
    layers = [layer for q in doc["questions"] if q["stack"] for layer in q["stack"]["layers"]]
    assert layers and all("`" not in json.dumps(layer) for layer in layers)


def test_backticks_followed_by_more_than_a_language_name_are_text_not_a_fence() -> None:
    # Found by the property test above: "```<script>…" was read as a fence whose info string
    # swallowed the text, so every output showed nothing.
    hostile = "```<script>alert(1)</script>"
    assert richtext.plain(hostile) == hostile
    assert richtext.plain("```dockerfile\nFROM alpine\n```") == "FROM alpine"


def test_the_quick_markup_test_knows_every_sign() -> None:
    assert all(richtext.has_markup(f"a {sign} b") for sign in richtext._SIGNS)
    assert not richtext.has_markup("a * b ~~ c _d_ 5%")
