"""The garden API server: Gardener's kinds served from generated CRDs, Gardener's columns, its subresources."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from garden.api.catalogue import GARDEN_KINDS, SEED_KINDS
from garden.api.kind import resource_kind
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.http import Client
from tests.integration.server import RunningServer, process_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def namespace(garden: RunningServer) -> str:
    return project_with_aws_binding(garden)


@pytest.fixture(scope="module")
def client(garden: RunningServer) -> Iterator[Client]:
    yield Client(garden)


def rows(output: str) -> list[list[str]]:
    """kubectl's table as cells (columns are separated by at least two spaces)."""
    import re  # noqa: PLC0415

    return [re.split(r"\s{2,}", line.strip()) for line in output.strip().splitlines()]


def test_every_garden_kind_is_served_from_an_established_crd(garden: RunningServer) -> None:
    crds = {c["metadata"]["name"]: c for c in garden.kubectl_yaml("get", "crd")["items"]}
    for model in GARDEN_KINDS:
        crd = crds[resource_kind(model).crd_name]
        conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
        assert conditions["Established"] == "True"
    for model in SEED_KINDS:
        assert resource_kind(model).crd_name not in crds  # extension kinds belong to seeds


def test_api_resources_show_gardeners_names(garden: RunningServer) -> None:
    out = garden.kubectl("api-resources", "--api-group=core.gardener.cloud", "-o", "wide").stdout
    table = {r[0]: r for r in rows(out)[1:]}
    assert set(table) >= {"shoots", "seeds", "projects", "cloudprofiles", "secretbindings", "quotas"}
    assert "cprofile,cpfl" in table["cloudprofiles"]
    discovery = json.loads(garden.kubectl("get", "--raw", "/apis/core.gardener.cloud/v1beta1").stdout)
    names = {r["name"] for r in discovery["resources"]}
    assert {"shoots", "shoots/status", "shoots/binding", "shoots/adminkubeconfig"} <= names


def test_shoot_columns_as_gardener_prints_them(garden: RunningServer, namespace: str) -> None:
    apply(garden, aws_shoot("columns"))
    header, row = rows(garden.kubectl("get", "shoots", "-n", namespace, "columns").stdout)
    assert header == [
        "NAME",
        "CLOUDPROFILE",
        "PROVIDER",
        "REGION",
        "K8S VERSION",
        "HIBERNATION",
        "LAST OPERATION",
        "STATUS",
        "AGE",
    ]
    # Gardener's rule: a shoot without operations (or still being created) counts as healthy.
    assert row[:8] == ["columns", "aws", "aws", "eu-central-1", "1.36.2", "Awake", "<pending>", "healthy"]

    status = {
        "status": {
            "hibernated": False,
            "lastOperation": {
                "type": "Reconcile",
                "state": "Processing",
                "progress": 40,
                "description": "Deploying etcd",
                "lastUpdateTime": "2026-11-25T06:00:00Z",
            },
            "conditions": [
                {"type": "APIServerAvailable", "status": "True", "lastTransitionTime": "2026-11-25T06:00:00Z"},
                {"type": "ControlPlaneHealthy", "status": "Progressing", "lastTransitionTime": "2026-11-25T06:00:00Z"},
            ],
        }
    }
    garden.kubectl(
        "patch", "shoot", "columns", "-n", namespace, "--subresource=status", "--type=merge", "-p", json.dumps(status)
    )
    garden.kubectl(
        "patch", "shoot", "columns", "-n", namespace, "--type=merge", "-p", '{"spec":{"hibernation":{"enabled":true}}}'
    )
    _, row = rows(garden.kubectl("get", "shoots", "-n", namespace, "columns").stdout)
    assert row[5:8] == ["Hibernating", "Reconcile Processing (40%)", "progressing"]

    header, row = rows(garden.kubectl("get", "shoots", "-n", namespace, "columns", "-o", "wide").stdout)
    assert header[9:] == ["SEED", "PURPOSE", "APISERVER", "CONTROL", "NODES", "SYSTEM"]
    assert row[9:] == ["<none>", "evaluation", "True", "Progressing", "<unknown>", "<unknown>"]


def test_seed_project_and_cloudprofile_columns(garden: RunningServer, namespace: str) -> None:
    apply(
        garden,
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "Seed",
            "metadata": {"name": "aws-eu1"},
            "spec": {
                "provider": {"type": "aws", "region": "eu-west-1"},
                "networks": {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
                "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
                "ingress": {"domain": "ingress.aws-eu1.example.com", "controller": {"kind": "nginx"}},
            },
        },
    )
    header, row = rows(garden.kubectl("get", "seeds", "aws-eu1").stdout)
    assert header[:4] == ["NAME", "STATUS", "PROVIDER", "REGION"]
    assert row[:4] == ["aws-eu1", "Unknown", "aws", "eu-west-1"]
    conditions = {
        "status": {
            "conditions": [{"type": "GardenletReady", "status": "True", "lastTransitionTime": "2026-11-25T06:00:00Z"}]
        }
    }
    garden.kubectl("patch", "seed", "aws-eu1", "--subresource=status", "--type=merge", "-p", json.dumps(conditions))
    _, row = rows(garden.kubectl("get", "seeds", "aws-eu1").stdout)
    assert row[1] == "Ready"

    header, row = rows(garden.kubectl("get", "projects", "dev").stdout)
    assert header == ["NAME", "NAMESPACE", "STATUS", "OWNER", "CREATOR", "AGE"]
    assert row[:2] == ["dev", namespace]

    header, row = rows(garden.kubectl("get", "cloudprofiles", "aws").stdout)
    assert header == ["NAME", "PROVIDER", "AGE"]
    assert row[:2] == ["aws", "aws"]


