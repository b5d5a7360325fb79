"""Bare Pods through a real kubelet process: they run, report status like upstream, restart, and stop."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from kubelite.client import PODS
from kubelite.kubelet.network.podips import in_range
from tests.integration.kubelet.conftest import KubeletProcess, container_status, is_ready, pid_alive, wait_gone
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

PY = "python:3.11"


def _logs(kubelet: KubeletProcess, pod: str, container: str, query: str = "") -> str:
    with urllib.request.urlopen(kubelet.url(f"/containerLogs/default/{pod}/{container}{query}"), timeout=10) as r:
        return str(r.read().decode())


def test_a_python_pod_runs_becomes_ready_and_logs(bare_kubelet: KubeletProcess) -> None:
    script = "import os,time; print('hello from', os.environ['POD_NAME'], flush=True); time.sleep(600)"
    bare_kubelet.pod(
        "hello",
        [
            {
                "name": "main",
                "image": PY,
                "command": ["python", "-c", script],
                "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
            }
        ],
    )
    pod = bare_kubelet.wait_pod("hello", is_ready, "pod hello to be Ready")
    status = pod["status"]
    assert status["phase"] == "Running"
    assert in_range(status["podIP"], bare_kubelet.pod_cidr)
    assert status["hostIP"] == "127.0.0.1"
    main = container_status(pod, "main")
    assert main["ready"] is True
    assert main["restartCount"] == 0
    assert "running" in main["state"]
    wait_for(lambda: "hello from hello" in _logs(bare_kubelet, "hello", "main"), "the container's output")
    through_kubectl = bare_kubelet.server.kubectl("logs", "hello", "-c", "main", "--tail=1").stdout
    assert through_kubectl == "hello from hello\n"
    stamped = _logs(bare_kubelet, "hello", "main", "?timestamps=true")
    assert stamped.split(" ", 1)[0].endswith("Z")
    assert stamped.split(" ", 1)[1].startswith("hello from hello")


def test_an_unknown_image_reports_why(bare_kubelet: KubeletProcess) -> None:
    bare_kubelet.pod("unknown", [{"name": "main", "image": "example.com/no/such-image:1.0"}])

    def waiting(pod: dict) -> bool:  # type: ignore[type-arg]
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        return bool(statuses) and "waiting" in statuses[0]["state"]

    pod = bare_kubelet.wait_pod("unknown", waiting, "a waiting reason")
    state = container_status(pod, "main")["state"]["waiting"]
    assert state["reason"] in ("ErrImagePull", "ImagePullBackOff")
    assert "example.com/no/such-image:1.0" in state["message"]
    assert "catalogue" in state["message"]
    assert pod["status"]["phase"] == "Pending"
    assert not is_ready(pod)


def test_a_killed_process_is_restarted_and_counted(bare_kubelet: KubeletProcess) -> None:
    bare_kubelet.pod(
        "crashy", [{"name": "main", "image": PY, "command": ["python", "-c", "import time; time.sleep(600)"]}]
    )
    pod = bare_kubelet.wait_pod("crashy", is_ready, "pod crashy to be Ready")
    state_file = next((bare_kubelet.root / "pods").glob(f"default_crashy_{pod['metadata']['uid']}/main/state.json"))
    pid = json.loads(state_file.read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    pod = bare_kubelet.wait_pod(
        "crashy", lambda p: is_ready(p) and container_status(p, "main")["restartCount"] == 1, "a restart"
    )
    last = container_status(pod, "main")["lastState"]["terminated"]
    assert last["exitCode"] == 137
    assert last["signal"] == 9
    assert not pid_alive(pid)


def test_deletion_sends_sigterm_then_sigkill_after_the_grace_period(
    bare_kubelet: KubeletProcess, tmp_path: Path
) -> None:
    polite = (
        "import signal,sys,time\n"
        "def bye(*_):\n    open(sys.argv[1], 'w').write('SIGTERM'); sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, bye)\nopen(sys.argv[1] + '.up', 'w').close()\ntime.sleep(600)\n"
    )
    stubborn = (
        "import signal,sys,time\n"
        "def note(*_):\n    open(sys.argv[1], 'w').write('SIGTERM ignored')\n"
        "signal.signal(signal.SIGTERM, note)\nopen(sys.argv[1] + '.up', 'w').close()\n"
        "time.sleep(600)\ntime.sleep(600)\n"
    )
    bare_kubelet.pod(
        "stopping",
        [
            {"name": "polite", "image": PY, "command": ["python", "-c", polite, str(tmp_path / "polite")]},
            {"name": "stubborn", "image": PY, "command": ["python", "-c", stubborn, str(tmp_path / "stubborn")]},
        ],
        terminationGracePeriodSeconds=2,
    )
    pod = bare_kubelet.wait_pod("stopping", is_ready, "pod stopping to be Ready")
    wait_for(lambda: all((tmp_path / f"{c}.up").exists() for c in ("polite", "stubborn")), "the signal handlers")
    directory = bare_kubelet.root / "pods" / f"default_stopping_{pod['metadata']['uid']}"
    pids = {c: json.loads((directory / c / "state.json").read_text())["pid"] for c in ("polite", "stubborn")}
    started = time.monotonic()
    bare_kubelet.kube.delete(PODS, "default", "stopping")
    marked = bare_kubelet.get("stopping")
    assert marked is not None
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 2
    wait_gone(bare_kubelet, "stopping")
    took = time.monotonic() - started
    assert (tmp_path / "polite").read_text() == "SIGTERM"
    assert (tmp_path / "stubborn").read_text() == "SIGTERM ignored"
    assert took >= 2.0, "the stubborn container was killed before its grace period ended"
    assert not any(pid_alive(pid) for pid in pids.values())
    assert not directory.exists()
