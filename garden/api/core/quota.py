"""Quota: limits on what the shoots of a project, or of one set of credentials, may consume."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import CoreObjectReference, Model, Quantity, Resource
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn


class QuotaSpec(Model):
    """What is limited and for whom."""

    cluster_lifetime_days: int | None = None
    """Days after which shoots under this quota are deleted."""
    metrics: dict[str, Quantity]
    """Resource limits, by resource name (``cpu``, ``gpu``, ``memory``, ``storage.standard``, ...)."""
    scope: CoreObjectReference
    """What the quota applies to, by API version and kind: a ``core.gardener.cloud/v1beta1`` Project or a
    ``v1`` Secret (or ``security.gardener.cloud/v1alpha1`` WorkloadIdentity); immutable."""


class QuotaStatus(Model):
    """What the shoots under the quota consume right now, as the quota controller last counted it.

    An extension of this garden: Gardener's Quota has no status (its quotas are enforced by admission only, and
    nothing shows how much of one is used). Written by the ``quota`` controller of ``garden controller-manager``.
    """

    observed_generation: int | None = None
    """The ``metadata.generation`` of the quota the usage was counted for."""
    usage: dict[str, Quantity] | None = None
    """What the shoots under the quota consume, by metric: ``shoots`` (how many), then as the quota's metrics
    (``cpu``, ``gpu``, ``memory``, ``storage.<class>``, ``loadbalancer``), workers counted at their maximum."""


class Quota(Resource):
    """Limits on the resources, and the lifetime, of the shoots in a project or using one set of credentials."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Quota"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Quota",
        "quotas",
        short_names=("squota",),
        status=True,
        printer_columns=(
            PrinterColumn("Scope", ".spec.scope.kind", description="The kind of object the quota applies to."),
            PrinterColumn(
                "Cluster Lifetime",
                ".spec.clusterLifetimeDays",
                "integer",
                description="Days after which shoots under the quota are deleted.",
            ),
            AGE,
        ),
        description="Limits what the shoots of a project or of one set of credentials may consume.",
    )

    spec: QuotaSpec
    """What is limited and for whom."""
    status: QuotaStatus | None = None
    """What the shoots under the quota consume (an extension: Gardener's Quota has no status)."""


__all__ = ["Quota", "QuotaSpec", "QuotaStatus"]
