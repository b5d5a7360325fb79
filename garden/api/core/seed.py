"""Seed: a cluster that hosts the control planes of shoots, run by a gardenlet.

Also home of a few structs Gardener shares between Seed and Shoot (``Backup``, ``Extension``,
``NamedResourceReference``, ``AccessRestrictionWithOptions``) and of the ``corev1`` references the two kinds embed.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import (
    CoreObjectReference,
    CrossVersionObjectReference,
    Model,
    ObjectMeta,
    Quantity,
    RawExtension,
    Resource,
    Time,
)
from garden.api.common import Condition, Gardener, LastOperation, SeedTaint
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.core.cloudprofile import AccessRestriction
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: An IP protocol version a cluster's networks use.
IPFamily = Literal["IPv4", "IPv6"]

#: How a load balancer Service routes external traffic (``corev1.ServiceExternalTrafficPolicy``).
ExternalTrafficPolicy = Literal["Cluster", "Local"]


class PodToleration(Model):
    """``corev1.Toleration``: lets a pod be scheduled onto nodes with a matching taint."""

    key: str | None = None
    """The taint key the toleration applies to; empty with ``Exists`` matches every key."""
    operator: Literal["Exists", "Equal"] | None = None
    """How key and value are compared (``Equal`` when unset)."""
    value: str | None = None
    """The taint value to match with ``Equal``."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None
    """The taint effect to match; empty matches every effect."""
    toleration_seconds: int | None = None
    """For ``NoExecute``: how long the pod stays bound after the taint appears."""


class AccessRestrictionWithOptions(AccessRestriction):
    """An access restriction plus options qualifying it (how shoots request one)."""

    options: dict[str, str] | None = None
    """Further options for the restriction."""


class Extension(Model):
    """An extension a cluster wants, by type, with its provider configuration."""

    type: str
    """The extension type (``shoot-dns-service``, ``shoot-cert-service``)."""
    provider_config: RawExtension | None = None
    """Configuration handed to the extension resource, opaque to Gardener."""
    disabled: bool | None = None
    """Turns off an extension that operators enabled automatically for all clusters."""


class NamedResourceReference(Model):
    """A named reference to a resource in the project, which extension configs can refer to by that name."""

    name: str
    """The name extension configs use for the reference."""
    resource_ref: CrossVersionObjectReference
    """The referenced resource (a Secret, ConfigMap, ...)."""


class Backup(Model):
    """Where etcd backups of the shoots' control planes are stored."""

    provider: str
    """The object-store provider type (``aws``, ``gcp``). Immutable."""
    provider_config: RawExtension | None = None
    """Provider configuration passed to the BackupBucket."""
    region: str | None = None
    """Region of the object store; defaults to the seed's region. Immutable."""
    credentials_ref: CoreObjectReference | None = None
    """Credentials for the object store: a Secret or a ``security.gardener.cloud`` WorkloadIdentity."""
    secret_ref: CoreObjectReference | None = None
    """Older spelling of the credentials: a Secret reference (replaced by ``credentialsRef``)."""


class SeedDNSProvider(Model):
    """The DNS provider a seed uses for its own records."""

    type: str
    """The DNS provider type (``aws-route53``)."""
    credentials_ref: CoreObjectReference | None = None
    """Credentials for the DNS provider: a Secret or a WorkloadIdentity."""
    secret_ref: CoreObjectReference | None = None
    """Older spelling of the credentials: a Secret reference (replaced by ``credentialsRef``)."""


class SeedDNSProviderConfig(Model):
    """A DNS provider with the domain it serves (seed internal and default domains)."""

    type: str
    """The DNS provider type."""
    domain: str
    """The domain the provider manages records in."""
    zone: str | None = None
    """The hosted zone holding the records."""
    credentials_ref: CoreObjectReference
    """Credentials for the DNS provider: a Secret or a WorkloadIdentity."""


class SeedDNS(Model):
    """DNS settings of a seed."""

    provider: SeedDNSProvider | None = None
    """The DNS provider for the seed's own records (e.g. its ingress domain)."""
    internal: SeedDNSProviderConfig | None = None
    """The provider and domain for the shoots' internal domain."""
    defaults: list[SeedDNSProviderConfig] | None = None
    """Providers and default domains for shoots; the first matching entry wins."""


