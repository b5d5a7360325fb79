"""A set of field paths, kept as a tree, and its ``fieldsV1`` form.

A node has *members* (elements whose path is in the set) and *children* (elements with members further down). The
two overlap: ``k:{"name":"nginx"}`` is a member when the container itself is owned, and a child when fields inside
it are. ``fieldsV1`` writes a member as ``{}`` and marks a child that is also a member with ``".": {}``::

    {"f:spec": {"f:containers": {"k:{\\"name\\":\\"nginx\\"}": {".": {}, "f:image": {}}}}}

The set operations are structured-merge-diff's: they work member by member, so ``difference`` takes a parent out
without taking its children (``recursive_difference`` takes both), and the empty path is never a member: nobody owns
the object as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelite.apiserver.fieldmanager.fieldpath import Path, PathElement


class FieldSet:
    """A set of field paths. Build one with :meth:`insert`; the operations return new sets."""

    __slots__ = ("children", "members")

    def __init__(self) -> None:
        self.members: set[PathElement] = set()
        self.children: dict[PathElement, FieldSet] = {}

    @classmethod
    def of(cls, *paths: Path) -> FieldSet:
        result = cls()
        for path in paths:
            result.insert(path)
        return result

    def insert(self, path: Path) -> None:
        if not path:
            return
        node = self
        for element in path[:-1]:
            node = node.children.setdefault(element, FieldSet())
        node.members.add(path[-1])

    def has(self, path: Path) -> bool:
        node: FieldSet | None = self
        for element in path[:-1]:
            node = node.children.get(element) if node is not None else None
        return bool(path) and node is not None and path[-1] in node.members

    def empty(self) -> bool:
        return not self.members and all(child.empty() for child in self.children.values())

    def with_prefix(self, element: PathElement) -> FieldSet:
        """The paths below ``element``, without it."""
        return self.children.get(element) or FieldSet()

    def paths(self) -> Iterator[Path]:
        """Every member, depth first and in ``fieldsV1`` order: a node's members, then its children's."""
        yield from self._paths(())

    def _paths(self, prefix: Path) -> Iterator[Path]:
        for element in sorted(self.members):
            yield (*prefix, element)
        for element in sorted(self.children):
            yield from self.children[element]._paths((*prefix, element))

    def union(self, other: FieldSet) -> FieldSet:
        result = FieldSet()
        result.members = self.members | other.members
        for element in self.children.keys() | other.children.keys():
            mine, theirs = self.children.get(element), other.children.get(element)
            child = mine.union(theirs) if mine is not None and theirs is not None else (mine or theirs)
            if child is not None and not child.empty():
                result.children[element] = child.copy()
        return result

    def intersection(self, other: FieldSet) -> FieldSet:
        result = FieldSet()
        result.members = self.members & other.members
        for element in self.children.keys() & other.children.keys():
            child = self.children[element].intersection(other.children[element])
            if not child.empty():
                result.children[element] = child
        return result

    def difference(self, other: FieldSet) -> FieldSet:
        """Members of ``self`` not in ``other``; a member of ``other`` does not remove ``self``'s paths below it."""
        result = FieldSet()
        result.members = self.members - other.members
        for element, mine in self.children.items():
            theirs = other.children.get(element)
            child = mine.difference(theirs) if theirs is not None else mine.copy()
            if not child.empty():
                result.children[element] = child
        return result

    def recursive_difference(self, other: FieldSet) -> FieldSet:
        """Like :meth:`difference`, but a member of ``other`` also removes everything below it."""
        result = FieldSet()
        result.members = self.members - other.members
        for element, mine in self.children.items():
            if element in other.members:
                continue
            theirs = other.children.get(element)
            child = mine.recursive_difference(theirs) if theirs is not None else mine.copy()
            if not child.empty():
                result.children[element] = child
        return result

    def copy(self) -> FieldSet:
        result = FieldSet()
        result.members = set(self.members)
        result.children = {element: child.copy() for element, child in self.children.items() if not child.empty()}
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSet):
            return NotImplemented
        return self.to_fields_v1() == other.to_fields_v1()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FieldSet({self.to_fields_v1()!r})"

    def to_fields_v1(self) -> dict[str, Any]:
        """The ``fieldsV1`` object, keys in upstream's order so that its JSON is byte-for-byte the same."""
        return self._emit(include_self=False)

    def _emit(self, *, include_self: bool) -> dict[str, Any]:
        out: dict[str, Any] = {".": {}} if include_self else {}
        children = {element: child for element, child in self.children.items() if not child.empty()}
        for element in sorted(self.members | children.keys()):
            child = children.get(element)
            out[str(element)] = {} if child is None else child._emit(include_self=element in self.members)
        return out

    @classmethod
    def from_fields_v1(cls, fields: Mapping[str, Any]) -> FieldSet:
        """Read ``fieldsV1``; ValueError when it is malformed. Unknown element kinds are dropped, as upstream does."""
        result, _ = cls._read(fields)
        return result

    @classmethod
    def _read(cls, fields: Any) -> tuple[FieldSet, bool]:
        """The subtree under one element, and whether that element is itself a member."""
        if not isinstance(fields, Mapping):
            raise ValueError(f"fieldsV1 entries must be objects, not {fields!r}")
        result, is_member = cls(), False
        for text, subtree in fields.items():
            if text == ".":
                is_member = True
                continue
            try:
                element = PathElement.parse(text)
            except ValueError:
                if text[:2] not in ("f:", "k:", "v:", "i:"):
                    continue
                raise
            child, child_is_member = cls._read(subtree)
            if child_is_member:
                result.members.add(element)
            if not child.empty():
                result.children[element] = child
        return result, is_member or result.empty()
