"""Client certificates and bootstrap tokens, through real kubectl."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.integration.server import RunningServer, threaded_server

pytestmark = pytest.mark.integration


def _name(cn: str, *orgs: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs] + [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


def _ca(directory: Path, name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = directory / f"{name}.crt"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key, path


def _client(
    directory: Path, ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Path], cn: str, *orgs: str
) -> tuple[Path, Path]:
    ca_cert, ca_key, _ = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, *orgs))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{cn}.crt", directory / f"{cn}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(scope="module")
def client_ca(pki: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Path]:
    return _ca(pki, "client-ca")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, client_ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Path]
) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("auth")
    with threaded_server(data, client_ca_file=client_ca[2], enable_bootstrap_token_auth=True) as running:
        yield running


def _kubeconfig(server: RunningServer, path: Path, user: dict[str, str]) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server.url, "certificate-authority": str(server.ca_file)}}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x",
    }
    path.write_text(yaml.safe_dump(config))
    return path


def _whoami(server: RunningServer, kubeconfig: Path) -> tuple[int, str]:
    result = server.kubectl("--kubeconfig", str(kubeconfig), "get", "--raw", "/api/v1/namespaces/default", check=False)
    return result.returncode, result.stdout + result.stderr


def test_a_client_certificate_from_the_client_ca_authenticates(
    server: RunningServer, pki: Path, client_ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Path]
) -> None:
    cert, key = _client(pki, client_ca, "alice", "system:masters")
    kubeconfig = _kubeconfig(
        server, pki / "alice.kubeconfig", {"client-certificate": str(cert), "client-key": str(key)}
    )
    code, out = _whoami(server, kubeconfig)
    assert code == 0, out
    created = server.kubectl("--kubeconfig", str(kubeconfig), "create", "configmap", "by-alice", "-o", "yaml")
    assert yaml.safe_load(created.stdout)["metadata"]["name"] == "by-alice"


def test_a_certificate_from_another_ca_is_refused(server: RunningServer, pki: Path) -> None:
    rogue = _ca(pki, "rogue-ca")
    cert, key = _client(pki, rogue, "mallory", "system:masters")
    kubeconfig = _kubeconfig(
        server, pki / "mallory.kubeconfig", {"client-certificate": str(cert), "client-key": str(key)}
    )
    code, out = _whoami(server, kubeconfig)
    # the TLS handshake fails (TLS 1.3 reports it to the client as a closed connection), as with kube-apiserver
    assert code != 0 and "Unable to connect to the server" in out


def _bootstrap_secret(server: RunningServer, token_id: str, secret: str, **extra: str) -> None:
    data = {"token-id": token_id, "token-secret": secret, "usage-bootstrap-authentication": "true", **extra}
    manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": f"bootstrap-token-{token_id}", "namespace": "kube-system"},
        "type": "bootstrap.kubernetes.io/token",
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
    }
    server.kubectl("apply", "-f", "-", input=yaml.safe_dump(manifest))


def test_a_bootstrap_token_authenticates_until_its_secret_goes(server: RunningServer, pki: Path) -> None:
    _bootstrap_secret(server, "abcdef", "0123456789abcdef", **{"auth-extra-groups": "system:bootstrappers:worker"})
    kubeconfig = _kubeconfig(server, pki / "node.kubeconfig", {"token": "abcdef.0123456789abcdef"})
    code, out = _whoami(server, kubeconfig)
    assert code == 0, out

    wrong = _kubeconfig(server, pki / "wrong.kubeconfig", {"token": "abcdef.0123456789abcdeX"})
    code, out = _whoami(server, wrong)
    assert code != 0 and "Unauthorized" in out

    server.kubectl("delete", "secret", "-n", "kube-system", "bootstrap-token-abcdef")
    code, out = _whoami(server, kubeconfig)
    assert code != 0 and "Unauthorized" in out


def test_an_expired_bootstrap_token_is_refused(server: RunningServer, pki: Path) -> None:
    _bootstrap_secret(server, "expire", "0123456789abcdef", expiration="2020-01-01T00:00:00Z")
    kubeconfig = _kubeconfig(server, pki / "expired.kubeconfig", {"token": "expire.0123456789abcdef"})
    code, out = _whoami(server, kubeconfig)
    assert code != 0 and "Unauthorized" in out
