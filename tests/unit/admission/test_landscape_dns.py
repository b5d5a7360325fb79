"""ShootDNS: default domains for new shoots, the default-domain scheme, immutable and unique domains."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.landscape.dns import ShootDNS, intersect
from tests.unit.admission.reader import DictReader
from tests.unit.admission.test_landscape_fixtures import (
    admit,
    cause_paths,
    chain,
    landscape,
    project,
    refused,
    request,
    secret,
    shoot,
)

pytestmark = pytest.mark.unit


def default_domain(name: str, domain: str, priority: int | None = None) -> dict[str, Any]:
    notes = {"dns.gardener.cloud/domain": domain, "dns.gardener.cloud/provider": "aws-route53"}
    if priority is not None:
        notes["dns.gardener.cloud/domain-default-priority"] = str(priority)
    return secret(name, "garden", labels={"gardener.cloud/role": "default-domain"}, annotations=notes)


def with_domain(domain: str | None, name: str = "web", namespace: str = "garden-dev", **dns: Any) -> dict[str, Any]:
    body = shoot(name, namespace)
    if domain is not None:
        dns["domain"] = domain
    body["spec"]["dns"] = dns
    return body


async def domain_of(reader: DictReader, body: dict[str, Any]) -> str | None:
    stored = await admit(chain(reader), request("CREATE", body))
    assert stored is not None
    domain = stored["spec"].get("dns", {}).get("domain")
    assert domain is None or isinstance(domain, str)
    return domain


async def test_a_new_shoot_gets_a_domain_below_the_default_domain() -> None:
    assert await domain_of(landscape(default_domain("example", "example.com")), shoot()) == "web.dev.example.com"


async def test_the_first_default_domain_by_priority_then_name_is_used() -> None:
    reader = landscape(default_domain("b", "b.example"), default_domain("a", "a.example"))
    assert await domain_of(reader, shoot()) == "web.dev.a.example"
    reader.add(default_domain("c", "c.example", priority=10))
    assert await domain_of(reader, shoot()) == "web.dev.c.example"


async def test_secrets_that_are_no_default_domains_are_ignored() -> None:
    unlabelled = secret("plain", "garden", annotations={"dns.gardener.cloud/domain": "x.example"})
    unannotated = secret("empty", "garden", labels={"gardener.cloud/role": "default-domain"})
    assert await domain_of(landscape(unlabelled, unannotated), shoot()) is None


async def test_shoots_with_their_own_dns_provider_get_no_default_domain() -> None:
    reader = landscape(default_domain("example", "example.com"))
    own = with_domain(None, providers=[{"type": "aws-route53", "secretName": "dns", "primary": True}])
    assert await domain_of(reader, own) is None
    unmanaged = with_domain(None, providers=[{"type": "unmanaged", "primary": True}])
    assert await domain_of(reader, unmanaged) is None


async def test_without_default_domains_a_shoot_needs_no_domain() -> None:
    stored = await admit(chain(landscape()), request("CREATE", shoot()))
    assert stored is not None
    assert "dns" not in stored["spec"]


async def test_a_domain_below_a_default_domain_must_follow_the_scheme() -> None:
    plugin = ShootDNS(landscape(default_domain("example", "example.com")))
    await admit(plugin, request("CREATE", with_domain("web.dev.example.com")))
    await admit(plugin, request("CREATE", with_domain("cluster.my-company.io")))
    error = await refused(plugin, request("CREATE", with_domain("web.ops.example.com")), 422)
    assert cause_paths(error) == ["spec.dns.domain"]
    assert "expected 'web.dev.example.com'" in error.message
    await refused(plugin, request("CREATE", with_domain("api.web.dev.example.com")), 422)


async def test_a_default_domain_cannot_have_a_primary_provider() -> None:
    plugin = ShootDNS(landscape(default_domain("example", "example.com")))
    body = with_domain("web.dev.example.com", providers=[{"type": "aws-route53", "secretName": "s", "primary": True}])
    error = await refused(plugin, request("CREATE", body), 422)
    assert cause_paths(error) == ["spec.dns.providers"]


async def test_the_domain_cannot_change_once_set() -> None:
    plugin = ShootDNS(landscape())
    old = with_domain("web.example.org")
    await admit(plugin, request("UPDATE", with_domain("web.example.org"), old))
    error = await refused(plugin, request("UPDATE", with_domain("api.example.org"), old), 422)
    assert cause_paths(error) == ["spec.dns.domain"]
    await refused(plugin, request("UPDATE", with_domain(None), old), 422)
    # Setting it for the first time is fine.
    await admit(plugin, request("UPDATE", with_domain("web.example.org"), with_domain(None)))


async def test_no_two_shoots_share_a_domain_or_nest_in_each_other() -> None:
    reader = DictReader(project(), with_domain("web.example.org", name="taken", namespace="garden-ops"))
    error = await refused(ShootDNS(reader), request("CREATE", with_domain("web.example.org")), 422)
    assert [(c.path, c.type) for c in error.causes] == [("spec.dns.domain", "FieldValueDuplicate")]
    for nested in ("api.web.example.org", "example.org"):
        error = await refused(ShootDNS(reader), request("CREATE", with_domain(nested)), 422)
        assert [(c.path, c.type) for c in error.causes] == [("spec.dns.domain", "FieldValueForbidden")]
    await admit(ShootDNS(reader), request("CREATE", with_domain("myweb.example.org")))


def test_domains_intersect_only_at_label_boundaries() -> None:
    assert intersect("a.b.c", "b.c")
    assert intersect("b.c", "a.b.c")
    assert intersect("b.c", "b.c")
    assert not intersect("ab.c", "b.c")
