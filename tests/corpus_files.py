"""The public STIX corpus beside the project (``../shared/corpus/``, see its README): real files for import tests.
Absent on a user's clone: the tests that need it skip, saying so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"the public STIX corpus is absent ({path}); see the import tests' module docstring")
    return path


def corpus_objects(name: str) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = json.loads(corpus_file(name).read_bytes())["objects"]
    return objects
