"""The status a simulated node reports for its pods, and when it writes one."""

from __future__ import annotations

from typing import Any

from kubelite.nodes.pods import needs_status, running_status


def pod(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "dns", "namespace": "kube-system", "uid": "u1"},
        "spec": {"initContainers": [{"name": "init", "image": "busybox"}], "containers": [{"name": "c", "image": "x"}]},
        "status": status,
    }


def test_a_running_status_has_every_container_ready_and_the_inits_completed() -> None:
    status = running_status(pod(), "10.0.0.5", "2026-01-01T00:00:00Z")
    assert status["phase"] == "Running"
    assert {c["type"]: c["status"] for c in status["conditions"]}["Ready"] == "True"
    (container,) = status["containerStatuses"]
    assert container["ready"] and container["started"] and container["containerID"] == "simulated://u1/c"
    assert status["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 0
    assert status["podIP"] == status["hostIP"] == "10.0.0.5"


def test_status_is_written_once_for_a_pending_pod_and_never_for_ended_or_deleted_ones() -> None:
    assert needs_status(pod())
    assert needs_status(pod(phase="Pending"))
    written = pod(**running_status(pod(), "10.0.0.5", "2026-01-01T00:00:00Z"))
    assert not needs_status(written)
    assert not needs_status(pod(phase="Succeeded"))
    deleting = pod()
    deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    assert not needs_status(deleting)
