"""pods/binding, pods/log (proxied to the node's kubelet endpoint) and the kinds charts deploy beside workloads."""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.integration.http import Client, status_of
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10"}]},
}


@pytest.fixture
def api(kubelite: RunningServer) -> Client:
    return Client(kubelite)


def _pod(api: Client, namespace: str, name: str = "web", **spec: Any) -> dict[str, Any]:
    api.namespace(namespace)
    body = json.loads(json.dumps(POD))
    body["metadata"]["name"] = name
    body["spec"].update(spec)
    response = api.request("POST", f"/api/v1/namespaces/{namespace}/pods", body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _bind(api: Client, namespace: str, pod: str, node: str) -> Any:
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": pod},
        "target": {"kind": "Node", "name": node},
    }
    return api.request("POST", f"/api/v1/namespaces/{namespace}/pods/{pod}/binding", binding)


def test_binding_assigns_a_pod_once_and_marks_it_scheduled(api: Client) -> None:
    _pod(api, "bind")
    response = _bind(api, "bind", "web", "node-a")
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "Success"
    pod = api.request("GET", "/api/v1/namespaces/bind/pods/web").json()
    assert pod["spec"]["nodeName"] == "node-a"
    scheduled = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled and scheduled[0]["status"] == "True"

    again = status_of(_bind(api, "bind", "web", "node-b"), 409, "Conflict")
    assert "already assigned to node 'node-a'" in again["message"]
    assert api.request("GET", "/api/v1/namespaces/bind/pods/web").json()["spec"]["nodeName"] == "node-a"


def test_binding_without_a_target_names_the_field(api: Client) -> None:
    _pod(api, "bind-bad")
    response = api.request(
        "POST", "/api/v1/namespaces/bind-bad/pods/web/binding", {"apiVersion": "v1", "kind": "Binding", "target": {}}
    )
    body = status_of(response, 422, "Invalid")
    assert [c["field"] for c in body["details"]["causes"]] == ["target.name"]
    assert "nodeName" not in api.request("GET", "/api/v1/namespaces/bind-bad/pods/web").json()["spec"]
    status_of(_bind(api, "bind-bad", "missing", "node-a"), 404, "NotFound")


def test_discovery_lists_the_pod_subresources(kubelite: RunningServer) -> None:
    resources = kubelite.kubectl("api-resources", "--api-group=", "-o", "name").stdout.split()
    assert "pods" in resources
    raw = json.loads(kubelite.kubectl("get", "--raw", "/api/v1").stdout)
    names = {r["name"] for r in raw["resources"]}
    assert {"pods/binding", "pods/log", "pods/status", "persistentvolumeclaims"} <= names


