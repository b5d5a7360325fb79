"""Server-side apply and managedFields over raw HTTP, as kubectl --server-side and controllers use them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.integration.http import Client, status_of
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

DEPLOY = "/apis/apps/v1/namespaces/ssa/deployments"
APPLY = "application/apply-patch+yaml"


@pytest.fixture(scope="module")
def client(kubelite: RunningServer) -> Client:
    c = Client(kubelite)
    c.namespace("ssa")
    return c


def config(name: str, replicas: int, image: str = "nginx:1.27") -> bytes:
    return yaml.safe_dump(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "main", "image": image}]},
                },
            },
        }
    ).encode()


def apply(client: Client, name: str, body: bytes, manager: str, **params: str) -> Any:
    return client.request("PATCH", f"{DEPLOY}/{name}", raw=body, content_type=APPLY, fieldManager=manager, **params)


def managers(obj: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m["manager"], m["operation"]) for m in obj["metadata"].get("managedFields", [])}


def test_apply_creates_and_records_ownership(client: Client) -> None:
    response = apply(client, "made", config("made", 2), "deployer")
    assert response.status_code == 201, response.text
    obj = response.json()
    assert obj["spec"]["replicas"] == 2
    entry = next(m for m in obj["metadata"]["managedFields"] if m["manager"] == "deployer")
    assert entry["operation"] == "Apply"
    assert entry["fieldsType"] == "FieldsV1"
    assert "f:replicas" in entry["fieldsV1"]["f:spec"]
    again = apply(client, "made", config("made", 2), "deployer").json()
    assert again["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]  # a no-op apply


def test_a_conflict_with_another_manager_is_409_until_forced(client: Client) -> None:
    apply(client, "shared", config("shared", 1), "deployer")
    scaled = client.request(
        "PATCH",
        f"{DEPLOY}/shared",
        {"spec": {"replicas": 5}},
        content_type="application/merge-patch+json",
        fieldManager="autoscaler",
    )
    assert ("autoscaler", "Update") in managers(scaled.json())
    body = status_of(apply(client, "shared", config("shared", 2), "deployer"), 409, "Conflict")
    assert body["message"] == ('Apply failed with 1 conflict: conflict with "autoscaler" using apps/v1: .spec.replicas')
    assert body["details"]["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "autoscaler" using apps/v1',
            "field": ".spec.replicas",
        }
    ]
    assert client.request("GET", f"{DEPLOY}/shared").json()["spec"]["replicas"] == 5
    forced = apply(client, "shared", config("shared", 2), "deployer", force="true").json()
    assert forced["spec"]["replicas"] == 2
    owners = {m["manager"]: m for m in forced["metadata"]["managedFields"]}
    assert "f:replicas" not in owners.get("autoscaler", {}).get("fieldsV1", {}).get("f:spec", {})


def test_fields_dropped_from_the_configuration_are_removed(client: Client) -> None:
    first = yaml.safe_load(config("pruned", 1))
    first["metadata"]["labels"] = {"keep": "yes", "drop": "soon"}
    apply(client, "pruned", yaml.safe_dump(first).encode(), "deployer")
    del first["metadata"]["labels"]["drop"]
    obj = apply(client, "pruned", yaml.safe_dump(first).encode(), "deployer").json()
    assert obj["metadata"]["labels"] == {"keep": "yes"}


def test_apply_needs_a_field_manager(client: Client) -> None:
    response = client.request("PATCH", f"{DEPLOY}/nameless", raw=config("nameless", 1), content_type=APPLY)
    status_of(response, 422, "Invalid")
    assert client.request("GET", f"{DEPLOY}/nameless").status_code == 404


def test_updates_are_tracked_per_manager(client: Client) -> None:
    body = yaml.safe_load(config("tracked", 1))
    created = client.request("POST", DEPLOY, body, fieldManager="creator").json()
    assert managers(created) == {("creator", "Update")}
    updated = client.request(
        "PATCH",
        f"{DEPLOY}/tracked/status",
        {"status": {"replicas": 1}},
        content_type="application/merge-patch+json",
        fieldManager="controller",
    ).json()
    status_entry = next(m for m in updated["metadata"]["managedFields"] if m["manager"] == "controller")
    assert status_entry["subresource"] == "status"
    assert "f:status" in status_entry["fieldsV1"]
