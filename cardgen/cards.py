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
  ``stack.band.N``            which band layer N is in (stacks of two or more bands)
process
  ``process.order``           recall the steps, first to last
  ``process.next.N``          the step right after step N
  ``process.previous.N``      the step right before step N; each adjacent pair is
                              asked once, alternately as "next" and "before"
taxonomy
  ``taxonomy.kinds``          recall the kinds of the parent concept
  ``taxonomy.parent.CHILD``   the child definition id -> what it is a kind of
question
  ``question``                the author's question -> answer, with its stack
                              drawn on the back when it has one; a choice question
                              shows its options on the front and the right one(s),
                              with their markers, on the back
comparison
  ``comparison.cell.N.CONCEPT``   row N's attribute for the concept -> its value
  ``comparison.row.N``            row N's attribute -> the value of every concept
                                  (both draw the table on the back, asked cells marked;
                                  a row with one value for every concept asks nothing)

Scenarios make no cards of their own; their text frames the stack cards.
"""

from __future__ import annotations

import random
from operator import attrgetter
from typing import NamedTuple, TypedDict, Unpack, assert_never

from cardgen.bank.relations import band_worth_asking, blank_worth_asking, layers_worth_asking, trivial_layers
from cardgen.bank.relations import fold as _fold
from cardgen.factbase.answers import accepted_forms
from cardgen.factbase.model import (
    AuthorQuestion,
    ComparisonTable,
    Definition,
    Fact,
    FactBase,
    Meta,
    Point,
    Process,
    ProsCons,
    Scenario,
    Stack,
    Taxonomy,
)
from cardgen.flow import FlowStep, flow_of
from cardgen.lang import Lang, Translator, lang_of, translator
from cardgen.media import Image
from cardgen.present import Grid, comparison_grid, draw_flow_text, draw_grid_text, draw_stack_text, markers
from cardgen.richtext import plain


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
    """The instruction, short: "What does it mean?" ("뜻은?")."""
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
    options: tuple[str, ...] = ()
    """The options of the author's choice question, in the order shown (see `deal_options`)."""
    right: tuple[int, ...] = ()
    """0-based indexes of the right `options`."""
    fixed: bool = False
    """The options keep the author's order."""
    front_flow: tuple[FlowStep, ...] = ()
    """A part of a process drawn on the front, the asked step as "?"."""
    back_flow: tuple[FlowStep, ...] = ()
    """The whole process drawn on the back, the asked steps marked."""
    table: Grid | None = None
    """A comparison drawn on the back, the asked cells marked."""
    source: str | None = None
    note: str | None = None
    lang: Lang = "ko"
    """The language of the card's own words (its fact's, unless a command overrides it)."""
    image: Image | None = None
    """The fact's image, shown with the answer."""

    @property
    def key(self) -> str:
        return f"{self.fact_id}/{self.kind}"

    @property
    def family(self) -> str:
        """The kind without its layer, item or child part: `stack.missing.3` -> `stack.missing`."""
        return ".".join(self.kind.split(".")[:2])

    @property
    def images(self) -> tuple[Image, ...]:
        """The images the card's answer shows: its fact's, then those of its stack's layers."""
        layers = self.stack.layers if self.stack is not None else ()
        own = (self.image,) if self.image is not None else ()
        return (*own, *(layer.image for layer in layers if layer.image is not None))

    @property
    def is_typein(self) -> bool:
        return bool(self.answers)

    @property
    def stack_on_front(self) -> bool:
        return self.stack is not None and self.hidden_layer is not None

    @property
    def front(self) -> str:
        """The question as plain text (rich text without its markup), stack drawn with text boxes."""
        parts = [plain(p) for p in (self.subject, self.prompt, self.context) if p]
        if self.cloze is not None:
            parts.append(_bullets(self.items, blank=self.cloze))
        if self.stack is not None and self.hidden_layer is not None:  # stack_on_front
            parts.append(draw_stack_text(self.stack, hidden=self.hidden_layer))
        if self.front_flow:
            parts.append(draw_flow_text(self.front_flow))
        parts.extend(map(plain, self.option_lines))
        return "\n".join(parts)

    @property
    def option_lines(self) -> tuple[str, ...]:
        """The options with their markers, as shown on the front: `① RUN`, `A RUN`."""
        marks = markers(self.lang)
        return tuple(f"{marks.option(i)} {option}" for i, option in enumerate(self.options))

    @property
    def back(self) -> str:
        """The answer as plain text (rich text without its markup): answer or list, details, stack,
        and any correction note."""
        parts = []
        if self.answer:
            parts.append(plain(self.answer))
        if self.items:
            parts.append(_bullets(self.items, mark=self.cloze))
        parts.extend(map(plain, self.details))
        if self.stack is not None:
            parts.append(draw_stack_text(self.stack, marked=self.marked_layers))
        if self.back_flow:
            parts.append(draw_flow_text(self.back_flow))
        if self.table is not None:
            parts.append(draw_grid_text(self.table))
        if self.note:
            parts.append(f"※ {plain(self.note)}")
        return "\n".join(parts)


