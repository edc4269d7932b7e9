"""The command line as a whole: help, version, and the README naming every command."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cardgen import __version__
from cardgen.cli import app
from tests.conftest import ROOT, run_cardgen

runner = CliRunner()


def commands() -> list[str]:
    return sorted(cmd.name or cmd.callback.__name__ for cmd in app.registered_commands)


def test_every_command_has_help_text() -> None:
    for name in commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output
    listed = runner.invoke(app, ["--help"]).output
    for cmd in app.registered_commands:
        assert cmd.callback.__doc__, f"{cmd.name} has no docstring"
        first_line = cmd.callback.__doc__.strip().splitlines()[0]
        assert first_line[:30] in " ".join(listed.split()), cmd.callback.__name__


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in commands():
        assert re.search(rf"`cardgen {name}\b", readme), f"README does not document `cardgen {name}`"


def test_version() -> None:
    result = run_cardgen("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"cardgen {__version__}"


def test_validate_shipped_facts() -> None:
    result = run_cardgen("validate")
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout


def test_stats_counts_what_the_facts_hold() -> None:
    from cardgen.factbase.loader import load
    from cardgen.factbase.stats import counts

    base = load(ROOT / "facts")
    result = run_cardgen("stats")
    assert result.returncode == 0, result.stderr
    for label, n in counts(base).items():
        assert re.search(rf"^\s+{re.escape(label)}\s+{n}$", result.stdout, re.M), label
    assert f"{len(base)} facts in 2 file(s)" in result.stdout
    assert "Docker::1. 가상화와 컨테이너" in result.stdout


def test_readme_worked_example_is_a_valid_fact_file(tmp_path) -> None:
    from cardgen.factbase.loader import load

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"A worked example, `facts/osi.yaml`:\n\n```yaml\n(.*?)```", readme, re.S)
    assert example, "the README lost its worked example"
    (tmp_path / "osi.yaml").write_text(example.group(1), encoding="utf-8")
    base = load(tmp_path)
    assert base.decks() == ("Network::OSI",)
    counts = (len(base.definitions), len(base.pros_cons), len(base.taxonomies), len(base.stacks), len(base.questions))
    assert counts == (4, 1, 1, 1, 3)
    assert [q.right for q in base.questions if q.choices] == [("TCP",), ("TCP", "UDP")]


def test_readme_taxonomy_group_example_is_valid(tmp_path) -> None:
    from cardgen.factbase.loader import load

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"A taxonomy with groups .*?:\n\n```yaml\n(.*?)```", readme, re.S)
    assert example, "the README lost its taxonomy group example"
    ids = ("dockerfile-instruction", "run", "copy", "env", "expose")
    definitions = "definitions:\n" + "".join(f"  - {{id: {i}, term: {i.upper()}, definition: {i} 명령}}\n" for i in ids)
    (tmp_path / "groups.yaml").write_text(definitions + example.group(1), encoding="utf-8")
    (taxonomy,) = load(tmp_path).taxonomies
    assert taxonomy.children == ("run", "copy", "env", "expose")
    assert [(g.label, g.children) for g in taxonomy.groups] == [
        ("레이어를 만드는 명령", ("run", "copy")), ("메타데이터만 바꾸는 명령", ("env", "expose"))]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme.split("## Quick start")[1].split("##")[0])
    assert len(commands) == 2, "the quick start is two commands"
    build, test = commands
    assert build.endswith("cardgen build") and test.endswith("pytest")
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
