from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubelite.kubelet.controllers import rollout
from tests.unit.kubelet.workloads import deployment, replicaset

NOW = datetime(2024, 1, 1, 0, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [
        pytest.param(10, "25%", "25%", (3, 2), id="percent-rounds-surge-up-unavailable-down"),
        pytest.param(3, "25%", "25%", (1, 0), id="small"),
        pytest.param(1, "10%", "10%", (1, 0), id="tiny"),
        pytest.param(4, 2, 1, (2, 1), id="ints"),
        pytest.param(4, "0%", "10%", (0, 1), id="both-round-to-zero-unavailable-one"),
    ],
)
def test_fenceposts(replicas: int, surge: object, unavailable: object, expected: tuple[int, int]) -> None:
    assert rollout.fenceposts(deployment(replicas, surge=surge, unavailable=unavailable)) == expected


@pytest.mark.parametrize(("surge", "unavailable"), [(0, 0), ("0%", 0), ("0", "0%")])
def test_both_zero_is_invalid(surge: object, unavailable: object) -> None:
    with pytest.raises(rollout.InvalidStrategy, match="may not be 0"):
        rollout.fenceposts(deployment(surge=surge, unavailable=unavailable))


def test_garbage_percentage_is_invalid() -> None:
    with pytest.raises(rollout.InvalidStrategy, match="neither an integer nor a percentage"):
        rollout.fenceposts(deployment(surge="lots"))


def test_recreate_has_no_fenceposts() -> None:
    d = deployment(strategy={"type": "Recreate"})
    assert rollout.max_surge(d) == 0
    assert rollout.max_unavailable(d) == 0


def test_new_replicaset_is_named_by_a_stable_hash_with_revision_and_owner() -> None:
    d = deployment()
    body = rollout.new_replicaset(d, [replicaset("web-old", 3, revision=4)])
    again = rollout.new_replicaset(d, [])
    assert body["metadata"]["name"] == again["metadata"]["name"]
    digest = body["metadata"]["name"].removeprefix("web-")
    assert body["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] == digest
    assert body["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": digest}
    assert body["metadata"]["annotations"][rollout.REVISION] == "5"
    assert body["metadata"]["ownerReferences"][0] | {} == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "web",
        "uid": "d-1",
        "controller": True,
        "blockOwnerDeletion": True,
    }
    # with 3 old replicas and maxSurge 1 of 3, the new one starts at 1
    assert body["spec"]["replicas"] == 1


def test_collision_count_changes_the_name() -> None:
    d = deployment()
    first = rollout.replicaset_name(d)[0]
    d["status"]["collisionCount"] = 1
    assert rollout.replicaset_name(d)[0] != first


def test_find_new_ignores_the_hash_label() -> None:
    d = deployment()
    old = replicaset("web-a", 3, image="v0")
    new = replicaset("web-b", 0, image="v1")
    assert rollout.split(d, [old, new]) == (new, [old])


def test_rolling_step_scales_new_up_within_surge() -> None:
    d = deployment(10)
    old = replicaset("web-a", 10, image="v0")
    new = replicaset("web-b", 0)
    assert rollout.new_target(d, [old, new], new) == 3


def test_rolling_step_scales_old_down_within_unavailable() -> None:
    d = deployment(10)
    old = replicaset("web-a", 10, image="v0")
    new = replicaset("web-b", 3, available=0)
    assert rollout.new_target(d, [old, new], new) is None
    # 13 pods, 8 must stay available, 3 new ones unavailable: 2 old ones may go
    assert rollout.old_targets(d, [old], new) == {"web-a": 8}


def test_unhealthy_old_replicas_go_first() -> None:
    d = deployment(4, surge=0, unavailable=1)
    old = replicaset("web-a", 4, available=2, image="v0")
    new = replicaset("web-b", 0)
    # 4 pods, 3 must stay available: the budget is 1, spent on an unhealthy one; 2 available < 3 keeps the rest
    assert rollout.old_targets(d, [old], new) == {"web-a": 3}


def test_scaling_event_goes_to_the_only_active_replicaset() -> None:
    d = deployment(5)
    rs = replicaset("web-a", 3, desired=3)
    assert rollout.is_scaling_event(d, [rs])
    assert rollout.scale_targets(d, rs, []) == {"web-a": 5}


