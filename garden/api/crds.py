"""CustomResourceDefinitions generated from the typed models, so the API server and the types never disagree.

``python -m garden.api.crds [DIR]`` writes one YAML file per kind into ``charts/crds/garden/`` (what the garden
serves) and ``charts/crds/seed/`` (what every seed serves). The schemas are
structural: pydantic's JSON schema with every ``$ref`` inlined, ``null`` alternatives dropped (absent and null mean
the same to Kubernetes), titles and defaults removed (defaulting is admission's work, so a real garden and kubelite
default the same way), ``const`` turned into a one-value ``enum``, int-or-string and raw-JSON fields marked with
the ``x-kubernetes-*`` extensions, and ``metadata`` left to the API server.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from garden.api.base import Resource
from garden.api.catalogue import GARDEN_KINDS, SEED_KINDS
from garden.api.generated import write_generated
from garden.api.kind import KindInfo, resource_kind

Schema = dict[str, Any]

#: Where the CRDs live in the repository.
CRD_DIR = Path(__file__).resolve().parents[2] / "charts" / "crds"
HEADER = "# Generated from garden/api by `python -m garden.api.crds`; do not edit.\n"

_DROP = ("title", "default", "examples")


def openapi_schema(model: type[Resource]) -> Schema:
    """The structural ``openAPIV3Schema`` of a kind."""
    raw = model.model_json_schema(by_alias=True, mode="validation")
    defs: dict[str, Schema] = raw.pop("$defs", {})
    root = _structural(raw, defs, ())
    properties = root.setdefault("properties", {})
    properties["apiVersion"] = {
        "type": "string",
        "description": "The versioned schema of this representation of an object.",
    }
    properties["kind"] = {"type": "string", "description": "The REST resource this object represents."}
    properties["metadata"] = {"type": "object"}
    required = [r for r in root.get("required", []) if r not in ("apiVersion", "kind", "metadata")]
    if required:
        root["required"] = required
    else:
        root.pop("required", None)
    info = resource_kind(model)
    if info.description:
        root["description"] = info.description
    root["type"] = "object"
    return root


def _structural(node: Schema, defs: dict[str, Schema], seen: tuple[str, ...]) -> Schema:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"recursive type {name} cannot be written as a structural schema")
        target = _structural(defs[name], defs, (*seen, name))
        extra = {k: v for k, v in node.items() if k != "$ref"}
        return _structural({**target, **extra}, defs, seen) if extra else target
    node = dict(node)
    for key in _DROP:
        node.pop(key, None)
    if "allOf" in node and len(node["allOf"]) == 1:
        inner = _structural(node.pop("allOf")[0], defs, seen)
        node = {**inner, **node}
    if "anyOf" in node and not node.get("x-kubernetes-int-or-string"):
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            inner = _structural(options[0], defs, seen)
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            node = {**inner, **rest}
        else:
            raise ValueError(f"cannot express a union as a structural schema: {node['anyOf']}")
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if "description" in node:
        node["description"] = " ".join(str(node["description"]).split()).replace("``", "`")
    if node.get("x-kubernetes-int-or-string"):
        node.pop("type", None)
        return node
    if "properties" in node:
        node["properties"] = {k: _structural(v, defs, seen) for k, v in node["properties"].items()}
        node["type"] = "object"
    if node.get("additionalProperties") is True:
        node.pop("additionalProperties")
        node["x-kubernetes-preserve-unknown-fields"] = True
        node["type"] = "object"
    elif isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = _structural(node["additionalProperties"], defs, seen)
    if isinstance(node.get("items"), dict):
        node["items"] = _structural(node["items"], defs, seen)
    if "enum" in node and "type" not in node:
        node["type"] = _enum_type(node["enum"])
    if "type" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
        # ``Any``: any JSON value is allowed here.
        node["x-kubernetes-preserve-unknown-fields"] = True
    return node


def _enum_type(values: list[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) for v in values):
        return "integer"
    return "string"


def crd(model: type[Resource]) -> Schema:
    """The CustomResourceDefinition of a kind."""
    info = resource_kind(model)
    names: Schema = {
        "kind": info.kind,
        "listKind": f"{info.kind}List",
        "plural": info.plural,
        "singular": info.singular,
    }
    if info.short_names:
        names["shortNames"] = list(info.short_names)
    if info.categories:
        names["categories"] = list(info.categories)
    version: Schema = {
        "name": info.version,
        "served": True,
        "storage": True,
        "schema": {"openAPIV3Schema": openapi_schema(model)},
    }
    subresources = _subresources(info)
    if subresources:
        version["subresources"] = subresources
    if info.printer_columns:
        version["additionalPrinterColumns"] = [_column(c) for c in info.printer_columns]
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": info.crd_name},
        "spec": {
            "group": info.group,
            "names": names,
            "scope": "Namespaced" if info.namespaced else "Cluster",
            "versions": [version],
        },
    }


def _subresources(info: KindInfo) -> Schema:
    out: Schema = {}
    if info.status:
        out["status"] = {}
    if info.scale is not None:
        scale: Schema = {
            "specReplicasPath": info.scale.spec_replicas_path,
            "statusReplicasPath": info.scale.status_replicas_path,
        }
        if info.scale.label_selector_path:
            scale["labelSelectorPath"] = info.scale.label_selector_path
        out["scale"] = scale
    return out


def _column(column: Any) -> Schema:
    out: Schema = {"name": column.name, "type": column.type, "jsonPath": column.json_path}
    if column.description:
        out["description"] = column.description
    if column.priority:
        out["priority"] = column.priority
    if column.format:
        out["format"] = column.format
    return out


def file_name(info: KindInfo) -> str:
    return f"{info.group}_{info.plural}.yaml"


class _Dumper(yaml.SafeDumper):
    """Writes repeated sub-schemas out in full: CRDs are read by people and by tools without YAML anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(model: type[Resource]) -> str:
    return HEADER + yaml.dump(crd(model), Dumper=_Dumper, sort_keys=False, width=120)


def rendered(models: Iterable[type[Resource]]) -> dict[str, str]:
    """File name -> YAML text for every kind."""
    return {file_name(resource_kind(m)): render(m) for m in models}


def write(directory: Path, models: Iterable[type[Resource]]) -> list[Path]:
    """Write every CRD into ``directory`` and remove generated files no kind produces any more."""
    return write_generated(directory, rendered(models), HEADER, ".yaml")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else CRD_DIR
    for sub, kinds in (("garden", GARDEN_KINDS), ("seed", SEED_KINDS)):
        for path in write(directory / sub, kinds):
            print(path)


if __name__ == "__main__":
    main()
