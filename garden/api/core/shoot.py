"""Shoot: a Kubernetes cluster a user orders; its control plane runs in a seed, its nodes in the user's account.

Component configurations (kube-apiserver, kubelet, ...) carry Gardener's field names; durations
(``metav1.Duration``) are kept as the strings users write (``"1m30s"``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import CoreObjectReference, IntOrString, Model, Quantity, RawExtension, Resource, Time
from garden.api.common import Condition, Gardener, LastError, LastOperation, LastOperationState, Toleration
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.core.cloudprofile import SeedSelector
from garden.api.core.seed import (
    AccessRestrictionWithOptions,
    Backup,
    Extension,
    ExternalTrafficPolicy,
    IPFamily,
    NamedResourceReference,
)
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: What a cluster is for; it decides defaults such as monitoring and maintenance behaviour.
ShootPurpose = Literal["evaluation", "testing", "development", "production", "infrastructure"]

#: What a highly available control plane survives: losing a node, or losing a zone.
FailureToleranceType = Literal["node", "zone"]

#: How a worker pool's machines are updated.
MachineUpdateStrategy = Literal["AutoRollingUpdate", "AutoInPlaceUpdate", "ManualInPlaceUpdate"]

#: Phase of a two-step credentials rotation.
CredentialsRotationPhase = Literal[
    "Preparing", "PreparingWithoutWorkersRollout", "WaitingForWorkersRollout", "Prepared", "Completing", "Completed"
]

#: ``metav1.Duration``, as written on the wire (``"30s"``, ``"1h0m0s"``).
Duration = str


# --- addons -----------------------------------------------------------------------------------------------------


class Addon(Model):
    """An addon that is either on or off."""

    enabled: bool
    """Whether the addon is deployed."""


class KubernetesDashboard(Addon):
    """The kubernetes-dashboard addon."""

    authentication_mode: str | None = None
    """How users authenticate to the dashboard (``token``)."""


class NginxIngress(Addon):
    """The nginx-ingress addon."""

    load_balancer_source_ranges: list[str] | None = None
    """Source CIDRs allowed to reach the ingress load balancer."""
    config: dict[str, str] | None = None
    """Entries for the ingress-nginx controller's ConfigMap."""
    external_traffic_policy: ExternalTrafficPolicy | None = None
    """External traffic policy of the ingress load balancer Service (``Cluster`` when unset)."""


class Addons(Model):
    """Addons Gardener deploys into the shoot (deprecated in Gardener; kept for existing clusters)."""

    kubernetes_dashboard: KubernetesDashboard | None = None
    """The Kubernetes dashboard."""
    nginx_ingress: NginxIngress | None = None
    """An nginx ingress controller."""


# --- references, DNS, extensions, hibernation ---------------------------------------------------------------------


class CloudProfileReference(Model):
    """A reference to a CloudProfile or a project's NamespacedCloudProfile."""

    kind: Literal["CloudProfile", "NamespacedCloudProfile"] = "CloudProfile"
    """Which kind of profile is referenced; CloudProfile when left out (admission writes it in)."""
    name: str
    """Name of the profile (a NamespacedCloudProfile is looked up in the shoot's namespace)."""


class DNSIncludeExclude(Model):
    """Which domains or zones a DNS provider may and may not use."""

    include: list[str] | None = None
    """Entries to include."""
    exclude: list[str] | None = None
    """Entries to exclude."""


class DNSProvider(Model):
    """A DNS provider for the shoot's domain."""

    domains: DNSIncludeExclude | None = None
    """Domains the provider may manage (deprecated in Gardener)."""
    primary: bool | None = None
    """Whether this provider manages the shoot's own records (deprecated in Gardener)."""
    secret_name: str | None = None
    """Secret in the project with credentials for the provider; the shoot's credentials when unset."""
    type: str | None = None
    """The DNS provider type (``aws-route53``)."""
    zones: DNSIncludeExclude | None = None
    """Hosted zones the provider may manage (deprecated in Gardener)."""


class DNS(Model):
    """DNS settings of a shoot."""

    domain: str | None = None
    """The shoot's external domain, used in the kubeconfigs handed to users. Immutable."""
    providers: list[DNSProvider] | None = None
    """DNS providers for the shoot, needed unless a default domain is used."""


class HibernationSchedule(Model):
    """A recurring hibernation: sleep at ``start``, wake at ``end`` (either may be left out)."""

    start: str | None = None
    """Cron spec of when the shoot is hibernated."""
    end: str | None = None
    """Cron spec of when the shoot is woken up."""
    location: str | None = None
    """Time zone in which start and end are read (``Europe/Berlin``); UTC when unset."""


class Hibernation(Model):
    """Whether the shoot should be asleep (control plane and nodes scaled to zero)."""

    enabled: bool | None = None
    """The desired state: hibernated when true, awake when false or unset."""
    schedules: list[HibernationSchedule] | None = None
    """Schedules that set ``enabled`` on and off."""


# --- kubernetes components -----------------------------------------------------------------------------------------


class KubernetesConfig(Model):
    """Settings every Kubernetes component takes."""

    feature_gates: dict[str, bool] | None = None
    """Feature gates to switch on or off."""


class ControlPlaneAutoscaling(Model):
    """Vertical autoscaling bounds of a control-plane component."""

    min_allowed: dict[str, Quantity]
    """The least the autoscaler may request for the component."""


class AdmissionPlugin(Model):
    """An admission plugin of the kube-apiserver, with its configuration."""

    name: str
    """Name of the plugin."""
    config: RawExtension | None = None
    """The plugin's configuration."""
    disabled: bool | None = None
    """Turn off a plugin Gardener would otherwise enable."""
    kubeconfig_secret_name: str | None = None
    """Secret with a kubeconfig the plugin uses."""


class AuditPolicy(Model):
    """Where the kube-apiserver's audit policy comes from."""

    config_map_ref: CoreObjectReference | None = None
    """ConfigMap in the shoot's namespace holding the audit policy."""


class AuditConfig(Model):
    """Audit settings of the kube-apiserver."""

    audit_policy: AuditPolicy | None = None
    """The audit policy."""


class OpenIDConnectClientAuthentication(Model):
    """OIDC client settings for generated kubeconfigs (deprecated in Gardener, unused)."""

    extra_config: dict[str, str] | None = None
    """Extra entries for the kubeconfig's auth provider."""
    secret: str | None = None
    """The OIDC client secret."""


