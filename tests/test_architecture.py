"""House rules that keep access decided in one place: shareable tables are queried only in repository modules,
and services stay free of web frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

import liaison_hub
from liaison_hub.models import Base, Shareable

SRC = Path(liaison_hub.__file__).parent


def _shareable_names() -> set[str]:
    return {mapper.class_.__name__ for mapper in Base.registry.mappers if issubclass(mapper.class_, Shareable)}


def _modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def _queries_shareable(tree: ast.AST, shareable: set[str]) -> list[int]:
    """Lines where select(...), session.get(...) or session.query(...) names a shareable model."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in {"select", "get", "query", "update", "delete"} and any(
            _names_in(arg) & shareable for arg in node.args
        ):
            lines.append(node.lineno)
    return lines


def test_the_scanner_finds_a_query_of_a_shareable_model() -> None:
    code = "def f(session):\n    return session.scalars(select(Report).where(Report.id == 1))\n"
    assert _queries_shareable(ast.parse(code), {"Report"}) == [2]
    assert _queries_shareable(ast.parse("x = select(Nation)"), {"Report"}) == []


def test_only_repositories_query_shareable_tables() -> None:
    shareable = _shareable_names()
    offenders = {
        str(path.relative_to(SRC)): lines
        for path in _modules()
        if path.name != "repository.py" and (lines := _queries_shareable(ast.parse(path.read_text()), shareable))
    }
    assert offenders == {}, f"shareable rows queried outside repository.py (use policy.readable there): {offenders}"


def test_services_and_repositories_do_not_import_web_frameworks() -> None:
    banned = ("fastapi", "starlette", "typer", "jinja2")
    offenders = []
    for path in _modules():
        if path.name not in {"service.py", "repository.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
            offenders += [f"{path.relative_to(SRC)}: {n}" for n in names if n.split(".")[0] in banned]
    assert offenders == []
