"""What later layers plug into kubelite: admission plugins, kinds registered in code, extra subresources."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from kubelite.apiserver import errors
from kubelite.apiserver.admission import AdmissionPlugin, AdmissionRequest
from kubelite.apiserver.http.bodies import read_object, respond
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.server import APIServer
from kubelite.apiserver.store import RequestContext
from kubelite.apiserver.strategy import Strategy
from tests.integration.http import Client, status_of
from tests.integration.server import threaded_server

pytestmark = pytest.mark.integration

THINGS = "/apis/things.example.com/v1/namespaces/default/things"


class Labeller(AdmissionPlugin):
    """Mutates every Thing (adds a label) and refuses a reserved name, seeing the user and the operation."""

    name = "Labeller"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, bool]] = []

    async def mutate(self, request: AdmissionRequest) -> None:
        if request.resource.kind == "Thing" and request.object is not None:
            request.object.setdefault("metadata", {}).setdefault("labels", {})["admitted-by"] = self.name

    async def validate(self, request: AdmissionRequest) -> None:
        if request.resource.kind != "Thing":
            return
        self.seen.append((request.operation, request.user.name, request.dry_run))
        if request.name == "reserved":
            raise errors.APIError(403, "Forbidden", 'things "reserved" is forbidden: the name is reserved')
        if request.operation == "UPDATE" and request.old_object is not None:
            assert request.old_object["metadata"]["name"] == request.name


async def bind(request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext) -> web.StreamResponse:
    """A `things/binding` subresource, as Gardener's `shoots/binding`: sets spec.target through the store."""
    body = await read_object(request)
    target = body.get("target", {}).get("name")
    if not target:
        raise errors.invalid_object("Binding", "", info.name, [errors.required("target.name")])
    thing = await SERVER["server"].store.get(rt, info.namespace, info.name)
    thing.setdefault("spec", {})["target"] = target
    updated, _ = await SERVER["server"].store.update(rt, info.namespace, info.name, thing, ctx)
    return respond(updated, 201)


SERVER: dict[str, APIServer] = {}
PLUGIN = Labeller()


def setup(server: APIServer) -> None:
    SERVER["server"] = server
    server.registry.register(
        ResourceType(
            "things.example.com",
            "v1",
            "Thing",
            "things",
            "thing",
            True,
            Strategy(),
            extra_subresources=("binding",),
        )
    )
    server.resources.register_subresource("things.example.com", "things", "binding", bind)
    server.admission.add(PLUGIN)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    with threaded_server(Path(tmp_path_factory.mktemp("ext")), setup=setup) as running:
        yield Client(running)


def thing(name: str) -> dict[str, object]:
    return {"apiVersion": "things.example.com/v1", "kind": "Thing", "metadata": {"name": name}}


def test_a_kind_registered_in_code_is_discovered_and_served(client: Client) -> None:
    resources = client.request("GET", "/apis/things.example.com/v1").json()["resources"]
    assert {r["name"] for r in resources} == {"things", "things/binding"}
    created = client.request("POST", THINGS, thing("t1"))
    assert created.status_code == 201


def test_admission_mutates_then_validates(client: Client) -> None:
    created = client.request("POST", THINGS, thing("t2")).json()
    assert created["metadata"]["labels"] == {"admitted-by": "Labeller"}
    status_of(client.request("POST", THINGS, thing("reserved")), 403, "Forbidden")
    assert "reserved" not in client.names(THINGS)
    client.request("POST", THINGS, thing("t3"), dryRun="All")
    assert ("CREATE", "kubelite-admin", True) in PLUGIN.seen
    client.request("PATCH", THINGS + "/t2", {"spec": {"a": 1}}, content_type="application/merge-patch+json")
    assert ("UPDATE", "kubelite-admin", False) in PLUGIN.seen


def test_an_extra_subresource_is_served_by_its_handler(client: Client) -> None:
    client.request("POST", THINGS, thing("t4"))
    bound = client.request("POST", THINGS + "/t4/binding", {"target": {"name": "seed-1"}})
    assert bound.status_code == 201, bound.text
    assert client.request("GET", THINGS + "/t4").json()["spec"]["target"] == "seed-1"
    status_of(client.request("POST", THINGS + "/t4/binding", {"target": {}}), 422, "Invalid")
    status_of(client.request("POST", THINGS + "/t4/nothing", {}), 404, "NotFound")


def test_aggregated_discovery_lists_the_kind(client: Client) -> None:
    for version in ("v2", "v2beta1"):
        response = client.session.get(
            client.server.url + "/apis",
            timeout=10,
            headers={
                "Accept": f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList,"
                "application/json"
            },
        )
        assert response.headers["Content-Type"].startswith(
            f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
        )
        body = response.json()
        assert body["apiVersion"] == f"apidiscovery.k8s.io/{version}"
        group = next(g for g in body["items"] if g["metadata"]["name"] == "things.example.com")
        resource = group["versions"][0]["resources"][0]
        assert resource["resource"] == "things"
        assert resource["scope"] == "Namespaced"
        assert resource["subresources"][0]["subresource"] == "binding"
