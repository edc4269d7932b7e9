"""Template lookup (user folder first, then the shipped defaults) and its safety rails."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2
import pytest

from cardgen.errors import UsageError
from cardgen.errors import TemplateProblem
from cardgen.emit.templating import css_string, default_templates, environment, render
from tests.conftest import ROOT, build_file_tree


def test_defaults_are_the_checkout_templates_folder() -> None:
    assert default_templates() == ROOT / "templates"
    assert environment().get_template("exam/paper.html").filename == str(ROOT / "templates/exam/paper.html")


def test_a_user_template_overrides_one_shipped_template(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"exam/header.html": "<p>my header</p>"})
    env = environment(tmp_path)
    assert env.get_template("exam/header.html").filename == str(tmp_path / "exam/header.html")
    assert env.get_template("exam/question.html").filename == str(ROOT / "templates/exam/question.html")


def test_missing_user_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no-such: no such templates folder"):
        environment(tmp_path / "no-such")


def test_environment_escapes_and_refuses_undefined_names(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"t.html": "<b>{{ text }}</b>\n{{ missing }}\n"})
    env = environment(tmp_path)
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    with pytest.raises(TemplateProblem) as caught:
        render(env, "t.html", text="<script>")
    assert str(caught.value) == f"template {tmp_path / 't.html'}:2: 'missing' is undefined"
    assert render(env, "t.html", text="<script>", missing="") == "<b>&lt;script&gt;</b>\n\n"


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"exam/header.html": "ok\n{% if %}\n"})
    with pytest.raises(TemplateProblem) as caught:
        render(environment(tmp_path), "exam/header.html")
    assert str(caught.value).startswith(f"template {tmp_path / 'exam/header.html'}:2: ")


@pytest.mark.parametrize("text", ['a"b', "a\\b", "</style><script>x</script>", "line\nbreak", "A형 · 정답"])
def test_css_string_cannot_leave_its_quotes(text: str) -> None:
    quoted = str(css_string(text))
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"'
    assert not any(c in inner for c in '"<>\n') and "\\\\" not in inner
    # CSS reads a hex escape back as the character it names.
    decoded = __import__("re").sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m.group(1), 16)), inner)
    assert decoded == text


@pytest.mark.slow
def test_an_installed_wheel_ships_and_finds_the_templates(tmp_path: Path) -> None:
    """Built as pip builds it and imported from outside the checkout, as a non-editable install is."""
    source = tmp_path / "src"  # a copy, so the build leaves nothing behind in the checkout
    for name in ("pyproject.toml", "README.md"):
        (source / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for folder in ("cardgen", "templates"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(tmp_path)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(tmp_path.glob("cardgen-*.whl"))
    shipped = sorted(p.relative_to(ROOT / "templates").as_posix()
                     for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".css"))
    names = zipfile.ZipFile(wheel).namelist()
    assert shipped and all(f"cardgen/templates/{name}" in names for name in shipped)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = "from cardgen.emit.templating import environment as e; print(e().get_template('exam/paper.html').filename)"
    found = subprocess.run([sys.executable, "-c", probe], env={"PYTHONPATH": str(site)}, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == str(site / "cardgen/templates/exam/paper.html")
    # The message catalogs ship too, and the installed package reads them.
    for lang in ("ko", "en"):
        assert all(f"cardgen/locale/{lang}/LC_MESSAGES/cardgen.{ext}" in names for ext in ("po", "mo"))
    probe = ("from cardgen.lang import translator; from cardgen.emit.templating import environment as e\n"
             "print(translator('ko')._('Which term has this meaning?'))\n"
             "print(e(lang='ko').from_string('{{ _(\"Answer key\") }}').render())")
    said = subprocess.run([sys.executable, "-c", probe], env={"PYTHONPATH": str(site)}, cwd=tmp_path,
                          capture_output=True, text=True, check=True).stdout.split()
    assert said == ["이", "뜻의", "용어는?", "정답", "및", "해설"]


def test_compiled_templates_are_kept_between_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build_file_tree(tmp_path / "t", {"t.html": "<b>{{ text }}</b>"})
    assert environment(tmp_path / "t").get_template("t.html").render(text="1") == "<b>1</b>"
    assert len(list((tmp_path / "cache/cardgen/templates").iterdir())) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    with monkeypatch.context() as m:
        m.setattr(jinja2.Environment, "compile", refuse)
        assert environment(tmp_path / "t").get_template("t.html").render(text="2") == "<b>2</b>"
    # An edited template is compiled afresh.
    build_file_tree(tmp_path / "t", {"t.html": "<i>{{ text }}</i>"})
    assert environment(tmp_path / "t").get_template("t.html").render(text="3") == "<i>3</i>"


def test_compiled_templates_are_kept_apart_by_escaping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build_file_tree(tmp_path / "t", {"t.html": "{{ text }}"})
    for _ in range(2):
        assert environment(tmp_path / "t").get_template("t.html").render(text="<b>") == "&lt;b&gt;"
        assert environment(tmp_path / "t", autoescape=False).get_template("t.html").render(text="<b>") == "<b>"


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(tmp_path / "t", {"t.html": "<b>{{ text }}</b>"})
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert environment(tmp_path / "t").get_template("t.html").render(text="1") == "<b>1</b>"

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", disk_full)
    assert environment(tmp_path / "t").get_template("t.html").render(text="2") == "<b>2</b>"
    assert list((tmp_path / "cache/cardgen/templates").iterdir()) == []


def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build_file_tree(tmp_path / "t", {"t.html": "<b>{{ text }}</b>"})
    environment(tmp_path / "t").get_template("t.html")
    (cached,) = (tmp_path / "cache/cardgen/templates").iterdir()
    magic = jinja2.bccache.bc_magic
    for damage in (magic, magic + b"\x80\x04garbage", magic + cached.read_bytes()[len(magic):-9], b"x"):
        cached.write_bytes(damage)
        assert environment(tmp_path / "t").get_template("t.html").render(text="1") == "<b>1</b>"
        assert cached.read_bytes() != damage
