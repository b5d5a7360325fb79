"""The v3 -> v2 conversion of schemas (built-in and CRD), the whole v2 document, and its gnostic protobuf form."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from kubelite.apiserver.builtins import builtin_resources
from kubelite.apiserver.crd.resources import resource_types
from kubelite.apiserver.openapi.builtin import builtin_schemas
from kubelite.apiserver.openapi.documents import OpenAPIDocuments
from kubelite.apiserver.openapi.gnostic import encode_document, schema
from kubelite.apiserver.openapi.v2 import (
    OpenAPIV2,
    convert_crd_schema,
    convert_schema,
    custom_definitions,
)
from kubelite.apiserver.protobuf import iter_fields
from kubelite.apiserver.registry import Registry

pytestmark = pytest.mark.unit

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                        },
                    }
                },
            }
        ],
    },
}


def schemas_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema node of a schema: properties' values, items, additionalProperties, allOf members."""
    if not isinstance(node, dict):
        return
    yield node
    for sub in (node.get("properties") or {}).values():
        yield from schemas_in(sub)
    for key in ("items", "additionalProperties"):
        yield from schemas_in(node.get(key))
    for sub in node.get("allOf") or ():
        yield from schemas_in(sub)


# --- Built-in schemas --------------------------------------------------------------------------------------------


def test_references_point_at_definitions() -> None:
    v3 = {"properties": {"metadata": {"$ref": "#/components/schemas/" + OBJECT_META}}, "type": "object"}
    assert convert_schema(v3) == {
        "properties": {"metadata": {"$ref": "#/definitions/" + OBJECT_META}},
        "type": "object",
    }


def test_a_lone_allof_reference_becomes_the_reference_with_its_siblings() -> None:
    strategy = builtin_schemas()["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]
    assert convert_schema(strategy) == {
        "$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentStrategy",
        "x-kubernetes-patch-strategy": "retainKeys",
    }


def test_int_or_string_and_quantity_become_strings() -> None:
    schemas = builtin_schemas()
    assert convert_schema(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]) == {
        "format": "int-or-string",
        "type": "string",
    }
    assert convert_schema(schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]) == {"type": "string"}


def test_v3_only_keywords_are_dropped_but_properties_of_those_names_are_kept() -> None:
    v3 = {
        "nullable": True,
        "anyOf": [{"type": "integer"}, {"type": "boolean"}],
        "not": {"type": "string"},
        "writeOnly": True,
        "discriminator": {"propertyName": "kind"},
        "x-kubernetes-list-type": "atomic",
    }
    assert convert_schema(v3) == {"x-kubernetes-list-type": "atomic"}  # mixed union: no single type

    props = builtin_schemas()["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]
    converted = convert_schema(props)["properties"]
    assert {"$ref", "nullable", "anyOf", "oneOf", "not", "allOf"} <= set(converted)
    assert converted["$ref"] == {"type": "string"}


def test_the_input_is_not_changed() -> None:
    schemas = builtin_schemas()
    before = copy.deepcopy(dict(schemas))
    for definition in schemas.values():
        convert_schema(definition)
    assert dict(schemas) == before


# --- CRD schemas -------------------------------------------------------------------------------------------------


def test_crd_junctors_are_stripped() -> None:
    v3 = {
        "type": "object",
        "properties": {
            "port": {"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]},
            "mode": {"type": "string", "oneOf": [{"pattern": "^a"}], "not": {"enum": ["b"]}, "allOf": [{}]},
        },
    }
    assert convert_crd_schema(v3) == {
        "type": "object",
        "properties": {"port": {"x-kubernetes-int-or-string": True}, "mode": {"type": "string"}},
    }


def test_nullable_loses_type_items_and_properties_and_leaves_required() -> None:
    v3 = {
        "type": "object",
        "required": ["note", "size"],
        "properties": {
            "note": {"type": "object", "nullable": True, "properties": {"a": {"type": "string"}}},
            "list": {"type": "array", "nullable": True, "items": {"type": "string"}},
            "size": {"type": "integer"},
        },
    }
    assert convert_crd_schema(v3) == {
        "type": "object",
        "required": ["size"],
        "properties": {"note": {}, "list": {}, "size": {"type": "integer"}},
    }
    only_nullable = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "nullable": True}}}
    assert "required" not in convert_crd_schema(only_nullable)
    nullable_values = {
        "type": "object",
        "required": ["a"],
        "additionalProperties": {"type": "string", "nullable": True},
    }
    assert convert_crd_schema(nullable_values) == {"type": "object", "additionalProperties": {}}


