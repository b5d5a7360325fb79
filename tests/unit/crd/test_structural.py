"""CRDs and their schemas are validated as apiextensions-apiserver validates them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apiserver.crd.structural import validate_crd, validate_crd_update, validate_structural

pytestmark = pytest.mark.unit

ROOT = "spec.versions[0].schema.openAPIV3Schema"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "properties": {
                "replicas": {"type": "integer", "default": 1, "minimum": 0},
                "port": {"x-kubernetes-int-or-string": True},
                "size": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True},
                "selector": {"type": "object", "additionalProperties": {"type": "string"}},
                "ports": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}, "port": {"type": "integer"}},
                    },
                },
                "template": {
                    "type": "object",
                    "x-kubernetes-embedded-resource": True,
                    "x-kubernetes-preserve-unknown-fields": True,
                },
                "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            },
            "oneOf": [{"required": ["port"]}, {"required": ["size"]}],
        },
        "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
    },
}


def crd(**spec: Any) -> dict[str, Any]:
    base = {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": copy.deepcopy(SCHEMA)},
                "subresources": {
                    "status": {},
                    "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"},
                },
                "additionalPrinterColumns": [{"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"}],
            }
        ],
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": base | spec,
    }


def structural(schema: dict[str, Any]) -> list[str]:
    return [e.render() for e in validate_structural(schema, ROOT)]


def rendered(obj: dict[str, Any]) -> list[str]:
    return [e.render() for e in validate_crd(obj)]


# ------------------------------------------------------------------------------------------------ structural schemas


def test_a_realistic_schema_is_structural() -> None:
    assert structural(SCHEMA) == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(
            {"properties": {"spec": {"type": "object"}}},
            [f"{ROOT}.type: Required value: must not be empty at the root"],
            id="root-without-type",
        ),
        pytest.param(
            {"type": "string"},
            [f'{ROOT}.type: Invalid value: "string": must be object at the root'],
            id="root-not-object",
        ),
        pytest.param(
            {"type": "object", "properties": {"spec": {"properties": {"a": {"type": "string"}}}}},
            [f"{ROOT}.properties[spec].type: Required value: must not be empty for specified object fields"],
            id="field-without-type",
        ),
        pytest.param(
            {"type": "object", "properties": {"l": {"type": "array", "items": {}}}},
            [f"{ROOT}.properties[l].items.type: Required value: must not be empty for specified array items"],
            id="items-without-type",
        ),
        pytest.param(
            {"type": "object", "properties": {"l": {"type": "array"}}},
            [f"{ROOT}.properties[l].items: Required value: must be specified"],
            id="array-without-items",
        ),
        pytest.param(
            {"type": "object", "additionalProperties": {"type": "string"}},
            [f"{ROOT}.additionalProperties: Forbidden: must not be used at the root"],
            id="additional-properties-at-root",
        ),
        pytest.param(
            {"type": "object", "properties": {"e": {"type": "string", "x-kubernetes-embedded-resource": True}}},
            [
                f"{ROOT}.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource "
                "is true without x-kubernetes-preserve-unknown-fields",
                f'{ROOT}.properties[e].type: Invalid value: "string": '
                "must be object if x-kubernetes-embedded-resource is true",
            ],
            id="embedded-resource-not-object",
        ),
        pytest.param(
            {"type": "object", "properties": {"kind": {"type": "integer"}}},
            [f'{ROOT}.properties[kind].type: Invalid value: "integer": must be string'],
            id="kind-not-string",
        ),
        pytest.param(
            {"type": "object", "properties": {"metadata": {"type": "string"}}},
            [f'{ROOT}.properties[metadata].type: Invalid value: "string": must be object'],
            id="metadata-not-object",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {
                    "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}}}
                },
            },
            [],
            id="metadata-may-restrict-name",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {"metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}},
            },
            [
                f"{ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, "
                "but metadata is implicitly specified"
            ],
            id="metadata-may-not-restrict-labels",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {"p": {"x-kubernetes-int-or-string": True, "x-kubernetes-preserve-unknown-fields": True}},
            },
            [
                f"{ROOT}.properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: true: "
                "must be false if x-kubernetes-int-or-string is true"
            ],
            id="int-or-string-and-preserve",
        ),
        pytest.param(
            {"type": "object", "properties": {"p": {"type": "string", "pattern": "(unclosed"}}},
            [f'{ROOT}.properties[p].pattern: Invalid value: "(unclosed": must be a valid regular expression'],
            id="bad-pattern",
        ),
    ],
)
def test_structural_rules(schema: dict[str, Any], expected: list[str]) -> None:
    problems = structural(schema)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


def test_junctors_may_only_restrict() -> None:
    schema = {
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}},
        "anyOf": [
            {
                "type": "object",
                "description": "nope",
                "properties": {"spec": {"properties": {"a": {"default": "x", "nullable": True}}}},
            },
            {"properties": {"metadata": {"required": ["name"]}}},
        ],
    }
    assert structural(schema) == sorted(
        [
            f"{ROOT}.anyOf[0].description: Forbidden: must be empty to be structural",
            f"{ROOT}.anyOf[0].type: Forbidden: must be empty to be structural",
            f"{ROOT}.anyOf[0].properties[spec].properties[a].default: Forbidden: must be undefined to be structural",
            f"{ROOT}.anyOf[0].properties[spec].properties[a].nullable: Forbidden: must be false to be structural",
            f"{ROOT}.anyOf[1].properties[metadata]: Forbidden: must not be specified in a nested context",
            f"{ROOT}.properties[metadata]: Required value: "
            f"because it is defined in {ROOT}.anyOf[1].properties[metadata]",
        ]
    )


def test_junctors_may_not_introduce_fields() -> None:
    schema = {"type": "object", "properties": {"spec": {"type": "object"}}, "oneOf": [{"properties": {"extra": {}}}]}
    assert structural(schema) == [
        f"{ROOT}.properties[extra]: Required value: because it is defined in {ROOT}.oneOf[0].properties[extra]"
    ]


@pytest.mark.parametrize(
    "node",
    [
        pytest.param({"anyOf": [{"type": "integer"}, {"type": "string"}]}, id="any-of"),
        pytest.param({"allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}, {"pattern": "^x"}]}, id="all-of"),
    ],
)
def test_the_int_or_string_patterns_are_allowed(node: dict[str, Any]) -> None:
    schema = {"type": "object", "properties": {"v": {"x-kubernetes-int-or-string": True} | node}}
    assert structural(schema) == []


def test_structural_errors_are_sorted() -> None:
    schema = {"properties": {"b": {}, "a": {}}}
    problems = structural(schema)
    assert problems == sorted(problems)
    assert len(problems) == 3


# ------------------------------------------------------------------------------------------------------------- CRDs


def test_a_realistic_crd_is_valid() -> None:
    assert rendered(crd()) == []


def test_the_name_must_be_plural_dot_group() -> None:
    obj = crd()
    obj["metadata"]["name"] = "widget.example.com"
    assert rendered(obj) == [
        'metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group'
    ]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({"group": ""}, ["spec.group: Required value"], id="group-missing"),
        pytest.param(
            {"group": "example"},
            ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
            id="group-without-dot",
        ),
        pytest.param({"scope": ""}, ["spec.scope: Required value"], id="scope-missing"),
        pytest.param(
            {"scope": "Global"},
            ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'],
            id="scope-unknown",
        ),
        pytest.param(
            {"conversion": {"strategy": "Webhook", "webhook": {"clientConfig": {"url": "https://x"}}}},
            ['spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None"'],
            id="webhook-conversion-unsupported",
        ),
        pytest.param({"conversion": {"strategy": "None"}}, [], id="none-conversion"),
        pytest.param(
            {"conversion": {"strategy": "None", "webhook": {"clientConfig": {}}}},
            ["spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook"],
            id="webhook-config-without-webhook",
        ),
        pytest.param(
            {"preserveUnknownFields": True},
            [
                "spec.preserveUnknownFields: Invalid value: true: cannot set to true, set "
                "x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"
            ],
            id="preserve-unknown-fields",
        ),
    ],
)
def test_spec_rules(spec: dict[str, Any], expected: list[str]) -> None:
    obj = crd(**spec)
    if "group" in spec:
        obj["metadata"]["name"] = f"widgets.{spec['group']}"
    problems = [p for p in rendered(obj) if not p.startswith("metadata.name")]
    assert problems == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(
            {"plural": "widgets", "kind": "Widget"},
            ["spec.names.singular: Required value", "spec.names.listKind: Required value"],
            id="names-missing",
        ),
        pytest.param(
            {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "Widget"},
            ['spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'],
            id="kind-equals-list-kind",
        ),
        pytest.param(
            {"plural": "widgets", "singular": "widget", "kind": "My_Widget", "listKind": "WidgetList"},
            [
                'spec.names.kind: Invalid value: "My_Widget": '
                "may have mixed case, but should otherwise match: a DNS-1035"
            ],
            id="kind-not-a-label",
        ),
        pytest.param(
            {
                "plural": "widgets",
                "singular": "widget",
                "kind": "Widget",
                "listKind": "WidgetList",
                "shortNames": ["w-"],
            },
            ['spec.names.shortNames[0]: Invalid value: "w-": a DNS-1035 label'],
            id="short-name",
        ),
    ],
)
def test_names_rules(names: dict[str, Any], expected: list[str]) -> None:
    problems = rendered(crd(names=names))
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


def version(**changes: Any) -> dict[str, Any]:
    return crd()["spec"]["versions"][0] | changes


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        pytest.param(
            [version(storage=False)], ["must have exactly one version marked as storage version"], id="no-storage"
        ),
        pytest.param(
            [version(), version(name="v2")],
            ["must have exactly one version marked as storage version"],
            id="two-storage",
        ),
        pytest.param([version(), version(storage=False)], ["must contain unique version names"], id="duplicate-names"),
        pytest.param([], ["must have exactly one version marked as storage version"], id="no-versions"),
        pytest.param(
            [version(name="V1")], ['spec.versions[0].name: Invalid value: "V1": a DNS-1035 label'], id="bad-name"
        ),
        pytest.param(
            [version(schema=None)],
            [f"{ROOT}: Required value: schemas are required"],
            id="schema-missing",
        ),
        pytest.param(
            [version(deprecationWarning="old")],
            ['spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions'],
            id="warning-without-deprecation",
        ),
        pytest.param([version(served=False)], [], id="unserved-is-fine-upstream"),
    ],
)
def test_version_rules(versions: list[dict[str, Any]], expected: list[str]) -> None:
    problems = rendered(crd(versions=versions))
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem


@pytest.mark.parametrize(
    ("subresources", "expected"),
    [
        pytest.param(
            {"scale": {"specReplicasPath": "spec.replicas", "statusReplicasPath": ".status.replicas"}},
            [
                'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: "spec.replicas": '
                "must be a simple json path starting with ."
            ],
            id="path-without-dot",
        ),
        pytest.param(
            {"scale": {"specReplicasPath": ".status.replicas", "statusReplicasPath": ".spec.replicas"}},
            [
                'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": '
                "should be a json path under .spec",
                'spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": '
                "should be a json path under .status",
            ],
            id="paths-swapped",
        ),
        pytest.param(
            {"scale": {"labelSelectorPath": ".metadata.labels"}},
            [
                "spec.versions[0].subresources.scale.specReplicasPath: Required value",
                "spec.versions[0].subresources.scale.statusReplicasPath: Required value",
                'spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": '
                "should be a json path under either .spec or .status",
            ],
            id="missing-paths-and-bad-selector",
        ),
    ],
)
def test_scale_subresource(subresources: dict[str, Any], expected: list[str]) -> None:
    assert rendered(crd(versions=[version(subresources=subresources)])) == expected


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param(
            {"name": "", "type": "", "jsonPath": ""},
            [
                "spec.versions[0].additionalPrinterColumns[0].name: Required value",
                "spec.versions[0].additionalPrinterColumns[0].type: Required value: "
                "must be one of boolean,date,integer,number,string",
                "spec.versions[0].additionalPrinterColumns[0].JSONPath: Required value",
            ],
            id="everything-missing",
        ),
        pytest.param(
            {"name": "Age", "type": "time", "format": "epoch", "jsonPath": "metadata.creationTimestamp"},
            [
                'spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "time": '
                "must be one of boolean,date,integer,number,string",
                'spec.versions[0].additionalPrinterColumns[0].format: Invalid value: "epoch": '
                "must be one of byte,date,date-time,double,float,int32,int64,password",
                'spec.versions[0].additionalPrinterColumns[0].JSONPath: Invalid value: "metadata.creationTimestamp": '
                "must be a simple json path starting with .",
            ],
            id="bad-type-format-and-path",
        ),
    ],
)
def test_printer_columns(column: dict[str, Any], expected: list[str]) -> None:
    assert rendered(crd(versions=[version(additionalPrinterColumns=[column])])) == expected


def with_schema(schema: dict[str, Any], **version_changes: Any) -> list[str]:
    return rendered(crd(versions=[version(schema={"openAPIV3Schema": schema}, **version_changes)]))


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(
            {
                "type": "object",
                "properties": {"spec": {"type": "object", "properties": {"r": {"type": "integer", "default": "one"}}}},
            },
            [
                f'{ROOT}.properties[spec].properties[r].default: Invalid value: "string":  in body must be of type '
                'integer: "string"'
            ],
            id="default-of-wrong-type",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {
                    "spec": {"type": "object", "default": {"a": 1}, "properties": {"b": {"type": "integer"}}}
                },
            },
            [f"{ROOT}.properties[spec].default: Invalid value: "],
            id="default-with-unknown-fields",
        ),
        pytest.param(
            {"type": "object", "properties": {"metadata": {"type": "object", "default": {}}}},
            [f"{ROOT}.properties[metadata].default: Forbidden: must not be set in top-level metadata"],
            id="default-in-top-level-metadata",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {"l": {"type": "array", "uniqueItems": True, "items": {"type": "string"}}},
            },
            [
                f"{ROOT}.properties[l].uniqueItems: Forbidden: "
                "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
            ],
            id="unique-items",
        ),
        pytest.param(
            {
                "type": "object",
                "properties": {
                    "m": {
                        "type": "object",
                        "properties": {"a": {"type": "string"}},
                        "additionalProperties": {"type": "string"},
                    }
                },
            },
            [
                f"{ROOT}.properties[m].additionalProperties: Forbidden: "
                "additionalProperties and properties are mutual exclusive"
            ],
            id="properties-and-additional-properties",
        ),
        pytest.param(
            {"type": "object", "properties": {"s": {"type": "string", "$ref": "#/definitions/x"}}},
            [f"{ROOT}.properties[s].$ref: Forbidden: $ref is not supported"],
            id="ref",
        ),
        pytest.param(
            {"type": "object", "properties": {"s": {"type": "date"}}},
            [
                f'{ROOT}.properties[s].type: Unsupported value: "date": '
                'supported values: "array", "boolean", "integer", "number", "object", "string"'
            ],
            id="unknown-type",
        ),
        pytest.param(
            {"type": "object", "properties": {"s": {"type": "string", "x-kubernetes-preserve-unknown-fields": False}}},
            [
                f"{ROOT}.properties[s].x-kubernetes-preserve-unknown-fields: Invalid value: false: "
                "must be true or undefined"
            ],
            id="preserve-false",
        ),
        pytest.param(
            {"type": "object", "nullable": True},
            [f"{ROOT}.nullable: Forbidden: nullable cannot be true at the root"],
            id="nullable-root",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-validations": [{"rule": " "}]},
            [f"{ROOT}.x-kubernetes-validations[0].rule: Required value: rule is not specified"],
            id="cel-rule-empty",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-validations": [{"rule": "self.a > 1"}]},
            [],
            id="cel-rule-accepted-not-evaluated",
        ),
    ],
)
def test_schema_rules(schema: dict[str, Any], expected: list[str]) -> None:
    problems = with_schema(schema, subresources={})
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(
            {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "items": {"type": "object", "properties": {"n": {"type": "string"}}},
            },
            [".x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"],
            id="map-without-keys",
        ),
        pytest.param(
            {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["n"],
                "items": {"type": "object", "properties": {"n": {"type": "string"}}},
            },
            [
                ".items.properties[n].default: Required value: this property is in x-kubernetes-list-map-keys, "
                "so it must have a default or be a required property"
            ],
            id="map-key-neither-required-nor-defaulted",
        ),
        pytest.param(
            {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["missing"],
                "items": {"type": "object", "properties": {"n": {"type": "string"}}},
            },
            [".x-kubernetes-list-map-keys: Invalid value: "],
            id="map-key-not-a-property",
        ),
        pytest.param(
            {"type": "object", "x-kubernetes-list-type": "set"},
            ['.type: Invalid value: "object": must be array if x-kubernetes-list-type is specified'],
            id="list-type-on-object",
        ),
        pytest.param(
            {"type": "array", "x-kubernetes-list-type": "bag", "items": {"type": "string"}},
            ['.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"'],
            id="unknown-list-type",
        ),
        pytest.param(
            {
                "type": "array",
                "x-kubernetes-list-type": "set",
                "items": {"type": "object", "properties": {"a": {"type": "string"}}},
            },
            [
                ".items.x-kubernetes-map-type: Invalid value: null: "
                "must be atomic as item of a list with x-kubernetes-list-type=set"
            ],
            id="set-of-granular-objects",
        ),
    ],
)
def test_list_type_rules(node: dict[str, Any], expected: list[str]) -> None:
    problems = with_schema({"type": "object", "properties": {"l": node}}, subresources={})
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected, strict=True):
        assert problem.startswith(f"{ROOT}.properties[l]{fragment}")


def test_with_a_status_subresource_the_root_may_only_use_some_keywords() -> None:
    schema = {
        "type": "object",
        "properties": {"spec": {"type": "object"}},
        "x-kubernetes-preserve-unknown-fields": True,
    }
    assert with_schema(schema) == []
    problems = with_schema(schema | {"anyOf": [{"required": ["spec"]}]})
    assert len(problems) == 1
    assert problems[0].startswith(f"{ROOT}: Invalid value: ")
    assert problems[0].endswith(
        "only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength "
        "Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example "
        "XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource "
        "is enabled"
    )


def test_accepted_names_in_status_are_checked_too() -> None:
    obj = crd()
    obj["status"] = {"acceptedNames": {"plural": "Widgets"}}
    problems = rendered(obj)
    assert len(problems) == 1
    assert problems[0].startswith('status.acceptedNames.plural: Invalid value: "Widgets"')


# ----------------------------------------------------------------------------------------------------------- updates


def stored(established: bool) -> dict[str, Any]:
    obj = crd()
    obj["metadata"] |= {"uid": "u", "resourceVersion": "1", "creationTimestamp": "2024-01-01T00:00:00Z"}
    status = "True" if established else "False"
    obj["status"] = {"conditions": [{"type": "Established", "status": status}]}
    return obj


def updated(old: dict[str, Any], **spec: Any) -> list[str]:
    new = copy.deepcopy(old)
    new["spec"] |= spec
    return [e.render() for e in validate_crd_update(new, old)]


def test_an_unchanged_update_is_valid() -> None:
    assert updated(stored(True)) == []


@pytest.mark.parametrize(
    ("change", "established", "expected"),
    [
        pytest.param(
            {"group": "other.com"}, False, ['spec.group: Invalid value: "other.com": field is immutable'], id="group"
        ),
        pytest.param(
            {"names": {"plural": "gadgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"}},
            False,
            ['spec.names.plural: Invalid value: "gadgets": field is immutable'],
            id="plural",
        ),
        pytest.param(
            {"scope": "Cluster"},
            True,
            ['spec.scope: Invalid value: "Cluster": field is immutable'],
            id="scope-established",
        ),
        pytest.param({"scope": "Cluster"}, False, [], id="scope-before-established"),
        pytest.param(
            {"names": {"plural": "widgets", "singular": "widget", "kind": "Gadget", "listKind": "WidgetList"}},
            True,
            ['spec.names.kind: Invalid value: "Gadget": field is immutable'],
            id="kind-established",
        ),
    ],
)
def test_update_immutability(change: dict[str, Any], established: bool, expected: list[str]) -> None:
    assert updated(stored(established), **change) == expected
