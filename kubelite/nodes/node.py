"""A simulated node: boots from cloud-init user data, joins the cluster with the bootstrap token, stays alive.

``python -m kubelite.nodes --userdata FILE --name NAME --provider-id ID`` is what a local machine runs (the image
``localhost/kubelite/node``). It reads the API server's URL, CA and bootstrap token from the user data
(:mod:`.userdata`), registers the Node with the provider ID, zone, region and instance-type labels, and keeps its
Lease and ``Ready`` condition through :class:`~kubelite.nodes.heartbeat.Heartbeat`. Every call is made with the
bootstrap token itself: there is no certificate signing request step (the API server grants the token's user
what a kubelet needs). Pods bound to the node are reported running, without processes, and their deletion is
finished by the node (:mod:`.pods`), unless ``--no-pods``.

Fault injection, for tests (:data:`SIMULATE_ANNOTATION` on the Node, polled every ``--fault-poll`` seconds):

* ``NotReady``: keep the Lease but report ``Ready=False`` (reason ``SimulatedFailure``) until the annotation is
  removed or set to ``Ready``;
* ``Vanish``: delete the Node and exit at once with status 0, as a VM that disappeared (nothing restarts it).

SIGTERM and SIGINT stop the heartbeat and leave the Node as it is (a machine that was shut down).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from kubelite.client import NODES, Kube, KubeError
from kubelite.nodes.heartbeat import DEFAULT_LEASE_DURATION_SECONDS, Heartbeat, NodeInfo
from kubelite.nodes.pods import PodSimulator
from kubelite.nodes.userdata import Boot

log = logging.getLogger(__name__)

SIMULATE_ANNOTATION = "nodes.kubelite.io/simulate"
#: What a simulated node reports as its capacity unless told otherwise.
DEFAULT_CAPACITY = {"cpu": "2", "memory": "8Gi", "pods": "110", "ephemeral-storage": "50Gi"}

Outcome = Literal["stopped", "vanished"]


@dataclass(frozen=True, slots=True)
class NodeConfig:
    name: str
    provider_id: str
    boot: Boot
    zone: str = ""
    region: str = ""
    instance_type: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    capacity: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))
    address: str = "127.0.0.1"
    lease_duration_seconds: int = DEFAULT_LEASE_DURATION_SECONDS
    status_interval: float = 60.0
    fault_poll: float = 1.0
    #: Report the Pods bound to the node as running (kwok-style) and finish their deletion.
    run_pods: bool = True

    def node_info(self) -> NodeInfo:
        labels = dict(self.labels)
        if self.zone:
            labels["topology.kubernetes.io/zone"] = self.zone
        if self.region:
            labels["topology.kubernetes.io/region"] = self.region
        if self.instance_type:
            labels["node.kubernetes.io/instance-type"] = self.instance_type
        return NodeInfo(
            name=self.name,
            capacity=self.capacity,
            labels=labels,
            addresses=(("InternalIP", self.address), ("Hostname", self.name)),
            provider_id=self.provider_id,
            container_runtime="simulated://kubelite",
        )


def parse_labels(text: str) -> dict[str, str]:
    """``k=v,k2=v2`` (kubelet's ``--node-labels``); a pair without ``=`` is an error."""
    labels: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"node label {pair!r} is not key=value")
        labels[key] = value
    return labels


def client(boot: Boot, state_dir: Path) -> Kube:
    """A client with the bootstrap kubeconfig (written 0600 under ``state_dir``)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "kubeconfig-bootstrap"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        yaml.safe_dump(boot.kubeconfig, out)
    return Kube.from_kubeconfig(path)


def simulated(kube: Kube, name: str) -> str | None:
    node = kube.get(NODES, None, name)
    return ((node or {}).get("metadata", {}).get("annotations") or {}).get(SIMULATE_ANNOTATION)


async def run(config: NodeConfig, kube: Kube, stop: asyncio.Event) -> Outcome:
    """Heartbeat until ``stop`` is set (``stopped``) or the node is told to vanish (``vanished``)."""
    heartbeat = Heartbeat(
        kube,
        config.node_info(),
        lease_duration_seconds=config.lease_duration_seconds,
        status_interval=config.status_interval,
    )
    beating = asyncio.create_task(heartbeat.run(stop))
    pods = asyncio.create_task(PodSimulator(kube, config.name, config.address).run(stop)) if config.run_pods else None
    not_ready = False
    try:
        while not stop.is_set() and not beating.done():
            try:
                wanted = await asyncio.to_thread(simulated, kube, config.name)
            except (KubeError, OSError) as exc:
                log.warning("node %s: cannot read its annotations: %s", config.name, exc)
                wanted = None
            if wanted == "Vanish":
                stop.set()
                await beating
                if pods is not None:
                    await pods
                await asyncio.to_thread(kube.delete, NODES, None, config.name)
                log.info("node %s: vanished", config.name)
                return "vanished"
            if wanted == "NotReady" and not not_ready:
                heartbeat.set_ready(False, "SimulatedFailure", f"{SIMULATE_ANNOTATION}=NotReady")
                not_ready = True
            elif wanted != "NotReady" and not_ready:
                heartbeat.set_ready(True)
                not_ready = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), config.fault_poll)
    finally:
        stop.set()
        await beating
        if pods is not None:
            await pods
    return "stopped"


async def serve(config: NodeConfig, state_dir: Path | None = None) -> Outcome:
    """Run the node until SIGTERM/SIGINT or a vanish."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    with tempfile.TemporaryDirectory(prefix=f"node-{config.name}-") as scratch:
        kube = client(config.boot, state_dir or Path(scratch))
        try:
            return await run(config, kube, stop)
        finally:
            kube.close()


__all__ = ["DEFAULT_CAPACITY", "SIMULATE_ANNOTATION", "NodeConfig", "client", "parse_labels", "run", "serve"]