class OIDCConfig(Model):
    """OIDC authentication flags of the kube-apiserver (deprecated in Gardener for structured authentication)."""

    ca_bundle: str | None = None
    """CA bundle to verify the issuer with; the host's roots when unset."""
    client_authentication: OpenIDConnectClientAuthentication | None = None
    """Client settings for kubeconfig generation."""
    client_id: str | None = Field(default=None, alias="clientID")
    """The OIDC client ID tokens must be issued for."""
    groups_claim: str | None = None
    """The claim holding the user's groups."""
    groups_prefix: str | None = None
    """Prefix added to every group name."""
    issuer_url: str | None = Field(default=None, alias="issuerURL")
    """The issuer's HTTPS URL."""
    required_claims: dict[str, str] | None = None
    """Claims that must be present in the token, with their values."""
    signing_algs: list[str] | None = None
    """Accepted JOSE signing algorithms."""
    username_claim: str | None = None
    """The claim used as user name (``sub`` when unset)."""
    username_prefix: str | None = None
    """Prefix added to user names (``-`` for none)."""


class ServiceAccountConfig(Model):
    """Service account token settings of the kube-apiserver."""

    issuer: str | None = None
    """The issuer written into new service account tokens; the API server's URL when unset."""
    extend_token_expiration: bool | None = None
    """Extend the lifetime of admission-injected tokens during the move to bound tokens."""
    max_token_expiration: Duration | None = None
    """The longest validity a requested token may get (30d to 90d)."""
    accepted_issuers: list[str] | None = None
    """Further issuers whose tokens are accepted, but not used to issue new ones."""


class ResourceWatchCacheSize(Model):
    """The watch cache size for one resource."""

    api_group: str | None = None
    """API group of the resource; the core group when unset."""
    resource: str
    """The resource, in lowercase plural (``secrets``)."""
    size: int
    """The watch cache size."""


class WatchCacheSizes(Model):
    """Watch cache sizes of the kube-apiserver."""

    default: int | None = None
    """The default watch cache size (``0`` turns the cache off)."""
    resources: list[ResourceWatchCacheSize] | None = None
    """Sizes for individual resources."""


class APIServerRequests(Model):
    """In-flight request limits of the kube-apiserver."""

    max_non_mutating_inflight: int | None = None
    """Most non-mutating requests in flight at once."""
    max_mutating_inflight: int | None = None
    """Most mutating requests in flight at once."""


class APIServerLogging(Model):
    """Log settings of the kube-apiserver."""

    verbosity: int | None = None
    """Log verbosity (2 when unset)."""
    http_access_verbosity: int | None = None
    """Verbosity of the HTTP access log."""


class EncryptionConfig(Model):
    """Which resources the kube-apiserver encrypts at rest besides Secrets."""

    resources: list[str]
    """Resources to encrypt (``configmaps``, ``resource.group``)."""


class StructuredAuthentication(Model):
    """Structured authentication configuration of the kube-apiserver."""

    config_map_name: str
    """ConfigMap in the project namespace with the AuthenticationConfiguration."""


class AuthorizerKubeconfigReference(Model):
    """The kubeconfig of one authorization webhook."""

    authorizer_name: str
    """Name of the webhook authorizer."""
    secret_name: str
    """Secret holding the kubeconfig."""


class StructuredAuthorization(Model):
    """Structured authorization configuration of the kube-apiserver."""

    config_map_name: str
    """ConfigMap in the project namespace with the AuthorizationConfiguration."""
    kubeconfigs: list[AuthorizerKubeconfigReference]
    """Kubeconfigs of the authorization webhooks."""


class KubeAPIServerConfig(KubernetesConfig):
    """Settings of the shoot's kube-apiserver."""

    admission_plugins: list[AdmissionPlugin] | None = None
    """Admission plugins in addition to Gardener's, with their configuration."""
    api_audiences: list[str] | None = None
    """Audiences service account tokens must be bound to (``kubernetes`` when unset)."""
    audit_config: AuditConfig | None = None
    """Audit settings."""
    oidc_config: OIDCConfig | None = None
    """OIDC authentication flags (deprecated in Gardener)."""
    runtime_config: dict[str, bool] | None = None
    """API groups/versions to switch on or off (``--runtime-config``)."""
    service_account_config: ServiceAccountConfig | None = None
    """Service account token settings."""
    watch_cache_sizes: WatchCacheSizes | None = None
    """Watch cache sizes."""
    requests: APIServerRequests | None = None
    """In-flight request limits."""
    enable_anonymous_authentication: bool | None = None
    """Allow anonymous requests (``--anonymous-auth``; deprecated in Gardener)."""
    event_ttl: Duration | None = Field(default=None, alias="eventTTL")
    """How long events are kept (1h when unset)."""
    logging: APIServerLogging | None = None
    """Log settings."""
    default_not_ready_toleration_seconds: int | None = None
    """Seconds pods tolerate a not-ready node by default (300 when unset)."""
    default_unreachable_toleration_seconds: int | None = None
    """Seconds pods tolerate an unreachable node by default (300 when unset)."""
    encryption_config: EncryptionConfig | None = None
    """Resources encrypted at rest besides Secrets."""
    structured_authentication: StructuredAuthentication | None = None
    """Structured authentication configuration."""
    structured_authorization: StructuredAuthorization | None = None
    """Structured authorization configuration."""
    autoscaling: ControlPlaneAutoscaling | None = None
    """Autoscaling bounds of the kube-apiserver."""


class HorizontalPodAutoscalerConfig(Model):
    """Settings of the horizontal pod autoscaler in the kube-controller-manager."""

    cpu_initialization_period: Duration | None = None
    """Period after a pod starts during which its CPU samples are skipped."""
    downscale_stabilization: Duration | None = None
    """Window over which the highest recommendation is used before scaling down."""
    initial_readiness_delay: Duration | None = None
    """Period after start during which readiness changes are treated as initial."""
    sync_period: Duration | None = None
    """How often the autoscaler reconciles."""
    tolerance: float | None = None
    """The smallest change in the metrics ratio that leads to scaling."""


class KubeControllerManagerConfig(KubernetesConfig):
    """Settings of the shoot's kube-controller-manager."""

    horizontal_pod_autoscaler: HorizontalPodAutoscalerConfig | None = None
    """Horizontal pod autoscaler settings."""
    node_cidr_mask_size: int | None = Field(default=None, alias="nodeCIDRMaskSize")
    """Mask size of each node's pod CIDR (24 when unset). Immutable."""
    pod_eviction_timeout: Duration | None = None
    """Grace period before pods on failed nodes are deleted (deprecated in Gardener)."""
    node_monitor_grace_period: Duration | None = None
    """How long a node may be unresponsive before it is marked unhealthy."""


