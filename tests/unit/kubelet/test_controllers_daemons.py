"""DaemonSet decisions: which nodes run a daemon, manage, both rolling-update modes, and the status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kubelite.kubelet.controllers import daemons
from kubelite.kubelet.controllers.revisions import REVISION_LABEL
from tests.unit.kubelet.workloads import pod

NOW = datetime(2024, 1, 1, 1, tzinfo=UTC)
NEW, OLD = "new", "old"


def daemonset(surge: Any = 0, unavailable: Any = 1, **pod_spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "proxy", "namespace": "default", "uid": "ds-1", "generation": 2},
        "spec": {
            "selector": {"matchLabels": {"app": "proxy"}},
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
            },
            "template": {
                "metadata": {"labels": {"app": "proxy"}},
                "spec": {"containers": [{"name": "c", "image": "v2"}], **pod_spec},
            },
        },
    }


def node(name: str, *, labels: dict[str, str] | None = None, taints: list[dict[str, str]] | None = None) -> dict:  # type: ignore[type-arg]
    return {"metadata": {"name": name, "labels": labels or {}}, "spec": {"taints": taints or []}}


def member(name: str, on: str, revision: str, *, ready: bool = True, **kw: Any) -> dict[str, Any]:
    return pod(name, node=on, ready=ready, labels={"app": "proxy", REVISION_LABEL: revision}, **kw)


def test_placement_honours_selector_and_taints_but_tolerates_cordon_and_not_ready() -> None:
    ds = daemonset(nodeSelector={"role": "worker"})
    assert daemons.should_run(ds, node("a", labels={"role": "worker"}))
    assert not daemons.should_run(ds, node("b"))
    tainted = node("c", labels={"role": "worker"}, taints=[{"key": "dedicated", "value": "x", "effect": "NoSchedule"}])
    assert not daemons.should_run(ds, tainted)
    tolerant = daemonset(tolerations=[{"key": "dedicated", "operator": "Exists"}], nodeSelector={"role": "worker"})
    assert daemons.should_run(tolerant, tainted)
    cordoned = node("d", taints=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}])
    not_ready = node("e", taints=[{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}])
    assert daemons.should_run(daemonset(), cordoned) and daemons.should_run(daemonset(), not_ready)
    soft = node("f", taints=[{"key": "k", "effect": "PreferNoSchedule"}])
    assert daemons.should_run(daemonset(), soft)


def test_manage_creates_where_missing_deletes_extras_failed_and_misplaced() -> None:
    ds = daemonset(nodeSelector={"role": "worker"})
    nodes = [node("a", labels={"role": "worker"}), node("b", labels={"role": "worker"}), node("c")]
    by_node = {
        "a": [
            member("p1", "a", NEW, created="2024-01-01T00:00:00Z"),
            member("p2", "a", NEW, created="2024-01-01T00:01:00Z"),
        ],
        "c": [member("p3", "c", NEW)],
        "gone": [member("p4", "gone", NEW)],
    }
    step = daemons.manage(ds, nodes, by_node, NEW)
    assert step.create == ["b"]
    assert sorted(p["metadata"]["name"] for p in step.delete) == ["p2", "p3", "p4"]  # the oldest on a stays
    failed = daemons.manage(ds, nodes[:1], {"a": [member("p5", "a", NEW, phase="Failed")]}, NEW)
    assert [p["metadata"]["name"] for p in failed.delete] == ["p5"] and failed.create == ["a"]


def test_manage_waits_for_a_terminating_pod_before_replacing_it() -> None:
    going = member("p1", "a", OLD)
    going["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    assert daemons.manage(daemonset(), [node("a")], {"a": [going]}, NEW).create == []


def test_rolling_update_without_surge_deletes_at_most_max_unavailable() -> None:
    nodes = [node(n) for n in "abcd"]
    by_node = {n: [member(f"p-{n}", n, OLD)] for n in "abcd"}
    step = daemons.rolling_update(daemonset(unavailable=2), nodes, by_node, NEW, NOW)
    assert [p["metadata"]["name"] for p in step.delete] == ["p-a", "p-b"]
    # One node already replaced but not yet available counts against the budget.
    by_node["a"] = [member("n-a", "a", NEW, ready=False)]
    step = daemons.rolling_update(daemonset(unavailable=2), nodes, by_node, NEW, NOW)
    assert [p["metadata"]["name"] for p in step.delete] == ["p-b"]
    # An old pod that is unavailable anyway goes regardless of the budget.
    by_node["c"] = [member("p-c", "c", OLD, ready=False)]
    step = daemons.rolling_update(daemonset(unavailable=1), nodes, by_node, NEW, NOW)
    assert [p["metadata"]["name"] for p in step.delete] == ["p-c"]


def test_rolling_update_with_surge_starts_new_beside_old_then_retires_old() -> None:
    nodes = [node(n) for n in "abc"]
    by_node = {n: [member(f"p-{n}", n, OLD)] for n in "abc"}
    step = daemons.rolling_update(daemonset(surge=1, unavailable=0), nodes, by_node, NEW, NOW)
    assert step.create == ["a"] and step.delete == []
    by_node["a"].append(member("n-a", "a", NEW, ready=False))
    step = daemons.rolling_update(daemonset(surge=1, unavailable=0), nodes, by_node, NEW, NOW)
    assert step.create == [] and step.delete == []  # the surge budget is used until n-a is available
    by_node["a"][1] = member("n-a", "a", NEW)
    step = daemons.rolling_update(daemonset(surge=1, unavailable=0), nodes, by_node, NEW, NOW)
    assert [p["metadata"]["name"] for p in step.delete] == ["p-a"] and step.create == ["b"]
    # manage keeps both pods of a surging node.
    assert daemons.manage(daemonset(surge=1, unavailable=0), nodes, by_node, NEW).delete == []


@pytest.mark.parametrize(
    ("surge", "unavailable", "expected"),
    [(0, 0, (0, 1)), ("25%", "10%", (1, 1)), ("50%", 0, (2, 0)), (None, None, (0, 1))],
    ids=["both-zero-means-one-unavailable", "percent-rounds-up", "surge-only", "defaults"],
)
def test_surge_and_unavailable(surge: Any, unavailable: Any, expected: tuple[int, int]) -> None:
    ds = daemonset(surge, unavailable)
    rolling = ds["spec"]["updateStrategy"]["rollingUpdate"]
    for key, value in (("maxSurge", surge), ("maxUnavailable", unavailable)):
        if value is None:
            del rolling[key]
    assert daemons.surge_and_unavailable(ds, 4) == expected


def test_a_bad_percentage_is_an_error() -> None:
    with pytest.raises(daemons.InvalidStrategy):
        daemons.surge_and_unavailable(daemonset(unavailable="lots"), 3)


def test_status_counts() -> None:
    ds = daemonset(nodeSelector={"role": "worker"})
    nodes = [node("a", labels={"role": "worker"}), node("b", labels={"role": "worker"}), node("c")]
    by_node = {
        "a": [member("p-a", "a", NEW)],
        "b": [member("p-b", "b", OLD, ready=False)],
        "c": [member("p-c", "c", NEW)],
    }
    status = daemons.daemonset_status(ds, nodes, by_node, NEW, NOW)
    assert status == {
        "observedGeneration": 2,
        "desiredNumberScheduled": 2,
        "currentNumberScheduled": 2,
        "numberMisscheduled": 1,
        "numberReady": 1,
        "numberAvailable": 1,
        "numberUnavailable": 1,
        "updatedNumberScheduled": 1,
    }


def test_a_daemon_pod_is_placed_by_node_name_with_the_revision_and_tolerations() -> None:
    ds = daemonset()
    made = daemons.daemon_pod(ds, ds["spec"]["template"], "a", "abc")
    assert made["spec"]["nodeName"] == "a"
    assert made["metadata"]["labels"][REVISION_LABEL] == "abc"
    assert made["metadata"]["labels"][daemons.TEMPLATE_GENERATION_LABEL] == "2"
    assert len(made["spec"]["tolerations"]) == len(daemons.DAEMON_TOLERATIONS)
    assert "tolerations" not in ds["spec"]["template"]["spec"]  # the template itself is untouched
