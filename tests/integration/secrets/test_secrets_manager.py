"""The secrets manager against a real kubelite API server, and a kube-apiserver run with what it generated."""

from __future__ import annotations

import base64
import dataclasses
import http.client
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from gardenlet.secrets import controlplane as cp
from gardenlet.secrets.manager import SecretsManager
from gardenlet.secrets.pki import CertificateSpec, issue_ca, issue_certificate
from gardenlet.secrets.rotation import Rotations, apply_operation, settle
from kubelite.client import NAMESPACES, SECRETS, Kube
from tests.fakes.clock import FakeClock
from tests.integration.server import KUBECTL, RunningServer, process_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def kube(kubelite: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(kubelite.kubeconfig)
    yield client
    client.close()


@pytest.fixture
def namespace(kube: Kube, request: pytest.FixtureRequest) -> str:
    name = f"shoot--it--{request.node.name.removeprefix('test_')[:20].replace('_', '-').strip('-')}"
    kube.create(NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return name


def values(namespace: str, server: str = "https://api.it.example.com") -> cp.ControlPlaneSecretsValues:
    return cp.ControlPlaneSecretsValues(
        namespace,
        external_server=server,
        api_domains=("api.it.example.com",),
        api_ips=("127.0.0.1",),
        services_cidr="10.112.0.0/13",
        etcd_names=("etcd-main-client",),
    )


def versions(kube: Kube, namespace: str) -> dict[str, str]:
    return {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in kube.list(SECRETS, namespace)}


def run(
    kube: Kube, namespace: str, clock: FakeClock, rotations: Rotations | None = None
) -> tuple[SecretsManager, cp.ControlPlaneSecrets, list[str]]:
    manager = SecretsManager(kube, namespace, rotations=rotations, clock=clock)
    names = cp.generate(manager, values(namespace))
    return manager, names, manager.cleanup()


def test_a_second_run_writes_nothing(kube: Kube, namespace: str) -> None:
    clock = FakeClock()
    first, names, _ = run(kube, namespace, clock)
    stored = versions(kube, namespace)
    assert set(first.created) == set(stored)
    assert {names.kube_apiserver, names.ca_bundle, names.static_token} <= set(stored)
    second, again, deleted = run(kube, namespace, clock)
    assert again == names
    assert second.created == [] and deleted == []
    assert versions(kube, namespace) == stored
    secret = kube.get(SECRETS, namespace, names.kube_apiserver)
    assert secret is not None and secret["immutable"] is True
    assert secret["metadata"]["labels"]["name"] == "kube-apiserver"


def test_ca_rotation_phases_on_a_real_server(kube: Kube, namespace: str) -> None:
    clock = FakeClock()
    _, before, _ = run(kube, namespace, clock)
    started = apply_operation("rotate-ca-start", {}, clock.now())
    preparing, during, _ = run(kube, namespace, clock, started)

    def ca_secrets() -> list[str]:
        return sorted(s["metadata"]["name"] for s in kube.list(SECRETS, namespace, label_selector="name=ca"))

    assert len(ca_secrets()) == 2
    bundle = kube.get(SECRETS, namespace, during.ca_bundle)
    assert bundle is not None
    assert base64.b64decode(bundle["data"]["bundle.crt"]).count(b"BEGIN CERTIFICATE") == 2
    assert during.kube_apiserver == before.kube_apiserver

    prepared = {kind: settle(rotation, clock.now()) for kind, rotation in started.items()}
    stored = versions(kube, namespace)
    steady, _, deleted = run(kube, namespace, clock, prepared)
    assert steady.created == [] and deleted == [] and versions(kube, namespace) == stored

    completing = apply_operation("rotate-ca-complete", prepared, clock.now())
    finishing, after, _ = run(kube, namespace, clock, completing)
    # Only the CA made when the rotation started is left.
    assert ca_secrets() == [preparing.get("ca").name]
    assert finishing.get("ca").name == preparing.get("ca").name
    final_bundle = kube.get(SECRETS, namespace, after.ca_bundle)
    assert final_bundle is not None
    assert base64.b64decode(final_bundle["data"]["bundle.crt"]) == preparing.signer("ca").certificate.strip() + b"\n"
    assert after.kube_apiserver != before.kube_apiserver
    assert kube.get(SECRETS, namespace, before.kube_apiserver) is None


def test_renewal_on_a_real_server_replaces_certificates_and_removes_the_old_ones(kube: Kube, namespace: str) -> None:
    clock = FakeClock()
    _, before, _ = run(kube, namespace, clock)
    clock.advance(timedelta(days=80))
    _, after, deleted = run(kube, namespace, clock)
    assert after.kube_apiserver != before.kube_apiserver
    assert before.kube_apiserver in deleted
    assert after.ca_bundle == before.ca_bundle


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def kubectl(kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KUBECTL), "--kubeconfig", str(kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"HOME": str(kubeconfig.parent), "KUBECACHEDIR": str(kubeconfig.parent / "cache"), "PATH": ""},
    )


def test_a_kube_apiserver_with_the_generated_credentials_accepts_them(
    kube: Kube, namespace: str, tmp_path: Path
) -> None:
    port = free_port()
    server = f"https://127.0.0.1:{port}"
    manager = SecretsManager(kube, namespace)
    names = cp.generate(manager, dataclasses.replace(values(namespace), external_server=server))

    files = tmp_path / "files"
    files.mkdir()

    def write(name: str, data: bytes) -> Path:
        path = files / name
        path.write_bytes(data)
        return path

    serving = manager.get(cp.KUBE_APISERVER).data
    flags = [
        "--tls-cert-file", str(write("tls.crt", serving["tls.crt"])),
        "--tls-private-key-file", str(write("tls.key", serving["tls.key"])),
        "--client-ca-file", str(write("client-ca.crt", manager.bundle(cp.CA_CLIENT))),
        "--token-auth-file", str(write("tokens.csv", manager.get(cp.STATIC_TOKEN).data["static_tokens.csv"])),
    ]  # fmt: skip
    data_dir = tmp_path / "apiserver"
    data_dir.mkdir()
    with process_server(data_dir, *flags, port=port):
        stored = {
            "gardener (client certificate)": manager.get(cp.GARDENER).data["kubeconfig"],
            "user-kubeconfig (static token)": manager.get(cp.USER_KUBECONFIG).data["kubeconfig"],
            "admin kubeconfig (short-lived)": manager.issue_admin_kubeconfig(
                user="alice", server=server, cluster_name="it", expiration=timedelta(minutes=10)
            ).encode(),
        }
        for what, content in stored.items():
            path = write(f"{what.split()[0]}.kubeconfig", content)
            result = kubectl(path, "create", "configmap", f"by-{what.split()[0]}", "-n", "default")
            assert result.returncode == 0, f"{what}: {result.stderr}"
        listed = kubectl(path, "get", "configmaps", "-n", "default", "-o", "name")
        assert set(listed.stdout.split()) >= {"configmap/by-gardener", "configmap/by-user-kubeconfig"}

        # Credentials the server must refuse: a wrong token, and a certificate from a CA it does not trust.
        config = yaml.safe_load(stored["user-kubeconfig (static token)"])
        config["users"][0]["user"]["token"] = "not-the-token"
        refused = kubectl(write("wrong-token.kubeconfig", yaml.safe_dump(config).encode()), "get", "namespaces")
        assert refused.returncode != 0 and "Unauthorized" in refused.stderr
        foreign_ca = issue_ca("kubernetes-client", FakeClock().now())
        foreign = issue_certificate(CertificateSpec("mallory", ("system:masters",)), foreign_ca, FakeClock().now())
        # NB: kubectl retries a refused handshake for 10 s; one plain TLS request shows the refusal at once.
        ca_file = write("ca.crt", manager.bundle(cp.CA))

        def get_api(certificate: bytes, key: bytes) -> int:
            tls = ssl.create_default_context(cafile=str(ca_file))
            tls.load_cert_chain(write("client.crt", certificate), write("client.key", key))
            connection = http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=10)
            try:
                connection.request("GET", "/api")
                return connection.getresponse().status
            finally:
                connection.close()

        gardener = manager.get(cp.GARDENER).data
        assert get_api(gardener["tls.crt"], gardener["tls.key"]) == 200
        with pytest.raises((ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)):
            get_api(foreign.certificate, foreign.private_key)
        # The serving certificate is checked against the cluster CA: without it, kubectl refuses the server.
        config = yaml.safe_load(stored["gardener (client certificate)"])
        config["clusters"][0]["cluster"]["certificate-authority-data"] = base64.b64encode(
            foreign_ca.certificate
        ).decode()
        untrusted = kubectl(write("untrusted.kubeconfig", yaml.safe_dump(config).encode()), "get", "namespaces")
        assert untrusted.returncode != 0 and "certificate" in untrusted.stderr
    assert names.kube_apiserver == manager.get(cp.KUBE_APISERVER).name
