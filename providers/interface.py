"""The provider contract: what a cloud plugin implements so the core never has to know the cloud.

The gardenlet writes extension resources (Infrastructure, Worker, DNSRecord, BackupBucket, ...) into a shoot's seed
namespace; the extension controllers in :mod:`providers.extensions` turn each into calls on the provider registered
for its ``spec.type`` (entry-point group ``garden.providers``, see :mod:`providers.registry`). A provider is:

* typed **configs** (``InfrastructureConfig``, ``ControlPlaneConfig``, ``WorkerConfig``) that garden admission
  validates and the actuators parse;
* an **infrastructure** actuator (network, security groups, roles...), returning the provider status kept in the
  Infrastructure's ``status.providerStatus`` and the state kept in ``status.state``;
* a **machine driver**: create / delete / list machines, idempotent by machine name, returning provider IDs;
* optionally **dns** (DNSRecord) and **backup** (BackupBucket) actuators;
* optionally ``control_plane`` (:class:`ControlPlaneProvider`): what a ControlPlane needs of the cloud (a provider
  without one has nothing to do there, and its ControlPlanes succeed with an empty provider status);
* optionally ``validate_shoot`` (:class:`ShootValidator`): garden admission hands it a Shoot's spec and refuses the
  Shoot with every field error it returns. A provider without it gets :func:`config_errors` on each of its typed
  configs (unknown fields and wrong types are refused either way); :func:`validate_shoot` chooses.

Every call is synchronous (the controllers run it in a worker thread), idempotent and safe to repeat after a crash:
resources are found by the shoot's technical ID tag before they are created, so a retry never makes a second one.
Failures are :class:`ProviderError` with one of Gardener's error codes, which decides whether a retry can help.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from garden.api.common import NON_RETRYABLE_CODES, ErrorCode
from kubelite.apiserver.errors import FieldError, forbidden, invalid, required

#: The tag (AWS) or label key prefix every cloud resource of a shoot carries; the value names the technical ID.
CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/"

JSON = dict[str, Any]


class ProviderError(Exception):
    """A failed provider call, with the Gardener error codes that classify it (empty: unknown, retried)."""

    def __init__(self, message: str, *codes: ErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.codes: tuple[ErrorCode, ...] = codes

    @property
    def retryable(self) -> bool:
        """False when retrying without a change by the user cannot help (Gardener then marks the operation Failed)."""
        return not any(code in NON_RETRYABLE_CODES for code in self.codes)


@dataclass(frozen=True, slots=True)
class Networks:
    """The shoot's CIDRs (``spec.networking``): nodes is where machines live; pods and services are in-cluster."""

    nodes: str | None = None
    pods: str | None = None
    services: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """What every actuator may need to know about the shoot it works for."""

    technical_id: str  # "shoot--<project>--<name>", also the seed namespace; tag value for every cloud resource
    region: str
    credentials: Mapping[str, str]  # the data of the cloud provider secret, decoded
    zones: tuple[str, ...] = ()
    networks: Networks = field(default_factory=Networks)
    labels: Mapping[str, str] = field(default_factory=dict)  # extra tags/labels the user asked for


# -- infrastructure -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InfrastructureRequest:
    cluster: ClusterInfo
    config: BaseModel | None  # the provider's InfrastructureConfig, parsed from spec.providerConfig
    ssh_public_key: str | None = None
    #: ``status.state`` from an earlier reconcile or a migration (what the actuator recorded it had made).
    state: JSON | None = None


@dataclass(frozen=True, slots=True)
class InfrastructureResult:
    provider_status: JSON  # kept in status.providerStatus (apiVersion/kind of the provider's status type)
    state: JSON | None = None  # kept in status.state: ids of what was made, for restore after a migration
    nodes_cidr: str | None = None
    egress_cidrs: tuple[str, ...] = ()


class InfrastructureActuator(Protocol):
    def reconcile(self, request: InfrastructureRequest) -> InfrastructureResult: ...

    def delete(self, request: InfrastructureRequest) -> None:
        """Remove everything tagged for the shoot, in dependency order; succeed if nothing is left."""
        ...


# -- machines -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MachineSpec:
    """One machine to run: what a MachineClass plus its Machine say, resolved for the driver."""

    name: str  # the Machine's name; the idempotency key (a tag/label on the instance)
    cluster: ClusterInfo
    class_name: str
    machine_type: str
    image: str  # the provider's image id (AMI, GCE image URL, "local")
    zone: str
    userdata: bytes
    volume_type: str | None = None
    volume_size_gib: int | None = None
    #: provider-specific class settings (MachineClass providerSpec: subnet, security groups, instance profile...).
    provider_spec: JSON = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MachineInfo:
    name: str
    provider_id: str  # "aws:///eu-west-1a/i-0123", "gce://project/zone/name", "local:///<seed>/<name>"
    state: str  # "Pending" | "Running" | "Terminating" | "Terminated" | "Unknown"
    addresses: tuple[str, ...] = ()


class MachineDriver(Protocol):
    def create(self, spec: MachineSpec) -> MachineInfo:
        """Start the machine, or return the one already running under ``spec.name``."""
        ...

    def delete(self, spec: MachineSpec, provider_id: str | None) -> None:
        """Stop the machine (found by provider ID, else by name); succeed if it is already gone."""
        ...

    def list(self, cluster: ClusterInfo) -> Sequence[MachineInfo]:
        """Every machine tagged for the shoot, so orphans can be found."""
        ...


# -- optional: machine classes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MachineClassRequest:
    """One pool in one zone: what the Worker actuator asks a provider to turn into a MachineClass."""

    cluster: ClusterInfo
    pool: str
    zone: str
    zone_index: int  # 0-based position of ``zone`` in the pool's zones (subnets are often per zone)
    machine_type: str
    image_name: str | None
    image_version: str | None
    architecture: str | None = None
    worker_config: BaseModel | None = None  # the provider's WorkerConfig, parsed from the pool's providerConfig
    infrastructure_status: JSON | None = None  # the Worker's spec.infrastructureProviderStatus
    cloud_profile: JSON | None = None  # the CloudProfile's spec (machine images map logical names to image ids)


@dataclass(frozen=True, slots=True)
class MachineClassResult:
    image: str  # the provider's image id the driver boots (AMI, GCE image URL, "local")
    provider_spec: JSON = field(default_factory=dict)  # kept in MachineClass providerSpec, handed back in MachineSpec


class MachineClassBuilder(Protocol):
    """Optional on a Provider (a ``machine_class`` method): resolve images and per-zone network settings."""

    def machine_class(self, request: MachineClassRequest) -> MachineClassResult: ...


def default_machine_class(request: MachineClassRequest) -> MachineClassResult:
    """What a provider without ``machine_class`` gets: the logical image ``name/version`` and the zone."""
    image = f"{request.image_name}/{request.image_version}" if request.image_name else "default"
    return MachineClassResult(image=image, provider_spec={"zone": request.zone})


# -- optional: DNS and backup -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DNSRecordRequest:
    cluster: ClusterInfo
    name: str  # fully qualified, e.g. "api.<shoot>.<project>.example.com"
    record_type: str  # "A" | "AAAA" | "CNAME" | "TXT"
    values: tuple[str, ...]
    ttl: int = 120
    zone: str | None = None  # the hosted zone id, when the DNSRecord names it


class DNSActuator(Protocol):
    def reconcile(self, request: DNSRecordRequest) -> JSON: ...  # returns provider status (zone found, ...)

    def delete(self, request: DNSRecordRequest) -> None: ...


@dataclass(frozen=True, slots=True)
class BackupBucketRequest:
    name: str  # the BackupBucket's name (a bucket per seed, like Gardener)
    region: str
    credentials: Mapping[str, str]


class BackupActuator(Protocol):
    def reconcile(self, request: BackupBucketRequest) -> JSON: ...

    def delete(self, request: BackupBucketRequest) -> None: ...

    def delete_entry(self, request: BackupBucketRequest, prefix: str) -> None:
        """Remove one shoot's backups (a BackupEntry: every object under ``prefix``) from the bucket."""
        ...


# -- optional: control plane ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ControlPlaneRequest:
    cluster: ClusterInfo
    config: BaseModel | None  # the provider's ControlPlaneConfig, parsed from spec.providerConfig
    purpose: str = "normal"  # "normal" | "exposure"
    infrastructure_status: JSON | None = None  # the ControlPlane's spec.infrastructureProviderStatus


