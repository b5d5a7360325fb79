"""Server-side tables (``Accept: application/json;as=Table;g=meta.k8s.io;v=v1``), as ``kubectl get`` asks for.

A resource's :class:`Column` list says what to print; NAME comes first and AGE last unless a kind says otherwise
(custom resources follow their CRD's ``additionalPrinterColumns``). Cells are computed on the server, ages
rendered the way kubectl shows them ("5m12s", "3d4h").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kubelite.apiserver import jsonpath
from kubelite.apiserver.objects import Object, meta

Cell = Callable[[Object], Any]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    cell: Cell
    type: str = "string"
    format: str = ""
    priority: int = 0
    description: str = ""

    def definition(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


def name_cell(obj: Object) -> str:
    return str(meta(obj).get("name", ""))


def age_cell(obj: Object) -> str:
    return human_age(meta(obj).get("creationTimestamp"))


NAME = Column("Name", name_cell, format="name", description="Name must be unique within a namespace.")
AGE = Column(
    "Age",
    age_cell,
    description="CreationTimestamp is a timestamp representing the server time when this object was created.",
)


def path_cell(path: str, *, default: Any = "") -> Cell:
    """A cell from a JSONPath; lists of matches are joined with commas, as upstream does for printer columns."""

    def cell(obj: Object) -> Any:
        found = jsonpath.evaluate(obj, path)
        if not found:
            return default
        if len(found) == 1:
            return found[0]
        return ",".join(str(v) for v in found)

    return cell


def human_age(timestamp: Any, now: datetime | None = None) -> str:
    if not isinstance(timestamp, str) or not timestamp:
        return "<unknown>"
    try:
        then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return "<invalid>"
    seconds = int(((now or datetime.now(UTC)) - then).total_seconds())
    return human_duration(seconds)


def human_duration(seconds: int) -> str:
    """apimachinery's duration.HumanDuration: precise when short, coarse when long."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def build_table(
    columns: Iterable[Column],
    objects: Iterable[Object],
    *,
    include_object: str = "Metadata",
    list_meta: dict[str, Any] | None = None,
) -> Object:
    """A ``meta.k8s.io/v1`` Table. ``include_object``: None, Metadata (PartialObjectMetadata) or Object."""
    cols = list(columns)
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": [_safe(col.cell, obj) for col in cols]}
        if include_object == "Object":
            row["object"] = obj
        elif include_object != "None":
            row["object"] = partial_object_metadata(obj)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta or {},
        "columnDefinitions": [col.definition() for col in cols],
        "rows": rows,
    }


def partial_object_metadata(obj: Object) -> Object:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta(obj)}


def _safe(cell: Cell, obj: Object) -> Any:
    try:
        value = cell(obj)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return "<error>"
    return "<none>" if value is None else value