class _Kubelet(BaseHTTPRequestHandler):
    """A stand-in for a node's kubelet endpoint: answers containerLogs with what it was asked."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        parts = url.path.split("/")
        if len(parts) != 5 or parts[1] != "containerLogs":
            self.send_error(404)
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = f"{parts[2]}/{parts[3]}/{parts[4]} {json.dumps(query, sort_keys=True)}\nsecond line\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def kubelet_endpoint() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Kubelet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _node(kubelite: RunningServer, name: str, port: int) -> None:
    api = Client(kubelite)
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}
    assert api.request("POST", "/api/v1/nodes", node).status_code in (201, 409)
    status = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": port}},
        },
    }
    response = api.request(
        "PATCH",
        f"/api/v1/nodes/{name}/status",
        raw=json.dumps(status).encode(),
        content_type="application/merge-patch+json",
    )
    assert response.status_code == 200, response.text


def test_kubectl_logs_is_answered_by_the_nodes_kubelet(kubelite: RunningServer, kubelet_endpoint: int) -> None:
    api = Client(kubelite)
    _node(kubelite, "logs-node", kubelet_endpoint)
    _pod(api, "logs")
    assert _bind(api, "logs", "web", "logs-node").status_code == 201
    out = kubelite.kubectl("logs", "-n", "logs", "web", "--tail=5", "--timestamps").stdout
    first, second = out.splitlines()
    assert first.startswith("logs/web/app ")
    assert json.loads(first.split(" ", 1)[1]) == {"tailLines": "5", "timestamps": "true"}
    assert second == "second line"


def test_logs_of_an_unscheduled_pod_or_unknown_container_say_why(kubelite: RunningServer) -> None:
    api = Client(kubelite)
    _pod(api, "logs-bad", name="pending")
    result = kubelite.kubectl("logs", "-n", "logs-bad", "pending", check=False)
    assert result.returncode != 0 and "does not have a host assigned" in result.stderr
    result = kubelite.kubectl("logs", "-n", "logs-bad", "pending", "-c", "nope", check=False)
    assert result.returncode != 0 and "container nope is not valid for pod pending" in result.stderr
    _pod(api, "logs-bad", name="two", containers=[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    # kubectl picks the first container itself; the API, asked without one, names the choices
    body = status_of(api.request("GET", "/api/v1/namespaces/logs-bad/pods/two/log"), 400, "BadRequest")
    assert body["message"] == "a container name must be specified for pod two, choose one of: [a b]"


def test_logs_when_the_kubelet_is_unreachable_fail_clearly(kubelite: RunningServer) -> None:
    api = Client(kubelite)
    _node(kubelite, "gone-node", 1)  # nothing listens on port 1
    _pod(api, "logs-gone")
    assert _bind(api, "logs-gone", "web", "gone-node").status_code == 201
    result = kubelite.kubectl("logs", "-n", "logs-gone", "web", check=False)
    assert result.returncode != 0 and "containerLogs/logs-gone/web/app" in result.stderr


PVC = textwrap.dedent(
    """\
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata: {name: data, namespace: kinds}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
    """
)


def test_claims_budgets_policies_and_autoscalers_are_served(kubelite: RunningServer) -> None:
    kubelite.kubectl("create", "namespace", "kinds")
    kubelite.kubectl("apply", "-f", "-", input=PVC)
    pvc = kubelite.kubectl_yaml("get", "pvc", "-n", "kinds", "data")
    assert pvc["status"]["phase"] == "Pending" and pvc["spec"]["volumeMode"] == "Filesystem"
    table = kubelite.kubectl("get", "pvc", "-n", "kinds").stdout.splitlines()
    assert table[0].split()[:3] == ["NAME", "STATUS", "VOLUME"] and table[1].split()[:2] == ["data", "Pending"]

    kubelite.kubectl("create", "pdb", "-n", "kinds", "etcd", "--selector=app=etcd", "--min-available=1")
    pdb = kubelite.kubectl_yaml("get", "pdb", "-n", "kinds", "etcd")
    assert pdb["spec"]["minAvailable"] == 1 and pdb["status"]["disruptionsAllowed"] == 0
    kubelite.kubectl("create", "priorityclass", "gardener-system-500", "--value=999998500")
    assert "999998500" in kubelite.kubectl("get", "pc", "gardener-system-500").stdout

    others = textwrap.dedent(
        """\
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: kinds}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: kube-apiserver, namespace: kinds}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: kube-apiserver}
          minReplicas: 1
          maxReplicas: 3
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: etcd-abc, namespace: kinds, labels: {kubernetes.io/service-name: etcd}}
        addressType: IPv4
        ports: [{name: client, port: 2379, protocol: TCP}]
        endpoints: [{addresses: [127.244.0.5], conditions: {ready: true}}]
        """
    )
    kubelite.kubectl("apply", "-f", "-", input=others)
    assert "deny-all" in kubelite.kubectl("get", "netpol", "-n", "kinds").stdout
    assert "Deployment/kube-apiserver" in kubelite.kubectl("get", "hpa", "-n", "kinds").stdout
    slices = kubelite.kubectl("get", "endpointslices", "-n", "kinds").stdout
    assert "127.244.0.5" in slices and "2379" in slices


def test_a_claim_without_storage_is_rejected_by_field(kubelite: RunningServer) -> None:
    api = Client(kubelite)
    api.namespace("kinds-bad")
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "bad"},
        "spec": {"accessModes": ["ReadWriteSometimes"], "resources": {"requests": {}}},
    }
    body = status_of(api.request("POST", "/api/v1/namespaces/kinds-bad/persistentvolumeclaims", claim), 422, "Invalid")
    assert sorted(c["field"] for c in body["details"]["causes"]) == [
        "spec.accessModes[0]",
        "spec.resources[storage]",
    ]
    assert api.names("/api/v1/namespaces/kinds-bad/persistentvolumeclaims") == []


def test_a_bound_claim_only_grows(kubelite: RunningServer) -> None:
    api = Client(kubelite)
    api.namespace("kinds-grow")
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "c"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}},
    }
    path = "/api/v1/namespaces/kinds-grow/persistentvolumeclaims/c"
    assert api.request("POST", "/api/v1/namespaces/kinds-grow/persistentvolumeclaims", claim).status_code == 201
    bound = json.dumps({"status": {"phase": "Bound", "capacity": {"storage": "2Gi"}}}).encode()
    merge = "application/merge-patch+json"
    assert api.request("PATCH", path + "/status", raw=bound, content_type=merge).status_code == 200
    shrink = json.dumps({"spec": {"resources": {"requests": {"storage": "1Gi"}}}}).encode()
    status_of(api.request("PATCH", path, raw=shrink, content_type=merge), 422, "Invalid")
    grow = json.dumps({"spec": {"resources": {"requests": {"storage": "3Gi"}}}}).encode()
    assert api.request("PATCH", path, raw=grow, content_type=merge).status_code == 200


def _running(api: Client, namespace: str, name: str) -> None:
    status = {
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
        }
    }
    response = api.request(
        "PATCH",
        f"/api/v1/namespaces/{namespace}/pods/{name}/status",
        raw=json.dumps(status).encode(),
        content_type="application/merge-patch+json",
    )
    assert response.status_code == 200, response.text


def _evict(api: Client, namespace: str, name: str) -> Any:
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name, "namespace": namespace}}
    return api.request("POST", f"/api/v1/namespaces/{namespace}/pods/{name}/eviction", eviction)


def test_eviction_honours_the_disruption_budget(kubelite: RunningServer) -> None:
    api = Client(kubelite)
    api.namespace("evict")
    for name in ("etcd-0", "etcd-1"):
        body = json.loads(json.dumps(POD))
        body["metadata"] = {"name": name, "labels": {"app": "etcd"}}
        assert api.request("POST", "/api/v1/namespaces/evict/pods", body).status_code == 201
        _running(api, "evict", name)
    kubelite.kubectl("create", "pdb", "-n", "evict", "etcd", "--selector=app=etcd", "--min-available=1")

    assert _evict(api, "evict", "etcd-0").status_code == 201
    assert api.names("/api/v1/namespaces/evict/pods") == ["etcd-1"]  # unbound pods go at once
    refused = status_of(_evict(api, "evict", "etcd-1"), 429, "TooManyRequests")
    assert refused["details"]["causes"][0]["reason"] == "DisruptionBudget"
    assert api.names("/api/v1/namespaces/evict/pods") == ["etcd-1"]
    pdb = kubelite.kubectl_yaml("get", "pdb", "-n", "evict", "etcd")
    assert pdb["status"]["currentHealthy"] == 1 and pdb["status"]["disruptionsAllowed"] == 0

    # a pod that is not running is not protected
    _pod(api, "evict", name="pending", **{})
    api.request(
        "PATCH",
        "/api/v1/namespaces/evict/pods/pending",
        raw=json.dumps({"metadata": {"labels": {"app": "etcd"}}}).encode(),
        content_type="application/merge-patch+json",
    )
    assert _evict(api, "evict", "pending").status_code == 201
    status_of(_evict(api, "evict", "missing"), 404, "NotFound")


def test_kubectl_drain_evicts_through_the_api(kubelite: RunningServer) -> None:
    api = Client(kubelite)
    _node(kubelite, "drain-node", 1)
    _pod(api, "drain", name="worker")
    assert _bind(api, "drain", "worker", "drain-node").status_code == 201
    _running(api, "drain", "worker")
    out = kubelite.kubectl("drain", "drain-node", "--force", "--grace-period=0", "--timeout=30s")
    assert "evicting pod drain/worker" in out.stderr + out.stdout
    node = kubelite.kubectl_yaml("get", "node", "drain-node")
    assert node["spec"]["unschedulable"] is True


def test_an_unhealthy_pod_is_evicted_while_the_budget_holds(kubelite: RunningServer) -> None:
    """Upstream's default unhealthyPodEvictionPolicy (IfHealthyBudget): a Running pod that is not Ready goes while
    the healthy ones still meet the budget, without spending a disruption."""
    api = Client(kubelite)
    api.namespace("evict-unhealthy")
    for name in ("ready", "stuck"):
        body = json.loads(json.dumps(POD))
        body["metadata"] = {"name": name, "labels": {"app": "dns"}}
        assert api.request("POST", "/api/v1/namespaces/evict-unhealthy/pods", body).status_code == 201
    _running(api, "evict-unhealthy", "ready")
    stuck = {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}}
    api.request(
        "PATCH",
        "/api/v1/namespaces/evict-unhealthy/pods/stuck/status",
        raw=json.dumps(stuck).encode(),
        content_type="application/merge-patch+json",
    )
    kubelite.kubectl("create", "pdb", "-n", "evict-unhealthy", "dns", "--selector=app=dns", "--min-available=1")
    assert _evict(api, "evict-unhealthy", "stuck").status_code == 201
    assert api.names("/api/v1/namespaces/evict-unhealthy/pods") == ["ready"]
    status_of(_evict(api, "evict-unhealthy", "ready"), 429, "TooManyRequests")
