"""The package's layers hold: no module imports a higher layer or a sibling package of its own
layer, and no two modules import each other, however indirectly (lazy imports included)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "citations"

# Bottom to top. A module may import its own package, and anything in a lower layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    # values and helpers, standard library only
    ("model", "folding", "wording", "files", "identifiers", "version"),
    ("errors", "findings", "richtext"),  # the shared vocabulary: problems, formatted text
    ("config", "library", "net", "reporters"),  # settings, the .bib files, HTTP, output formats
    ("render", "registries"),  # the render pipeline; the registries' clients
    ("snapshot",),  # what checks and reports read
    ("checks", "links", "verify"),  # features
    ("claims", "add", "build", "interchange"),  # features built on features
    ("commands",),  # each command as a function: settings → run → outcome
    # what other programs drive: the language server, the live preview, pandoc, MkDocs
    ("lsp", "serve", "pandoc_filter", "mkdocs_plugin"),
    ("cli",),  # click: parse, print, exit
    ("__init__", "__main__"),  # the public API, the entry point
)
LAYER = {name: n for n, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str, path: Path) -> Iterator[str]:
    """Every citations module `name` imports, anywhere in it (lazy and TYPE_CHECKING too);
    `from . import x` counts as importing the submodule x, not its package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "citations":
                target = node.module
            else:
                continue
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            if subs and len(subs) == len(node.names):
                yield from subs
            else:
                yield target


def part(module: str) -> str:
    """The top-level part a module belongs to: `citations.links.check` → `links`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_of_the_package_has_a_layer() -> None:
    assert {part(m) for m in MODULES} <= set(LAYER)


def test_no_module_imports_a_higher_layer_or_a_sibling_of_its_layer() -> None:
    wrong = []
    for name, path in MODULES.items():
        for target in imports(name, path):
            here, there = part(name), part(target)
            if here == there or (target == "citations" and here == "__main__"):
                continue
            if LAYER[there] >= LAYER[here]:
                wrong.append(f"{name} imports {target} ({there} is not below {here})")
    assert wrong == []


def test_no_import_cycles() -> None:
    graph = {name: set(imports(name, path)) - {name} for name, path in MODULES.items()}
    cycles, state, stack = [], dict[str, int](), list[str]()

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []
