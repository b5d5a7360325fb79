"""The shoot's namespace in the seed, ``shoot--<project>--<name>``: everything of its control plane lives in it.

Deleting it is the last step of the delete flow; the API server's namespace controller removes what is left in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gardenlet.components.base import ChartComponent
from gardenlet.components.values import check_name
from kubelite.client import Kube

FailureToleranceType = Literal["node", "zone"]


def technical_id(project: str, shoot: str) -> str:
    """Gardener's technical ID of a shoot: the name of its namespace in the seed."""
    return f"shoot--{project}--{shoot}"


@dataclass(frozen=True, slots=True)
class NamespaceValues:
    project: str
    shoot: str
    #: The provider types of the seed and the shoot (``local``, ``aws``): extensions select namespaces by them.
    seed_provider: str
    shoot_provider: str
    shoot_uid: str = ""
    networking_type: str = ""
    backup_provider: str = ""
    #: Extension types the shoot uses (each gets ``extensions.gardener.cloud/<type>: "true"``).
    extensions: tuple[str, ...] = ()
    failure_tolerance: FailureToleranceType | None = None
    zones: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_name("project", self.project)
        check_name("shoot", self.shoot)
        check_name("namespace", technical_id(self.project, self.shoot))
        for field, value in (("seed_provider", self.seed_provider), ("shoot_provider", self.shoot_provider)):
            check_name(field, value)
        if self.failure_tolerance not in (None, "node", "zone"):
            raise ValueError(f"failure_tolerance: {self.failure_tolerance!r} is not node, zone or None")
        if self.failure_tolerance == "zone" and len(self.zones) < 2:
            raise ValueError("failure_tolerance zone needs at least two zones")

    @property
    def namespace(self) -> str:
        return technical_id(self.project, self.shoot)


class Namespace(ChartComponent):
    chart = "controlplane/namespace"
    default_timeout = 120.0

    def __init__(self, kube: Kube, values: NamespaceValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return f"namespace {self.values.namespace}"

    def context(self) -> dict[str, Any]:
        v = self.values
        labels = {
            "gardener.cloud/role": "shoot",
            "seed.gardener.cloud/provider": v.seed_provider,
            "shoot.gardener.cloud/provider": v.shoot_provider,
        }
        if v.networking_type:
            labels["networking.shoot.gardener.cloud/provider"] = v.networking_type
        if v.backup_provider:
            labels["backup.gardener.cloud/provider"] = v.backup_provider
        for extension in sorted(set(v.extensions)):
            labels[f"extensions.gardener.cloud/{extension}"] = "true"
        annotations: dict[str, str] = {}
        if v.shoot_uid:
            annotations["shoot.gardener.cloud/uid"] = v.shoot_uid
        if v.failure_tolerance:
            labels["high-availability-config.resources.gardener.cloud/consider"] = "true"
            annotations["high-availability-config.resources.gardener.cloud/failure-tolerance-type"] = (
                v.failure_tolerance
            )
        if v.zones:
            annotations["high-availability-config.resources.gardener.cloud/zones"] = ",".join(v.zones)
        return {"name": v.namespace, "labels": labels, "annotations": annotations}
