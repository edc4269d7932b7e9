"""The card model: what to ask about each fact, independent of any output format.

`build_cards(base)` turns a fact base into `Card` objects. The Anki emitter
(`cardgen.emit.anki`) renders them as HTML notes; the terminal quiz shows their plain
text. A card's identity is `Card.key` = `"{fact_id}/{kind}"`: Anki GUIDs and
review schedules hang on it, so a kind string, once shipped, never changes
meaning. Layers and list items are numbered from 1 (top layer, first item) in
kind strings; attributes such as `hidden_layer` are 0-based indexes.

Card kinds, by fact kind:

definition
  ``definition.forward``      term -> definition
  ``definition.reverse``      definition -> term (self-graded)
  ``definition.typein``       definition -> type the term; `answers` holds the
                              term, the English name and the aliases
pros and cons
  ``pros.recall`` / ``cons.recall``       recall every advantage / disadvantage
  ``pros.cloze.N`` / ``cons.cloze.N``     the list with item N blanked
stack
  ``stack.order``             recall the layers, top to bottom
  ``stack.missing.N``         the stack drawn with layer N hidden
  ``stack.above.N``           what sits directly above layer N (every layer but the top)
  ``stack.below.N``           what sits directly below layer N (every layer but the bottom)
taxonomy
  ``taxonomy.kinds``          recall the kinds of the parent concept
  ``taxonomy.parent.CHILD``   the child definition id -> what it is a kind of
question
  ``question``                the author's question -> answer, with its stack
                              drawn on the back when it has one

Scenarios make no cards of their own; their text frames the stack cards.
"""

from __future__ import annotations

from operator import attrgetter
from typing import NamedTuple, TypedDict, Unpack, assert_never

from cardgen.bank.relations import fold as _fold
from cardgen.bank.relations import layers_worth_asking, trivial_layers
from cardgen.factbase.answers import accepted_forms
from cardgen.factbase.model import (
    AuthorQuestion,
    Definition,
    Fact,
    FactBase,
    Meta,
    Point,
    ProsCons,
    Scenario,
    Stack,
    Taxonomy,
)
from cardgen.present import draw_stack_text


class Card(NamedTuple):
    """One thing to ask, with everything needed to show its front and back.

    Text fields are plain text (never HTML): renderers escape them. A named tuple
    rather than a frozen dataclass: decks are made of thousands of cards, and a
    frozen dataclass sets each of its fields through `object.__setattr__`.
    """

    fact_id: str
    kind: str
    deck: str
    tags: tuple[str, ...]
    prompt: str
    """The instruction, short: "뜻은?"."""
    subject: str = ""
    """What is asked about, shown prominently: a term, a definition, a question."""
    answer: str = ""
    """The answer in a line; empty when `items` is the answer."""
    items: tuple[str, ...] = ()
    """A list that is the answer, or the list a cloze card blanks one item of."""
    cloze: int | None = None
    """0-based index of the item of `items` hidden on the front."""
    answers: tuple[str, ...] = ()
    """Accepted typed answers, the first being the expected one; empty unless a type-in card."""
    context: str = ""
    """Framing shown on the front under the prompt (a stack's scenario, a taxonomy's basis)."""
    details: tuple[str, ...] = ()
    """Further lines shown on the back after the answer."""
    stack: Stack | None = None
    """The stack drawn on the card: on the front when `hidden_layer` is set, always on the back."""
    hidden_layer: int | None = None
    """0-based index of the layer drawn as "?" on the front."""
    marked_layers: tuple[int, ...] = ()
    """0-based indexes of layers highlighted on the back."""
    source: str | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        return f"{self.fact_id}/{self.kind}"

    @property
    def family(self) -> str:
        """The kind without its layer, item or child part: `stack.missing.3` -> `stack.missing`."""
        return ".".join(self.kind.split(".")[:2])

    @property
    def is_typein(self) -> bool:
        return bool(self.answers)

    @property
    def stack_on_front(self) -> bool:
        return self.stack is not None and self.hidden_layer is not None

    @property
    def front(self) -> str:
        """The question as plain text, stack drawn with text boxes."""
        parts = [p for p in (self.subject, self.prompt, self.context) if p]
        if self.cloze is not None:
            parts.append(_bullets(self.items, blank=self.cloze))
        if self.stack is not None and self.hidden_layer is not None:  # stack_on_front
            parts.append(draw_stack_text(self.stack, hidden=self.hidden_layer))
        return "\n".join(parts)

    @property
    def back(self) -> str:
        """The answer as plain text: answer or list, details, stack, and any correction note."""
        parts = []
        if self.answer:
            parts.append(self.answer)
        if self.items:
            parts.append(_bullets(self.items, mark=self.cloze))
        parts.extend(self.details)
        if self.stack is not None:
            parts.append(draw_stack_text(self.stack, marked=self.marked_layers))
        if self.note:
            parts.append(f"※ {self.note}")
        return "\n".join(parts)


