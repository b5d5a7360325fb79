"""The shoot's network on Compute Engine, made step by step in dependency order, each step found-or-created by name.

The layout is Gardener's: a VPC network in custom-subnet mode (unless an existing one is adopted), the nodes'
subnetwork ``<id>-nodes`` on ``networks.workers`` (with flow logs when asked) and an optional ``<id>-internal``
subnetwork, two firewall rules (``<id>-allow-internal-access``: all traffic between nodes, pods and the internal
range; ``<id>-allow-health-checks``: Google's health checkers to the node ports), a Cloud Router
``<id>-cloud-router`` (or the adopted network's own, ``networks.vpc.cloudRouter``) and on it a Cloud NAT
``<id>-cloud-nat`` for the nodes' subnetwork, with automatically allocated addresses or the user's reserved ones
(``cloudNAT.natIPNames``). An adopted network, an adopted router and reserved addresses are used, never deleted; on an
adopted router only our NAT entry is ever added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from google.cloud import compute_v1

from garden.api.common import ErrorCode
from providers.gcp import names
from providers.gcp.clients import REQUEST_TIMEOUT
from providers.gcp.compute import Compute, found
from providers.gcp.config import CloudNAT, FlowLogs, InfrastructureConfig
from providers.interface import ProviderError

#: Where Google's load balancer health checks come from (documented by Google for firewall rules).
HEALTH_CHECK_RANGES = ("35.191.0.0/16", "130.211.0.0/22", "209.85.152.0/22", "209.85.204.0/22")
NODE_PORTS = "30000-32767"
INTERNAL_PROTOCOLS = ("tcp", "udp", "icmp", "ipip")


@dataclass(slots=True)
class NetworkResult:
    network: str
    network_link: str
    adopted: bool
    nodes_subnet: str
    nodes_cidr: str
    internal_subnet: str | None
    router: str
    router_adopted: bool
    nat: str
    nat_ips: list[str] = field(default_factory=list)
    firewalls: list[str] = field(default_factory=list)


def _as_dict(message: Any) -> dict[str, Any]:
    return dict(type(message).to_dict(message))


def _subset(want: dict[str, Any], have: dict[str, Any]) -> bool:
    """True when every field ``want`` sets has that value in ``have`` (lists compared as sets of their items)."""
    for key, value in want.items():
        current = have.get(key)
        if isinstance(value, list) and isinstance(current, list):
            if sorted(map(repr, value)) != sorted(map(repr, current)):
                return False
        elif current != value:
            return False
    return True


class NetworkBuilder:
    def __init__(self, compute: Compute, technical_id: str, region: str) -> None:
        self.compute = compute
        self.clients = compute.clients
        self.project = compute.project
        self.id = technical_id
        self.region = region

    # -- network -----------------------------------------------------------------------------------------------------

    def adopted_network(self, name: str) -> compute_v1.Network:
        def step() -> compute_v1.Network | None:
            return found(
                lambda: self.clients.networks.get(
                    project=self.project, network=name, retry=None, timeout=REQUEST_TIMEOUT
                )
            )

        network = self.compute.calls.run(f"reading network {name}", step)
        if network is None:
            raise ProviderError(
                f"networks.vpc.name: network {name} does not exist in project {self.project}",
                ErrorCode.CONFIGURATION_PROBLEM,
            )
        return network

    def created_network(self) -> compute_v1.Network:
        name = names.checked(names.network(self.id), "network name")
        body = compute_v1.Network(
            name=name,
            auto_create_subnetworks=False,
            routing_config=compute_v1.NetworkRoutingConfig(routing_mode="REGIONAL"),
            description=f"Network of shoot {self.id}",
        )
        return self.compute.ensure(
            "creating the network",
            lambda: self.clients.networks.get(project=self.project, network=name, retry=None, timeout=REQUEST_TIMEOUT),
            lambda: self.clients.networks.insert_unary(
                project=self.project, network_resource=body, retry=None, timeout=REQUEST_TIMEOUT
            ),
        )

    # -- subnetworks -------------------------------------------------------------------------------------------------

    def subnet(self, name: str, cidr: str, network_link: str, flow_logs: FlowLogs | None = None) -> str:
        body = compute_v1.Subnetwork(
            name=name,
            ip_cidr_range=cidr,
            network=network_link,
            region=self.region,
            private_ip_google_access=True,
            description=f"Subnetwork of shoot {self.id}",
        )
        if flow_logs is not None:
            log = compute_v1.SubnetworkLogConfig(enable=True)
            if flow_logs.aggregation_interval:
                log.aggregation_interval = flow_logs.aggregation_interval
            if flow_logs.flow_sampling is not None:
                log.flow_sampling = flow_logs.flow_sampling
            if flow_logs.metadata:
                log.metadata = flow_logs.metadata
            body.log_config = log
        subnet = self.compute.ensure(
            f"creating subnetwork {name}",
            lambda: self.clients.subnetworks.get(
                project=self.project, region=self.region, subnetwork=name, retry=None, timeout=REQUEST_TIMEOUT
            ),
            lambda: self.clients.subnetworks.insert_unary(
                project=self.project,
                region=self.region,
                subnetwork_resource=body,
                retry=None,
                timeout=REQUEST_TIMEOUT,
            ),
        )
        if subnet.ip_cidr_range != cidr:
            raise ProviderError(
                f"subnetwork {name} has range {subnet.ip_cidr_range}, the config asks for {cidr}; a subnetwork's "
                "range cannot change (delete the shoot's infrastructure first)",
                ErrorCode.CONFIGURATION_PROBLEM,
            )
        return str(subnet.self_link)

    # -- firewalls ---------------------------------------------------------------------------------------------------

    def firewall(self, name: str, network_link: str, sources: list[str], allowed: list[compute_v1.Allowed]) -> str:
        body = compute_v1.Firewall(
            name=name,
            network=network_link,
            direction="INGRESS",
            priority=1000,
            source_ranges=sources,
            allowed=allowed,
            description=f"Firewall rule of shoot {self.id}",
        )
        rule = self.compute.ensure(
            f"creating firewall rule {name}",
            lambda: self.clients.firewalls.get(
                project=self.project, firewall=name, retry=None, timeout=REQUEST_TIMEOUT
            ),
            lambda: self.clients.firewalls.insert_unary(
                project=self.project, firewall_resource=body, retry=None, timeout=REQUEST_TIMEOUT
            ),
        )
        want = {"source_ranges": sources, "allowed": [_as_dict(a) for a in allowed]}
        if not _subset(want, _as_dict(rule)):
            patch = compute_v1.Firewall(source_ranges=sources, allowed=allowed)
            self.compute.change(
                f"updating firewall rule {name}",
                lambda: self.clients.firewalls.patch_unary(
                    project=self.project, firewall=name, firewall_resource=patch, retry=None, timeout=REQUEST_TIMEOUT
                ),
            )
        return name

    def firewalls(self, network_link: str, internal_sources: list[str]) -> list[str]:
        internal = self.firewall(
            names.firewall_internal(self.id),
            network_link,
            internal_sources,
            [compute_v1.Allowed(I_p_protocol=protocol) for protocol in INTERNAL_PROTOCOLS],
        )
        health = self.firewall(
            names.firewall_health_checks(self.id),
            network_link,
            list(HEALTH_CHECK_RANGES),
            [compute_v1.Allowed(I_p_protocol=protocol, ports=[NODE_PORTS]) for protocol in ("tcp", "udp")],
        )
        return [internal, health]

    # -- router and NAT ----------------------------------------------------------------------------------------------

    def _get_router(self, name: str) -> compute_v1.Router:
        return self.clients.routers.get(
            project=self.project, region=self.region, router=name, retry=None, timeout=REQUEST_TIMEOUT
        )

    def router(self, network_link: str, adopted: str | None) -> str:
        if adopted:
            router = self.compute.calls.run(
                f"reading cloud router {adopted}", lambda: found(lambda: self._get_router(adopted))
            )
            if router is None:
                raise ProviderError(
                    f"networks.vpc.cloudRouter.name: router {adopted} does not exist in region {self.region}",
                    ErrorCode.CONFIGURATION_PROBLEM,
                )
            return adopted
        name = names.router(self.id)
        body = compute_v1.Router(name=name, network=network_link, region=self.region)
        self.compute.ensure(
            "creating the cloud router",
            lambda: self._get_router(name),
            lambda: self.clients.routers.insert_unary(
                project=self.project, region=self.region, router_resource=body, retry=None, timeout=REQUEST_TIMEOUT
            ),
        )
        return name

    def nat_addresses(self, nat: CloudNAT | None) -> list[compute_v1.Address]:
        """The user's reserved addresses for the NAT (``cloudNAT.natIPNames``); each must exist in the region."""
        addresses = []
        for entry in (nat.nat_ip_names if nat else None) or ():
            address = self.compute.calls.run(
                f"reading address {entry.name}",
                partial(
                    found,
                    partial(
                        self.clients.addresses.get,
                        project=self.project,
                        region=self.region,
                        address=entry.name,
                        retry=None,
                        timeout=REQUEST_TIMEOUT,
                    ),
                ),
            )
            if address is None:
                raise ProviderError(
                    f"networks.cloudNAT.natIPNames: address {entry.name} is not reserved in region {self.region}",
                    ErrorCode.CONFIGURATION_PROBLEM,
                )
            addresses.append(address)
        return addresses

    def desired_nat(
        self, config: CloudNAT | None, nodes_link: str, addresses: list[compute_v1.Address]
    ) -> compute_v1.RouterNat:
        nat = compute_v1.RouterNat(
            name=names.nat(self.id),
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetworks=[
                compute_v1.RouterNatSubnetworkToNat(name=nodes_link, source_ip_ranges_to_nat=["ALL_IP_RANGES"])
            ],
            nat_ip_allocate_option="MANUAL_ONLY" if addresses else "AUTO_ONLY",
            min_ports_per_vm=(config.min_ports_per_vm if config and config.min_ports_per_vm else 2048),
        )
        if addresses:
            nat.nat_ips = [a.self_link for a in addresses]
        if config is not None:
            for attribute in (
                "max_ports_per_vm",
                "enable_dynamic_port_allocation",
                "icmp_idle_timeout_sec",
                "tcp_established_idle_timeout_sec",
                "tcp_transitory_idle_timeout_sec",
                "udp_idle_timeout_sec",
            ):
                value = getattr(config, attribute)
                if value is not None:
                    setattr(nat, attribute, value)
            if config.endpoint_independent_mapping is not None:
                nat.enable_endpoint_independent_mapping = config.endpoint_independent_mapping.enabled
        return nat

    def nat(self, router: str, desired: compute_v1.RouterNat) -> None:
        """Our NAT entry on ``router``, added or brought up to date; other entries (on an adopted router) kept."""

        def step() -> None:
            current = self._get_router(router)
            others = [n for n in current.nats if n.name != desired.name]
            ours = [n for n in current.nats if n.name == desired.name]
            if ours and _subset(_as_dict(desired), _as_dict(ours[0])):
                return
            patch = compute_v1.Router(nats=[*others, desired])
            operation = self.clients.routers.patch_unary(
                project=self.project,
                region=self.region,
                router=router,
                router_resource=patch,
                retry=None,
                timeout=REQUEST_TIMEOUT,
            )
            self.compute.operations.wait(operation, "configuring the cloud NAT")

        self.compute.calls.run("configuring the cloud NAT", step)

    # -- all of it ---------------------------------------------------------------------------------------------------

    def build(self, config: InfrastructureConfig, pods_cidr: str | None) -> NetworkResult:
        networks = config.networks
        workers = networks.workers_cidr
        if not workers:
            raise ProviderError("networks.workers: the nodes' CIDR must be set", ErrorCode.CONFIGURATION_PROBLEM)
        adopted = networks.vpc is not None
        network = self.adopted_network(networks.vpc.name) if networks.vpc else self.created_network()
        link = str(network.self_link)
        nodes = names.nodes_subnet(self.id)
        nodes_link = self.subnet(nodes, workers, link, networks.flow_logs)
        internal = names.internal_subnet(self.id) if networks.internal else None
        if internal and networks.internal:
            self.subnet(internal, networks.internal, link)
        sources = [workers, *([networks.internal] if networks.internal else []), *([pods_cidr] if pods_cidr else [])]
        firewalls = self.firewalls(link, sources)
        adopted_router = networks.vpc.cloud_router.name if networks.vpc and networks.vpc.cloud_router else None
        router = self.router(link, adopted_router)
        addresses = self.nat_addresses(networks.cloud_nat)
        self.nat(router, self.desired_nat(networks.cloud_nat, nodes_link, addresses))
        return NetworkResult(
            network=str(network.name),
            network_link=link,
            adopted=adopted,
            nodes_subnet=nodes,
            nodes_cidr=workers,
            internal_subnet=internal,
            router=router,
            router_adopted=adopted_router is not None,
            nat=names.nat(self.id),
            nat_ips=[str(a.address) for a in addresses],
            firewalls=firewalls,
        )


__all__ = ["HEALTH_CHECK_RANGES", "NetworkBuilder", "NetworkResult"]
