"""The quota controller: usage sums per quota, the status it writes, the finalizer, and expired shoots."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import pytest

from garden.controllermanager import quota as q
from garden.controllermanager.context import ControllerContext
from garden.kube import Resource
from tests.fakes.clock import FakeClock
from tests.unit.admission.reader import DictReader, cloud_profile
from tests.unit.admission.test_landscape_fixtures import (
    credentials_binding,
    project,
    quota,
    secret_binding,
    shoot,
    worker,
)

pytestmark = pytest.mark.unit

TRIAL = [{"name": "trial", "namespace": "garden-dev"}]


def workers(*pools: dict[str, Any]) -> dict[str, Any]:
    return {"type": "aws", "workers": list(pools)}


def landscape(*objects: dict[str, Any]) -> DictReader:
    return DictReader(cloud_profile("aws"), project(), *objects)


async def usage_of(reader: DictReader, name: str = "trial", namespace: str = "garden-dev") -> dict[str, Fraction]:
    garden = await q.Garden.read(reader)
    found = await reader.get("core.gardener.cloud", "v1beta1", "quotas", namespace, name)
    assert found is not None
    return await q.quota_usage(garden, found)


async def test_usage_sums_the_worker_maxima_of_the_shoots_under_the_quota() -> None:
    reader = landscape(
        quota(metrics={"cpu": "100", "memory": "1Ti"}),
        secret_binding(quotas=TRIAL),
        credentials_binding(quotas=TRIAL),
        secret_binding("free"),
        # m5.large: 2 cpu, 8Gi; m5.xlarge: 4 cpu, 16Gi.
        shoot("a", provider=workers(worker(maximum=3))),
        shoot(
            "b", secretBindingName=None, credentialsBindingName="aws-cb", provider=workers(worker(machine="m5.xlarge"))
        ),
        shoot(
            "c",
            provider=workers(worker(maximum=1, volume={"type": "gp3", "size": "50Gi"})),
            addons={"nginxIngress": {"enabled": True}},
        ),
        shoot("free", secretBindingName="free", provider=workers(worker(maximum=10))),
    )
    usage = await usage_of(reader)
    assert usage["shoots"] == 3
    assert usage["cpu"] == 3 * 2 + 2 * 4 + 1 * 2
    assert usage["memory"] == (3 * 8 + 2 * 16 + 1 * 8) * 2**30
    assert usage["storage.standard"] == 50 * 2**30
    assert usage["loadbalancer"] == 1 + 1 + 2
    assert usage["gpu"] == 0
    assert q.usage_status(usage) == {
        "shoots": "3",
        "cpu": "16",
        "gpu": "0",
        "loadbalancer": "4",
        "memory": "64Gi",
        "storage.premium": "0",
        "storage.standard": "50Gi",
    }


async def test_a_quota_nobody_names_is_unused_and_shows_its_own_metrics() -> None:
    reader = landscape(quota(metrics={"cpu": "4", "storage.fast": "1Ti"}), shoot("a"))
    usage = await usage_of(reader)
    assert usage["shoots"] == 0 and usage["cpu"] == 0 and usage["storage.fast"] == 0


async def test_bindings_of_other_projects_count_too() -> None:
    reader = landscape(
        quota(),
        project("ops"),
        secret_binding(namespace="garden-ops", quotas=TRIAL),
        shoot("ops", namespace="garden-ops", provider=workers(worker(maximum=5))),
    )
    usage = await usage_of(reader)
    assert usage["shoots"] == 1 and usage["cpu"] == 10


def test_the_status_patch_only_when_something_changed() -> None:
    usage = {"shoots": "1", "cpu": "2"}
    fresh = {"metadata": {"generation": 1}}
    assert q.status_patch(fresh, usage) == {"status": {"usage": usage, "observedGeneration": 1}}
    current = {"metadata": {"generation": 1}, "status": {"observedGeneration": 1, "usage": dict(usage)}}
    assert q.status_patch(current, usage) is None
    stale = {"metadata": {"generation": 2}, "status": {"observedGeneration": 1, "usage": {"shoots": "1", "old": "3"}}}
    assert q.status_patch(stale, usage) == {
        "status": {"usage": {"old": None, "shoots": "1", "cpu": "2"}, "observedGeneration": 2}
    }


class FakeWriter:
    """Records the writes the controller makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None, str, Any]] = []

    def patch(
        self, resource: Resource, namespace: str | None, name: str, patch: Any, *, subresource: str = ""
    ) -> dict[str, Any]:
        self.calls.append(
            ("patch" + (f"/{subresource}" if subresource else ""), resource.plural, namespace, name, patch)
        )
        return {}

    def delete(self, resource: Resource, namespace: str | None, name: str, **_: Any) -> None:
        self.calls.append(("delete", resource.plural, namespace, name, None))