class ShootNetworks(Model):
    """Default network ranges for shoots scheduled onto a seed."""

    pods: str | None = None
    """Default CIDR of a shoot's pod network."""
    services: str | None = None
    """Default CIDR of a shoot's service network."""


class SeedNetworks(Model):
    """The node, pod and service networks of a seed cluster."""

    nodes: str | None = None
    """CIDR of the node network. Immutable."""
    pods: str
    """CIDR of the pod network. Immutable."""
    services: str
    """CIDR of the service network. Immutable."""
    shoot_defaults: ShootNetworks | None = None
    """Network ranges shoots get when they set none."""
    block_cidrs: list[str] | None = Field(default=None, alias="blockCIDRs")
    """Networks the shoot control planes running in the seed must not reach."""
    ip_families: list[IPFamily] | None = None
    """IP protocol versions of the seed's networks (``IPv4`` when unset). Immutable."""


class SeedProvider(Model):
    """The infrastructure a seed runs on."""

    type: str
    """The provider type (``aws``, ``gcp``, ``local``)."""
    provider_config: RawExtension | None = None
    """Provider configuration for the seed."""
    region: str
    """The region the seed runs in."""
    zones: list[str] | None = None
    """The availability zones the seed's nodes are spread over."""


class SeedSettingExcessCapacityReservationConfig(Model):
    """One placeholder deployment reserving spare capacity for control planes."""

    resources: dict[str, Quantity]
    """Resources each placeholder pod requests."""
    node_selector: dict[str, str] | None = None
    """Nodes the placeholder pods are placed on."""
    tolerations: list[PodToleration] | None = None
    """Tolerations of the placeholder pods."""


class SeedSettingExcessCapacityReservation(Model):
    """Whether and how spare capacity is kept free for new control planes."""

    enabled: bool | None = None
    """Whether the default reservation is deployed (on when unset)."""
    configs: list[SeedSettingExcessCapacityReservationConfig] | None = None
    """Custom reservation deployments."""


class SeedSettingScheduling(Model):
    """Settings for the scheduler's decisions about a seed."""

    visible: bool
    """Whether the scheduler considers this seed for shoots at all."""


class LoadBalancerServicesProxyProtocol(Model):
    """Whether load balancers may speak the PROXY protocol."""

    allowed: bool
    """Allow (but not require) the PROXY protocol on the load balancer services."""


class SeedSettingLoadBalancerServicesZones(Model):
    """Load balancer settings for one zone of a multi-zone seed."""

    name: str
    """The zone, one of the seed's ``spec.provider.zones``."""
    annotations: dict[str, str] | None = None
    """Annotations merged into the zone's load balancer Service."""
    external_traffic_policy: ExternalTrafficPolicy | None = None
    """External traffic policy of the zone's load balancer Service."""
    proxy_protocol: LoadBalancerServicesProxyProtocol | None = None
    """PROXY protocol setting of the zone's load balancer Service."""


class SeedSettingLoadBalancerServicesZonalIngress(Model):
    """Whether ingress gateways are deployed per availability zone."""

    enabled: bool | None = None
    """One ingress gateway per zone when true (the default), a single one when false."""


class SeedSettingLoadBalancerServices(Model):
    """Settings for the load balancer Services created in the seed."""

    annotations: dict[str, str] | None = None
    """Annotations merged into every load balancer Service."""
    external_traffic_policy: ExternalTrafficPolicy | None = None
    """External traffic policy of the load balancer Services (``Cluster`` when unset)."""
    zones: list[SeedSettingLoadBalancerServicesZones] | None = None
    """Per-zone settings for zonal load balancers."""
    proxy_protocol: LoadBalancerServicesProxyProtocol | None = None
    """PROXY protocol setting of the load balancer Services."""
    zonal_ingress: SeedSettingLoadBalancerServicesZonalIngress | None = None
    """Whether ingress gateways are deployed per zone."""
    class_: str | None = Field(default=None, alias="class")
    """The ``loadBalancerClass`` set on the load balancer Services."""


