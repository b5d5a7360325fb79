"""Removing everything of a shoot, in the order Compute's dependencies demand.

Nothing here trusts the state an earlier reconcile recorded: instances are listed by the shoot's cluster label in
every zone (``aggregatedList``), and the network's parts are deleted by the names the builder gives them (404 counts
as gone), so a reconcile that crashed before recording anything is cleaned up all the same. The order: instances
(orphans a failed Worker deletion left; their boot disks go with them), our NAT entry on an adopted router or our own
router, the firewall rules, the subnetworks, the network. An adopted network, router or reserved address is left
alone. Where Compute still refuses (``resourceInUseByAnotherResource``: an instance still leaving a subnetwork), the
step is repeated until the settle timeout, then ends ``ERR_RETRYABLE_INFRA_DEPENDENCIES``.
"""

from __future__ import annotations

from functools import partial

from google.cloud import compute_v1

from providers.gcp import names
from providers.gcp.clients import REQUEST_TIMEOUT
from providers.gcp.compute import Compute, found
from providers.gcp.config import InfrastructureConfig
from providers.gcp.operations import basename


def cluster_instances(compute: Compute, technical_id: str) -> list[compute_v1.Instance]:
    """Every instance carrying the shoot's cluster label, in any zone (all pages)."""
    pages = compute.clients.instances.aggregated_list(
        request=compute_v1.AggregatedListInstancesRequest(
            project=compute.project, filter=names.cluster_filter(technical_id), max_results=500
        ),
        retry=None,
        timeout=REQUEST_TIMEOUT,
    )
    return [instance for _, scoped in pages for instance in scoped.instances]


class Teardown:
    def __init__(self, compute: Compute, technical_id: str, region: str) -> None:
        self.compute = compute
        self.clients = compute.clients
        self.project = compute.project
        self.id = technical_id
        self.region = region

    def instances(self) -> None:
        found_instances = self.compute.calls.run(
            "listing the shoot's instances", lambda: cluster_instances(self.compute, self.id)
        )
        for instance in found_instances:
            zone, name = basename(instance.zone), instance.name
            self.compute.remove(
                f"deleting instance {name}",
                partial(
                    self.clients.instances.delete_unary,
                    project=self.project,
                    zone=zone,
                    instance=name,
                    retry=None,
                    timeout=REQUEST_TIMEOUT,
                ),
            )

    def nat(self, adopted_router: str | None) -> None:
        if adopted_router is None:
            self.compute.remove(
                "deleting the cloud router",
                lambda: self.clients.routers.delete_unary(
                    project=self.project,
                    region=self.region,
                    router=names.router(self.id),
                    retry=None,
                    timeout=REQUEST_TIMEOUT,
                ),
            )
            return
        ours = names.nat(self.id)

        def step() -> None:
            router = found(
                lambda: self.clients.routers.get(
                    project=self.project, region=self.region, router=adopted_router, retry=None, timeout=REQUEST_TIMEOUT
                )
            )
            if router is None or not any(n.name == ours for n in router.nats):
                return
            # NB: a PATCH cannot remove the last NAT (proto3 JSON leaves an empty list out); PUT the whole router.
            kept = compute_v1.Router(router)
            del kept.nats[:]
            kept.nats.extend(n for n in router.nats if n.name != ours)
            operation = self.clients.routers.update_unary(
                project=self.project,
                region=self.region,
                router=adopted_router,
                router_resource=kept,
                retry=None,
                timeout=REQUEST_TIMEOUT,
            )
            self.compute.operations.wait(operation, "removing the cloud NAT")

        self.compute.calls.run(f"removing the cloud NAT from router {adopted_router}", step)

    def firewalls(self) -> None:
        for name in (names.firewall_internal(self.id), names.firewall_health_checks(self.id)):
            self.compute.remove(
                f"deleting firewall rule {name}",
                partial(
                    self.clients.firewalls.delete_unary,
                    project=self.project,
                    firewall=name,
                    retry=None,
                    timeout=REQUEST_TIMEOUT,
                ),
            )

    def subnets(self) -> None:
        for name in (names.internal_subnet(self.id), names.nodes_subnet(self.id)):
            self.compute.remove(
                f"deleting subnetwork {name}",
                partial(
                    self.clients.subnetworks.delete_unary,
                    project=self.project,
                    region=self.region,
                    subnetwork=name,
                    retry=None,
                    timeout=REQUEST_TIMEOUT,
                ),
            )

    def network(self) -> None:
        name = names.network(self.id)
        self.compute.remove(
            "deleting the network",
            lambda: self.clients.networks.delete_unary(
                project=self.project, network=name, retry=None, timeout=REQUEST_TIMEOUT
            ),
        )

    def all(self, config: InfrastructureConfig | None) -> None:
        vpc = config.networks.vpc if config else None
        self.instances()
        self.nat(vpc.cloud_router.name if vpc and vpc.cloud_router else None)
        self.firewalls()
        self.subnets()
        if vpc is None or vpc.name != names.network(self.id):
            self.network()


__all__ = ["Teardown", "cluster_instances"]
