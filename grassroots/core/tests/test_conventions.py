"""Mechanical gates on how the code is written (STYLE.md).

The scope gate reads the syntax tree, not the text: a manager reached on a scoped
model (`.objects`, `._default_manager`, `._base_manager`, directly, through an alias
of the class or through `getattr`) must lead to `.visible_to(...)` in the same
expression or be handed to `get_visible_or_404(...)`. Line breaks, `.values(`,
`.select_related(` and the like make no difference to it. A read that serves no user's
reach (a public page, a lookup checked against the scope later) says so with
`core.scoping.unscoped(Model, why=Unscoped.PUBLIC | Unscoped.SYSTEM)`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

from grassroots.core.api import ScopedViewSetMixin
from grassroots.core.scoping import ScopedQuerySet

ROOT = Path(__file__).resolve().parents[2]

MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# Module roles the gate reads (by file name — `api.py` or a part of it such as
# `api_checkin.py` —, or by the name of a package on the path).
ROLES = frozenset(
    {"views", "api", "serializers", "forms", "filters", "selectors", "measures", "admin", "tasks"}
)
# Apps every module of which is read, whatever its role (an outward-facing app).
WHOLE_APPS = frozenset({"open311"})
# Apps the gate does not read: core is the mechanism itself.
EXEMPT_APPS = frozenset({"core"})

# Reads the gate cannot follow but that are scoped all the same. Keep it tiny; every
# entry gives its reason. Key: "path relative to the grassroots package:line". A read
# that serves no user's reach uses core.scoping.unscoped(Model, why=...) instead.
ALLOWED: dict[str, str] = {}


@dataclass(frozen=True)
class Offence:
    path: str
    line: int
    code: str

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.key}: {self.code}"


def scoped_model_names() -> set[str]:
    """Every model whose default manager hands out a `ScopedQuerySet` (found at run time)."""
    return {
        m.__name__
        for m in apps.get_models()
        if isinstance(m._default_manager.all(), ScopedQuerySet)
    }


def gated(rel: Path) -> bool:
    """Whether the module at `rel` (relative to the package root) is one the gate reads."""
    parts = rel.parts
    if len(parts) < 2 or parts[0] in EXEMPT_APPS:
        return False
    if "tests" in parts or "migrations" in parts or rel.name.startswith("test_"):
        return False
    if parts[0] in WHOLE_APPS:
        return True
    role = rel.stem.split("_", 1)[0]
    return role in ROLES or any(part in ROLES for part in parts[1:-1])


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _own_nodes(scope: ast.AST) -> Iterable[ast.AST]:
    """The nodes evaluated in `scope` itself: nested functions and classes are left out."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, SCOPES):
            # decorators, defaults and bases run in the enclosing scope
            stack += getattr(node, "decorator_list", [])
            stack += getattr(node, "bases", [])
            if not isinstance(node, ast.ClassDef):
                stack += [d for d in (*node.args.defaults, *node.args.kw_defaults) if d]
        else:
            stack += ast.iter_child_nodes(node)


def _bindings(scope: ast.AST, models: set[str]) -> set[str]:
    """Names `scope` binds to a scoped model: `import Household as H`, `A = Household`, …"""
    names = set(models)
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        a = scope.args
        params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
        names -= {p.arg for p in params if p}
    own = list(_own_nodes(scope))
    for node in own:
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name in models and a.asname}
    changed = True
    while changed:  # `A = Household; B = A` binds both
        changed = False
        for node in own:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
                targets, value = [node.target], node.value
            bound = {t.id for t in targets if isinstance(t, ast.Name)}
            if isinstance(value, ast.Name) and value.id in names and bound - names:
                names |= bound
                changed = True
    return names


def _is_call_to(node: ast.AST, name: str) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def _is_manager_access(node: ast.AST, models: set[str]) -> bool:
    """`Model.objects`, `Model._default_manager`, `getattr(Model, "objects")`, …"""
    if isinstance(node, ast.Attribute):
        return (
            node.attr in MANAGERS and isinstance(node.value, ast.Name) and node.value.id in models
        )
    return (
        isinstance(node, ast.Call)
        and _is_call_to(node, "getattr")
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in models
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in MANAGERS
    )