class KubeSchedulerConfig(KubernetesConfig):
    """Settings of the shoot's kube-scheduler."""

    kube_max_pd_vols: str | None = Field(default=None, alias="kubeMaxPDVols")
    """Value of the ``KUBE_MAX_PD_VOLS`` environment variable."""
    profile: Literal["balanced", "bin-packing"] | None = None
    """Scheduling profile (``balanced`` when unset)."""


class KubeProxyConfig(KubernetesConfig):
    """Settings of kube-proxy on the shoot's nodes."""

    mode: Literal["IPTables", "IPVS"] | None = None
    """Proxy mode (``IPTables`` when unset)."""
    enabled: bool | None = None
    """Whether kube-proxy is deployed (true when unset; some networking extensions replace it)."""


class KubeletConfigEviction(Model):
    """Eviction thresholds of the kubelet, as quantities or percentages."""

    memory_available: str | None = None
    """Threshold for free memory."""
    image_fs_available: str | None = Field(default=None, alias="imageFSAvailable")
    """Threshold for free space on the image filesystem."""
    image_fs_inodes_free: str | None = Field(default=None, alias="imageFSInodesFree")
    """Threshold for free inodes on the image filesystem."""
    node_fs_available: str | None = Field(default=None, alias="nodeFSAvailable")
    """Threshold for free space on the node filesystem."""
    node_fs_inodes_free: str | None = Field(default=None, alias="nodeFSInodesFree")
    """Threshold for free inodes on the node filesystem."""


class KubeletConfigEvictionMinimumReclaim(Model):
    """How much the kubelet reclaims below a threshold once it evicts."""

    memory_available: Quantity | None = None
    """Memory to reclaim."""
    image_fs_available: Quantity | None = Field(default=None, alias="imageFSAvailable")
    """Image filesystem space to reclaim."""
    image_fs_inodes_free: Quantity | None = Field(default=None, alias="imageFSInodesFree")
    """Image filesystem inodes to reclaim."""
    node_fs_available: Quantity | None = Field(default=None, alias="nodeFSAvailable")
    """Node filesystem space to reclaim."""
    node_fs_inodes_free: Quantity | None = Field(default=None, alias="nodeFSInodesFree")
    """Node filesystem inodes to reclaim."""


class KubeletConfigEvictionSoftGracePeriod(Model):
    """How long each soft eviction threshold must hold before pods are evicted."""

    memory_available: Duration | None = None
    """Grace period for the memory threshold."""
    image_fs_available: Duration | None = Field(default=None, alias="imageFSAvailable")
    """Grace period for the image filesystem space threshold."""
    image_fs_inodes_free: Duration | None = Field(default=None, alias="imageFSInodesFree")
    """Grace period for the image filesystem inodes threshold."""
    node_fs_available: Duration | None = Field(default=None, alias="nodeFSAvailable")
    """Grace period for the node filesystem space threshold."""
    node_fs_inodes_free: Duration | None = Field(default=None, alias="nodeFSInodesFree")
    """Grace period for the node filesystem inodes threshold."""


class KubeletConfigReserved(Model):
    """Resources held back from pods for system daemons."""

    cpu: Quantity | None = None
    """Reserved CPU."""
    memory: Quantity | None = None
    """Reserved memory."""
    ephemeral_storage: Quantity | None = None
    """Reserved ephemeral storage."""
    pid: Quantity | None = None
    """Reserved process IDs."""


class MemorySwapConfiguration(Model):
    """Swap settings of the kubelet."""

    swap_behavior: Literal["NoSwap", "LimitedSwap", "UnlimitedSwap"] | None = None
    """How much swap workloads may use."""


class KubeletConfig(KubernetesConfig):
    """Settings of the kubelet on the shoot's nodes."""

    cpu_cfs_quota: bool | None = Field(default=None, alias="cpuCFSQuota")
    """Enforce CPU limits with CFS quota."""
    cpu_manager_policy: str | None = None
    """CPU manager policy (``none`` when unset)."""
    eviction_hard: KubeletConfigEviction | None = None
    """Thresholds that evict pods at once."""
    eviction_max_pod_grace_period: int | None = None
    """Longest grace period, in seconds, for pods evicted by a soft threshold."""
    eviction_minimum_reclaim: KubeletConfigEvictionMinimumReclaim | None = None
    """How much to reclaim once evicting."""
    eviction_pressure_transition_period: Duration | None = None
    """How long to wait before leaving an eviction pressure condition."""
    eviction_soft: KubeletConfigEviction | None = None
    """Thresholds that evict pods after their grace period."""
    eviction_soft_grace_period: KubeletConfigEvictionSoftGracePeriod | None = None
    """Grace periods of the soft thresholds."""
    max_pods: int | None = None
    """Most pods per node (110 when unset)."""
    pod_pids_limit: int | None = None
    """Most process IDs per pod."""
    fail_swap_on: bool | None = None
    """Refuse to start when swap is on (true when unset)."""
    kube_reserved: KubeletConfigReserved | None = None
    """Resources reserved for Kubernetes node components."""
    system_reserved: KubeletConfigReserved | None = None
    """Resources reserved for other system processes (deprecated in Gardener)."""
    image_gc_high_threshold_percent: int | None = Field(default=None, alias="imageGCHighThresholdPercent")
    """Disk usage percentage that starts image garbage collection."""
    image_gc_low_threshold_percent: int | None = Field(default=None, alias="imageGCLowThresholdPercent")
    """Disk usage percentage image garbage collection frees down to."""
    serialize_image_pulls: bool | None = None
    """Pull one image at a time."""
    registry_pull_qps: int | None = Field(default=None, alias="registryPullQPS")
    """Registry pulls per second (0: unlimited)."""
    registry_burst: int | None = None
    """Burst of registry pulls above ``registryPullQPS``."""
    seccomp_default: bool | None = None
    """Use ``RuntimeDefault`` as every workload's default seccomp profile."""
    container_log_max_size: Quantity | None = None
    """Size at which a container log is rotated."""
    container_log_max_files: int | None = None
    """Most rotated log files per container."""
    protect_kernel_defaults: bool | None = None
    """Fail when kernel tunables differ from the kubelet's defaults."""
    streaming_connection_idle_timeout: Duration | None = None
    """Idle time after which streaming connections are closed (30s to 4h)."""
    memory_swap: MemorySwapConfiguration | None = None
    """Swap settings."""
    max_parallel_image_pulls: int | None = None
    """Most image pulls at once."""
    image_minimum_gc_age: Duration | None = Field(default=None, alias="imageMinimumGCAge")
    """Least age of an unused image before it may be collected."""
    image_maximum_gc_age: Duration | None = Field(default=None, alias="imageMaximumGCAge")
    """Age of an unused image after which it is collected."""


