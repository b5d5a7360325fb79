"""The JSON patch generator behind the mutating webhook: diff(a, b) applied to a gives b, by two independent
appliers (the ``jsonpatch`` package and kubelite's own), over tricky documents and random ones."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from typing import Any

import jsonpatch
import pytest

from garden.admission.jsonpatch_diff import diff, escape, json_equal
from kubelite.apiserver.patch.jsonpatch import apply_json_patch

pytestmark = pytest.mark.unit

Applier = Callable[[Any, list[dict[str, Any]]], Any]
APPLIERS: dict[str, Applier] = {
    "jsonpatch": jsonpatch.apply_patch,
    "kubelite": apply_json_patch,
}

SHOOT: dict[str, Any] = {
    "apiVersion": "core.gardener.cloud/v1beta1",
    "kind": "Shoot",
    "metadata": {"name": "dev", "namespace": "garden-dev", "annotations": {"a/b": "1"}},
    "spec": {
        "region": "eu-west-1",
        "provider": {"type": "aws", "workers": [{"name": "w1", "minimum": 1, "machine": {"type": "m5.large"}}]},
        "kubernetes": {"version": "1.31.1"},
    },
}

CASES: dict[str, tuple[Any, Any]] = {
    "equal": (SHOOT, copy.deepcopy(SHOOT)),
    "nested-add-remove-replace": (
        {"a": {"b": {"c": 1, "d": 2}, "e": "x"}},
        {"a": {"b": {"c": 3, "f": {"g": [1]}}, "e": "x"}, "h": True},
    ),
    "slash-and-tilde-keys": (
        {"metadata": {"annotations": {"confirmation.gardener.cloud/deletion": "false", "a~b": 1, "~1": 2}}},
        {"metadata": {"annotations": {"confirmation.gardener.cloud/deletion": "true", "a~b": 3, "/~": 4}}},
    ),
    "remove-keys-with-slash-and-tilde": ({"x/y": 1, "~0": 2, "keep": 3}, {"keep": 3}),
    "empty-key": ({"": 1, "a": {"": 2}}, {"": 5, "a": {"": None}}),
    "unicode-keys": ({"größe": 1}, {"größe": 2, "名前": "x"}),
    "none-added": ({"a": 1}, {"a": 1, "b": None}),
    "none-to-value": ({"a": None}, {"a": {"b": 1}}),
    "value-to-none": ({"a": {"b": 1}}, {"a": None}),
    "none-removed": ({"a": None, "b": 1}, {"b": 1}),
    "dict-to-list": ({"a": {"b": 1}}, {"a": [1, 2]}),
    "list-to-dict": ({"a": [1, 2]}, {"a": {"0": 1}}),
    "string-to-number": ({"a": "1"}, {"a": 1}),
    "number-to-bool": ({"a": 1, "b": 0}, {"a": True, "b": False}),
    "bool-to-number": ({"a": True}, {"a": 1}),
    "int-to-float": ({"a": 1}, {"a": 1.0}),
    "list-element-changes": (
        {"l": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]},
        {"l": [{"name": "a", "v": 1}, {"name": "b", "v": 3, "w": [None]}]},
    ),
    "list-append": ({"l": [1, 2]}, {"l": [1, 2, 3, {"x": 4}]}),
    "list-truncate": ({"l": [1, 2, 3, 4]}, {"l": [1]}),
    "list-truncate-to-empty": ({"l": [1, 2]}, {"l": []}),
    "list-from-empty": ({"l": []}, {"l": ["a"]}),
    "list-insert-in-middle": ({"l": [1, 3]}, {"l": [1, 2, 3]}),
    "list-reorder": ({"l": [1, 2, 3]}, {"l": [3, 2, 1]}),
    "list-bools-vs-numbers": ({"l": [1, 0]}, {"l": [True, False]}),
    "nested-lists": ({"l": [[1, 2], [3]]}, {"l": [[1, 2, 5], []]}),
    "root-list": ([1, {"a": 1}], [1, {"a": 2}, 3]),
    "root-type-change": ({"a": 1}, ["a"]),
    "root-scalar": ("x", 7),
    "shoot-defaulting": (
        SHOOT,
        {
            **SHOOT,
            "metadata": {**SHOOT["metadata"], "annotations": {"a/b": "1", "gardener.cloud/created-by": "alice"}},
            "spec": {
                **SHOOT["spec"],
                "purpose": "evaluation",
                "provider": {
                    "type": "aws",
                    "workers": [
                        {"name": "w1", "minimum": 1, "maximum": 1, "machine": {"type": "m5.large", "image": None}}
                    ],
                },
            },
        },
    ),
}


def canonical(value: Any) -> str:
    """JSON text, so that ``True`` and ``1`` (and ``1`` and ``1.0``) compare as different."""
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("applier", APPLIERS.values(), ids=APPLIERS.keys())
@pytest.mark.parametrize(("source", "target"), CASES.values(), ids=CASES.keys())
def test_diff_applied_to_the_source_gives_the_target(source: Any, target: Any, applier: Applier) -> None:
    before = copy.deepcopy(source), copy.deepcopy(target)
    patch = json.loads(json.dumps(diff(source, target)))  # as the webhook sends it
    assert canonical(applier(copy.deepcopy(source), patch)) == canonical(target), patch
    assert (canonical(source), canonical(target)) == tuple(canonical(v) for v in before), "diff changed its input"


def test_equal_documents_give_no_operations() -> None:
    assert diff(SHOOT, copy.deepcopy(SHOOT)) == []
    assert diff({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}) == []


def test_member_names_are_escaped() -> None:
    assert escape("a/b~c") == "a~1b~0c"
    assert escape("~1") == "~01"
    assert diff({}, {"a/b~c": 1}) == [{"op": "add", "path": "/a~1b~0c", "value": 1}]
    assert diff({"x": {"~": 1}}, {"x": {}}) == [{"op": "remove", "path": "/x/~0"}]


def test_changes_are_as_small_as_members_and_list_ends() -> None:
    assert diff({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3}}) == [{"op": "replace", "path": "/a/c", "value": 3}]
    assert diff({"l": [1]}, {"l": [1, 2]}) == [{"op": "add", "path": "/l/1", "value": 2}]
    assert diff({"l": [1, 2, 3]}, {"l": [1]}) == [
        {"op": "remove", "path": "/l/2"},
        {"op": "remove", "path": "/l/1"},
    ]
    assert diff({"l": [1, 3]}, {"l": [1, 2, 3]}) == [{"op": "replace", "path": "/l", "value": [1, 2, 3]}]


def test_booleans_are_not_numbers() -> None:
    assert not json_equal(True, 1)
    assert not json_equal([0], [False])
    assert diff({"a": 1}, {"a": True}) == [{"op": "replace", "path": "/a", "value": True}]


def test_operations_do_not_share_values_with_the_target() -> None:
    target: dict[str, Any] = {"a": {"b": [1]}}
    patch = diff({}, target)
    target["a"]["b"].append(2)
    assert patch == [{"op": "add", "path": "/a", "value": {"b": [1]}}]


def test_non_string_member_names_are_refused() -> None:
    with pytest.raises(TypeError, match="member names are strings"):
        diff({}, {1: "x"})


def random_value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 3 else 6)
    keys = ["a", "b", "a/b", "~", "~1", "", "c~0/d"]
    match choice:
        case 0:
            return None
        case 1:
            return rng.choice([True, False])
        case 2:
            return rng.choice([0, 1, -5, 1.5, 1.0])
        case 3 | 4:
            return rng.choice(["", "x", "/", "~0"])
        case 5:
            return rng.randrange(3)
        case 6 | 7:
            return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
        case _:
            return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def mutate(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """A variation of ``value``: mostly the same, with some members and elements changed, added or removed."""
    if isinstance(value, dict) and rng.random() < 0.85:
        changed = {k: mutate(rng, v, depth + 1) if rng.random() < 0.5 else v for k, v in value.items()}
        for key in list(changed):
            if rng.random() < 0.15:
                del changed[key]
        if rng.random() < 0.3:
            changed[rng.choice(["new", "a/b", "~x"])] = random_value(rng, depth + 1)
        return changed
    if isinstance(value, list) and rng.random() < 0.85:
        changed_list = [mutate(rng, v, depth + 1) if rng.random() < 0.4 else v for v in value]
        if rng.random() < 0.3:
            changed_list.append(random_value(rng, depth + 1))
        if changed_list and rng.random() < 0.2:
            changed_list.pop(rng.randrange(len(changed_list)))
        return changed_list
    return random_value(rng, depth) if rng.random() < 0.5 else value


@pytest.mark.parametrize("applier", APPLIERS.values(), ids=APPLIERS.keys())
def test_random_documents_round_trip(applier: Applier) -> None:
    rng = random.Random(6902)
    for _ in range(400):
        source = {"root": random_value(rng), "other": random_value(rng)}
        target = mutate(rng, copy.deepcopy(source))
        patch = json.loads(json.dumps(diff(source, target)))
        assert canonical(applier(copy.deepcopy(source), patch)) == canonical(target), (source, target, patch)
        if canonical(source) == canonical(target):
            assert patch == []
