from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubelite.kubelet.controllers import ordinals
from kubelite.kubelet.controllers.revisions import REVISION_LABEL
from tests.unit.kubelet.workloads import pod

NOW = datetime(2024, 1, 1, 1, tzinfo=UTC)


def statefulset(replicas: int = 3, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "default", "uid": "s-1", "generation": 2},
        "spec": {
            "replicas": replicas,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "c", "image": "v1"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}],
            **spec,
        },
        "status": {},
    }


def member(
    sts: dict[str, Any], ordinal: int, *, ready: bool = True, revision: str | None = None, **kw: Any
) -> dict[str, Any]:
    p = pod(f"db-{ordinal}", ready=ready, labels={"app": "db"}, **kw)
    p["metadata"]["labels"][REVISION_LABEL] = revision or ordinals.update_revision(sts)
    return p


def test_ordered_ready_creates_one_at_a_time_after_the_lower_ones_are_ready() -> None:
    sts = statefulset()
    assert ordinals.plan(sts, [], NOW).create == [0]
    assert ordinals.plan(sts, [member(sts, 0, ready=False)], NOW).create == []
    assert ordinals.plan(sts, [member(sts, 0)], NOW).create == [1]


def test_parallel_creates_all_at_once() -> None:
    sts = statefulset(podManagementPolicy="Parallel")
    assert ordinals.plan(sts, [member(sts, 1, ready=False)], NOW).create == [0, 2]


def test_scale_down_from_the_highest_ordinal_one_at_a_time() -> None:
    sts = statefulset(1)
    pods = [member(sts, i) for i in range(3)]
    assert [p["metadata"]["name"] for p in ordinals.plan(sts, pods, NOW).delete] == ["db-2"]
    pods[2]["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    step = ordinals.plan(sts, pods, NOW)
    assert step.delete == []
    assert "db-2" in step.waiting


def test_rolling_update_goes_down_from_the_top_and_respects_the_partition() -> None:
    sts = statefulset(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}})
    pods = [member(sts, i, revision="db-old") for i in range(3)]
    assert [p["metadata"]["name"] for p in ordinals.plan(sts, pods, NOW).delete] == ["db-2"]
    pods[2] = member(sts, 2)
    assert [p["metadata"]["name"] for p in ordinals.plan(sts, pods, NOW).delete] == ["db-1"]
    pods[1] = member(sts, 1)
    assert ordinals.plan(sts, pods, NOW).delete == []  # db-0 is below the partition


def test_on_delete_never_deletes() -> None:
    sts = statefulset(updateStrategy={"type": "OnDelete"})
    pods = [member(sts, i, revision="db-old") for i in range(3)]
    assert ordinals.plan(sts, pods, NOW).delete == []


def test_identity_claims_and_volumes() -> None:
    sts = statefulset(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete", "whenScaled": "Retain"})
    labels, identity = ordinals.pod_identity(sts, 2, "db-abc")
    assert labels == {
        "statefulset.kubernetes.io/pod-name": "db-2",
        "apps.kubernetes.io/pod-index": "2",
        "controller-revision-hash": "db-abc",
    }
    assert identity == {"hostname": "db-2", "subdomain": "db"}
    (claim,) = ordinals.new_claims(sts, 2)
    assert claim["metadata"]["name"] == "data-db-2"
    assert claim["metadata"]["labels"] == {"app": "db"}
    assert claim["metadata"]["ownerReferences"][0]["uid"] == "s-1"
    spec = ordinals.with_claim_volumes(sts, 2, {"volumes": [{"name": "data", "emptyDir": {}}]})
    assert spec["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-2"}}]
    assert "ownerReferences" not in ordinals.new_claims(statefulset(), 0)[0]["metadata"]


def test_claims_of_scaled_away_ordinals_go_only_when_asked() -> None:
    claims = [{"metadata": {"name": f"data-db-{i}"}} for i in range(3)]
    kept = statefulset(1)
    assert ordinals.claims_to_delete(kept, [], claims) == []
    sts = statefulset(1, persistentVolumeClaimRetentionPolicy={"whenScaled": "Delete"})
    pods = [member(sts, 0), member(sts, 2)]
    assert [c["metadata"]["name"] for c in ordinals.claims_to_delete(sts, pods, claims)] == ["data-db-1"]


def test_status_moves_current_revision_when_the_update_completes() -> None:
    sts = statefulset(2)
    sts["status"] = {"currentRevision": "db-old"}
    pods = [member(sts, 0, revision="db-old"), member(sts, 1)]
    status = ordinals.statefulset_status(sts, pods, NOW)
    assert (status["currentRevision"], status["currentReplicas"], status["updatedReplicas"]) == ("db-old", 1, 1)
    pods[0] = member(sts, 0)
    status = ordinals.statefulset_status(sts, pods, NOW)
    assert status["currentRevision"] == status["updateRevision"] == ordinals.update_revision(sts)
    assert (status["replicas"], status["readyReplicas"], status["currentReplicas"], status["observedGeneration"]) == (
        2,
        2,
        2,
        2,
    )
