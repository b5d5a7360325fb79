"""MachineClass: provider configuration (image, machine type, network) shared by the machines created from it."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import Model, ObjectReference, Quantity, RawExtension, Resource
from garden.api.kind import KindInfo
from garden.api.machine import API_VERSION, GROUP, VERSION


class NodeTemplate(Model):
    """The node a machine of the class will become, so the cluster-autoscaler can scale up from zero."""

    capacity: dict[str, Quantity]
    """The node's expected capacity (``cpu``, ``memory``, ``gpu``...)."""
    instance_type: str
    """The provider's machine type of the node."""
    region: str
    """The region of the node."""
    zone: str
    """The availability zone of the node."""
    architecture: str | None = None
    """The node's CPU architecture."""


class MachineClass(Resource):
    """Provider configuration for machines. Its fields sit at the top level of the object: it has no spec."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "MachineClass"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "MachineClass",
        "machineclasses",
        short_names=("mcc",),
        status=False,
        description="Provider configuration shared by Machines, MachineSets and MachineDeployments.",
    )

    node_template: NodeTemplate | None = None
    """The expected node, for scaling a group up from zero."""
    credentials_secret_ref: ObjectReference | None = None
    """A Secret with only the cloud credentials, so classes differing in user data can share it."""
    provider_spec: RawExtension
    """The machine driver's configuration for creating a machine."""
    provider: str | None = None
    """The provider whose machine driver handles the class (``AWS``, ``GCP``)."""
    secret_ref: ObjectReference | None = None
    """A Secret with the user data (and the credentials, unless ``credentialsSecretRef`` has them)."""
