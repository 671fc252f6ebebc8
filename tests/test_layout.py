"""The tree shows the pipeline, and keeps showing it: rules about the code itself,
read from the source with ``ast`` (nothing is imported).

- No import circles, between modules or between packages (an import inside a
  function counts: it is a circle all the same, only later).
- ``dsl/`` never imports ``verifier`` or z3; only ``verifier/smt/`` imports z3.
- No private name of another module (``from x import _y``, ``x._y``) and no
  private attribute of a dependency's objects (Lark's insides change between
  releases).
- Every module opens with a docstring; none is over 500 lines unless its
  docstring says why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import ROOT

PACKAGES = ("dsl", "verifier")
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, list[str], int]] = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                up = up[: len(up) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            out.append((base, [a.name for a in node.names], node.lineno))
    return out


def _own(mod: str) -> str | None:
    """The module of ours that ``mod`` names (or the package holding it), if any."""
    while mod and mod not in MODULES:
        mod = mod.rpartition(".")[0]
    return mod or None


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for mod, names, _ in _imports(name, path):
            targets = [f"{mod}.{n}" if f"{mod}.{n}" in MODULES else mod for n in names] or [mod]
            for t in targets:
                own = _own(t)
                if own is not None and own != name:
                    edges[name].add(own)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def _package(mod: str) -> str:
    """A module's stage: ``dsl.check``, ``verifier.verify``, ... (``dsl``/``verifier``
    for their top-level modules)."""
    parts = mod.split(".")
    if len(parts) >= 2 and (ROOT / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return parts[0]


def test_the_rules_can_fail() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    assert "verifier.cli" in MODULES and "dsl.load" in MODULES


def test_no_module_imports_another_in_a_circle() -> None:
    assert _cycles(_graph()) == []


def test_no_package_imports_another_in_a_circle() -> None:
    """Stages depend one way: e.g. ``verifier.report`` reads ``verifier.verify``'s
    results, never the other way round. A package's ``__init__`` counts as the package."""
    edges: dict[str, set[str]] = {}
    for a, targets in _graph().items():
        pa = _package(a)
        edges.setdefault(pa, set())
        for b in targets:
            pb = _package(b)
            if pb != pa and not (pa.startswith(pb + ".") or pb.startswith(pa + ".")):
                edges[pa].add(pb)
    assert _cycles(edges) == []


def test_dsl_never_imports_the_verifier_or_z3_and_only_smt_imports_z3() -> None:
    bad = []
    for name, path in MODULES.items():
        for mod, _, line in _imports(name, path):
            top = mod.split(".")[0]
            if name.startswith("dsl") and top in ("verifier", "z3"):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {mod}")
            if top == "z3" and not name.startswith("verifier.smt"):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {mod}")
    assert bad == []


# CPython's documented way to walk the stack without importing inspect (which
# costs start-up time): the one underscored name the tree may use
ALLOWED_PRIVATE = {"sys._getframe"}


def test_no_private_name_crosses_a_module() -> None:
    bad = []
    for name, path in MODULES.items():
        imported_modules: set[str] = set()
        for mod, names, line in _imports(name, path):
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {mod}.{n}")
            if not names:
                imported_modules.add(mod.split(".")[0])
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        aliases |= {
            a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and f"{node.value.id}.{node.attr}" not in ALLOWED_PRIVATE
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert bad == []


def test_no_private_attribute_of_lark() -> None:
    """No ``._name`` on anything but our own ``self``/``cls`` in the modules that use Lark."""
    bad = []
    for path in MODULES.values():
        src = path.read_text(encoding="utf-8")
        if "lark" not in src:
            continue
        for node in ast.walk(ast.parse(src)):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                and not (
                    isinstance(node.value, ast.Name) and f"{node.value.id}.{node.attr}" in ALLOWED_PRIVATE
                )
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert bad == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_what_it_does_and_stays_short(name: str) -> None:
    path = MODULES[name]
    src = path.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(src))
    if path.name == "__init__.py" and not src.strip():
        return  # an empty package marker
    assert doc, f"{path.relative_to(ROOT)} has no docstring"
    lines = src.count("\n")
    if lines > MAX_LINES:
        assert "lines" in doc and "because" in doc, (
            f"{path.relative_to(ROOT)} has {lines} lines and its docstring does not say why"
        )


def test_docs_architecture_names_every_module() -> None:
    """docs/architecture.md is the newcomer's map: every module of ours is on it (by its
    file name, or its package for a package's modules)."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for path in MODULES.values():
        if path.name in ("__init__.py", "__main__.py"):
            continue
        if f"`{path.name}`" not in doc and f"{path.parent.name}/{path.name}" not in doc:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