def _goes_through_core(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the chain starting at a manager leads to `visible_to` or `get_visible_or_404`.

    `Model.objects.none()` passes too: an empty queryset reveals nothing (forms and
    serializers use it to name the model before the scoped candidates are set); and so
    does the queryset of a `Prefetch(...)`, which only fetches rows related to the
    (scoped) rows it is attached to.
    """
    current: ast.AST = node
    while True:
        parent = parents.get(current)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            if parent.attr == "visible_to":
                return True
            if current is node and parent.attr == "none":
                call = parents.get(parent)
                return isinstance(call, ast.Call) and call.func is parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            pass
        elif isinstance(parent, ast.Call) and _is_call_to(parent, "get_visible_or_404"):
            return current in parent.args[:1]
        elif isinstance(parent, ast.keyword) and parent.arg == "queryset":
            call = parents.get(parent)
            return isinstance(call, ast.Call) and _is_call_to(call, "Prefetch")
        else:
            return False
        current = parent


def _served_by_scoped_viewset(
    node: ast.expr, parents: dict[ast.AST, ast.AST], viewsets: set[str]
) -> bool:
    """`queryset = Model.objects…` in the body of a viewset core scopes (see `scoped_viewsets`)."""
    current: ast.AST = node
    while isinstance(parents.get(current), ast.Attribute | ast.Call):
        current = parents[current]
    stmt = parents.get(current)
    owner = parents.get(stmt) if stmt is not None else None
    return (
        isinstance(stmt, ast.Assign)
        and stmt.value is current
        and [t.id for t in stmt.targets if isinstance(t, ast.Name)] == ["queryset"]
        and isinstance(owner, ast.ClassDef)
        and owner.name in viewsets
    )


def _reads_own_queryset(node: ast.AST) -> bool:
    """`self.queryset` / `cls.queryset`: the unscoped template a scoped viewset holds."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "queryset"
        and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"self", "cls"}
    )


def _calls_super_get_queryset(function: object) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "get_queryset"
        and _is_call_to(n.func.value, "super")
        for n in ast.walk(tree)
    )


def scoped_viewsets(module_name: str) -> set[str]:
    """Classes of the module whose `queryset` reaches the caller only through core.

    A subclass of core's `ScopedViewSetMixin` (its `get_queryset` applies
    `visible_to`), provided every `get_queryset` it overrides on the way calls
    `super().get_queryset()`. Checked at run time on the imported module.
    """
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return set()
    names = set()
    for name, cls in vars(module).items():
        if not (inspect.isclass(cls) and issubclass(cls, ScopedViewSetMixin)):
            continue
        overrides = [
            k.__dict__["get_queryset"]
            for k in cls.__mro__[: cls.__mro__.index(ScopedViewSetMixin)]
            if "get_queryset" in k.__dict__
        ]
        if all(_calls_super_get_queryset(f) for f in overrides):
            names.add(name)
    return names


def _scan_scope(scope: ast.AST, visible: set[str], found: list[ast.expr]) -> None:
    """Collect the manager accesses in `scope`, then in the scopes nested in it."""
    names = _bindings(scope, visible)
    own = list(_own_nodes(scope))
    found += [n for n in own if isinstance(n, ast.expr) and _is_manager_access(n, names)]
    for node in own:
        if isinstance(node, SCOPES):
            # a class body's names are not visible inside its methods
            _scan_scope(node, visible if isinstance(scope, ast.ClassDef) else names, found)


def offences_in(
    source: str, path: str, scoped: set[str], viewsets: set[str] | None = None
) -> list[Offence]:
    tree = ast.parse(source, filename=path)
    parents = _parents(tree)
    lines = source.splitlines()
    accesses: list[ast.expr] = []
    _scan_scope(tree, scoped, accesses)
    found = {
        Offence(path, node.lineno, lines[node.lineno - 1].strip())
        for node in accesses
        if not _goes_through_core(node, parents)
        and not _served_by_scoped_viewset(node, parents, viewsets or set())
    }
    found |= {
        Offence(path, node.lineno, lines[node.lineno - 1].strip())
        for node in ast.walk(tree)
        if _reads_own_queryset(node) and not _goes_through_core(node, parents)  # type: ignore[arg-type]
    }
    return sorted(found, key=lambda o: (o.path, o.line))


def scan(root: Path, scoped: set[str]) -> list[Offence]:
    """Every manager access to a scoped model that bypasses core, in the gated modules."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if gated(rel):
            module = ".".join((root.name, *rel.with_suffix("").parts))
            found += offences_in(path.read_text(), rel.as_posix(), scoped, scoped_viewsets(module))
    return found


def test_the_gate_finds_the_scoped_models() -> None:
    assert {"Household", "Place", "Organization", "Member", "Case"} <= scoped_model_names()


def test_gated_modules_never_reach_a_scoped_manager_outside_core() -> None:
    found = scan(ROOT, scoped_model_names())
    keys = {o.key for o in found}
    offenders = [str(o) for o in found if o.key not in ALLOWED]
    assert offenders == [], (
        "read scoped models through Model.objects.visible_to(user) or get_visible_or_404:\n"
        + "\n".join(offenders)
    )
    stale = sorted(set(ALLOWED) - keys)
    assert stale == [], f"ALLOWED entries that no longer match an offence: {stale}"


def test_every_module_starts_with_future_annotations() -> None:
    missing = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or path.stat().st_size == 0:
            continue
        if "from __future__ import annotations" not in path.read_text():
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