def test_preserve_unknown_fields_drops_properties_items_and_the_object_type() -> None:
    v3 = {
        "type": "object",
        "properties": {
            "extra": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "properties": {"known": {"type": "string"}},
            },
            "anything": {"type": "array", "x-kubernetes-preserve-unknown-fields": True, "items": {"type": "string"}},
        },
    }
    assert convert_crd_schema(v3) == {
        "type": "object",
        "properties": {
            "extra": {"x-kubernetes-preserve-unknown-fields": True},
            "anything": {"x-kubernetes-preserve-unknown-fields": True},
        },
    }


def test_embedded_resources_get_type_meta_and_metadata() -> None:
    v3 = {
        "type": "object",
        "x-kubernetes-embedded-resource": True,
        "properties": {"spec": {"type": "object", "properties": {}}},
    }
    converted = convert_crd_schema(v3)
    assert set(converted["properties"]) == {"spec", "apiVersion", "kind", "metadata"}
    assert converted["required"] == ["kind", "apiVersion"]
    preserving = {
        "type": "object",
        "x-kubernetes-embedded-resource": True,
        "x-kubernetes-preserve-unknown-fields": True,
    }
    assert "properties" not in convert_crd_schema(preserving)


def test_custom_definitions_of_a_kind_and_its_list() -> None:
    (rt,) = resource_types(CRD)
    definitions = custom_definitions(rt)
    widget = definitions["com.example.v1.Widget"]
    assert widget["type"] == "object"
    assert widget["properties"]["metadata"] == {"$ref": "#/definitions/" + OBJECT_META}
    assert widget["properties"]["apiVersion"] == widget["properties"]["kind"] == {"type": "string"}
    assert widget["properties"]["spec"] == {"type": "object", "properties": {"size": {"type": "integer"}}}
    assert widget["x-kubernetes-group-version-kind"] == [{"group": "example.com", "kind": "Widget", "version": "v1"}]
    widget_list = definitions["com.example.v1.WidgetList"]
    assert widget_list["properties"]["items"]["items"] == {"$ref": "#/definitions/com.example.v1.Widget"}
    assert widget_list["x-kubernetes-group-version-kind"][0]["kind"] == "WidgetList"


def test_a_crd_without_a_structural_root_is_a_bare_object() -> None:
    crd = copy.deepcopy(CRD)
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = {
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": True,
        "properties": {"spec": {"type": "object"}},
    }
    (rt,) = resource_types(crd)
    assert custom_definitions(rt)["com.example.v1.Widget"] == {
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}],
    }


# --- The document --------------------------------------------------------------------------------------------------


@pytest.fixture
def registry() -> Registry:
    registry = Registry()
    registry.register_all(builtin_resources())
    return registry