def controller(reader: DictReader, now: datetime) -> tuple[q.QuotaController, FakeWriter]:
    writer = FakeWriter()
    made = q.QuotaController(ControllerContext(writer, clock=FakeClock(now)))  # type: ignore[arg-type]
    made.reader = reader  # type: ignore[assignment]
    return made, writer


NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


async def test_quotas_get_the_finalizer_and_their_usage() -> None:
    reader = landscape(quota(), secret_binding(quotas=TRIAL), shoot("a"))
    made, writer = controller(reader, NOW)
    await made.sweep()
    patches = [c for c in writer.calls if c[1] == "quotas"]
    assert patches[0][0] == "patch" and patches[0][4]["metadata"]["finalizers"] == [q.FINALIZER]
    assert patches[1][0] == "patch/status" and patches[1][4]["status"]["usage"]["cpu"] == "4"


async def test_a_deleted_quota_is_released_only_when_no_binding_names_it() -> None:
    doomed = quota()
    doomed["metadata"].update({"finalizers": [q.FINALIZER, "other"], "deletionTimestamp": "2026-11-25T11:00:00Z"})
    made, writer = controller(landscape(doomed, secret_binding(quotas=TRIAL)), NOW)
    await made.sweep()
    assert not [c for c in writer.calls if c[1] == "quotas"]
    made, writer = controller(landscape(doomed, secret_binding()), NOW)
    await made.sweep()
    released = [c for c in writer.calls if c[1] == "quotas"]
    assert len(released) == 1 and released[0][4]["metadata"]["finalizers"] == ["other"]


def expiring(when: str | None, **extra: Any) -> dict[str, Any]:
    body = shoot("short", **extra)
    body["metadata"]["creationTimestamp"] = "2026-11-20T12:00:00Z"
    if when is not None:
        body["metadata"]["annotations"] = {q.EXPIRATION_ANNOTATION: when}
    return body


async def test_an_expired_shoot_is_confirmed_and_deleted() -> None:
    reader = landscape(quota(lifetime=7), secret_binding(quotas=TRIAL), expiring("2026-11-25T11:00:00Z"))
    made, writer = controller(reader, NOW)
    await made.sweep()
    shoot_calls = [c for c in writer.calls if c[1] == "shoots"]
    assert shoot_calls == [
        ("patch", "shoots", "garden-dev", "short", {"metadata": {"annotations": {q.CONFIRMATION_ANNOTATION: "true"}}}),
        ("delete", "shoots", "garden-dev", "short", None),
    ]


async def test_a_shoot_before_its_expiration_stays_and_a_missing_one_is_set() -> None:
    reader = landscape(quota(lifetime=7), secret_binding(quotas=TRIAL), expiring("2026-11-25T13:00:00Z"))
    made, writer = controller(reader, NOW)
    await made.sweep()
    assert not [c for c in writer.calls if c[1] == "shoots"]
    reader = landscape(quota(lifetime=7), secret_binding(quotas=TRIAL), expiring(None))
    made, writer = controller(reader, NOW)
    await made.sweep()
    annotated = {"metadata": {"annotations": {q.EXPIRATION_ANNOTATION: "2026-11-27T12:00:00Z"}}}
    assert [c for c in writer.calls if c[1] == "shoots"] == [("patch", "shoots", "garden-dev", "short", annotated)]


async def test_without_a_lifetime_the_expiration_is_removed() -> None:
    reader = landscape(quota(), secret_binding(quotas=TRIAL), expiring("2026-11-25T11:00:00Z"))
    made, writer = controller(reader, NOW)
    await made.sweep()
    removed = {"metadata": {"annotations": {q.EXPIRATION_ANNOTATION: None}}}
    assert [c for c in writer.calls if c[1] == "shoots"] == [("patch", "shoots", "garden-dev", "short", removed)]
