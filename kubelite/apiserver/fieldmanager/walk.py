"""Walking one object with its schema: the fields it sets, and the object without some of them.

:func:`field_set` is what an applier owns for a configuration (structured-merge-diff's ``ToFieldSet``): every leaf,
every list item, every map key, and every struct field whose value is null or ``{}`` (so that an applied
``emptyDir: {}`` is owned and kept). A struct field holding something is not itself a member: owning
``.spec.replicas`` does not mean owning ``.spec``.

:func:`remove_items` takes members of a set out of an object (a member removes its whole subtree), and
:func:`with_named_fields` adds the struct fields above a set's members, which is how pruning decides that a struct
nobody owns any more goes away with its last owned field.
"""

from __future__ import annotations

from typing import Any

from kubelite.apiserver.fieldmanager.errors import InvalidObject
from kubelite.apiserver.fieldmanager.fieldpath import Path, PathElement
from kubelite.apiserver.fieldmanager.fieldset import FieldSet
from kubelite.apiserver.fieldmanager.shape import Shape


class _Missing:
    """An absent value, as opposed to JSON null."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def element(shape: Shape, item: Any, index: int, path: Path) -> PathElement:
    """``shape.element`` with the list's path in any error."""
    try:
        return shape.element(item, index)
    except InvalidObject as error:
        raise error.at(path) from None


def field_set(value: Any, shape: Shape, *, unique_items: bool = False) -> FieldSet:
    """The fields ``value`` sets. InvalidObject when a list item has no key, or (``unique_items``, for an applied
    configuration) when a list repeats one; live objects may hold duplicates."""
    result = FieldSet()
    _collect(value, shape, (), result, unique_items)
    return result


def _collect(value: Any, shape: Shape, path: Path, into: FieldSet, unique_items: bool) -> None:
    kind = shape.kind(value)
    if kind == "leaf":
        into.insert(path)
    elif kind == "fields":
        for key, child in (value or {}).items():
            child_path = (*path, PathElement.field(key))
            _collect(child, shape.field(key), child_path, into, unique_items)
            if child is None or child == {} or not shape.declares(key):
                into.insert(child_path)
    else:
        items, seen = shape.items(), set()
        for index, item in enumerate(value or ()):
            pe = element(shape, item, index, path)
            if unique_items and pe in seen:
                raise InvalidObject(f"duplicate entries for key {pe.display()}", path)
            seen.add(pe)
            _collect(item, items, (*path, pe), into, unique_items)
            into.insert((*path, pe))


def remove_items(value: Any, remove: FieldSet, shape: Shape) -> Any:
    """``value`` without the members of ``remove`` and their subtrees; MISSING when nothing is left of a container."""
    kind = shape.kind(value)
    if kind == "leaf" or not value:
        return value
    if kind == "fields":
        kept: dict[str, Any] = {}
        for key, child in value.items():
            pe = PathElement.field(key)
            left = child if pe not in remove.children else remove_items(child, remove.children[pe], shape.field(key))
            if pe not in remove.members and left is not MISSING:
                kept[key] = left
        return kept or MISSING
    items: list[Any] = []
    for index, item in enumerate(value):
        try:
            pe = shape.element(item, index)
        except InvalidObject:
            items.append(item)
            continue
        left = item if pe not in remove.children else remove_items(item, remove.children[pe], shape.items())
        if pe not in remove.members and left is not MISSING:
            items.append(left)
    return items or MISSING


def with_named_fields(fields: FieldSet, shape: Shape) -> FieldSet:
    """``fields`` plus, at every level, the declared struct fields that have members below them."""
    result = FieldSet()
    result.members = set(fields.members)
    for pe, child in fields.children.items():
        if pe.kind == "f":
            if shape.declares(pe.text):
                result.members.add(pe)
            child_shape = shape.field(pe.text)
        else:
            child_shape = shape.items() if pe.kind == "k" else Shape(None)
        result.children[pe] = with_named_fields(child, child_shape)
    return result
