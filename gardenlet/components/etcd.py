"""etcd for one shoot: ``etcd-main`` (the cluster's objects) and ``etcd-events`` (its Events), each a StatefulSet.

What etcd-druid would run for Gardener's Etcd resource, written as plain objects: a StatefulSet with a
volumeClaimTemplate (the data outlives scale-down, so hibernation keeps it), a client Service
``etcd-<role>-client`` (what kube-apiserver dials) and a headless peer Service ``etcd-<role>-peer`` (stable member
names for ``--initial-cluster``, published before the members are ready so they can find each other), a
PodDisruptionBudget keeping quorum, and a NetworkPolicy letting only the kube-apiserver and the peers in.

Members are 1 or 3 and fixed for the life of the cluster (``--initial-cluster`` names them all); hibernation sets
``hibernated`` (0 replicas) and keeps ``members``.

Secrets, by name (their keys are Gardener's): the CA bundle (``bundle.crt``), the server certificate (``tls.crt``,
``tls.key``), and with peer TLS the peer CA bundle and peer certificate. Clients must present a certificate signed
by the CA (``--client-cert-auth``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.values import (
    Resources,
    check_image,
    check_name,
    check_quantity,
    check_secret_name,
)
from kubelite.client import Kube
from kubelite.quantity import parse_quantity

EtcdRole = Literal["main", "events"]
CLIENT_PORT = 2379
PEER_PORT = 2380
METRICS_PORT = 2381
DATA_DIR = "/var/etcd/data"
CA_DIR = "/var/etcd/ssl/ca"
SERVER_TLS_DIR = "/var/etcd/ssl/server"
PEER_CA_DIR = "/var/etcd/ssl/peer/ca"
PEER_TLS_DIR = "/var/etcd/ssl/peer/server"
CA_BUNDLE_KEY = "bundle.crt"
DEFAULT_IMAGE = "registry.k8s.io/etcd:3.5.16-0"
_DEFAULTS: dict[str, tuple[Resources, str]] = {
    "main": (Resources(cpu="300m", memory="1Gi"), "25Gi"),
    "events": (Resources(cpu="100m", memory="300Mi"), "10Gi"),
}


def etcd_name(role: EtcdRole) -> str:
    return f"etcd-{role}"


def client_service(role: EtcdRole) -> str:
    return f"etcd-{role}-client"


def peer_service(role: EtcdRole) -> str:
    return f"etcd-{role}-peer"


def access_label(role: EtcdRole) -> str:
    """The pod label (value ``allowed``) that lets a pod through the NetworkPolicy to this etcd's client port."""
    return f"networking.resources.gardener.cloud/to-{client_service(role)}-tcp-{CLIENT_PORT}"


def client_url(namespace: str, role: EtcdRole) -> str:
    """The URL kube-apiserver uses for this etcd: its client Service, inside the namespace's DNS domain."""
    return f"https://{client_service(role)}.{namespace}.svc:{CLIENT_PORT}"


@dataclass(frozen=True, slots=True)
class EtcdTLS:
    """Secret names; peer TLS is optional (peers then talk plain HTTP inside the namespace)."""

    ca_secret: str
    server_secret: str
    peer_ca_secret: str | None = None
    peer_server_secret: str | None = None

    def __post_init__(self) -> None:
        check_secret_name("tls.ca_secret", self.ca_secret)
        check_secret_name("tls.server_secret", self.server_secret)
        if (self.peer_ca_secret is None) != (self.peer_server_secret is None):
            raise ValueError("tls: peer_ca_secret and peer_server_secret go together")
        if self.peer_ca_secret is not None and self.peer_server_secret is not None:
            check_secret_name("tls.peer_ca_secret", self.peer_ca_secret)
            check_secret_name("tls.peer_server_secret", self.peer_server_secret)

    @property
    def peer_tls(self) -> bool:
        return self.peer_ca_secret is not None


@dataclass(frozen=True, slots=True)
class EtcdValues:
    namespace: str
    role: EtcdRole
    tls: EtcdTLS
    image: str = DEFAULT_IMAGE
    #: 1, or 3 for a highly available control plane; fixed for the cluster's life.
    members: Literal[1, 3] = 1
    #: Hibernated: 0 replicas, the claims (and so the data) stay.
    hibernated: bool = False
    storage_size: str | None = None
    storage_class: str | None = None
    resources: Resources | None = None
    #: ``--quota-backend-bytes``: the database size at which etcd raises NOSPACE and refuses writes.
    quota_backend_bytes: int = 8 * 1024**3
    snapshot_count: int = 75000
    auto_compaction_mode: Literal["periodic", "revision"] = "periodic"
    auto_compaction_retention: str = "30m"
    priority_class_name: str = "gardener-system-500"

    def __post_init__(self) -> None:
        check_name("namespace", self.namespace)
        if self.role not in ("main", "events"):
            raise ValueError(f"role: {self.role!r} is not main or events")
        check_image("image", self.image)
        if self.members not in (1, 3):
            raise ValueError(f"members: {self.members!r} is not 1 or 3")
        if self.storage_size is not None:
            check_quantity("storage_size", self.storage_size)
        # NB: the database grows up to the quota, and the WAL and snapshots need room beside it.
        if parse_quantity(self.volume_size) <= self.quota_backend_bytes:
            raise ValueError(
                f"storage_size {self.volume_size} must exceed quota_backend_bytes {self.quota_backend_bytes}"
            )
        if self.storage_class is not None:
            check_name("storage_class", self.storage_class, max_length=253)
        if self.quota_backend_bytes < 64 * 1024**2:
            raise ValueError(f"quota_backend_bytes: {self.quota_backend_bytes} is below etcd's useful minimum 64 MiB")
        if self.snapshot_count < 1:
            raise ValueError(f"snapshot_count: {self.snapshot_count} must be positive")
        if self.auto_compaction_mode not in ("periodic", "revision"):
            raise ValueError(f"auto_compaction_mode: {self.auto_compaction_mode!r} is not periodic or revision")
        if not self.auto_compaction_retention:
            raise ValueError("auto_compaction_retention is required")
        check_name("priority_class_name", self.priority_class_name, max_length=253)

    @property
    def replicas(self) -> int:
        return 0 if self.hibernated else self.members

    @property
    def volume_size(self) -> str:
        return self.storage_size or _DEFAULTS[self.role][1]


