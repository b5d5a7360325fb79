"""``kubelite controller-manager`` and ``kubelite scheduler`` as processes against a real kubelite API server with
three registered nodes (two Ready, one tainted), as a shoot's control plane runs them: Deployment pods spread by
the scheduler, an unschedulable pod saying why, a DaemonSet's pod per node and its rolling update, /healthz over
HTTPS, and leader election handing over to a second controller-manager.

No kubelet runs here: the tests write pod status as a kubelet would (:func:`run_pods`) and finish graceful
deletions of bound pods (:func:`finish_deletions`).
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelite.client import CONTROLLERREVISIONS, DAEMONSETS, LEASES, NODES, PODS, Kube
from tests.integration.kubelet.conftest import free_port, stop_process
from tests.integration.kubelet.workloads import run_pods
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

MODULES = {"controller-manager": "kubelite.controllermanager", "scheduler": "kubelite.scheduler"}
FAST_ELECTION = [
    "--leader-elect-lease-duration=3s",
    "--leader-elect-renew-deadline=2s",
    "--leader-elect-retry-period=500ms",
]


class Component:
    def __init__(self, verb: str, args: list[str], log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    MODULES[verb],
                    "--bind-address=127.0.0.1",
                    f"--secure-port={self.port}",
                    *FAST_ELECTION,
                    *args,
                    "-v",
                    "2",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self.healthy, f"kubelite {verb} to serve /healthz (log: {log_path})", timeout=30)

    def healthz(self) -> str:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # a probe does not verify either; the certificate is self-signed
        with urllib.request.urlopen(f"https://127.0.0.1:{self.port}/healthz", context=context, timeout=2) as answer:
            return str(answer.read().decode())

    def healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"exited with {self.process.returncode}:\n{self.log()}")
        try:
            return self.healthz() == "ok"
        except OSError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.process)


def register_node(kube: Kube, name: str, *, taints: list[dict[str, str]] | None = None) -> None:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": {"taints": taints or []},
    }
    node = kube.create(NODES, None, body)
    node["status"] = {
        "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
        "allocatable": {"pods": "110", "cpu": "2", "memory": "4Gi"},
    }
    kube.update(NODES, None, name, node, subresource="status")


def finish_deletions(kube: Kube, namespace: str) -> None:
    """What a kubelet does for a terminating pod of its node: confirm the deletion."""
    for pod in kube.list(PODS, namespace):
        if pod["metadata"].get("deletionTimestamp"):
            kube.request("DELETE", PODS.item(namespace, pod["metadata"]["name"]), {"gracePeriodSeconds": 0})


@pytest.fixture(scope="module")
def cluster(kubelite: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Component]]:
    kube = Kube.from_kubeconfig(kubelite.kubeconfig)
    for name in ("node-a", "node-b"):
        register_node(kube, name)
    register_node(kube, "node-infra", taints=[{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}])
    kube.close()
    logs = tmp_path_factory.mktemp("components")
    config = logs / "scheduler.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kubescheduler.config.k8s.io/v1",
                "kind": "KubeSchedulerConfiguration",
                "clientConnection": {"kubeconfig": str(kubelite.kubeconfig)},
                "leaderElection": {"leaderElect": True},
                "profiles": [{"schedulerName": "default-scheduler"}],
            }
        )
    )
    started: dict[str, Component] = {}
    try:
        started["controller-manager"] = Component(
            "controller-manager",
            [
                f"--kubeconfig={kubelite.kubeconfig}",
                f"--authentication-kubeconfig={kubelite.kubeconfig}",
                "--controllers=*,bootstrapsigner,tokencleaner",
                "--use-service-account-credentials=true",
                "--node-monitor-grace-period=40s",
                "--profiling=false",
            ],
            logs / "controller-manager.log",
        )
        started["scheduler"] = Component(
            "scheduler", [f"--config={config}", "--profiling=false"], logs / "scheduler.log"
        )
        yield started
    finally:
        for component in started.values():
            component.stop()


@pytest.fixture(scope="module")
def kube(kubelite: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(kubelite.kubeconfig)
    yield client
    client.close()


def test_healthz_over_https_and_one_lease_each(cluster: dict[str, Component], kube: Kube) -> None:
    for name, component in cluster.items():
        assert component.healthz() == "ok"
        lease = wait_for(partial(kube.get, LEASES, "kube-system", f"kube-{name}"), f"the {name} Lease")
        assert lease["spec"]["holderIdentity"]
    assert "--profiling is accepted for compatibility and has no effect" in cluster["controller-manager"].log()
    assert "controller bootstrapsigner is enabled but not run" in cluster["controller-manager"].log()


def test_deployment_pods_are_spread_over_ready_untainted_nodes(
    kubelite: RunningServer, cluster: dict[str, Component], kube: Kube
) -> None:
    kubelite.kubectl("create", "namespace", "spread")
    kubelite.kubectl("-n", "spread", "create", "deployment", "web", "--image=busybox:1", "--replicas=4")

    def bound() -> Counter[str] | None:
        nodes = Counter(p["spec"].get("nodeName") for p in kube.list(PODS, "spread"))
        return nodes if sum(nodes.values()) == 4 and None not in nodes else None

    placed = wait_for(bound, "four pods bound")
    assert placed == Counter({"node-a": 2, "node-b": 2})
    pod = kube.list(PODS, "spread")[0]
    scheduled = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled[0]["status"] == "True"


def test_a_pod_that_fits_nowhere_says_why(kubelite: RunningServer, cluster: dict[str, Component], kube: Kube) -> None:
    kubelite.kubectl("create", "namespace", "nofit")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "picky"},
        "spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "c", "image": "busybox:1"}]},
    }
    kubelite.kubectl("-n", "nofit", "create", "-f", "-", input=json.dumps(pod))

    def reason() -> str:
        current = kube.get(PODS, "nofit", "picky") or {}
        for condition in (current.get("status") or {}).get("conditions") or ():
            if condition["type"] == "PodScheduled" and condition["status"] == "False":
                return str(condition["message"])
        return ""

    message = wait_for(reason, "PodScheduled=False")
    assert message == "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
    # A node that matches brings it back, and it is bound there.
    kube.patch(NODES, None, "node-b", {"metadata": {"labels": {"disk": "ssd"}}})
    wait_for(lambda: (kube.get(PODS, "nofit", "picky") or {})["spec"].get("nodeName") == "node-b", "the binding")


def daemonset(image: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "proxy"},
        "spec": {
            "selector": {"matchLabels": {"app": "proxy"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"app": "proxy"}},
                "spec": {"containers": [{"name": "kube-proxy", "image": image}]},
            },
        },
    }


def test_daemonset_runs_a_pod_per_eligible_node_and_rolls_one_at_a_time(
    kubelite: RunningServer, cluster: dict[str, Component], kube: Kube
) -> None:
    kubelite.kubectl("create", "namespace", "ds")
    kubelite.kubectl("-n", "ds", "create", "-f", "-", input=json.dumps(daemonset("busybox:1")))

    def status(**wanted: int) -> dict[str, Any] | None:
        run_pods(kube, "ds", "app=proxy")
        finish_deletions(kube, "ds")
        current = (kube.get(DAEMONSETS, "ds", "proxy") or {}).get("status") or {}
        return current if all(current.get(k) == v for k, v in wanted.items()) else None

    first = wait_for(lambda: status(desiredNumberScheduled=2, numberReady=2, numberAvailable=2), "two ready")
    assert first["currentNumberScheduled"] == 2 and first["updatedNumberScheduled"] == 2
    assert first["observedGeneration"] == 1
    pods = kube.list(PODS, "ds", label_selector="app=proxy")
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-a", "node-b"]  # not the tainted node-infra
    tolerated = {t["key"] for t in pods[0]["spec"]["tolerations"]}
    assert {"node.kubernetes.io/not-ready", "node.kubernetes.io/unschedulable"} <= tolerated

    patch = {"spec": {"template": {"spec": {"containers": [{"name": "kube-proxy", "image": "busybox:2"}]}}}}
    kubelite.kubectl("-n", "ds", "patch", "daemonset", "proxy", "--type=merge", "-p", json.dumps(patch))
    seen_unavailable = 0

    def rolled() -> dict[str, Any] | None:
        nonlocal seen_unavailable
        current = status(observedGeneration=2, updatedNumberScheduled=2, numberAvailable=2)
        live = [p for p in kube.list(PODS, "ds") if not p["metadata"].get("deletionTimestamp")]
        ready = sum(1 for p in live if (p.get("status") or {}).get("phase") == "Running")
        seen_unavailable = max(seen_unavailable, 2 - ready)
        return current

    wait_for(rolled, "both nodes at the new template", timeout=60)
    assert seen_unavailable <= 1  # maxUnavailable: 1
    images = {p["spec"]["containers"][0]["image"] for p in kube.list(PODS, "ds")}
    assert images == {"busybox:2"}
    assert len(kube.list(CONTROLLERREVISIONS, "ds")) == 2


def test_a_second_controller_manager_takes_over_when_the_leader_stops(
    kubelite: RunningServer, cluster: dict[str, Component], kube: Kube, tmp_path: Path
) -> None:
    leader = kube.get(LEASES, "kube-system", "kube-controller-manager") or {}
    first_holder = leader["spec"]["holderIdentity"]
    second = Component(
        "controller-manager", [f"--kubeconfig={kubelite.kubeconfig}"], tmp_path / "controller-manager-2.log"
    )
    try:
        current = kube.get(LEASES, "kube-system", "kube-controller-manager") or {}
        assert current["spec"]["holderIdentity"] == first_holder  # the follower waits
        cluster["controller-manager"].stop()  # a clean stop releases the Lease

        def new_holder() -> str:
            lease = kube.get(LEASES, "kube-system", "kube-controller-manager") or {}
            holder = str((lease.get("spec") or {}).get("holderIdentity") or "")
            return holder if holder and holder != first_holder else ""

        wait_for(new_holder, "the second controller-manager to lead", timeout=20)
        kubelite.kubectl("-n", "spread", "scale", "deployment/web", "--replicas=5")
        wait_for(lambda: len(kube.list(PODS, "spread")) == 5, "the new leader to act")
    finally:
        second.stop()
