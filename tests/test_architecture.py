"""House rules that keep access decided in one place.

- Every select of a marked table (a model with an ``audience_id``) goes through the access filter
  (``policy.readable`` or a function built on it), except in the one ``bookkeeping.py`` module per domain, which
  holds the unfiltered reads bookkeeping needs and whose results never reach a reader.
- Marked tables are written (update, delete) only by repositories and bookkeeping modules.
- Services and repositories stay free of web frameworks; domain packages never import interface packages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import liaison_hub
from liaison_hub.models import Base

SRC = Path(liaison_hub.__file__).parent
READS = {"select", "get", "query"}
WRITES = {"update", "delete"}
BASE_FILTERS = {"readable", "readable_or_unmarked", "readable_bound", "visible_audiences"}
INTERFACES = ("api", "web", "cli", "taxii")


def _marked_names() -> set[str]:
    return {mapper.class_.__name__ for mapper in Base.registry.mappers if hasattr(mapper.class_, "audience_id")}


def _modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def _called(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else None
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    return (n for n in ast.walk(node) if isinstance(n, ast.Call))


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    return (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


def filtering_functions(trees: list[ast.AST]) -> set[str]:
    """The access filter's functions and, to a fixed point, every function that calls one of them."""
    found = set(BASE_FILTERS)
    while True:
        more = {f.name for tree in trees for f in _functions(tree) if any(_called(c) in found for c in _calls(f))}
        if more <= found:
            return found
        found |= more


def _statements(function: ast.FunctionDef) -> list[ast.stmt]:
    return [n for n in ast.walk(function) if isinstance(n, ast.stmt) and not isinstance(n, ast.FunctionDef)]


def _innermost_statement(function: ast.FunctionDef, call: ast.Call) -> ast.stmt:
    owners = [s for s in _statements(function) if any(n is call for n in ast.walk(s))]
    return min(owners, key=lambda s: sum(1 for _ in ast.walk(s)))


