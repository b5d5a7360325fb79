"""JSON patch (RFC 6902): the six operations, JSON pointers, and the status code of every failure."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apiserver.patch.errors import InvalidPatch, PatchError, PatchNotApplicable, PatchTestFailed
from kubelite.apiserver.patch.jsonpatch import apply_json_patch

pytestmark = pytest.mark.unit

# The behaviours of RFC 6902's appendix, on data of our own.
APPLIES: dict[str, tuple[Any, list[dict[str, Any]], Any]] = {
    "add-an-object-member": (
        {"kind": "Pod"},
        [{"op": "add", "path": "/apiVersion", "value": "v1"}],
        {"kind": "Pod", "apiVersion": "v1"},
    ),
    "add-replaces-an-existing-member": ({"a": 1}, [{"op": "add", "path": "/a", "value": 2}], {"a": 2}),
    "add-inserts-into-an-array": (
        {"args": ["--a", "--c"]},
        [{"op": "add", "path": "/args/1", "value": "--b"}],
        {"args": ["--a", "--b", "--c"]},
    ),
    "add-at-the-array-length-appends": ({"l": [1]}, [{"op": "add", "path": "/l/1", "value": 2}], {"l": [1, 2]}),
    "add-with-dash-appends": ({"l": [1]}, [{"op": "add", "path": "/l/-", "value": 2}], {"l": [1, 2]}),
    "add-a-whole-array-as-a-value": (
        {"spec": {}},
        [{"op": "add", "path": "/spec/ports", "value": [80, 443]}],
        {"spec": {"ports": [80, 443]}},
    ),
    "add-a-nested-member": (
        {"metadata": {"labels": {}}},
        [{"op": "add", "path": "/metadata/labels/app", "value": "web"}],
        {"metadata": {"labels": {"app": "web"}}},
    ),
    "add-at-the-root-replaces-the-document": ({"a": 1}, [{"op": "add", "path": "", "value": [1]}], [1]),
    "remove-an-object-member": ({"a": 1, "b": 2}, [{"op": "remove", "path": "/b"}], {"a": 1}),
    "remove-an-array-element": ({"l": ["x", "y", "z"]}, [{"op": "remove", "path": "/l/1"}], {"l": ["x", "z"]}),
    "replace-a-value": (
        {"spec": {"replicas": 1}},
        [{"op": "replace", "path": "/spec/replicas", "value": 3}],
        {"spec": {"replicas": 3}},
    ),
    "replace-an-array-element": ({"l": [1, 2]}, [{"op": "replace", "path": "/l/0", "value": 9}], {"l": [9, 2]}),
    "replace-the-root": ({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}], {"b": 2}),
    "move-a-member": (
        {"old": {"name": "x"}, "new": {}},
        [{"op": "move", "from": "/old/name", "path": "/new/name"}],
        {"old": {}, "new": {"name": "x"}},
    ),
    "move-an-array-element": (
        {"l": ["a", "b", "c", "d"]},
        [{"op": "move", "from": "/l/1", "path": "/l/3"}],
        {"l": ["a", "c", "d", "b"]},
    ),
    "move-to-itself-changes-nothing": ({"a": {"b": 1}}, [{"op": "move", "from": "/a", "path": "/a"}], {"a": {"b": 1}}),
    "copy-a-member": (
        {"a": {"b": [1]}},
        [{"op": "copy", "from": "/a", "path": "/c"}],
        {"a": {"b": [1]}, "c": {"b": [1]}},
    ),
    "test-an-equal-value": (
        {"metadata": {"resourceVersion": "7"}},
        [{"op": "test", "path": "/metadata/resourceVersion", "value": "7"}],
        {"metadata": {"resourceVersion": "7"}},
    ),
    "test-compares-objects-regardless-of-member-order": (
        {"a": {"x": 1, "y": [1, 2]}},
        [{"op": "test", "path": "/a", "value": {"y": [1, 2], "x": 1.0}}],
        {"a": {"x": 1, "y": [1, 2]}},
    ),
    "test-null-passes-on-an-absent-member": ({"a": 1}, [{"op": "test", "path": "/b", "value": None}], {"a": 1}),
    "pointer-escapes-tilde-and-slash": (
        {"metadata": {"annotations": {"example.com/a~b": "1"}}},
        [
            {"op": "test", "path": "/metadata/annotations/example.com~1a~0b", "value": "1"},
            {"op": "remove", "path": "/metadata/annotations/example.com~1a~0b"},
        ],
        {"metadata": {"annotations": {}}},
    ),
    "tilde-one-escape-is-not-undone-twice": ({}, [{"op": "add", "path": "/~01", "value": 1}], {"~1": 1}),
    "an-empty-member-name": ({"": 0}, [{"op": "replace", "path": "/", "value": 1}], {"": 1}),
    "unknown-operation-members-are-ignored": (
        {"a": 1},
        [{"op": "replace", "path": "/a", "value": 2, "comment": "not part of the operation"}],
        {"a": 2},
    ),
    "operations-apply-in-order": (
        {},
        [
            {"op": "add", "path": "/l", "value": []},
            {"op": "add", "path": "/l/-", "value": "a"},
            {"op": "add", "path": "/l/0", "value": "b"},
            {"op": "test", "path": "/l", "value": ["b", "a"]},
        ],
        {"l": ["b", "a"]},
    ),
    "an-empty-patch-changes-nothing": ({"a": 1}, [], {"a": 1}),
}


@pytest.mark.parametrize(("target", "operations", "expected"), APPLIES.values(), ids=APPLIES.keys())
def test_apply_json_patch(target: Any, operations: list[dict[str, Any]], expected: Any) -> None:
    assert apply_json_patch(target, operations) == expected


FAILS: dict[str, tuple[Any, Any, type[PatchError]]] = {
    "the-patch-is-not-a-list": ({}, {"op": "add", "path": "/a", "value": 1}, InvalidPatch),
    "an-operation-is-not-an-object": ({}, ["add"], InvalidPatch),
    "unknown-op": ({}, [{"op": "frobnicate", "path": "/a"}], PatchNotApplicable),
    "missing-op": ({}, [{"path": "/a", "value": 1}], PatchNotApplicable),
    "missing-path": ({}, [{"op": "add", "value": 1}], PatchNotApplicable),
    "missing-value": ({}, [{"op": "add", "path": "/a"}], PatchNotApplicable),
    "missing-from": ({"a": 1}, [{"op": "copy", "path": "/b"}], PatchNotApplicable),
    "pointer-without-leading-slash": ({"a": 1}, [{"op": "remove", "path": "a"}], PatchNotApplicable),
    "pointer-with-a-bad-escape": ({"a~2": 1}, [{"op": "remove", "path": "/a~2"}], PatchNotApplicable),
    "add-under-a-missing-parent": ({}, [{"op": "add", "path": "/a/b", "value": 1}], PatchNotApplicable),
    "add-under-a-scalar": ({"a": 1}, [{"op": "add", "path": "/a/b", "value": 1}], PatchNotApplicable),
    "add-past-the-array-end": ({"l": [1]}, [{"op": "add", "path": "/l/2", "value": 1}], PatchNotApplicable),
    "array-index-with-a-leading-zero": ({"l": [1, 2]}, [{"op": "remove", "path": "/l/01"}], PatchNotApplicable),
    "array-index-that-is-not-a-number": ({"l": [1]}, [{"op": "remove", "path": "/l/x"}], PatchNotApplicable),
    "negative-array-index": ({"l": [1]}, [{"op": "remove", "path": "/l/-1"}], PatchNotApplicable),
    "remove-a-missing-member": ({"a": 1}, [{"op": "remove", "path": "/b"}], PatchNotApplicable),
    "remove-past-the-array-end": ({"l": [1]}, [{"op": "remove", "path": "/l/1"}], PatchNotApplicable),
    "remove-with-dash": ({"l": [1]}, [{"op": "remove", "path": "/l/-"}], PatchNotApplicable),
    "remove-the-root": ({"a": 1}, [{"op": "remove", "path": ""}], PatchNotApplicable),
    "replace-a-missing-member": ({"a": 1}, [{"op": "replace", "path": "/b", "value": 2}], PatchNotApplicable),
    "move-from-a-missing-member": ({"a": 1}, [{"op": "move", "from": "/b", "path": "/c"}], PatchNotApplicable),
    "move-into-its-own-child": ({"a": {"b": {}}}, [{"op": "move", "from": "/a", "path": "/a/b/c"}], PatchNotApplicable),
    "test-a-different-value": ({"a": "x"}, [{"op": "test", "path": "/a", "value": "y"}], PatchTestFailed),
    "test-a-string-against-a-number": ({"a": "10"}, [{"op": "test", "path": "/a", "value": 10}], PatchTestFailed),
    "test-true-against-one": ({"a": True}, [{"op": "test", "path": "/a", "value": 1}], PatchTestFailed),
    "test-an-absent-member": ({}, [{"op": "test", "path": "/a", "value": 1}], PatchTestFailed),
    "test-arrays-in-another-order": ({"a": [1, 2]}, [{"op": "test", "path": "/a", "value": [2, 1]}], PatchTestFailed),
}


@pytest.mark.parametrize(("target", "operations", "error"), FAILS.values(), ids=FAILS.keys())
def test_failures(target: Any, operations: Any, error: type[PatchError]) -> None:
    with pytest.raises(error) as caught:
        apply_json_patch(target, operations)
    assert type(caught.value) is error


@pytest.mark.parametrize(
    ("error", "code"),
    [(InvalidPatch, 400), (PatchNotApplicable, 422), (PatchTestFailed, 422)],
    ids=["malformed-is-400", "unapplicable-is-422", "failed-test-is-422"],
)
def test_status_codes(error: type[PatchError], code: int) -> None:
    assert error.code == code


def test_a_failing_operation_leaves_the_target_unchanged() -> None:
    target = {"metadata": {"labels": {"a": "1"}}}
    operations = [
        {"op": "add", "path": "/metadata/labels/b", "value": "2"},
        {"op": "test", "path": "/metadata/labels/a", "value": "other"},
    ]
    with pytest.raises(PatchTestFailed):
        apply_json_patch(target, operations)
    assert target == {"metadata": {"labels": {"a": "1"}}}


def test_inputs_are_not_changed_and_not_shared() -> None:
    target = {"spec": {"l": [{"x": 1}]}}
    value = {"deep": [1]}
    operations = [{"op": "add", "path": "/spec/v", "value": value}, {"op": "copy", "from": "/spec/l", "path": "/c"}]
    before = copy.deepcopy((target, operations))

    patched = apply_json_patch(target, operations)
    patched["spec"]["v"]["deep"].append(2)
    patched["c"][0]["x"] = 2
    patched["spec"]["l"][0]["x"] = 3

    assert (target, operations) == before