class ClusterAutoscaler(Model):
    """Settings of the shoot's cluster-autoscaler."""

    scale_down_delay_after_add: Duration | None = None
    """How long after a scale-up scale-down evaluation resumes."""
    scale_down_delay_after_delete: Duration | None = None
    """How long after a node deletion scale-down evaluation resumes."""
    scale_down_delay_after_failure: Duration | None = None
    """How long after a failed scale-down evaluation resumes."""
    scale_down_unneeded_time: Duration | None = None
    """How long a node must be unneeded before it is removed."""
    scale_down_utilization_threshold: float | None = None
    """Utilization (0.0 to 1.0) below which a node may be removed."""
    scan_interval: Duration | None = None
    """How often the cluster is re-evaluated."""
    expander: str | None = None
    """How a node group is chosen for scale-up (``least-waste``, ``most-pods``, ``priority``, ``random``)."""
    max_node_provision_time: Duration | None = None
    """How long to wait for a node to be provisioned."""
    max_graceful_termination_seconds: int | None = None
    """Seconds to wait for pods to terminate when draining a node."""
    ignore_taints: list[str] | None = None
    """Taint keys ignored in node templates (deprecated in Gardener)."""
    new_pod_scale_up_delay: Duration | None = None
    """How long new pods are ignored before they count for scale-up."""
    max_empty_bulk_delete: int | None = None
    """Most empty nodes deleted at once (deprecated in Gardener)."""
    ignore_daemonsets_utilization: bool | None = None
    """Leave DaemonSet pods out of utilization for scale-down."""
    verbosity: int | None = None
    """Log verbosity."""
    startup_taints: list[str] | None = None
    """Taints after which a node counts as not ready yet but soon will be."""
    status_taints: list[str] | None = None
    """Taints after which a node counts as ready but is left out of scale-up."""
    max_scale_down_parallelism: int | None = None
    """Most nodes removed in parallel."""
    max_drain_parallelism: int | None = None
    """Most nodes drained in parallel."""


class VerticalPodAutoscaler(Model):
    """Settings of the VPA Gardener can deploy into the shoot."""

    enabled: bool
    """Whether the VPA is deployed into the shoot."""
    evict_after_oom_threshold: Duration | None = Field(default=None, alias="evictAfterOOMThreshold")
    """Evict a single-container pod that was OOM-killed within this time after start."""
    eviction_rate_burst: int | None = None
    """Burst of evictions."""
    eviction_rate_limit: float | None = None
    """Evictions per second (0 or -1: unlimited)."""
    eviction_tolerance: float | None = None
    """Fraction of replicas that may be evicted at once."""
    recommendation_margin_fraction: float | None = None
    """Safety margin added to recommendations."""
    updater_interval: Duration | None = None
    """How often the updater runs."""
    recommender_interval: Duration | None = None
    """How often the recommender fetches metrics."""
    target_cpu_percentile: float | None = Field(default=None, alias="targetCPUPercentile")
    """Usage percentile the CPU target is based on."""
    recommendation_lower_bound_cpu_percentile: float | None = Field(
        default=None, alias="recommendationLowerBoundCPUPercentile"
    )
    """Usage percentile of the CPU lower bound."""
    recommendation_upper_bound_cpu_percentile: float | None = Field(
        default=None, alias="recommendationUpperBoundCPUPercentile"
    )
    """Usage percentile of the CPU upper bound."""
    target_memory_percentile: float | None = None
    """Usage percentile the memory target is based on."""
    recommendation_lower_bound_memory_percentile: float | None = None
    """Usage percentile of the memory lower bound."""
    recommendation_upper_bound_memory_percentile: float | None = None
    """Usage percentile of the memory upper bound."""
    cpu_histogram_decay_half_life: Duration | None = None
    """Time for a CPU sample to lose half its weight."""
    memory_histogram_decay_half_life: Duration | None = None
    """Time for a memory sample to lose half its weight."""
    memory_aggregation_interval: Duration | None = None
    """Length of one memory peak aggregation interval."""
    memory_aggregation_interval_count: int | None = None
    """Number of aggregation intervals in the memory window."""
    feature_gates: dict[str, bool] | None = None
    """Feature gates of the VPA components."""


class ETCDConfig(Model):
    """Settings of one etcd of the shoot."""

    autoscaling: ControlPlaneAutoscaling | None = None
    """Autoscaling bounds of the etcd."""


class ETCD(Model):
    """Settings of the shoot's etcds."""

    main: ETCDConfig | None = None
    """The main etcd."""
    events: ETCDConfig | None = None
    """The events etcd."""


class Kubernetes(Model):
    """The shoot's Kubernetes version and component settings."""

    cluster_autoscaler: ClusterAutoscaler | None = None
    """Cluster-autoscaler settings."""
    kube_api_server: KubeAPIServerConfig | None = Field(default=None, alias="kubeAPIServer")
    """Kube-apiserver settings."""
    kube_controller_manager: KubeControllerManagerConfig | None = None
    """Kube-controller-manager settings."""
    kube_scheduler: KubeSchedulerConfig | None = None
    """Kube-scheduler settings."""
    kube_proxy: KubeProxyConfig | None = None
    """Kube-proxy settings."""
    kubelet: KubeletConfig | None = None
    """Kubelet settings for all worker pools (a pool may override them)."""
    version: str | None = None
    """Kubernetes version; ``<major>.<minor>`` or unset is completed from the CloudProfile on admission."""
    vertical_pod_autoscaler: VerticalPodAutoscaler | None = None
    """VPA settings."""
    enable_static_token_kubeconfig: bool | None = None
    """Whether a static-token kubeconfig is issued (older Gardener; removed in newer versions)."""
    etcd: ETCD | None = None
    """Etcd settings."""


# --- networking, maintenance, monitoring ----------------------------------------------------------------------------


class Networking(Model):
    """The shoot's networking plugin and network ranges."""

    type: str | None = None
    """The networking plugin (``calico``, ``cilium``). Immutable."""
    provider_config: RawExtension | None = None
    """Configuration for the networking plugin."""
    pods: str | None = None
    """CIDR of the pod network. Immutable."""
    nodes: str | None = None
    """CIDR of the node network."""
    services: str | None = None
    """CIDR of the service network. Immutable."""
    ip_families: list[IPFamily] | None = None
    """IP protocol versions of the networks (``IPv4`` when unset)."""


