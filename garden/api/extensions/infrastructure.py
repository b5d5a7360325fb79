"""Infrastructure: the networks, subnets, gateways and the like a shoot's machines need in the cloud account."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from garden.api.base import Model, ObjectReference, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import STATUS_COLUMN, DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn


class InfrastructureSpec(DefaultSpec):
    """Where to create the infrastructure and with which credentials."""

    region: str
    """The cloud region to create the infrastructure in; immutable."""
    secret_ref: ObjectReference
    """The Secret with the cloud provider credentials."""
    ssh_public_key: str | None = None
    """The public SSH key for the machines, base64-encoded (Go ``[]byte``)."""


class InfrastructureStatusNetworking(Model):
    """The network ranges the infrastructure actually uses."""

    pods: list[str] | None = None
    """The CIDRs of the pod network."""
    nodes: list[str] | None = None
    """The CIDRs of the node network."""
    services: list[str] | None = None
    """The CIDRs of the service network."""


class InfrastructureStatus(DefaultStatus):
    """What the extension created, as far as other components need to know."""

    nodes_cidr: str | None = Field(default=None, alias="nodesCIDR")
    """The node network's CIDR, when the extension chose it rather than the Shoot."""
    egress_cidrs: list[str] | None = Field(default=None, alias="egressCIDRs")
    """The source CIDRs of the shoot's egress traffic, when they are stable enough to publish."""
    networking: InfrastructureStatusNetworking | None = None
    """The pod, node and service networks in use."""


class Infrastructure(Resource):
    """The cloud infrastructure of one shoot, reconciled by the provider extension of ``spec.type``."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Infrastructure"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Infrastructure",
        "infrastructures",
        short_names=("infra",),
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The type of the cloud provider for this resource."),
            PrinterColumn("Region", ".spec.region", description="The region the infrastructure is deployed into."),
            STATUS_COLUMN,
            AGE,
        ),
        description="The cloud infrastructure (networks, subnets, security groups) of a shoot cluster.",
    )

    spec: InfrastructureSpec
    """What infrastructure to create; immutable while the object is being deleted."""
    status: InfrastructureStatus | None = None
    """What the extension last observed and created."""