class Etcd(WorkloadComponent):
    chart = "controlplane/etcd"
    default_timeout = 300.0

    def __init__(self, kube: Kube, values: EtcdValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return etcd_name(self.values.role)

    def selector(self) -> dict[str, str]:
        return {"instance": self.name, "name": "etcd"}

    def command(self) -> list[str]:
        """etcd's flags; ``$(POD_NAME)`` is expanded by the kubelet from the pod's environment."""
        v = self.values
        name, peer = self.name, peer_service(v.role)
        peer_scheme = "https" if v.tls.peer_tls else "http"
        domain = f"{peer}.{v.namespace}.svc"
        cluster = ",".join(f"{name}-{i}={peer_scheme}://{name}-{i}.{domain}:{PEER_PORT}" for i in range(v.members))
        flags = [
            "/usr/local/bin/etcd",
            "--name=$(POD_NAME)",
            f"--data-dir={DATA_DIR}/new.etcd",
            f"--listen-client-urls=https://0.0.0.0:{CLIENT_PORT}",
            f"--advertise-client-urls=https://$(POD_NAME).{domain}:{CLIENT_PORT}",
            f"--listen-peer-urls={peer_scheme}://0.0.0.0:{PEER_PORT}",
            f"--initial-advertise-peer-urls={peer_scheme}://$(POD_NAME).{domain}:{PEER_PORT}",
            f"--initial-cluster={cluster}",
            "--initial-cluster-state=new",
            f"--initial-cluster-token={name}",
            f"--listen-metrics-urls=http://0.0.0.0:{METRICS_PORT}",
            "--client-cert-auth=true",
            f"--trusted-ca-file={CA_DIR}/{CA_BUNDLE_KEY}",
            f"--cert-file={SERVER_TLS_DIR}/tls.crt",
            f"--key-file={SERVER_TLS_DIR}/tls.key",
        ]
        if v.tls.peer_tls:
            flags += [
                "--peer-client-cert-auth=true",
                f"--peer-trusted-ca-file={PEER_CA_DIR}/{CA_BUNDLE_KEY}",
                f"--peer-cert-file={PEER_TLS_DIR}/tls.crt",
                f"--peer-key-file={PEER_TLS_DIR}/tls.key",
            ]
        return [
            *flags,
            f"--quota-backend-bytes={v.quota_backend_bytes}",
            f"--snapshot-count={v.snapshot_count}",
            f"--auto-compaction-mode={v.auto_compaction_mode}",
            f"--auto-compaction-retention={v.auto_compaction_retention}",
        ]

    def context(self) -> dict[str, Any]:
        v = self.values
        resources = _DEFAULTS[v.role][0]
        selector = self.selector()
        labels = {
            "app": "etcd-statefulset",
            "gardener.cloud/role": "controlplane",
            "role": v.role,
            **selector,
        }
        return {
            "name": self.name,
            "namespace": v.namespace,
            "role": v.role,
            "image": v.image,
            "command": self.command(),
            "replicas": v.replicas,
            "members": v.members,
            # A quorum of members must stay up; a single member may be evicted (there is nothing to keep).
            "min_available": v.members // 2 + 1 if v.members > 1 else 0,
            "labels": labels,
            "selector": selector,
            "client_service": client_service(v.role),
            "peer_service": peer_service(v.role),
            "client_port": CLIENT_PORT,
            "peer_port": PEER_PORT,
            "metrics_port": METRICS_PORT,
            "tls": {
                "ca_secret": v.tls.ca_secret,
                "server_secret": v.tls.server_secret,
                "peer_ca_secret": v.tls.peer_ca_secret,
                "peer_server_secret": v.tls.peer_server_secret,
            },
            "dirs": {
                "data": DATA_DIR,
                "ca": CA_DIR,
                "server": SERVER_TLS_DIR,
                "peer_ca": PEER_CA_DIR,
                "peer_server": PEER_TLS_DIR,
            },
            "storage_size": v.volume_size,
            "storage_class": v.storage_class,
            "resources": (v.resources or resources).manifest(),
            "priority_class_name": v.priority_class_name,
            "apiserver_access_label": access_label(v.role),
        }