class MaintenanceAutoUpdate(Model):
    """What maintenance updates automatically."""

    kubernetes_version: bool
    """Update the Kubernetes patch version."""
    machine_image_version: bool | None = None
    """Update the machine image version."""


class MaintenanceRotationConfig(Model):
    """Automatic rotation of one credential."""

    enabled: bool | None = None
    """Whether the credential is rotated automatically (off when unset)."""
    rotation_period: Duration | None = None
    """Time from one completed rotation to the next (7d when unset)."""


class MaintenanceCredentialsAutoRotation(Model):
    """Which credentials are rotated automatically."""

    observability: MaintenanceRotationConfig | None = None
    """The observability credentials."""
    ssh_keypair: MaintenanceRotationConfig | None = None
    """The worker nodes' SSH key pair."""


class MaintenanceAutoRotation(Model):
    """What maintenance rotates automatically."""

    credentials: MaintenanceCredentialsAutoRotation | None = None
    """Credentials to rotate."""


class MaintenanceTimeWindow(Model):
    """The daily window maintenance runs in, as ``HHMMSS+ZONE`` (``220000+0100``)."""

    begin: str
    """Start of the window."""
    end: str
    """End of the window."""


class Maintenance(Model):
    """When the shoot is maintained and what maintenance does."""

    auto_update: MaintenanceAutoUpdate | None = None
    """Automatic version updates."""
    time_window: MaintenanceTimeWindow | None = None
    """The maintenance window."""
    confine_spec_update_rollout: bool | None = None
    """Hold spec changes until the window (hibernation changes still roll out at once)."""
    auto_rotation: MaintenanceAutoRotation | None = None
    """Automatic credential rotations."""


class Alerting(Model):
    """Who receives the shoot's alerts."""

    email_receivers: list[str] | None = None
    """E-mail addresses alerts are sent to."""


class Monitoring(Model):
    """Monitoring settings of the shoot."""

    alerting: Alerting | None = None
    """Alerting settings."""


# --- provider and workers -------------------------------------------------------------------------------------------


class Taint(Model):
    """``corev1.Taint``: keeps pods without a matching toleration off a node."""

    key: str
    """The taint key."""
    value: str | None = None
    """The taint value."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
    """What happens to pods that do not tolerate the taint."""
    time_added: Time | None = None
    """When a ``NoExecute`` taint was added."""


class ContainerRuntime(Model):
    """An extra container runtime on a pool's machines (e.g. gVisor)."""

    type: str
    """The runtime type."""
    provider_config: RawExtension | None = None
    """Configuration for the runtime."""


class CRI(Model):
    """The container runtime interface of a pool's machines."""

    name: str
    """The CRI implementation (``containerd``)."""
    container_runtimes: list[ContainerRuntime] | None = None
    """Further container runtimes to install."""


class WorkerKubernetes(Model):
    """Kubernetes settings of one worker pool."""

    kubelet: KubeletConfig | None = None
    """Kubelet settings replacing (not merged with) ``spec.kubernetes.kubelet`` for this pool."""
    version: str | None = None
    """Kubelet version of this pool; the shoot's version when unset."""


class ShootMachineImage(Model):
    """The machine image of a worker pool, as offered by the CloudProfile."""

    name: str
    """Name of the image (``gardenlinux``)."""
    provider_config: RawExtension | None = None
    """Image-specific configuration."""
    version: str | None = None
    """Image version; the latest in the CloudProfile when unset."""


class Machine(Model):
    """The machine type and image of a worker pool."""

    type: str
    """The machine type (``m5.large``)."""
    image: ShootMachineImage | None = None
    """The machine image; the CloudProfile's first image when unset."""
    architecture: str | None = None
    """CPU architecture (``amd64``, ``arm64``)."""


class Volume(Model):
    """The root disk of a pool's machines."""

    name: str | None = None
    """A name to refer to the volume by."""
    type: str | None = None
    """The volume type (``gp3``)."""
    size: str
    """The volume size (``50Gi``)."""
    encrypted: bool | None = None
    """Whether the volume is encrypted."""


class DataVolume(Model):
    """An additional disk on a pool's machines."""

    name: str
    """Name of the volume, to refer to it by."""
    type: str | None = None
    """The volume type."""
    size: str
    """The volume size."""
    encrypted: bool | None = None
    """Whether the volume is encrypted."""


class WorkerSystemComponents(Model):
    """Whether a pool may run system components."""

    allow: bool
    """Allow system components (CoreDNS, ...) on the pool's nodes."""


class MachineControllerManagerSettings(Model):
    """Machine-controller-manager settings for one worker pool."""

    machine_drain_timeout: Duration | None = None
    """Time after which a machine being drained is deleted anyway."""
    machine_health_timeout: Duration | None = None
    """Time after which an unhealthy machine is declared failed."""
    machine_creation_timeout: Duration | None = None
    """Time after which a machine that did not join is declared failed."""
    max_evict_retries: int | None = None
    """Eviction attempts per pod before the machine is deleted by force."""
    node_conditions: list[str] | None = None
    """Node conditions that, true for the health timeout, fail the machine."""
    in_place_update_timeout: Duration | None = None
    """Time after which an in-place update is declared failed."""
    disable_health_timeout: bool | None = None
    """Never declare machines failed for health (for in-place updates)."""


class ClusterAutoscalerOptions(Model):
    """Cluster-autoscaler settings for one worker pool."""

    scale_down_utilization_threshold: float | None = None
    """Utilization (0.0 to 1.0) below which a node may be removed."""
    scale_down_gpu_utilization_threshold: float | None = None
    """GPU utilization (0.0 to 1.0) below which a node may be removed."""
    scale_down_unneeded_time: Duration | None = None
    """How long a node must be unneeded before it is removed."""
    scale_down_unready_time: Duration | None = None
    """How long an unready node must be unneeded before it is removed."""
    max_node_provision_time: Duration | None = None
    """How long to wait for a node to be provisioned."""


class WorkerControlPlane(Model):
    """Marks a pool as running the control plane (autonomous shoots only)."""

    backup: Backup | None = None
    """Where the control plane's etcd backups go; none are taken without it."""


