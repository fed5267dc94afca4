"""The apps form layers: a higher app may import a lower one, never the reverse.

    core ← grid ← party ← accounts ← notify ← cases ← open311 / analytics / exchange
         ← demo / bench / home

`core` (clock, audit, scope mechanism, roles, events, personal data, API plumbing, the
bench contract) imports no domain app. Apps on one line of the picture do not import
each other. A lower app that must tell a higher one something emits a `core.events`
event, or offers a slot the higher app fills from its `AppConfig.ready()` (grid's
prepared household count, filled by analytics); it never imports upward.

Imports sit at the top of a module: none hides in a function to dodge a cycle. The
only places Python or Django need one are `AppConfig.ready()` (models load after the
app registry) and `grassroots/cli.py` (before `django.setup()`).

These checks read the source files (ast), so they need no Django import graph and
they name the file and line of every offending import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the grassroots package
APPS = frozenset(p.name for p in ROOT.iterdir() if (p / "apps.py").is_file())

# Lowest first. An app may import only apps on an earlier line.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"grid"}),
    frozenset({"party"}),
    frozenset({"accounts"}),
    frozenset({"notify"}),
    frozenset({"cases"}),
    frozenset({"orglife", "alliances", "rectify", "trainings", "sites"}),
    frozenset({"inspections"}),
    frozenset({"duties"}),
    frozenset({"cadence"}),
    frozenset({"open311", "analytics", "exchange"}),
    frozenset({"dashboards", "reports", "portal"}),
    frozenset({"demo", "bench", "home"}),
)

# Where Python or Django requires an import inside a function.
ALLOWED_FILES = frozenset({"cli.py"})  # imports Django's machinery before django.setup()
ALLOWED_METHOD = "ready"  # of an AppConfig subclass


@dataclass(frozen=True)
class Import:
    path: str  # relative to grassroots/, e.g. "grid/selectors.py"
    line: int
    module: str  # absolute, e.g. "grassroots.analytics.selectors"
    function: str | None  # the enclosing function, None at module level
    allowed: bool  # inside AppConfig.ready() or an allowed file

    @property
    def app(self) -> str | None:
        """The app the imported module belongs to (None: not an app of ours)."""
        parts = self.module.split(".")
        return parts[1] if parts[0] == "grassroots" and len(parts) > 1 else None

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        return f"grassroots/{self.path}:{self.line}{where}: {self.module}"


def _absolute(path: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = ["grassroots", *Path(path).parts[:-1]]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: str, source: str) -> list[Import]:
    """Every `grassroots` import of one module, with the function it sits in."""
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None, allowed: bool, in_app_config: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in child.names]
                    if isinstance(child, ast.Import)
                    else [_absolute(path, child)]
                )
                for module in modules:
                    if module == "grassroots" or module.startswith("grassroots."):
                        found.append(Import(path, child.lineno, module, function, allowed))
            elif isinstance(child, ast.ClassDef):
                bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in child.bases}
                config = any(b.endswith("AppConfig") for b in bases)
                visit(child, function, allowed, config and function is None)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                ready = in_app_config and child.name == ALLOWED_METHOD and function is None
                name = child.name if function is None else f"{function}.{child.name}"
                visit(child, name, allowed or ready, False)
            else:
                visit(child, function, allowed, in_app_config)

    visit(ast.parse(source), None, path in ALLOWED_FILES, False)
    return found


def sources() -> Iterator[tuple[str, str]]:
    """(path under grassroots/, text) of every module, tests and migrations aside."""
    for file in sorted(ROOT.rglob("*.py")):
        rel = file.relative_to(ROOT)
        if {"tests", "migrations"} & set(rel.parts) or rel.name == "conftest.py":
            continue
        yield rel.as_posix(), file.read_text(encoding="utf-8")


def all_imports(modules: Iterable[tuple[str, str]]) -> list[Import]:
    return [i for path, text in modules for i in imports_of(path, text)]


def app_edges(imports: Iterable[Import], apps: frozenset[str]) -> dict[str, dict[str, Import]]:
    """importing app → imported app → one import that makes the edge."""
    edges: dict[str, dict[str, Import]] = {}
    for i in imports:
        source = Path(i.path).parts[0]
        if source in apps and i.app in apps and i.app != source:
            edges.setdefault(source, {}).setdefault(i.app, i)
    return edges


def find_cycle(edges: dict[str, dict[str, Import]]) -> list[str]:
    """One cycle of the graph as [a, b, …, a], or [] when there is none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def dfs(app: str) -> list[str]:
        state[app] = "open"
        stack.append(app)
        for other in sorted(edges.get(app, {})):
            if state.get(other) == "open":
                return [*stack[stack.index(other) :], other]
            if other not in state and (cycle := dfs(other)):
                return cycle
        state[app] = "done"
        stack.pop()
        return []

    for app in sorted(edges):
        if app not in state and (cycle := dfs(app)):
            return cycle
    return []