class SeedSettingVerticalPodAutoscaler(Model):
    """Settings for the VPA deployed into the seed."""

    enabled: bool
    """Whether Gardener deploys the VPA into the seed (turn off only if one is already there)."""
    feature_gates: dict[str, bool] | None = None
    """Feature gates of the VPA components."""
    max_allowed: dict[str, Quantity] | None = None
    """The most any recommendation may be, for every container."""


class SeedSettingDependencyWatchdogWeeder(Model):
    """The dependency-watchdog weeder: restarts crash-looping pods once their dependencies are back."""

    enabled: bool
    """Whether the weeder runs."""


class SeedSettingDependencyWatchdogProber(Model):
    """The dependency-watchdog prober: scales controllers down while a shoot's API server is unreachable."""

    enabled: bool
    """Whether the prober runs."""


class SeedSettingDependencyWatchdog(Model):
    """Settings for the dependency-watchdog in the seed."""

    weeder: SeedSettingDependencyWatchdogWeeder | None = None
    """Weeder settings."""
    prober: SeedSettingDependencyWatchdogProber | None = None
    """Prober settings."""


class SeedSettingTopologyAwareRouting(Model):
    """Whether control-plane Services route traffic within a zone when possible."""

    enabled: bool
    """Make the control-plane Services (etcd clients, kube-apiserver, ...) topology-aware."""


class SeedSettingZoneSelection(Model):
    """How control-plane zones are chosen for a shoot."""

    mode: Literal["Prefer", "Enforce"]
    """``Prefer`` matches the shoot's worker zones when it can; ``Enforce`` requires the match."""


class SeedSettingPersistentVolumeClaimAutoscaler(Model):
    """Settings for the PVC autoscaler deployed into the seed."""

    enabled: bool
    """Whether the PVC autoscaler is deployed."""


class SeedSettings(Model):
    """Optional behaviour of a seed."""

    excess_capacity_reservation: SeedSettingExcessCapacityReservation | None = None
    """Spare capacity kept free for new control planes."""
    scheduling: SeedSettingScheduling | None = None
    """Whether the scheduler may place shoots here."""
    load_balancer_services: SeedSettingLoadBalancerServices | None = None
    """Settings for load balancer Services in the seed."""
    vertical_pod_autoscaler: SeedSettingVerticalPodAutoscaler | None = None
    """Settings for the seed's VPA."""
    dependency_watchdog: SeedSettingDependencyWatchdog | None = None
    """Settings for the dependency-watchdog."""
    topology_aware_routing: SeedSettingTopologyAwareRouting | None = None
    """Settings for topology-aware routing of control-plane traffic."""
    zone_selection: SeedSettingZoneSelection | None = None
    """How shoot control-plane zones are chosen."""
    persistent_volume_claim_autoscaler: SeedSettingPersistentVolumeClaimAutoscaler | None = None
    """Settings for the PVC autoscaler."""


class SeedVolumeProvider(Model):
    """A storage-class provisioner used for a purpose in the seed."""

    purpose: str
    """What the volumes are for (``etcd-main``)."""
    name: str
    """The provisioner type."""


class SeedVolume(Model):
    """Settings for the persistent volumes created in the seed."""

    minimum_size: Quantity | None = None
    """The smallest size a PVC in the seed may request."""
    providers: list[SeedVolumeProvider] | None = None
    """Storage-class provisioners by purpose."""


class IngressController(Model):
    """The ingress controller Gardener manages in the seed."""

    kind: Literal["nginx"]
    """The controller implementation."""
    provider_config: RawExtension | None = None
    """Infrastructure-specific controller configuration."""


class Ingress(Model):
    """Ingress settings of a seed."""

    domain: str
    """The ingress domain; URLs of system components are built under it. Immutable once set."""
    controller: IngressController
    """The ingress controller listening on the domain."""


class SeedSpec(Model):
    """What a seed is and offers."""

    backup: Backup | None = None
    """Where the shoots' etcd backups go; none are taken without it."""
    dns: SeedDNS
    """DNS settings of the seed."""
    networks: SeedNetworks
    """The seed's node, pod and service networks."""
    provider: SeedProvider
    """The infrastructure and region the seed runs in."""
    taints: list[SeedTaint] | None = None
    """Taints only shoots with a matching toleration may be scheduled past."""
    volume: SeedVolume | None = None
    """Settings for persistent volumes in the seed."""
    settings: SeedSettings | None = None
    """Optional behaviour of the seed."""
    ingress: Ingress | None = None
    """Ingress settings. Immutable."""
    access_restrictions: list[AccessRestriction] | None = None
    """Access restrictions this seed satisfies."""
    extensions: list[Extension] | None = None
    """Extensions deployed for the seed."""
    resources: list[NamedResourceReference] | None = None
    """Resources extension configs can refer to by name."""