def test_the_document_is_closed_and_v2_only(registry: Registry) -> None:
    document = OpenAPIV2(OpenAPIDocuments(registry)).get().document
    assert document["swagger"] == "2.0"
    definitions = document["definitions"]
    for name in ("io.k8s.api.core.v1.ConfigMap", "io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.PodSpec"):
        assert name in definitions
    assert definitions["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
    text = json.dumps(document)
    assert "#/components/" not in text
    refs = {node["$ref"] for d in definitions.values() for node in schemas_in(d) if "$ref" in node}
    assert refs and all(ref.removeprefix("#/definitions/") in definitions for ref in refs)
    for definition in definitions.values():
        for node in schemas_in(definition):
            assert not {"oneOf", "anyOf", "not", "nullable"} & set(node), node
            assert node.get("type") != "array" or "items" in node, node  # kubectl refuses arrays without items
    for item in document["paths"].values():
        for operation in (v for k, v in item.items() if k != "parameters"):
            for parameter in operation["parameters"]:
                assert parameter["in"] in ("body", "query", "path")
                assert ("schema" in parameter) == (parameter["in"] == "body")


def test_the_document_follows_the_registry(registry: Registry) -> None:
    v2 = OpenAPIV2(OpenAPIDocuments(registry))
    first = v2.get()
    assert v2.get() is first
    assert "com.example.v1.Widget" not in first.document["definitions"]
    registry.register_all(resource_types(CRD))
    second = v2.get()
    assert second is not first and "com.example.v1.Widget" in second.document["definitions"]
    assert "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}" in second.document["paths"]
    assert second.json.etag != first.json.etag and second.protobuf.etag != first.protobuf.etag


def test_negotiation(registry: Registry) -> None:
    v2 = OpenAPIV2(OpenAPIDocuments(registry))
    assert v2.negotiate(PROTOBUF) is v2.get().protobuf
    assert v2.negotiate("application/com.github.proto-openapi.spec.v2.v1.0+protobuf") is v2.get().protobuf
    assert v2.negotiate("application/json") is v2.get().json
    assert v2.negotiate(None) is v2.get().json
    assert v2.negotiate("application/json, */*") is v2.get().json
    assert v2.negotiate("text/html, application/*;q=0.5") is v2.get().json
    assert v2.negotiate("text/html") is None
    assert v2.negotiate("application/vnd.kubernetes.protobuf") is None


# --- Protobuf ----------------------------------------------------------------------------------------------------


def fields(data: bytes) -> list[tuple[int, Any]]:
    return [(number, value) for number, _, value in iter_fields(data)]


def named(data: bytes) -> tuple[str, bytes]:
    parts = dict(fields(data))
    return parts[1].decode(), parts[2]


def test_protobuf_document(registry: Registry) -> None:
    encoded = OpenAPIV2(OpenAPIDocuments(registry)).get().protobuf.body
    top = fields(encoded)
    assert top[0] == (1, b"2.0")
    info = dict(fields(dict(top)[2]))
    assert info[1] == b"Kubernetes" and info[2].startswith(b"v1.")
    definitions = dict(named(value) for _, value in fields(dict(top)[9]))
    assert "io.k8s.api.core.v1.ConfigMap" in definitions
    configmap = fields(definitions["io.k8s.api.core.v1.ConfigMap"])
    vendor = dict(named(v) for n, v in configmap if n == 31)
    gvk_yaml = dict(fields(vendor["x-kubernetes-group-version-kind"]))[2].decode()
    assert yaml.safe_load(gvk_yaml) == [{"group": "", "kind": "ConfigMap", "version": "v1"}]
    assert (22, b"\x0a\x06object") in configmap  # type: TypeItem{value: ["object"]}
    properties = dict(named(v) for _, v in fields(dict(configmap)[25]))
    assert fields(properties["metadata"]) == [(1, b"#/definitions/" + OBJECT_META.encode())]
    paths = dict(named(v) for n, v in fields(dict(top)[8]) if n == 2)
    patch = dict(fields(paths["/api/v1/namespaces/{namespace}/configmaps/{name}"]))[8]
    query_names = set()
    for number, parameter in fields(patch):
        if number == 8:  # ParametersItem -> Parameter -> NonBodyParameter -> QueryParameterSubSchema
            ((kind, value),) = fields(dict(fields(parameter))[1])
            if kind == 2:
                ((sub, query),) = fields(value)
                assert sub == 3
                query_names.add(dict(fields(query))[4].decode())
    assert "fieldValidation" in query_names


def test_protobuf_schema_scalars() -> None:
    encoded = fields(
        schema(
            {
                "type": "object",
                "properties": {},
                "additionalProperties": False,
                "minimum": -1.5,
                "minLength": -1,
                "maxItems": 300,
                "uniqueItems": True,
                "required": ["a", "b"],
                "enum": ["x", 1],
                "nullable": True,
                "x-kubernetes-list-type": "set",
            }
        )
    )
    assert (25, b"") in encoded  # present, empty properties: kubectl tells an empty kind from a map by it
    assert (21, b"\x10\x00") in encoded  # additionalProperties: {boolean: false}
    assert (9, 0xBFF8000000000000) in encoded  # minimum, a little-endian double
    assert (12, 0xFFFF_FFFF_FFFF_FFFF) in encoded  # int64 -1
    assert (14, 300) in encoded and (16, 1) in encoded
    assert [v for n, v in encoded if n == 19] == [b"a", b"b"]
    assert [yaml.safe_load(dict(fields(v))[2]) for n, v in encoded if n == 20] == ["x", 1]
    assert {n for n, _ in encoded} == {21, 22, 25, 9, 12, 14, 16, 19, 20, 31}


def test_encode_document_writes_security() -> None:
    document = {
        "swagger": "2.0",
        "securityDefinitions": {"BearerToken": {"type": "apiKey", "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    }
    top = dict(fields(encode_document(document)))
    name, item = named(dict(fields(top[13]))[1])
    assert name == "BearerToken"
    api_key = dict(fields(dict(fields(item))[2]))
    assert api_key == {1: b"apiKey", 2: b"authorization", 3: b"header"}
    assert named(dict(fields(top[12]))[1]) == ("BearerToken", b"")
