"""A pod's life through a real kubelet process, the parts issue 5 names beyond running: init containers before
the main ones, a startup probe holding readiness and liveness back, ``kubectl logs -f`` streaming,
``kubectl logs --previous`` after a restart, and a projected service-account token the API server cannot issue."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator

import pytest

from tests.integration.kubelet.conftest import KubeletProcess, container_status, is_ready
from tests.integration.server import KUBECTL
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

PY = "python:3.11"


def python(name: str, script: str, **container: object) -> dict[str, object]:
    return {"name": name, "image": PY, "command": ["python", "-c", script], **container}


def test_init_containers_run_in_order_before_the_main_ones(bare_kubelet: KubeletProcess) -> None:
    shared = [{"name": "shared", "mountPath": "/shared"}]
    bare_kubelet.pod(
        "initd",
        [
            python(
                "main",
                "print(open('/shared/log').read(), flush=True); import time; time.sleep(600)",
                volumeMounts=shared,
            )
        ],
        initContainers=[
            python("first", "open('/shared/log', 'a').write('first;')", volumeMounts=shared),
            python("second", "open('/shared/log', 'a').write('second')", volumeMounts=shared),
        ],
        volumes=[{"name": "shared", "emptyDir": {}}],
    )
    pod = bare_kubelet.wait_pod("initd", is_ready, "pod initd to be Ready")
    inits = {s["name"]: s for s in pod["status"]["initContainerStatuses"]}
    for name in ("first", "second"):
        assert inits[name]["state"]["terminated"]["reason"] == "Completed"
        assert inits[name]["state"]["terminated"]["exitCode"] == 0
    assert inits["first"]["state"]["terminated"]["finishedAt"] <= inits["second"]["state"]["terminated"]["startedAt"]
    initialized = next(c for c in pod["status"]["conditions"] if c["type"] == "Initialized")
    assert initialized["status"] == "True"
    logs = wait_for(lambda: bare_kubelet.server.kubectl("logs", "initd", "-c", "main").stdout, "main's output")
    assert logs == "first;second\n"


def test_a_startup_probe_holds_readiness_until_it_passes(bare_kubelet: KubeletProcess) -> None:
    script = "import time; time.sleep(3); open('/state/started', 'w').close(); time.sleep(600)"
    bare_kubelet.pod(
        "slowstart",
        [
            python(
                "main",
                script,
                volumeMounts=[{"name": "state", "mountPath": "/state"}],
                startupProbe={
                    "exec": {"command": ["cat", "/state/started"]},
                    "periodSeconds": 1,
                    "failureThreshold": 30,
                },
                readinessProbe={"exec": {"command": ["true"]}, "periodSeconds": 1},
            )
        ],
        volumes=[{"name": "state", "emptyDir": {}}],
    )
    running = bare_kubelet.wait_pod(
        "slowstart",
        lambda p: (
            bool((p.get("status") or {}).get("containerStatuses")) and "running" in container_status(p, "main")["state"]
        ),
        "main to run",
    )
    early = container_status(running, "main")
    assert early["started"] is False and early["ready"] is False
    pod = bare_kubelet.wait_pod("slowstart", is_ready, "Ready once the startup probe passed")
    assert container_status(pod, "main")["started"] is True
    assert container_status(pod, "main")["restartCount"] == 0


@pytest.fixture
def follower(bare_kubelet: KubeletProcess) -> Iterator[subprocess.Popen[str]]:
    script = "import itertools,time\nfor i in itertools.count():\n    print('tick', i, flush=True); time.sleep(0.2)"
    bare_kubelet.pod("ticker", [python("main", script)])
    bare_kubelet.wait_pod("ticker", is_ready, "pod ticker to be Ready")
    server = bare_kubelet.server
    process = subprocess.Popen(
        [str(KUBECTL), "--kubeconfig", str(server.kubeconfig), "logs", "-f", "ticker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait(10)


def test_kubectl_logs_follow_streams_new_lines(follower: subprocess.Popen[str]) -> None:
    lines: list[str] = []

    def read() -> None:
        assert follower.stdout is not None
        for line in follower.stdout:
            lines.append(line)
            if len(lines) >= 15:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    wait_for(lambda: len(lines) >= 15, "fifteen lines through kubectl logs -f", timeout=30)
    numbers = [int(line.split()[1]) for line in lines]
    assert numbers == list(range(numbers[0], numbers[0] + 15))  # in order, none lost, more than were there at first
    assert follower.poll() is None  # still following


def test_kubectl_logs_previous_shows_the_run_before_a_restart(bare_kubelet: KubeletProcess) -> None:
    script = (
        "import os,sys,time\n"
        "marker = '/state/runs'\n"
        "runs = len(open(marker).read()) if os.path.exists(marker) else 0\n"
        "open(marker, 'a').write('x')\n"
        "print('run', runs, flush=True)\n"
        "sys.exit(3) if runs == 0 else time.sleep(600)\n"
    )
    bare_kubelet.pod(
        "twice",
        [python("main", script, volumeMounts=[{"name": "state", "mountPath": "/state"}])],
        volumes=[{"name": "state", "emptyDir": {}}],
    )
    pod = bare_kubelet.wait_pod(
        "twice", lambda p: is_ready(p) and container_status(p, "main")["restartCount"] == 1, "one restart"
    )
    assert container_status(pod, "main")["lastState"]["terminated"]["exitCode"] == 3
    server = bare_kubelet.server
    assert server.kubectl("logs", "twice", "--previous").stdout == "run 0\n"
    assert wait_for(lambda: server.kubectl("logs", "twice").stdout, "the current run's output") == "run 1\n"


def test_a_projected_token_the_server_cannot_issue_is_a_clear_waiting_reason(bare_kubelet: KubeletProcess) -> None:
    token = {"serviceAccountToken": {"path": "token", "audience": "shoot", "expirationSeconds": 3600}}
    bare_kubelet.pod(
        "tokened",
        [python("main", "import time; time.sleep(600)", volumeMounts=[{"name": "sa", "mountPath": "/sa"}])],
        volumes=[{"name": "sa", "projected": {"sources": [token]}}],
    )

    def waiting(pod: dict) -> bool:  # type: ignore[type-arg]
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        return bool(statuses) and "waiting" in statuses[0]["state"]

    pod = bare_kubelet.wait_pod("tokened", waiting, "a waiting reason")
    state = container_status(pod, "main")["state"]["waiting"]
    assert state["reason"] == "CreateContainerConfigError"
    assert 'no token for service account "default"' in state["message"]
    assert "TokenRequest" in state["message"]
