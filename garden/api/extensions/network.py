"""Network: the pod network (CNI plugin) of a shoot cluster."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import STATUS_COLUMN, DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: An IP protocol version of the shoot's networking.
IPFamily = Literal["IPv4", "IPv6"]


class NetworkSpec(DefaultSpec):
    """The network ranges the CNI plugin serves."""

    pod_cidr: str = Field(alias="podCIDR")
    """The CIDR pods get their addresses from; immutable."""
    service_cidr: str = Field(alias="serviceCIDR")
    """The CIDR services get their cluster IPs from; immutable."""
    ip_families: list[IPFamily] | None = None
    """The IP protocol versions the shoot's networking should use."""


class NetworkStatus(DefaultStatus):
    """What the network extension actually set up."""

    ip_families: list[IPFamily] | None = None
    """The IP protocol versions in use (may differ from the spec while migrating to dual-stack)."""


class Network(Resource):
    """The pod network of one shoot, set up by the network extension of ``spec.type`` (``calico``, ``cilium``)."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Network"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Network",
        "networks",
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The type of the network provider for this resource."),
            PrinterColumn("Pod CIDR", ".spec.podCIDR", description="The CIDR that will be used for pods."),
            PrinterColumn("Service CIDR", ".spec.serviceCIDR", description="The CIDR that will be used for services."),
            STATUS_COLUMN,
            AGE,
        ),
        description="The pod network (CNI plugin) of a shoot cluster.",
    )

    spec: NetworkSpec
    """The network to set up; immutable while the object is being deleted."""
    status: NetworkStatus | None = None
    """How the last reconciliation went."""
