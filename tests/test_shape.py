"""The code's shape: one fact-kind table, stages that import only downstream, one error root.

These read cardgen's own source with `ast`, so a change that breaks a rule of the
layout fails here, with the module and line, instead of surfacing as a cycle or a
stray traceback later.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import typing
from pathlib import Path

import pytest

from cardgen.cards import build_cards
from cardgen.factbase import model
from cardgen.factbase.kinds import CARD_TITLES, KINDS
from cardgen.factbase.loader import load
from cardgen.factbase.schema import fact_schema
from cardgen.factbase.stats import counts
from conftest import FACTS, ROOT

PACKAGE = ROOT / "cardgen"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """The cardgen modules PATH imports when it is imported: not inside functions or TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("cardgen"))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cardgen"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
    visit(tree.body)
    modules = {module_name(p) for p in SOURCES}
    return {name for name in found if name in modules}


def test_the_registry_names_every_fact_kind_once() -> None:
    held = list(model.KIND_FIELDS)
    others = {f.name for f in dataclasses.fields(model.FactBase) if f.init} - set(held)
    assert others == {"files", "synonyms", "exclude", "cards"}, others
    assert sorted(kind.attribute for kind in KINDS) == sorted(held)
    assert {kind.model for kind in KINDS} == set(typing.get_args(model.Fact))
    assert len({kind.section for kind in KINDS}) == len(KINDS)


def test_the_schema_and_stats_follow_the_registry() -> None:
    schema = fact_schema()
    assert {kind.section for kind in KINDS} <= set(schema["properties"])
    for kind in KINDS:
        item = schema["properties"][kind.section]["items"]
        assert set(kind.fields) <= set(item["properties"]), kind.section
    shipped = (PACKAGE / "schema" / "facts.schema.json").read_text(encoding="utf-8")
    assert json.loads(shipped) == schema, "regenerate with: python -m cardgen.factbase.schema"
    stats = counts(load(FACTS))
    assert {kind.plural for kind in KINDS} | {label for kind in KINDS for label, _ in kind.parts} == set(stats)


def test_every_card_family_has_a_title_from_the_registry() -> None:
    families = {card.family for folder in (FACTS, ROOT / "tests" / "topics") for card in build_cards(load(folder))}
    assert families <= set(CARD_TITLES) and len(families) >= len(CARD_TITLES) - 2


def test_no_import_cycles_between_modules() -> None:
    graph = {module_name(path): top_level_imports(path) for path in SOURCES}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for dep in sorted(graph.get(name, ())):
            # A package imports its parent's __init__ first; that edge is no cycle of ours.
            if name.startswith(dep + "."):
                continue
            if state.get(dep) == "open":
                pytest.fail("import cycle: " + " -> ".join([*trail, name, dep]))
            if dep not in state:
                visit(dep, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


@pytest.mark.parametrize("stage, must_not_import", [
    ("cardgen.factbase", ("cardgen.bank", "cardgen.cards", "cardgen.emit", "cardgen.review", "cardgen.build")),
    ("cardgen.bank", ("cardgen.emit", "cardgen.review", "cardgen.build", "cardgen.factbase.loader")),
    ("cardgen.emit", ("cardgen.review", "cardgen.build", "cardgen.factbase.loader")),
    ("cardgen.review", ("cardgen.emit", "cardgen.build", "cardgen.factbase.loader")),
])
def test_stages_import_only_what_comes_before_them(stage: str, must_not_import: tuple[str, ...]) -> None:
    """Facts are loaded once, by the command; no later stage loads them or reaches forward."""
    for path in SOURCES:
        if not module_name(path).startswith(stage):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(must_not_import), f"{path}:{node.lineno} imports {node.module}"


def test_every_error_a_user_can_cause_is_defined_in_errors_py() -> None:
    for path in SOURCES:
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith(("Error", "Problem", "Failed", "NotFound")):
                pytest.fail(f"{path}:{node.lineno}: {node.name} belongs in cardgen/errors.py")
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {ast.unparse(base) for base in node.bases}
                assert not bases & {"Exception", "CardgenError", "UsageError"}, f"{path}:{node.lineno}"


def test_library_messages_never_name_a_command_line_option() -> None:
    """Only the command line knows its options; the library says what is wrong in plain words."""
    allowed = {PACKAGE / "cli.py", PACKAGE / "emit" / "pdf.py"}  # pdf.py passes options to Chromium
    for path in SOURCES:
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                text = ast.unparse(node.exc)
                assert " --" not in text and "'--" not in text and '"--' not in text, f"{path}:{node.lineno}: {text}"


def test_every_subpackage_ships_and_the_version_is_defined_once() -> None:
    import importlib.metadata
    import tomllib

    import cardgen

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {module_name(init.parent / "__init__.py") for init in PACKAGE.rglob("__init__.py")}
    assert on_disk <= listed, f"add to pyproject.toml's packages: {sorted(on_disk - listed)}"
    assert "version" in config["project"]["dynamic"] and "version" not in config["project"]
    assert importlib.metadata.version("cardgen") == cardgen.__version__
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["cardgen"] and (PACKAGE / "py.typed").exists()