def build_cards(base: FactBase, lang: Lang | None = None) -> tuple[Card, ...]:
    """Every card of the fact base, ordered by fact id, then in the order the kinds are listed above.

    A card is left out when its key is under a file's `exclude`, or its family is not
    among the `cards` its fact's file chose.

    Each card speaks its fact's language, or LANG when given (a command's `--lang`).
    """
    excluded = {key for key, _ in base.exclude}
    chosen = dict(base.cards)  # file -> the card families its facts get, for files that chose
    trivial = trivial_layers(base.stacks)  # once: every stack's cards ask it
    made = [
        card
        for fact in base.facts()
        for card in cards_of(base, fact, lang, trivial)
        if card.key not in excluded and (not chosen or card.family in chosen.get(fact.meta.loc.file, (card.family,)))
    ]
    cards = deal_options(_stack_share_capped(made))
    # A stable sort keeps each fact's cards in the order they were made.
    return tuple(sorted(cards, key=attrgetter("fact_id")))


def deal_options(cards: list[Card]) -> list[Card]:
    """CARDS with the options of the author's choice questions shuffled, the right option of
    the single-choice ones spread evenly over the positions (as in quiz sets and exams);
    options the author fixed keep their order. Seeded, so a rebuilt deck shows the same order."""
    dealt = [i for i, card in enumerate(cards) if card.options and not card.fixed]
    if not dealt:
        return cards
    from cardgen.bank.sample import spread_positions  # the sampler's dealing, loaded only when needed

    rng = random.Random("cardgen-cards")
    single = [i for i in dealt if len(cards[i].right) == 1]
    targets = dict(zip(single, spread_positions(rng, [len(cards[i].options) for i in single]), strict=True))
    out = list(cards)
    for i in dealt:
        card = cards[i]
        right = [card.options[r] for r in card.right]
        wrong = [o for n, o in enumerate(card.options) if n not in card.right]
        rng.shuffle(wrong)
        if i in targets:
            options = [*wrong[: targets[i]], *right, *wrong[targets[i] :]]
        else:
            options = [*right, *wrong]
            rng.shuffle(options)
        out[i] = _with_options(card, tuple(options), tuple(n for n, o in enumerate(options) if o in right))
    return out


def _with_options(card: Card, options: tuple[str, ...], right: tuple[int, ...]) -> Card:
    """CARD showing OPTIONS, its answer the RIGHT ones with their markers."""
    marks = markers(card.lang)
    answer = ", ".join(f"{marks.option(i)} {options[i]}" for i in right)
    return card._replace(options=options, right=right, answer=answer)


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
    options: tuple[str, ...]
    fixed: bool
    front_flow: tuple[FlowStep, ...]
    back_flow: tuple[FlowStep, ...]
    table: Grid | None


STACK_SHARE = 0.25
_STACK_KEEP = ("stack.order", "stack.missing", "stack.band", "stack.below", "stack.above")


def _stack_share_capped(cards: list[Card]) -> list[Card]:
    """CARDS with stack cards trimmed to at most STACK_SHARE of the deck (adjacency first,
    then bands, then blanks, the last by key first), so a few small stacks never make it layer drill."""
    stack = [c for c in cards if c.family in _STACK_KEEP]
    keep = int(STACK_SHARE * (len(cards) - len(stack)) / (1 - STACK_SHARE))
    if len(stack) <= keep:
        return cards
    ranked = sorted(stack, key=lambda c: (_STACK_KEEP.index(c.family), c.key))
    gone = {c.key for c in ranked[keep:]}
    return [c for c in cards if c.key not in gone]


