"""A node's heartbeat: register the Node, keep its status current and renew its Lease, as upstream kubelets do.

Upstream kubelets report liveness two ways: a Lease in ``kube-node-lease`` renewed every quarter of
``--node-lease-duration-seconds`` (40 s by default; cheap, so the node lifecycle controller can notice a dead node
within the lease duration), and the Node's ``status`` (conditions with ``lastHeartbeatTime``, addresses, capacity),
posted when something changes and at least every ``status_interval``. The process kubelet and the simulated nodes
share this piece; both describe their node as a :class:`NodeInfo` and drive a :class:`Heartbeat`.

Fault injection: :meth:`Heartbeat.set_ready` with ``False`` reports ``Ready=False`` (with a reason) until set back;
stopping the heartbeat lets the Lease expire, as a crashed kubelet would.
"""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kubelite.client import LEASES, NAMESPACES, NODES, Kube, KubeError, Object
from kubelite.version import VERSION

logger = logging.getLogger(__name__)

NODE_LEASE_NAMESPACE = "kube-node-lease"
DEFAULT_LEASE_DURATION_SECONDS = 40
#: How often the Node's status is posted when nothing changed (upstream: nodeStatusReportFrequency, 5 min; we post
#: more often so ``lastHeartbeatTime`` stays useful for tools that look at it instead of the Lease).
DEFAULT_STATUS_INTERVAL = 60.0
DEFAULT_MAX_PODS = 110

#: The pressure conditions a healthy node reports False, beside Ready.
_PRESSURE = (
    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
)


