"""Walking two versions of an object together: merging an applied configuration, and comparing old with new.

Both are one walk (structured-merge-diff's merging walker). Leaves, and containers that are empty on both sides,
take the right-hand side when it is there. Maps and structs merge key by key, keeping the left-hand order and
adding the right-hand's new keys after it. Associative lists and sets merge item by item: items only on the left
keep their place, items on both sides follow the right-hand side's order, new items come where the right-hand side
has them. Atomic lists are leaves, so they are replaced whole.

:func:`compare` records, for every leaf, whether it was added, removed or modified; a container that appears or
disappears as a whole is recorded too (so a new container item is a member, written ``".": {}`` in ``fieldsV1``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubelite.apiserver.fieldmanager.fieldpath import Path, PathElement
from kubelite.apiserver.fieldmanager.fieldset import FieldSet
from kubelite.apiserver.fieldmanager.shape import Kind, Shape
from kubelite.apiserver.fieldmanager.walk import MISSING, element

Visit = Callable[[Path, Any, Any], None]


def merge(live: Any, config: Any, shape: Shape) -> Any:
    """``config`` merged into ``live``; neither is changed.

    A null leaf in ``config`` removes the field (decoding a built-in object drops it just the same); a null where
    ``live`` has a map or list merges nothing into it, as upstream.
    """
    return _Walk().walk((), shape, live, config)


@dataclass(slots=True)
class Comparison:
    added: FieldSet = field(default_factory=FieldSet)
    modified: FieldSet = field(default_factory=FieldSet)
    removed: FieldSet = field(default_factory=FieldSet)

    def changed(self) -> FieldSet:
        """What a writer takes ownership of: added and modified fields."""
        if self.modified.empty():  # NB: every create; the operations return new sets, so sharing is safe
            return self.added
        return self.added.union(self.modified)

    def without(self, fields: FieldSet) -> Comparison:
        if fields.empty():
            return self
        return Comparison(
            self.added.recursive_difference(fields),
            self.modified.recursive_difference(fields),
            self.removed.recursive_difference(fields),
        )


def compare(old: Any, new: Any, shape: Shape) -> Comparison:
    result = Comparison()

    def leaf(path: Path, lhs: Any, rhs: Any) -> None:
        if lhs is MISSING:
            result.added.insert(path)
        elif rhs is MISSING:
            result.removed.insert(path)
        elif not json_equal(lhs, rhs):
            result.modified.insert(path)

    def container(path: Path, lhs: Any, rhs: Any) -> None:
        if lhs is MISSING:
            result.added.insert(path)
        elif rhs is MISSING:
            result.removed.insert(path)

    _Walk(on_leaf=leaf, on_container=container, on_added=result.added).walk((), shape, old, new)
    return result


def _mark_added(path: Path, shape: Shape, value: Any, into: FieldSet) -> None:
    """What :meth:`_Walk.walk` reports for a subtree only the right-hand side has, without the merge bookkeeping:
    every leaf and every container in it is added. (Creates are all this, so it is worth the shortcut.)"""
    kind = shape.kind(value)
    if kind != "leaf" and _empty(value):
        kind = "leaf"
    if kind == "fields":
        for key, child in value.items():
            _mark_added((*path, PathElement.field(key)), shape.field(key), child, into)
    elif kind != "leaf":
        order, items = _index(shape, value, path)
        item_shape = shape.items()
        for pe in order:
            _mark_added((*path, pe), item_shape, items[pe], into)
    into.insert(path)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: unlike Python's ``==``, ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    numbers = isinstance(a, int | float) and isinstance(b, int | float)
    return (numbers or type(a) is type(b)) and a == b


def _nothing(path: Path, lhs: Any, rhs: Any) -> None:
    return None


@dataclass(slots=True)
class _Walk:
    on_leaf: Visit = _nothing
    on_container: Visit = _nothing
    #: When set (comparing), a subtree only the right-hand side has is recorded here wholesale.
    on_added: FieldSet | None = None

    def walk(self, path: Path, shape: Shape, lhs: Any, rhs: Any) -> Any:
        if lhs is MISSING and rhs is not MISSING and self.on_added is not None:
            _mark_added(path, shape, rhs, self.on_added)
            return rhs
        kind = self._kind(shape, lhs, rhs)
        if kind != "leaf" and _empty(lhs) and _empty(rhs):
            kind = "leaf"  # NB: keeps {} apart from null and absent, as upstream does
        if kind == "leaf":
            self.on_leaf(path, lhs, rhs)
            return lhs if rhs is MISSING else rhs
        out = self._fields(path, shape, lhs, rhs) if kind == "fields" else self._items(path, shape, lhs, rhs)
        self.on_container(path, lhs, rhs)
        return out

    @staticmethod
    def _kind(shape: Shape, lhs: Any, rhs: Any) -> Kind:
        kinds = {shape.kind(value) for value in (lhs, rhs) if value is not MISSING}
        return kinds.pop() if len(kinds) == 1 else "leaf"

    def _fields(self, path: Path, shape: Shape, lhs: Any, rhs: Any) -> dict[str, Any]:
        left: dict[str, Any] = lhs if isinstance(lhs, dict) else {}
        right: dict[str, Any] = rhs if isinstance(rhs, dict) else {}
        out: dict[str, Any] = {}
        for key in [*left, *(key for key in right if key not in left)]:
            child = self.walk(
                (*path, PathElement.field(key)), shape.field(key), left.get(key, MISSING), right.get(key, MISSING)
            )
            if child is not None or right.get(key, MISSING) is MISSING:
                out[key] = child
        return out

    def _items(self, path: Path, shape: Shape, lhs: Any, rhs: Any) -> list[Any]:
        left_order, left = _index(shape, lhs, path)
        right_order, right = _index(shape, rhs, path)
        items, out = shape.items(), []

        def take(pe: PathElement) -> None:
            out.append(self.walk((*path, pe), items, left.get(pe, MISSING), right.get(pe, MISSING)))

        # Items on both sides come in the right-hand order; an item only on the left keeps its place among them.
        shared = [pe for pe in right_order if pe in left]
        li = ri = next_shared = 0
        while li < len(left_order) or ri < len(right_order):
            pe_left = left_order[li] if li < len(left_order) else None
            if pe_left is not None and pe_left not in right:
                take(pe_left)
                li += 1
                continue
            if pe_left is not None and next_shared < len(shared) and shared[next_shared] != pe_left:
                li += 1  # on both sides, but later in the right-hand order: taken when the right side gets there
                continue
            pe_right = right_order[ri]
            take(pe_right)
            ri += 1
            if pe_right == pe_left:
                li += 1
            if next_shared < len(shared) and shared[next_shared] == pe_right:
                next_shared += 1
        return out


def _index(shape: Shape, value: Any, path: Path) -> tuple[list[PathElement], dict[PathElement, Any]]:
    """A list's item elements in order and the item for each; a repeated element keeps its first item."""
    order: list[PathElement] = []
    items: dict[PathElement, Any] = {}
    for index, item in enumerate(value if isinstance(value, list) else ()):
        pe = element(shape, item, index, path)
        if pe not in items:
            order.append(pe)
            items[pe] = item
    return order, items


def _empty(value: Any) -> bool:
    return value is MISSING or value is None or value in ({}, [])