def cards_of(base: FactBase, fact: Fact, lang: Lang | None = None, trivial: frozenset[str] | None = None) -> list[Card]:
    """The cards of one fact, in its language or LANG; TRIVIAL are the layers no stack card
    asks about (see `trivial_layers`), computed here when not given."""
    t = translator(lang or lang_of(fact))
    match fact:
        case Definition():
            return _with_image(_definition_cards(base, fact, t), fact.image)
        case ProsCons():
            return _pros_cons_cards(base, fact, t)
        case Stack():
            return _stack_cards(base, fact, t, trivial_layers(base.stacks) if trivial is None else trivial)
        case Process():
            return _process_cards(fact, t)
        case Taxonomy():
            return _taxonomy_cards(base, fact, t)
        case AuthorQuestion():
            return _with_image(_question_cards(base, fact, t), fact.image)
        case ComparisonTable():
            return _comparison_cards(base, fact, t)
        case Scenario():
            return []  # a scenario frames the stack cards; it has none of its own
        case _ as unreachable:
            assert_never(unreachable)


def _with_image(cards: list[Card], image: Image | None) -> list[Card]:
    return cards if image is None else [card._replace(image=image) for card in cards]


def _card(meta: Meta, t: Translator, kind: str, prompt: str, **fields: Unpack[_CardFields]) -> Card:
    return Card(
        fact_id=meta.id,
        kind=kind,
        deck=meta.deck,
        tags=meta.tags,
        prompt=prompt,
        source=meta.source,
        note=meta.note,
        lang=t.lang,
        **fields,
    )


# --- definitions ------------------------------------------------------------------


def _definition_cards(base: FactBase, d: Definition, t: Translator) -> list[Card]:
    extra = [*d.details, *(t._("e.g. {example}", example=example) for example in d.examples)]
    other_names = [name for name in d.names if name not in (d.term, d.english)]
    names_line = [t._("Also called: {names}", names=t.join(other_names))] if other_names else []
    parents = base.parents_of(d.id)
    hint = " / ".join(base.definition(p).label for p in parents)
    context = t._("A kind of {parent}", parent=hint) if hint else ""
    return [
        _card(
            d.meta,
            t,
            "definition.forward",
            t._("What does it mean?"),
            subject=d.label,
            answer=d.definition,
            details=tuple(names_line + extra),
        ),
        _card(
            d.meta,
            t,
            "definition.reverse",
            t._("Which term has this meaning?"),
            subject=d.definition,
            context=context,
            answer=d.label,
            details=tuple(names_line + extra),
        ),
        _card(
            d.meta,
            t,
            "definition.typein",
            t._("Type the term"),
            subject=d.definition,
            context=context,
            answer=d.label,
            answers=accepted_forms(d.names, base.synonyms),
            # Anki checks a typed answer against the term alone: the back names the others
            # without claiming Anki accepts them (`cardgen quiz` does).
            details=tuple(names_line + extra),
        ),
    ]


# --- pros and cons ------------------------------------------------------------------


def _point_text(point: Point, base: FactBase) -> str:
    if point.compare is None:
        return point.text
    other = base.definition(point.compare.concept).term
    return f"{point.text} (↔ {other}: {point.compare.text})"


def _pros_cons_cards(base: FactBase, pc: ProsCons, t: Translator) -> list[Card]:
    concept = base.definition(pc.concept).label
    cards: list[Card] = []
    for side, points in (("pros", pc.pros), ("cons", pc.cons)):
        if not points:
            continue
        items = tuple(_point_text(p, base) for p in points)
        if side == "pros":
            recall = t.n_("Name its advantage", "Name its {n} advantages", len(items))
            gap, whose = t._("Which advantage fills the gap?"), t._("Advantages of {concept}", concept=concept)
        else:
            recall = t.n_("Name its disadvantage", "Name its {n} disadvantages", len(items))
            gap, whose = t._("Which disadvantage fills the gap?"), t._("Disadvantages of {concept}", concept=concept)
        cards.append(_card(pc.meta, t, f"{side}.recall", recall, subject=concept, items=items))
        # A one-item list has nothing around its blank: the recall card already asks it.
        for n in range(len(items) if len(items) > 1 else 0):
            cards.append(
                _card(
                    pc.meta,
                    t,
                    f"{side}.cloze.{n + 1}",
                    gap,
                    subject=whose,
                    items=items,
                    cloze=n,
                )
            )
    return cards


