"""The shoot's kube-apiserver: a Deployment in the seed namespace, its Service, and what keeps it available.

Objects: the audit policy ConfigMap, the Service ``kube-apiserver`` (``LoadBalancer`` where the seed gives the API
an address of its own, ``ClusterIP`` behind an SNI proxy), the Deployment, a PodDisruptionBudget, an optional
HorizontalPodAutoscaler and a NetworkPolicy opening the secure port, plus a PersistentVolumeClaim in ``sqlite``
storage mode.

``storage`` is ``etcd`` on a real seed: objects go to ``etcd-main``, Events to ``etcd-events``
(``--etcd-servers-overrides``), both over mutual TLS. ``sqlite`` is for the embedded landscape, where the image
runs ``kubelite apiserver``: the data lives in a claim mounted at ``--data-dir``, so there is one replica, rolled out
with ``Recreate``, and no etcd is needed. It is a value, not a hidden difference: the chart says which mode runs.

Secrets, by name (keys as in Gardener): serving certificate (``tls.crt``/``tls.key``), client CA bundle
(``bundle.crt``), service-account signing key (``id_rsa``) and optional verification bundle (``bundle.key``),
optional static token file (``static_tokens.csv``), and in etcd mode the etcd CA bundle (``bundle.crt``) and the
etcd client certificate (``tls.crt``/``tls.key``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.chart import render_chart
from gardenlet.components.etcd import access_label, client_url
from gardenlet.components.values import (
    Resources,
    check_cidr,
    check_image,
    check_name,
    check_quantity,
    check_replicas,
    check_secret_name,
    checksum,
)
from kubelite.client import Kube, Object

NAME = "kube-apiserver"
PORT = 443
DEFAULT_IMAGE = "registry.k8s.io/kube-apiserver:v1.33.0"
SERVER_TLS_DIR = "/srv/kubernetes/tls"
CLIENT_CA_DIR = "/srv/kubernetes/ca-client"
SA_KEY_DIR = "/srv/kubernetes/service-account-key"
SA_BUNDLE_DIR = "/srv/kubernetes/service-account-key-bundle"
TOKEN_DIR = "/srv/kubernetes/token"
ETCD_CA_DIR = "/srv/kubernetes/etcd/ca"
ETCD_CLIENT_DIR = "/srv/kubernetes/etcd/client"
AUDIT_POLICY_DIR = "/etc/kubernetes/audit"
AUDIT_LOG_DIR = "/var/log/kube-apiserver"
DATA_DIR = "/var/lib/kube-apiserver"
AUDIT_POLICY_CONFIGMAP = "audit-policy-config"
DATA_CLAIM = "kube-apiserver-data"
SELECTOR = {"app": "kubernetes", "role": "apiserver"}
LABELS = {**SELECTOR, "gardener.cloud/role": "controlplane"}
SERVICE_TEMPLATE = "20-service.yaml.j2"

#: Gardener's default admission plugins for a shoot's kube-apiserver.
DEFAULT_ADMISSION_PLUGINS = (
    "Priority",
    "NamespaceLifecycle",
    "LimitRanger",
    "PodSecurity",
    "ServiceAccount",
    "NodeRestriction",
    "DefaultStorageClass",
    "DefaultTolerationSeconds",
    "ResourceQuota",
    "StorageObjectInUseProtection",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionWebhook",
)

#: Metadata of every request except the noisy read-only ones: who did what, without request bodies (Secrets).
DEFAULT_AUDIT_POLICY: dict[str, Any] = {
    "apiVersion": "audit.k8s.io/v1",
    "kind": "Policy",
    "omitStages": ["RequestReceived"],
    "rules": [
        {"level": "None", "nonResourceURLs": ["/healthz*", "/livez*", "/readyz*", "/version"]},
        {"level": "None", "verbs": ["get", "list", "watch"]},
        {"level": "Metadata"},
    ],
}

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="250m", memory="512Mi")


@dataclass(frozen=True, slots=True)
class KubeAPIServerSecrets:
    server: str
    client_ca: str
    service_account_key: str
    #: Public keys that verify service-account tokens (old and new during rotation); the signing key when absent.
    service_account_key_bundle: str | None = None
    static_token: str | None = None
    etcd_ca: str | None = None
    etcd_client: str | None = None

    def __post_init__(self) -> None:
        for field in ("server", "client_ca", "service_account_key"):
            check_secret_name(f"secrets.{field}", getattr(self, field))
        for field in ("service_account_key_bundle", "static_token", "etcd_ca", "etcd_client"):
            if getattr(self, field) is not None:
                check_secret_name(f"secrets.{field}", getattr(self, field))


@dataclass(frozen=True, slots=True)
class Autoscaling:
    """A HorizontalPodAutoscaler on CPU; rendered only while the API server runs (not when hibernated)."""

    min_replicas: int
    max_replicas: int
    cpu_utilization: int = 80

    def __post_init__(self) -> None:
        if not 1 <= self.min_replicas <= self.max_replicas:
            raise ValueError(
                f"autoscaling: need 1 <= min_replicas <= max_replicas, got {self.min_replicas}..{self.max_replicas}"
            )
        if not 1 <= self.cpu_utilization <= 100:
            raise ValueError(f"autoscaling.cpu_utilization: {self.cpu_utilization} is not a percentage 1-100")


@dataclass(frozen=True, slots=True)
class KubeAPIServerValues:
    namespace: str
    secrets: KubeAPIServerSecrets
    service_cidr: str
    image: str = DEFAULT_IMAGE
    storage: Literal["etcd", "sqlite"] = "etcd"
    #: 0 when hibernated.
    replicas: int = 1
    service_type: Literal["LoadBalancer", "ClusterIP"] = "LoadBalancer"
    #: The name clients use (``api.<shoot domain>``); written into ``--external-hostname``.
    external_hostname: str = ""
    service_account_issuer: str = "https://kubernetes.default.svc.cluster.local"
    admission_plugins: tuple[str, ...] = DEFAULT_ADMISSION_PLUGINS
    disabled_admission_plugins: tuple[str, ...] = ()
    feature_gates: tuple[tuple[str, bool], ...] = ()
    #: An audit policy (``audit.k8s.io/v1`` Policy) as a mapping; Gardener's style default when None.
    audit_policy: dict[str, Any] | None = None
    anonymous_auth: bool = False
    #: A token the probes send when anonymous requests are refused (the kubelet cannot present a certificate).
    health_check_token: str | None = None
    autoscaling: Autoscaling | None = None
    resources: Resources = DEFAULT_RESOURCES
    data_size: str = "1Gi"
    storage_class: str | None = None
    priority_class_name: str = "gardener-system-500"
    max_requests_inflight: int = 400
    max_mutating_requests_inflight: int = 200

    def __post_init__(self) -> None:
        check_name("namespace", self.namespace)
        check_image("image", self.image)
        check_cidr("service_cidr", self.service_cidr)
        check_replicas("replicas", self.replicas)
        if self.storage not in ("etcd", "sqlite"):
            raise ValueError(f"storage: {self.storage!r} is not etcd or sqlite")
        if self.service_type not in ("LoadBalancer", "ClusterIP"):
            raise ValueError(f"service_type: {self.service_type!r} is not LoadBalancer or ClusterIP")
        if self.storage == "etcd" and (self.secrets.etcd_ca is None or self.secrets.etcd_client is None):
            raise ValueError("storage etcd needs secrets.etcd_ca and secrets.etcd_client")
        if self.storage == "sqlite":
            if self.replicas > 1:
                raise ValueError(
                    f"storage sqlite allows at most 1 replica (one writer on one file), not {self.replicas}"
                )
            if self.autoscaling is not None:
                raise ValueError("storage sqlite cannot autoscale: it allows one replica")
            check_quantity("data_size", self.data_size)
        if not self.anonymous_auth and not self.health_check_token:
            raise ValueError("probes need anonymous_auth or a health_check_token: /livez and /readyz require either")
        overlap = set(self.admission_plugins) & set(self.disabled_admission_plugins)
        if overlap:
            raise ValueError(f"admission plugins both enabled and disabled: {', '.join(sorted(overlap))}")
        for plugin in (*self.admission_plugins, *self.disabled_admission_plugins):
            if not plugin or not plugin.isalnum():
                raise ValueError(f"admission plugin {plugin!r} is not a plugin name")
        for gate, _ in self.feature_gates:
            if not gate or not gate.isalnum():
                raise ValueError(f"feature gate {gate!r} is not a gate name")
        policy = self.audit_policy
        if policy is not None and (policy.get("kind") != "Policy" or not isinstance(policy.get("rules"), list)):
            raise ValueError("audit_policy must be an audit.k8s.io Policy with a list of rules")
        if self.storage_class is not None:
            check_name("storage_class", self.storage_class, max_length=253)
        check_name("priority_class_name", self.priority_class_name, max_length=253)
        if self.max_requests_inflight < 1 or self.max_mutating_requests_inflight < 1:
            raise ValueError("max_requests_inflight and max_mutating_requests_inflight must be positive")

    @property
    def hibernated(self) -> bool:
        return self.replicas == 0


class KubeAPIServer(WorkloadComponent):
    chart = "controlplane/kube-apiserver"
    default_timeout = 300.0

    def __init__(self, kube: Kube, values: KubeAPIServerValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return NAME

    def command(self) -> list[str]:
        v, s = self.values, self.values.secrets
        flags = [
            "/usr/local/bin/kube-apiserver",
            "--bind-address=0.0.0.0",
            f"--secure-port={PORT}",
            f"--tls-cert-file={SERVER_TLS_DIR}/tls.crt",
            f"--tls-private-key-file={SERVER_TLS_DIR}/tls.key",
            f"--client-ca-file={CLIENT_CA_DIR}/bundle.crt",
            # NB: kube-apiserver's default is true, so "off" must be said explicitly.
            "--anonymous-auth" if v.anonymous_auth else "--anonymous-auth=false",
            "--enable-bootstrap-token-auth",
            "--authorization-mode=Node,RBAC",
            "--allow-privileged=true",
            f"--service-cluster-ip-range={ipaddress.ip_network(v.service_cidr)}",
            f"--enable-admission-plugins={','.join(v.admission_plugins)}",
        ]
        if v.disabled_admission_plugins:
            flags.append(f"--disable-admission-plugins={','.join(v.disabled_admission_plugins)}")
        if v.storage == "etcd":
            flags += [
                "--storage-backend=etcd3",
                f"--etcd-servers={client_url(v.namespace, 'main')}",
                f"--etcd-servers-overrides=/events#{client_url(v.namespace, 'events')}",
                f"--etcd-cafile={ETCD_CA_DIR}/bundle.crt",
                f"--etcd-certfile={ETCD_CLIENT_DIR}/tls.crt",
                f"--etcd-keyfile={ETCD_CLIENT_DIR}/tls.key",
            ]
        else:
            flags += ["--storage-backend=sqlite", f"--data-dir={DATA_DIR}"]
        if s.static_token:
            flags.append(f"--token-auth-file={TOKEN_DIR}/static_tokens.csv")
        verification = f"{SA_BUNDLE_DIR}/bundle.key" if s.service_account_key_bundle else f"{SA_KEY_DIR}/id_rsa"
        flags += [
            f"--service-account-issuer={v.service_account_issuer}",
            f"--service-account-signing-key-file={SA_KEY_DIR}/id_rsa",
            f"--service-account-key-file={verification}",
            f"--audit-policy-file={AUDIT_POLICY_DIR}/audit-policy.yaml",
            f"--audit-log-path={AUDIT_LOG_DIR}/audit.log",
            "--audit-log-maxsize=100",
            "--audit-log-maxbackup=5",
            "--event-ttl=1h",
            "--kubelet-preferred-address-types=InternalIP,Hostname,ExternalIP",
            f"--max-requests-inflight={v.max_requests_inflight}",
            f"--max-mutating-requests-inflight={v.max_mutating_requests_inflight}",
            "--profiling=false",
            "--shutdown-delay-duration=15s",
        ]
        if v.external_hostname:
            flags.append(f"--external-hostname={v.external_hostname}")
        if v.feature_gates:
            gates = ",".join(f"{gate}={str(on).lower()}" for gate, on in sorted(v.feature_gates))
            flags.append(f"--feature-gates={gates}")
        return flags

    def context(self) -> dict[str, Any]:
        v, s = self.values, self.values.secrets
        selector, labels = dict(SELECTOR), dict(LABELS)
        pod_labels = {**labels, "networking.gardener.cloud/to-dns": "allowed"}
        if v.storage == "etcd":
            for role in ("main", "events"):
                pod_labels[access_label(role)] = "allowed"
        secret_volumes = [
            ("tls", s.server, SERVER_TLS_DIR),
            ("ca-client", s.client_ca, CLIENT_CA_DIR),
            ("service-account-key", s.service_account_key, SA_KEY_DIR),
        ]
        if s.service_account_key_bundle:
            secret_volumes.append(("service-account-key-bundle", s.service_account_key_bundle, SA_BUNDLE_DIR))
        if s.static_token:
            secret_volumes.append(("static-token", s.static_token, TOKEN_DIR))
        if v.storage == "etcd" and s.etcd_ca and s.etcd_client:
            secret_volumes += [("etcd-ca", s.etcd_ca, ETCD_CA_DIR), ("etcd-client", s.etcd_client, ETCD_CLIENT_DIR)]
        audit_policy = yaml.safe_dump(v.audit_policy or DEFAULT_AUDIT_POLICY, sort_keys=False)
        probe_headers = (
            [{"name": "Authorization", "value": f"Bearer {v.health_check_token}"}] if v.health_check_token else []
        )
        return {
            "name": NAME,
            "namespace": v.namespace,
            "image": v.image,
            "command": self.command(),
            "replicas": v.replicas,
            "storage": v.storage,
            "strategy": "Recreate" if v.storage == "sqlite" else "RollingUpdate",
            "labels": labels,
            "pod_labels": pod_labels,
            "selector": selector,
            "port": PORT,
            "service_type": v.service_type,
            "secret_volumes": [{"name": n, "secret": secret, "path": path} for n, secret, path in secret_volumes],
            "audit_policy_configmap": AUDIT_POLICY_CONFIGMAP,
            "audit_policy": audit_policy,
            "audit_policy_checksum": checksum(audit_policy),
            "audit_policy_dir": AUDIT_POLICY_DIR,
            "audit_log_dir": AUDIT_LOG_DIR,
            "data_dir": DATA_DIR,
            "data_claim": DATA_CLAIM,
            "data_size": v.data_size,
            "storage_class": v.storage_class,
            "probe_headers": probe_headers,
            "autoscaling": None
            if v.autoscaling is None or v.hibernated
            else {
                "min_replicas": v.autoscaling.min_replicas,
                "max_replicas": v.autoscaling.max_replicas,
                "cpu_utilization": v.autoscaling.cpu_utilization,
            },
            "resources": v.resources.manifest(),
            "priority_class_name": v.priority_class_name,
        }


def service(namespace: str, service_type: Literal["LoadBalancer", "ClusterIP"]) -> Object:
    """The kube-apiserver's Service alone, from the chart's own template. The botanist deploys it before anything
    else of the API server: the serving certificate must name the load balancer's address, which exists only once
    the Service does. ``deploy`` applies the same object again later, which changes nothing."""
    check_name("namespace", namespace)
    context = {
        "name": NAME,
        "namespace": namespace,
        "labels": LABELS,
        "selector": SELECTOR,
        "port": PORT,
        "service_type": service_type,
    }
    [obj] = render_chart(KubeAPIServer.chart, context, only={SERVICE_TEMPLATE})
    return obj
