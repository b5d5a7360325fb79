"""OpenAPI v3 documents as kube-apiserver serves them: an index at ``/openapi/v3`` and one document per
group-version at ``/openapi/v3/api/v1`` or ``/openapi/v3/apis/GROUP/VERSION``.

kubectl reads these to validate (it asks whether the PATCH operation of a kind accepts ``fieldValidation``, and
sends ``fieldValidation=Strict`` when it does), to explain kinds (it finds a schema by
``x-kubernetes-group-version-kind``) and to compute strategic merge patches for ``kubectl apply``. So each
document has the resource paths with their operations and parameters, and the schemas of every kind in the
group-version with everything they reference. Custom resources get their CRD's schema, named as upstream names
them (the group reversed: ``io.gardener.core.v1beta1.Shoot``).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from kubelite.apiserver.openapi.builtin import builtin_schemas
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.version import KUBERNETES_MAJOR, KUBERNETES_MINOR

REF = "#/components/schemas/"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"
PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
SCALE = "io.k8s.api.autoscaling.v1.Scale"
_ALWAYS = (OBJECT_META, LIST_META, STATUS, DELETE_OPTIONS, PATCH)

_QUERY = {
    "dryRun": "When present, indicates that modifications should not be persisted.",
    "fieldManager": "A name associated with the actor or entity that is making these changes.",
    "fieldValidation": "Ignore, Warn or Strict: how to treat unknown and duplicate fields in the body.",
    "force": "Force apply requests, taking ownership of conflicting fields.",
    "pretty": "If 'true', the output is pretty printed.",
}
_LIST_QUERY = (
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    "watch",
)


def crd_definition_name(group: str, version: str, kind: str) -> str:
    """Upstream's schema name for a custom kind: reversed group, then version and kind."""
    return ".".join([*reversed(group.split(".")), version, kind])


class OpenAPIDocuments:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._cache: dict[str, dict[str, Any]] = {}
        self._generation = -1

    def _refresh(self) -> None:
        if self._generation != self._registry.generation:
            self._cache.clear()
            self._generation = self._registry.generation

    @property
    def registry(self) -> Registry:
        return self._registry

    def index(self) -> dict[str, Any]:
        self._refresh()
        paths = {}
        for gv in self._registry.groups():
            for version in gv.versions:
                path = f"apis/{gv.group}/{version}" if gv.group else f"api/{version}"
                document = self.document(path)
                assert document is not None
                digest = hashlib.sha512(json.dumps(document, sort_keys=True).encode()).hexdigest()[:64].upper()
                paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
        return {"paths": paths}

    def document(self, path: str) -> dict[str, Any] | None:
        self._refresh()
        path = path.strip("/")
        if path in self._cache:
            return self._cache[path]
        parts = path.split("/")
        if parts[0] == "api" and len(parts) == 2:
            group, version = "", parts[1]
        elif parts[0] == "apis" and len(parts) == 3:
            group, version = parts[1], parts[2]
        else:
            return None
        types = self._registry.resources_in(group, version)
        if not types:
            return None
        document = self._build(types)
        self._cache[path] = document
        return document

    def schema_for(self, rt: ResourceType) -> tuple[str, dict[str, Any]]:
        """The definition name and the schemas (the kind's and those it references) describing one resource."""
        document = self.document(f"apis/{rt.group}/{rt.version}" if rt.group else f"api/{rt.version}")
        assert document is not None
        return self._definition_name(rt), document["components"]["schemas"]

    def _build(self, types: list[ResourceType]) -> dict[str, Any]:
        schemas: dict[str, Any] = {}
        builtins = builtin_schemas()
        wanted = list(_ALWAYS)
        paths: dict[str, Any] = {}
        for rt in sorted(types, key=lambda r: r.plural):
            name = self._definition_name(rt)
            definition = builtin_definition(rt)
            if definition is not None:
                wanted.append(definition)
                list_name = definition + "List"
                if list_name in builtins:
                    wanted.append(list_name)
            else:
                schemas[name] = _custom_schema(rt)
                schemas[name + "List"] = _custom_list_schema(rt, name)
            if rt.scale is not None:
                wanted.append(SCALE)
            paths.update(_paths(rt, name))
        for definition in _closure(builtins, wanted):
            schemas[definition] = copy.deepcopy(builtins[definition])
        return {
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": f"v{KUBERNETES_MAJOR}.{KUBERNETES_MINOR}.0"},
            "paths": paths,
            "components": {"schemas": dict(sorted(schemas.items()))},
        }

    @staticmethod
    def _definition_name(rt: ResourceType) -> str:
        return builtin_definition(rt) or crd_definition_name(rt.group, rt.version, rt.kind)