def test_deleting_a_shoot_needs_the_confirmation_annotation(garden: RunningServer, namespace: str) -> None:
    apply(garden, aws_shoot("doomed"))
    refused = garden.kubectl("delete", "shoot", "doomed", "-n", namespace, check=False)
    assert refused.returncode != 0
    assert 'must have a "confirmation.gardener.cloud/deletion" annotation to delete' in refused.stderr
    assert garden.kubectl("get", "shoot", "doomed", "-n", namespace, check=False).returncode == 0

    garden.kubectl("annotate", "shoot", "doomed", "-n", namespace, "confirmation.gardener.cloud/deletion=true")
    garden.kubectl("delete", "shoot", "doomed", "-n", namespace, "--wait=false")
    gone = garden.kubectl("get", "shoot", "doomed", "-n", namespace, check=False)
    assert "NotFound" in gone.stderr


def _ca(common_name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def test_admin_kubeconfig_is_signed_by_the_shoots_client_ca(
    garden: RunningServer, namespace: str, client: Client
) -> None:
    apply(garden, aws_shoot("kc"))
    path = f"/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/shoots/kc/adminkubeconfig"
    request = {"apiVersion": "authentication.gardener.cloud/v1alpha1", "kind": "AdminKubeconfigRequest"}

    early = client.request("POST", path, {**request, "spec": {"expirationSeconds": 600}})
    assert early.status_code == 400
    assert "no advertised addresses" in early.json()["message"]

    addresses = {"status": {"advertisedAddresses": [{"name": "external", "url": "https://api.kc.dev.example.com"}]}}
    garden.kubectl(
        "patch", "shoot", "kc", "-n", namespace, "--subresource=status", "--type=merge", "-p", json.dumps(addresses)
    )
    cluster_ca, _ = _ca("cluster-ca")
    client_ca, client_key = _ca("client-ca")
    apply(
        garden,
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "kc.ca-cluster", "namespace": namespace},
            "data": {"ca.crt": cluster_ca.decode()},
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "kc.ca-client", "namespace": namespace},
            "data": {"ca.crt": base64.b64encode(client_ca).decode(), "ca.key": base64.b64encode(client_key).decode()},
        },
    )

    too_short = client.request("POST", path, {**request, "spec": {"expirationSeconds": 10}})
    assert too_short.status_code == 422
    assert too_short.json()["details"]["causes"][0]["field"] == "spec.expirationSeconds"

    answer = client.request("POST", path, {**request, "spec": {"expirationSeconds": 600}})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    kubeconfig = yaml.safe_load(base64.b64decode(body["status"]["kubeconfig"]))
    assert kubeconfig["current-context"] == "dev--kc-external"
    assert kubeconfig["clusters"][0]["cluster"]["server"] == "https://api.kc.dev.example.com"
    assert base64.b64decode(kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"]) == cluster_ca
    cert = x509.load_pem_x509_certificate(base64.b64decode(kubeconfig["users"][0]["user"]["client-certificate-data"]))
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "kubelite-admin"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"
    issuer = x509.load_pem_x509_certificate(client_ca)
    cert.verify_directly_issued_by(issuer)
    lifetime = cert.not_valid_after_utc - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=8) < lifetime <= datetime.timedelta(minutes=10)


def test_garden_apiserver_command_serves_the_gardener_api_across_restarts(tmp_path: Path) -> None:
    with process_server(tmp_path, command=("garden", "apiserver")) as server:
        server.kubectl("apply", "-f", str(Path(__file__).resolve().parents[3] / "cloudprofiles" / "local.yaml"))
        assert server.kubectl("get", "cloudprofiles", "-o", "name").stdout.split() == [
            "cloudprofile.core.gardener.cloud/local"
        ]
    with process_server(tmp_path, command=("garden", "apiserver")) as server:
        assert server.kubectl("get", "cloudprofiles", "-o", "name").stdout.split() == [
            "cloudprofile.core.gardener.cloud/local"
        ]
        out = server.kubectl("get", "shoots", "-A").stderr
        assert "No resources found" in out


def test_unknown_fields_are_refused_by_name_and_nothing_is_stored(garden: RunningServer, namespace: str) -> None:
    body = aws_shoot("typo")
    body["spec"]["provider"]["workers"][0]["maximun"] = 3
    result = garden.kubectl("create", "-f", "-", input=json.dumps(body), check=False)
    assert result.returncode != 0
    assert 'unknown field "spec.provider.workers[0].maximun"' in result.stderr
    assert "NotFound" in garden.kubectl("get", "shoot", "typo", "-n", namespace, check=False).stderr
