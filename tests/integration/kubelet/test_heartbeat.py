"""The node heartbeat against a real API server: registration, status, Lease renewal, Ready False for faults."""

from __future__ import annotations

import asyncio

import pytest

from kubelite.client import LEASES, NODES, Kube
from kubelite.nodes.heartbeat import NODE_LEASE_NAMESPACE, Heartbeat, NodeInfo
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration


def _info(name: str) -> NodeInfo:
    return NodeInfo(
        name=name,
        capacity={"cpu": "4", "memory": "8Gi", "pods": "110"},
        labels={"topology.kubernetes.io/zone": "local-a"},
        addresses=(("InternalIP", "127.0.0.1"), ("Hostname", name)),
        provider_id=f"local:///{name}",
        kubelet_port=10555,
    )


def test_register_posts_status_and_renews_the_lease(kubelite: RunningServer) -> None:
    kube = Kube.from_kubeconfig(kubelite.kubeconfig)
    beat = Heartbeat(kube, _info("hb-a"), lease_duration_seconds=8)
    beat.register()
    beat.renew_lease()
    node = kube.get(NODES, None, "hb-a")
    assert node is not None
    assert node["metadata"]["labels"]["topology.kubernetes.io/zone"] == "local-a"
    assert node["spec"]["providerID"] == "local:///hb-a"
    status = node["status"]
    assert status["daemonEndpoints"]["kubeletEndpoint"]["Port"] == 10555
    assert status["allocatable"] == status["capacity"]
    assert {"type": "InternalIP", "address": "127.0.0.1"} in status["addresses"]
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True"
    lease = kube.get(LEASES, NODE_LEASE_NAMESPACE, "hb-a")
    assert lease is not None
    assert lease["spec"]["holderIdentity"] == "hb-a"
    assert lease["spec"]["leaseDurationSeconds"] == 8
    first = lease["spec"]["renewTime"]
    beat.renew_lease()
    assert kube.get(LEASES, NODE_LEASE_NAMESPACE, "hb-a")["spec"]["renewTime"] > first  # type: ignore[index]
    kube.close()


def test_set_ready_false_flips_the_condition_and_its_transition_time(kubelite: RunningServer) -> None:
    kube = Kube.from_kubeconfig(kubelite.kubeconfig)
    beat = Heartbeat(kube, _info("hb-b"))
    beat.register()
    beat.set_ready(False, "FaultInjected", "the test broke it")
    node = beat.post_status()
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == ("False", "FaultInjected", "the test broke it")
    beat.set_ready(True)
    node = beat.post_status()
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True"
    kube.close()


async def test_run_registers_and_stops(kubelite: RunningServer) -> None:
    kube = Kube.from_kubeconfig(kubelite.kubeconfig)
    beat = Heartbeat(kube, _info("hb-c"), lease_duration_seconds=1)
    stop = asyncio.Event()
    task = asyncio.create_task(beat.run(stop))
    for _ in range(100):
        lease = await asyncio.to_thread(kube.get, LEASES, NODE_LEASE_NAMESPACE, "hb-c")
        if lease:
            break
        await asyncio.sleep(0.05)
    first = lease["spec"]["renewTime"]  # type: ignore[index]
    for _ in range(100):
        lease = await asyncio.to_thread(kube.get, LEASES, NODE_LEASE_NAMESPACE, "hb-c")
        if lease and lease["spec"]["renewTime"] != first:
            break
        await asyncio.sleep(0.05)
    assert lease["spec"]["renewTime"] != first  # type: ignore[index]
    stop.set()
    await asyncio.wait_for(task, 5)
    kube.close()