# --- stacks ----------------------------------------------------------------------


def _stack_cards(base: FactBase, s: Stack, t: Translator, trivial: frozenset[str]) -> list[Card]:
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
                t,
                "stack.order",
                t._("Name the layers in order, top to bottom"),
                subject=s.title,
                context=scenario,
                stack=s,
            )
        )
    for i, layer in enumerate(s.layers):
        if not (asked[i] and blank_worth_asking(s, i)):
            continue
        cards.append(
            _card(
                s.meta,
                t,
                f"stack.missing.{i + 1}",
                t._("Which layer is missing?"),
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
            family, ref, answer = "below", i, i + 1
            prompt = t._("Which layer is directly below '{layer}'?", layer=names[ref])
        else:
            family, ref, answer = "above", i + 1, i
            prompt = t._("Which layer is directly above '{layer}'?", layer=names[ref])
        cards.append(
            _card(
                s.meta,
                t,
                f"stack.{family}.{ref + 1}",
                prompt,
                subject=s.title,
                answer=names[answer],
                stack=s,
                marked_layers=tuple(sorted((ref, answer))),
            )
        )
    return cards + _band_cards(s, t)


def _band_cards(s: Stack, t: Translator) -> list[Card]:
    """Which band each layer is in, for a stack of two or more bands (as the bank asks)."""
    if len(s.bands) < 2:
        return []
    asked = band_worth_asking(s)
    cards = []
    for i, layer in enumerate(s.layers):
        band = s.band_of(i)
        if band is None or not asked[i]:
            continue
        cards.append(
            _card(
                s.meta,
                t,
                f"stack.band.{i + 1}",
                t._("Which group does '{layer}' belong to?", layer=layer.name),
                subject=s.title,
                answer=band.name,
                stack=s,
                marked_layers=(i,),
            )
        )
    return cards


# --- processes ----------------------------------------------------------------------


def _process_cards(p: Process, t: Translator) -> list[Card]:
    """The steps in order, and each adjacent pair once: alternately "what comes after the
    first?" and "what comes before the second?", so no card asks a step before the first
    or after the last, and no pair is asked both ways."""
    names = tuple(step.name for step in p.steps)
    cards = [
        _card(
            p.meta,
            t,
            "process.order",
            t._("Name the steps in order, first to last"),
            subject=p.title,
            back_flow=flow_of(p),
        )
    ]
    for i in range(len(names) - 1):
        if i % 2 == 0:
            family, ref, answer = "next", i, i + 1
            prompt = t._("What comes after ‘{step}’?", step=names[ref])
        else:
            family, ref, answer = "previous", i + 1, i
            prompt = t._("What comes before ‘{step}’?", step=names[ref])
        cards.append(
            _card(
                p.meta,
                t,
                f"process.{family}.{ref + 1}",
                prompt,
                subject=p.title,
                answer=names[answer],
                details=(detail,) if (detail := p.steps[answer].detail) else (),
                front_flow=flow_of(p, shown=(ref, answer), hidden=answer),
                back_flow=flow_of(p, marked=(ref, answer)),
            )
        )
    return cards


# --- taxonomy ----------------------------------------------------------------------


def _taxonomy_cards(base: FactBase, tx: Taxonomy, t: Translator) -> list[Card]:
    parent = base.definition(tx.parent)
    children = tuple(base.definition(c).label for c in tx.children)
    basis = t._("Divided by: {basis}", basis=tx.basis) if tx.basis else ""
    cards: list[Card] = []
    # "컨테이너: name its one kind" would teach that there is no other kind.
    if len(children) >= 2:
        context = basis
        if tx.groups:
            groups = t.join([t._("{group} ({n})", group=g.label, n=len(g.children)) for g in tx.groups])
            context = "\n".join(p for p in (basis, t._("In groups: {groups}", groups=groups)) if p)
        cards.append(
            _card(
                tx.meta,
                t,
                "taxonomy.kinds",
                t.n_("Name its kind", "Name its {n} kinds", len(children)),
                subject=parent.label,
                context=context,
                items=_grouped_kinds(base, tx, t),
            )
        )
    parent_names = [p for p in map(_fold, parent.names) if len(p) >= 2]
    for child_id in tx.children:
        child = base.definition(child_id)
        # "리눅스 컨테이너: a kind of what?" answers itself.
        if any(p in c for c in map(_fold, child.names) for p in parent_names):
            continue
        group = tx.group_of(child_id)
        in_group = t._("In the group: {group}", group=group.label) if group else ""
        cards.append(
            _card(
                tx.meta,
                t,
                f"taxonomy.parent.{child_id}",
                t._("A kind of what?"),
                subject=child.label,
                answer=parent.label,
                details=tuple(line for line in (basis, in_group) if line),
            )
        )
    return cards


def _grouped_kinds(base: FactBase, tx: Taxonomy, t: Translator) -> tuple[str, ...]:
    """The kinds in the author's order, a group's kinds on one line under its label:
    `instructions that create a layer: RUN, COPY`. A group is a heading, never a kind."""
    out: list[str] = []
    done: set[str] = set()
    for child in tx.children:
        group = tx.group_of(child)
        if group is None:
            out.append(base.definition(child).label)
        elif group.label not in done:
            done.add(group.label)
            kinds = t.join([base.definition(c).label for c in group.children])
            out.append(t._("{group}: {kinds}", group=group.label, kinds=kinds))
    return tuple(out)


# --- the author's questions --------------------------------------------------------------


def _question_cards(base: FactBase, q: AuthorQuestion, t: Translator) -> list[Card]:
    stack = base[q.stack] if q.stack else None
    assert stack is None or isinstance(stack, Stack), q.stack
    prompt = t._("Choose all that apply.") if q.multiple else ""
    card = _card(
        q.meta,
        t,
        "question",
        prompt,
        subject=q.question,
        answer=q.answer,
        details=(q.explanation,) if q.explanation else (),
        stack=stack,
        fixed=not q.shuffle,
    )
    if q.choices:
        options = tuple(o.text for o in q.choices)
        card = _with_options(card, options, tuple(i for i, o in enumerate(q.choices) if o.correct))
    return [card]


# --- comparisons ---------------------------------------------------------------------------


def _comparison_cards(base: FactBase, table: ComparisonTable, t: Translator) -> list[Card]:
    """A card per cell (the concept named, so a value several concepts share is still one
    answer), its row drawn on the back, and one per row, the whole table on its back. A row
    whose known values are all the same asks nothing; a cell the table leaves empty is never asked."""
    terms = [base.definition(c).term for c in table.concepts]
    context = t._("Compared in ‘{title}’", title=table.title)
    cards: list[Card] = []
    for r, row in enumerate(table.rows):
        known = [(c, cell) for c, cell in enumerate(row.values) if cell.known]
        if len({_fold(cell.value) for _, cell in known}) < 2:
            continue
        for c, cell in known:
            same = [terms[o] for o, other in known if o != c and _fold(other.value) == _fold(cell.value)]
            cards.append(
                _card(
                    table.meta,
                    t,
                    f"comparison.cell.{r + 1}.{cell.concept}",
                    t._("{attribute}?", attribute=row.attribute.rstrip("?？ ")),
                    subject=base.definition(cell.concept).label,
                    context=context,
                    answer=cell.value,
                    details=(t._("The same for {concepts}", concepts=t.join(same)),) if same else (),
                    table=comparison_grid(table, base, {(r, c)}, only=r),
                )
            )
        cards.append(
            _card(
                table.meta,
                t,
                f"comparison.row.{r + 1}",
                t._("Give it for each of {concepts}", concepts=t.join([terms[c] for c, _ in known])),
                subject=row.attribute,
                context=context,
                table=comparison_grid(table, base, {(r, c) for c, _ in known}),
            )
        )
    return cards


# --- plain-text drawing ----------------------------------------------------------------


def _bullets(items: tuple[str, ...], blank: int | None = None, mark: int | None = None) -> str:
    lines = []
    for n, item in enumerate(map(plain, items)):
        if n == blank:
            lines.append("• [...]")
        elif n == mark:
            lines.append(f"• {item}  ◀")
        else:
            lines.append(f"• {item}")
    return "\n".join(lines)
