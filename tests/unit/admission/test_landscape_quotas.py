"""ShootQuotaValidator and QuotaValidator: what shoots under a quota may consume together, and for how long."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.landscape.quotas import EXPIRATION_ANNOTATION, QuotaValidator, ShootQuotaValidator
from tests.unit.admission.test_landscape_fixtures import (
    OPTIONS,
    admit,
    cause_paths,
    chain,
    credentials_binding,
    landscape,
    project,
    quota,
    refused,
    request,
    secret,
    secret_binding,
    shoot,
    worker,
)

pytestmark = pytest.mark.unit

TRIAL = [{"name": "trial", "namespace": "garden-dev"}]


def under_quota(*extra: dict[str, Any], **metrics: Any) -> Any:
    """The landscape with binding ``aws`` under Quota ``trial`` (project scope) limiting ``metrics``."""
    return landscape(secret_binding(quotas=TRIAL), quota(metrics=metrics or {"cpu": "4"}), *extra)


def workers(*pools: dict[str, Any]) -> dict[str, Any]:
    return {"type": "aws", "workers": list(pools)}


async def test_a_shoot_over_the_cpu_limit_is_forbidden_with_the_numbers() -> None:
    error = await refused(
        chain(under_quota(cpu="4")), request("CREATE", shoot(provider=workers(worker(maximum=3)))), 403
    )
    assert error.reason == "Forbidden"
    assert "quota limits exceeded. Unable to allocate further cpu" in error.message
    assert (
        'Quota "garden-dev/trial" limits cpu to 4: 0 in use by other shoots, 6 requested by this shoot' in error.message
    )


async def test_a_shoot_within_the_limit_is_admitted() -> None:
    await admit(chain(under_quota(cpu="4")), request("CREATE", shoot(provider=workers(worker(maximum=2)))))


async def test_other_shoots_under_the_quota_count() -> None:
    other = shoot("api", provider=workers(worker(maximum=1)))
    reader = under_quota(other, cpu="4")
    error = await refused(ShootQuotaValidator(reader, OPTIONS), request("CREATE", shoot()), 403)
    assert "2 in use by other shoots, 4 requested by this shoot" in error.message
    # The shoot itself is not counted twice when it is updated.
    old = shoot(provider=workers(worker(maximum=1)))
    reader.add(old)
    await refused(ShootQuotaValidator(reader, OPTIONS), request("UPDATE", shoot(), old), 403)
    await admit(
        ShootQuotaValidator(reader, OPTIONS), request("UPDATE", shoot(provider=workers(worker(maximum=1))), old)
    )


async def test_shoots_with_another_binding_or_project_do_not_count() -> None:
    unlimited = secret_binding("free")
    elsewhere = project("ops")
    reader = under_quota(
        unlimited,
        shoot("big", secretBindingName="free", provider=workers(worker(maximum=10))),
        elsewhere,
        secret("aws-credentials", "garden-ops"),
        secret_binding(namespace="garden-ops", quotas=TRIAL),
        shoot("ops", namespace="garden-ops", provider=workers(worker(maximum=10))),
        cpu="4",
    )
    await admit(ShootQuotaValidator(reader, OPTIONS), request("CREATE", shoot()))


async def test_a_secret_scoped_quota_counts_shoots_of_every_project() -> None:
    shared = [{"name": "shared", "namespace": "garden"}]
    reader = landscape(
        quota("shared", "garden", {"cpu": "6"}, scope="Secret"),
        secret_binding(quotas=shared),
        project("ops"),
        secret_binding(namespace="garden-ops", quotas=shared),
        shoot("ops", namespace="garden-ops", provider=workers(worker(maximum=2))),
    )
    error = await refused(ShootQuotaValidator(reader, OPTIONS), request("CREATE", shoot()), 403)
    assert "4 in use by other shoots" in error.message


@pytest.mark.parametrize(
    ("metrics", "pool", "addons", "metric", "numbers"),
    [
        (
            {"memory": "16Gi"},
            worker(maximum=3),
            None,
            "memory",
            "limits memory to 16Gi: 0 in use by other shoots, 24Gi",
        ),
        ({"gpu": "1"}, worker(machine="g4dn.xlarge", maximum=2), None, "gpu", "limits gpu to 1: 0 in use"),
        (
            {"storage.standard": "100Gi"},
            worker(maximum=3, volume={"type": "gp3", "size": "50Gi"}),
            None,
            "storage.standard",
            "150Gi requested",
        ),
        (
            {"storage.premium": "50Gi"},
            worker(maximum=2, volume={"type": "io1", "size": "30Gi"}),
            None,
            "storage.premium",
            "60Gi requested",
        ),
        ({"loadbalancer": "1"}, worker(), {"nginxIngress": {"enabled": True}}, "loadbalancer", "2 requested"),
    ],
)
async def test_every_metric_is_limited(
    metrics: dict[str, str], pool: dict[str, Any], addons: dict[str, Any] | None, metric: str, numbers: str
) -> None:
    spec: dict[str, Any] = {"provider": workers(pool)}
    if addons is not None:
        spec["addons"] = addons
    error = await refused(ShootQuotaValidator(under_quota(**metrics), OPTIONS), request("CREATE", shoot(**spec)), 403)
    assert f"Unable to allocate further {metric} (" in error.message
    assert numbers in error.message


async def test_storage_of_another_class_and_one_load_balancer_fit() -> None:
    reader = under_quota(**{"storage.premium": "1Gi", "loadbalancer": "1"})
    body = shoot(provider=workers(worker(maximum=3, volume={"type": "gp3", "size": "50Gi"})))
    await admit(ShootQuotaValidator(reader, OPTIONS), request("CREATE", body))


async def test_a_credentials_binding_brings_its_quotas_too() -> None:
    reader = landscape(credentials_binding(quotas=TRIAL), quota(metrics={"cpu": "2"}))
    body = shoot(provider=workers(worker(maximum=2)))
    del body["spec"]["secretBindingName"]
    body["spec"]["credentialsBindingName"] = "aws-cb"
    await refused(ShootQuotaValidator(reader, OPTIONS), request("CREATE", body), 403)


async def test_updates_are_checked_only_when_workers_grow_or_change() -> None:
    old = shoot(provider=workers(worker(maximum=3)))  # admitted before the quota was lowered
    plugin = ShootQuotaValidator(under_quota(cpu="4"), OPTIONS)
    labelled = shoot(provider=workers(worker(maximum=3)))
    labelled["metadata"]["labels"] = {"a": "b"}
    await admit(plugin, request("UPDATE", labelled, old))
    await admit(plugin, request("UPDATE", shoot(provider=workers(worker(maximum=3)), purpose="testing"), old))
    await refused(plugin, request("UPDATE", shoot(provider=workers(worker(maximum=4))), old), 403)
    await refused(
        plugin, request("UPDATE", shoot(provider=workers(worker(maximum=3), worker("b", maximum=1))), old), 403
    )
    ingress = shoot(provider=workers(worker(maximum=3)), addons={"nginxIngress": {"enabled": True}})
    await refused(plugin, request("UPDATE", ingress, old), 403)


async def test_new_shoots_expire_after_the_shortest_quota_lifetime() -> None:
    reader = landscape(
        secret_binding(quotas=[*TRIAL, {"name": "short", "namespace": "garden"}]),
        quota(metrics={"cpu": "100"}, lifetime=14),
        quota("short", "garden", {"cpu": "100"}, scope="Secret", lifetime=7),
    )
    stored = await admit(chain(reader), request("CREATE", shoot()))
    assert stored is not None
    assert stored["metadata"]["annotations"][EXPIRATION_ANNOTATION] == "2026-12-02T00:00:00Z"


async def test_without_lifetimes_no_expiration_is_set() -> None:
    stored = await admit(chain(under_quota(cpu="100")), request("CREATE", shoot()))
    assert stored is not None
    assert EXPIRATION_ANNOTATION not in stored["metadata"]["annotations"]


def expiring(when: str | None) -> dict[str, Any]:
    body = shoot()
    if when is not None:
        body["metadata"]["annotations"] = {EXPIRATION_ANNOTATION: when}
    return body


async def test_the_expiration_may_move_at_most_a_lifetime_from_now() -> None:
    reader = landscape(secret_binding(quotas=TRIAL), quota(metrics={"cpu": "100"}, lifetime=7))
    plugin = ShootQuotaValidator(reader, OPTIONS)
    old = expiring("2026-11-30T00:00:00Z")
    await admit(plugin, request("UPDATE", expiring("2026-12-02T00:00:00Z"), old))
    error = await refused(plugin, request("UPDATE", expiring("2026-12-02T00:00:01Z"), old), 403)
    assert "Can only be extended by 7 day(s)" in error.message
    error = await refused(plugin, request("UPDATE", expiring("next week"), old), 422)
    assert cause_paths(error) == [f"metadata.annotations[{EXPIRATION_ANNOTATION}]"]
    # A user cannot ask for more on creation either.
    await refused(plugin, request("CREATE", expiring("2027-01-01T00:00:00Z")), 403)


def raw_quota(**spec: Any) -> dict[str, Any]:
    body = quota()
    body["spec"].update(spec)
    return body


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"scope": {"apiVersion": "v1", "kind": "ConfigMap"}}, "spec.scope"),
        ({"metrics": {"cpu": "4 cores"}}, "spec.metrics[cpu]"),
        ({"metrics": {"memory": "-1Gi"}}, "spec.metrics[memory]"),
        ({"metrics": {}}, "spec.metrics"),
        ({"clusterLifetimeDays": 0}, "spec.clusterLifetimeDays"),
    ],
)
async def test_quota_objects_are_validated(spec: dict[str, Any], path: str) -> None:
    error = await refused(QuotaValidator(), request("CREATE", raw_quota(**spec)), 422)
    assert cause_paths(error) == [path]


async def test_a_quota_keeps_its_scope() -> None:
    await admit(QuotaValidator(), request("CREATE", quota(metrics={"cpu": "1", "memory": "4Gi"}, lifetime=3)))
    error = await refused(QuotaValidator(), request("UPDATE", quota(scope="Secret"), quota()), 422)
    assert cause_paths(error) == ["spec.scope"]
