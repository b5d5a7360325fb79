"""Object metadata is validated on create and update as kube-apiserver does, every problem at once."""

from __future__ import annotations

from typing import Any

import pytest

from kubelite.apiserver.validation.names import name_is_dns_label, name_is_path_segment
from kubelite.apiserver.validation.objectmeta import (
    TOTAL_ANNOTATION_SIZE_LIMIT,
    validate_object_meta,
    validate_object_meta_update,
)

pytestmark = pytest.mark.unit


def rendered(meta: dict[str, Any], *, namespaced: bool = True, **kwargs: Any) -> list[str]:
    return [e.render() for e in validate_object_meta(meta, namespaced=namespaced, **kwargs)]


def test_a_plain_namespaced_object_is_valid() -> None:
    meta = {
        "name": "web",
        "namespace": "prod",
        "labels": {"app": "web", "example.com/tier": ""},
        "annotations": {"Example.com/Note": "anything at all"},
        "finalizers": ["example.com/cleanup"],
        "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "u", "controller": True}
        ],
    }
    assert rendered(meta) == []


@pytest.mark.parametrize(
    ("meta", "namespaced", "expected"),
    [
        pytest.param(
            {},
            True,
            ["metadata.name: Required value: name or generateName is required", "metadata.namespace: Required value"],
            id="nothing",
        ),
        pytest.param({"generateName": "web-", "namespace": "d"}, True, [], id="generate-name-only"),
        pytest.param(
            {"name": "web", "namespace": "d"},
            False,
            ["metadata.namespace: Forbidden: not allowed on this type"],
            id="namespace-on-cluster-scoped",
        ),
        pytest.param({"name": "web"}, False, [], id="cluster-scoped"),
        pytest.param(
            {"name": "web", "namespace": "a.b"},
            True,
            ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
            id="namespace-is-a-label",
        ),
        pytest.param(
            {"name": "web", "namespace": "d", "generation": -1},
            True,
            ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"],
            id="negative-generation",
        ),
    ],
)
def test_name_namespace_and_generation(meta: dict[str, Any], namespaced: bool, expected: list[str]) -> None:
    assert rendered(meta, namespaced=namespaced) == expected


def test_bad_name_and_generate_name_are_both_reported() -> None:
    errors = validate_object_meta({"name": "Web", "generateName": "Web-", "namespace": "d"}, namespaced=True)
    assert [(e.type, e.path, e.value) for e in errors] == [
        ("FieldValueInvalid", "metadata.generateName", "Web-"),
        ("FieldValueInvalid", "metadata.name", "Web"),
    ]
    assert errors[1].message.startswith("a lowercase RFC 1123 subdomain must consist of")


@pytest.mark.parametrize(
    ("name_rule", "name", "valid"),
    [
        pytest.param(name_is_dns_label, "kube-system", True, id="namespace-rule"),
        pytest.param(name_is_dns_label, "a.b", False, id="namespace-rule-no-dots"),
        pytest.param(name_is_path_segment, "system:controller:x", True, id="rbac-rule-colons"),
        pytest.param(name_is_path_segment, "a/b", False, id="rbac-rule-slash"),
    ],
)
def test_the_name_rule_is_the_kinds(name_rule: Any, name: str, valid: bool) -> None:
    assert (rendered({"name": name}, namespaced=False, name_rule=name_rule) == []) is valid


def test_labels_report_every_bad_key_and_value_at_the_map() -> None:
    errors = validate_object_meta(
        {"name": "w", "namespace": "d", "labels": {"-bad": "ok", "good": "-bad", "x": "a" * 64}}, namespaced=True
    )
    assert [(e.path, e.value) for e in errors] == [
        ("metadata.labels", "-bad"),
        ("metadata.labels", "-bad"),
        ("metadata.labels", "a" * 64),
    ]
    assert errors[2].message == "must be no more than 63 bytes"


def test_labels_of_the_wrong_shape_are_a_type_error() -> None:
    errors = validate_object_meta({"name": "w", "namespace": "d", "labels": {"a": 1}}, namespaced=True)
    assert [(e.type, e.path) for e in errors] == [("FieldValueTypeInvalid", "metadata.labels")]


def test_annotation_keys_are_checked_case_insensitively() -> None:
    assert rendered({"name": "w", "namespace": "d", "annotations": {"EXAMPLE.COM/Key": "v"}}) == []
    errors = validate_object_meta({"name": "w", "namespace": "d", "annotations": {"a b": "v"}}, namespaced=True)
    assert [(e.path, e.value) for e in errors] == [("metadata.annotations", "a b")]


@pytest.mark.parametrize(
    ("size", "too_long"),
    [
        pytest.param(TOTAL_ANNOTATION_SIZE_LIMIT, False, id="at-limit"),
        pytest.param(TOTAL_ANNOTATION_SIZE_LIMIT + 1, True, id="over-limit"),
    ],
)
def test_annotations_may_hold_256_kib_in_keys_and_values(size: int, too_long: bool) -> None:
    key = "k"
    meta = {"name": "w", "namespace": "d", "annotations": {key: "x" * (size - len(key))}}
    expected = ["metadata.annotations: Too long: may not be more than 262144 bytes"] if too_long else []
    assert rendered(meta) == expected


