"""JSON merge patch (RFC 7386): objects merge, null deletes, everything else replaces."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apiserver.patch.merge import apply_merge_patch

pytestmark = pytest.mark.unit

CASES: dict[str, tuple[Any, Any, Any]] = {
    "changes-a-member": ({"color": "red"}, {"color": "blue"}, {"color": "blue"}),
    "adds-a-member": ({"color": "red"}, {"size": 3}, {"color": "red", "size": 3}),
    "null-removes-a-member": ({"color": "red", "size": 3}, {"size": None}, {"color": "red"}),
    "null-for-a-missing-member-is-a-no-op": ({"color": "red"}, {"size": None}, {"color": "red"}),
    "a-list-replaces-a-list": ({"tags": ["a", "b"]}, {"tags": ["c"]}, {"tags": ["c"]}),
    "a-list-replaces-an-object": ({"spec": {"a": 1}}, {"spec": [1]}, {"spec": [1]}),
    "an-object-replaces-a-scalar": ({"spec": "x"}, {"spec": {"a": 1}}, {"spec": {"a": 1}}),
    "nested-objects-merge": (
        {"metadata": {"labels": {"app": "web", "tier": "front"}}},
        {"metadata": {"labels": {"tier": None, "track": "stable"}}},
        {"metadata": {"labels": {"app": "web", "track": "stable"}}},
    ),
    "null-inside-a-new-member-is-dropped": ({}, {"spec": {"a": None, "b": 1}}, {"spec": {"b": 1}}),
    "objects-inside-lists-do-not-merge": (
        {"items": [{"name": "a", "value": 1}]},
        {"items": [{"name": "a"}]},
        {"items": [{"name": "a"}]},
    ),
    "an-object-patch-turns-a-scalar-target-into-an-object": ("text", {"a": 1}, {"a": 1}),
    "an-object-patch-turns-a-list-target-into-an-object": ([1, 2], {"a": 1}, {"a": 1}),
    "a-scalar-patch-replaces-the-whole-target": ({"a": 1}, "text", "text"),
    "a-null-patch-replaces-the-whole-target": ({"a": 1}, None, None),
    "an-empty-patch-changes-nothing": ({"a": {"b": 1}}, {}, {"a": {"b": 1}}),
    "an-empty-object-value-keeps-the-member": ({"a": {"b": 1}}, {"a": {}}, {"a": {"b": 1}}),
}


@pytest.mark.parametrize(("target", "patch", "expected"), CASES.values(), ids=CASES.keys())
def test_apply_merge_patch(target: Any, patch: Any, expected: Any) -> None:
    assert apply_merge_patch(target, patch) == expected


def test_member_order_is_kept_and_new_members_come_last() -> None:
    merged = apply_merge_patch({"a": 1, "b": 2, "c": 3}, {"d": 4, "a": 0})
    assert list(merged) == ["a", "b", "c", "d"]


def test_inputs_are_not_changed_and_not_shared() -> None:
    target = {"spec": {"a": [1]}, "keep": {"x": 1}}
    patch = {"spec": {"b": {"c": 1}}, "keep": {"y": None}}
    before = copy.deepcopy((target, patch))

    merged = apply_merge_patch(target, patch)
    merged["spec"]["b"]["c"] = 2
    merged["spec"]["a"].append(2)
    merged["keep"]["x"] = 2

    assert (target, patch) == before
