"""A simulated node runs its pods kwok-style: a Pod bound to it is reported Running and Ready with a status per
container (no process), a deleted one is finished off by the node, and a Pod bound elsewhere is left alone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelite.client import NODES, PODS, Kube
from providers.extensions import bootstrap_token
from providers.extensions.osc import render
from tests.integration.providers.conftest import Landscape
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

NODE = "pods-node"


@pytest.fixture(scope="module")
def node(landscape: Landscape, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One ``python -m kubelite.nodes`` joined to the landscape's shoot with a bootstrap token."""
    shoot = landscape.shoot_kube
    token = bootstrap_token.ensure(shoot, "test/pods-node")
    config = yaml.safe_load(landscape.shoot.kubeconfig.read_text())["clusters"][0]["cluster"]
    userdata = render(shoot, None, {}, (config["server"], config.get("certificate-authority-data"), token.token))
    workdir: Path = tmp_path_factory.mktemp("pods-node")
    (workdir / "userdata").write_text(userdata)
    args = ["--userdata", str(workdir / "userdata"), "--name", NODE, "--provider-id", f"test:///{NODE}"]
    with open(workdir / "node.log", "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "kubelite.nodes", *args], stdout=log, stderr=log)
    try:
        wait_for(lambda: shoot.get(NODES, None, NODE) is not None, "the node to register", timeout=30)
        yield NODE
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shoot.delete(NODES, None, NODE)


def pod(name: str, node_name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "nodeName": node_name,
            "initContainers": [{"name": "setup", "image": "busybox"}],
            "containers": [
                {"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.0"},
                {"name": "sidecar", "image": "busybox"},
            ],
        },
    }


def ready(pod: dict[str, Any] | None) -> bool:
    status = (pod or {}).get("status") or {}
    conditions = {c["type"]: c["status"] for c in status.get("conditions") or []}
    return status.get("phase") == "Running" and conditions.get("Ready") == "True"


def test_a_bound_pod_runs_and_its_deletion_is_finished_by_the_node(landscape: Landscape, node: str) -> None:
    shoot: Kube = landscape.shoot_kube
    shoot.create(PODS, "default", pod("dns", node))
    shoot.create(PODS, "default", pod("elsewhere", "no-such-node"))
    running = wait_for(lambda: (p := shoot.get(PODS, "default", "dns")) and ready(p) and p, "the pod to run")
    statuses = {s["name"]: s for s in running["status"]["containerStatuses"]}
    assert set(statuses) == {"coredns", "sidecar"}
    assert all(s["ready"] and s["started"] and "running" in s["state"] for s in statuses.values())
    assert running["status"]["initContainerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    assert running["status"]["podIP"] and running["status"]["startTime"]
    assert (shoot.get(PODS, "default", "elsewhere") or {}).get("status", {}).get("phase") in (None, "Pending")

    shoot.delete(PODS, "default", "dns")
    wait_for(lambda: shoot.get(PODS, "default", "dns") is None, "the node to finish the pod's deletion", timeout=30)
    shoot.delete(PODS, "default", "elsewhere")
    waiting = shoot.get(PODS, "default", "elsewhere")
    assert waiting is not None and waiting["metadata"].get("deletionTimestamp"), "a bound pod waits for its node"
    shoot.request("DELETE", PODS.item("default", "elsewhere"), {"gracePeriodSeconds": 0})
