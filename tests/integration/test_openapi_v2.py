"""``/openapi/v2`` as real kubectl uses it: client-side validation of ``kind: List`` manifests (which the v3
documents cannot vouch for), ``explain --output=plaintext-openapiv2``, and the raw document."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from tests.integration.http import Client
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

CRD = textwrap.dedent(
    """\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: widgets.v2.example.com}
    spec:
      group: v2.example.com
      scope: Namespaced
      names: {plural: widgets, singular: widget, kind: Widget}
      versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                required: [size]
                properties:
                  size: {type: integer, description: How big it is.}
                  port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
                  note: {type: string, nullable: true}
                  extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  tags: {type: array, items: {type: string}}
    """
)


def a_list(*items: dict[str, object]) -> str:
    return yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": list(items)})


def configmap(name: str, ns: str, **extra: object) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns},
        "data": {"a": "b"},
    } | extra


def deployment(name: str, ns: str) -> dict[str, object]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "selector": {"matchLabels": labels},
            "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "nginx",
                            "ports": [{"containerPort": 80}],
                            "resources": {"limits": {"cpu": 1, "memory": "1Gi"}},
                        }
                    ]
                },
            },
        },
    }


@pytest.fixture(scope="module")
def ns(kubelite: RunningServer) -> str:
    kubelite.kubectl("create", "namespace", "openapi-v2")
    return "openapi-v2"


@pytest.fixture(scope="module")
def widgets(kubelite: RunningServer) -> None:
    kubelite.kubectl("apply", "-f", "-", input=CRD)
    kubelite.kubectl("wait", "--for=condition=Established", "crd/widgets.v2.example.com", "--timeout=20s")


def test_a_list_of_builtins_applies_and_reapplies(kubelite: RunningServer, ns: str) -> None:
    result = kubelite.kubectl("apply", "-f", "-", input=a_list(configmap("cm1", ns), deployment("web", ns)))
    assert "configmap/cm1 created" in result.stdout and "deployment.apps/web created" in result.stdout

    exported = kubelite.kubectl("get", "configmap/cm1", "deployment/web", "-n", ns, "-o", "yaml").stdout
    assert yaml.safe_load(exported)["kind"] == "List"
    result = kubelite.kubectl("apply", "-f", "-", input=exported)
    assert "configmap/cm1" in result.stdout and "deployment.apps/web" in result.stdout
    kubelite.kubectl("create", "--dry-run=server", "-f", "-", input=a_list(configmap("cm2", ns)))


def test_a_list_with_an_unknown_field_is_refused(kubelite: RunningServer, ns: str) -> None:
    manifest = a_list(configmap("cm3", ns), configmap("cm4", ns, bogus=1))
    result = kubelite.kubectl("apply", "--validate=strict", "-f", "-", input=manifest, check=False)
    assert result.returncode != 0
    assert 'unknown field "bogus" in io.k8s.api.core.v1.ConfigMap' in result.stderr
    assert kubelite.kubectl("get", "configmap/cm3", "-n", ns, check=False).returncode != 0  # nothing was applied

    # Without validation kubectl sends fieldValidation=Ignore, and the server drops the field.
    result = kubelite.kubectl("apply", "--validate=false", "-f", "-", input=manifest)
    assert "configmap/cm4 created" in result.stdout
    assert "bogus" not in kubelite.kubectl_yaml("get", "configmap/cm4", "-n", ns)


def test_a_list_of_custom_resources_applies(kubelite: RunningServer, ns: str, widgets: None) -> None:
    def widget(name: str, spec: dict[str, object]) -> dict[str, object]:
        return {
            "apiVersion": "v2.example.com/v1",
            "kind": "Widget",
            "metadata": {"name": name, "namespace": ns},
            "spec": spec,
        }

    good = a_list(
        widget("w1", {"size": 1, "port": "http", "note": None, "extra": {"anything": [1, {"goes": True}]}}),
        widget("w2", {"size": 2, "port": 8080, "tags": ["a"]}),
    )
    result = kubelite.kubectl("apply", "-f", "-", input=good)
    assert "widget.v2.example.com/w1 created" in result.stdout and "widget.v2.example.com/w2 created" in result.stdout

    bad = a_list(widget("w3", {"size": 3, "colour": "red"}))
    result = kubelite.kubectl("apply", "--validate=strict", "-f", "-", input=bad, check=False)
    assert result.returncode != 0
    assert 'unknown field "colour" in com.example.v2.v1.Widget.spec' in result.stderr

    missing = a_list(widget("w4", {"port": 1}))
    result = kubelite.kubectl("apply", "-f", "-", input=missing, check=False)
    assert result.returncode != 0 and 'missing required field "size"' in result.stderr

    explained = kubelite.kubectl("explain", "widgets.spec", "--output=plaintext-openapiv2").stdout
    assert "size\t<integer> -required-" in explained and "How big it is." in explained


def test_the_raw_document(kubelite: RunningServer, widgets: None) -> None:
    document = json.loads(kubelite.kubectl("get", "--raw", "/openapi/v2").stdout)
    assert document["swagger"] == "2.0"
    assert document["info"]["title"] == "Kubernetes"
    definitions = document["definitions"]
    configmap = definitions["io.k8s.api.core.v1.ConfigMap"]
    assert configmap["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "ConfigMap", "version": "v1"}]
    assert configmap["properties"]["metadata"] == {
        "$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    }
    assert definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] == {
        "format": "int-or-string",
        "type": "string",
    }
    assert "com.example.v2.v1.Widget" in definitions and "com.example.v2.v1.WidgetList" in definitions
    assert "#/components/" not in json.dumps(document)
    patch = document["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"]
    assert {"name": "fieldValidation", "in": "query"}.items() <= next(
        p for p in patch["parameters"] if p["name"] == "fieldValidation"
    ).items()
    assert patch["x-kubernetes-group-version-kind"] == {"group": "", "kind": "ConfigMap", "version": "v1"}

    explained = kubelite.kubectl("explain", "deployment.spec.strategy", "--output=plaintext-openapiv2").stdout
    assert "rollingUpdate\t<Object>" in explained


def test_negotiation_and_etags(kubelite: RunningServer) -> None:
    client = Client(kubelite)
    url = kubelite.url + "/openapi/v2"

    as_protobuf = client.session.get(url, headers={"Accept": PROTOBUF}, timeout=30)
    assert as_protobuf.status_code == 200
    assert as_protobuf.headers["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert as_protobuf.content[:5] == b"\x0a\x032.0"  # swagger = 1: "2.0"

    as_json = client.session.get(url, headers={"Accept": "application/json"}, timeout=30)
    assert as_json.status_code == 200 and as_json.headers["Content-Type"] == "application/json"
    etag = as_json.headers["ETag"]
    assert etag.startswith('"') and etag != as_protobuf.headers["ETag"]

    cached = client.session.get(url, headers={"Accept": "application/json", "If-None-Match": etag}, timeout=30)
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == etag
    stale = client.session.get(url, headers={"Accept": "application/json", "If-None-Match": '"other"'}, timeout=30)
    assert stale.status_code == 200 and stale.json()["swagger"] == "2.0"

    refused = client.session.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert refused.status_code == 406 and refused.json()["reason"] == "NotAcceptable"
