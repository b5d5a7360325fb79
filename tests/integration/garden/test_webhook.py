"""The admission webhook over HTTPS: real AdmissionReview v1 round trips, plugins reading a real API server through
KubernetesReader, the JSON patch of a mutation, and how refusals, malformed reviews and crashes are answered.

A plain kubelite server plays the garden the reader talks to; the webhook runs in a thread of its own with a
serving certificate from a CA of its own.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
import requests

from garden.admission.deletion import CONFIRMATION_ANNOTATION, DeletionConfirmation
from garden.admission.errors import FieldError, refused
from garden.admission.kubereader import KubernetesReader
from garden.admission.request import Chain, Plugin, Reader, Request
from garden.admission.webhook import make_app, serve, server_ssl_context
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.tls import ServingCerts, ensure_serving_certs
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

NAMESPACE = "webhook-test"
TEST_GROUP = "test.example.com"
CORE = "core.gardener.cloud"


class SetAndRemove(Plugin):
    """Mutates widgets: sets a field, adds an annotation with a ``/`` in its key, removes a field."""

    name = "SetAndRemove"

    async def mutate(self, request: Request) -> None:
        if request.resource != "widgets" or request.object is None:
            return
        obj = request.object
        obj["metadata"].setdefault("annotations", {})["example.com/defaulted"] = "true"
        obj["spec"]["replicas"] = 3
        obj["spec"].pop("obsolete", None)


class NamespaceMustExist(Plugin):
    """Refuses gadgets in a namespace the garden does not have, reading it through the reader."""

    name = "NamespaceMustExist"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def validate(self, request: Request) -> None:
        if request.resource != "gadgets":
            return
        if await self.reader.get("", "v1", "namespaces", None, request.namespace) is None:
            raise refused(
                request.kind,
                request.group,
                request.name,
                [FieldError("FieldValueNotFound", "metadata.namespace", "", request.namespace)],
            )


class Crash(Plugin):
    name = "Crash"

    async def mutate(self, request: Request) -> None:
        if request.resource == "crashes":
            raise RuntimeError("the plugin has a bug")

    async def validate(self, request: Request) -> None:
        if request.resource == "crashes":
            _ = 1 // 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def plain_server(kubelite: RunningServer) -> RunningServer:
    """The plain kubelite server (no Gardener API) the reader talks to, with the test's namespace."""
    kubelite.kubectl("create", "namespace", NAMESPACE)
    kubelite.kubectl("create", "configmap", "settings", "-n", NAMESPACE, "--from-literal=color=blue")
    return kubelite


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> ServingCerts:
    return ensure_serving_certs(tmp_path_factory.mktemp("webhook-pki"), ["127.0.0.1"])


@pytest.fixture(scope="module")
def reader(plain_server: RunningServer) -> Iterator[KubernetesReader]:
    reader = KubernetesReader.from_kubeconfig(plain_server.kubeconfig)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def webhook_url(reader: KubernetesReader, certs: ServingCerts) -> Iterator[str]:
    """The webhook on a free loopback port, in its own event loop in a daemon thread."""
    chain = Chain([DeletionConfirmation(), SetAndRemove(), NamespaceMustExist(reader), Crash()])
    context = server_ssl_context(certs.cert_file, certs.key_file)
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def main() -> None:
        stop = asyncio.Event()
        try:
            async with serve(make_app(chain), "127.0.0.1", 0, context) as port:
                holder.update(port=port, stop=stop, loop=asyncio.get_running_loop())
                started.set()
                await stop.wait()
        except BaseException as exc:
            holder["error"] = exc
            started.set()
            raise

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert started.wait(30), "the webhook did not start within 30 s"
    if "error" in holder:
        raise RuntimeError("the webhook failed to start") from holder["error"]
    try:
        yield f"https://127.0.0.1:{holder['port']}"
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(30)


@pytest.fixture
def session(certs: ServingCerts) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # REQUESTS_CA_BUNDLE is set on this machine; the webhook's CA is our own
        session.verify = str(certs.ca_file)
        yield session


