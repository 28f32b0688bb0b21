"""Granular marking selectors (STIX 2.1 section 7.2.3.1) checked as the reference checks them: a selector is valid
when the object, as the reference holds it after cleaning, has a non-empty value at that path.

The reference walks its cleaned object and does not descend into embedded objects (kill chain phases, external
references, predefined extensions) nor into a list inside a list; a list item's index is that of the first equal
item. A name containing a dot could make two paths read alike, so such objects are left to the reference.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from liaison_hub.intel.stixcheck.values import Refused, Unsure

if TYPE_CHECKING:
    from liaison_hub.intel.stixcheck.objects import ObjectCheck

_INDEX = re.compile(r"\[(0|[1-9][0-9]*)\]")


def check(target: ObjectCheck, cleaned: dict[str, Any]) -> None:
    """Every selector of every granular marking must match a non-empty value of the object."""
    for index, marking in enumerate(cleaned["granular_markings"]):
        for selector in marking["selectors"]:
            if not _matches(target, cleaned, selector):
                raise Refused(
                    f"{selector!r} selects nothing in this object", "granular_markings", f"[{index}]", "selectors"
                )


def _matches(target: ObjectCheck, cleaned: dict[str, Any], selector: str) -> bool:
    node: Any = cleaned
    kind = "top"  # top: the object; dict/list: a container the reference descends into; leaf: anything else
    for part in selector.split("."):
        if kind in ("top", "dict"):
            if any("." in key for key in node):
                raise Unsure("a property name with a dot, which selectors cannot tell apart")
            if part not in node:
                return False
            value = node[part]
            if kind == "top" and part in target.timestamps:
                node, kind = True, "leaf"
            else:
                node, kind = value, _kind(value)
        elif kind == "list":
            found = _INDEX.fullmatch(part)
            position = int(found.group(1)) if found else -1
            if not 0 <= position < len(node) or node.index(node[position]) != position:
                return False
            node = node[position]
            kind = "dict" if type(node) is dict else "leaf"
        else:
            return False
    return bool(node)


def _kind(value: Any) -> str:
    if type(value) is dict:
        return "dict"
    if type(value) is list:
        return "list"
    return "leaf"
