"""Project settings: citations.toml (or [tool.citations] in pyproject.toml), with defaults,
and the environment variables that stand in for some of them (read here and nowhere else)."""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .files import shown
from .model import Span
from .wording import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "citations.toml"
FORMATS = ("html", "md", "txt")

# Sections that later commands own; their contents are validated by those commands.
_SECTIONS = ("registries", "check", "links", "build", "claims", "verify", "add", "library")
_KEYS = ("refs", "style", "style-options", "to", "templates", "references-title", "cache-dir")

# The registries' base URLs; CITATIONS_<NAME>_URL or [registries] <name> points one elsewhere
# (a test's fake, a mirror).
REGISTRY_URLS = {
    "crossref": "https://api.crossref.org",
    "doi": "https://doi.org",
    "ncbi": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "arxiv": "https://export.arxiv.org/api",
    "openlibrary": "https://openlibrary.org",
    "idconv": "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles",  # NCBI's ID converter
}
ENVIRONMENT = {name: f"CITATIONS_{name.upper()}_URL" for name in REGISTRY_URLS}
# Politeness settings that may sit beside the URLs (used by the registry clients).
REGISTRY_KEYS = frozenset(
    {*REGISTRY_URLS, "mailto", "tool", "email", "ncbi-api-key", "crossref-token", "user-agent"}
)
CACHE_DIR_ENV = "CITATIONS_CACHE_DIR"  # "" turns every cache off
MAILTO_ENV = "CITATIONS_MAILTO"  # the contact e-mail sent to Crossref and NCBI, under [registries]
WEB_MAP_ENV = "CITATIONS_WEB_MAP"  # URL prefix=replacement pairs: where to fetch web pages


