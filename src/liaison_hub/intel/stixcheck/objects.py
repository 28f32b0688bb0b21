"""Checks of whole STIX 2.1 objects, compiled from the reference library's own class definitions (``stix2.v21``).

For every registered class (SDOs, SROs, SCOs, marking-definition, language-content, extension-definition, the
predefined extensions and the embedded types such as kill chain phases and external references) the compiler reads
the class's property table and builds one check per property (``stixcheck.values``); ``run`` then does what
``stix2``'s object constructor does with allow_custom: drop null and empty-list values, check each property,
require the required ones, check custom property names, add defaults, apply the class's cross-property rules
(``stixcheck.constraints``) and granular marking selectors (``stixcheck.selectors``). A class whose constructor or
rules have no port here is not compiled: its objects go to ``stix2.parse``, as does any value only the whole-object
parse can judge.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from stix2 import base as stix_base
from stix2 import properties as p
from stix2.registry import STIX2_OBJ_MAPS
from stix2.utils import NOW
from stix2.v21 import common

from liaison_hub.intel.stixcheck import selectors
from liaison_hub.intel.stixcheck import values as v
from liaison_hub.intel.stixcheck.values import Check, Refused, Unsure

RESERVED = frozenset({"self", "allow_custom", "interoperability", "custom_properties", "_valid_refs"})
"""Names the reference's constructor treats as arguments rather than properties: only it can judge them."""
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
"""The first letter of a custom property name (stix2's PREFIX_21_REGEX, ``^[a-z]``)."""
MAPS = STIX2_OBJ_MAPS["2.1"]
DEFAULT_TIME = object()
"""A timestamp the reference fills with the current time (its value is never compared here)."""


class Cleaned(dict[str, Any]):
    """An embedded object as the reference holds it: a mapping that selectors do not descend into."""


Constraint = Callable[["ObjectCheck", dict[str, Any], dict[str, Any], list[str]], None]
Prepare = Callable[[dict[str, Any]], dict[str, Any]]


class ObjectCheck:
    """The compiled check of one ``stix2`` class."""

    __slots__ = (
        "allow_custom",
        "checks",
        "constraints",
        "defaults",
        "fresh",
        "granular",
        "name",
        "prepare",
        "required",
        "timestamps",
        "unsupported",
    )

    def __init__(self, cls: type, allow_custom: bool) -> None:
        self.name = cls.__name__
        self.allow_custom = allow_custom
        self.checks: dict[str, Check] = {}
        self.timestamps: frozenset[str] = frozenset()
        self.required: frozenset[str] = frozenset()
        self.defaults: dict[str, Any] = {}
        self.fresh: Callable[[], dict[str, Any]] = Cleaned
        """A new cleaned mapping holding the defaults: a Cleaned for an embedded object, a dict at the top."""
        self.constraints: tuple[Constraint, ...] = ()
        self.prepare: Prepare | None = None
        self.granular = "granular_markings" in cls._properties  # type: ignore[attr-defined]
        self.unsupported: str | None = None


_COMPILED: dict[tuple[type, bool, bool, bool], ObjectCheck] = {}
HUB_CHECKED = ("type", "spec_version", "id")
"""What the hub's own rules (``validation.hub_rule_error``) have already checked at least as strictly as the
reference, for a top-level object of the class its type names."""


def compiled(
    cls: type, *, allow_custom: bool = True, embedded_observable: bool = False, hub_checked: bool = False
) -> ObjectCheck:
    """The check of a class, compiled on first use (an observable embedded in observed-data may omit its id; a
    top-level object the hub's rules have passed need not be checked again for HUB_CHECKED)."""
    key = (cls, allow_custom, embedded_observable, hub_checked)
    found = _COMPILED.get(key)
    if found is None:
        found = ObjectCheck(cls, allow_custom)
        try:
            _compile(found, cls, embedded_observable)
        except Unsure as exc:
            found.unsupported = str(exc)
        if hub_checked:
            found.checks.update((name, v.any_value) for name in HUB_CHECKED if name in found.checks)
            found.fresh = found.defaults.copy
        found = _COMPILED.setdefault(key, found)  # published whole: another thread never sees a partial check
    return found


def _compile(target: ObjectCheck, cls: type, embedded_observable: bool) -> None:
    from liaison_hub.intel.stixcheck import constraints  # the ports need ``run`` and ``compiled`` from here

    target.constraints = constraints.ports_for(cls)
    target.prepare = constraints.prepare_for(cls, derives_id=embedded_observable)
    props: dict[str, p.Property] = cls._properties  # type: ignore[attr-defined]
    target.checks = {name: _property_check(prop, name, cls) for name, prop in props.items()}
    target.timestamps = frozenset(name for name, prop in props.items() if type(prop) is p.TimestampProperty)
    target.required = frozenset(name for name, prop in props.items() if prop.required)
    target.defaults = {name: _default(prop) for name, prop in props.items() if hasattr(prop, "default")}
    target.fresh = functools.partial(Cleaned, target.defaults)


