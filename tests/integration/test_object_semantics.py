"""Object semantics over raw HTTP: generation, status and spec, finalizers, garbage collection, namespaces."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.integration.http import Client, status_of
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

DEPLOY = "/apis/apps/v1/namespaces/sem/deployments"
CM = "/api/v1/namespaces/sem/configmaps"


@pytest.fixture(scope="module")
def client(kubelite: RunningServer) -> Client:
    c = Client(kubelite)
    c.namespace("sem")
    return c


def deployment(name: str, replicas: int = 1, image: str = "nginx") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": image}]},
            },
        },
        "status": {"replicas": 99},
    }


def merge(client: Client, path: str, patch: dict[str, Any], **params: str) -> dict[str, Any]:
    response = client.request("PATCH", path, patch, content_type="application/merge-patch+json", **params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_sets_identity_and_clears_status(client: Client) -> None:
    created = client.request("POST", DEPLOY, deployment("ident")).json()
    meta = created["metadata"]
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z")
    assert meta["generation"] == 1
    assert created["status"] == {}  # a client cannot set status on create
    assert int(meta["resourceVersion"]) > 0


def test_generate_name(client: Client) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "gen-"}}
    first = client.request("POST", CM, body).json()["metadata"]["name"]
    second = client.request("POST", CM, body).json()["metadata"]["name"]
    assert first.startswith("gen-") and len(first) == len("gen-") + 5
    assert first != second


def test_generation_moves_only_with_spec(client: Client) -> None:
    path = f"{DEPLOY}/gen"
    client.request("POST", DEPLOY, deployment("gen"))
    assert merge(client, path, {"metadata": {"labels": {"a": "b"}}})["metadata"]["generation"] == 1
    assert merge(client, path, {"spec": {"replicas": 3}})["metadata"]["generation"] == 2
    status = merge(client, path + "/status", {"status": {"replicas": 3}})
    assert status["metadata"]["generation"] == 2
    assert status["status"] == {"replicas": 3}


def test_status_is_ignored_on_the_main_resource_and_spec_on_status(client: Client) -> None:
    path = f"{DEPLOY}/split"
    client.request("POST", DEPLOY, deployment("split"))
    merge(client, path + "/status", {"status": {"readyReplicas": 1}})
    main = merge(client, path, {"spec": {"replicas": 5}, "status": {"readyReplicas": 42}})
    assert main["spec"]["replicas"] == 5
    assert main["status"] == {"readyReplicas": 1}
    via_status = merge(
        client,
        path + "/status",
        {"spec": {"replicas": 9}, "status": {"readyReplicas": 2}, "metadata": {"labels": {"x": "y"}}},
    )
    assert via_status["spec"]["replicas"] == 5
    assert via_status["status"] == {"readyReplicas": 2}
    assert "labels" not in via_status["metadata"]


def test_a_no_op_write_keeps_the_resource_version(client: Client) -> None:
    created = client.request(
        "POST", CM, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "noop"}, "data": {"a": "1"}}
    ).json()
    again = merge(client, f"{CM}/noop", {"data": {"a": "1"}})
    assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    put = client.request("PUT", f"{CM}/noop", created).json()
    assert put["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_finalizers_hold_deletion_until_removed(client: Client) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "held", "finalizers": ["example.com/x"]}}
    client.request("POST", CM, body)
    deleted = client.request("DELETE", f"{CM}/held")
    assert deleted.status_code == 200
    assert deleted.json()["metadata"]["deletionTimestamp"]
    held = client.request("GET", f"{CM}/held").json()
    assert held["metadata"]["finalizers"] == ["example.com/x"]
    refused = client.request(
        "PATCH",
        f"{CM}/held",
        {"metadata": {"finalizers": ["example.com/x", "example.com/y"]}},
        content_type="application/merge-patch+json",
    )
    status_of(refused, 422, "Invalid")
    merge(client, f"{CM}/held", {"metadata": {"finalizers": None}})
    status_of(client.request("GET", f"{CM}/held"), 404, "NotFound")


def owned(name: str, owner: dict[str, Any], *, block: bool = False) -> dict[str, Any]:
    ref = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }
    if block:
        ref["blockOwnerDeletion"] = True
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "ownerReferences": [ref]}}


def test_background_deletion_collects_dependents(client: Client) -> None:
    owner = client.request("POST", DEPLOY, deployment("bg")).json()
    client.request("POST", CM, owned("bg-child", owner))
    client.request("DELETE", f"{DEPLOY}/bg")
    wait_for(lambda: client.request("GET", f"{CM}/bg-child").status_code == 404)


def test_foreground_deletion_waits_for_blocking_dependents(client: Client) -> None:
    owner = client.request("POST", DEPLOY, deployment("fg")).json()
    child = owned("fg-child", owner, block=True)
    child["metadata"]["finalizers"] = ["example.com/slow"]
    client.request("POST", CM, child)
    response = client.request(
        "DELETE", f"{DEPLOY}/fg", {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"}
    )
    assert "foregroundDeletion" in response.json()["metadata"]["finalizers"]
    wait_for(lambda: bool(client.request("GET", f"{CM}/fg-child").json()["metadata"].get("deletionTimestamp")))
    time.sleep(0.3)
    assert client.request("GET", f"{DEPLOY}/fg").status_code == 200  # still waiting for its dependent
    merge(client, f"{CM}/fg-child", {"metadata": {"finalizers": None}})
    wait_for(lambda: client.request("GET", f"{DEPLOY}/fg").status_code == 404)


def test_orphan_deletion_keeps_dependents_without_the_reference(client: Client) -> None:
    owner = client.request("POST", DEPLOY, deployment("or")).json()
    client.request("POST", CM, owned("or-child", owner))
    client.request("DELETE", f"{DEPLOY}/or", propagationPolicy="Orphan")
    wait_for(lambda: client.request("GET", f"{DEPLOY}/or").status_code == 404)
    child = client.request("GET", f"{CM}/or-child").json()
    assert "ownerReferences" not in child["metadata"]


def test_dependents_of_a_missing_owner_are_collected(client: Client) -> None:
    ghost = {"metadata": {"name": "ghost", "uid": "00000000-0000-0000-0000-000000000000"}}
    client.request("POST", CM, owned("orphaned", ghost))
    wait_for(lambda: client.request("GET", f"{CM}/orphaned").status_code == 404)


def test_a_terminating_namespace_refuses_new_content(client: Client) -> None:
    client.request(
        "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "closing"}}
    )
    held = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "anchor", "finalizers": ["example.com/x"]}}
    client.request("POST", "/api/v1/namespaces/closing/configmaps", held)
    client.request("DELETE", "/api/v1/namespaces/closing")
    wait_for(lambda: client.request("GET", "/api/v1/namespaces/closing").json()["status"]["phase"] == "Terminating")
    refused = client.request(
        "POST",
        "/api/v1/namespaces/closing/configmaps",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "late"}},
    )
    body = status_of(refused, 403, "Forbidden")
    assert "because it is being terminated" in body["message"]
    merge(client, "/api/v1/namespaces/closing/configmaps/anchor", {"metadata": {"finalizers": None}})
    wait_for(lambda: client.request("GET", "/api/v1/namespaces/closing").status_code == 404)


def test_unknown_fields_warn_by_default_and_fail_when_strict(client: Client) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "warned"}, "dat": {"a": "1"}}
    response = client.request("POST", CM, body)
    assert response.status_code == 201
    assert response.headers["Warning"] == '299 - "unknown field \\"dat\\""'
    assert "dat" not in response.json()
    strict = client.request("POST", CM, {**body, "metadata": {"name": "strict"}}, fieldValidation="Strict")
    body_strict = status_of(strict, 400, "BadRequest")
    assert 'unknown field "dat"' in body_strict["message"]
    ignored = client.request("POST", CM, {**body, "metadata": {"name": "ignored"}}, fieldValidation="Ignore")
    assert ignored.status_code == 201
    assert "Warning" not in ignored.headers


def test_delete_collection_by_label(client: Client) -> None:
    for name, team in (("dc-a", "red"), ("dc-b", "red"), ("dc-c", "blue")):
        client.request(
            "POST", CM, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"team": team}}}
        )
    response = client.request("DELETE", CM, labelSelector="team=red")
    assert response.status_code == 200
    assert sorted(i["metadata"]["name"] for i in response.json()["items"]) == ["dc-a", "dc-b"]
    assert [n for n in client.names(CM) if n.startswith("dc-")] == ["dc-c"]


def test_tables_and_partial_metadata(client: Client) -> None:
    client.request("POST", DEPLOY, deployment("tab", replicas=2))
    table = client.session.get(
        client.server.url + DEPLOY,
        timeout=10,
        headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"},
    ).json()
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == ["Name", "Ready", "Up-to-date", "Available", "Age"]
    row = next(r for r in table["rows"] if r["cells"][0] == "tab")
    assert row["cells"][1] == "0/2"
    assert row["object"]["kind"] == "PartialObjectMetadata"
    partial = client.session.get(
        client.server.url + DEPLOY,
        timeout=10,
        headers={"Accept": "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"},
    ).json()
    assert partial["kind"] == "PartialObjectMetadataList"
    assert all("spec" not in item for item in partial["items"])