class ControlPlaneActuator(Protocol):
    def reconcile(self, request: ControlPlaneRequest) -> JSON:
        """Returns the provider status kept in the ControlPlane's ``status.providerStatus``."""
        ...

    def delete(self, request: ControlPlaneRequest) -> None: ...


@runtime_checkable
class ControlPlaneProvider(Protocol):
    """Optional on a Provider (a ``control_plane`` method)."""

    def control_plane(self, cluster: ClusterInfo) -> ControlPlaneActuator: ...


# -- optional: admission of provider configs ----------------------------------------------------------------------

#: Where a Shoot keeps each provider config, as admission reports them.
INFRASTRUCTURE_CONFIG_PATH = "spec.provider.infrastructureConfig"
CONTROL_PLANE_CONFIG_PATH = "spec.provider.controlPlaneConfig"


def worker_config_path(index: int) -> str:
    return f"spec.provider.workers[{index}].providerConfig"


class ShootValidator(Protocol):
    """Optional on a Provider (a ``validate_shoot`` method): every problem with a Shoot's provider configs."""

    def validate_shoot(self, spec: Mapping[str, Any]) -> list[FieldError]:
        """``spec`` is the Shoot's ``spec`` as written (after defaulting); paths start at ``spec.provider``."""
        ...


def config_errors(model: type[BaseModel], raw: Any, path: str) -> list[FieldError]:
    """``raw`` checked against a typed config: one field error per problem, at its path under ``path``."""
    try:
        model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            where = path + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
            if error["type"] == "missing":
                problems.append(required(where))
            elif error["type"] == "extra_forbidden":
                problems.append(forbidden(where, "unknown field"))
            else:
                problems.append(invalid(where, error.get("input"), str(error["msg"])))
        return problems
    return []


def typed_config_errors(provider: Provider, spec: Mapping[str, Any]) -> list[FieldError]:
    """What a provider without ``validate_shoot`` gets: each config present checked against its typed model."""
    provider_spec = spec.get("provider")
    if not isinstance(provider_spec, Mapping):
        return []
    problems: list[FieldError] = []
    checks = (
        (provider.infrastructure_config, provider_spec.get("infrastructureConfig"), INFRASTRUCTURE_CONFIG_PATH),
        (provider.control_plane_config, provider_spec.get("controlPlaneConfig"), CONTROL_PLANE_CONFIG_PATH),
    )
    for model, raw, path in checks:
        if model is not None and raw is not None:
            problems += config_errors(model, raw, path)
    workers = provider_spec.get("workers")
    if provider.worker_config is not None and isinstance(workers, list):
        for index, worker in enumerate(workers):
            raw = worker.get("providerConfig") if isinstance(worker, Mapping) else None
            if raw is not None:
                problems += config_errors(provider.worker_config, raw, worker_config_path(index))
    return problems


def validate_shoot(provider: Provider, spec: Mapping[str, Any]) -> list[FieldError]:
    """The provider's own ``validate_shoot`` when it has one, else :func:`typed_config_errors`."""
    hook = getattr(provider, "validate_shoot", None)
    if callable(hook):
        found = hook(spec)
        return list(found)
    return typed_config_errors(provider, spec)


# -- the provider -------------------------------------------------------------------------------------------------


@runtime_checkable
class Provider(Protocol):
    """One cloud. Instances are cheap; actuators are built per call from the cluster's credentials."""

    name: ClassVar[str]  # the extension type (spec.type): "local", "aws", "gcp"
    infrastructure_config: ClassVar[type[BaseModel] | None]
    control_plane_config: ClassVar[type[BaseModel] | None]
    worker_config: ClassVar[type[BaseModel] | None]

    def infrastructure(self, cluster: ClusterInfo) -> InfrastructureActuator: ...

    def machines(self, cluster: ClusterInfo) -> MachineDriver: ...

    def dns(self, cluster: ClusterInfo) -> DNSActuator | None: ...

    def backup(self, credentials: Mapping[str, str], region: str) -> BackupActuator | None: ...
