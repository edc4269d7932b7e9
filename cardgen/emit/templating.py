"""Find and render the Jinja2 templates that lay out cardgen's printable output.

Lookup puts the user first: a template in the folder given by `--templates`
replaces the shipped template of the same name, so one piece (say
`exam/header.html`) can be changed without copying the rest. The shipped
defaults live in the top-level `templates/` folder of a checkout and are
installed as the package `cardgen.templates`.

Templates only lay out: they receive ready, frozen view objects and never choose,
count or shuffle anything.
"""

from __future__ import annotations

import contextlib
import importlib.util
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

import jinja2
from markupsafe import Markup

from cardgen.errors import TemplateProblem, UsageError

I18N = "jinja2.ext.i18n"
_CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def default_templates() -> Path:
    """The folder of shipped templates, installed (`cardgen.templates`) or in a checkout."""
    # Code run from a checkout uses that checkout's templates: an editable install maps
    # `cardgen.templates` onto the checkout it was installed from, which may be another
    # worktree whose templates do not match this code.
    if (_CHECKOUT_TEMPLATES.parent / "pyproject.toml").is_file() and _CHECKOUT_TEMPLATES.is_dir():
        return _CHECKOUT_TEMPLATES
    # An installed cardgen maps `cardgen.templates` onto the folder.
    spec = importlib.util.find_spec("cardgen.templates")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    return _CHECKOUT_TEMPLATES


def css_string(value: Any) -> Markup:
    """VALUE as a quoted CSS string, safe inside a <style> element.

    Everything but plain letters, digits, spaces and a few marks becomes a CSS
    hex escape, so no quote, backslash or `</style>` can leave the string.
    """
    out = []
    for char in str(value):
        if char.isalnum() or char in " .,:;/()-_+*#!?%'":
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return Markup('"' + "".join(out) + '"')


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs, as Python keeps `__pycache__`.

    Compiling the templates costs more than rendering a small deck. Jinja keys a
    compiled template by its name, file and source; the key here adds the
    environment's options, which change the compiled code too. A cache file that
    cannot be read or written is passed over: the template is compiled again.
    """

    def __init__(self, directory: Path, options: str) -> None:
        super().__init__(str(directory))
        self.options = options

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{self.options}\0{name}", filename)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: pickle and marshal raise all kinds
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class _Options(TypedDict):
    """The environment's options that change the compiled code."""

    autoescape: bool
    keep_trailing_newline: bool
    trim_blocks: bool
    lstrip_blocks: bool


def _compiled_templates(options: Mapping[str, object]) -> _CompiledTemplates | None:
    """The cache of compiled templates in the user's cache folder, or None if it cannot be made."""
    from platformdirs import user_cache_path

    directory = user_cache_path("cardgen") / "templates"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(directory, repr(sorted(options.items())))


def environment(
    user_dir: Path | None = None, *, autoescape: bool = True, lang: str | None = None
) -> jinja2.Environment:
    """A Jinja2 environment over USER_DIR (if given) and then the shipped templates.

    AUTOESCAPE is off only for callers that hand the templates nothing but text
    they have escaped themselves (the Anki fields, which need more than HTML escaping).
    Templates translate their words with Jinja2's i18n extension (`{{ _("Name") }}`,
    `{% trans %}`) from the catalog of LANG (`cardgen.lang`); without LANG they print
    the English message ids.
    """
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise UsageError(f"{user_dir}: no such templates folder")
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(default_templates())))
    options = _Options(autoescape=autoescape, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_compiled_templates({**options, "extensions": I18N}),
        extensions=[I18N],
        **options,
    )
    env.filters["css_string"] = css_string
    if lang is None:
        env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    else:
        from cardgen.lang import translator

        env.install_gettext_translations(translator(lang).catalog, newstyle=True)  # type: ignore[attr-defined]
    return env


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render template NAME, turning any template mistake into a one-line `CardgenError`."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(exc.filename or exc.name or name, exc.message or "syntax error", exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(name, f"not found: {exc.name}") from None
    except jinja2.TemplateError as exc:
        where, line = _template_frame(exc, name)
        raise TemplateProblem(where, str(exc), line) from None


def _template_frame(exc: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line where EXC was raised (Jinja2 rewrites tracebacks to point there)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
    if not frames:
        return name, None
    return frames[-1].filename, frames[-1].lineno
