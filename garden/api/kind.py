"""What the API server needs to know of a kind besides its schema: names, scope, subresources, printer columns.

Each kind module declares one :class:`KindInfo` as ``<Kind>.INFO``; :mod:`garden.api.catalogue` lists them all,
and the CRDs and the API reference are generated from that list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garden.api.base import Resource


@dataclass(frozen=True, slots=True)
class PrinterColumn:
    """A CRD ``additionalPrinterColumns`` entry (JSONPath), as a real Kubernetes garden prints it."""

    name: str
    json_path: str
    type: str = "string"
    description: str = ""
    priority: int = 0
    format: str = ""


@dataclass(frozen=True, slots=True)
class ScaleInfo:
    spec_replicas_path: str = ".spec.replicas"
    status_replicas_path: str = ".status.replicas"
    label_selector_path: str | None = None


@dataclass(frozen=True, slots=True)
class KindInfo:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: Whether ``/status`` is a subresource (spec and status written separately).
    status: bool = True
    scale: ScaleInfo | None = None
    printer_columns: tuple[PrinterColumn, ...] = ()
    #: One line saying what the kind is for (the CRD's and the API reference's description).
    description: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{self.group}"


#: Printer column for an object's age, as every kind ends with.
AGE = PrinterColumn("Age", ".metadata.creationTimestamp", "date", "creation timestamp")


def resource_kind(model: type[Resource]) -> KindInfo:
    info = getattr(model, "INFO", None)
    if not isinstance(info, KindInfo):
        raise TypeError(f"{model.__name__} declares no INFO")
    return info


__all__ = ["AGE", "KindInfo", "PrinterColumn", "ScaleInfo", "resource_kind"]