class Worker(Model):
    """A pool of machines of one type that become the shoot's nodes."""

    annotations: dict[str, str] | None = None
    """Annotations put on every Node of the pool."""
    ca_bundle: str | None = None
    """CA certificates installed on every machine of the pool."""
    cri: CRI | None = None
    """The container runtime (``containerd`` when unset)."""
    kubernetes: WorkerKubernetes | None = None
    """Kubernetes settings for this pool."""
    labels: dict[str, str] | None = None
    """Labels put on every Node of the pool."""
    name: str
    """Name of the pool."""
    machine: Machine
    """Machine type and image."""
    maximum: int
    """Most machines, spread over the zones."""
    minimum: int
    """Fewest machines, spread over the zones."""
    max_surge: IntOrString | None = None
    """Machines created beyond ``maximum`` during an update."""
    max_unavailable: IntOrString | None = None
    """Machines that may be unavailable during an update."""
    provider_config: RawExtension | None = None
    """Provider configuration for the pool."""
    taints: list[Taint] | None = None
    """Taints put on every Node of the pool."""
    volume: Volume | None = None
    """The root disk."""
    data_volumes: list[DataVolume] | None = None
    """Additional disks."""
    kubelet_data_volume_name: str | None = None
    """The data volume the kubelet keeps its state on."""
    zones: list[str] | None = None
    """Availability zones the pool is spread over."""
    system_components: WorkerSystemComponents | None = None
    """Whether system components may run on the pool."""
    machine_controller_manager: MachineControllerManagerSettings | None = None
    """Machine-controller-manager settings for the pool."""
    sysctls: dict[str, str] | None = None
    """Kernel settings applied on every machine."""
    cluster_autoscaler: ClusterAutoscalerOptions | None = None
    """Cluster-autoscaler settings for the pool."""
    priority: int | None = None
    """Weight of the pool when the cluster-autoscaler picks one (``priority`` expander)."""
    update_strategy: MachineUpdateStrategy | None = None
    """How machines are updated."""
    control_plane: WorkerControlPlane | None = None
    """Run the control plane in this pool (autonomous shoots only)."""


class SSHAccess(Model):
    """SSH access to the worker nodes."""

    enabled: bool
    """Whether sshd is enabled on the nodes."""


class WorkersSettings(Model):
    """Settings for all worker pools."""

    ssh_access: SSHAccess | None = None
    """SSH access to the nodes."""


class Provider(Model):
    """The infrastructure provider of the shoot, with its configuration and worker pools."""

    type: str
    """The provider type (``aws``, ``gcp``). Immutable."""
    control_plane_config: RawExtension | None = None
    """Provider-specific control-plane configuration."""
    infrastructure_config: RawExtension | None = None
    """Provider-specific infrastructure configuration (networks, zones)."""
    workers: list[Worker] | None = None
    """The worker pools."""
    workers_settings: WorkersSettings | None = None
    """Settings for all worker pools."""


# --- scheduling, system components, control plane -------------------------------------------------------------------


class CoreDNSAutoscaling(Model):
    """How CoreDNS is scaled."""

    mode: Literal["horizontal", "cluster-proportional"]
    """Scale horizontally by load, or in proportion to cluster size."""


class CoreDNSRewriting(Model):
    """Rewriting of DNS queries that wrongly had the search path appended."""

    common_suffixes: list[str] | None = None
    """Domain suffixes (with at least one dot) whose queries are rewritten."""


class CoreDNS(Model):
    """Settings of CoreDNS in the shoot."""

    autoscaling: CoreDNSAutoscaling | None = None
    """How CoreDNS is scaled."""
    rewriting: CoreDNSRewriting | None = None
    """Query rewriting."""


class NodeLocalDNS(Model):
    """The node-local DNS cache."""

    enabled: bool
    """Whether the node-local DNS cache is deployed."""
    force_tcp_to_cluster_dns: bool | None = Field(default=None, alias="forceTCPToClusterDNS")
    """Use TCP towards CoreDNS (true when unset)."""
    force_tcp_to_upstream_dns: bool | None = Field(default=None, alias="forceTCPToUpstreamDNS")
    """Use TCP towards the upstream DNS (true when unset)."""
    disable_forward_to_upstream_dns: bool | None = Field(default=None, alias="disableForwardToUpstreamDNS")
    """Do not forward external queries to the upstream DNS directly."""


class SystemComponents(Model):
    """Settings of system components in the shoot."""

    core_dns: CoreDNS | None = Field(default=None, alias="coreDNS")
    """CoreDNS settings."""
    node_local_dns: NodeLocalDNS | None = Field(default=None, alias="nodeLocalDNS")
    """Node-local DNS settings."""


class FailureTolerance(Model):
    """The failure a highly available control plane survives."""

    type: FailureToleranceType
    """``node``: replicas on different nodes; ``zone``: replicas in different zones."""


class HighAvailability(Model):
    """High availability of the control plane."""

    failure_tolerance: FailureTolerance
    """The failure to tolerate."""


class ControlPlane(Model):
    """General settings of the shoot's control plane."""

    high_availability: HighAvailability | None = None
    """Run the control plane highly available."""


class ShootSpec(Model):
    """The cluster the user wants."""

    addons: Addons | None = None
    """Addons Gardener deploys into the shoot."""
    cloud_profile_name: str | None = None
    """Name of the CloudProfile (older spelling of ``cloudProfile``)."""
    dns: DNS | None = None
    """DNS settings."""
    extensions: list[Extension] | None = None
    """Extensions for the shoot."""
    hibernation: Hibernation | None = None
    """Hibernation settings."""
    kubernetes: Kubernetes
    """Kubernetes version and component settings."""
    networking: Networking | None = None
    """Networking plugin and network ranges."""
    maintenance: Maintenance | None = None
    """Maintenance window and what maintenance does."""
    monitoring: Monitoring | None = None
    """Monitoring settings."""
    provider: Provider
    """The infrastructure provider and the worker pools."""
    purpose: ShootPurpose | None = None
    """What the cluster is for."""
    region: str
    """The provider region. Immutable."""
    secret_binding_name: str | None = None
    """SecretBinding with the provider credentials (exclusive with ``credentialsBindingName``). Immutable."""
    seed_name: str | None = None
    """The seed running the control plane; set by the scheduler when left out."""
    seed_selector: SeedSelector | None = None
    """Which seeds the shoot may be scheduled onto."""
    resources: list[NamedResourceReference] | None = None
    """Resources extension configs can refer to by name."""
    tolerations: list[Toleration] | None = None
    """Seed taints the shoot tolerates."""
    exposure_class_name: str | None = None
    """ExposureClass deciding how the API server is exposed. Immutable."""
    system_components: SystemComponents | None = None
    """Settings of system components."""
    control_plane: ControlPlane | None = None
    """Control-plane settings (high availability)."""
    scheduler_name: str | None = None
    """The scheduler responsible for the shoot; the default one when unset. Immutable."""
    cloud_profile: CloudProfileReference | None = None
    """The CloudProfile or NamespacedCloudProfile the shoot uses."""
    credentials_binding_name: str | None = None
    """CredentialsBinding with the provider credentials (exclusive with ``secretBindingName``)."""
    access_restrictions: list[AccessRestrictionWithOptions] | None = None
    """Access restrictions the shoot requires."""