def _targets(statement: ast.stmt) -> set[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _filtered_later(function: ast.FunctionDef, statement: ast.stmt, filters: set[str]) -> bool:
    """The statement's result (a name, and names assigned from it) reaches a filtering call later in the function."""
    tracked = _targets(statement)
    for later in _statements(function):
        if later.lineno <= statement.lineno or not tracked:
            continue
        uses = _names_in(later) & tracked
        if uses and any(_called(c) in filters and _names_in(c) & tracked for c in _calls(later)):
            return True
        if uses:
            tracked |= _targets(later)
    return False


def _aliases(scope: ast.AST, marked: set[str]) -> set[str]:
    """Names bound to a marked model in ``scope``: ``o = StixObject``, ``other = aliased(StixObject)``, and pairs."""
    found = set(marked)
    for node in ast.walk(scope):
        if not isinstance(node, ast.Assign):
            continue
        pairs = [(node.targets[0], node.value)]
        if isinstance(node.targets[0], ast.Tuple) and isinstance(node.value, ast.Tuple):
            pairs = list(zip(node.targets[0].elts, node.value.elts, strict=False))
        for target, value in pairs:
            model = (
                value.args[0] if isinstance(value, ast.Call) and _called(value) == "aliased" and value.args else value
            )
            if isinstance(target, ast.Name) and isinstance(model, ast.Name) and model.id in marked:
                found.add(target.id)
    return found


def _unfiltered_calls(
    function: ast.FunctionDef, local: set[str], filters: set[str], sources: set[str]
) -> list[tuple[ast.Call, ast.stmt]]:
    """Calls in ``function`` that read a marked model (or call a source of such reads), with their statement,
    whose result is neither filtered in that statement nor passed on to a filter later."""
    found = []
    for call in _calls(function):
        reads = _called(call) in READS and any(_names_in(arg) & local for arg in call.args)
        if not (reads or _called(call) in sources):
            continue
        statement = _innermost_statement(function, call)
        if any(_called(c) in filters for c in _calls(statement)):
            continue
        if not _filtered_later(function, statement, filters):
            found.append((call, statement))
    return found


def _returns_statement(statement: ast.stmt, call: ast.Call) -> bool:
    """``return select(...).where(...)``: the call is the returned statement itself (or the head of its method
    chain), not an execution of it (``return session.scalars(select(...))`` returns rows)."""
    node = statement.value if isinstance(statement, ast.Return) else None
    while isinstance(node, ast.Call):
        if node is call:
            return True
        node = node.func.value if isinstance(node.func, ast.Attribute) else None
    return False


def read_violations(trees: dict[str, ast.AST], marked: set[str], filters: set[str]) -> dict[str, list[int]]:
    """Per module, the lines of unfiltered reads of marked models. A function that only *returns* such a select is
    a source of statements: its callers must filter what it gives them (followed to a fixed point)."""
    sources: set[str] = set()
    while True:
        lines: dict[str, set[int]] = {}
        returned: set[str] = set()
        for name, tree in trees.items():
            module_marked = _aliases(tree, marked)
            for function in _functions(tree):
                local = module_marked | _aliases(function, marked)
                for call, statement in _unfiltered_calls(function, local, filters, sources):
                    if _returns_statement(statement, call):
                        returned.add(function.name)
                    else:
                        lines.setdefault(name, set()).add(call.lineno)
        if returned <= sources:
            return {name: sorted(found) for name, found in lines.items()}
        sources |= returned


def unfiltered_reads(tree: ast.AST, marked: set[str], filters: set[str]) -> list[int]:
    """``read_violations`` of one module on its own."""
    return read_violations({"module": tree}, marked, filters).get("module", [])


def _parsed() -> dict[Path, ast.AST]:
    return {path: ast.parse(path.read_text()) for path in _modules()}


def test_the_scanner_finds_an_unfiltered_read_and_accepts_filtered_ones() -> None:
    marked, filters = {"Report"}, BASE_FILTERS | {"visible_reports"}
    leaky = "def f(session):\n    return session.scalars(select(Report).where(Report.id == 1))\n"
    assert unfiltered_reads(ast.parse(leaky), marked, filters) == [2]
    direct = "def f(session, p):\n    return session.scalars(readable(select(Report), p))\n"
    later = "def f(session, p):\n    stmt = select(Report.id)\n    stmt = stmt.where(x)\n    return readable(stmt, p)\n"
    via_helper = "def f(session, p):\n    return select(Report).where(Report.id.in_(visible_reports(p)))\n"
    for code in (direct, later, via_helper):
        assert unfiltered_reads(ast.parse(code), marked, filters) == [], code
    reassigned_but_unfiltered = "def f(s, p):\n    stmt = select(Report)\n    other = readable(select(Report), p)\n"
    assert unfiltered_reads(ast.parse(reassigned_but_unfiltered), marked, filters) == [2]
    assert unfiltered_reads(ast.parse("def f():\n    return select(Nation)\n"), marked, filters) == []
    aliased_read = "def f(s):\n    o = aliased(Report)\n    return s.execute(select(o.id))\n"
    assert unfiltered_reads(ast.parse(aliased_read), marked, filters) == [3]
    source = "def f():\n    o = aliased(Report)\n    return select(o.id).where(o.id > 1)\n"
    assert unfiltered_reads(ast.parse(source), marked, filters) == []  # a statement, returned: its callers decide
    caller = source + "\ndef g(s):\n    rows = s.execute(f())\n    return list(rows)\n"
    assert unfiltered_reads(ast.parse(caller), marked, filters) == [6]
    filtered_caller = source + "\ndef g(s, p):\n    return s.execute(readable(f(), p))\n"
    assert unfiltered_reads(ast.parse(filtered_caller), marked, filters) == []


def test_the_fixed_point_follows_helpers_built_on_the_filter() -> None:
    code = (
        "def visible(p):\n    return readable(select(R), p)\n\n"
        "def listing(p):\n    return select(R).where(visible(p))\n"
    )
    assert {"visible", "listing"} <= filtering_functions([ast.parse(code)])


def test_marked_tables_are_read_through_the_access_filter_outside_bookkeeping() -> None:
    trees, marked = _parsed(), _marked_names()
    assert {"StixObject", "Meeting", "AuditEntry", "IntelObservable"} <= marked
    filters = filtering_functions(list(trees.values()))
    offenders = {
        str(path.relative_to(SRC)): lines
        for path, tree in trees.items()
        if path.name != "bookkeeping.py" and (lines := unfiltered_reads(tree, marked, filters))
    }
    assert offenders == {}, (
        f"marked rows read without policy.readable (put bookkeeping reads in bookkeeping.py): {offenders}"
    )


def test_marked_tables_are_written_only_by_repositories_and_bookkeeping() -> None:
    marked = _marked_names()
    offenders = {}
    for path, tree in _parsed().items():
        if path.name in {"repository.py", "bookkeeping.py"}:
            continue
        lines = [c.lineno for c in _calls(tree) if _called(c) in WRITES and any(_names_in(a) & marked for a in c.args)]
        if lines:
            offenders[str(path.relative_to(SRC))] = lines
    assert offenders == {}


def test_services_and_repositories_do_not_import_web_frameworks() -> None:
    banned = ("fastapi", "starlette", "typer", "jinja2")
    offenders = []
    for path in _modules():
        if path.name not in {"service.py", "repository.py", "bookkeeping.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
            offenders += [f"{path.relative_to(SRC)}: {n}" for n in names if n.split(".")[0] in banned]
    assert offenders == []


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_the_servers_machinery_stays_behind_the_runtime_boundary() -> None:
    """Worker processes, background threads and GC tuning live in ``runtime/``; domain packages never import it."""
    outside = ("app.py", "asgi.py", "runtime", "cli")
    offenders = [
        f"{path.relative_to(SRC)}: {module}"
        for path in _modules()
        if path.relative_to(SRC).parts[0] not in outside
        for module in _imported(path)
        if module.startswith("liaison_hub.runtime") or module in {"multiprocessing", "gc"}
    ]
    assert offenders == []


def test_interfaces_call_services_never_repositories() -> None:
    """Pages, commands, TAXII and the JSON API (STYLE habits 1 and 14): no interface module imports a repository or
    a bookkeeping module; it asks a service."""
    offenders = []
    for path in _modules():
        relative = path.relative_to(SRC)
        if relative.parts[0] not in INTERFACES and path.name != "api.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            offenders += [f"{relative}: {n}" for n in names if {"repository", "bookkeeping"} & set(n.split("."))]
    assert offenders == []


def test_domain_packages_hold_no_interface_modules() -> None:
    """A domain's command line lives in cli/, its pages in web/ (STYLE habit 14)."""
    strays = [str(p.relative_to(SRC)) for p in _modules() if p.name in {"cli.py", "web.py", "pages.py"}]
    assert strays == ["web/pages.py"]
