"""Modules a command loads when it runs, not when ``liaison`` starts: ``liaison --help`` and a typo must answer at
once, without stix2, SQLAlchemy's ORM and every table, FastAPI, trafilatura or lingua. Command modules import what
they use through ``lazy`` (and for the type checker, as usual, under ``TYPE_CHECKING``)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name``, whose code runs at the first access to one of its attributes (importlib's LazyLoader).
    Its parent packages are imported now: keep them light (this project's packages import nothing in __init__)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