@dataclass(frozen=True)
class Config:
    """Resolved settings. Paths are absolute (relative ones are taken from the config's folder)."""

    refs: tuple[Path, ...] = (Path("refs"),)
    style: str = "ama"
    style_options: dict[str, Any] = field(default_factory=dict)
    to: str = "html"
    templates: Path | None = None
    references_title: str = "References"
    cache_dir: Path | None = None
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None  # the file these came from, if any
    text: str = ""  # its text, to point messages at the line of a setting

    @property
    def base(self) -> Path:
        """The folder relative paths in the settings start from: the file's, else the working
        folder."""
        return self.path.parent if self.path is not None else Path.cwd()

    def section(self, name: str, known: Iterable[str]) -> dict[str, Any]:
        """The `[name]` table; a key not in `known` is an error at the table, with the closest
        known one as a hint."""
        table = self.sections.get(name, {})
        choices = frozenset(known)
        for key in table:
            if key not in choices:
                hint = did_you_mean(key, choices)
                raise ConfigError(f"unknown setting '{name}.{key}'", self.span_of_table(name), hint)
        return dict(table)

    def encodings(self) -> tuple[str | None, dict[Path, str]]:
        """`[library] encoding`: one for every undeclared non-UTF-8 .bib file, or a table
        of file (relative to the settings, `"*"` the rest) → encoding; codec names, checked."""
        section = self.read("library", ("encoding",))
        value = section.get("encoding")
        if value is None or isinstance(value, str):
            return (None if value is None else _codec(value, section)), {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise section.bad("encoding", "an encoding name or a table of file = encoding")
        files = {(self.base / k).resolve(): _codec(v, section) for k, v in value.items()}
        default = files.pop((self.base / "*").resolve(), None)
        return default, files

    def read(self, name: str, known: Iterable[str]) -> Section:
        """`[name]` for typed reading (`Section`): unknown keys refused as by `section`."""
        return Section(self, name, self.section(name, known))

    def cache_folder(self) -> Path | None:
        """The one rule for where caches live: $CITATIONS_CACHE_DIR ("" turns caching off),
        else `cache-dir`, else the user's cache folder."""
        env = os.environ.get(CACHE_DIR_ENV)
        if env is not None:
            return Path(env) if env else None
        if self.cache_dir is not None:
            return self.cache_dir
        import platformdirs  # loaded on use: importing citations stays light

        return Path(platformdirs.user_cache_dir("citations"))

    def cache_file(
        self, section: str, given: Path | None = None, *, off: bool = False
    ) -> Path | None:
        """The results cache (SQLite) a command uses: none when `off`; `given` (--cache);
        else `[section] cache`, relative to this file; else cache.sqlite in the cache folder."""
        if off:
            return None
        if given is not None:
            return Path(given)
        configured = self.sections.get(section, {}).get("cache")
        if configured:
            return self.base / str(configured)
        folder = self.cache_folder()
        return folder / "cache.sqlite" if folder is not None else None

    def contact_email(self) -> str:
        """The e-mail the registries may write to: `[registries] mailto`, else `email`, else
        $CITATIONS_MAILTO ("" when none is set)."""
        table = self.section("registries", REGISTRY_KEYS)
        for key in ("mailto", "email"):
            value = table.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return os.environ.get(MAILTO_ENV, "").strip()

    def registry_urls(self) -> dict[str, str]:
        """Each registry's base URL: the environment wins over `[registries]`, which wins over
        the defaults, so a test or a mirror can stand in for any registry."""
        table = self.section("registries", REGISTRY_KEYS)
        urls = {}
        for name, default in REGISTRY_URLS.items():
            value = os.environ.get(ENVIRONMENT[name]) or table.get(name) or default
            if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
                where = self.span_of(name, "registries")
                raise ConfigError(f"the {name} registry URL must be http(s), not {value!r}", where)
            urls[name] = value.rstrip("/")
        return urls

    def style_options_for(self, style: str) -> dict[str, Any]:
        """The options `style` gets from here: [style-options] (for every style), then
        [style-options.<style>] over them."""
        shared = {k: v for k, v in self.style_options.items() if not isinstance(v, dict)}
        own = self.style_options.get(style.lower())
        return {**shared, **(own if isinstance(own, dict) else {})}

    def span_of_table(self, table: str) -> Span | None:
        """Where the `[table]` header is, for messages about the table as a whole."""
        if self.path is None:
            return None
        for number, line in enumerate(self.text.splitlines(), 1):
            header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
            if header and _unquoted(header.group(1)).removeprefix("tool.citations.") == table:
                return Span(str(self.path), number, line.index("[") + 1)
        return Span(str(self.path), 1)

    def span_of(self, key: str, table: str | None = None) -> Span | None:
        """Where `key` (in `[table]`, if given) is set in the config file, for messages."""
        if self.path is None:
            return None
        current = None
        for number, line in enumerate(self.text.splitlines(), 1):
            stripped = line.strip()
            header = re.match(r"^\[+\s*([^\]]+?)\s*\]+", stripped)
            if header:
                name = _unquoted(header.group(1)).removeprefix("tool.citations").strip(".")
                current = name or None
                continue
            if current == table and re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*=", stripped):
                return Span(str(self.path), number, line.index(stripped[0]) + 1)
        return self.span_of_table(table) if table else Span(str(self.path), 1)


class Section:
    """One table of the settings, read with types: a value of the wrong type or out of range is
    a ConfigError at its line, never a traceback (or a silent default) later."""

    def __init__(self, config: Config, name: str, table: dict[str, Any]) -> None:
        self.config, self.name, self.table = config, name, table

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def get(self, key: str, default: Any = None) -> Any:
        return self.table.get(key, default)

    def bad(self, key: str, expected: str) -> ConfigError:
        value = self.table.get(key)
        where = self.config.span_of(key, self.name)
        return ConfigError(f"'{self.name}.{key}' must be {expected}, not {value!r}", where)

    def text(self, key: str, default: str = "") -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str):
            raise self.bad(key, "a string")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise self.bad(key, "true or false")
        return value

    def whole(self, key: str, default: int, *, minimum: int = 0) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.bad(key, f"a whole number of at least {minimum}")
        return value

    def number(self, key: str, default: float, *, minimum: float = 0.0) -> float:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.bad(key, f"a number of at least {minimum:g}")
        return float(value)

    def texts(self, key: str) -> tuple[str, ...]:
        """A string or a list of strings."""
        value = self.table.get(key, [])
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise self.bad(key, "a string or a list of strings")
        return tuple(values)

    def tables(self, key: str) -> dict[str, dict[str, Any]]:
        """A table of tables: `[links.hosts."doi.org"]` → {"doi.org": {...}}."""
        value = self.table.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            raise self.bad(key, "a table of tables")
        return value

    def patterns(self, key: str) -> tuple[str, ...]:
        """Regular expressions, compiled here so that a bad one is named with its key."""
        return tuple(regex(p, f"'{self.name}.{key}'", self.config.span_of(key, self.name))
                     for p in self.texts(key))  # fmt: skip


def _codec(name: str, section: Section) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        where, hint = section.config.span_of("encoding", section.name), "e.g. cp1252, latin-1"
        raise ConfigError(f"'library.encoding': unknown encoding '{name}'", where, hint) from None