def upward(edges: dict[str, dict[str, Import]], apps: frozenset[str]) -> list[str]:
    """Imports that do not go strictly down LAYERS, and apps LAYERS does not place."""
    tier = {app: n for n, layer in enumerate(LAYERS) for app in layer}
    problems = [f"{app}: not in LAYERS (place it there)" for app in sorted(apps - set(tier))]
    for source, targets in sorted(edges.items()):
        for target, evidence in sorted(targets.items()):
            if tier.get(target, len(LAYERS)) >= tier.get(source, -1):
                problems.append(f"{source} → {target} goes up or sideways: {evidence}")
    return problems


def core_imports_of_apps(imports: Iterable[Import]) -> list[Import]:
    return [i for i in imports if i.path.startswith("core/") and i.app in APPS - {"core"}]


def hidden_imports(imports: Iterable[Import]) -> list[Import]:
    return [i for i in imports if i.function and not i.allowed]


# --- the gates --------------------------------------------------------------------------

IMPORTS = all_imports(sources())


def test_core_imports_no_domain_app() -> None:
    bad = core_imports_of_apps(IMPORTS)
    assert bad == [], "core must not import a domain app:\n" + "\n".join(map(str, bad))


def test_the_app_import_graph_has_no_cycle() -> None:
    edges = app_edges(IMPORTS, APPS)
    cycle = find_cycle(edges)
    evidence = [str(edges[a][b]) for a, b in zip(cycle, cycle[1:], strict=False)]
    assert cycle == [], "app import cycle " + " → ".join(cycle) + ":\n" + "\n".join(evidence)


def test_every_app_import_goes_down_the_layers() -> None:
    problems = upward(app_edges(IMPORTS, APPS), APPS)
    assert problems == [], "\n".join(problems)


def test_no_import_hides_in_a_function() -> None:
    hidden = hidden_imports(IMPORTS)
    assert hidden == [], "move these imports to the top of their module:\n" + "\n".join(
        map(str, hidden)
    )


# --- the checker catches what it must (a test of the test) ------------------------------

HIDDEN = """
from __future__ import annotations

from grassroots.core import clock


def reaches(obj):
    from grassroots.party.models import Organization

    return isinstance(obj, Organization)
"""

READY = """
from django.apps import AppConfig


class GridConfig(AppConfig):
    def ready(self):
        from grassroots.grid.models import Place


class NotAConfig:
    def ready(self):
        from grassroots.grid.models import Place
"""


def test_the_checker_finds_an_import_hidden_in_a_function() -> None:
    found = imports_of("grid/serializers.py", HIDDEN)
    assert [(i.module, i.function) for i in found] == [
        ("grassroots.core", None),
        ("grassroots.party.models", "reaches"),
    ]
    [hidden] = hidden_imports(found)
    assert str(hidden) == "grassroots/grid/serializers.py:8 in reaches(): grassroots.party.models"


def test_the_checker_allows_only_app_config_ready_and_the_cli() -> None:
    assert [i.allowed for i in imports_of("grid/apps.py", READY)] == [True, False]
    assert all(i.allowed for i in imports_of("cli.py", HIDDEN))
    assert not any(i.allowed for i in imports_of("grid/cli.py", HIDDEN))


def test_the_checker_finds_core_importing_an_app_and_resolves_relative_imports() -> None:
    text = "from grassroots.grid.models import Place\nfrom ..party import models\n"
    found = imports_of("core/views.py", text)
    assert [i.module for i in found] == ["grassroots.grid.models", "grassroots.party"]
    assert core_imports_of_apps(found) == found


def test_the_checker_names_a_cycle_and_an_upward_import() -> None:
    found = all_imports(
        [
            ("grid/serializers.py", "from grassroots.party.models import Organization\n"),
            ("party/models.py", "from grassroots.grid.models import Place\n"),
            ("cases/models.py", "from grassroots.grid.models import Place\n"),
        ]
    )
    apps = frozenset({"grid", "party", "cases", "kiosk"})
    edges = app_edges(found, apps)
    assert find_cycle(edges) == ["grid", "party", "grid"]
    assert upward(edges, apps) == [
        "kiosk: not in LAYERS (place it there)",
        "grid → party goes up or sideways: grassroots/grid/serializers.py:1: "
        "grassroots.party.models",
    ]
    del edges["grid"]
    assert find_cycle(edges) == []


# Size limits (STYLE.md: split by subdomain before a module becomes a monolith).
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def oversized(path: str, source: str) -> list[str]:
    """The module and the functions of one source file that pass the limits."""
    found = []
    lines = source.count("\n")
    if lines > MAX_MODULE_LINES:
        found.append(f"grassroots/{path}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"grassroots/{path}:{node.lineno} {node.name}(): {length} lines"
                    f" (at most {MAX_FUNCTION_LINES})"
                )
    return found


def test_no_module_or_function_is_oversized() -> None:
    found = [f for path, source in sources() for f in oversized(path, source)]
    assert found == [], "split these along their seams:\n" + "\n".join(found)


def test_the_size_checker_finds_a_long_function_and_a_long_module() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(85))
    assert oversized("grid/x.py", f"def f():\n{body}") == [
        "grassroots/grid/x.py:1 f(): 86 lines (at most 80)"
    ]
    assert oversized("grid/y.py", "x = 1\n" * 501) == [
        "grassroots/grid/y.py: 501 lines (at most 500)"
    ]
