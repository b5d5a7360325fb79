"""kill -9 of the kubelet: its pods keep running, the next kubelet adopts them (same pids, no duplicates) and stops
the processes of pods deleted while it was down."""

from __future__ import annotations

import json

import pytest

from kubelite.client import PODS
from tests.integration.kubelet.conftest import KubeletProcess, container_status, is_ready, pid_alive, wait_gone
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

SLEEPER = {"name": "main", "image": "python:3.11", "command": ["python", "-c", "import time; time.sleep(600)"]}


def _pid(kubelet: KubeletProcess, name: str) -> int:
    pod = kubelet.get(name)
    assert pod is not None
    state = kubelet.root / "pods" / f"default_{name}_{pod['metadata']['uid']}" / "main" / "state.json"
    return int(json.loads(state.read_text())["pid"])


def test_a_restarted_kubelet_adopts_live_processes_and_stops_orphans(bare_kubelet: KubeletProcess) -> None:
    bare_kubelet.pod("keep", [SLEEPER])
    bare_kubelet.pod("drop", [SLEEPER], terminationGracePeriodSeconds=1)
    for name in ("keep", "drop"):
        bare_kubelet.wait_pod(name, is_ready, f"pod {name} to be Ready")
    keep_pid, drop_pid = _pid(bare_kubelet, "keep"), _pid(bare_kubelet, "drop")

    bare_kubelet.kill9()
    assert pid_alive(keep_pid), "the pod's process died with the kubelet"
    # Deleted while the kubelet is down: nobody finishes the graceful deletion, so force it.
    bare_kubelet.kube.request("DELETE", PODS.item("default", "drop"), {"gracePeriodSeconds": 0})
    wait_gone(bare_kubelet, "drop")
    assert pid_alive(drop_pid)

    bare_kubelet.start()
    wait_for(lambda: not pid_alive(drop_pid), "the deleted pod's process to be stopped", timeout=30)
    assert pid_alive(keep_pid)
    assert _pid(bare_kubelet, "keep") == keep_pid, "the kept pod got a new process instead of being adopted"
    pod = bare_kubelet.wait_pod("keep", is_ready, "the adopted pod to be Ready")
    assert container_status(pod, "main")["restartCount"] == 0
    metrics = wait_for(lambda: _metrics_with(bare_kubelet, "kubelite_kubelet_adopted_total 1"), "adoption metric")
    assert "kubelite_kubelet_starts_total 0" in metrics, "the kubelet started a duplicate process"


def _metrics_with(kubelet: KubeletProcess, needle: str) -> str | None:
    import urllib.request  # noqa: PLC0415

    with urllib.request.urlopen(kubelet.url("/metrics"), timeout=5) as response:
        text = response.read().decode()
    return text if needle in text else None