# --- status ----------------------------------------------------------------------------------------------------------


class LastMaintenance(Model):
    """What the last maintenance did."""

    description: str
    """What was done."""
    triggered_time: Time
    """When maintenance was triggered."""
    state: LastOperationState
    """How it went."""
    failure_reason: str | None = None
    """Why it failed."""


class NetworkingStatus(Model):
    """The networks the shoot actually uses."""

    pods: list[str] | None = None
    """CIDRs of the pod network."""
    nodes: list[str] | None = None
    """CIDRs of the node network."""
    services: list[str] | None = None
    """CIDRs of the service network."""
    egress_cidrs: list[str] | None = Field(default=None, alias="egressCIDRs")
    """Source CIDRs of the shoot's egress traffic, if the infrastructure reports stable ones."""


class PendingWorkerUpdates(Model):
    """Worker pools waiting for an in-place update."""

    auto_in_place_update: list[str] | None = None
    """Pools with strategy ``AutoInPlaceUpdate``."""
    manual_in_place_update: list[str] | None = None
    """Pools with strategy ``ManualInPlaceUpdate``."""


class InPlaceUpdatesStatus(Model):
    """State of in-place updates of the workers."""

    pending_worker_updates: PendingWorkerUpdates | None = None
    """Pools with pending updates."""


class PendingWorkersRollout(Model):
    """A worker pool still to be rolled for a credentials rotation."""

    name: str
    """Name of the pool."""
    last_initiation_time: Time | None = None
    """When the rotation was last initiated."""


class CARotation(Model):
    """State of the certificate authorities' rotation."""

    phase: CredentialsRotationPhase
    """Current phase."""
    last_completion_time: Time | None = None
    """When the last rotation completed."""
    last_initiation_time: Time | None = None
    """When the last rotation was initiated."""
    last_initiation_finished_time: Time | None = None
    """When the last initiation finished."""
    last_completion_triggered_time: Time | None = None
    """When completion of the last rotation was triggered."""
    pending_workers_rollouts: list[PendingWorkersRollout] | None = None
    """Pools still to be rolled."""


class ServiceAccountKeyRotation(Model):
    """State of the service account signing key's rotation."""

    phase: CredentialsRotationPhase
    """Current phase."""
    last_completion_time: Time | None = None
    """When the last rotation completed."""
    last_initiation_time: Time | None = None
    """When the last rotation was initiated."""
    last_initiation_finished_time: Time | None = None
    """When the last initiation finished."""
    last_completion_triggered_time: Time | None = None
    """When completion of the last rotation was triggered."""
    pending_workers_rollouts: list[PendingWorkersRollout] | None = None
    """Pools still to be rolled."""


class ETCDEncryptionKeyRotation(Model):
    """State of the etcd encryption key's rotation."""

    phase: CredentialsRotationPhase
    """Current phase."""
    last_completion_time: Time | None = None
    """When the last rotation completed."""
    last_initiation_time: Time | None = None
    """When the last rotation was initiated."""
    last_initiation_finished_time: Time | None = None
    """When the last initiation finished."""
    last_completion_triggered_time: Time | None = None
    """When completion of the last rotation was triggered."""


class SingleStepRotation(Model):
    """State of a one-step credentials rotation (kubeconfig, SSH key pair, observability)."""

    last_initiation_time: Time | None = None
    """When the last rotation was initiated."""
    last_completion_time: Time | None = None
    """When the last rotation completed."""


class ShootCredentialsRotation(Model):
    """State of the shoot's credentials rotations."""

    certificate_authorities: CARotation | None = None
    """Rotation of the certificate authorities."""
    kubeconfig: SingleStepRotation | None = None
    """Rotation of the static kubeconfig (deprecated in Gardener)."""
    ssh_keypair: SingleStepRotation | None = None
    """Rotation of the nodes' SSH key pair."""
    observability: SingleStepRotation | None = None
    """Rotation of the observability credentials."""
    service_account_key: ServiceAccountKeyRotation | None = None
    """Rotation of the service account signing key."""
    etcd_encryption_key: ETCDEncryptionKeyRotation | None = None
    """Rotation of the etcd encryption key."""


class ShootCredentials(Model):
    """State of the shoot's credentials."""

    rotation: ShootCredentialsRotation | None = None
    """State of credentials rotations."""


class ShootAdvertisedAddress(Model):
    """An address under which the shoot's API server is reachable."""

    name: str
    """What the address is (``external``, ``internal``, ``service-account-issuer``)."""
    url: str
    """The URL (``https://api.foo.example.com``)."""


class ShootStatus(Model):
    """What Gardener last observed of the shoot.

    Gardener's Go types always write ``gardener``, ``hibernated``, ``technicalID`` and ``uid``; here they are
    optional, because a controller fills the status in step by step.
    """

    conditions: list[Condition] | None = None
    """Health of the shoot, one condition per aspect."""
    constraints: list[Condition] | None = None
    """Conditions that restrict operations on the shoot (e.g. hibernation possible)."""
    gardener: Gardener | None = None
    """The Gardener component that last acted on the shoot."""
    hibernated: bool | None = None
    """Whether the shoot is hibernated right now."""
    last_operation: LastOperation | None = None
    """The last operation on the shoot."""
    last_errors: list[LastError] | None = None
    """Errors of the last operation."""
    observed_generation: int | None = None
    """The ``metadata.generation`` this status was computed for."""
    retry_cycle_start_time: Time | None = None
    """Start of the current retry cycle, to know when to give up."""
    seed_name: str | None = None
    """The seed the control plane last successfully ran on (differs from the spec during a migration)."""
    technical_id: str | None = Field(default=None, alias="technicalID")
    """Unique technical ID: names the infrastructure resources and the control-plane namespace. Immutable."""
    uid: str | None = None
    """Unique ID of the cluster, used for hashes. Immutable."""
    cluster_identity: str | None = None
    """The shoot cluster's identity. Immutable."""
    advertised_addresses: list[ShootAdvertisedAddress] | None = None
    """Addresses of the API server and of the service account issuer."""
    migration_start_time: Time | None = None
    """When a migration to another seed began."""
    credentials: ShootCredentials | None = None
    """State of the shoot's credentials."""
    last_hibernation_trigger_time: Time | None = None
    """When a hibernation schedule last changed the hibernation setting."""
    last_maintenance: LastMaintenance | None = None
    """What the last maintenance did."""
    encrypted_resources: list[str] | None = None
    """Resources currently encrypted at rest besides Secrets."""
    networking: NetworkingStatus | None = None
    """The networks the shoot actually uses."""
    in_place_updates: InPlaceUpdatesStatus | None = None
    """State of in-place worker updates."""


