"""JSON merge patch (RFC 7386): the patch looks like the object, ``null`` deletes, and lists are replaced whole.

This is what kube-apiserver applies for ``application/merge-patch+json``, for built-in kinds and custom resources
alike. Its one sharp edge: there is no way to change a single list element, so ``spec.containers`` or
``status.conditions`` are always sent in full.
"""

from __future__ import annotations

import copy
from typing import Any


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with ``patch`` merged into it, as a new value; neither argument is changed.

    A patch that is not an object replaces the target. An object patch turns a non-object target into ``{}`` first,
    then, per member: ``null`` removes the member, anything else is merged recursively (so ``null`` inside a new
    member's value is dropped rather than stored).
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    base: dict[str, Any] = target if isinstance(target, dict) else {}
    merged: dict[str, Any] = {}
    for key, value in base.items():
        if key not in patch:
            merged[key] = copy.deepcopy(value)
        elif patch[key] is not None:
            merged[key] = apply_merge_patch(value, patch[key])
    for key, value in patch.items():
        if key not in base and value is not None:
            merged[key] = apply_merge_patch(None, value)
    return merged