def regex(pattern: str, name: str, where: Span | None = None) -> str:
    """`pattern` if it compiles; else a ConfigError naming the setting or option it came from."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"{name}: {pattern!r} is not a regular expression ({exc})", where
        ) from None
    return pattern


def find_config(start: Path) -> Path | None:
    """The project's settings for a command run in `start`: citations.toml, or a pyproject.toml
    with [tool.citations], in `start` or the nearest parent that has one. The search stops at
    the file system's root or after a folder holding `.git` (a project's top), as ruff,
    pytest and git do."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.citations" in pyproject.read_text("utf-8", "replace"):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read the given config file, or the one found from `cwd` upward; none means the defaults
    (paths then relative to `cwd`)."""
    base = (cwd or Path.cwd()).resolve()
    if path is None:
        path = find_config(base)
        if path is None:
            return _resolve({}, base, None)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError("invalid TOML: nested too deeply", Span(str(path), 1)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text ({exc.reason})", Span(str(path), 1)) from None
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise ConfigError(f"invalid TOML: {exc}", Span(str(path), line)) from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("citations", {})
    return replace(_resolve(data, path.resolve().parent, path), text=text)


def _unquoted(header: str) -> str:
    """A table header's dotted name without its quotes: `links.hosts."doi.org"`."""
    return header.replace('"', "").replace("'", "")


def parse_value(text: str) -> Any:
    """A command-line value read as TOML (`6`, `false`, `"x"`), else as the plain string."""
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text.strip()


def _toml_error_line(message: str) -> int:
    # tomllib says "... (at line 3, column 7)"; fall back to line 1.
    marker = "at line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",", 1)[0].rstrip(")")
        if digits.isdigit():
            return int(digits)
    return 1


def _resolve(data: dict[str, Any], base: Path, path: Path | None) -> Config:
    where = Span(str(path), 1) if path else None
    for key in _SECTIONS:
        if key in data and not isinstance(data[key], dict):
            line = _line_of_key(path, key)
            raise ConfigError(
                f"'{key}' must be a table ([{key}]), not {data[key]!r}", line or where
            )
    for key in data:
        if key not in _KEYS and key not in _SECTIONS:
            line = _line_of_key(path, key)
            hint = did_you_mean(key, _KEYS + _SECTIONS)
            raise ConfigError(f"unknown setting '{key}'", line or where, hint)

    def text(key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string, not {type(value).__name__}", where)
        return value

    refs_value = data.get("refs", ["refs"])
    if isinstance(refs_value, str):
        refs_value = [refs_value]
    if not isinstance(refs_value, list) or not all(isinstance(r, str) for r in refs_value):
        raise ConfigError("'refs' must be a path or a list of paths", where)
    options = data.get("style-options", {})
    if not isinstance(options, dict):
        raise ConfigError("'style-options' must be a table", where)
    to = text("to", "html")
    if to not in FORMATS:
        raise ConfigError(
            f"unknown output format '{to}'", where, f"use one of {', '.join(FORMATS)}"
        )
    templates = data.get("templates")
    cache_dir = data.get("cache-dir")
    return Config(
        refs=tuple(shown(base / r) for r in refs_value),
        style=text("style", "ama"),
        style_options=dict(options),
        to=to,
        templates=shown(base / text("templates", "")) if templates is not None else None,
        references_title=text("references-title", "References"),
        cache_dir=base / text("cache-dir", "") if cache_dir is not None else None,
        sections={k: v for k, v in data.items() if k in _SECTIONS and isinstance(v, dict)},
        path=path,
    )


def _line_of_key(path: Path | None, key: str) -> Span | None:
    if path is None:
        return None
    return Config(path=path, text=path.read_text("utf-8")).span_of(key)


def default_cache_path() -> Path | None:
    """The results cache with no settings: cache.sqlite in the cache folder (None: off)."""
    return Config().cache_file("links")


def web_map() -> list[tuple[str, str]]:
    """$CITATIONS_WEB_MAP's `prefix=replacement` pairs: web pages fetched from elsewhere."""
    pairs = (pair.partition("=") for pair in os.environ.get(WEB_MAP_ENV, "").split())
    return [(prefix, replacement) for prefix, sep, replacement in pairs if sep and prefix]


def in_ci() -> bool:
    """Whether a CI service runs us ($CI set): no progress bars, whatever the terminal."""
    return bool(os.environ.get("CI"))
