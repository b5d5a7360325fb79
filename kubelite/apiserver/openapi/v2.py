"""The OpenAPI v2 (Swagger 2.0) document kube-apiserver serves at ``/openapi/v2``, converted from the v3 documents.

kubectl still reads it: client-side validation (``--validate``, on by default) of anything whose kind the v3
documents cannot vouch for, notably a ``kind: List`` (``kubectl apply -f`` of ``kubectl get -o yaml`` output), looks
each item's kind up in ``definitions`` by ``x-kubernetes-group-version-kind`` and checks it for unknown and missing
fields; ``kubectl explain --output=plaintext-openapiv2`` reads it too. client-go asks for protobuf only (see
:mod:`.gnostic`), so the document is served as gnostic protobuf to that media type and as JSON to everyone else.

Conversion from v3, as kube-apiserver publishes the same schemas in v2:

* ``#/components/schemas/X`` references become ``#/definitions/X``; a lone ``allOf: [{$ref}]`` (v3's way to put
  siblings such as ``x-kubernetes-patch-strategy`` beside a reference) becomes the ``$ref`` itself;
* v2 has no ``oneOf``, ``anyOf``, ``not`` or ``nullable``: unions are dropped, and a union of primitive types
  becomes ``type: string`` when a string is among them (``IntOrString`` is ``type: string, format:
  int-or-string``, ``Quantity`` is ``type: string``), as upstream's Go types declare themselves to v2;
* custom resources get their CRD schema published the way apiextensions-apiserver's ``ToStructuralOpenAPIV2``
  does: junctors (``allOf``, ``oneOf``, ``anyOf``, ``not``) removed; a ``nullable`` node loses its type, items
  and properties; an ``x-kubernetes-preserve-unknown-fields`` node loses its items and properties (and its type
  when that is ``object``), since kubectl would otherwise refuse the unknown fields; an array left without
  items loses its type; fields that may be null leave ``required``. A CRD whose root preserves unknown fields
  (or has no schema) is published as a bare ``type: object``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver import codec
from kubelite.apiserver.openapi.documents import LIST_META, OBJECT_META, REF, OpenAPIDocuments, crd_definition_name
from kubelite.apiserver.openapi.gnostic import encode_document
from kubelite.apiserver.resources import ResourceType
from kubelite.version import KUBERNETES_MAJOR, KUBERNETES_MINOR

V2_REF = "#/definitions/"
#: The media type client-go asks for, and the one kube-apiserver answers with (``@`` is not valid in a media type).
PROTOBUF_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
PROTOBUF_ACCEPT_ALT = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PROTOBUF_CONTENT_TYPE = PROTOBUF_ACCEPT_ALT

#: Schema keywords Swagger 2.0 (and gnostic's Schema message) knows; others are v3-only and dropped.
_V2_KEYWORDS = frozenset(
    {
        "$ref",
        "format",
        "title",
        "description",
        "default",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "enum",
        "additionalProperties",
        "type",
        "items",
        "allOf",
        "properties",
        "discriminator",
        "readOnly",
        "xml",
        "externalDocs",
        "example",
    }
)
_JUNCTORS = ("allOf", "oneOf", "anyOf", "not")


# --- Schema conversion ----------------------------------------------------------------------------------------------


def convert_ref(ref: str) -> str:
    return V2_REF + ref.removeprefix(REF) if ref.startswith(REF) else ref


def convert_schema(node: Any) -> Any:
    """A v3 schema (a built-in definition or anything referencing one) in its v2 form; the input is not changed."""
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping) and set(all_of[0]) == {"$ref"}:
        out["$ref"] = convert_ref(all_of[0]["$ref"])
    elif isinstance(all_of, list):
        out["allOf"] = [convert_schema(s) for s in all_of]
    for key, value in node.items():
        if key in ("allOf", "oneOf", "anyOf", "not", "nullable"):
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = convert_ref(value)
        elif key == "properties" and isinstance(value, Mapping):
            out[key] = {name: convert_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = [convert_schema(s) for s in value] if isinstance(value, list) else convert_schema(value)
        elif key == "discriminator" and not isinstance(value, str):
            continue  # v3's discriminator object; v2's is a property name
        elif key in _V2_KEYWORDS or key.startswith("x-"):
            out[key] = value
    if "type" not in out and "$ref" not in out:
        union = [s.get("type") for s in node.get("oneOf") or node.get("anyOf") or () if isinstance(s, Mapping)]
        if "string" in union:
            out["type"] = "string"
        elif union and None not in union and len(set(union)) == 1:
            out["type"] = union[0]
    return out


def convert_crd_schema(node: Any) -> Any:
    """A structural CRD schema (from ``openAPIV3Schema``) as kube-apiserver publishes it in v2; the input is not
    changed."""
    if not isinstance(node, Mapping):
        return node
    s = {k: v for k, v in node.items() if k not in _JUNCTORS}
    if s.pop("nullable", False):
        for key in ("type", "items", "properties"):
            s.pop(key, None)
    if s.get("x-kubernetes-preserve-unknown-fields") is True:
        s.pop("items", None)
        s.pop("properties", None)
    if "items" not in s and s.get("type") == "array":
        del s["type"]
    if s.get("x-kubernetes-preserve-unknown-fields") is True and s.get("type") == "object":
        del s["type"]
    properties = s.get("properties")
    if isinstance(properties, Mapping):
        nullable = {k for k, v in properties.items() if isinstance(v, Mapping) and v.get("nullable") is True}
        if nullable and isinstance(s.get("required"), list):
            s["required"] = [r for r in s["required"] if r not in nullable]
        s["properties"] = {k: convert_crd_schema(v) for k, v in properties.items()}
    additional = s.get("additionalProperties")
    if isinstance(additional, Mapping):
        if additional.get("nullable") is True:
            s.pop("required", None)
        s["additionalProperties"] = convert_crd_schema(additional)
    if isinstance(s.get("items"), Mapping):
        s["items"] = convert_crd_schema(s["items"])
    if not s.get("required"):
        s.pop("required", None)
    _add_embedded_properties(s)
    return {k: v for k, v in s.items() if k in _V2_KEYWORDS or k.startswith("x-")}


def _add_embedded_properties(s: dict[str, Any]) -> None:
    """apiVersion, kind and metadata for ``x-kubernetes-embedded-resource`` objects, unless they preserve unknown
    fields (then kubectl must not learn of any property, or it would refuse the unknown ones)."""
    if s.get("x-kubernetes-embedded-resource") is not True or s.get("x-kubernetes-preserve-unknown-fields") is True:
        return
    properties = dict(s.get("properties") or {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"$ref": V2_REF + OBJECT_META}
    s["properties"] = properties
    required = list(s.get("required") or ())
    s["required"] = required + [k for k in ("kind", "apiVersion") if k not in required]


def _gvk(rt: ResourceType, kind: str) -> list[dict[str, str]]:
    return [{"group": rt.group, "kind": kind, "version": rt.version}]


def custom_definitions(rt: ResourceType) -> dict[str, Any]:
    """The v2 definitions of a custom kind and its list, as apiextensions-apiserver's v2 builder writes them."""
    name = crd_definition_name(rt.group, rt.version, rt.kind)
    root = rt.extra.get("openAPIV3Schema")
    kind: dict[str, Any]
    if not isinstance(root, Mapping) or root.get("x-kubernetes-preserve-unknown-fields") is True:
        # Properties here would make kubectl refuse every field the schema does not list.
        kind = {"type": "object"}
    else:
        kind = convert_crd_schema(root)
        properties = dict(kind.get("properties") or {})
        properties["apiVersion"] = {"type": "string"}
        properties["kind"] = {"type": "string"}
        properties["metadata"] = {"$ref": V2_REF + OBJECT_META}
        kind["properties"] = properties
        kind.setdefault("type", "object")
    kind["x-kubernetes-group-version-kind"] = _gvk(rt, rt.kind)
    return {
        name: kind,
        name + "List": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "apiVersion": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": V2_REF + name}},
                "kind": {"type": "string"},
                "metadata": {"$ref": V2_REF + LIST_META},
            },
            "x-kubernetes-group-version-kind": _gvk(rt, rt.list_kind),
        },
    }


