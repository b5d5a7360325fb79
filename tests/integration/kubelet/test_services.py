"""Endpoints, EndpointSlices, the service proxy and the names table against a real kubelite API server, with real
TCP servers on pod addresses standing in for the pods' processes."""

from __future__ import annotations

import asyncio
import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelite.client import ENDPOINTS, ENDPOINTSLICES, SERVICES, Kube
from kubelite.kubelet.controllers import run_controllers
from kubelite.kubelet.network.addresses import host_port, service_vip
from kubelite.kubelet.network.proxy import run_service_proxy
from tests.integration.kubelet.workloads import in_thread, pod_ip, run_pods
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def names_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("names") / "names.json"


@pytest.fixture(scope="module")
def kube(kubelite: RunningServer, names_path: Path) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(kubelite.kubeconfig)

    async def main(stop: asyncio.Event) -> None:
        await asyncio.gather(
            run_controllers(client, "node", stop, bind=False, resync=30),
            run_service_proxy(client, names_path, stop, resync=30),
        )

    with in_thread(main):
        yield client
    client.close()


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data = self.request.recv(1024)
        address = self.server.server_address
        assert isinstance(address, tuple)
        host = str(address[0])
        self.request.sendall(host.encode() + b":" + data)


@pytest.fixture
def echo_servers() -> Iterator[list[str]]:
    """Echo servers on two pod addresses at the shifted port of 80, saying which pod answered."""
    servers = []
    addresses = [pod_ip("echo-a"), pod_ip("echo-b")]
    for address in addresses:
        server = socketserver.ThreadingTCPServer((address, host_port(80)), _Echo, bind_and_activate=False)
        server.allow_reuse_address = True
        server.server_bind()
        server.server_activate()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield addresses
    for server in servers:
        server.shutdown()
        server.server_close()


def ask(host: str, port: int) -> bytes:
    with socket.create_connection((host, port), timeout=5) as conn:
        conn.sendall(b"ping")
        return conn.recv(1024)


def create_pod(kubelite: RunningServer, namespace: str, name: str, **spec: object) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "echo"}},
        "spec": {
            "containers": [{"name": "c", "image": "echo:1", "ports": [{"name": "http", "containerPort": 80}]}],
            **spec,
        },
    }
    kubelite.kubectl("-n", namespace, "create", "-f", "-", input=json.dumps(pod))


def test_endpoints_proxy_load_balancer_and_names(
    kubelite: RunningServer, kube: Kube, names_path: Path, echo_servers: list[str]
) -> None:
    kubelite.kubectl("create", "namespace", "svc")
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "echo"},
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": "echo"},
            "ports": [{"name": "web", "port": 80, "targetPort": "http"}],
        },
    }
    kubelite.kubectl("-n", "svc", "create", "-f", "-", input=json.dumps(service))
    create_pod(kubelite, "svc", "echo-a")
    create_pod(kubelite, "svc", "echo-b", hostname="echo-b", subdomain="echo")
    run_pods(kube, "svc", "app=echo", ready=False)

    def endpoints(field: str) -> list[str]:
        ep = kube.get(ENDPOINTS, "svc", "echo") or {}
        return sorted(a["ip"] for s in ep.get("subsets") or () for a in s.get(field) or ())

    wait_for(lambda: endpoints("notReadyAddresses") == sorted(echo_servers), "not-ready endpoints")
    run_pods(kube, "svc", "app=echo")
    wait_for(lambda: endpoints("addresses") == sorted(echo_servers), "ready endpoints")
    ep = kube.get(ENDPOINTS, "svc", "echo") or {}
    assert ep["subsets"][0]["ports"] == [{"name": "web", "port": 80, "protocol": "TCP"}]
    (slice_,) = kube.list(ENDPOINTSLICES, "svc", label_selector="kubernetes.io/service-name=echo")
    assert sorted(e["addresses"][0] for e in slice_["endpoints"] if e["conditions"]["ready"]) == sorted(echo_servers)

    svc = kube.get(SERVICES, "svc", "echo") or {}
    vip = service_vip(svc["spec"]["clusterIP"])
    assert vip is not None
    ingress = wait_for(
        lambda: ((kube.get(SERVICES, "svc", "echo") or {}).get("status") or {}).get("loadBalancer", {}).get("ingress"),
        "ingress",
    )
    assert ingress == [{"ip": vip, "ipMode": "VIP", "ports": [{"port": 10080, "protocol": "TCP"}]}]

    def answers() -> set[bytes] | None:
        try:
            seen = {ask(vip, 10080) for _ in range(4)}
        except OSError:
            return None
        return seen if len(seen) == 2 else None

    seen = wait_for(answers, "the proxy to reach both pods round-robin")
    assert seen == {f"{a}:ping".encode() for a in echo_servers}

    def table() -> dict | None:  # type: ignore[type-arg]
        try:
            loaded = json.loads(names_path.read_text())
        except (FileNotFoundError, ValueError):
            return None
        entry = loaded["services"].get("svc/echo") or {}
        return loaded if entry.get("addresses") == sorted(echo_servers) else None

    names = wait_for(table, "the names table")
    assert names["services"]["svc/echo"]["vip"] == vip
    assert names["pods"]["svc/echo-b.echo"] == echo_servers[1]

    # a pod going away leaves the endpoints and the proxy; the Service going away closes its port
    kubelite.kubectl("-n", "svc", "delete", "pod", "echo-a", "--wait=false")
    wait_for(lambda: endpoints("addresses") == [echo_servers[1]], "one endpoint left")
    wait_for(
        lambda: all(ask(vip, 10080) == f"{echo_servers[1]}:ping".encode() for _ in range(3)), "only echo-b answering"
    )
    kubelite.kubectl("-n", "svc", "delete", "service", "echo")
    wait_for(lambda: kube.get(ENDPOINTS, "svc", "echo") is None, "the endpoints to go")

    def closed() -> bool:
        try:
            ask(vip, 10080)
        except OSError:
            return True
        return False

    wait_for(closed, "the listener to close")