def test_scaling_event_is_proportional_during_a_rollout() -> None:
    d = deployment(20, surge=3, unavailable=2)
    old = replicaset("web-a", 8, image="v0", desired=10, created="2024-01-01T00:00:00Z")
    old["metadata"]["annotations"][rollout.MAX_REPLICAS] = "13"
    new = replicaset("web-b", 5, desired=10, created="2024-01-01T00:01:00Z")
    new["metadata"]["annotations"][rollout.MAX_REPLICAS] = "13"
    targets = rollout.scale_targets(d, new, [old])
    assert sum(targets.values()) == 23  # replicas + maxSurge
    assert targets["web-a"] > targets["web-b"]


def test_scale_to_zero() -> None:
    d = deployment(0)
    rs = replicaset("web-a", 3, desired=3)
    assert rollout.scale_targets(d, rs, []) == {"web-a": 0}


def test_cleanup_keeps_the_history_limit_and_only_empty_sets() -> None:
    d = deployment(revisionHistoryLimit=1)
    olds = [replicaset(f"web-{i}", 0, revision=i) for i in range(1, 4)]
    olds.append(replicaset("web-busy", 1, revision=0))
    assert [rs["metadata"]["name"] for rs in rollout.replicasets_to_clean(d, olds)] == ["web-1", "web-2"]


def test_status_counts_and_available_condition() -> None:
    d = deployment(3)
    old = replicaset("web-a", 1, image="v0")
    new = replicaset("web-b", 3, available=1)
    status = rollout.calculate_status(d, [old, new], new, NOW)
    assert {k: status[k] for k in ("replicas", "updatedReplicas", "availableReplicas", "unavailableReplicas")} == {
        "replicas": 4,
        "updatedReplicas": 3,
        "availableReplicas": 2,
        "unavailableReplicas": 2,
    }
    # maxUnavailable 25% of 3 rounds down to 0: all 3 must be available
    available = next(c for c in status["conditions"] if c["type"] == "Available")
    assert (available["status"], available["reason"]) == ("False", "MinimumReplicasUnavailable")
    d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 1
    status = rollout.calculate_status(d, [old, new], new, NOW)
    available = next(c for c in status["conditions"] if c["type"] == "Available")
    assert (available["status"], available["reason"]) == ("True", "MinimumReplicasAvailable")


def test_progressing_reasons_and_deadline() -> None:
    d = deployment(3)
    new = replicaset("web-b", 3, available=3)
    done = rollout.rollout_status(d, rollout.calculate_status(d, [new], new, NOW), new, NOW)
    progressing = next(c for c in done["conditions"] if c["type"] == "Progressing")
    assert progressing["reason"] == "NewReplicaSetAvailable"

    stuck = deployment(3)
    stuck["status"] = {
        "replicas": 3,
        "updatedReplicas": 1,
        "availableReplicas": 2,
        "readyReplicas": 2,
        "conditions": [
            {
                "type": "Progressing",
                "status": "True",
                "reason": "ReplicaSetUpdated",
                "lastUpdateTime": "2024-01-01T00:00:00Z",
                "lastTransitionTime": "2024-01-01T00:00:00Z",
            }
        ],
    }
    old = replicaset("web-a", 2, image="v0")
    new = replicaset("web-b", 1, available=0)
    later = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=601)
    status = rollout.rollout_status(stuck, rollout.calculate_status(stuck, [old, new], new, later), new, later)
    progressing = next(c for c in status["conditions"] if c["type"] == "Progressing")
    assert (progressing["status"], progressing["reason"]) == ("False", "ProgressDeadlineExceeded")
    earlier = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=100)
    assert rollout.seconds_until_deadline(stuck, earlier) == pytest.approx(501)


def test_pause_and_resume_conditions() -> None:
    d = deployment(paused=True)
    paused = rollout.paused_conditions(d, NOW)
    assert paused is not None
    assert paused[-1]["reason"] == "DeploymentPaused"
    d["status"]["conditions"] = paused
    assert rollout.paused_conditions(d, NOW) is None
    d["spec"]["paused"] = False
    resumed = rollout.paused_conditions(d, NOW)
    assert resumed is not None
    assert resumed[-1]["reason"] == "DeploymentResumed"
