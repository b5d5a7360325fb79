"""ControllerRevision history: the update revision reused, renumbered or created, collisions, pruning, and which
revision a recreated StatefulSet pod gets."""

from __future__ import annotations

import copy
from typing import Any

from kubelite.kubelet.controllers import ordinals, revisions
from tests.unit.kubelet.test_controllers_ordinals import statefulset


def with_image(sts: dict[str, Any], image: str) -> dict[str, Any]:
    changed = copy.deepcopy(sts)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return changed


def saved(sts: dict[str, Any], number: int) -> dict[str, Any]:
    revision = revisions.new_revision(sts, number)
    revision["metadata"]["uid"] = f"rev-{number}"
    return revision


def test_a_new_template_is_a_new_revision_numbered_after_the_last() -> None:
    v1 = statefulset()
    plan = revisions.plan(v1, [])
    assert plan.create is not None and plan.create["revision"] == 1
    assert plan.create["metadata"]["name"] == ordinals.update_revision(v1)
    assert plan.create["metadata"]["labels"]["app"] == "db"
    assert revisions.template_of(plan.create) == v1["spec"]["template"]
    assert plan.create["data"]["spec"]["template"]["$patch"] == "replace"
    v2 = with_image(v1, "v2")
    plan = revisions.plan(v2, [saved(v1, 1)])
    assert plan.create is not None and plan.create["revision"] == 2
    assert plan.update is None and not plan.collision


def test_an_equal_revision_is_reused_and_a_rollback_renumbers_it() -> None:
    v1, v2 = statefulset(), with_image(statefulset(), "v2")
    history = [saved(v1, 1), saved(v2, 2)]
    same = revisions.plan(v2, history)
    assert same.create is None and same.renumber is None
    assert same.update is history[1]
    back = revisions.plan(v1, history)
    assert back.update is history[0] and back.renumber == (history[0], 3)


def test_a_name_taken_by_another_template_is_a_collision() -> None:
    v1 = statefulset()
    impostor = saved(v1, 1)
    impostor["data"] = revisions.revision_data(with_image(v1, "other")["spec"]["template"])
    assert revisions.plan(v1, [impostor]).collision
    bumped = copy.deepcopy(v1)
    bumped["status"] = {"collisionCount": 1}
    assert revisions.revision_name(bumped) != revisions.revision_name(v1)


def test_the_current_revision_is_the_status_one_while_it_exists() -> None:
    v1, v2 = statefulset(), with_image(statefulset(), "v2")
    v2["status"] = {"currentRevision": ordinals.update_revision(v1)}
    history = [saved(v1, 1), saved(v2, 2)]
    plan = revisions.plan(v2, history)
    assert plan.current is history[0] and plan.update is history[1]
    v2["status"] = {"currentRevision": "gone"}
    assert revisions.plan(v2, history).current is history[1]


def test_history_beyond_the_limit_is_pruned_oldest_first_but_never_a_live_one() -> None:
    sets = [with_image(statefulset(revisionHistoryLimit=1), f"v{i}") for i in range(5)]
    history = [saved(s, i + 1) for i, s in enumerate(sets)]
    live = {history[0]["metadata"]["name"]}  # a pod still runs v0
    pruned = revisions.plan(sets[4], history, live).prune
    # v4 is the update revision, v0 is live; of v1..v3 one (the newest) stays.
    assert [r["metadata"]["name"] for r in pruned] == [history[1]["metadata"]["name"], history[2]["metadata"]["name"]]


def test_a_pod_below_the_partition_comes_back_at_the_current_revision() -> None:
    sts = statefulset(replicas=3, updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
    assert ordinals.revision_for(sts, 0, "cur", "upd") == "cur"
    assert ordinals.revision_for(sts, 1, "cur", "upd") == "cur"
    assert ordinals.revision_for(sts, 2, "cur", "upd") == "upd"
    on_delete = statefulset(updateStrategy={"type": "OnDelete"})
    assert ordinals.revision_for(on_delete, 0, "cur", "upd") == "upd"
    unpartitioned = statefulset(updateStrategy={"type": "RollingUpdate"})
    unpartitioned["status"] = {"currentReplicas": 1}
    assert ordinals.revision_for(unpartitioned, 0, "cur", "upd") == "cur"
    assert ordinals.revision_for(unpartitioned, 1, "cur", "upd") == "upd"
