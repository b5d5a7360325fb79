"""JSON patch (RFC 6902): a list of operations on JSON pointers (RFC 6901), applied in order, all or nothing.

kube-apiserver applies it with evanphx/json-patch, and kubelite follows that library where it departs from the RFC:
a ``test`` of ``null`` passes when the path is absent (the library treats absent and null alike there). Everything
else is the RFC: ``add`` creates or replaces a member and inserts into arrays (``-`` appends), ``remove`` and
``replace`` need the target to exist, ``move`` may not move a value into its own child, and array indices are
decimal without leading zeros.

Errors: a body that is not a list of objects is :class:`~.errors.InvalidPatch` (400); anything that goes wrong
while applying is :class:`~.errors.PatchNotApplicable` (422), or :class:`~.errors.PatchTestFailed` for ``test``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from kubelite.apiserver.patch.errors import InvalidPatch, PatchNotApplicable, PatchTestFailed

_INDEX = re.compile(r"0|[1-9][0-9]*")
_BAD_ESCAPE = re.compile(r"~(?![01])")
_MISSING = object()


def apply_json_patch(target: Any, operations: Any) -> Any:
    """``target`` with ``operations`` applied, as a new value; neither argument is changed."""
    if not isinstance(operations, list) or not all(isinstance(op, dict) for op in operations):
        raise InvalidPatch("a JSON patch must be a list of operation objects")
    document = copy.deepcopy(target)
    for operation in operations:
        document = _apply(document, operation)
    return document


def _apply(document: Any, operation: dict[str, Any]) -> Any:
    op = operation.get("op")
    match op:
        case "add":
            return _add(document, _path(operation, "path"), copy.deepcopy(_value(operation)))
        case "remove":
            return _remove(document, _path(operation, "path"))
        case "replace":
            return _replace(document, _path(operation, "path"), copy.deepcopy(_value(operation)))
        case "move":
            source, path = _path(operation, "from"), _path(operation, "path")
            if path[: len(source)] == source and len(path) > len(source):
                raise PatchNotApplicable(f"move operation: {operation['from']!r} cannot be moved into its own child")
            value = _get(document, source)
            if source == path:
                return document
            return _add(_remove(document, source), path, value)
        case "copy":
            value = copy.deepcopy(_get(document, _path(operation, "from")))
            return _add(document, _path(operation, "path"), value)
        case "test":
            path, expected = _path(operation, "path"), _value(operation)
            actual = _get(document, path, missing_ok=True)
            if actual is _MISSING:
                actual = None
            if not json_equal(actual, expected):
                raise PatchTestFailed(f"testing value {operation['path']} failed: test failed")
            return document
        case _:
            raise PatchNotApplicable(f"unexpected operation {op!r}")


def _path(operation: dict[str, Any], member: str) -> list[str]:
    """The member ``path`` or ``from`` as pointer tokens, unescaped (``~1`` is ``/``, ``~0`` is ``~``)."""
    pointer = operation.get(member)
    if not isinstance(pointer, str):
        raise PatchNotApplicable(f"{operation.get('op')} operation: missing or non-string {member!r}")
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchNotApplicable(f"JSON pointer {pointer!r} must be empty or start with '/'")
    tokens = pointer[1:].split("/")
    if any(_BAD_ESCAPE.search(token) for token in tokens):
        raise PatchNotApplicable(f"JSON pointer {pointer!r}: '~' must be followed by '0' or '1'")
    return [token.replace("~1", "/").replace("~0", "~") for token in tokens]


def _value(operation: dict[str, Any]) -> Any:
    if "value" not in operation:
        raise PatchNotApplicable(f"{operation['op']} operation: missing 'value'")
    return operation["value"]


def _index(token: str, length: int, *, end_ok: bool) -> int:
    """An array index; ``-`` (one past the end) and ``length`` itself are allowed only where adding."""
    if token == "-" and end_ok:
        return length
    if not _INDEX.fullmatch(token):
        raise PatchNotApplicable(f"{token!r} is not an array index")
    index = int(token)
    if index > length or (index == length and not end_ok):
        raise PatchNotApplicable(f"array index {index} is out of range (length {length})")
    return index


def _get(document: Any, path: list[str], *, missing_ok: bool = False) -> Any:
    node = document
    for token in path:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token != "-" and _INDEX.fullmatch(token) and int(token) < len(node):
            node = node[int(token)]
        elif missing_ok:
            return _MISSING
        else:
            raise PatchNotApplicable(f"path /{'/'.join(path)} does not exist")
    return node


def _parent(document: Any, path: list[str]) -> Any:
    parent = _get(document, path[:-1])
    if not isinstance(parent, dict | list):
        raise PatchNotApplicable(f"path /{'/'.join(path[:-1])} is neither an object nor an array")
    return parent


def _add(document: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent, last = _parent(document, path), path[-1]
    if isinstance(parent, dict):
        parent[last] = value
    else:
        parent.insert(_index(last, len(parent), end_ok=True), value)
    return document


def _replace(document: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent, last = _parent(document, path), path[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchNotApplicable(f"path /{'/'.join(path)} does not exist")
        parent[last] = value
    else:
        parent[_index(last, len(parent), end_ok=False)] = value
    return document


def _remove(document: Any, path: list[str]) -> Any:
    if not path:
        raise PatchNotApplicable("cannot remove the whole document")
    parent, last = _parent(document, path), path[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchNotApplicable(f"path /{'/'.join(path)} does not exist")
        del parent[last]
    else:
        del parent[_index(last, len(parent), end_ok=False)]
    return document


def json_equal(left: Any, right: Any) -> bool:
    """Equality as JSON sees it: ``1 == 1.0``, but ``true`` is not ``1``; objects unordered, arrays ordered."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right
