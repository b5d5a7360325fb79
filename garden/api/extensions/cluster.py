"""Cluster: the shoot, its seed and its cloud profile as one object, so extensions read them without the garden."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import Model, RawExtension, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo


class ClusterSpec(Model):
    """Copies of the garden objects a shoot's extensions need, written by the gardenlet on every reconciliation."""

    cloud_profile: RawExtension
    """The CloudProfile (or NamespacedCloudProfile) the shoot uses, as the garden has it."""
    seed: RawExtension
    """The Seed the shoot's control plane runs on, as the garden has it."""
    shoot: RawExtension
    """The Shoot being reconciled, as the garden has it."""


class Cluster(Resource):
    """A cluster-scoped object per shoot, named after the shoot's control-plane namespace."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Cluster"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Cluster",
        "clusters",
        namespaced=False,
        printer_columns=(AGE,),
        description="The shoot, seed and cloud profile of one shoot cluster, for the extensions acting on it.",
    )

    spec: ClusterSpec
    """The garden objects of the shoot."""
