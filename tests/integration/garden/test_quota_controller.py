"""The quota controller under real kopf against a garden, on virtual time: usage in the Quota's status, the
finalizer, and a shoot deleted when its cluster lifetime is over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from garden.controllermanager import quota
from garden.controllermanager.context import ControllerContext
from garden.kube import QUOTAS, SHOOTS, Kube
from garden.operator import running
from tests.fakes.clock import FakeClock
from tests.integration.garden.conftest import NOW
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

RESYNC = 0.1


@pytest.fixture(scope="module")
def kube(garden: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(garden.kubeconfig)
    yield client
    client.close()


def trial(namespace: str) -> list[dict[str, Any]]:
    """A one-day trial Quota and a SecretBinding ``trial`` under it."""
    return [
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "Quota",
            "metadata": {"name": "trial", "namespace": namespace},
            "spec": {
                "clusterLifetimeDays": 1,
                "metrics": {"cpu": "20", "memory": "80Gi"},
                "scope": {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Project"},
            },
        },
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "SecretBinding",
            "metadata": {"name": "trial", "namespace": namespace},
            "secretRef": {"name": "aws-credentials"},
            "provider": {"type": "aws"},
            "quotas": [{"name": "trial", "namespace": namespace}],
        },
    ]


def usage(kube: Kube, namespace: str) -> dict[str, Any] | None:
    found = kube.get(QUOTAS, namespace, "trial")
    value: dict[str, Any] | None = ((found or {}).get("status") or {}).get("usage")
    return value


def test_usage_is_shown_and_expired_shoots_are_deleted(garden: RunningServer, kube: Kube) -> None:
    namespace = project_with_aws_binding(garden)
    apply(garden, *trial(namespace))
    # m5.large (2 cpu, 8Gi) at most 2 and 3 machines; the third shoot's binding has no quota.
    apply(
        garden,
        aws_shoot("short", secretBindingName="trial"),
        aws_shoot("shorter", secretBindingName="trial"),
        aws_shoot("free"),
    )
    bigger = kube.get(SHOOTS, namespace, "shorter")
    assert bigger is not None
    bigger["spec"]["provider"]["workers"][0]["maximum"] = 3
    kube.update(SHOOTS, namespace, "shorter", bigger)
    expiry = (kube.get(SHOOTS, namespace, "short") or {})["metadata"]["annotations"][quota.EXPIRATION_ANNOTATION]
    assert expiry == "2026-11-26T12:00:00Z"  # admission: NOW plus the quota's one day

    clock = FakeClock(NOW)
    ctx = ControllerContext(kube, clock, resync_seconds=RESYNC)
    with running([quota.registry(ctx)]):
        shown = wait_for(lambda: usage(kube, namespace), "the quota's usage")
        assert shown["shoots"] == "2"
        assert shown["cpu"] == "10"
        assert shown["memory"] == "40Gi"
        assert shown["loadbalancer"] == "2"
        stored = kube.get(QUOTAS, namespace, "trial")
        assert stored is not None
        assert quota.FINALIZER in stored["metadata"]["finalizers"]

        # A day later both trial shoots are over their lifetime: confirmed and deleted; the other one stays.
        clock.set(NOW + timedelta(days=1, minutes=1))
        wait_for(lambda: kube.get(SHOOTS, namespace, "short") is None, "the expired shoot to be deleted", timeout=20)
        wait_for(lambda: kube.get(SHOOTS, namespace, "shorter") is None, "the other expired shoot to be deleted")
        assert kube.get(SHOOTS, namespace, "free") is not None
        wait_for(lambda: (usage(kube, namespace) or {}).get("shoots") == "0", "the usage to drop to nothing")