def _default(prop: p.Property) -> Any:
    value = prop.default()
    return DEFAULT_TIME if value is NOW else value


def _property_check(prop: p.Property, name: str, cls: type) -> Check:
    if issubclass(cls, stix_base._Observable):
        _observable_refs_supported(prop, name)
    if hasattr(prop, "_fixed_value"):
        return v.fixed(prop._fixed_value)
    return property_check(prop)


def _observable_refs_supported(prop: p.Property, name: str) -> None:
    """The reference's observable constructor special-cases STIX 2.0 object references (``*_ref``/``*_refs``
    of ObjectReferenceProperty); STIX 2.1 classes have none, and a class that had would be left to it."""
    single = name.endswith("_ref") and isinstance(prop, p.ObjectReferenceProperty)
    listed = name.endswith("_refs") and (
        not hasattr(prop, "contained") or isinstance(prop.contained, p.ObjectReferenceProperty)
    )
    if single or listed:
        raise Unsure("a STIX 2.0 object reference property")


_SIMPLE: dict[type, Callable[[Any], Any]] = {
    p.Property: v.any_value,
    p.StringProperty: v.any_value,
    p.OpenVocabProperty: v.any_value,
    p.PatternProperty: v.any_value,
    p.BooleanProperty: v.boolean,
    p.BinaryProperty: v.binary,
    p.HexProperty: v.hexadecimal,
    p.SelectorProperty: v.selector,
}


def property_check(prop: p.Property) -> Check:
    """The check of one property, by the property's exact class (a subclass the compiler does not know is left
    to the reference, at run time, only for objects that use it)."""
    kind = type(prop)
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return simple
    builders: dict[type, Callable[[Any], Check]] = {
        p.EnumProperty: lambda q: v.enum(q.allowed),
        p.IntegerProperty: lambda q: v.integer(q.min, q.max),
        p.FloatProperty: lambda q: v.floating(q.min, q.max),
        p.TimestampProperty: v.timestamp,
        p.IDProperty: v.identifier,
        p.ReferenceProperty: v.reference,
        p.DictionaryProperty: v.dictionary,
        p.HashesProperty: v.hashes,
        p.ListProperty: list_check,
        p.EmbeddedObjectProperty: lambda q: embedded(compiled(q.type)),
        p.ExtensionsProperty: lambda _q: extensions,
        common.MarkingProperty: lambda _q: marking,
        p.ObservableProperty: lambda _q: _observed_objects(),
    }
    builder = builders.get(kind)
    if builder is None:
        return _left_to_reference(kind.__name__)
    try:
        return builder(prop)
    except Unsure as exc:
        return _left_to_reference(str(exc))


def _observed_objects() -> Check:
    from liaison_hub.intel.stixcheck.observed import observed_objects  # it needs ``run`` from here

    return observed_objects


def _left_to_reference(reason: str) -> Check:
    def check(_value: Any) -> Any:
        raise Unsure(reason)

    return check


def list_check(prop: p.ListProperty) -> Check:
    """Lists (section 2.8): a JSON list item by item; any other value the way the reference takes it."""
    contained = prop.contained
    if isinstance(contained, type):
        return _object_list(compiled(contained))
    item = property_check(contained)
    fallback = v.by_reference(prop)
    plain = item is v.any_value

    def check(value: Any) -> Any:
        if type(value) is not list:
            return fallback(value)
        if plain:
            return value if all(type(x) is str for x in value) else [v.any_value(x) for x in value]
        out = None  # a new list only when an item's cleaned form differs from the item (rare)
        for index, member in enumerate(value):
            try:
                cleaned = item(member)
            except Refused as exc:
                exc.path.insert(0, f"[{index}]")
                raise
            if out is not None:
                out.append(cleaned)
            elif cleaned is not member:
                out = [*value[:index], cleaned]
        return value if out is None else out

    return check


def _object_list(target: ObjectCheck) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not list:
            raise Refused("must be a list of objects")
        out = []
        for index, member in enumerate(value):
            try:
                if type(member) is not dict:
                    raise Refused("must be an object")
                out.append(run(target, member, []))
            except Refused as exc:
                exc.path.insert(0, f"[{index}]")
                raise
        return out

    return check


def embedded(target: ObjectCheck) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not dict:
            raise Refused("must be an object")
        return run(target, value, [])

    return check


