"""Jinja2 templates: the packaged defaults, overridable file by file from a user's folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from ..errors import TemplateError
from ..model import Span
from ..richtext import escape_markdown, markdown_attribute, markdown_url

_SUPERSCRIPT = str.maketrans(
    "0123456789+-–−=(),.abcdefghijklmnoprstuvwxyz",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁻⁼⁽⁾˒·ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
)


def superscript(text: object) -> str:
    """Unicode superscripts, as the example's FAQ prints them: 3–5 → ³⁻⁵."""
    return str(text).translate(_SUPERSCRIPT)


def default_templates_dir() -> Path:
    """The templates installed with the package (the repository's templates/ folder).

    setup.cfg installs templates/ as the data-only package `citations.templates`; run from
    a source tree that was not installed, the folder is found beside the package.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("citations.templates")
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[2] / "templates"


class Templates:
    """A Jinja2 environment: a user's folder first, then the defaults; HTML autoescaped."""

    def __init__(self, user_dir: Path | None = None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if user_dir is not None:
            if not user_dir.is_dir():
                raise TemplateError(f"templates folder not found: {user_dir}")
            loaders.append(jinja2.FileSystemLoader(str(user_dir)))
        loaders.append(jinja2.FileSystemLoader(str(default_templates_dir())))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["superscript"] = superscript
        # Markdown templates are not autoescaped: what comes from the data goes through these
        self.env.filters["markdown_attribute"] = markdown_attribute
        self.env.filters["markdown_text"] = escape_markdown
        self.env.filters["markdown_url"] = lambda url: markdown_url(str(url), in_parens=True)
        self._cache: dict[str, jinja2.Template] = {}

    def get(self, name: str) -> jinja2.Template:
        template = self._cache.get(name)
        if template is None:
            template = self._cache[name] = self._load(name)
        return template

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        template = self.get(name)
        try:
            return template.render(context)
        except Exception as exc:  # a user's template can raise anything; name its line
            raise _template_error(exc, name, template.filename) from None

    def _load(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"template not found: {name}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise _template_error(exc, name, exc.filename) from None
        except UnicodeDecodeError as exc:
            where = self._where(name)
            raise TemplateError(
                f"template {name} is not UTF-8 text (byte {exc.start})", where, "save it as UTF-8"
            ) from None

    def _where(self, name: str) -> Span | None:
        """The file a template name stands for, among the folders searched."""
        for folder in getattr(self.env.loader, "loaders", ()):
            for base in getattr(folder, "searchpath", ()):
                if (Path(base) / name).is_file():
                    return Span(str(Path(base) / name), 1)
        return None


def _template_error(exc: Exception, name: str, filename: str | None) -> TemplateError:
    line = getattr(exc, "lineno", None) or _line_from_traceback(exc, filename) or 1
    where = Span(filename or name, line)
    kind = "syntax error" if isinstance(exc, jinja2.TemplateSyntaxError) else "error"
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return TemplateError(f"template {kind}: {message}", where)


def _line_from_traceback(exc: BaseException, filename: str | None) -> int | None:
    """Jinja marks template frames with the template's file name; take the last such line."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