def review(
    operation: str,
    resource: str,
    kind: str,
    name: str,
    *,
    group: str = TEST_GROUP,
    version: str = "v1",
    namespace: str = NAMESPACE,
    obj: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
    subresource: str = "",
) -> dict[str, Any]:
    """An AdmissionReview v1 request as kube-apiserver sends it."""
    request: dict[str, Any] = {
        "uid": str(uuid.uuid4()),
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": resource},
        "requestKind": {"group": group, "version": version, "kind": kind},
        "requestResource": {"group": group, "version": version, "resource": resource},
        "name": name,
        "namespace": namespace,
        "operation": operation,
        "userInfo": {
            "username": "alice@example.com",
            "uid": "u-1",
            "groups": ["system:authenticated", "developers"],
            "extra": {"scopes": ["a", "b"]},
        },
        "object": obj,
        "oldObject": old,
        "dryRun": False,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": f"{operation.title()}Options"},
    }
    if subresource:
        request["subResource"] = subresource
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def post(session: requests.Session, url: str, body: dict[str, Any]) -> dict[str, Any]:
    """Send a review; check the envelope of the answer and return its ``response``."""
    answer = session.post(url, json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    reply = answer.json()
    assert reply["apiVersion"] == "admission.k8s.io/v1"
    assert reply["kind"] == "AdmissionReview"
    response: dict[str, Any] = reply["response"]
    assert response["uid"] == body["request"]["uid"]
    return response


def shoot(annotations: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "dev", "namespace": NAMESPACE}
    if annotations is not None:
        metadata["annotations"] = annotations
    return {"apiVersion": f"{CORE}/v1beta1", "kind": "Shoot", "metadata": metadata, "spec": {"region": "eu-west-1"}}


def test_healthz(webhook_url: str, session: requests.Session) -> None:
    answer = session.get(f"{webhook_url}/healthz", timeout=30)
    assert answer.status_code == 200
    assert answer.text == "ok"


def test_deleting_a_shoot_without_confirmation_is_refused(webhook_url: str, session: requests.Session) -> None:
    body = review("DELETE", "shoots", "Shoot", "dev", group=CORE, version="v1beta1", old=shoot())
    response = post(session, f"{webhook_url}/webhooks/validate", body)
    assert response["allowed"] is False
    status = response["status"]
    assert status["code"] == 403
    assert status["reason"] == "Forbidden"
    assert status["status"] == "Failure"
    assert status["message"] == (
        f'shoots.{CORE} "dev" is forbidden: must have a "{CONFIRMATION_ANNOTATION}" annotation to delete'
    )
    assert status["details"] == {"name": "dev", "group": CORE, "kind": "shoots"}


def test_deleting_a_confirmed_shoot_is_allowed(webhook_url: str, session: requests.Session) -> None:
    old = shoot({CONFIRMATION_ANNOTATION: "true"})
    body = review("DELETE", "shoots", "Shoot", "dev", group=CORE, version="v1beta1", old=old)
    response = post(session, f"{webhook_url}/webhooks/validate", body)
    assert response == {"uid": body["request"]["uid"], "allowed": True}
    # The mutating endpoint has nothing to change on a DELETE.
    response = post(session, f"{webhook_url}/webhooks/mutate", body)
    assert response == {"uid": body["request"]["uid"], "allowed": True}


def test_mutation_comes_back_as_a_json_patch(webhook_url: str, session: requests.Session) -> None:
    widget: dict[str, Any] = {
        "apiVersion": f"{TEST_GROUP}/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": NAMESPACE, "labels": {"app": "w"}},
        "spec": {"replicas": 1, "obsolete": True, "color": "red"},
    }
    body = review("CREATE", "widgets", "Widget", "w", obj=copy.deepcopy(widget))
    response = post(session, f"{webhook_url}/webhooks/mutate", body)
    assert response["allowed"] is True
    assert response["patchType"] == "JSONPatch"
    patch = json.loads(base64.b64decode(response["patch"]))
    expected = copy.deepcopy(widget)
    expected["metadata"]["annotations"] = {"example.com/defaulted": "true"}
    expected["spec"]["replicas"] = 3
    del expected["spec"]["obsolete"]
    assert jsonpatch.apply_patch(widget, patch) == expected
    assert {"op": "remove", "path": "/spec/obsolete"} in patch

    # An object the plugins leave alone gets no patch at all.
    body = review("CREATE", "gadgets", "Gadget", "g", obj={"metadata": {"name": "g"}, "spec": {}})
    assert post(session, f"{webhook_url}/webhooks/mutate", body) == {"uid": body["request"]["uid"], "allowed": True}


def test_a_plugin_reads_the_garden_through_the_reader(webhook_url: str, session: requests.Session) -> None:
    gadget = {"apiVersion": f"{TEST_GROUP}/v1", "kind": "Gadget", "metadata": {"name": "g"}}
    body = review("CREATE", "gadgets", "Gadget", "g", obj=gadget)
    assert post(session, f"{webhook_url}/webhooks/validate", body)["allowed"] is True

    body = review("CREATE", "gadgets", "Gadget", "g", namespace="no-such-namespace", obj=gadget)
    response = post(session, f"{webhook_url}/webhooks/validate", body)
    assert response["allowed"] is False
    status = response["status"]
    assert status["code"] == 422
    assert status["reason"] == "Invalid"
    assert status["message"] == (
        f'Gadget.{TEST_GROUP} "g" is invalid: metadata.namespace: Not found: "no-such-namespace"'
    )
    assert status["details"]["causes"] == [
        {"reason": "FieldValueNotFound", "message": 'Not found: "no-such-namespace"', "field": "metadata.namespace"}
    ]


