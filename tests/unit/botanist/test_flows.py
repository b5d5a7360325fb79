"""The shoot flows' graphs: which tasks, in which order, what waits for what, and what a plan skips."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from gardenlet.botanist import flows
from gardenlet.botanist.botanist import Botanist
from gardenlet.botanist.plan import Plan
from gardenlet.flow import Flow

EMBEDDED = Plan(embedded_control_plane=True)
REAL_SEED = Plan(embedded_control_plane=False, seed_wide_machine_controller=False, dns=True)


class Recorder:
    """Stands in for the Botanist: records the methods the flow calls, in call order."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, method: str) -> Any:
        async def call() -> None:
            self.calls.append(method)
            await asyncio.sleep(0)

        return call


def run(flow: Flow[Any]) -> tuple[list[str], Any]:
    recorder = Recorder()
    stats = asyncio.run(flow.run(recorder))
    return recorder.calls, stats


def depends_on(flow: Flow[Any], task: str, other: str) -> bool:
    """``task`` waits for ``other``, directly or through other tasks."""
    stack, seen = list(flow.tasks[task].dependencies), set()
    while stack:
        current = stack.pop()
        if current == other:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(flow.tasks[current].dependencies)
    return False


@pytest.mark.parametrize(
    "flow",
    [flows.reconcile(EMBEDDED), flows.reconcile(REAL_SEED), flows.hibernate(EMBEDDED), flows.delete(REAL_SEED)],
    ids=["reconcile-embedded", "reconcile-real-seed", "hibernate", "delete"],
)
def test_every_task_calls_a_botanist_coroutine(flow: Flow[Any]) -> None:
    for name, method in flows.methods(flow).items():
        assert asyncio.iscoroutinefunction(getattr(Botanist, method, None)), f"{name}: Botanist.{method}"


def test_reconcile_orders_the_control_plane_like_gardener() -> None:
    flow = flows.reconcile(REAL_SEED)
    order = [
        "Deploying the shoot namespace",
        "Deploying the kube-apiserver service",
        "Deploying the control plane secrets",
        "Deploying etcd",
        "Deploying the kube-apiserver",
        "Deploying the kube-controller-manager",
        "Waiting until the shoot's nodes are ready",
        "Deploying the system components into the shoot",
        "Cleaning up unused secrets",
    ]
    for earlier, later in itertools.pairwise(order):
        assert depends_on(flow, later, earlier), f"{later!r} must wait for {earlier!r}"
    # The Worker needs the infrastructure, its user data and (when per shoot) the machine controller.
    for dependency in (
        "Deploying the Infrastructure",
        "Deploying the operating system configs",
        "Deploying the machine-controller-manager",
        "Deploying the shoot access secret",
    ):
        assert depends_on(flow, "Deploying the Worker", dependency)
    # The DNS record needs the load balancer address, not the running API server: it goes in parallel.
    assert depends_on(flow, "Deploying the external DNS record", "Deploying the kube-apiserver service")
    assert not depends_on(flow, "Deploying the external DNS record", "Deploying the kube-apiserver")
    assert not depends_on(flow, "Deploying the Infrastructure", "Deploying etcd")


def test_embedded_plan_skips_etcd_and_the_kube_controllers() -> None:
    calls, stats = run(flows.reconcile(EMBEDDED))
    assert set(stats.skipped) == {
        "Deploying etcd",
        "Deploying the external DNS record",
        "Deploying the kube-controller-manager",
        "Deploying the kube-scheduler",
        "Deploying the machine-controller-manager",
        "Deploying the system components into the shoot",
    }
    assert stats.progress == 100
    assert calls.index("deploy_kube_apiserver_service") < calls.index("deploy_secrets")
    assert calls.index("deploy_secrets") < calls.index("deploy_kube_apiserver") < calls.index("deploy_worker")
    assert calls.index("deploy_worker") < calls.index("wait_for_nodes")
    assert calls[-1] == "cleanup_secrets"


def test_real_seed_plan_runs_everything() -> None:
    calls, stats = run(flows.reconcile(REAL_SEED))
    assert stats.skipped == ()
    assert calls.index("deploy_etcd") < calls.index("deploy_kube_apiserver")
    assert "deploy_machine_controller" in calls and "deploy_dns_record" in calls


def test_a_plan_without_workers_skips_the_machines() -> None:
    _, stats = run(flows.reconcile(Plan(embedded_control_plane=True, workers=False)))
    assert {"Deploying the Worker", "Waiting until the shoot's nodes are ready"} <= set(stats.skipped)


def test_a_hibernated_plan_gets_the_hibernation_flow() -> None:
    flow = flows.reconcile(Plan(hibernated=True, embedded_control_plane=False, seed_wide_machine_controller=False))
    assert flow.name == flows.HIBERNATE
    # Workers first (their nodes drain through the running API server), then controllers, API server, etcd.
    assert depends_on(flow, "Scaling the controllers down", "Scaling the Worker to zero machines")
    assert depends_on(flow, "Scaling the kube-apiserver down", "Scaling the controllers down")
    assert depends_on(flow, "Scaling etcd down", "Scaling the kube-apiserver down")
    calls, stats = run(flow)
    assert stats.skipped == ()
    assert calls.index("hibernate_worker") < calls.index("hibernate_kube_apiserver") < calls.index("hibernate_etcd")
    assert "deploy_worker" not in calls and "deploy_operating_system_configs" not in calls


def test_embedded_hibernation_skips_etcd_and_controllers() -> None:
    _, stats = run(flows.hibernate(Plan(hibernated=True, embedded_control_plane=True)))
    assert set(stats.skipped) == {"Scaling the controllers down", "Scaling etcd down"}


def test_delete_empties_the_cloud_before_the_namespace_goes() -> None:
    flow = flows.delete(REAL_SEED)
    namespace = "Deleting the shoot namespace"
    for cloud in ("Deleting the Worker", "Deleting the Infrastructure", "Deleting the external DNS record"):
        assert depends_on(flow, namespace, cloud)
    assert depends_on(flow, "Deleting the Infrastructure", "Deleting the Worker")
    assert depends_on(flow, "Deleting the operating system configs", "Deleting the Worker")
    assert depends_on(flow, "Destroying the kube-apiserver", "Deleting the operating system configs")
    for last in ("Deleting the Cluster resource", "Deleting the CA secrets in the garden"):
        assert depends_on(flow, last, namespace)
    calls, _ = run(flow)
    assert calls[0] == "prepare_deletion"
    assert calls.index("delete_namespace") > calls.index("delete_infrastructure")


def test_embedded_delete_skips_etcd() -> None:
    _, stats = run(flows.delete(EMBEDDED))
    assert stats.skipped == ("Destroying etcd",)