def build_cards(base: FactBase) -> tuple[Card, ...]:
    """Every card of the fact base, ordered by fact id, then in the order the kinds are listed above."""
    excluded = {key for key, _ in base.exclude}
    trivial = trivial_layers(base.stacks)  # once: every stack's cards ask it
    made = [card for fact in base.facts() for card in cards_of(base, fact, trivial) if card.key not in excluded]
    cards = _stack_share_capped(made)
    # A stable sort keeps each fact's cards in the order they were made.
    return tuple(sorted(cards, key=attrgetter("fact_id")))


class _CardFields(TypedDict, total=False):
    """The fields of a `Card` that do not come from the fact's `Meta`."""

    subject: str
    answer: str
    items: tuple[str, ...]
    cloze: int | None
    answers: tuple[str, ...]
    context: str
    details: tuple[str, ...]
    stack: Stack | None
    hidden_layer: int | None
    marked_layers: tuple[int, ...]


STACK_SHARE = 0.25
_STACK_KEEP = ("stack.order", "stack.missing", "stack.below", "stack.above")


def _stack_share_capped(cards: list[Card]) -> list[Card]:
    """CARDS with stack cards trimmed to at most STACK_SHARE of the deck (adjacency first,
    then blanks, the last by key first), so a few small stacks never make it layer drill."""
    stack = [c for c in cards if c.family in _STACK_KEEP]
    keep = int(STACK_SHARE * (len(cards) - len(stack)) / (1 - STACK_SHARE))
    if len(stack) <= keep:
        return cards
    ranked = sorted(stack, key=lambda c: (_STACK_KEEP.index(c.family), c.key))
    gone = {c.key for c in ranked[keep:]}
    return [c for c in cards if c.key not in gone]


def cards_of(base: FactBase, fact: Fact, trivial: frozenset[str] | None = None) -> list[Card]:
    """The cards of one fact; TRIVIAL are the layers no stack card asks about (see
    `trivial_layers`), computed here when not given."""
    match fact:
        case Definition():
            return _definition_cards(base, fact)
        case ProsCons():
            return _pros_cons_cards(base, fact)
        case Stack():
            return _stack_cards(base, fact, trivial_layers(base.stacks) if trivial is None else trivial)
        case Taxonomy():
            return _taxonomy_cards(base, fact)
        case AuthorQuestion():
            return _question_cards(base, fact)
        case Scenario():
            return []  # a scenario frames the stack cards; it has none of its own
        case _ as unreachable:
            assert_never(unreachable)


def _card(meta: Meta, kind: str, prompt: str, **fields: Unpack[_CardFields]) -> Card:
    return Card(
        fact_id=meta.id,
        kind=kind,
        deck=meta.deck,
        tags=meta.tags,
        prompt=prompt,
        source=meta.source,
        note=meta.note,
        **fields,
    )


# --- definitions ------------------------------------------------------------------


def _definition_cards(base: FactBase, d: Definition) -> list[Card]:
    extra = [*d.details, *(f"예: {example}" for example in d.examples)]
    other_names = [name for name in d.names if name not in (d.term, d.english)]
    names_line = [f"다른 이름: {', '.join(other_names)}"] if other_names else []
    parents = base.parents_of(d.id)
    hint = " / ".join(base.definition(p).label for p in parents)
    context = f"{hint}의 한 종류" if hint else ""
    return [
        _card(
            d.meta,
            "definition.forward",
            "뜻은?",
            subject=d.label,
            answer=d.definition,
            details=tuple(names_line + extra),
        ),
        _card(
            d.meta,
            "definition.reverse",
            "이 뜻의 용어는?",
            subject=d.definition,
            context=context,
            answer=d.label,
            details=tuple(names_line + extra),
        ),
        _card(
            d.meta,
            "definition.typein",
            "용어를 입력하세요",
            subject=d.definition,
            context=context,
            answer=d.label,
            answers=accepted_forms(d.names, base.synonyms),
            details=tuple([f"정답으로 인정: {', '.join(d.names)}", *extra]),
        ),
    ]


# --- pros and cons ------------------------------------------------------------------


def _point_text(point: Point, base: FactBase) -> str:
    if point.compare is None:
        return point.text
    other = base.definition(point.compare.concept).term
    return f"{point.text} (↔ {other}: {point.compare.text})"