async def test_kubernetes_reader_gets_and_lists(reader: KubernetesReader) -> None:
    namespace = await reader.get("", "v1", "namespaces", None, NAMESPACE)
    assert namespace is not None
    assert namespace["kind"] == "Namespace"
    assert namespace["metadata"]["name"] == NAMESPACE
    assert await reader.get("", "v1", "namespaces", None, "no-such-namespace") is None

    settings = await reader.get("", "v1", "configmaps", NAMESPACE, "settings")
    assert settings is not None
    assert settings["data"] == {"color": "blue"}
    assert await reader.get("", "v1", "configmaps", NAMESPACE, "absent") is None

    names = {item["metadata"]["name"] for item in await reader.list("", "v1", "namespaces")}
    assert {NAMESPACE, "default"} <= names
    listed = await reader.list("", "v1", "configmaps", NAMESPACE)
    assert "settings" in {item["metadata"]["name"] for item in listed}

    # A group the server does not serve reads as nothing there (404), both ways.
    assert await reader.get(CORE, "v1beta1", "shoots", NAMESPACE, "dev") is None
    assert await reader.list(CORE, "v1beta1", "shoots", NAMESPACE) == []
    assert await reader.get("apps", "v1", "deployments", NAMESPACE, "absent") is None


async def test_kubernetes_reader_turns_failures_into_internal_errors(
    plain_server: RunningServer, tmp_path: Path
) -> None:
    kubeconfig = tmp_path / "bad-token.kubeconfig"
    kubeconfig.write_text(plain_server.kubeconfig.read_text().replace(plain_server.token, "not-a-valid-token"))
    bad = KubernetesReader.from_kubeconfig(kubeconfig)
    try:
        with pytest.raises(APIError) as caught:
            await bad.get("", "v1", "namespaces", None, NAMESPACE)
    finally:
        bad.close()
    assert caught.value.code == 500
    assert "GET /api/v1/namespaces/webhook-test: 401" in caught.value.message


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "JSON object"),
        (json.dumps({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview"}).encode(), "apiVersion"),
        (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}).encode(), "no request"),
    ],
    ids=["not-json", "not-an-object", "v1beta1", "no-request"],
)
def test_a_malformed_review_is_a_bad_request(
    webhook_url: str, session: requests.Session, body: bytes, fragment: str
) -> None:
    for path in ("/webhooks/validate", "/webhooks/mutate"):
        answer = session.post(f"{webhook_url}{path}", data=body, timeout=30)
        assert answer.status_code == 400, answer.text
        status = answer.json()
        assert status["code"] == 400
        assert status["reason"] == "BadRequest"
        assert fragment in status["message"]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("uid", None, "request.uid"),
        ("operation", "PATCH", "request.operation"),
        ("resource", "shoots", "request.resource"),
        ("object", ["not", "an", "object"], "request.object"),
        ("userInfo", {"username": "a", "groups": "not-a-list"}, "request.userInfo.groups"),
    ],
)
def test_a_review_with_a_bad_field_is_a_bad_request(
    webhook_url: str, session: requests.Session, field: str, value: Any, fragment: str
) -> None:
    body = review("CREATE", "widgets", "Widget", "w", obj={"metadata": {"name": "w"}})
    body["request"][field] = value
    answer = session.post(f"{webhook_url}/webhooks/validate", json=body, timeout=30)
    assert answer.status_code == 400, answer.text
    assert fragment in answer.json()["message"]


def test_a_crashing_plugin_refuses_with_an_internal_error(
    webhook_url: str, session: requests.Session, caplog: pytest.LogCaptureFixture
) -> None:
    body = review("CREATE", "crashes", "Crash", "c", obj={"metadata": {"name": "c"}})
    for path, error in (("/webhooks/validate", "ZeroDivisionError"), ("/webhooks/mutate", "RuntimeError")):
        response = post(session, f"{webhook_url}{path}", body)
        assert response["allowed"] is False
        status = response["status"]
        assert status["code"] == 500
        assert status["reason"] == "InternalError"
        assert "admission plugin 'Crash'" in status["message"]
        assert error in status["message"]
    # The server is still serving.
    assert session.get(f"{webhook_url}/healthz", timeout=30).text == "ok"


def test_the_command_serves_the_garden_chain(
    plain_server: RunningServer, certs: ServingCerts, session: requests.Session, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "webhook.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "garden"),
                "admission-webhook",
                "--bind-address=127.0.0.1",
                f"--port={port}",
                f"--tls-cert-file={certs.cert_file}",
                f"--tls-private-key-file={certs.key_file}",
                f"--kubeconfig={plain_server.kubeconfig}",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
        )
    try:
        url = f"https://127.0.0.1:{port}"

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the webhook exited with {process.returncode}:\n{log.read_text()}")
            try:
                return session.get(f"{url}/healthz", timeout=5).text == "ok"
            except requests.ConnectionError:
                return False

        wait_for(healthy, "the webhook's /healthz", timeout=60)
        body = review("DELETE", "shoots", "Shoot", "dev", group=CORE, version="v1beta1", old=shoot())
        response = post(session, f"{url}/webhooks/validate", body)
        assert response["allowed"] is False
        assert response["status"]["code"] == 403
    finally:
        process.terminate()
        try:
            assert process.wait(15) == 0, log.read_text()
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise


def test_the_command_needs_its_certificate(tmp_path: Path) -> None:
    from garden.admission.command import main  # noqa: PLC0415

    assert main([]) == 2
    assert main(["--tls-cert-file", str(tmp_path / "absent.crt"), "--tls-private-key-file", str(tmp_path)]) == 2