def timestamp(at: float | None = None) -> str:
    """RFC 3339 with second precision (metav1.Time)."""
    return datetime.fromtimestamp(time.time() if at is None else at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_timestamp(at: float | None = None) -> str:
    """RFC 3339 with microseconds (metav1.MicroTime, as Lease ``renewTime`` uses)."""
    return datetime.fromtimestamp(time.time() if at is None else at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def machine_capacity(max_pods: int = DEFAULT_MAX_PODS) -> dict[str, str]:
    """This machine's cpu count, memory and a pod limit, as quantities."""
    import psutil  # noqa: PLC0415  (only the processes that describe a real machine need it)

    memory_kib = psutil.virtual_memory().total // 1024
    return {
        "cpu": str(os.cpu_count() or 1),
        "memory": f"{memory_kib}Ki",
        "pods": str(max_pods),
        "ephemeral-storage": f"{_disk_bytes() // 1024}Ki",
    }


def _disk_bytes() -> int:
    try:
        stat = os.statvfs(os.getcwd())
    except OSError:
        return 0
    return stat.f_blocks * stat.f_frsize


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """What a node says about itself. ``allocatable`` defaults to ``capacity``."""

    name: str
    capacity: Mapping[str, str]
    allocatable: Mapping[str, str] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    #: (type, address) pairs, e.g. ("InternalIP", "127.0.0.1"), ("Hostname", "node-a").
    addresses: tuple[tuple[str, str], ...] = ()
    provider_id: str = ""
    kubelet_port: int = 10250
    pod_cidr: str = ""
    taints: tuple[Mapping[str, str], ...] = ()
    kubelet_version: str = f"v{VERSION}-kubelite"
    container_runtime: str = "process://kubelite"

    def node_object(self) -> Object:
        """The Node as registered: metadata and spec (status is posted separately, as upstream)."""
        labels = {
            "kubernetes.io/hostname": self.name,
            "kubernetes.io/os": _os_name(),
            "kubernetes.io/arch": _arch(),
            **self.labels,
        }
        spec: dict[str, Any] = {}
        if self.provider_id:
            spec["providerID"] = self.provider_id
        if self.pod_cidr:
            spec["podCIDR"] = self.pod_cidr
            spec["podCIDRs"] = [self.pod_cidr]
        if self.taints:
            spec["taints"] = [dict(taint) for taint in self.taints]
        metadata: dict[str, Any] = {"name": self.name, "labels": labels}
        if self.annotations:
            metadata["annotations"] = dict(self.annotations)
        return {"apiVersion": "v1", "kind": "Node", "metadata": metadata, "spec": spec}

    def status(self, conditions: list[Object]) -> Object:
        return {
            "capacity": dict(self.capacity),
            "allocatable": dict(self.allocatable if self.allocatable is not None else self.capacity),
            "addresses": [{"type": kind, "address": address} for kind, address in self.addresses],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": self.kubelet_port}},
            "conditions": conditions,
            "nodeInfo": {
                "architecture": _arch(),
                "operatingSystem": _os_name(),
                "osImage": platform.platform(),
                "kernelVersion": platform.release(),
                "kubeletVersion": self.kubelet_version,
                "kubeProxyVersion": self.kubelet_version,
                "containerRuntimeVersion": self.container_runtime,
                "machineID": "",
                "systemUUID": "",
                "bootID": "",
            },
        }


def _os_name() -> str:
    return platform.system().lower() or "linux"


def _arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def node_conditions(ready: bool, reason: str, message: str, previous: list[Object] | None, now: str) -> list[Object]:
    """Ready plus the pressure conditions; ``lastTransitionTime`` moves only when a status flips."""
    before = {c.get("type"): c for c in previous or [] if isinstance(c, dict)}
    wanted = [(kind, "False", why, text) for kind, why, text in _PRESSURE]
    wanted.append(("Ready", "True" if ready else "False", reason, message))
    conditions = []
    for kind, status, why, text in wanted:
        old = before.get(kind) or {}
        transition = old.get("lastTransitionTime") if old.get("status") == status else None
        conditions.append(
            {
                "type": kind,
                "status": status,
                "reason": why,
                "message": text,
                "lastHeartbeatTime": now,
                "lastTransitionTime": transition or now,
            }
        )
    return conditions


class Heartbeat:
    """Registers one Node and keeps it alive: Lease renewal and status posts. Calls are synchronous (threads)."""

    def __init__(
        self,
        kube: Kube,
        info: NodeInfo,
        *,
        lease_duration_seconds: int = DEFAULT_LEASE_DURATION_SECONDS,
        status_interval: float = DEFAULT_STATUS_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if lease_duration_seconds <= 0:
            raise ValueError(f"lease duration must be positive, not {lease_duration_seconds}")
        self.kube = kube
        self.info = info
        self.lease_duration_seconds = lease_duration_seconds
        self.status_interval = status_interval
        self._clock = clock
        self._ready = (True, "KubeletReady", "kubelet is posting ready status")
        self._changed = asyncio.Event()

    @property
    def renew_interval(self) -> float:
        """A quarter of the lease duration, as upstream (``NodeLeaseRenewIntervalFraction`` 0.25)."""
        return self.lease_duration_seconds / 4

    def set_ready(self, ready: bool, reason: str = "", message: str = "") -> None:
        """Report Ready True or False from the next status post on (fault injection, a failing runtime)."""
        if ready:
            self._ready = (True, reason or "KubeletReady", message or "kubelet is posting ready status")
        else:
            self._ready = (False, reason or "KubeletNotReady", message or "the node was marked not ready")
        self._changed.set()

    def register(self) -> Object:
        """Create the Node, or update its labels, annotations and spec when it exists; then post its status."""
        desired = self.info.node_object()
        current = self.kube.get(NODES, None, self.info.name)
        if current is None:
            try:
                current = self.kube.create(NODES, None, desired)
            except KubeError as exc:
                if not exc.conflict:
                    raise
                current = self.kube.get(NODES, None, self.info.name)
        if current is not None and _needs_update(current, desired):
            current = self.kube.patch(
                NODES, None, self.info.name, {"metadata": desired["metadata"], "spec": desired["spec"]}
            )
        return self.post_status()

    def post_status(self) -> Object:
        current = self.kube.get(NODES, None, self.info.name) or {}
        previous = (current.get("status") or {}).get("conditions")
        ready, reason, message = self._ready
        status = self.info.status(node_conditions(ready, reason, message, previous, timestamp(self._clock())))
        return self.kube.patch(NODES, None, self.info.name, {"status": status}, subresource="status")

    def renew_lease(self) -> Object:
        """Create or renew the node's Lease (owned by its Node, so it goes when the Node goes)."""
        now = micro_timestamp(self._clock())
        lease = self.kube.get(LEASES, NODE_LEASE_NAMESPACE, self.info.name)
        if lease is None:
            self._ensure_lease_namespace()
            node = self.kube.get(NODES, None, self.info.name)
            owner = (
                [{"apiVersion": "v1", "kind": "Node", "name": self.info.name, "uid": node["metadata"]["uid"]}]
                if node
                else []
            )
            body: Object = {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": self.info.name, "namespace": NODE_LEASE_NAMESPACE, "ownerReferences": owner},
                "spec": {
                    "holderIdentity": self.info.name,
                    "leaseDurationSeconds": self.lease_duration_seconds,
                    "renewTime": now,
                },
            }
            try:
                return self.kube.create(LEASES, NODE_LEASE_NAMESPACE, body)
            except KubeError as exc:
                if not exc.conflict:
                    raise
        spec = {
            "holderIdentity": self.info.name,
            "leaseDurationSeconds": self.lease_duration_seconds,
            "renewTime": now,
        }
        return self.kube.patch(LEASES, NODE_LEASE_NAMESPACE, self.info.name, {"spec": spec})

    def _ensure_lease_namespace(self) -> None:
        if self.kube.get(NAMESPACES, None, NODE_LEASE_NAMESPACE) is not None:
            return
        try:
            self.kube.create(
                NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NODE_LEASE_NAMESPACE}}
            )
        except KubeError as exc:
            if not exc.conflict:
                raise

    async def run(self, stop: asyncio.Event) -> None:
        """Register, then renew the Lease every :attr:`renew_interval` and post status every ``status_interval``
        (or at once after :meth:`set_ready`) until ``stop`` is set. API errors are logged and retried."""
        registered = False
        last_status = float("-inf")
        while not stop.is_set():
            try:
                if not registered:
                    await asyncio.to_thread(self.register)
                    registered = True
                    last_status = time.monotonic()
                await asyncio.to_thread(self.renew_lease)
                if self._changed.is_set() or time.monotonic() - last_status >= self.status_interval:
                    self._changed.clear()
                    await asyncio.to_thread(self.post_status)
                    last_status = time.monotonic()
            except (KubeError, OSError) as exc:
                logger.warning("node %s: heartbeat failed, retrying: %s", self.info.name, exc)
            await _wait_any(stop, self._changed, self.renew_interval)


async def _wait_any(stop: asyncio.Event, changed: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(changed.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _needs_update(current: Object, desired: Object) -> bool:
    meta = current.get("metadata") or {}
    labels = meta.get("labels") or {}
    annotations = meta.get("annotations") or {}
    want = desired["metadata"]
    if any(labels.get(k) != v for k, v in want.get("labels", {}).items()):
        return True
    if any(annotations.get(k) != v for k, v in want.get("annotations", {}).items()):
        return True
    spec = current.get("spec") or {}
    return any(spec.get(k) != v for k, v in desired["spec"].items())
