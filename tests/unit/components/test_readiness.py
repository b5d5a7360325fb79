"""Readiness decisions, as `kubectl rollout status` makes them, each naming what is missing."""

from __future__ import annotations

from typing import Any

import pytest

from gardenlet.components import readiness
from gardenlet.components.interface import ComponentTimeoutError
from gardenlet.components.values import Resources

pytestmark = pytest.mark.unit


def workload(desired: int, generation: int = 1, **status: Any) -> dict[str, Any]:
    return {"metadata": {"generation": generation}, "spec": {"replicas": desired}, "status": status}


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        (workload(2, observedGeneration=1, replicas=2, updatedReplicas=2, availableReplicas=2), None),
        (workload(2, generation=2, observedGeneration=1), "generation 2 not observed yet"),
        (
            workload(2, observedGeneration=1, replicas=2, updatedReplicas=1, availableReplicas=2),
            "1 of 2 replicas updated",
        ),
        (workload(1, observedGeneration=1, replicas=2, updatedReplicas=1, availableReplicas=1), "1 old replicas"),
        (
            workload(2, observedGeneration=1, replicas=2, updatedReplicas=2, availableReplicas=1),
            "1 of 2 replicas available",
        ),
        (workload(0, observedGeneration=1, replicas=0), None),
        (workload(0, observedGeneration=1, replicas=1, updatedReplicas=0), "1 old replicas"),
    ],
)
def test_deployment(obj: dict[str, Any], reason: str | None) -> None:
    found = readiness.deployment(obj)
    assert (found is None) if reason is None else (found is not None and reason in found)


def test_deployment_past_its_progress_deadline_says_so() -> None:
    obj = workload(1, observedGeneration=1)
    obj["status"]["conditions"] = [
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "too slow"}
    ]
    assert readiness.deployment(obj) == "progress deadline exceeded: too slow"


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        (workload(3, observedGeneration=1, replicas=3, readyReplicas=3, updatedReplicas=3), None),
        (workload(3, observedGeneration=1, replicas=3, readyReplicas=2, updatedReplicas=3), "2 of 3 replicas ready"),
        (workload(0, observedGeneration=1, replicas=1, readyReplicas=1), "1 replicas, 0 desired"),
        (
            workload(
                1,
                observedGeneration=1,
                replicas=1,
                readyReplicas=1,
                updatedReplicas=1,
                currentRevision="a",
                updateRevision="b",
            ),
            "revision b not rolled out",
        ),
    ],
)
def test_statefulset(obj: dict[str, Any], reason: str | None) -> None:
    found = readiness.statefulset(obj)
    assert (found is None) if reason is None else (found is not None and reason in found)


def test_daemonset_and_namespace() -> None:
    ready = {
        "metadata": {"generation": 1},
        "status": {
            "observedGeneration": 1,
            "desiredNumberScheduled": 2,
            "updatedNumberScheduled": 2,
            "numberAvailable": 2,
        },
    }
    assert readiness.daemonset(ready) is None
    ready["status"]["numberAvailable"] = 1
    assert readiness.daemonset(ready) == "1 of 2 scheduled pods available"
    assert readiness.namespace({"status": {"phase": "Active"}}) is None
    assert readiness.namespace({"status": {"phase": "Terminating"}}) == "phase Terminating"


def test_timeout_message_lists_what_is_pending() -> None:
    error = ComponentTimeoutError("etcd-main", "not ready", 2.5, ["StatefulSet ns/etcd-main: 0 of 1 replicas ready"])
    assert str(error) == "etcd-main: not ready after 2.5 s: StatefulSet ns/etcd-main: 0 of 1 replicas ready"
    assert isinstance(error, TimeoutError)


def test_resources_refuse_limits_below_requests() -> None:
    assert Resources("100m", "1Gi", memory_limit="2Gi").manifest() == {
        "requests": {"cpu": "100m", "memory": "1Gi"},
        "limits": {"memory": "2Gi"},
    }
    with pytest.raises(ValueError, match="below the request"):
        Resources("100m", "1Gi", memory_limit="512Mi")
    with pytest.raises(ValueError, match="not a resource quantity"):
        Resources("lots", "1Gi")
