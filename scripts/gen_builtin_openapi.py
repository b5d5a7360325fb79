#!/usr/bin/env python3
"""Generate ``kubelite/apiserver/openapi/builtin_schemas.json`` from the upstream Kubernetes schemas.

The source is the JSON-schema rendering of the Kubernetes OpenAPI definitions that ships with the
``kubernetes-validate`` dev dependency. This script keeps only what kubelite serves (its kinds, their lists, the
meta/v1 types of the API machinery, and autoscaling/v1 Scale for ``/scale``), follows references transitively, and
converts each definition back to the OpenAPI v3 form that a real kube-apiserver serves under ``/openapi/v3``:

* ``type: ["string", "null"]`` becomes ``type: string``; kube-apiserver does not mark fields nullable;
* ``$ref: "#/$defs/N"`` becomes ``$ref: "#/components/schemas/N"``, wrapped as ``allOf: [{$ref}]`` when the
  reference has sibling keywords (kube-apiserver does the same, because OpenAPI v3.0 ignores siblings of ``$ref``);
* the ``apiVersion``/``kind`` enums, which kube-apiserver does not publish, are dropped; every top-level kind keeps
  or gets ``x-kubernetes-group-version-kind``;
* every ``description`` is stripped: the upstream prose stays upstream. Any keyword not known to be structural stops
  the script, so that nothing else slips through unreviewed.

Output is sorted and indented, so a regeneration shows up as a readable diff. The unit test
``tests/unit/test_builtin_openapi.py`` runs this script and fails when the committed file is stale.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

KUBERNETES_VERSION = "1.37.0"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "kubelite" / "apiserver" / "openapi" / "builtin_schemas.json"

#: (group, version, kind) of every resource kubelite serves; each one's List kind is served too.
SERVED_KINDS: tuple[tuple[str, str, str], ...] = (
    ("", "v1", "Namespace"),
    ("", "v1", "ConfigMap"),
    ("", "v1", "Secret"),
    ("", "v1", "ServiceAccount"),
    ("", "v1", "Event"),
    ("", "v1", "Service"),
    ("", "v1", "Endpoints"),
    ("", "v1", "Pod"),
    ("", "v1", "Node"),
    ("", "v1", "PersistentVolumeClaim"),
    ("coordination.k8s.io", "v1", "Lease"),
    ("discovery.k8s.io", "v1", "EndpointSlice"),
    ("policy", "v1", "PodDisruptionBudget"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("scheduling.k8s.io", "v1", "PriorityClass"),
    ("apps", "v1", "ControllerRevision"),
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "StatefulSet"),
    ("apps", "v1", "DaemonSet"),
    ("apps", "v1", "ReplicaSet"),
    ("events.k8s.io", "v1", "Event"),
    ("rbac.authorization.k8s.io", "v1", "Role"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
)

#: Kinds served only as a subresource body; their group-version is not one kubelite serves resources in.
SUBRESOURCE_KINDS: tuple[tuple[str, str, str], ...] = (("autoscaling", "v1", "Scale"), ("", "v1", "Binding"))

#: The API machinery's own types: request options, errors, watch frames, discovery documents, /version.
META_DEFINITIONS: tuple[str, ...] = (
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
    "io.k8s.apimachinery.pkg.version.Info",
)

#: Where the source rendering lost what kube-apiserver publishes. IntOrString: the v3 document has the
#: ``int-or-string`` format and lists integer first (``intstr.IntOrString.OpenAPIV3OneOfTypes``).
OVERRIDES: Mapping[str, dict[str, Any]] = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
    },
}

SOURCE_REF_PREFIX = "#/$defs/"
TARGET_REF_PREFIX = "#/components/schemas/"
#: Keywords copied as they are (their values hold no schemas and no prose).
PLAIN_KEYWORDS = frozenset({"format", "required", "enum"})
#: Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
SCHEMA_KEYWORDS = frozenset({"items", "additionalProperties"})
SCHEMA_LIST_KEYWORDS = frozenset({"oneOf", "anyOf", "allOf"})


class ConversionError(Exception):
    """The source has something this script does not know how to convert (or to vet as prose-free)."""


def default_source(version: str = KUBERNETES_VERSION) -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or spec.origin is None:
        raise SystemExit("kubernetes-validate is not installed; install the dev extra or pass --source")
    return Path(spec.origin).parent / "kubernetes-json-schema" / f"v{version}-local" / "_definitions.json"


def ref_name(ref: str) -> str:
    if not ref.startswith(SOURCE_REF_PREFIX):
        raise ConversionError(f"unexpected reference {ref!r}")
    return ref.removeprefix(SOURCE_REF_PREFIX)


def references(schema: Any) -> Iterator[str]:
    """Every definition name referenced inside ``schema``, without following the references.

    Only keywords are walked: under ``properties`` the keys are field names (JSONSchemaProps has fields named
    ``$ref`` and ``description``), never keywords.
    """
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$ref"), str):
        yield ref_name(schema["$ref"])
    for name in sorted(SCHEMA_KEYWORDS & schema.keys()):
        yield from references(schema[name])
    for name in sorted(SCHEMA_LIST_KEYWORDS & schema.keys()):
        for sub in schema[name]:
            yield from references(sub)
    for sub in schema.get("properties", {}).values():
        yield from references(sub)


def reachable(definitions: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        if name not in definitions:
            raise ConversionError(f"definition {name!r} is referenced but not defined")
        seen.add(name)
        pending.extend(references(definitions[name]))
    return seen


def convert(schema: Any, where: str) -> Any:
    """One schema in JSON-schema form to kube-apiserver's OpenAPI v3 form, without prose."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        raise ConversionError(f"{where}: a schema must be an object, not {schema!r}")
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in {"description", "$ref"}:
            continue
        if key == "type":
            out["type"] = plain_type(value, where)
        elif key == "properties":
            out["properties"] = {name: convert(sub, f"{where}.{name}") for name, sub in value.items()}
        elif key in SCHEMA_KEYWORDS:
            out[key] = convert(value, f"{where}[{key}]")
        elif key in SCHEMA_LIST_KEYWORDS:
            out[key] = [convert(sub, f"{where}[{key}]") for sub in value]
        elif key in PLAIN_KEYWORDS or key.startswith("x-kubernetes-"):
            out[key] = value
        else:
            raise ConversionError(f"{where}: keyword {key!r} is not known to be free of prose")
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = {"$ref": TARGET_REF_PREFIX + ref_name(ref)}
        if not out:
            return target
        out["allOf"] = [target, *out.get("allOf", [])]
    return out


