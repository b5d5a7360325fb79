"""Finding EC2 resources by tag, and the find-or-create step every resource of the provider is made by."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from typing import Any

from providers.aws.calls import Calls
from providers.aws.tags import cluster_filter, name_filter

Resource = dict[str, Any]

#: The list key of each Describe call's answer (``DescribeVpcs`` -> ``Vpcs``).
_RESULT_KEYS = {
    "describe_vpcs": "Vpcs",
    "describe_subnets": "Subnets",
    "describe_internet_gateways": "InternetGateways",
    "describe_nat_gateways": "NatGateways",
    "describe_route_tables": "RouteTables",
    "describe_security_groups": "SecurityGroups",
    "describe_dhcp_options": "DhcpOptions",
    "describe_addresses": "Addresses",
    "describe_key_pairs": "KeyPairs",
    "describe_vpc_endpoints": "VpcEndpoints",
}


class EC2:
    """The EC2 client of one shoot, with its technical ID and the extra tags the user asked for."""

    def __init__(self, client: Any, calls: Calls, technical_id: str, extra_tags: dict[str, str] | None = None) -> None:
        self.client = client
        self.calls = calls
        self.technical_id = technical_id
        self.extra_tags = extra_tags or {}

    def describe(self, operation: str, filters: Iterable[dict[str, Any]] = (), **params: Any) -> list[Resource]:
        """Every resource a Describe call returns, across pages."""
        key = _RESULT_KEYS[operation]
        request: dict[str, Any] = dict(params)
        if filters:
            # NB: DescribeNatGateways alone spells it "Filter"; botocore accepts "Filters" there and it filters nothing.
            request["Filter" if operation == "describe_nat_gateways" else "Filters"] = list(filters)
        if self.client.can_paginate(operation):
            found: list[Resource] = []
            for page in self.client.get_paginator(operation).paginate(**request):
                found.extend(page.get(key) or ())
            return found
        return list(getattr(self.client, operation)(**request).get(key) or ())

    def tagged(self, operation: str, *filters: dict[str, Any]) -> list[Resource]:
        """The shoot's resources of one kind (those carrying its cluster tag), narrowed by ``filters``.

        Tag filters are applied again to the answer: an endpoint that ignores one (moto does, for NAT gateways) must
        not make another shoot's resource, or another zone's, look like ours.
        """
        wanted = [cluster_filter(self.technical_id), *filters]
        return [r for r in self.describe(operation, wanted) if _has_tags(r, wanted)]

    def ensure(
        self,
        action: str,
        operation: str,
        name: str,
        create: Callable[[], Resource],
        *filters: dict[str, Any],
        alive: Callable[[Resource], bool] = lambda _: True,
    ) -> Resource:
        """The resource tagged ``Name=name`` for the shoot, created by ``create`` only when none is found.

        Find and create are retried together (see :mod:`providers.aws.calls`), so a create whose answer was lost is
        found by the next attempt rather than repeated. ``alive`` skips the remains of deleted ones (a NAT gateway
        stays visible as ``deleted`` for an hour).
        """

        def step() -> Resource:
            for found in self.tagged(operation, name_filter(name), *filters):
                if alive(found):
                    return found
            return create()

        return self.calls.run(action, step)


def _has_tags(resource: Resource, filters: Iterable[dict[str, Any]]) -> bool:
    tags = {tag.get("Key"): tag.get("Value") for tag in resource.get("Tags") or ()}
    for wanted in filters:
        name = str(wanted["Name"])
        if not name.startswith("tag:"):
            continue
        value = tags.get(name.removeprefix("tag:"))
        if value is None or not any(fnmatch.fnmatchcase(value, pattern) for pattern in wanted["Values"]):
            return False
    return True


__all__ = ["EC2", "Resource"]
