"""SeedValidator: networks, provider, taints, backup, settings, and what may not change."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from garden.admission.landscape.seeds import SeedValidator
from tests.unit.admission.test_landscape_fixtures import admit, cause_paths, refused, request, seed

pytestmark = pytest.mark.unit


def networks(**values: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"}
    body.update(values)
    return {k: v for k, v in body.items() if v is not None}


async def test_a_valid_seed_is_admitted() -> None:
    body = seed(
        networks=networks(shootDefaults={"pods": "100.96.0.0/11", "services": "100.64.0.0/13"}),
        taints=[{"key": "seed.gardener.cloud/protected"}],
        backup={"provider": "aws"},
        settings={"scheduling": {"visible": True}},
    )
    await admit(SeedValidator(), request("CREATE", body))


@pytest.mark.parametrize(
    ("values", "path", "message"),
    [
        (
            {"services": "10.1.128.0/17"},
            "spec.networks.services",
            "must not overlap with spec.networks.pods (10.1.0.0/16)",
        ),
        ({"nodes": "10.0.0.0/8"}, "spec.networks.nodes", "must not overlap with spec.networks.services (10.2.0.0/16)"),
        ({"pods": "10.1.0.0/33"}, "spec.networks.pods", "must be a valid CIDR"),
        ({"pods": "10.1.0.1/16"}, "spec.networks.pods", "must be a canonical CIDR: the network address is 10.1.0.0/16"),
        ({"services": "not-a-cidr"}, "spec.networks.services", "must be a valid CIDR"),
        ({"nodes": "192.168.0.0/16"}, "spec.networks.nodes", "must not overlap with the VPN range 192.168.123.0/24"),
        (
            {"shootDefaults": {"pods": "10.1.0.0/24"}},
            "spec.networks.shootDefaults.pods",
            "must not overlap with spec.networks.pods",
        ),
        (
            {"shootDefaults": {"pods": "100.96.0.0/11", "services": "100.96.0.0/13"}},
            "spec.networks.shootDefaults.services",
            "must not overlap with spec.networks.shootDefaults.pods",
        ),
        ({"blockCIDRs": ["169.254.169.254/33"]}, "spec.networks.blockCIDRs[0]", "must be a valid CIDR"),
    ],
)
async def test_networks_are_canonical_cidrs_that_do_not_overlap(
    values: dict[str, Any], path: str, message: str
) -> None:
    error = await refused(SeedValidator(), request("CREATE", seed(networks=networks(**values))), 422)
    assert set(cause_paths(error)) == {path}
    assert message in error.message


async def test_ipv6_networks_do_not_clash_with_ipv4_ones() -> None:
    body = seed(networks=networks(nodes="2001:db8::/64", ipFamilies=["IPv6"]))
    await admit(SeedValidator(), request("CREATE", body))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"provider": {"type": "", "region": "eu-west-1"}}, "spec.provider.type"),
        ({"provider": {"type": "aws", "region": ""}}, "spec.provider.region"),
        ({"taints": [{"key": "a"}, {"key": "a", "value": "x"}]}, "spec.taints[1].key"),
        ({"taints": [{"key": ""}]}, "spec.taints[0].key"),
        ({"backup": {"provider": "gcp"}}, "spec.backup.region"),
        ({"settings": {"scheduling": {"visible": "yes"}}}, "spec.settings.scheduling.visible"),
    ],
)
async def test_provider_taints_backup_and_settings(change: dict[str, Any], path: str) -> None:
    error = await refused(SeedValidator(), request("CREATE", seed(**change)), 422)
    assert cause_paths(error) == [path]


async def test_the_name_is_a_dns_label() -> None:
    error = await refused(SeedValidator(), request("CREATE", seed("aws.eu1")), 422)
    assert cause_paths(error) == ["metadata.name"]


def changed(**spec: Any) -> dict[str, Any]:
    body = copy.deepcopy(seed(backup={"provider": "aws", "region": "eu-west-1"}))
    body["spec"].update(spec)
    return body


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"provider": {"type": "gcp", "region": "eu-west-1"}}, "spec.provider.type"),
        ({"networks": networks(pods="10.3.0.0/16")}, "spec.networks.pods"),
        ({"networks": networks(services="10.3.0.0/16")}, "spec.networks.services"),
        ({"networks": networks(nodes="10.3.0.0/16")}, "spec.networks.nodes"),
        ({"ingress": {"domain": "ingress.other.example.com", "controller": {"kind": "nginx"}}}, "spec.ingress.domain"),
        ({"backup": {"provider": "aws", "region": "us-east-1"}}, "spec.backup.region"),
        ({"backup": None}, "spec.backup"),
    ],
)
async def test_what_cannot_change(spec: dict[str, Any], path: str) -> None:
    error = await refused(SeedValidator(), request("UPDATE", changed(**spec), changed()), 422)
    assert cause_paths(error) == [path]


async def test_what_may_change() -> None:
    old = seed(networks=networks(nodes=None))
    new = seed(
        networks=networks(nodes="10.0.0.0/16"),
        provider={"type": "aws", "region": "eu-west-1", "zones": ["a"]},
        backup={"provider": "aws"},
        taints=[{"key": "x"}],
    )
    await admit(SeedValidator(), request("UPDATE", new, old))
