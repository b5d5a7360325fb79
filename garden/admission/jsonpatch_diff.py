"""The JSON patch (RFC 6902) that turns one JSON document into another, for a mutating webhook's answer.

kube-apiserver applies a webhook's patch to the object it sent, so the patch only has to be correct, not minimal:
objects are compared member by member (``add``, ``remove``, ``replace``); lists of the same length element by
element, a list that only grew or shrank at its end by adding or removing there, and any other changed list is
replaced whole. Values are compared as JSON compares them: ``true`` is not ``1``, and ``null`` is not a missing
member. Member names are escaped as RFC 6901 wants (``~`` as ``~0``, ``/`` as ``~1``).
"""

from __future__ import annotations

import copy
from typing import Any

Operation = dict[str, Any]


def escape(token: str) -> str:
    """One reference token of a JSON pointer."""
    return token.replace("~", "~0").replace("/", "~1")


def json_equal(left: Any, right: Any) -> bool:
    """Equal as JSON values: like ``==``, but booleans are not numbers (``True != 1``) anywhere in the tree."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(value, right[key]) for key, value in left.items())
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return False
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return type(left) is type(right) and left == right
    return type(left) is type(right) and bool(left == right)


def diff(source: Any, target: Any) -> list[Operation]:
    """Operations that, applied to ``source``, give ``target``; empty when they are equal."""
    operations: list[Operation] = []
    _diff(source, target, "", operations)
    return operations


def _diff(source: Any, target: Any, path: str, out: list[Operation]) -> None:
    if json_equal(source, target):
        return
    if isinstance(source, dict) and isinstance(target, dict):
        for key in source:
            if key not in target:
                out.append({"op": "remove", "path": _child(path, key)})
        for key, value in target.items():
            if key in source:
                _diff(source[key], value, _child(path, key), out)
            else:
                out.append({"op": "add", "path": _child(path, key), "value": copy.deepcopy(value)})
        return
    if isinstance(source, list) and isinstance(target, list):
        common = min(len(source), len(target))
        same_prefix = all(json_equal(a, b) for a, b in zip(source[:common], target[:common], strict=True))
        if len(source) == len(target):
            for index, (old, new) in enumerate(zip(source, target, strict=True)):
                _diff(old, new, f"{path}/{index}", out)
            return
        if same_prefix and len(target) > len(source):
            for index in range(len(source), len(target)):
                out.append({"op": "add", "path": f"{path}/{index}", "value": copy.deepcopy(target[index])})
            return
        if same_prefix:
            # Remove from the end, so every index still names the element it meant.
            for index in range(len(source) - 1, len(target) - 1, -1):
                out.append({"op": "remove", "path": f"{path}/{index}"})
            return
    out.append({"op": "replace", "path": path, "value": copy.deepcopy(target)})


def _child(path: str, key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"JSON object member names are strings, not {type(key).__name__}: {key!r}")
    return f"{path}/{escape(key)}"


__all__ = ["Operation", "diff", "escape", "json_equal"]
