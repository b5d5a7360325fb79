"""OperatingSystemConfig: the systemd units and files of a shoot's nodes, rendered by an operating-system extension."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from garden.api.base import Model, ObjectReference, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import STATUS_COLUMN, DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: ``provision``: user data that bootstraps a new machine; ``reconcile``: what gardener-node-agent applies on it.
OperatingSystemConfigPurpose = Literal["provision", "reconcile"]
UnitCommand = Literal["start", "restart", "stop"]
CRIName = Literal["containerd"]
CgroupDriverName = Literal["cgroupfs", "systemd"]
PluginPathOperation = Literal["add", "remove"]
RegistryCapability = Literal["pull", "resolve", "push"]


class DropIn(Model):
    """A systemd drop-in for a unit."""

    name: str
    """The drop-in's file name (``10-override.conf``)."""
    content: str
    """The drop-in's content."""


class Unit(Model):
    """A systemd unit on the node."""

    name: str
    """The unit's name (``kubelet.service``)."""
    command: UnitCommand | None = None
    """What to do with the unit when applying the configuration."""
    enable: bool | None = None
    """Whether the unit is enabled."""
    content: str | None = None
    """The unit file's content."""
    drop_ins: list[DropIn] | None = None
    """Drop-ins for the unit."""
    file_paths: list[str] | None = None
    """Files (by path, each one in ``files``) whose change restarts the unit."""


class FileContentSecretRef(Model):
    """File content taken from a Secret in the object's namespace."""

    name: str
    """The Secret's name."""
    data_key: str
    """The key within the Secret's data."""


class FileContentInline(Model):
    """File content written into the object."""

    encoding: str
    """The encoding of ``data`` (``b64``, or empty for plain text)."""
    data: str
    """The content, encoded as ``encoding`` says."""


class FileContentImageRef(Model):
    """File content extracted from a container image."""

    image: str
    """The image reference with tag."""
    file_path_in_image: str
    """The path of the file inside the image."""


class FileContent(Model):
    """Where a file's content comes from: a Secret, the object itself, or a container image."""

    secret_ref: FileContentSecretRef | None = None
    """Take the content from a Secret."""
    inline: FileContentInline | None = None
    """The content itself."""
    transmit_unencoded: bool | None = None
    """Ship the content to the node as it is, without the extension encoding it."""
    image_ref: FileContentImageRef | None = None
    """Take the content from a container image."""


class File(Model):
    """A file to write on the node."""

    path: str
    """Where to write the file."""
    permissions: int | None = None
    """The file mode (the operating system's default when absent)."""
    content: FileContent
    """The file's content."""


class RegistryHost(Model):
    """A mirror or other host serving a registry for containerd (``hosts.toml``)."""

    url: str
    """The host's endpoint address."""
    capabilities: list[RegistryCapability] | None = None
    """What the host may be used for (pull and resolve when absent)."""
    ca_certs: list[str] | None = None
    """Paths of CA certificates to trust for the host."""


class RegistryConfig(Model):
    """containerd's configuration of one upstream registry."""

    upstream: str
    """The upstream registry's name (``docker.io``)."""
    server: str | None = None
    """The URL of the upstream's registry server."""
    hosts: list[RegistryHost] | None = None
    """Hosts to try for the upstream."""
    readiness_probe: bool | None = None
    """Probe the hosts before adding them to containerd's configuration."""


class PluginConfig(Model):
    """A change to the ``plugins`` section of containerd's ``config.toml``."""

    op: PluginPathOperation | None = None
    """Add (default) or remove the path."""
    path: list[str]
    """The path of keys within the plugins section."""
    values: Any = None
    """The JSON value to set at the path."""


class ContainerdConfig(Model):
    """containerd settings (only for ``reconcile`` configurations)."""

    registries: list[RegistryConfig] | None = None
    """Registry hosts."""
    sandbox_image: str
    """The pause image."""
    plugins: list[PluginConfig] | None = None
    """Changes to the plugins section."""


class CRIConfig(Model):
    """The container runtime of the node."""

    name: CRIName
    """The container runtime; immutable."""
    cgroup_driver: CgroupDriverName | None = None
    """The runtime's cgroup driver."""
    containerd: ContainerdConfig | None = None
    """containerd settings."""


class OperatingSystemConfigSpec(DefaultSpec):
    """The units and files the node should have, for bootstrapping or for continuous reconciliation."""

    cri_config: CRIConfig | None = None
    """The container runtime."""
    purpose: OperatingSystemConfigPurpose
    """Whether this is bootstrap user data or the configuration gardener-node-agent applies; immutable."""
    units: list[Unit] | None = None
    """The systemd units."""
    files: list[File] | None = None
    """The files to write."""


class CloudConfig(Model):
    """Where the rendered configuration is."""

    secret_ref: ObjectReference
    """The Secret holding the rendered configuration (it may contain credentials)."""


class OperatingSystemConfigStatus(DefaultStatus):
    """What the operating-system extension added and rendered."""

    extension_units: list[Unit] | None = None
    """Units the extension adds for its operating system."""
    extension_files: list[File] | None = None
    """Files the extension adds for its operating system."""
    cloud_config: CloudConfig | None = None
    """The rendered user data (set for ``provision`` configurations)."""


class OperatingSystemConfig(Resource):
    """The node configuration of one worker pool, rendered by the operating-system extension of ``spec.type``."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "OperatingSystemConfig"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "OperatingSystemConfig",
        "operatingsystemconfigs",
        short_names=("osc",),
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The type of the operating system configuration."),
            PrinterColumn("Purpose", ".spec.purpose", description="The purpose of the operating system configuration."),
            STATUS_COLUMN,
            AGE,
        ),
        description="The systemd units and files of the nodes of a worker pool.",
    )

    spec: OperatingSystemConfigSpec
    """The node configuration; immutable while the object is being deleted."""
    status: OperatingSystemConfigStatus | None = None
    """How the last reconciliation went and what was rendered."""
