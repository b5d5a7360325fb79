"""The shoot's flows as task graphs: reconcile (awake), reconcile (hibernated) and delete.

Each task calls one coroutine of the :class:`~gardenlet.botanist.botanist.Botanist` by name, so the graphs can be
built, inspected and run without a cluster (the unit tests run them with a recording stand-in). Which tasks are
skipped comes from the :class:`~gardenlet.botanist.plan.Plan`, decided once per run. Waking up is the awake
reconcile of a hibernated shoot: deploying values with replicas scales everything up again, etcd first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gardenlet.botanist.plan import Plan
from gardenlet.flow import Flow, Graph, Task, TaskID
from gardenlet.flow.task import TaskFn

RECONCILE = "Shoot cluster reconciliation"
HIBERNATE = "Shoot cluster hibernation"
DELETE = "Shoot cluster deletion"


def _call(method: str) -> TaskFn[Any]:
    async def call(botanist: Any) -> None:
        await getattr(botanist, method)()

    call.__name__ = method
    return call


class _Builder:
    def __init__(self, name: str) -> None:
        self.graph: Graph[Any] = Graph(name)
        #: Task name -> the Botanist method it calls (for tests and the benchmark's report).
        self.methods: dict[TaskID, str] = {}

    def add(self, name: str, method: str, after: Iterable[TaskID] = (), skip: bool = False) -> TaskID:
        self.methods[name] = method
        return self.graph.add(Task(name, _call(method), dependencies=after, skip_if=skip))

    def compile(self) -> Flow[Any]:
        return self.graph.compile()


def _common(b: _Builder) -> dict[str, TaskID]:
    """What every reconcile starts with: namespace, credentials, Cluster, endpoint, secrets, infrastructure."""
    namespace = b.add("Deploying the shoot namespace", "deploy_namespace")
    cluster = b.add("Deploying the Cluster resource", "deploy_cluster")
    credentials = b.add("Deploying the cloud provider secret", "deploy_cloudprovider_secret", [namespace])
    service = b.add("Deploying the kube-apiserver service", "deploy_kube_apiserver_service", [namespace])
    secrets = b.add("Deploying the control plane secrets", "deploy_secrets", [service])
    access = b.add("Deploying the shoot access secret", "deploy_shoot_access_secret", [secrets])
    ca = b.add("Publishing the CA secrets in the garden", "publish_ca_secrets", [secrets])
    addresses = b.add("Publishing the advertised addresses", "publish_advertised_addresses", [service])
    infrastructure = b.add("Deploying the Infrastructure", "deploy_infrastructure", [cluster, credentials])
    return {
        "namespace": namespace,
        "cluster": cluster,
        "credentials": credentials,
        "service": service,
        "secrets": secrets,
        "access": access,
        "ca": ca,
        "addresses": addresses,
        "infrastructure": infrastructure,
    }


def reconcile(plan: Plan) -> Flow[Any]:
    """The awake reconcile (also the wake-up); a hibernated plan gets :func:`hibernate` instead."""
    if plan.hibernated:
        return hibernate(plan)
    b = _Builder(RECONCILE)
    t = _common(b)
    etcd = b.add("Deploying etcd", "deploy_etcd", [t["secrets"]], skip=not plan.etcd)
    apiserver = b.add("Deploying the kube-apiserver", "deploy_kube_apiserver", [t["secrets"], etcd])
    dns = b.add(
        "Deploying the external DNS record",
        "deploy_dns_record",
        [t["service"], t["credentials"], t["cluster"]],
        skip=not plan.dns,
    )
    kcm = b.add(
        "Deploying the kube-controller-manager",
        "deploy_kube_controller_manager",
        [apiserver],
        skip=not plan.kube_controllers,
    )
    scheduler = b.add(
        "Deploying the kube-scheduler", "deploy_kube_scheduler", [apiserver], skip=not plan.kube_controllers
    )
    mcm = b.add(
        "Deploying the machine-controller-manager",
        "deploy_machine_controller",
        [apiserver, t["access"]],
        skip=not plan.machine_controller,
    )
    osc = b.add(
        "Deploying the operating system configs",
        "deploy_operating_system_configs",
        [apiserver, t["access"], t["cluster"], t["credentials"]],
        skip=not plan.workers,
    )
    nodes_rbac = b.add("Granting machines access as nodes", "deploy_node_access", [apiserver], skip=not plan.workers)
    worker = b.add(
        "Deploying the Worker", "deploy_worker", [t["infrastructure"], osc, mcm, nodes_rbac], skip=not plan.workers
    )
    nodes = b.add("Waiting until the shoot's nodes are ready", "wait_for_nodes", [worker, kcm], skip=not plan.workers)
    system = b.add(
        "Deploying the system components into the shoot",
        "deploy_system_components",
        [apiserver, kcm, scheduler, nodes],
        skip=not plan.system_components,
    )
    b.add(
        "Cleaning up unused secrets",
        "cleanup_secrets",
        [t["access"], t["ca"], t["addresses"], apiserver, dns, kcm, scheduler, mcm, worker, system],
    )
    return b.compile()


def hibernate(plan: Plan) -> Flow[Any]:
    """Workers to 0 machines first (their nodes drain through the running API server), then the controllers,
    the kube-apiserver and etcd to 0 replicas. Claims stay, so etcd's (or SQLite's) data is there on wake-up."""
    b = _Builder(HIBERNATE)
    t = _common(b)
    worker = b.add(
        "Scaling the Worker to zero machines",
        "hibernate_worker",
        [t["infrastructure"], t["access"]],
        skip=not plan.workers,
    )
    controllers = b.add(
        "Scaling the controllers down",
        "hibernate_kube_controllers",
        [worker, t["secrets"]],
        skip=not (plan.kube_controllers or plan.machine_controller),
    )
    apiserver = b.add("Scaling the kube-apiserver down", "hibernate_kube_apiserver", [worker, controllers])
    b.add("Scaling etcd down", "hibernate_etcd", [apiserver], skip=not plan.etcd)
    return b.compile()


def delete(plan: Plan) -> Flow[Any]:
    """The reverse: the cloud is emptied (Worker, then Infrastructure and DNS) before the seed namespace goes;
    the Cluster and the CA secrets in the garden go last."""
    b = _Builder(DELETE)
    prepare = b.add("Preparing the deletion", "prepare_deletion")
    worker = b.add("Deleting the Worker", "delete_worker", [prepare])
    osc = b.add("Deleting the operating system configs", "delete_operating_system_configs", [worker])
    dns = b.add("Deleting the external DNS record", "delete_dns_record", [prepare])
    infrastructure = b.add("Deleting the Infrastructure", "delete_infrastructure", [worker])
    controllers = b.add("Destroying the controllers", "destroy_kube_controllers", [worker])
    apiserver = b.add(
        "Destroying the kube-apiserver", "destroy_kube_apiserver", [osc, dns, infrastructure, controllers]
    )
    etcd = b.add("Destroying etcd", "destroy_etcd", [apiserver], skip=not plan.etcd)
    namespace = b.add("Deleting the shoot namespace", "delete_namespace", [etcd])
    b.add("Deleting the Cluster resource", "delete_cluster", [namespace])
    b.add("Deleting the CA secrets in the garden", "delete_garden_secrets", [namespace])
    return b.compile()


def methods(flow: Flow[Any]) -> dict[TaskID, str]:
    """Task name -> the Botanist method it calls."""
    return {name: task.fn.__name__ for name, task in flow.tasks.items()}


__all__ = ["DELETE", "HIBERNATE", "RECONCILE", "delete", "hibernate", "methods", "reconcile"]
