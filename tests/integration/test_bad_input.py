"""Bad requests get the right kind: Status code, reason and causes, and change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration.http import Client, status_of
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(kubelite: RunningServer) -> Iterator[Client]:
    c = Client(kubelite)
    c.namespace("bad")
    yield c


CM = "/api/v1/namespaces/bad/configmaps"


def cm(name: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, **extra}


def test_malformed_json_is_400(client: Client) -> None:
    status_of(client.request("POST", CM, raw=b'{"apiVersion": "v1", "kind": '), 400, "BadRequest")
    assert client.names(CM) == []


def test_a_bad_label_selector_is_400(client: Client) -> None:
    body = status_of(client.request("GET", CM, labelSelector="a in (b"), 400, "BadRequest")
    assert body["message"] == "unable to parse requirement: found '', expected: ',' or ')'"
    status_of(client.request("GET", CM, fieldSelector="spec.nodeName=x"), 400, "BadRequest")


def test_no_credentials_is_401_but_health_is_public(client: Client) -> None:
    anonymous = requests.Session()
    anonymous.trust_env = False
    anonymous.verify = str(client.server.ca_file)
    status_of(anonymous.get(client.server.url + "/api/v1/namespaces", timeout=10), 401, "Unauthorized")
    bad_token = anonymous.get(
        client.server.url + "/api/v1/namespaces", timeout=10, headers={"Authorization": "Bearer nope"}
    )
    status_of(bad_token, 401, "Unauthorized")
    health = anonymous.get(client.server.url + "/readyz", timeout=10)
    assert health.status_code == 200 and health.text == "ok"


def test_deleting_a_system_namespace_is_403(client: Client) -> None:
    status_of(client.request("DELETE", "/api/v1/namespaces/kube-system"), 403, "Forbidden")
    assert client.request("GET", "/api/v1/namespaces/kube-system").json()["status"]["phase"] == "Active"


def test_missing_objects_and_resources_are_404(client: Client) -> None:
    body = status_of(client.request("GET", CM + "/nope"), 404, "NotFound")
    assert body["message"] == 'configmaps "nope" not found'
    assert body["details"] == {"name": "nope", "kind": "configmaps"}
    status_of(client.request("GET", "/api/v1/namespaces/bad/widgets"), 404, "NotFound")
    status_of(client.request("POST", "/api/v1/namespaces/nowhere/configmaps", cm("x")), 404, "NotFound")


def test_wrong_methods_are_405(client: Client) -> None:
    status_of(client.request("POST", CM + "/named", cm("named")), 405, "MethodNotAllowed")
    status_of(client.request("PUT", CM, cm("x")), 405, "MethodNotAllowed")
    assert client.names(CM) == []


def test_conflicts_are_409(client: Client) -> None:
    created = client.request("POST", CM, cm("once", data={"a": "1"}))
    assert created.status_code == 201
    body = status_of(client.request("POST", CM, cm("once", data={"a": "2"})), 409, "AlreadyExists")
    assert body["message"] == 'configmaps "once" already exists'
    stale = created.json()
    client.request("PUT", CM + "/once", {**stale, "data": {"a": "3"}})
    body = status_of(client.request("PUT", CM + "/once", {**stale, "data": {"a": "4"}}), 409, "Conflict")
    assert "the object has been modified" in body["message"]
    assert client.request("GET", CM + "/once").json()["data"] == {"a": "3"}
    precondition = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "not-the-uid"}}
    status_of(client.request("DELETE", CM + "/once", precondition), 409, "Conflict")
    assert client.request("GET", CM + "/once").status_code == 200


def test_a_compacted_continue_token_is_410(kubelite: RunningServer, client: Client) -> None:
    for i in range(3):
        assert client.request("POST", CM, cm(f"page-{i}")).status_code == 201
    first = client.request("GET", CM, limit="1").json()
    token = first["metadata"]["continue"]
    client.request("POST", CM, cm("later"))
    assert kubelite.server is not None and kubelite.loop is not None
    storage = kubelite.server.storage
    revision = asyncio.run_coroutine_threadsafe(storage.current_revision(), kubelite.loop).result()
    asyncio.run_coroutine_threadsafe(storage.compact(revision), kubelite.loop).result()
    status_of(client.request("GET", CM, limit="1", **{"continue": token}), 410, "Expired")


def test_objects_over_the_size_limit_are_413(client: Client) -> None:
    huge = cm("huge", data={"blob": "x" * (2 * 1024 * 1024)})
    status_of(client.request("POST", CM, huge), 413, "RequestEntityTooLarge")
    body = client.request("POST", CM, raw=b"x" * (4 * 1024 * 1024))
    assert body.status_code == 413
    assert "huge" not in client.names(CM)


def test_unsupported_media_types_are_415(client: Client, kubelite: RunningServer) -> None:
    status_of(client.request("POST", CM, raw=b"<cm/>", content_type="application/xml"), 415, "UnsupportedMediaType")
    client.request("POST", CM, cm("patched"))
    status_of(
        client.request("PATCH", CM + "/patched", {"data": {"a": "1"}}, content_type="text/csv"),
        415,
        "UnsupportedMediaType",
    )
    assert "data" not in client.request("GET", CM + "/patched").json()


def test_invalid_objects_are_422_naming_each_field(client: Client) -> None:
    bad = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "Not_A_Name", "labels": {"bad key!": "v"}},
        "data": {"no/slash": "x"},
    }
    body = status_of(client.request("POST", CM, bad), 422, "Invalid")
    fields = {cause["field"] for cause in body["details"]["causes"]}
    assert {"metadata.name", "metadata.labels", "data[no/slash]"} <= fields, body
    assert body["details"]["kind"] == "ConfigMap" and body["details"]["name"] == "Not_A_Name"
    assert body["message"].startswith('ConfigMap "Not_A_Name" is invalid: [')
    unnamed = status_of(
        client.request("POST", CM, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}), 422, "Invalid"
    )
    assert unnamed["details"]["causes"][0]["field"] == "metadata.name"
    assert "Not_A_Name" not in client.names(CM)


def test_a_namespace_mismatch_is_refused(client: Client) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "elsewhere", "namespace": "default"}}
    status_of(client.request("POST", CM, body), 400, "BadRequest")
    assert "elsewhere" not in client.names(CM)
    assert "elsewhere" not in client.names("/api/v1/namespaces/default/configmaps")


def test_a_kind_mismatch_is_400(client: Client) -> None:
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sneaky"}}
    status_of(client.request("POST", CM, body), 400, "BadRequest")
    assert "sneaky" not in client.names(CM)


def test_dry_run_stores_nothing(client: Client) -> None:
    response = client.request("POST", CM, cm("dry", data={"a": "1"}), dryRun="All")
    assert response.status_code == 201
    assert response.json()["metadata"]["uid"]
    assert "dry" not in client.names(CM)
    status_of(client.request("POST", CM, cm("dry"), dryRun="Some"), 422, "Invalid")