def test_annotation_size_counts_utf8_bytes() -> None:
    meta = {"name": "w", "namespace": "d", "annotations": {"k": "é" * (TOTAL_ANNOTATION_SIZE_LIMIT // 2)}}
    assert len(rendered(meta)) == 1


@pytest.mark.parametrize(
    ("finalizers", "expected"),
    [
        pytest.param(["kubernetes", "example.com/x"], [], id="valid"),
        pytest.param(["a/b/c"], ["a valid label key"], id="two-slashes"),
        pytest.param(
            ["orphan", "foregroundDeletion"],
            ["finalizer orphan and foregroundDeletion cannot be both set"],
            id="conflicting",
        ),
    ],
)
def test_finalizers(finalizers: list[str], expected: list[str]) -> None:
    errors = validate_object_meta({"name": "w", "namespace": "d", "finalizers": finalizers}, namespaced=True)
    assert len(errors) == len(expected)
    for error, fragment in zip(errors, expected, strict=True):
        assert error.path == "metadata.finalizers"
        assert fragment in error.message


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param({"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "u"}, [], id="core-group"),
        pytest.param(
            {},
            [
                'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
                'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
                'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
                'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
            ],
            id="everything-missing",
        ),
        pytest.param(
            {"apiVersion": "apps/", "kind": "Deployment", "name": "d", "uid": "u"},
            ['metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty'],
            id="group-without-version",
        ),
        pytest.param(
            {"apiVersion": "a/b/c", "kind": "X", "name": "d", "uid": "u"},
            ['metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty'],
            id="malformed-api-version",
        ),
    ],
)
def test_owner_references(reference: dict[str, Any], expected: list[str]) -> None:
    assert rendered({"name": "w", "namespace": "d", "ownerReferences": [reference]}) == expected


def test_events_may_not_own_anything() -> None:
    reference = {"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "u"}
    errors = validate_object_meta({"name": "w", "namespace": "d", "ownerReferences": [reference]}, namespaced=True)
    assert [(e.path, e.message) for e in errors] == [
        ("metadata.ownerReferences", "/v1, Kind=Event is disallowed from being an owner")
    ]


def test_only_one_owner_reference_may_be_the_controller() -> None:
    references = [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "a", "uid": "1", "controller": True},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": "2", "controller": False},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "c", "uid": "3", "controller": True},
    ]
    errors = validate_object_meta({"name": "w", "namespace": "d", "ownerReferences": references}, namespaced=True)
    assert [(e.path, e.message) for e in errors] == [
        (
            "metadata.ownerReferences",
            'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and '
            "StatefulSet/c",
        )
    ]


def test_all_problems_are_reported_together() -> None:
    meta = {"name": "Bad", "labels": {"-x": "y"}, "finalizers": ["a/b/c"], "ownerReferences": [{}]}
    paths = [e.path for e in validate_object_meta(meta, namespaced=True)]
    assert paths == [
        "metadata.name",
        "metadata.namespace",
        "metadata.labels",
        "metadata.ownerReferences.apiVersion",
        "metadata.ownerReferences.kind",
        "metadata.ownerReferences.name",
        "metadata.ownerReferences.uid",
        "metadata.finalizers",
    ]


# ------------------------------------------------------------------------------------------------------------ update

OLD = {
    "name": "web",
    "namespace": "prod",
    "uid": "1234",
    "resourceVersion": "7",
    "generation": 2,
    "creationTimestamp": "2024-01-01T00:00:00Z",
}


def update(**changes: Any) -> list[str]:
    return [e.render() for e in validate_object_meta_update(OLD | changes, OLD)]


def test_an_unchanged_update_is_valid() -> None:
    assert update() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"name": "other"}, 'metadata.name: Invalid value: "other": field is immutable', id="name"),
        pytest.param(
            {"namespace": "dev"}, 'metadata.namespace: Invalid value: "dev": field is immutable', id="namespace"
        ),
        pytest.param({"uid": "5678"}, 'metadata.uid: Invalid value: "5678": field is immutable', id="uid"),
        pytest.param(
            {"creationTimestamp": "2025-01-01T00:00:00Z"},
            'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
            id="creation-timestamp",
        ),
        pytest.param(
            {"deletionTimestamp": "2025-01-01T00:00:00Z"},
            'metadata.deletionTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
            id="deletion-timestamp-set-by-user",
        ),
        pytest.param(
            {"deletionGracePeriodSeconds": 0},
            "metadata.deletionGracePeriodSeconds: Invalid value: 0: field is immutable",
            id="grace-period-set-by-user",
        ),
        pytest.param(
            {"resourceVersion": ""},
            'metadata.resourceVersion: Invalid value: "": must be specified for an update',
            id="no-resource-version",
        ),
        pytest.param(
            {"generation": 1}, "metadata.generation: Invalid value: 1: must not be decremented", id="generation"
        ),
        pytest.param({"labels": {"-x": "y"}}, 'metadata.labels: Invalid value: "-x"', id="labels-still-checked"),
    ],
)
def test_update_rejections(changes: dict[str, Any], expected: str) -> None:
    problems = update(**changes)
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_update_reports_every_immutable_field() -> None:
    problems = update(name="a", namespace="b", uid="c")
    assert [p.split(":")[0] for p in problems] == ["metadata.name", "metadata.namespace", "metadata.uid"]


def test_no_finalizers_can_be_added_while_deleting() -> None:
    deleting = OLD | {"deletionTimestamp": "2025-01-01T00:00:00Z", "finalizers": ["a.io/x"]}
    new = deleting | {"finalizers": ["a.io/x", "b.io/z", "b.io/y"]}
    assert [e.render() for e in validate_object_meta_update(new, deleting)] == [
        "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
        'found new finalizers []string{"b.io/y", "b.io/z"}'
    ]
    assert validate_object_meta_update(deleting | {"finalizers": []}, deleting) == []
