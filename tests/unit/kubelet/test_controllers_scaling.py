from __future__ import annotations

from datetime import UTC, datetime

from kubelite.kubelet.controllers import scaling
from kubelite.kubelet.controllers.hashing import fnv32a, safe_encode, template_hash
from tests.unit.kubelet.workloads import pod, replicaset

NOW = datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC)


def names(pods: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [p["metadata"]["name"] for p in pods]


def test_deletion_prefers_unbound_pending_unready_recent_restarting_newest() -> None:
    pods = [
        pod("ready-old", ready_since="2024-01-01T00:00:00Z"),
        pod("ready-recent", ready_since="2024-01-01T00:00:20Z"),
        pod("unready", ready=False),
        pod("pending", phase="Pending", ready=False),
        pod("unbound", node="", phase="Pending", ready=False),
        pod("restarting", ready=False, restarts=5),
        pod("newer-unready", ready=False, created="2024-01-01T00:00:10Z"),
    ]
    assert names(scaling.deletion_order(pods)) == [
        "unbound",
        "pending",
        "restarting",
        "newer-unready",
        "unready",
        "ready-recent",
        "ready-old",
    ]
    assert names(scaling.pods_to_delete(pods, 2)) == ["unbound", "pending"]
    assert scaling.pods_to_delete(pods, -1) == []


def test_status_counts_ready_available_and_fully_labelled() -> None:
    rs = replicaset("web-a", 3)
    rs["spec"]["minReadySeconds"] = 20
    pods = [
        pod("a", ready_since="2024-01-01T00:00:00Z", labels={"app": "web", "pod-template-hash": "web-a"}),
        pod("b", ready_since="2024-01-01T00:00:25Z", labels={"app": "web", "pod-template-hash": "web-a"}),
        pod("c", ready=False),
    ]
    status = scaling.replicaset_status(rs, pods, NOW)
    assert status == {
        "replicas": 3,
        "fullyLabeledReplicas": 2,
        "readyReplicas": 2,
        "availableReplicas": 1,
        "observedGeneration": 1,
    }
    # b becomes available 20 s after 00:00:25, i.e. in 15 s
    assert abs(scaling.next_availability_check(rs, pods, NOW) - 15.05) < 0.01  # type: ignore[operator]


def test_fnv32a_known_values_and_safe_encoding() -> None:
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert set(safe_encode("0123456789")) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_template_hash_is_stable_and_order_independent() -> None:
    a = {"metadata": {"labels": {"x": "1", "y": "2"}}, "spec": {"containers": [{"name": "c"}]}}
    b = {"spec": {"containers": [{"name": "c"}]}, "metadata": {"labels": {"y": "2", "x": "1"}}}
    assert template_hash(a) == template_hash(b)
    assert template_hash(a) != template_hash(a, 1)
    assert template_hash(a) != template_hash({**a, "spec": {"containers": [{"name": "d"}]}})