def plain_type(value: Any, where: str) -> str:
    types = [value] if isinstance(value, str) else [t for t in value if t != "null"]
    if len(types) != 1:
        raise ConversionError(f"{where}: cannot express type {value!r} as one OpenAPI v3 type")
    return str(types[0])


def group_version_kinds(name: str, schema: dict[str, Any], served: set[tuple[str, str]]) -> list[dict[str, str]]:
    """The GVKs to publish: upstream's, else derived from the apiVersion/kind enums, kept to what is served."""
    gvks: list[dict[str, str]] = list(schema.get("x-kubernetes-group-version-kind", []))
    properties = schema.get("properties", {})
    if not gvks and "enum" in properties.get("kind", {}) and "enum" in properties.get("apiVersion", {}):
        for api_version in properties["apiVersion"]["enum"]:
            group, _, version = api_version.rpartition("/")
            gvks.extend({"group": group, "version": version, "kind": kind} for kind in properties["kind"]["enum"])
    if len(gvks) > 1:
        # DeleteOptions, WatchEvent and friends are registered in every group; list the groups kubelite serves.
        gvks = [gvk for gvk in gvks if (gvk["group"], gvk["version"]) in served]
        if not gvks:
            raise ConversionError(f"{name}: none of its group-versions is served")
    return gvks


def without_type_enums(schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties")
    if not properties:
        return schema
    cleaned = dict(properties)
    for field in ("apiVersion", "kind"):
        if isinstance(cleaned.get(field), dict) and "enum" in cleaned[field]:
            cleaned[field] = {k: v for k, v in cleaned[field].items() if k != "enum"}
    return {**schema, "properties": cleaned}


def build(definitions: Mapping[str, Any]) -> dict[str, Any]:
    by_gvk: dict[tuple[str, str, str], str] = {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            by_gvk.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    wanted = [*SERVED_KINDS, *((g, v, k + "List") for g, v, k in SERVED_KINDS), *SUBRESOURCE_KINDS]
    missing = [gvk for gvk in wanted if gvk not in by_gvk]
    if missing:
        raise ConversionError(f"no upstream definition for {missing}")
    served = {(g, v) for g, v, _ in SERVED_KINDS}
    names = reachable(definitions, [*(by_gvk[gvk] for gvk in wanted), *META_DEFINITIONS])

    schemas: dict[str, Any] = {}
    for name in sorted(names):
        if name in OVERRIDES:
            schemas[name] = OVERRIDES[name]
            continue
        source = definitions[name]
        gvks = group_version_kinds(name, source, served)
        converted = convert(without_type_enums(source), name)
        if gvks:
            converted["x-kubernetes-group-version-kind"] = gvks
        schemas[name] = converted
    return schemas


def render(schemas: Mapping[str, Any]) -> str:
    return json.dumps(schemas, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, help="the _definitions.json to read (default: kubernetes-validate's)")
    parser.add_argument(
        "--kubernetes-version",
        default=KUBERNETES_VERSION,
        help="which of kubernetes-validate's schema sets to read (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write (default: %(default)s)")
    args = parser.parse_args(argv)

    source: Path = args.source or default_source(args.kubernetes_version)
    definitions = json.loads(source.read_text(encoding="utf-8"))["$defs"]
    try:
        schemas = build(definitions)
    except ConversionError as exc:
        print(f"gen_builtin_openapi: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(schemas), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
