"""A structural schema defaults, prunes and validates custom resources as apiextensions-apiserver does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apiserver.crd.schema import default, prune, validate

pytestmark = pytest.mark.unit

#: A realistic CRD schema: a backup schedule with the usual kinds of fields.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "required": ["schedule"],
            "properties": {
                "schedule": {"type": "string", "minLength": 9, "maxLength": 20, "pattern": "^[0-9*/, -]+$"},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 5, "default": 1},
                "ratio": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "multipleOf": 0.25},
                "mode": {"type": "string", "enum": ["Full", "Incremental"], "default": "Full"},
                "port": {"x-kubernetes-int-or-string": True},
                "suspend": {"type": "boolean"},
                "note": {"type": "string", "nullable": True},
                "startAt": {"type": "string", "format": "date-time"},
                "retention": {"type": "string", "format": "duration"},
                "sizeHint": {"type": "integer", "format": "int32"},
                "targets": {
                    "type": "array",
                    "maxItems": 3,
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "bucket": {"type": "string", "default": "backups"},
                        },
                    },
                },
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 8}},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "template": {
                    "type": "object",
                    "x-kubernetes-embedded-resource": True,
                    "x-kubernetes-preserve-unknown-fields": True,
                },
            },
        },
        "status": {"type": "object", "properties": {"lastRun": {"type": "string"}}},
    },
}


def backup(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Backup",
        "metadata": {"name": "b"},
        "spec": {"schedule": "0 3 * * *"} | spec,
    }


def errors_of(obj: Any, schema: dict[str, Any] = SCHEMA) -> list[str]:
    return [e.render() for e in validate(obj, schema)]


# ----------------------------------------------------------------------------------------------------------- pruning


def test_prune_drops_unknown_fields_and_reports_them_sorted() -> None:
    obj = backup(bogus=1, targets=[{"name": "a", "region": "eu"}], extra={"free": {"form": True}})
    obj["unknown"] = {"x": 1}
    obj["status"] = {"lastRun": "now", "zzz": 1}
    assert prune(obj, SCHEMA) == ["spec.bogus", "spec.targets[0].region", "status.zzz", "unknown"]
    assert obj["spec"] == {"schedule": "0 3 * * *", "targets": [{"name": "a"}], "extra": {"free": {"form": True}}}
    assert "unknown" not in obj


def test_prune_keeps_root_type_and_object_metadata() -> None:
    obj = backup()
    obj["metadata"] = {"name": "b", "labels": {"a": "b"}, "unknownMetaField": 1}
    assert prune(obj, SCHEMA) == []
    assert obj["metadata"]["unknownMetaField"] == 1
    assert obj["apiVersion"] == "example.com/v1"


def test_prune_keeps_metadata_of_embedded_resources() -> None:
    template = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"anything": 1}}
    obj = backup(template=copy.deepcopy(template))
    assert prune(obj, SCHEMA) == []
    assert obj["spec"]["template"] == template


def test_prune_applies_additional_properties_schemas_to_every_value() -> None:
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "additionalProperties": {"type": "object", "properties": {"keep": {"type": "string"}}},
            }
        },
    }
    obj = {"spec": {"a": {"keep": "x", "drop": 1}, "b": {"drop": 2}}}
    assert prune(obj, schema) == ["spec.a.drop", "spec.b.drop"]
    assert obj == {"spec": {"a": {"keep": "x"}, "b": {}}}


def test_prune_below_preserve_unknown_fields_still_prunes_specified_properties() -> None:
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "properties": {"known": {"type": "object", "properties": {"a": {"type": "string"}}}},
            }
        },
    }
    obj = {"spec": {"free": {"x": 1}, "known": {"a": "1", "b": "2"}}}
    assert prune(obj, schema) == ["spec.known.b"]
    assert obj == {"spec": {"free": {"x": 1}, "known": {"a": "1"}}}


def test_prune_of_a_nested_value_without_resource_root() -> None:
    value = {"apiVersion": "v1", "name": "x"}
    assert prune(value, {"type": "object", "properties": {"name": {"type": "string"}}}, is_resource_root=False) == [
        "apiVersion"
    ]


# -------------------------------------------------------------------------------------------------------- defaulting


def test_default_fills_absent_properties_recursively_and_in_place() -> None:
    obj = backup(targets=[{"name": "a"}, {"name": "b", "bucket": "mine"}])
    result = default(obj, SCHEMA)
    assert result is obj
    assert obj["spec"]["replicas"] == 1
    assert obj["spec"]["mode"] == "Full"
    assert obj["spec"]["targets"] == [{"name": "a", "bucket": "backups"}, {"name": "b", "bucket": "mine"}]


def test_default_never_overwrites_a_value_the_user_set() -> None:
    obj = default(backup(replicas=3, mode="Incremental"), SCHEMA)
    assert (obj["spec"]["replicas"], obj["spec"]["mode"]) == (3, "Incremental")


@pytest.mark.parametrize(
    ("field", "kept", "value"),
    [
        pytest.param("replicas", True, 1, id="null-non-nullable-gets-the-default"),
        pytest.param("suspend", False, None, id="null-non-nullable-without-default-is-dropped"),
        pytest.param("note", True, None, id="null-nullable-is-kept"),
    ],
)
def test_default_handles_nulls_as_upstream(field: str, kept: bool, value: Any) -> None:
    spec = default(backup(**{field: None}), SCHEMA)["spec"]
    assert (field in spec) is kept
    assert spec.get(field) == value


def test_default_applies_to_items_and_additional_properties() -> None:
    schema = {
        "type": "object",
        "properties": {
            "list": {
                "type": "array",
                "items": {"type": "object", "default": {"x": 1}, "properties": {"x": {"type": "integer"}}},
            },
            "map": {"type": "object", "additionalProperties": {"type": "string", "default": "d"}},
        },
    }
    obj = default({"list": [None, {"x": 2}], "map": {"a": None, "b": "set"}}, schema)
    assert obj == {"list": [{"x": 1}, {"x": 2}], "map": {"a": "d", "b": "set"}}


def test_defaults_are_copied_not_shared() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "default": {"k": "v"}}}}
    first, second = default({}, schema), default({}, schema)
    first["a"]["k"] = "changed"
    assert second["a"] == {"k": "v"}
    assert schema["properties"]["a"]["default"] == {"k": "v"}


def test_defaults_inside_a_default_are_applied_too() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "object", "default": {}, "properties": {"b": {"type": "string", "default": "x"}}}},
    }
    assert default({}, schema) == {"a": {"b": "x"}}


# -------------------------------------------------------------------------------------------------------- validation


def test_a_valid_object_has_no_errors() -> None:
    obj = backup(
        replicas=2,
        ratio=0.5,
        mode="Incremental",
        port="http",
        note=None,
        startAt="2024-05-01T10:00:00Z",
        retention="72h",
        targets=[{"name": "a"}, {"name": "b"}],
        tags=["x", "y"],
        labels={"k": "v"},
    )
    assert errors_of(obj) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            {"replicas": "string"},
            'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
            id="type-integer",
        ),
        pytest.param(
            {"replicas": 1.5},
            'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
            id="fraction-is-not-integer",
        ),
        pytest.param(
            {"suspend": None},
            'spec.suspend: Invalid value: "null": spec.suspend in body must be of type boolean: "null"',
            id="null-not-nullable",
        ),
        pytest.param(
            {"port": True},
            'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
            id="int-or-string",
        ),
        pytest.param(
            {"mode": "Partial"},
            'spec.mode: Unsupported value: "Partial": supported values: "Full", "Incremental"',
            id="enum",
        ),
        pytest.param(
            {"schedule": "* *"},
            'spec.schedule: Invalid value: "* *": spec.schedule in body should be at least 9 chars long',
            id="min-length",
        ),
        pytest.param(
            {"schedule": "0 3 * * * * * * * * * *"},
            "spec.schedule: Too long: may not be more than 20 bytes",
            id="max-length",
        ),
        pytest.param(
            {"schedule": "@daily at 3"},
            "spec.schedule: Invalid value: \"@daily at 3\": spec.schedule in body should match '^[0-9*/, -]+$'",
            id="pattern",
        ),
        pytest.param(
            {"replicas": 0},
            "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
            id="minimum",
        ),
        pytest.param(
            {"replicas": 9},
            "spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5",
            id="maximum",
        ),
        pytest.param(
            {"ratio": 0},
            "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0",
            id="exclusive-minimum",
        ),
        pytest.param(
            {"ratio": 0.3},
            "spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25",
            id="multiple-of",
        ),
        pytest.param(
            {"startAt": "yesterday"},
            'spec.startAt: Invalid value: "yesterday": spec.startAt in body must be of type date-time: "yesterday"',
            id="format-date-time",
        ),
        pytest.param(
            {"retention": "forever"},
            'spec.retention: Invalid value: "forever": spec.retention in body must be of type duration: "forever"',
            id="format-duration",
        ),
        pytest.param(
            {"targets": [{}]},
            "spec.targets[0].name: Required value",
            id="required-in-items",
        ),
        pytest.param(
            {"labels": {"k": 1}},
            'spec.labels.k: Invalid value: "integer": spec.labels.k in body must be of type string: "integer"',
            id="additional-properties-schema",
        ),
        pytest.param(
            {"tags": ["a", "b", "a"]},
            'spec.tags[2]: Duplicate value: "a"',
            id="list-type-set",
        ),
        pytest.param(
            {"targets": [{"name": "a"}, {"name": "a", "bucket": "x"}]},
            'spec.targets[1]: Duplicate value: map[string]interface {}{"name":"a"}',
            id="list-type-map",
        ),
    ],
)
def test_validation_errors_read_like_upstream(spec: dict[str, Any], expected: str) -> None:
    assert errors_of(backup(**spec)) == [expected]


@pytest.mark.parametrize(
    ("schema", "value", "count", "limit"),
    [
        pytest.param(
            {"type": "array", "maxItems": 3, "items": {"type": "integer"}}, [1, 2, 3, 4], 4, 3, id="max-items"
        ),
        pytest.param({"type": "object", "maxProperties": 1}, {"a": 1, "b": 2}, 2, 1, id="max-properties"),
    ],
)
def test_too_many_items_or_properties(schema: dict[str, Any], value: Any, count: int, limit: int) -> None:
    (error,) = validate({"x": value}, {"type": "object", "properties": {"x": schema}})
    assert (error.type, error.path, error.value, error.message) == (
        "FieldValueTooMany",
        "x",
        count,
        f"must have at most {limit} items",
    )


def test_required_at_the_root_of_spec() -> None:
    obj = backup()
    del obj["spec"]["schedule"]
    assert errors_of(obj) == ["spec.schedule: Required value"]


def test_whole_object_type_errors_are_at_nil() -> None:
    assert errors_of([]) == ['<nil>: Invalid value: "array":  in body must be of type object: "array"']


def test_int32_format_is_not_checked_for_crds() -> None:
    assert errors_of(backup(sizeHint=2**40)) == []


def test_integral_floats_pass_as_integers() -> None:
    assert errors_of(backup(replicas=2.0)) == []


def test_integer_against_fractional_bound_uses_the_truncated_bound() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 2.5}}}
    assert errors_of({"n": 3}, schema) == ["n: Invalid value: 3: n in body should be less than or equal to 2"]


def test_all_errors_are_reported() -> None:
    obj = backup(replicas="x", mode="Nope", tags=["a", "a"])
    del obj["spec"]["schedule"]
    assert len(errors_of(obj)) == 4


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        pytest.param(
            {"type": "object", "minProperties": 2, "properties": {"a": {"type": "string"}}},
            {"a": 1},
            ["x: Invalid value: 1: x in body should have at least 2 properties"],
            id="min-properties-hides-the-rest",
        ),
        pytest.param(
            {"type": "array", "minItems": 1, "items": {"type": "string"}},
            [],
            ["x: Invalid value: 0: x in body should have at least 1 items"],
            id="min-items",
        ),
        pytest.param(
            {"type": "array", "uniqueItems": True, "items": {"type": "integer"}},
            [1, 1],
            ['x: Invalid value: "": x in body shouldn\'t contain duplicates'],
            id="unique-items",
        ),
        pytest.param(
            {"type": "integer", "enum": [1, 2]},
            3,
            ['x: Unsupported value: 3: supported values: "1", "2"'],
            id="enum-of-numbers",
        ),
        pytest.param(
            {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
            {"a": "x", "b": "y"},
            ['x: Invalid value: "b": x.b in body is a forbidden property'],
            id="additional-properties-false",
        ),
    ],
)
def test_object_and_array_rules(schema: dict[str, Any], value: Any, expected: list[str]) -> None:
    assert errors_of({"x": value}, {"type": "object", "properties": {"x": schema}}) == expected


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        pytest.param("date", "2024-02-29", "2023-02-29", id="date"),
        pytest.param("date-time", "2024-05-01T10:00:00.5+02:00", "2024-05-01 10:00:00", id="date-time"),
        pytest.param("duration", "3 days", "3 fortnights", id="duration-scala-style"),
        pytest.param("duration", "1h30m", "1h30", id="duration-go-style"),
        pytest.param("byte", "aGVsbG8=", "hello!", id="byte"),
        pytest.param("uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567", id="uuid"),
        pytest.param(
            "uuid4", "123e4567-e89b-42d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000", id="uuid4"
        ),
        pytest.param("ipv4", "10.0.0.1", "10.0.0.256", id="ipv4"),
        pytest.param("ipv6", "fd00::1", "10.0.0.1", id="ipv6"),
        pytest.param("cidr", "10.0.0.0/8", "10.0.0.0", id="cidr"),
        pytest.param("mac", "01:23:45:67:89:ab", "01:23:45:67:89", id="mac"),
        pytest.param("hostname", "api.example.com", "-bad-.com", id="hostname"),
        pytest.param("email", "ops@example.com", "not an email", id="email"),
        pytest.param("uri", "https://example.com/x", "example dot com", id="uri"),
        pytest.param("hexcolor", "#a0f", "#ggg", id="hexcolor"),
        pytest.param("rgbcolor", "rgb(1, 2, 255)", "rgb(1,2,256)", id="rgbcolor"),
        pytest.param("ssn", "123-45-6789", "123456789", id="ssn"),
        pytest.param("bsonobjectid", "507f1f77bcf86cd799439011", "507f", id="bsonobjectid"),
    ],
)
def test_formats(fmt: str, good: str, bad: str) -> None:
    schema = {"type": "object", "properties": {"v": {"type": "string", "format": fmt}}}
    assert errors_of({"v": good}, schema) == []
    assert errors_of({"v": bad}, schema) == [f'v: Invalid value: "{bad}": v in body must be of type {fmt}: "{bad}"']


def test_unknown_formats_are_ignored() -> None:
    schema = {"type": "object", "properties": {"v": {"type": "string", "format": "k8s-quantity"}}}
    assert errors_of({"v": "anything"}, schema) == []


JUNCTORS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
            "not": {"required": ["c"]},
        },
        "size": {"type": "string", "anyOf": [{"pattern": "^[0-9]+$"}, {"pattern": "^[0-9]+Gi$"}]},
        "both": {"type": "integer", "allOf": [{"minimum": 1}, {"maximum": 3}]},
    },
}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        pytest.param({"spec": {"a": "x"}, "size": "10Gi", "both": 2}, [], id="valid"),
        pytest.param(
            {"spec": {"a": "x", "b": "y"}},
            [
                '<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). '
                "Found 2 valid alternatives"
            ],
            id="one-of-two-match",
        ),
        pytest.param(
            {"spec": {}},
            [
                '<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid',
                "spec.a: Required value",
            ],
            id="one-of-none-match",
        ),
        pytest.param(
            {"spec": {"a": "x", "c": "z"}},
            ['<nil>: Invalid value: "": "spec" must not validate the schema (not)'],
            id="not",
        ),
        pytest.param(
            {"size": "ten"},
            [
                '<nil>: Invalid value: "": "size" must validate at least one schema (anyOf)',
                "size: Invalid value: \"ten\": size in body should match '^[0-9]+$'",
            ],
            id="any-of",
        ),
        pytest.param(
            {"both": 4},
            [
                "both: Invalid value: 4: both in body should be less than or equal to 3",
                '<nil>: Invalid value: "": "both" must validate all the schemas (allOf)',
            ],
            id="all-of",
        ),
    ],
)
def test_logical_junctors(obj: dict[str, Any], expected: list[str]) -> None:
    assert errors_of(obj, JUNCTORS) == expected


def test_validate_with_a_path_prefix_as_for_defaults() -> None:
    schema = {"type": "integer"}
    assert [e.render() for e in validate("x", schema, "spec.versions[0].schema.openAPIV3Schema.default")] == [
        'spec.versions[0].schema.openAPIV3Schema.default: Invalid value: "string":  in body must be of type integer: '
        '"string"'
    ]
