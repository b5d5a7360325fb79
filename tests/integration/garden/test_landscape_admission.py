"""The landscape admission plugins in a real garden API server, driven with kubectl and raw HTTP: project defaults,
binding and quota checks on shoots, project and seed validation, and the shoots/binding subresource."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.garden.conftest import NOW
from tests.integration.garden.objects import aws_shoot
from tests.integration.http import Client, status_of
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
NAMESPACE = "garden-dev"
CORE = "core.gardener.cloud/v1beta1"
EXPIRATION = "shoot.gardener.cloud/expiration-timestamp"


def try_apply(garden: RunningServer, obj: dict[str, Any]) -> Any:
    return garden.kubectl("apply", "-f", "-", input=json.dumps(obj), check=False)


def apply(garden: RunningServer, *objects: dict[str, Any]) -> None:
    for obj in objects:
        garden.kubectl("apply", "-f", "-", input=json.dumps(obj))


def absent(garden: RunningServer, *what: str) -> bool:
    found = garden.kubectl("get", *what, check=False)
    return found.returncode != 0 and "NotFound" in found.stderr


def shoot(name: str, binding: str = "aws", maximum: int = 2) -> dict[str, Any]:
    body = aws_shoot(name, NAMESPACE, secretBindingName=binding)
    body["spec"]["cloudProfile"] = {"kind": "CloudProfile", "name": "aws"}
    body["spec"]["provider"]["workers"][0]["maximum"] = maximum
    return body


def seed(name: str, pods: str = "10.1.0.0/16", services: str = "10.2.0.0/16") -> dict[str, Any]:
    return {
        "apiVersion": CORE,
        "kind": "Seed",
        "metadata": {"name": name},
        "spec": {
            "provider": {"type": "aws", "region": "eu-central-1"},
            "networks": {"nodes": "10.0.0.0/16", "pods": pods, "services": services},
            "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
            "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
        },
    }


@pytest.fixture(scope="module")
def dev(garden: RunningServer) -> str:
    """Project dev (no namespace given), its namespace, credentials, a quota-limited and a free binding."""
    apply(garden, {"apiVersion": CORE, "kind": "Project", "metadata": {"name": "dev"}, "spec": {"purpose": "testing"}})
    garden.kubectl("create", "namespace", NAMESPACE)
    garden.kubectl("apply", "-f", str(ROOT / "cloudprofiles" / "aws.yaml"))
    credentials = {"accessKeyID": "AKIAEXAMPLE", "secretAccessKey": "not-a-real-key"}
    apply(
        garden,
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "aws-credentials", "namespace": NAMESPACE},
            "stringData": credentials,
        },
        {
            "apiVersion": CORE,
            "kind": "Quota",
            "metadata": {"name": "trial", "namespace": NAMESPACE},
            "spec": {
                "metrics": {"cpu": "4"},
                "clusterLifetimeDays": 7,
                "scope": {"apiVersion": CORE, "kind": "Project", "name": "dev"},
            },
        },
    )
    binding = {"apiVersion": CORE, "kind": "SecretBinding", "secretRef": {"name": "aws-credentials"}}
    apply(
        garden,
        {
            **binding,
            "metadata": {"name": "aws", "namespace": NAMESPACE},
            "provider": {"type": "aws"},
            "quotas": [{"name": "trial"}],
        },
        {**binding, "metadata": {"name": "aws-free", "namespace": NAMESPACE}, "provider": {"type": "aws"}},
        {**binding, "metadata": {"name": "gcp", "namespace": NAMESPACE}, "provider": {"type": "gcp"}},
    )
    return NAMESPACE


@pytest.fixture(scope="module")
def client(garden: RunningServer) -> Iterator[Client]:
    yield Client(garden)


def test_a_new_project_gets_creator_owner_membership_and_namespace(garden: RunningServer, dev: str) -> None:
    spec = garden.kubectl_yaml("get", "project", "dev")["spec"]
    admin = {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "kubelite-admin"}
    assert spec["createdBy"] == admin
    assert spec["owner"] == admin
    assert spec["members"] == [{**admin, "role": "admin", "roles": ["owner"]}]
    assert spec["namespace"] == dev
    # The binding's references were completed with its namespace.
    binding = garden.kubectl_yaml("get", "secretbinding", "aws", "-n", dev)
    assert binding["secretRef"] == {"name": "aws-credentials", "namespace": dev}
    assert binding["quotas"] == [{"name": "trial", "namespace": dev}]


def test_a_project_name_longer_than_ten_characters_is_refused(garden: RunningServer, dev: str) -> None:
    result = try_apply(garden, {"apiVersion": CORE, "kind": "Project", "metadata": {"name": "development"}})
    assert result.returncode != 0
    assert "metadata.name: Too long" in result.stderr
    assert absent(garden, "project", "development")


def test_a_shoot_naming_a_missing_binding_is_refused(garden: RunningServer, dev: str) -> None:
    result = try_apply(garden, shoot("nobind", binding="nope"))
    assert result.returncode != 0
    assert "spec.secretBindingName" in result.stderr
    assert 'Not found: "nope"' in result.stderr
    assert absent(garden, "shoot", "nobind", "-n", dev)


def test_a_binding_of_another_provider_is_refused(garden: RunningServer, dev: str) -> None:
    result = try_apply(garden, shoot("wrongcred", binding="gcp"))
    assert result.returncode != 0
    assert "spec.secretBindingName" in result.stderr
    assert 'is for provider type(s) "gcp"' in result.stderr
    assert absent(garden, "shoot", "wrongcred", "-n", dev)


def test_a_shoot_over_quota_is_forbidden(garden: RunningServer, dev: str) -> None:
    # 3 x m5.large (2 vCPU each) = 6 CPUs against a quota of 4.
    result = try_apply(garden, shoot("big", maximum=3))
    assert result.returncode != 0
    assert "(Forbidden)" in result.stderr
    assert "quota limits exceeded. Unable to allocate further cpu" in result.stderr
    assert 'Quota "garden-dev/trial" limits cpu to 4' in result.stderr
    assert absent(garden, "shoot", "big", "-n", dev)


def test_a_shoot_within_quota_is_created_and_expires(garden: RunningServer, dev: str) -> None:
    apply(garden, shoot("web", maximum=2))
    stored = garden.kubectl_yaml("get", "shoot", "web", "-n", dev)
    expiry = datetime.fromisoformat(stored["metadata"]["annotations"][EXPIRATION].replace("Z", "+00:00"))
    assert expiry == NOW + timedelta(days=7)
    assert stored["metadata"]["annotations"]["gardener.cloud/created-by"] == "kubelite-admin"
    # The quota is used up now: even a small second shoot under it is refused.
    result = try_apply(garden, shoot("second", maximum=1))
    assert "quota limits exceeded" in result.stderr
    assert "4 in use by other shoots" in result.stderr


def test_a_seed_with_overlapping_networks_is_refused(garden: RunningServer, dev: str) -> None:
    result = try_apply(garden, seed("overlap", pods="10.1.0.0/16", services="10.1.128.0/17"))
    assert result.returncode != 0
    assert "spec.networks.services" in result.stderr
    assert "must not overlap with spec.networks.pods (10.1.0.0/16)" in result.stderr
    assert absent(garden, "seed", "overlap")


@pytest.fixture(scope="module")
def unscheduled(garden: RunningServer, dev: str) -> str:
    """A seed and a shoot (under the free binding) that is not scheduled yet; the shoot's URL."""
    apply(garden, seed("aws-eu1"), shoot("bind", binding="aws-free"))
    return f"/apis/core.gardener.cloud/v1beta1/namespaces/{dev}/shoots/bind"


def bind(client: Client, url: str, seed_name: str, **spec: Any) -> Any:
    current = client.request("GET", url).json()
    current["spec"]["seedName"] = seed_name
    current["spec"].update(spec)
    return client.request("PUT", url + "/binding", current)


def test_the_binding_subresource_changes_only_the_seed(client: Client, unscheduled: str) -> None:
    body = status_of(bind(client, unscheduled, "aws-eu1", purpose="production"), 422, "Invalid")
    assert [c["field"] for c in body["details"]["causes"]] == ["spec.purpose"]
    assert "spec.seedName" not in client.request("GET", unscheduled).json()["spec"]

    body = status_of(bind(client, unscheduled, "nowhere"), 422, "Invalid")
    assert [(c["field"], c["reason"]) for c in body["details"]["causes"]] == [("spec.seedName", "FieldValueNotFound")]

    bound = bind(client, unscheduled, "aws-eu1")
    assert bound.status_code == 200, bound.text
    stored = client.request("GET", unscheduled).json()
    assert stored["spec"]["seedName"] == "aws-eu1"
    assert stored["spec"]["purpose"] != "production"
