"""Read fact files into a `FactBase`, or report every problem as `file:line: message`.

YAML is composed (never constructed) with the safe C parser, so no tag can run
code and every value keeps its line. The fact kinds' table (`cardgen.factbase.kinds`)
drives the walk; the same table is exported as JSON Schema for editors
(`cardgen.factbase.schema`). Nothing is built unless the whole base is clean.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cardgen.errors import CardgenError, FactError, NoFactBase, Problem, UsageError
from cardgen.factbase.kinds import (
    AUDIT_CHECKS,
    BAND_KEYS,
    BY_SECTION,
    CARD_GROUPS,
    CHOICE_KEYS,
    COMMON,
    COMPARE_KEYS,
    COUNT_SYMBOL,
    FILE_KEYS,
    GROUP_KEYS,
    KINDS,
    LAYER_KEYS,
    MAX_CHOICES,
    MAX_LAYER_COUNT,
    MAX_POINTS,
    MIN_CHOICES,
    POINT_KEYS,
    ROW_KEYS,
    STEP_KEYS,
    Field,
)
from cardgen.factbase.model import (
    NO_VALUE,
    Band,
    Cell,
    Comparison,
    ComparisonTable,
    Fact,
    FactBase,
    Group,
    Layer,
    Loc,
    Meta,
    Option,
    Point,
    Stack,
    Step,
    TableRow,
    Taxonomy,
)
from cardgen.factbase.suggest import close_ids
from cardgen.gcpause import collector_paused
from cardgen.lang import DEFAULT_LANG, LANGS, Lang, as_lang, is_lang
from cardgen.media import Image, read_image
from cardgen.text import control_chars, fold

# PyYAML wheels ship libyaml; the pure-Python parser is the slow fallback.
_YamlLoader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader

FACT_SUFFIXES = (".yaml", ".yml")
PROJECT_FILE = "cardgen.yaml"
"""A project file lists the paths of one fact base; it is never itself a fact file."""
PROJECT_KEYS = {"paths": Field("texts", True, help="The project's fact files and folders, relative to this file.")}
ID_PATTERN = re.compile(r"[^\W_][\w.\-]*\Z")

_YAML = "tag:yaml.org,2002:"
# Tags the safe resolver gives plain scalars; anything else was written by hand.
_PLAIN_SCALAR_TAGS = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp"))

_Model = TypeVar("_Model")


def _build(model: Callable[..., _Model], values: Mapping[str, object], **known: object) -> _Model:
    """MODEL made from VALUES that `_FileReader.fields` read, plus KNOWN arguments.

    Each value has the type that its `Field.kind` names (the `_read_<kind>` method that
    produced it). That link lives in the kinds' table, out of the type checker's sight,
    so this is the one place the loader trusts it.
    """
    return model(**known, **values)


# --- reading one file -----------------------------------------------------------


@dataclass
class _Ref:
    kind: str
    target: str
    loc: Loc
    owner: str


class _FileReader:
    """Walks one composed file, collecting problems and raw facts."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.seen: set[int] = set()
        self.may_alias = True  # False when the text has no '*', so no node can repeat
        self.refs: list[_Ref] = []
        self.ids: list[tuple[str, Loc, str]] = []  # (id, where, section) of every fact, valid or not
        self.synonyms: list[tuple[str, ...]] = []  # groups of words that mean the same
        self.exclude: list[tuple[str, Loc]] = []  # question and card ids the author dropped
        self.in_flow: set[int] = set()  # the plain scalars written inside [...] or {...}
        self.deck: tuple[str, Loc] | None = None
        self.cards: frozenset[str] | None = None  # the card families the file chose, if it did

    def loc(self, node: Node) -> Loc:
        return Loc(self.file, node.start_mark.line + 1)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.loc(node), message))

    def mapping(self, node: Node, keys: dict[str, Field], what: str) -> dict[str, Node] | None:
        """The mapping's values by key, after checking keys, tags, aliases and required fields."""
        if not isinstance(node, MappingNode) or node.tag != _YAML + "map":
            self.problem(node, f"{what} must be a mapping of keys to values, not {_describe(node)}")
            return None
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if self.may_alias and not self.fresh(value_node):
                continue
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key_node.tag == _YAML + "merge":
                self.problem(key_node, "merge keys ('<<') are not supported; write the keys out")
            elif not isinstance(key, str) or key_node.tag not in _PLAIN_SCALAR_TAGS:
                self.problem(key_node, f"keys in {what} must be plain words")
            elif key in out:
                self.problem(key_node, f"duplicate key '{key}' in {what} (first at line {_line_of_key(node, key)})")
            elif key not in keys:
                hint = _did_you_mean(key, keys)
                if node.flow_style:
                    hint += f"; a ',' inside {{...}} ends a value: if '{key}' belongs to the text before, quote it"
                self.problem(key_node, f"unknown key '{key}' in {what}{hint}")
            else:
                out[key] = value_node
                if node.flow_style:
                    self.in_flow.add(id(value_node))
        for key, spec in keys.items():
            if spec.required and key not in out:
                self.problem(node, f"{what} is missing required key '{key}'")
        return out

    def fresh(self, node: Node) -> bool:
        """False for an alias (a node already seen), which is then skipped.

        Aliases are reported by `_report_aliases` at their own lines; skipping them here
        keeps the walk linear even for an alias bomb.
        """
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    def text(self, node: Node, key: str) -> str | None:
        if isinstance(node, ScalarNode):
            if node.tag not in _PLAIN_SCALAR_TAGS:
                self.problem(
                    node, f"'{key}' has a tag that is not allowed here ({_short_tag(node.tag)}); use plain text"
                )
                return None
            if bad := control_chars(node.value):
                self.problem(
                    node, f"'{key}' holds the control character(s) {' '.join(dict.fromkeys(bad))}; remove them"
                )
                return None
            value = " ".join(node.value.split()) if node.style in (None, "", '"', "'") else node.value.strip()
            if not value:
                self.problem(node, f"'{key}' must not be empty")
                return None
            if not node.style and id(node) in self.in_flow and _unbalanced(value):
                self.problem(
                    node,
                    f"'{key}' is cut at a ',' ('{value}'): inside [...] or {{...}} a comma ends text; quote the text",
                )
                return None
            # Escapes in quoted YAML ("\u1100\u1161") are decoded after the file was normalised.
            return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
        hint = ""
        if isinstance(node, MappingNode) and node.tag == _YAML + "map" and len(node.value) == 1:
            hint = "; a ': ' inside text starts a mapping, so put the text in quotes"
        self.problem(node, f"'{key}' must be text, not {_describe(node)}{hint}")
        return None

    def texts(self, node: Node, key: str) -> tuple[str, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        values = [self.text(item, key) for item in items]
        texts = tuple(v for v in values if v is not None)
        return texts if len(texts) == len(values) else None

    def sequence(self, node: Node, key: str) -> list[Node] | None:
        if isinstance(node, ScalarNode) and node.tag == _YAML + "null":
            return []
        if not isinstance(node, SequenceNode) or node.tag != _YAML + "seq":
            self.problem(node, f"'{key}' must be a list, not {_describe(node)}")
            return None
        items: list[Node] = []
        for item in node.value:
            if not self.may_alias or self.fresh(item):
                items.append(item)
        if node.flow_style:
            self.in_flow.update(id(item) for item in items)
        return items

    def count(self, node: Node, key: str) -> int | str | None:
        if isinstance(node, ScalarNode) and node.tag == _YAML + "int" and node.value.isdigit():
            value = int(node.value)
            if 1 <= value <= MAX_LAYER_COUNT:
                return value
        elif (
            isinstance(node, ScalarNode)
            and node.tag == _YAML + "str"
            and (symbol := _COUNT_SYMBOL.fullmatch(node.value))
        ):
            return unicodedata.normalize("NFC", symbol.group(1))
        self.problem(
            node,
            f"'{key}' must be a whole number from 1 to {MAX_LAYER_COUNT} or a short symbol such as N, "
            f"not {_describe(node)}",
        )
        return None

    def ref(self, node: Node, value: str | None, kind: str, owner: str) -> None:
        if value is not None:
            self.refs.append(_Ref(kind, value, self.loc(node), owner))

    # --- typed values ---------------------------------------------------------

    def fields(self, node: Node, keys: dict[str, Field], what: str, owner: str) -> dict[str, object] | None:
        """Read every field of a mapping into Python values; None if the mapping itself is broken."""
        raw = self.mapping(node, keys, what)
        if raw is None:
            return None
        values: dict[str, object] = {}
        ok = all(key in raw for key, spec in keys.items() if spec.required)
        for key, value_node in raw.items():
            spec = keys[key]
            reader: Callable[[Node, str, str], object] = getattr(self, "_read_" + spec.kind)
            value = reader(value_node, key, owner)
            if value is None:
                ok = ok and not spec.required
                continue
            if spec.ref and spec.kind == "ids" and isinstance(value, tuple):
                for item, item_node in zip(value, value_node.value, strict=False):
                    self.ref(item_node, item, spec.ref, owner)
            elif spec.ref and isinstance(value, str):
                self.ref(value_node, value, spec.ref, owner)
            values[key] = value
        return values if ok else None

    def _read_text(self, node: Node, key: str, owner: str) -> str | None:
        return self.text(node, key)

    def _read_texts(self, node: Node, key: str, owner: str) -> tuple[str, ...] | None:
        return self.texts(node, key)

    def _read_count(self, node: Node, key: str, owner: str) -> int | str | None:
        return self.count(node, key)

    def _read_positive(self, node: Node, key: str, owner: str) -> int | None:
        if isinstance(node, ScalarNode) and node.tag == _YAML + "int" and node.value.isdigit():
            value = int(node.value)
            if 1 <= value <= MAX_POINTS:
                return value
        self.problem(node, f"'{key}' must be a whole number from 1 to {MAX_POINTS}, not {_describe(node)}")
        return None

    def _read_image(self, node: Node, key: str, owner: str) -> Image | None:
        name = self.text(node, key)
        if name is None:
            return None
        image = read_image(Path(self.file).parent / name)
        if isinstance(image, str):
            self.problem(node, f"{owner}: image '{name}': {image}")
            return None
        return image

    def _read_flag(self, node: Node, key: str, owner: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == _YAML + "bool":
            return node.value.lower() in ("true", "yes", "on")
        self.problem(node, f"'{key}' must be true or false, not {_describe(node)}")
        return None

    def _read_synonyms(self, node: Node, key: str, owner: str) -> tuple[tuple[str, ...], ...] | None:
        groups: list[tuple[str, ...]] = []
        for item in self.sequence(node, key) or ():
            group = self.texts(item, key)
            if group is None:
                continue
            if len(group) < 2:
                self.problem(item, f"a group of '{key}' needs at least two words that mean the same")
                continue
            groups.append(group)
        return tuple(groups)

    def _read_ids(self, node: Node, key: str, owner: str) -> tuple[str, ...] | None:
        values = self.texts(node, key)
        if values is None:
            return None
        if not values:
            self.problem(node, f"'{key}' must name at least one id")
            return None
        first_line: dict[str, int] = {}
        repeated = False
        for item, value in zip(node.value, values, strict=False):
            if value in first_line:
                self.problem(item, f"'{value}' is repeated in '{key}' (first at line {first_line[value]})")
                repeated = True
            first_line.setdefault(value, item.start_mark.line + 1)
        return None if repeated else values

    def _read_compare(self, node: Node, key: str, owner: str) -> Comparison | None:
        values = self.fields(node, COMPARE_KEYS, "'compare'", owner)
        return _build(Comparison, values) if values else None

    def _read_points(self, node: Node, key: str, owner: str) -> tuple[Point, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        points: list[Point] = []
        first_line: dict[str, int] = {}
        singular = key[:-1] if key.endswith("s") else key
        for item in items:
            if isinstance(item, ScalarNode):
                text = self.text(item, key)
                point = Point(text, loc=self.loc(item)) if text else None
            else:
                values = self.fields(item, POINT_KEYS, f"a point of '{key}'", owner)
                point = _build(Point, values, loc=self.loc(item)) if values else None
            if point is None:
                continue
            folded = fold(point.text)
            if folded in first_line:
                self.problem(item, f"repeated {singular} '{point.text}' (first at line {first_line[folded]})")
                continue
            first_line[folded] = point.loc.line
            points.append(point)
        return tuple(points)

    def _read_kinds(self, node: Node, key: str, owner: str) -> tuple[str | Group, ...] | None:
        """A taxonomy's children: definition ids, and groups ({group, children}) that gather some."""
        items = self.sequence(node, key)
        if items is None:
            return None
        if not items:
            self.problem(node, f"'{key}' must name at least one id")
            return None
        out: list[str | Group] = []
        first_line: dict[str, int] = {}
        ok = True
        for item in items:
            if isinstance(item, MappingNode):
                values = self.fields(item, GROUP_KEYS, "a group", owner)
                if values is None:
                    ok = False
                    continue
                label = values.pop("group")
                group = _build(Group, values, label=label, loc=self.loc(item))
                members = list(zip(group.children, cast(SequenceNode, _value_of(item, "children")).value, strict=False))
                out.append(group)
            else:
                child = self.text(item, key)
                if child is None:
                    ok = False
                    continue
                self.ref(item, child, "definition", owner)
                members = [(child, item)]
                out.append(child)
            for child, child_node in members:
                if child in first_line:
                    self.problem(child_node, f"'{child}' is repeated in '{key}' (first at line {first_line[child]})")
                    ok = False
                first_line.setdefault(child, child_node.start_mark.line + 1)
        return tuple(out) if ok else None

    def _read_answer(self, node: Node, key: str, owner: str) -> tuple[str, ...] | None:
        """An answer: one text, or (with choices) a list of the right options."""
        if isinstance(node, SequenceNode):
            values = self.texts(node, key)
            if values is not None and not values:
                self.problem(node, f"'{key}' must name at least one right option")
                return None
            return values
        text = self.text(node, key)
        return (text,) if text is not None else None

    def _read_choices(self, node: Node, key: str, owner: str) -> tuple[Option, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        options: list[Option] = []
        first_line: dict[str, int] = {}
        ok = True
        for item in items:
            if isinstance(item, MappingNode):
                values = self.fields(item, CHOICE_KEYS, "an option of 'choices'", owner)
                option = _build(Option, values, loc=self.loc(item)) if values else None
            else:
                text = self.text(item, key)
                option = Option(text, loc=self.loc(item)) if text else None
            if option is None:
                ok = False
                continue
            folded = fold(option.text)
            if folded in first_line:
                self.problem(item, f"repeated option '{option.text}' (first at line {first_line[folded]})")
                ok = False
                continue
            first_line[folded] = option.loc.line
            options.append(option)
        if not MIN_CHOICES <= len(items) <= MAX_CHOICES:
            self.problem(node, f"'{key}' needs {MIN_CHOICES} to {MAX_CHOICES} options, this one has {len(items)}")
            return None
        return tuple(options) if ok else None

    def _read_layers(self, node: Node, key: str, owner: str) -> tuple[Layer, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        layers: list[Layer] = []
        for item in items:
            if isinstance(item, ScalarNode):
                name = self.text(item, key)
                layer = Layer(name, loc=self.loc(item)) if name else None
            else:
                values = self.fields(item, LAYER_KEYS, "a layer", owner)
                layer = _build(Layer, values, loc=self.loc(item)) if values else None
            if layer is not None:
                layers.append(layer)
        if len(items) < 2:
            self.problem(node, f"a stack needs at least two layers, this one has {len(items)}")
            return None
        return tuple(layers) if len(layers) == len(items) else None

    def _read_steps(self, node: Node, key: str, owner: str) -> tuple[Step, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        steps: list[Step] = []
        first_line: dict[str, int] = {}
        broken = False
        for item in items:
            if isinstance(item, ScalarNode):
                name = self.text(item, key)
                step = Step(name, loc=self.loc(item)) if name else None
            else:
                values = self.fields(item, STEP_KEYS, "a step", owner)
                step = _build(Step, values, loc=self.loc(item)) if values else None
            if step is None:
                broken = True
                continue
            folded = fold(step.name)
            if folded in first_line:
                self.problem(
                    item, f"repeated step '{step.name}' (first at line {first_line[folded]}); name each step once"
                )
                broken = True
                continue
            first_line[folded] = step.loc.line
            steps.append(step)
        if len(items) < 2:
            self.problem(node, f"a process needs at least two steps, this one has {len(items)}")
            return None
        return None if broken else tuple(steps)

    def _read_bands(self, node: Node, key: str, owner: str) -> tuple[Band, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        bands: list[Band] = []
        for item in items:
            values = self.fields(item, BAND_KEYS, "a band", owner)
            if values is None:
                continue
            if not values["layers"]:
                self.problem(item, f"band '{values['name']}' names no layer; list its layers under 'layers'")
                continue
            bands.append(_build(Band, values, loc=self.loc(item)))
        return tuple(bands) if len(bands) == len(items) else None

    def _read_cells(self, node: Node, key: str, owner: str) -> tuple[Cell, ...] | None:
        """A mapping of concept ids to values, in the order written (checked against the table later)."""
        if not isinstance(node, MappingNode) or node.tag != _YAML + "map":
            self.problem(node, f"'{key}' must be a mapping of concept ids to values, not {_describe(node)}")
            return None
        cells: list[Cell] = []
        first_line: dict[str, int] = {}
        ok = True
        for key_node, value_node in node.value:
            if self.may_alias and not self.fresh(value_node):
                continue
            concept = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(concept, str) or key_node.tag not in _PLAIN_SCALAR_TAGS:
                self.problem(key_node, f"keys in '{key}' must be concept ids")
                ok = False
                continue
            if concept in first_line:
                self.problem(key_node, f"two values for '{concept}' (first at line {first_line[concept]})")
                ok = False
                continue
            first_line[concept] = key_node.start_mark.line + 1
            if node.flow_style:
                self.in_flow.add(id(value_node))
            value = self.text(value_node, concept)
            if value is None:
                ok = False
                continue
            cells.append(Cell(concept, NO_VALUE if value in _NO_VALUES else value, self.loc(key_node)))
        return tuple(cells) if ok else None

    def _read_rows(self, node: Node, key: str, owner: str) -> tuple[TableRow, ...] | None:
        items = self.sequence(node, key)
        if items is None:
            return None
        if not items:
            self.problem(node, f"'{key}' must hold at least one row")
            return None
        rows: list[TableRow] = []
        first_line: dict[str, int] = {}
        ok = True
        for item in items:
            values = self.fields(item, ROW_KEYS, "a row", owner)
            if values is None:
                ok = False
                continue
            row = _build(TableRow, values, loc=self.loc(item))
            folded = fold(row.attribute)
            if folded in first_line:
                self.problem(item, f"repeated attribute '{row.attribute}' (first at line {first_line[folded]})")
                ok = False
                continue
            first_line[folded] = row.loc.line
            rows.append(row)
        return tuple(rows) if ok else None


_COUNT_SYMBOL = re.compile(COUNT_SYMBOL)


def _fitted_bands(reader: _FileReader, stack: Stack, owner: str) -> Stack | None:
    """STACK with its bands' layers in stack order, or None (and problems) when a band names a
    layer the stack lacks or has twice, repeats one, shares one with another band, or is not
    one run of adjacent layers."""
    names = [layer.name for layer in stack.layers]
    taken: dict[str, str] = {}  # layer -> the band that has it
    first: dict[str, int] = {}  # folded band name -> line
    fitted: list[Band] = []
    ok = True
    for band in stack.bands:
        where = band.loc
        line = first.setdefault(fold(band.name), where.line)
        if line != where.line:
            reader.problems.append(Problem(where, f"{owner} has two bands named '{band.name}' (first at line {line})"))
            ok = False
        rows: list[int] = []
        for name in band.layers:
            if name not in names:
                hint = _did_you_mean(name, names) if difflib.get_close_matches(name, names, n=1, cutoff=0.6) else ""
                reader.problems.append(
                    Problem(where, f"band '{band.name}' names '{name}', which is not a layer of {owner}{hint}")
                )
            elif names.count(name) > 1:
                reader.problems.append(
                    Problem(where, f"band '{band.name}' names '{name}', which is twice in {owner}; rename one")
                )
            elif name in taken:
                other = taken[name]
                said = "twice" if other == band.name else f"in band '{other}' too; a layer is in one band at most"
                reader.problems.append(Problem(where, f"band '{band.name}' names '{name}' {said}"))
            else:
                taken[name] = band.name
                rows.append(names.index(name))
                continue
            ok = False
        rows.sort()
        gaps = [names[i] for i in range(rows[0], rows[-1] + 1) if i not in rows] if rows else []
        if gaps:
            reader.problems.append(
                Problem(
                    where,
                    f"band '{band.name}' is not one run of adjacent layers: "
                    f"{', '.join(repr(g) for g in gaps)} lies between its layers; add it to the band or split the band",
                )
            )
            ok = False
        fitted.append(Band(band.name, tuple(names[i] for i in rows), band.loc))
    return replace(stack, bands=tuple(fitted)) if ok else None


def _marked_wrong(node: Node) -> set[str]:
    """The folded texts of the options in NODE, a list of choices, written with `correct: false`."""
    out = set()
    for item in node.value if isinstance(node, SequenceNode) else ():
        if isinstance(item, MappingNode) and {"text", "correct"} <= _keys_of(item):
            correct, text = _value_of(item, "correct"), _value_of(item, "text")
            if isinstance(correct, ScalarNode) and correct.value.lower() in ("false", "no", "off"):
                out.add(fold(str(text.value)))
    return out


def _keys_of(node: Node) -> set[str]:
    """The keys written in NODE, a mapping."""
    if not isinstance(node, MappingNode):
        return set()
    return {str(k.value) for k, _ in node.value if isinstance(k, ScalarNode)}


def _value_of(node: Node, key: str) -> Node:
    """The value of KEY in NODE, a mapping that was read without a problem."""
    assert isinstance(node, MappingNode)
    value: Node = next(v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key)
    return value


# A lone dash, of any length, says the table has nothing in a cell.
_NO_VALUES = frozenset({NO_VALUE, "-", "–"})


def _check_comparison(reader: _FileReader, table: ComparisonTable) -> ComparisonTable | None:
    """TABLE with every row's cells in the order of its concepts, or None (and a problem for
    each mistake) when a row names a concept the table has not, or misses one it has."""
    concepts = table.concepts
    if len(concepts) < 2:
        reader.problems.append(
            Problem(table.meta.loc, f"a comparison needs at least two concepts, this one has {len(concepts)}")
        )
        return None
    ok = True
    rows: list[TableRow] = []
    for row in table.rows:
        given = {cell.concept: cell for cell in row.values}
        for cell in row.values:
            if cell.concept not in concepts:
                close = close_ids(cell.concept, concepts)
                hint = (
                    " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
                    if close
                    else f"; the table's concepts are {', '.join(concepts)}"
                )
                reader.problems.append(
                    Problem(
                        cell.loc,
                        f"row '{row.attribute}' gives a value for '{cell.concept}', "
                        f"which is not one of the table's concepts{hint}",
                    )
                )
                ok = False
        for concept in concepts:
            if concept not in given:
                reader.problems.append(
                    Problem(
                        row.loc,
                        f"row '{row.attribute}' has no value for '{concept}'; "
                        f"write one, or '{NO_VALUE}' where the table says nothing",
                    )
                )
                ok = False
        if ok:
            rows.append(replace(row, values=tuple(given[c] for c in concepts)))
    return replace(table, rows=tuple(rows)) if ok else None


def _unbalanced(text: str) -> bool:
    """Whether TEXT opens or closes more brackets than it closes or opens: a sign that a comma cut it."""
    return any(text.count(a) != text.count(b) for a, b in ("()", "[]", "{}"))


def _line_of_key(node: MappingNode, key: str) -> int:
    return next(k.start_mark.line + 1 for k, _ in node.value if isinstance(k, ScalarNode) and k.value == key)


def _did_you_mean(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else f"; expected one of: {', '.join(choices)}"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _describe(node: Node) -> str:
    if node.tag not in _PLAIN_SCALAR_TAGS and node.tag not in (_YAML + "seq", _YAML + "map"):
        return f"a value tagged {_short_tag(node.tag)}"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _YAML + "null":
        return "nothing"
    return f"'{node.value}'"


# --- the whole base ---------------------------------------------------------------


def fact_files(path: Path) -> list[Path]:
    """The fact files at PATH: the file itself, or every *.yaml / *.yml below a folder.

    Suffixes match in any case (`x.YAML`); a project file (`cardgen.yaml`) is never a
    fact file. Symbolic links are followed, to files and folders alike; a file reached
    twice is read once. Nothing is skipped in silence: a folder that cannot be read, a
    broken link, a link that loops back to a folder it is in, or a fact file that is not
    a regular file raises `FactError`, listing them all.
    """
    if path.is_file():
        return [path]
    if path.is_dir():
        files, problems = _walk(path)
        if problems:
            raise FactError(problems)
        if not files:
            raise UsageError(f"{path}: no fact files (*.yaml, *.yml) in this folder")
        return files
    if path.is_symlink():
        raise UsageError(f"{path}: a broken symbolic link")
    raise NoFactBase(path)


def _is_fact_file(name: str) -> bool:
    return name.lower().endswith(FACT_SUFFIXES) and name.lower() != PROJECT_FILE


def _walk(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every fact file below ROOT, following links, and the entries that could not be looked into."""
    files: dict[str, Path] = {}  # real path -> the path as found
    problems: list[Problem] = []

    def problem(path: Path, message: str) -> None:
        problems.append(Problem(Loc(str(path), 0), message))

    # (folder, the real paths of it and the folders it is in): a link back into one of them is a loop.
    todo: list[tuple[Path, frozenset[str]]] = [(root, frozenset({os.path.realpath(root)}))]
    walked: set[str] = set()
    while todo:
        folder, above = todo.pop()
        if os.path.realpath(folder) in walked:
            continue  # reached again through a link: its files are in already
        walked.add(os.path.realpath(folder))
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            problem(folder, f"cannot read this folder ({exc.strerror}); the facts in it would be left out")
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                real = os.path.realpath(path, strict=True)
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as exc:
                what = "loops" if exc.errno == errno.ELOOP else "points to nothing"
                problem(path, f"a symbolic link that {what}; fix or remove it")
                continue
            if is_dir:
                if real in above:
                    problem(path, "a symbolic link to a folder it is in (a loop); remove it")
                else:
                    todo.append((path, above | {real}))
            elif _is_fact_file(entry.name):
                if not is_file:
                    problem(path, "not a regular file; a fact file must be one")
                else:
                    files.setdefault(real, path)
    return sorted(files.values()), problems


# --- several paths and project files -----------------------------------------------


@dataclass(frozen=True)
class Sources:
    """Where a fact base is read from."""

    paths: tuple[Path, ...]
    """The paths as the user named them."""
    roots: tuple[Path, ...]
    """The files and folders that hold the facts: the named paths, each project by the paths it lists."""
    files: tuple[Path, ...]
    """Every fact file once (the first time it was reached), in the order the paths were named."""


def default_paths(folder: Path | None = None) -> tuple[Path, ...]:
    """What a command reads when given no path: FOLDER (default: the current one) when it
    holds a project file, else its `facts` folder."""
    here = Path(".") if folder is None else folder
    return (here,) if (here / PROJECT_FILE).is_file() else (here / "facts",)


def project_file(path: Path) -> Path | None:
    """The project file PATH names: PATH itself if it is one, or the one in folder PATH."""
    if path.name.lower() == PROJECT_FILE and path.is_file():
        return path
    inside = path / PROJECT_FILE
    return inside if path.is_dir() and inside.is_file() else None


def find_sources(paths: Sequence[Path | str]) -> Sources:
    """The fact files of PATHS (files, folders or projects; `default_paths()` when none).

    A path reached twice (named twice, a file inside a named folder, a folder a project
    lists again) is read once. Mistakes in a project file are `FactError`s at its lines; a
    named path that does not exist is a `NoFactBase` (which says where cardgen looked).
    """
    named = tuple(Path(p) for p in paths) or default_paths()
    problems: list[Problem] = []
    roots: list[tuple[Path, Loc | None]] = []
    for path in named:
        project = project_file(path)
        roots += _read_project(project, problems) if project else [(path, None)]
    files: dict[str, Path] = {}
    for root, listed_at in roots:
        try:
            found = fact_files(root)
        except FactError as exc:
            problems += exc.problems
            continue
        except UsageError as exc:
            if listed_at is None:
                raise
            problems.append(Problem(listed_at, f"'paths' lists {exc}"))
            continue
        except NoFactBase:
            if listed_at is None:
                raise  # a named path: the command says where it looked and how to start a base
            problems.append(Problem(listed_at, f"'paths' lists {root}: no such file or folder"))
            continue
        for file in found:
            files.setdefault(os.path.realpath(file), file)
    if problems:
        raise FactError(problems)
    return Sources(named, tuple(dict.fromkeys(root for root, _ in roots)), tuple(files.values()))


def _read_project(file: Path, problems: list[Problem]) -> list[tuple[Path, Loc]]:
    """The paths a project FILE lists, relative to its folder, each with where it is listed."""
    reader = _FileReader(str(file), problems)
    root = _compose(file, reader, "the project file is empty; list the fact files and folders under 'paths'")
    keys = reader.mapping(root, PROJECT_KEYS, "the project file") if root is not None else None
    if keys is None or "paths" not in keys:
        return []
    items = reader.sequence(keys["paths"], "paths")
    if items == []:
        reader.problem(keys["paths"], "'paths' names nothing; list the fact files and folders of the project")
    listed = ((reader.text(item, "paths"), reader.loc(item)) for item in items or ())
    return [(file.parent / text, loc) for text, loc in listed if text is not None]


def load(*paths: Path | str) -> FactBase:
    """Load and validate the fact files at PATHS as one base; raise `FactError` listing all problems.

    Each path is a fact file, a folder of them or a project; ids are unique across all of
    them and references cross them. With no path, `default_paths()`.
    """
    return load_sources(find_sources(paths))


def load_sources(sources: Sources) -> FactBase:
    """The fact base of SOURCES; an unknown reference says whether a project lists a file that defines it."""
    with collector_paused():
        return _load_files(list(sources.files), lambda: _unloaded_ids(sources))


def load_files(files: list[Path]) -> FactBase:
    with collector_paused():
        return _load_files(files)


def _load_files(files: list[Path], elsewhere: Callable[[], _Elsewhere] | None = None) -> FactBase:
    problems: list[Problem] = []
    facts: dict[str, list[Fact]] = {kind.section: [] for kind in KINDS}
    refs: list[_Ref] = []
    ids: list[tuple[str, Loc, str]] = []
    synonyms: list[tuple[str, ...]] = []
    exclude: list[tuple[str, Loc]] = []
    decks: list[tuple[str, Loc]] = []
    cards: list[tuple[str, frozenset[str]]] = []
    for file in files:
        reader = _FileReader(str(file), problems)
        _read_file(file, reader, facts)
        refs.extend(reader.refs)
        ids.extend(reader.ids)
        synonyms.extend(reader.synonyms)
        exclude.extend(reader.exclude)
        if reader.deck is not None:
            decks.append(reader.deck)
        if reader.cards is not None:
            cards.append((reader.file, reader.cards))
    _check_deck_case(decks, problems)
    kinds = _check_ids(ids, problems)
    _check_refs(refs, kinds, problems, elsewhere)
    _check_taxonomy([link for link in facts["taxonomy"] if isinstance(link, Taxonomy)], problems)
    if problems:
        raise FactError(problems)
    return _build(
        FactBase,
        {kind.attribute: _sorted(facts[kind.section]) for kind in KINDS},
        files=tuple(str(f) for f in files),
        synonyms=tuple(synonyms),
        exclude=tuple(exclude),
        cards=tuple(cards),
    )


def _sorted(facts: list[Fact]) -> tuple[Fact, ...]:
    return tuple(sorted(facts, key=lambda fact: fact.id))


def _decode(file: Path, reader: _FileReader) -> str | None:
    try:
        data = file.read_bytes()
    except OSError as exc:
        reader.problems.append(Problem(Loc(reader.file, 1), f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reader.problems.append(
            Problem(Loc(reader.file, line), f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
        )
        return None
    # Editors on macOS write decomposed (NFD) Hangul; nothing downstream should see it.
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _compose(file: Path, reader: _FileReader, empty: str) -> Node | None:
    """FILE's YAML as nodes, or None once its problems (EMPTY for an empty file) are reported."""
    text = _decode(file, reader)
    if text is None:
        return None
    try:
        root = yaml.compose(text, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if exc.context_mark and "end of stream" in message:
            # The end of the file is where the parser gave up, not where the mistake is.
            mark = exc.context_mark
            what = "a quoted text" if "quoted" in str(exc.context) else "what starts here"
            message = f"{what} never ends (the file ends first); close it on this line"
        line = mark.line + 1 if mark else 1
        if mark and "\t" in _line(text, mark.line)[: mark.column + 1]:
            message = "a tab cannot indent YAML; use spaces"
        reader.problems.append(Problem(Loc(reader.file, line), f"YAML syntax error: {message}"))
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        reader.problems.append(
            Problem(Loc(reader.file, line), f"control character {control_chars(chr(exc.character))[0]}; remove it")
        )
        return None
    except yaml.YAMLError as exc:
        reader.problems.append(Problem(Loc(reader.file, 1), f"YAML error: {' '.join(str(exc).split())}"))
        return None
    reader.may_alias = "*" in text
    if reader.may_alias:
        _report_aliases(text, reader)
    if root is None:
        reader.problems.append(Problem(Loc(reader.file, 1), empty))
    return root


def _read_file(file: Path, reader: _FileReader, facts: dict[str, list[Fact]]) -> None:
    root = _compose(file, reader, "the file is empty; expected a mapping with sections such as 'definitions'")
    if root is None:
        return
    sections = reader.mapping(root, {**FILE_KEYS, **{kind.section: Field("facts") for kind in KINDS}}, "the file")
    if sections is None:
        return
    header = {key: reader.text(sections[key], key) for key in ("deck", "source", "lang") if key in sections}
    lang = header.get("lang") or DEFAULT_LANG
    if not is_lang(lang):
        reader.problem(
            sections["lang"], f"lang '{lang}' is not a language cardgen writes; use one of {', '.join(LANGS)}"
        )
        lang = DEFAULT_LANG
    if "synonyms" in sections:
        reader.synonyms.extend(reader._read_synonyms(sections["synonyms"], "synonyms", "the file") or ())
    for item in reader.sequence(sections["exclude"], "exclude") or () if "exclude" in sections else ():
        excluded = reader.text(item, "exclude")
        if excluded is not None:
            reader.exclude.append((excluded, reader.loc(item)))
    if "cards" in sections:
        reader.cards = _read_card_choice(reader, sections["cards"])
    file_tags = reader.texts(sections["tags"], "tags") if "tags" in sections else ()
    if "tags" in sections:
        _check_tags(reader, sections["tags"], file_tags)
    deck = header.get("deck") or unicodedata.normalize("NFC", file.stem)
    deck_loc = reader.loc(sections["deck"]) if "deck" in sections else Loc(reader.file, 1)
    if "deck" not in sections or header["deck"] is not None:
        _check_deck(reader, deck, deck_loc)
    for kind in KINDS:
        if kind.section not in sections:
            continue
        for item in reader.sequence(sections[kind.section], kind.section) or ():
            fact = _read_fact(reader, item, kind.section, deck, header.get("source"), file_tags or (), as_lang(lang))
            if fact is not None:
                facts[kind.section].append(fact)


def _checked_reviews(reader: _FileReader, node: Node, checks: tuple[str, ...]) -> tuple[str, ...]:
    """The audit checks a fact's `reviewed` accepts; unknown ones are problems."""
    for check in checks:
        if check not in AUDIT_CHECKS:
            assert isinstance(node, MappingNode)  # a fact whose keys were read
            line = Loc(reader.file, _line_of_key(node, "reviewed"))
            reader.problems.append(
                Problem(line, f"reviewed: unknown audit check '{check}'{_did_you_mean(check, AUDIT_CHECKS)}")
            )
    return tuple(check for check in checks if check in AUDIT_CHECKS)


def _read_card_choice(reader: _FileReader, node: Node) -> frozenset[str] | None:
    """The card families a file's `cards` names, or None (and a problem) when it names none or an unknown one."""
    items = reader.sequence(node, "cards")
    if items is None:
        return None
    if not items:
        reader.problem(
            node, "'cards' names no card kind, so the file's facts would get no cards; name the kinds to keep"
        )
        return None
    families: set[str] = set()
    for item in items:
        name = reader.text(item, "cards")
        if name is None:
            continue
        if name not in CARD_GROUPS:
            reader.problem(item, f"cards: unknown card kind '{name}'{_did_you_mean(name, CARD_GROUPS)}")
            continue
        families |= CARD_GROUPS[name]
    return frozenset(families)


def _report_aliases(text: str, reader: _FileReader) -> None:
    for event in yaml.parse(text, Loader=_YamlLoader):
        if isinstance(event, yaml.AliasEvent):
            reader.problems.append(
                Problem(
                    Loc(reader.file, event.start_mark.line + 1 if event.start_mark else 1),
                    "anchors and aliases ('&', '*') are not supported; write the value out",
                )
            )


def _line(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


def _check_deck(reader: _FileReader, deck: str, loc: Loc) -> None:
    """A deck name that Anki would merge, leave blank or show otherwise than written is a problem."""
    problem = None
    if bad := control_chars(deck):
        problem = f"deck '{deck}' holds the control character(s) {' '.join(dict.fromkeys(bad))}"
    elif any(not level.strip() for level in deck.split("::")):
        problem = f"deck '{deck}' has an empty level (Anki would make a blank deck); write each level between '::'"
    elif deck.split("::")[0].strip().casefold() == "default":
        problem = f"deck '{deck}' would go into Anki's own Default deck; choose another name"
    if problem:
        reader.problems.append(Problem(loc, problem))
    else:
        reader.deck = (deck, loc)


def _check_tags(reader: _FileReader, node: Node, tags: tuple[str, ...] | None) -> None:
    for tag in tags or ():
        if any(ch.isspace() for ch in tag):
            reader.problem(node, f"tag '{tag}' contains a space; Anki tags are single words (use '_' or '::')")


def _read_fact(
    reader: _FileReader,
    node: Node,
    section: str,
    deck: str,
    file_source: str | None,
    file_tags: tuple[str, ...],
    lang: Lang = DEFAULT_LANG,
) -> Fact | None:
    kind = BY_SECTION[section]
    raw_id = _peek_id(node)
    owner = f"{kind.name} '{raw_id}'" if raw_id else kind.name
    if raw_id:
        reader.ids.append((raw_id, reader.loc(node), section))
    values = reader.fields(node, {**COMMON, **kind.fields}, owner, owner)
    if values is None:
        return None
    # COMMON reads 'id', 'source' and 'note' as "text" and 'tags' as "texts" (see `_build`).
    fact_id = cast(str, values.pop("id"))
    if not ID_PATTERN.match(fact_id):
        reader.problem(
            node, f"id '{fact_id}' must start with a letter or digit and hold only letters, digits, '-', '_' and '.'"
        )
        return None
    tags = cast(tuple[str, ...], values.pop("tags", ()))
    _check_tags(reader, node, tags)
    meta = Meta(
        id=fact_id,
        deck=deck,
        tags=tuple(dict.fromkeys((*file_tags, *tags))),
        source=cast("str | None", values.pop("source", file_source)),
        note=cast("str | None", values.pop("note", None)),
        loc=reader.loc(node),
        lang=lang,
        reviewed=_checked_reviews(reader, node, cast(tuple[str, ...], values.pop("reviewed", ()))),
    )
    if kind.needs_one_of and not any(values.get(key) for key in kind.needs_one_of):
        reader.problem(node, f"{owner} needs at least one of {' and '.join(repr(k) for k in kind.needs_one_of)}")
        return None
    finish = _FINISH.get(section)
    if finish is not None:
        finished = finish(reader, node, owner, values)
        if finished is None:
            return None
        values = finished
    fact = kind.model(meta, **values)
    if isinstance(fact, Stack) and fact.bands:
        return _fitted_bands(reader, fact, owner)
    if isinstance(fact, ComparisonTable):
        return _check_comparison(reader, fact)
    return fact


def _finish_taxonomy(
    reader: _FileReader, node: Node, owner: str, values: dict[str, object]
) -> dict[str, object] | None:
    """The children as one list of ids, in the author's order, and the groups beside them."""
    # 'children' is read by `_read_kinds` (see `_build`).
    kinds = cast(tuple[str | Group, ...], values.pop("children"))
    children = [c for kind in kinds for c in ((kind,) if isinstance(kind, str) else kind.children)]
    return values | {"children": tuple(children), "groups": tuple(k for k in kinds if isinstance(k, Group))}


def _finish_question(
    reader: _FileReader, node: Node, owner: str, values: dict[str, object]
) -> dict[str, object] | None:
    """The answer and the options as the model has them: every option knows whether it is right."""
    # 'answer' is read by `_read_answer`, 'choices' by `_read_choices` (see `_build`).
    answer = cast("tuple[str, ...] | None", values.pop("answer", None))
    choices = cast("tuple[Option, ...] | None", values.get("choices"))
    written = _keys_of(node)
    if ("answer" in written and answer is None) or ("choices" in written and choices is None):
        return None  # reported where it was read
    if not choices:
        if "shuffle" in values:
            reader.problem(node, f"{owner}: 'shuffle' orders 'choices', and there are none")
            return None
        if answer is None:
            reader.problem(node, f"{owner} is missing required key 'answer'")
            return None
        if len(answer) > 1:
            reader.problem(_value_of(node, "answer"), f"{owner}: a list of answers needs 'choices' to pick them from")
            return None
        return values | {"answer": answer[0]}
    marked = any(o.correct for o in choices)
    if marked and answer is not None:
        reader.problem(
            _value_of(node, "answer"),
            f"{owner}: say which options are right once, by 'answer' or by 'correct: true', not both",
        )
        return None
    if answer is not None:
        by_text = {fold(o.text): o for o in choices}
        unknown = [a for a in answer if fold(a) not in by_text]
        for a in unknown:
            close = difflib.get_close_matches(a, [o.text for o in choices], n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            reader.problem(_value_of(node, "answer"), f"{owner}: the answer '{a}' is not one of the choices{hint}")
        if unknown:
            return None
        right = {fold(a) for a in answer}
        denied = _marked_wrong(_value_of(node, "choices")) & right
        for a in answer:
            if fold(a) in denied:
                reader.problem(
                    _value_of(node, "answer"), f"{owner}: the answer '{a}' is an option marked 'correct: false'"
                )
        if denied:
            return None
        choices = tuple(Option(o.text, fold(o.text) in right, o.loc) for o in choices)
    if not any(o.correct for o in choices):
        reader.problem(
            _value_of(node, "choices"), f"{owner}: no option is right; give 'answer' or mark an option 'correct: true'"
        )
        return None
    if all(o.correct for o in choices):
        reader.problem(
            _value_of(node, "choices"),
            f"{owner}: every option is right, so the question asks nothing; add a wrong option",
        )
        return None
    text = ", ".join(o.text for o in choices if o.correct)
    return values | {"choices": choices, "answer": text}


_FINISH: dict[str, Callable[[_FileReader, Node, str, dict[str, object]], dict[str, object] | None]] = {
    "taxonomy": _finish_taxonomy,
    "questions": _finish_question,
}


def _peek_id(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                return value.value or None
    return None


# --- checks across files ------------------------------------------------------------

_KIND_OF_SECTION = {kind.section: kind.refers_as for kind in KINDS if kind.refers_as}


def _check_ids(ids: list[tuple[str, Loc, str]], problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Report duplicate ids across all files; return ids by the kind refs can name."""
    first: dict[str, Loc] = {}
    kinds: dict[str, dict[str, str]] = {kind: {} for kind in (*_KIND_OF_SECTION.values(), "fact")}
    for fact_id, loc, section in ids:
        if fact_id in first:
            problems.append(Problem(loc, f"duplicate id '{fact_id}' (first defined at {first[fact_id]})"))
            continue
        first[fact_id] = loc
        kinds["fact"][fact_id] = section
        if section in _KIND_OF_SECTION:
            kinds[_KIND_OF_SECTION[section]][fact_id] = section
    return kinds


def _check_deck_case(decks: list[tuple[str, Loc]], problems: list[Problem]) -> None:
    """Report decks (or their parents) that differ only in case: Anki and many file systems would merge them."""
    first: dict[str, tuple[str, Loc]] = {}
    for deck, loc in decks:
        levels = deck.split("::")
        for depth in range(1, len(levels) + 1):
            name = "::".join(levels[:depth])
            seen = first.setdefault(name.casefold(), (name, loc))
            if seen[0] != name:
                problems.append(
                    Problem(
                        loc, f"deck '{name}' differs from '{seen[0]}' (at {seen[1]}) only in case; spell both alike"
                    )
                )
                break


def _check_refs(
    refs: list[_Ref],
    kinds: dict[str, dict[str, str]],
    problems: list[Problem],
    elsewhere: Callable[[], _Elsewhere] | None = None,
) -> None:
    unloaded: _Elsewhere | None = None
    for ref in refs:
        if ref.target in kinds[ref.kind]:
            continue
        problem = f"{ref.owner} refers to unknown {ref.kind} '{ref.target}'"
        close = close_ids(ref.target, kinds[ref.kind])
        # The id's own kind: what references call it, else (a kind nothing refers to) its entry's name.
        section = kinds["fact"].get(ref.target)
        other = _KIND_OF_SECTION.get(section) or BY_SECTION[section].name if section else None
        if close:
            hint = " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
        elif other is not None:
            hint = f"; '{ref.target}' is a {other}, not a {ref.kind}"
        else:
            if unloaded is None:
                unloaded = elsewhere() if elsewhere else {}
            where = unloaded.get((ref.kind, ref.target))
            hint = ", which is not in the given paths"
            hint += f"; {where} defines it: give that path too" if where else "; define it, or give the file that does"
        problems.append(Problem(ref.loc, problem + hint))


# (kind, id) -> where a fact file the project lists, but the command was not given, defines it
_Elsewhere = dict[tuple[str, str], Loc]


def _unloaded_ids(sources: Sources) -> _Elsewhere:
    """The ids that fact files of the nearest project around SOURCES define, in files that were not loaded.

    The project is the first `cardgen.yaml` in the folder of a named path or a folder above
    it; a path that is a project itself was loaded whole.
    """
    project = _enclosing_project(sources.paths)
    if project is None:
        return {}
    loaded = {os.path.realpath(file) for file in sources.files}
    found: _Elsewhere = {}
    for root, _ in _read_project(project, []):
        try:
            files = fact_files(root)
        except CardgenError:
            continue
        for file in files:
            if os.path.realpath(file) in loaded:
                continue
            reader = _FileReader(_shown(file), [])
            node = _compose(file, reader, "")
            for key, value in node.value if isinstance(node, MappingNode) else ():
                kind = _KIND_OF_SECTION.get(key.value) if isinstance(key, ScalarNode) else None
                if kind is None or not isinstance(value, SequenceNode):
                    continue
                for item in value.value:
                    if fact_id := _peek_id(item):
                        found.setdefault((kind, fact_id), reader.loc(item))
    return found


def _enclosing_project(paths: Sequence[Path]) -> Path | None:
    for path in paths:
        if project_file(path):
            continue
        folder = path.absolute() if path.is_dir() else path.absolute().parent
        for above in (folder, *folder.parents):
            if (above / PROJECT_FILE).is_file():
                return above / PROJECT_FILE
    return None


def _shown(path: Path) -> str:
    """PATH relative to the current folder when it is below it, as messages name files."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative


def _check_taxonomy(links: list[Taxonomy], problems: list[Problem]) -> None:
    """Report every cycle of parent -> child links once, at the link that closes it."""
    children: dict[str, list[tuple[str, Taxonomy]]] = {}
    for link in links:
        for child in link.children:
            children.setdefault(link.parent, []).append((child, link))
    done: set[str] = set()
    for start in sorted(children):
        if start in done:
            continue
        # Iterative DFS: a deep taxonomy must not exhaust Python's recursion limit.
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(children.get(start, ()))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
                continue
            child, link = step
            if child in on_path:
                cycle = [*path[path.index(child) :], child]
                problems.append(Problem(link.meta.loc, "taxonomy cycle: " + " -> ".join(cycle)))
            elif child not in done:
                path.append(child)
                on_path.add(child)
                stack.append(iter(children.get(child, ())))