# --- Paths ----------------------------------------------------------------------------------------------------------

_PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]


def convert_parameter(parameter: Mapping[str, Any]) -> dict[str, Any]:
    """A v3 query or path parameter as a v2 one (its schema's type and flags move up beside ``in``)."""
    out = {k: v for k, v in parameter.items() if k in ("name", "in", "description", "required")}
    schema = parameter.get("schema")
    if isinstance(schema, Mapping):
        out.update({k: v for k, v in schema.items() if k in ("type", "format", "uniqueItems", "items")})
    out.setdefault("type", "string")
    return out


def convert_operation(operation: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("description", "operationId", "tags"):
        if key in operation:
            out[key] = operation[key]
    body = operation.get("requestBody")
    if isinstance(body, Mapping) and isinstance(body.get("content"), Mapping):
        out["consumes"] = list(body["content"])
    out["produces"] = list(_PRODUCES)
    out["schemes"] = ["https"]
    parameters = []
    if isinstance(body, Mapping) and isinstance(body.get("content"), Mapping):
        schema = next((c.get("schema") for c in body["content"].values() if isinstance(c, Mapping)), None)
        parameters.append(
            {"name": "body", "in": "body", "required": bool(body.get("required")), "schema": convert_schema(schema)}
        )
    parameters += [convert_parameter(p) for p in operation.get("parameters") or ()]
    out["parameters"] = parameters
    responses = {}
    for code, response in (operation.get("responses") or {}).items():
        converted: dict[str, Any] = {"description": response.get("description", "")}
        content = response.get("content") or {}
        schema = next((c.get("schema") for c in content.values() if isinstance(c, Mapping)), None)
        if schema is not None:
            converted["schema"] = convert_schema(schema)
        responses[code] = converted
    out["responses"] = responses
    out.update({k: v for k, v in operation.items() if k.startswith("x-")})
    return out


def convert_path_item(item: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key == "parameters":
            out[key] = [convert_parameter(p) for p in value]
        elif key in ("get", "put", "post", "delete", "options", "head", "patch"):
            out[key] = convert_operation(value)
        elif key.startswith("x-"):
            out[key] = value
    return out


# --- The document ---------------------------------------------------------------------------------------------------


def build(documents: OpenAPIDocuments) -> dict[str, Any]:
    """The whole v2 document: every group-version's paths and definitions, custom kinds from their CRD schemas."""
    registry = documents.registry
    definitions: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for gv in registry.groups():
        for version in gv.versions:
            document = documents.document(f"apis/{gv.group}/{version}" if gv.group else f"api/{version}")
            if document is None:
                continue
            for name, schema in document["components"]["schemas"].items():
                if name not in definitions:
                    definitions[name] = convert_schema(schema)
            for path, item in document["paths"].items():
                paths[path] = convert_path_item(item)
            for rt in registry.resources_in(gv.group, version):
                if rt.custom:
                    custom.update(custom_definitions(rt))
    definitions.update(custom)
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": f"v{KUBERNETES_MAJOR}.{KUBERNETES_MINOR}.0"},
        "paths": dict(sorted(paths.items())),
        "definitions": dict(sorted(definitions.items())),
        "securityDefinitions": {
            "BearerToken": {
                "description": "Bearer Token authentication",
                "in": "header",
                "name": "authorization",
                "type": "apiKey",
            }
        },
        "security": [{"BearerToken": []}],
    }


@dataclass(frozen=True, slots=True)
class Representation:
    body: bytes
    etag: str
    content_type: str


@dataclass(frozen=True, slots=True)
class SwaggerDocument:
    document: dict[str, Any]
    json: Representation
    protobuf: Representation


def _etag(body: bytes) -> str:
    """As kube-openapi: the quoted, upper-case hex SHA-512 of the served bytes."""
    return '"' + hashlib.sha512(body).hexdigest().upper() + '"'


class OpenAPIV2:
    """The v2 document, rebuilt (JSON and protobuf) when the registry changes."""

    def __init__(self, documents: OpenAPIDocuments) -> None:
        self._documents = documents
        self._generation = -1
        self._cached: SwaggerDocument | None = None

    def get(self) -> SwaggerDocument:
        generation = self._documents.registry.generation
        if self._cached is None or generation != self._generation:
            document = build(self._documents)
            as_json = codec.dumps(document)
            as_proto = encode_document(document)
            self._cached = SwaggerDocument(
                document,
                Representation(as_json, _etag(as_json), "application/json"),
                Representation(as_proto, _etag(as_proto), PROTOBUF_CONTENT_TYPE),
            )
            self._generation = generation
        return self._cached

    def negotiate(self, accept: str | None) -> Representation | None:
        """The representation for an ``Accept`` header, as kube-openapi picks it (the first acceptable range in
        the client's order; ``*/*`` and ``application/*`` mean JSON); None when nothing is acceptable (406)."""
        for part in (accept or "*/*").split(","):
            media = part.split(";")[0].strip().lower()
            if media in ("application/json", "application/*", "*/*", "*"):
                return self.get().json
            if media in (PROTOBUF_ACCEPT, PROTOBUF_ACCEPT_ALT):
                return self.get().protobuf
        return None