def _condition_column(name: str, condition_type: str, description: str) -> PrinterColumn:
    return PrinterColumn(
        name, f'.status.conditions[?(@.type=="{condition_type}")].status', description=description, priority=1
    )


class Shoot(Resource):
    """A Kubernetes cluster ordered by a user: control plane in a seed, nodes in the user's account."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Shoot"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Shoot",
        "shoots",
        categories=("all",),
        status=True,
        printer_columns=(
            PrinterColumn("CloudProfile", ".spec.cloudProfile.name", description="The CloudProfile the shoot uses."),
            PrinterColumn("Provider", ".spec.provider.type", description="The shoot's provider type."),
            PrinterColumn("Region", ".spec.region", description="The shoot's region."),
            PrinterColumn("Seed", ".spec.seedName", description="The seed running the control plane.", priority=1),
            PrinterColumn("K8S Version", ".spec.kubernetes.version", description="The shoot's Kubernetes version."),
            PrinterColumn("Hibernation", ".status.hibernated", description="Whether the shoot is hibernated."),
            PrinterColumn("Last Operation", ".status.lastOperation.state", description="State of the last operation."),
            PrinterColumn(
                "Status", ".metadata.labels.shoot\\.gardener\\.cloud/status", description="Overall health of the shoot."
            ),
            PrinterColumn("Purpose", ".spec.purpose", description="What the shoot is for.", priority=1),
            PrinterColumn(
                "Gardener Version",
                ".status.gardener.version",
                description="Version of the Gardener component that last acted on the shoot.",
                priority=1,
            ),
            _condition_column("APIServer", "APIServerAvailable", "Whether the API server is available."),
            _condition_column("Control", "ControlPlaneHealthy", "Whether the control plane is healthy."),
            _condition_column(
                "Observability", "ObservabilityComponentsHealthy", "Whether the observability components are healthy."
            ),
            _condition_column("Nodes", "EveryNodeReady", "Whether every node is ready."),
            _condition_column("System", "SystemComponentsHealthy", "Whether the system components are healthy."),
            AGE,
        ),
        description="A Kubernetes cluster managed by Gardener: control plane in a seed, nodes in the user's account.",
    )

    spec: ShootSpec
    """The cluster the user wants."""
    status: ShootStatus | None = None
    """What Gardener last observed of the cluster."""

    def cloud_profile_ref(self) -> tuple[str, str] | None:
        """The profile the shoot uses, as ``(kind, name)``: ``cloudProfile`` if set, else ``cloudProfileName``."""
        if self.spec.cloud_profile is not None:
            return self.spec.cloud_profile.kind, self.spec.cloud_profile.name
        if self.spec.cloud_profile_name:
            return "CloudProfile", self.spec.cloud_profile_name
        return None

    def is_hibernation_enabled(self) -> bool:
        """Whether the spec asks for the shoot to be hibernated."""
        hibernation = self.spec.hibernation
        return hibernation is not None and hibernation.enabled is True


__all__ = [
    "CRI",
    "DNS",
    "ETCD",
    "APIServerLogging",
    "APIServerRequests",
    "Addon",
    "Addons",
    "AdmissionPlugin",
    "Alerting",
    "AuditConfig",
    "AuditPolicy",
    "AuthorizerKubeconfigReference",
    "CARotation",
    "CloudProfileReference",
    "ClusterAutoscaler",
    "ClusterAutoscalerOptions",
    "ContainerRuntime",
    "ControlPlane",
    "ControlPlaneAutoscaling",
    "CoreDNS",
    "CoreDNSAutoscaling",
    "CoreDNSRewriting",
    "CredentialsRotationPhase",
    "DNSIncludeExclude",
    "DNSProvider",
    "DataVolume",
    "Duration",
    "ETCDConfig",
    "ETCDEncryptionKeyRotation",
    "EncryptionConfig",
    "FailureTolerance",
    "FailureToleranceType",
    "Hibernation",
    "HibernationSchedule",
    "HighAvailability",
    "HorizontalPodAutoscalerConfig",
    "InPlaceUpdatesStatus",
    "KubeAPIServerConfig",
    "KubeControllerManagerConfig",
    "KubeProxyConfig",
    "KubeSchedulerConfig",
    "KubeletConfig",
    "KubeletConfigEviction",
    "KubeletConfigEvictionMinimumReclaim",
    "KubeletConfigEvictionSoftGracePeriod",
    "KubeletConfigReserved",
    "Kubernetes",
    "KubernetesConfig",
    "KubernetesDashboard",
    "LastMaintenance",
    "Machine",
    "MachineControllerManagerSettings",
    "MachineUpdateStrategy",
    "Maintenance",
    "MaintenanceAutoRotation",
    "MaintenanceAutoUpdate",
    "MaintenanceCredentialsAutoRotation",
    "MaintenanceRotationConfig",
    "MaintenanceTimeWindow",
    "MemorySwapConfiguration",
    "Monitoring",
    "Networking",
    "NetworkingStatus",
    "NginxIngress",
    "NodeLocalDNS",
    "OIDCConfig",
    "OpenIDConnectClientAuthentication",
    "PendingWorkerUpdates",
    "PendingWorkersRollout",
    "Provider",
    "ResourceWatchCacheSize",
    "SSHAccess",
    "ServiceAccountConfig",
    "ServiceAccountKeyRotation",
    "Shoot",
    "ShootAdvertisedAddress",
    "ShootCredentials",
    "ShootCredentialsRotation",
    "ShootMachineImage",
    "ShootPurpose",
    "ShootSpec",
    "ShootStatus",
    "SingleStepRotation",
    "StructuredAuthentication",
    "StructuredAuthorization",
    "SystemComponents",
    "Taint",
    "Volume",
    "WatchCacheSizes",
    "Worker",
    "WorkerControlPlane",
    "WorkerKubernetes",
    "WorkerSystemComponents",
    "WorkersSettings",
]