class SeedStatus(Model):
    """What the gardenlet last observed of its seed."""

    gardener: Gardener | None = None
    """The gardenlet that last acted on the seed."""
    kubernetes_version: str | None = None
    """Kubernetes version of the seed cluster."""
    conditions: list[Condition] | None = None
    """Health of the seed, one condition per aspect."""
    observed_generation: int | None = None
    """The ``metadata.generation`` this status was computed for."""
    cluster_identity: str | None = None
    """The seed cluster's identity. Immutable."""
    capacity: dict[str, Quantity] | None = None
    """Total resources of the seed (``shoots``: how many control planes it can host)."""
    allocatable: dict[str, Quantity] | None = None
    """Resources available for scheduling (defaults to the capacity)."""
    client_certificate_expiration_timestamp: Time | None = None
    """When the gardenlet's client certificate for the garden expires."""
    constraints: list[Condition] | None = None
    """Conditions that restrict operations on the seed."""
    last_operation: LastOperation | None = None
    """The last operation on the seed."""


class SeedTemplate(Model):
    """Metadata and spec of a Seed to be created (used by ManagedSeed)."""

    metadata: ObjectMeta | None = None
    """Metadata of the Seed."""
    spec: SeedSpec | None = None
    """Spec of the Seed."""


class Seed(Resource):
    """A cluster that hosts shoot control planes, registered with the garden and run by a gardenlet."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Seed"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Seed",
        "seeds",
        namespaced=False,
        status=True,
        printer_columns=(
            PrinterColumn(
                "Status",
                '.status.conditions[?(@.type=="GardenletReady")].status',
                description="Whether the seed's gardenlet is ready.",
            ),
            PrinterColumn("Last Operation", ".status.lastOperation.state", description="State of the last operation."),
            PrinterColumn("Provider", ".spec.provider.type", description="The seed's provider type."),
            PrinterColumn("Region", ".spec.provider.region", description="The seed's region."),
            AGE,
            PrinterColumn("Version", ".status.gardener.version", description="Version of the seed's gardenlet."),
            PrinterColumn(
                "K8S Version", ".status.kubernetesVersion", description="Kubernetes version of the seed cluster."
            ),
        ),
        description="A cluster hosting shoot control planes, run by a gardenlet.",
    )

    spec: SeedSpec
    """What the seed is and offers."""
    status: SeedStatus | None = None
    """What the gardenlet last observed of the seed."""


__all__ = [
    "AccessRestrictionWithOptions",
    "Backup",
    "Extension",
    "ExternalTrafficPolicy",
    "IPFamily",
    "Ingress",
    "IngressController",
    "LoadBalancerServicesProxyProtocol",
    "NamedResourceReference",
    "PodToleration",
    "Seed",
    "SeedDNS",
    "SeedDNSProvider",
    "SeedDNSProviderConfig",
    "SeedNetworks",
    "SeedProvider",
    "SeedSettingDependencyWatchdog",
    "SeedSettingDependencyWatchdogProber",
    "SeedSettingDependencyWatchdogWeeder",
    "SeedSettingExcessCapacityReservation",
    "SeedSettingExcessCapacityReservationConfig",
    "SeedSettingLoadBalancerServices",
    "SeedSettingLoadBalancerServicesZonalIngress",
    "SeedSettingLoadBalancerServicesZones",
    "SeedSettingPersistentVolumeClaimAutoscaler",
    "SeedSettingScheduling",
    "SeedSettingTopologyAwareRouting",
    "SeedSettingVerticalPodAutoscaler",
    "SeedSettingZoneSelection",
    "SeedSettings",
    "SeedSpec",
    "SeedStatus",
    "SeedTemplate",
    "SeedVolume",
    "SeedVolumeProvider",
    "ShootNetworks",
]