def extensions(value: Any) -> Any:
    """``extensions`` (section 7.3): predefined extensions by their classes, extension-definition ids checked,
    others (custom) accepted as the reference accepts them with custom content allowed."""
    if type(value) is not dict:
        raise Refused("must be an object")
    out: dict[str, Any] | None = None
    for key, body in value.items():
        ext_cls = MAPS["extensions"].get(key)
        if ext_cls is not None:
            if type(body) is not dict:
                raise Refused("must be an object", key)
            out = out if out is not None else dict(value)
            out[key] = at_key(embedded(compiled(ext_cls)), body, key)
        elif key.startswith("extension-definition--") and not v._UUID.fullmatch(key, 22):
            try:
                p._validate_id(key, "2.1", "extension-definition--")
            except ValueError as exc:
                raise Refused(str(exc), key) from None
    return out if out is not None else value


def marking(value: Any) -> Any:
    """A marking-definition's ``definition``: only one built from its ``definition_type`` (see constraints)."""
    if type(value) is not Cleaned:
        raise Refused("needs 'definition_type' ('tlp' or 'statement')")
    return value


def at_key(check: Check, value: Any, key: str) -> Any:
    try:
        return check(value)
    except Refused as exc:
        exc.path.insert(0, key)
        raise


def _custom_names_free(obj: dict[str, Any]) -> bool:
    """Whether an unregistered top-level-property extension frees custom property names from the naming rule."""
    extensions = obj.get("extensions")
    if not extensions:
        return False
    if type(extensions) is not dict:
        raise Refused("must be an object", "extensions")
    free = False
    for key, body in extensions.items():
        if type(body) is not dict:
            raise Refused("must be an object", "extensions", key)
        if body.get("extension_type") == "toplevel-property-extension":
            if MAPS["extensions"].get(key) is not None:
                raise Unsure("a predefined extension declared as a top-level property extension")
            free = True
    return free


def run(target: ObjectCheck, obj: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Check one object (or embedded object) as the reference constructor would; the cleaned mapping back."""
    if target.unsupported is not None:
        raise Unsure(target.unsupported)
    if target.prepare is not None:
        obj = target.prepare(obj)
    names_free = _custom_names_free(obj) if "extensions" in obj else False
    checks, cleaned = target.checks, target.fresh()  # values given replace defaults
    for key, value in obj.items():
        check = checks.get(key)
        if check is v.any_value:  # most properties: inline
            if value.__class__ is str:
                cleaned[key] = value
            elif value is not None and (value.__class__ is not list or value):
                cleaned[key] = str(value)
            continue
        if check is not None:
            if value is None or (value.__class__ is list and not value):
                continue
            try:
                cleaned[key] = check(value)
            except Refused as exc:
                exc.path.insert(0, key)
                raise
            continue
        if not (target.allow_custom and key.__class__ is str and key[:1] in LETTERS and key not in RESERVED):
            _custom(target, key, names_free)
        if value is not None and (value.__class__ is not list or value):
            cleaned[key] = value
    if not target.required.issubset(cleaned):  # required properties have no defaults
        raise Refused("is required", min(target.required.difference(cleaned)))
    for constraint in target.constraints:
        constraint(target, cleaned, obj, notes)
    if "granular_markings" in cleaned:
        granular(target, cleaned)
    return cleaned


def _custom(target: ObjectCheck, key: Any, names_free: bool) -> None:
    """The rules for a property the class does not define (custom content allowed): checked only off the
    common path, since custom names nearly always start with ``x_``."""
    if type(key) is not str or key in RESERVED:
        raise Unsure("a property name the reference's constructor reserves")
    if not target.allow_custom:
        raise Refused("is not a property of this object", key)
    if not names_free and (not key or key[0] not in LETTERS):
        raise Refused("a custom property name must begin with a letter a-z", key)


def granular(target: ObjectCheck, cleaned: dict[str, Any]) -> None:
    """Granular markings (section 7.2.3): the reference checks their selectors on every class."""
    if not target.granular:
        raise Unsure("'granular_markings' on an object type that has no such property")
    selectors.check(target, cleaned)


def class_for(type_name: str) -> type | None:
    """The reference's class for a STIX 2.1 type: an object, or a cyber observable."""
    found: type | None = MAPS["objects"].get(type_name) or MAPS["observables"].get(type_name)
    return found


def for_type(type_name: str) -> ObjectCheck | None:
    """The check of a top-level object of this type that has passed the hub's own rules, or None for a type the
    reference does not know (which it accepts unchecked with custom content allowed)."""
    cls = class_for(type_name)
    if cls is None:
        return None
    found = _BY_TYPE.get(type_name)
    if found is None or found[0] is not cls:  # a class registered since (stix2's custom decorators) wins
        found = _BY_TYPE[type_name] = (cls, compiled(cls, hub_checked=True))
    return found[1]


_BY_TYPE: dict[str, tuple[type, ObjectCheck]] = {}