def _pros_cons_cards(base: FactBase, pc: ProsCons) -> list[Card]:
    concept = base.definition(pc.concept).label
    cards: list[Card] = []
    for side, word, points in (("pros", "장점", pc.pros), ("cons", "단점", pc.cons)):
        if not points:
            continue
        items = tuple(_point_text(p, base) for p in points)
        cards.append(_card(pc.meta, f"{side}.recall", f"{word}은? ({len(items)}가지)", subject=concept, items=items))
        # A one-item list has nothing around its blank: the recall card already asks it.
        for n in range(len(items) if len(items) > 1 else 0):
            cards.append(
                _card(
                    pc.meta,
                    f"{side}.cloze.{n + 1}",
                    f"빈칸에 들어갈 {word}은?",
                    subject=f"{concept}의 {word}",
                    items=items,
                    cloze=n,
                )
            )
    return cards


# --- stacks ----------------------------------------------------------------------


def _stack_cards(base: FactBase, s: Stack, trivial: frozenset[str]) -> list[Card]:
    """The stack's order, a blank for each layer worth asking about, and each adjacent pair of
    such layers once (alternately "directly below" and "directly above"), as the bank asks."""
    frame = base[s.scenario] if s.scenario else None
    assert frame is None or isinstance(frame, Scenario), s.scenario
    scenario = frame.text if frame is not None else ""
    names = [layer.name for layer in s.layers]
    asked = layers_worth_asking(s, trivial, lambda c: base.definition(c).names)
    cards = []
    if sum(asked) >= 2:
        cards.append(
            _card(
                s.meta,
                "stack.order",
                "위에서 아래로 층을 차례대로 말해 보세요",
                subject=s.title,
                context=scenario,
                stack=s,
            )
        )
    for i, layer in enumerate(s.layers):
        if not asked[i]:
            continue
        cards.append(
            _card(
                s.meta,
                f"stack.missing.{i + 1}",
                "빈 층은?",
                subject=s.title,
                answer=layer.name,
                stack=s,
                hidden_layer=i,
                marked_layers=(i,),
            )
        )
    for i in range(len(s.layers) - 1):
        if not (asked[i] and asked[i + 1]):
            continue
        if i % 2 == 0:
            family, ref, answer, where = "below", i, i + 1, "아래"
        else:
            family, ref, answer, where = "above", i + 1, i, "위"
        cards.append(
            _card(
                s.meta,
                f"stack.{family}.{ref + 1}",
                f"'{names[ref]}' 바로 {where}의 층은?",
                subject=s.title,
                answer=names[answer],
                stack=s,
                marked_layers=tuple(sorted((ref, answer))),
            )
        )
    return cards


# --- taxonomy ----------------------------------------------------------------------


def _taxonomy_cards(base: FactBase, t: Taxonomy) -> list[Card]:
    parent = base.definition(t.parent)
    children = tuple(base.definition(c).label for c in t.children)
    basis = f"분류 기준: {t.basis}" if t.basis else ""
    cards = [
        _card(
            t.meta,
            "taxonomy.kinds",
            f"종류는? ({len(children)}가지)",
            subject=parent.label,
            context=basis,
            items=children,
        )
    ]
    for child_id in t.children:
        child = base.definition(child_id)
        # "리눅스 컨테이너: a kind of what?" answers itself.
        if any(len(p) >= 2 and p in c for p in map(_fold, parent.names) for c in map(_fold, child.names)):
            continue
        cards.append(
            _card(
                t.meta,
                f"taxonomy.parent.{child_id}",
                "무엇의 한 종류인가?",
                subject=child.label,
                answer=parent.label,
                details=(basis,) if basis else (),
            )
        )
    return cards


# --- the author's questions --------------------------------------------------------------


def _question_cards(base: FactBase, q: AuthorQuestion) -> list[Card]:
    stack = base[q.stack] if q.stack else None
    assert stack is None or isinstance(stack, Stack), q.stack
    return [
        _card(
            q.meta,
            "question",
            "",
            subject=q.question,
            answer=q.answer,
            details=(q.explanation,) if q.explanation else (),
            stack=stack,
        )
    ]


# --- plain-text drawing ----------------------------------------------------------------


def _bullets(items: tuple[str, ...], blank: int | None = None, mark: int | None = None) -> str:
    lines = []
    for n, item in enumerate(items):
        if n == blank:
            lines.append("• [...]")
        elif n == mark:
            lines.append(f"• {item}  ◀")
        else:
            lines.append(f"• {item}")
    return "\n".join(lines)