def builtin_definition(rt: ResourceType) -> str | None:
    """The built-in definition describing a kind (its strategy's); None for custom resources, which are described
    by their CRD schema."""
    if rt.custom or rt.strategy.definition not in builtin_schemas():
        return None
    return rt.strategy.definition


def _closure(definitions: Mapping[str, Any], roots: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    stack = [r for r in roots if r in definitions]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen[name] = None
        for ref in _refs(definitions[name]):
            if ref not in seen and ref in definitions:
                stack.append(ref)
    return sorted(seen)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF):
            yield ref.removeprefix(REF)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _gvk(rt: ResourceType, kind: str | None = None) -> list[dict[str, str]]:
    return [{"group": rt.group, "version": rt.version, "kind": kind or rt.kind}]


def _custom_schema(rt: ResourceType) -> dict[str, Any]:
    schema = copy.deepcopy(
        rt.extra.get("openAPIV3Schema") or {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    )
    schema.setdefault("type", "object")
    properties = schema.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string"}
    properties["kind"] = {"type": "string"}
    properties["metadata"] = {"allOf": [{"$ref": REF + OBJECT_META}]}
    schema["x-kubernetes-group-version-kind"] = _gvk(rt)
    return schema


def _custom_list_schema(rt: ResourceType, name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "items": {"type": "array", "items": {"$ref": REF + name}},
            "metadata": {"allOf": [{"$ref": REF + LIST_META}]},
        },
        "x-kubernetes-group-version-kind": _gvk(rt, rt.list_kind),
    }


def _parameter(name: str, location: str = "query", *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": location,
        "description": _QUERY.get(name, ""),
        "required": required,
        "schema": {"type": "string", "uniqueItems": True},
    }


def _operation(
    rt: ResourceType,
    action: str,
    response: str,
    *,
    params: tuple[str, ...] = (),
    body: str | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{action}{rt.kind}",
        "parameters": [_parameter(p) for p in params],
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": REF + response}}}}
        },
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": _gvk(rt, kind)[0],
    }
    if body is not None:
        content_types = (
            ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
            + ([] if rt.custom else ["application/strategic-merge-patch+json"])
            if body == PATCH
            else ["application/json", "application/yaml"]
        )
        operation["requestBody"] = {
            "content": {t: {"schema": {"$ref": REF + body}} for t in content_types},
            "required": True,
        }
    return operation


def _paths(rt: ResourceType, name: str) -> dict[str, Any]:
    base = f"/apis/{rt.group}/{rt.version}" if rt.group else f"/api/{rt.version}"
    collection = f"{base}/namespaces/{{namespace}}/{rt.plural}" if rt.namespaced else f"{base}/{rt.plural}"
    item = f"{collection}/{{name}}"
    write = ("dryRun", "fieldManager", "fieldValidation", "pretty")
    definition = builtin_definition(rt)
    list_name = definition + "List" if definition else name + "List"
    path_params = [_parameter("name", "path", required=True)]
    if rt.namespaced:
        path_params.append(_parameter("namespace", "path", required=True))
    paths: dict[str, Any] = {
        collection: {
            "get": _operation(rt, "list", list_name, params=_LIST_QUERY),
            "post": _operation(rt, "post", name, params=write, body=name),
            "delete": _operation(rt, "deletecollection", STATUS, params=_LIST_QUERY, body=DELETE_OPTIONS),
            "parameters": path_params[1:],
        },
        item: {
            "get": _operation(rt, "get", name, params=("pretty",)),
            "put": _operation(rt, "put", name, params=write, body=name),
            "patch": _operation(rt, "patch", name, params=(*write, "force"), body=PATCH),
            "delete": _operation(
                rt, "delete", STATUS, params=("dryRun", "gracePeriodSeconds", "propagationPolicy"), body=DELETE_OPTIONS
            ),
            "parameters": path_params,
        },
    }
    for sub in rt.subresources:
        target = SCALE if sub == "scale" else name
        kind = "Scale" if sub == "scale" else None
        if sub in ("status", "scale"):
            paths[f"{item}/{sub}"] = {
                "get": _operation(rt, "get", target, params=("pretty",), kind=kind),
                "put": _operation(rt, "put", target, params=write, body=target, kind=kind),
                "patch": _operation(rt, "patch", target, params=(*write, "force"), body=PATCH, kind=kind),
                "parameters": path_params,
            }
    return paths
