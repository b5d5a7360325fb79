"""Gardener's table columns for ``kubectl get`` against the garden API server (computed, not JSONPath)."""

from __future__ import annotations

from garden.api import printers
from kubelite.apiserver.registry import Overlay
from kubelite.apiserver.tables import AGE, NAME, Column, path_cell


def _condition(name: str, condition_type: str) -> Column:
    return Column(
        name,
        lambda obj: printers.condition_status(obj, condition_type),
        priority=1,
        description=f"Status of the {condition_type} condition.",
    )


SHOOT_COLUMNS = (
    NAME,
    Column("CloudProfile", printers.cloud_profile_name, description="The CloudProfile the shoot uses."),
    Column("Provider", path_cell("spec.provider.type"), description="The infrastructure provider."),
    Column("Region", path_cell("spec.region"), description="The region of the infrastructure."),
    Column("K8S Version", path_cell("spec.kubernetes.version"), description="The Kubernetes version."),
    Column("Hibernation", printers.hibernation, description="Awake, Hibernating, Hibernated or Waking Up."),
    Column("Last Operation", printers.last_operation, description="The last operation, its state and progress."),
    Column("Status", printers.shoot_status, description="The overall health of the shoot."),
    AGE,
    Column(
        "Seed",
        path_cell("spec.seedName", default="<none>"),
        priority=1,
        description="The seed hosting the control plane.",
    ),
    Column("Purpose", path_cell("spec.purpose"), priority=1, description="The purpose of the shoot."),
    *(_condition(name, condition) for name, condition in printers.SHOOT_CONDITION_COLUMNS),
)

SEED_COLUMNS = (
    NAME,
    Column("Status", printers.seed_status, description="Ready when the gardenlet reports and the seed is healthy."),
    Column("Provider", path_cell("spec.provider.type"), description="The infrastructure provider of the seed."),
    Column("Region", path_cell("spec.provider.region"), description="The region of the seed."),
    AGE,
    Column("Version", path_cell("status.gardener.version"), priority=1, description="The gardenlet's version."),
    Column("K8S Version", path_cell("status.kubernetesVersion"), priority=1, description="The seed's Kubernetes."),
    Column("Last Operation", printers.last_operation, priority=1, description="The seed's last operation."),
)

PROJECT_COLUMNS = (
    NAME,
    Column("Namespace", path_cell("spec.namespace"), description="The project's namespace in the garden."),
    Column("Status", path_cell("status.phase"), description="Pending, Ready, Terminating or Failed."),
    Column("Owner", path_cell("spec.owner.name"), description="The project's owner."),
    Column("Creator", path_cell("spec.createdBy.name"), description="Who created the project."),
    AGE,
)

CLOUDPROFILE_COLUMNS = (
    NAME,
    Column("Provider", path_cell("spec.type"), description="The infrastructure provider."),
    AGE,
)

#: (group, plural) -> what the garden API server shows and serves beyond the CRD.
OVERLAYS: dict[tuple[str, str], Overlay] = {
    ("core.gardener.cloud", "shoots"): Overlay(SHOOT_COLUMNS, subresources=("binding", "adminkubeconfig")),
    ("core.gardener.cloud", "seeds"): Overlay(SEED_COLUMNS),
    ("core.gardener.cloud", "projects"): Overlay(PROJECT_COLUMNS),
    ("core.gardener.cloud", "cloudprofiles"): Overlay(CLOUDPROFILE_COLUMNS),
}
