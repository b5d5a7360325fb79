"""From a CustomResourceDefinition to the ResourceTypes that serve it, and the strategies of both.

Each served version becomes one ResourceType sharing the CRD's storage key and storage version (conversion
strategy ``None``: only ``apiVersion`` changes between versions). A custom resource's strategy applies its version's
structural schema: defaults, pruning of unknown fields (reported per ``fieldValidation``) and validation.
"""

from __future__ import annotations

from typing import Any

from kubelite.apiserver.crd import schema as crd_schema
from kubelite.apiserver.crd.structural import validate_crd, validate_crd_update
from kubelite.apiserver.errors import FieldError
from kubelite.apiserver.objects import Object, meta, without
from kubelite.apiserver.patch.schema import SchemaNode
from kubelite.apiserver.resources import ResourceType, ScaleSpec
from kubelite.apiserver.strategy import Strategy
from kubelite.apiserver.tables import AGE, NAME, Cell, Column, human_age, path_cell

CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


class CRDStrategy(Strategy):
    """CustomResourceDefinition objects themselves."""

    def default(self, obj: Object) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return
        names = spec.get("names")
        if isinstance(names, dict) and isinstance(names.get("kind"), str):
            names.setdefault("singular", names["kind"].lower())
            names.setdefault("listKind", f"{names['kind']}List")
        spec.setdefault("conversion", {"strategy": "None"})
        for version in spec.get("versions") or []:
            if isinstance(version, dict):
                version.setdefault("served", True)
                version.setdefault("storage", False)

    def validate(self, obj: Object) -> list[FieldError]:
        return validate_crd(obj)

    def validate_update(self, new: Object, old: Object) -> list[FieldError]:
        return validate_crd_update(new, old)

    def deletion_blocked(self, obj: Object) -> bool:
        # The first DELETE only marks the CRD; the controller removes its custom resources, then the finalizer.
        return not meta(obj).get("deletionTimestamp")

    def mark_deleting(self, obj: Object) -> None:
        finalizers = meta(obj).setdefault("finalizers", [])
        if CLEANUP_FINALIZER not in finalizers:
            finalizers.append(CLEANUP_FINALIZER)


class CustomResourceStrategy(Strategy):
    def __init__(self, schema: dict[str, Any] | None) -> None:
        super().__init__(None)
        self.structural = schema
        self._schema = SchemaNode(schema) if schema is not None else None

    def default(self, obj: Object) -> None:
        if self.structural is not None:
            crd_schema.default(obj, self.structural)

    def prune(self, obj: Object) -> list[str]:
        if self.structural is None:
            return []
        return crd_schema.prune(obj, self.structural)

    def validate(self, obj: Object) -> list[FieldError]:
        if self.structural is None:
            return []
        return crd_schema.validate(without(obj, "metadata"), self.structural)


def resource_types(crd: Object) -> list[ResourceType]:
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group, kind, plural = spec.get("group", ""), names.get("kind", ""), names.get("plural", "")
    if not (group and kind and plural):
        return []
    versions = [v for v in spec.get("versions") or [] if isinstance(v, dict)]
    storage = next((v["name"] for v in versions if v.get("storage")), None)
    if storage is None:
        return []
    types = []
    for version in versions:
        if not version.get("served", True):
            continue
        schema = ((version.get("schema") or {}).get("openAPIV3Schema")) or None
        subresources = version.get("subresources") or {}
        scale = subresources.get("scale")
        types.append(
            ResourceType(
                group,
                version["name"],
                kind,
                plural,
                names.get("singular") or kind.lower(),
                spec.get("scope") == "Namespaced",
                CustomResourceStrategy(schema),
                list_kind=names.get("listKind") or f"{kind}List",
                short_names=tuple(names.get("shortNames") or ()),
                categories=tuple(names.get("categories") or ()),
                status_subresource="status" in subresources,
                scale=_scale(scale) if isinstance(scale, dict) else None,
                storage_version=storage,
                columns=_columns(version.get("additionalPrinterColumns") or []),
                custom=True,
                extra={"openAPIV3Schema": schema, "crd": meta(crd).get("name")},
            )
        )
    return types


def _scale(scale: dict[str, Any]) -> ScaleSpec:
    selector = scale.get("labelSelectorPath")
    return ScaleSpec(
        spec_replicas_path=str(scale.get("specReplicasPath", ".spec.replicas")).lstrip("."),
        status_replicas_path=str(scale.get("statusReplicasPath", ".status.replicas")).lstrip("."),
        label_selector_path=str(selector).lstrip(".") if selector else None,
    )


def _as_age(cell: Cell) -> Cell:
    def age(obj: Object) -> Any:
        value = cell(obj)
        return human_age(value) if isinstance(value, str) else value

    return age


def _columns(printer_columns: list[dict[str, Any]]) -> tuple[Column, ...]:
    if not printer_columns:
        return (NAME, AGE)
    columns = [NAME]
    for column in printer_columns:
        if not isinstance(column, dict) or not column.get("jsonPath"):
            continue
        cell = path_cell(str(column["jsonPath"]), default=None)
        if column.get("type") == "date":
            # Custom resource date columns are shown as ages, rendered on the server (as upstream's convertor).
            cell = _as_age(cell)
        columns.append(
            Column(
                str(column.get("name", "")),
                cell,
                type=str(column.get("type", "string")),
                format=str(column.get("format", "")),
                priority=int(column.get("priority", 0) or 0),
                description=str(column.get("description", "")),
            )
        )
    return tuple(columns)


__all__ = ["CRDStrategy", "CustomResourceStrategy", "resource_types"]
