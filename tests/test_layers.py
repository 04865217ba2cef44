"""The package's layers, checked on the source: who may import whom, and no import cycles.

Every ``.py`` under ``bot/`` is parsed (never imported) and every import of a ``bot`` module is
collected: absolute and relative, ``from x import submodule``, inside functions, under
``if TYPE_CHECKING:`` and through ``importlib.import_module("bot.…")``. A deferred or type-only
import upward is still a dependency upward, so it counts like any other.

Rules: a module may import its own package, or a package of a lower rank; never a higher rank,
and never another package of the same rank. ``bot/__init__.py`` imports nothing from ``bot``.
Every module must sit in a package listed in ``RANKS``.

Also: importing the engine, the content loader or the understanding must not drag in
Telegram, click or matplotlib (checked in a fresh interpreter).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# The layers. Lower ranks never import higher ones; two packages of the same rank never import
# each other. A key covers the module or package of that name and everything under it.
RANKS: dict[str, int] = {
    "bot.base": 0,
    "bot.languages": 0,
    "bot.config": 0,
    "bot.understanding": 1,
    "bot.content": 2,
    "bot.core": 3,
    "bot.growth": 4,
    "bot.agency": 4,
    "bot.storage": 4,
    "bot.staff": 5,
    "bot.adapters": 6,
    "bot.app": 7,
    "bot.cli": 8,
    "bot.__main__": 9,
}

# Top-level distributions the inner layers must not import, not even indirectly.
HEAVY = ("telegram", "click", "matplotlib")
LIGHT_MODULES = ("bot.core.engine", "bot.content.loader", "bot.understanding.nlu")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "bot"


# -- reading the imports ------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    path: str  # posix, relative to the folder holding the package: "bot/core/engine.py"
    line: int
    importer: str  # "bot.core.engine"
    target: str  # "bot.storage.sqlite"


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(base: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Module name -> file, for every ``.py`` of the package under ``base``."""
    return {
        module_name(p, base): p
        for p in sorted((base / package).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def _resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    parts = importer.split(".")
    if not is_package:
        parts = parts[:-1]  # a module's own package
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


def _imported_names(
    tree: ast.AST, importer: str, is_package: bool, modules: Iterable[str], package: str
) -> Iterator[tuple[int, str]]:
    known = set(modules)

    def ours(name: str) -> bool:
        return name == package or name.startswith(package + ".")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if ours(alias.name):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(importer, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            if not ours(base):
                continue
            # `from bot.core import engine` imports the module bot.core.engine
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            if len(subs) < len(node.names):  # some names are attributes of `base` itself
                yield node.lineno, base
            for sub in subs:
                yield node.lineno, sub
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and ours(arg.value)
            ):
                yield node.lineno, arg.value


def collect_imports(base: Path, package: str = PACKAGE) -> tuple[list[str], list[Import]]:
    """The package's modules and every import of one of them, in file and line order."""
    files = source_files(base, package)
    found: list[Import] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(base).as_posix()
        for line, target in _imported_names(tree, name, path.name == "__init__.py", files, package):
            found.append(Import(rel, line, name, target))
    return list(files), sorted(set(found), key=lambda i: (i.path, i.line, i.target))


# -- the rules ---------------------------------------------------------------------------------


def unit_of(module: str, ranks: Mapping[str, int]) -> str | None:
    """The rank table's key a module belongs to (the longest that covers it)."""
    keys = [k for k in ranks if module == k or module.startswith(k + ".")]
    return max(keys, key=len) if keys else None


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in a stable order, members sorted."""
    nodes = sorted(set(graph) | {w for ws in graph.values() for w in ws})
    edges = {v: sorted(set(graph.get(v, ()))) for v in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            recurse = False
            for j in range(i, len(edges[v])):
                w = edges[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                component: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return sorted(components)


def a_cycle(members: list[str], graph: Mapping[str, Iterable[str]]) -> list[str]:
    """One concrete cycle through a component, from its first member: a -> b -> … -> a."""
    inside = set(members)
    start = members[0]
    paths: dict[str, list[str]] = {start: [start]}
    queue = [start]
    while queue:  # breadth first: the shortest way back to the start
        v = queue.pop(0)
        for w in sorted(set(graph.get(v, ())) & inside):
            if w == start:
                return [*paths[v], start]
            if w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return [*members, start]  # unreachable for a real component


@dataclass
class Report:
    unplaced: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    module_cycles: list[str] = field(default_factory=list)
    package_cycles: list[str] = field(default_factory=list)


def _cycles(edges: dict[str, dict[str, list[Import]]], kind: str) -> list[str]:
    graph = {v: set(ws) for v, ws in edges.items()}
    found = []
    for members in strongly_connected(graph):
        if len(members) < 2:
            continue
        lines = [
            f"{kind} cycle ({len(members)} {kind}s): {' -> '.join(a_cycle(members, graph))}",
            f"  all of: {', '.join(members)}",
        ]
        for v in members:
            for w in sorted(set(edges.get(v, {})) & set(members)):
                lines += [f"  {i.path}:{i.line} imports {i.target}" for i in edges[v][w]]
        found.append("\n".join(lines))
    return found


def check(base: Path, ranks: Mapping[str, int], package: str = PACKAGE) -> Report:
    modules, imports = collect_imports(base, package)
    report = Report()
    for module in modules:
        if module != package and unit_of(module, ranks) is None:
            path = source_files(base, package)[module].relative_to(base).as_posix()
            here = Path(__file__).name
            report.unplaced.append(
                f"{path}: {module} is in no layer: add it to a layer (RANKS in {here})"
            )

    module_edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    unit_edges: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for imp in imports:
        if imp.target != imp.importer:
            module_edges[imp.importer][imp.target].append(imp)
        where = f"{imp.path}:{imp.line} imports {imp.target}"
        if imp.importer == package:
            report.violations.append(
                f"{where} ({package}/__init__.py imports nothing from {package})"
            )
            continue
        if imp.target == package:
            continue  # the bare package: a docstring and a version, below every layer
        src, dst = unit_of(imp.importer, ranks), unit_of(imp.target, ranks)
        if src is None:
            continue  # reported once above, as unplaced
        if dst is None:
            report.violations.append(f"{where} (rank {ranks[src]} -> no layer: add it to RANKS)")
            continue
        if src != dst:
            unit_edges[src][dst].append(imp)
        a, b = ranks[src], ranks[dst]
        if b > a:
            report.violations.append(f"{where} (rank {a} -> rank {b})")
        elif b == a and src != dst:
            report.violations.append(f"{where} (rank {a} -> rank {b}: {src} and {dst} are peers)")

    report.module_cycles = _cycles(module_edges, "module")
    report.package_cycles = _cycles(unit_edges, "package")
    return report


def _fail_listing(title: str, items: list[str]) -> None:
    """Fail with just the list (no traceback, no repr): one finding per line."""
    if items:
        pytest.fail(f"{len(items)} {title}:\n" + "\n".join(items), pytrace=False)


@pytest.fixture(scope="module")
def report() -> Report:
    return check(ROOT, RANKS)


# -- the package as it is ----------------------------------------------------------------------


def test_every_module_is_in_a_layer(report: Report) -> None:
    _fail_listing("module(s) in no layer", report.unplaced)


def test_no_import_goes_up_a_layer_or_sideways(report: Report) -> None:
    _fail_listing("import(s) against the layers", report.violations)


def test_no_import_cycles_between_modules(report: Report) -> None:
    _fail_listing("module cycle(s)", report.module_cycles)


def test_no_import_cycles_between_packages(report: Report) -> None:
    _fail_listing("package cycle(s)", report.package_cycles)


def loaded_after_import(module: str, extra_path: Path | None = None) -> tuple[list[str], str]:
    """The modules a fresh interpreter holds after ``import module``, and its import log."""
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    code = f"import {module}, sys, json; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, f"import {module} failed:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def import_chain(importtime_log: str, top: str) -> str:
    """Who imported ``top`` first, from ``-X importtime``'s log (children print before parents,
    indented two more spaces): ``a <- b <- top``, outermost first."""
    rows = []
    for line in importtime_log.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[1].strip().isdigit():  # not a row, or the header
            continue
        name = fields[2]
        rows.append((len(name) - len(name.lstrip(" ")), name.strip()))
    for i, (depth, name) in enumerate(rows):
        if name.split(".")[0] != top:
            continue
        chain, want = [name], depth
        for d, parent in rows[i + 1 :]:
            if d < want:
                chain.append(parent)
                want = d
        chain.reverse()
        first = next(n for n, m in enumerate(chain) if m.split(".")[0] == top)
        return " -> ".join(chain[: first + 1])
    return "?"


def heavy_imports(module: str, extra_path: Path | None = None) -> list[str]:
    loaded, log = loaded_after_import(module, extra_path)
    problems = []
    for top in HEAVY:
        hits = [m for m in loaded if m == top or m.startswith(top + ".")]
        if hits:
            problems.append(
                f"{top}: {len(hits)} module(s) loaded ({', '.join(hits[:3])}"
                f"{', …' if len(hits) > 3 else ''}), first via {import_chain(log, top)}"
            )
    return problems


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_inner_layers_do_not_load_telegram_click_or_matplotlib(module: str) -> None:
    _fail_listing(f"heavy package(s) loaded by `import {module}`", heavy_imports(module))


# -- the guard itself --------------------------------------------------------------------------


def _write(base: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_a_cycle_an_upward_import_and_a_stray_module(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "bot/__init__.py": '"""nothing"""\n',
            "bot/base/__init__.py": "",
            "bot/base/low.py": "def f():\n    from bot.core import x\n    return x\n",
            "bot/core/__init__.py": "",
            # two modules of one package importing each other: relative, deferred, type-only
            "bot/core/x.py": "def g():\n    from . import y\n    return y\n",
            "bot/core/y.py": (
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import bot.core.x\n"
            ),
            "bot/core/z.py": "from ..base.low import f\nfrom bot import __version__\n",
            "bot/stray.py": "",
        },
    )
    got = check(tmp_path, {"bot.base": 0, "bot.core": 3})
    assert got.violations == ["bot/base/low.py:2 imports bot.core.x (rank 0 -> rank 3)"]
    assert got.unplaced == [
        "bot/stray.py: bot.stray is in no layer: add it to a layer (RANKS in test_layers.py)"
    ]
    assert got.module_cycles == [
        "module cycle (2 modules): bot.core.x -> bot.core.y -> bot.core.x\n"
        "  all of: bot.core.x, bot.core.y\n"
        "  bot/core/x.py:2 imports bot.core.y\n"
        "  bot/core/y.py:4 imports bot.core.x"
    ]
    assert len(got.package_cycles) == 1  # base -> core (upward) and core -> base
    assert got.package_cycles[0].startswith(
        "package cycle (2 packages): bot.base -> bot.core -> bot.base\n"
    )
    assert "bot/core/z.py:1 imports bot.base.low" in got.package_cycles[0]


def test_the_checker_knows_peers_and_the_bare_package(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "bot/__init__.py": "from bot import base\n",
            "bot/base/__init__.py": "import importlib\nimportlib.import_module('bot.config')\n",
            "bot/config.py": "",
        },
    )
    got = check(tmp_path, {"bot.base": 0, "bot.config": 0})
    assert got.violations == [
        "bot/__init__.py:1 imports bot.base (bot/__init__.py imports nothing from bot)",
        "bot/base/__init__.py:2 imports bot.config (rank 0 -> rank 0: bot.base and bot.config "
        "are peers)",
    ]
    assert not got.unplaced and not got.module_cycles and not got.package_cycles


def test_tarjan_finds_every_component() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["f", "a"]}
    assert strongly_connected(graph) == [["a", "b", "c"], ["d", "e"], ["f"]]
    assert a_cycle(["a", "b", "c"], graph) == ["a", "b", "c", "a"]


def test_the_import_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    (tmp_path / "probe_heavy.py").write_text("import json\nimport click.testing\n")
    (problem,) = heavy_imports("probe_heavy", tmp_path)
    assert problem.startswith("click: ") and "via probe_heavy -> click" in problem
