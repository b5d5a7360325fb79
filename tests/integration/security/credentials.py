"""Real credentials for real kubectl: a client CA and certificates signed by it, token files, and kubeconfigs that
present either, against a running kubelite."""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.integration.server import KUBECTL, RunningServer


def _name(cn: str, *orgs: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs] + [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


@dataclass
class ClientCA:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    path: Path

    @classmethod
    def create(cls, directory: Path) -> ClientCA:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("client-ca"))
            .issuer_name(_name("client-ca"))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        path = directory / "client-ca.crt"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cls(cert, key, path)

    def issue(self, directory: Path, cn: str, *orgs: str) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(cn, *orgs))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .sign(self.key, hashes.SHA256())
        )
        safe = cn.replace(":", "_")
        cert_path, key_path = directory / f"{safe}.crt", directory / f"{safe}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_path, key_path


@dataclass
class Identity:
    """kubectl as one user of one server."""

    server: RunningServer
    kubeconfig: Path

    def kubectl(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KUBECTL), "--kubeconfig", str(self.kubeconfig), *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=60,
            check=False,
            env={
                **os.environ,
                "HOME": str(self.kubeconfig.parent),
                "KUBECACHEDIR": str(self.kubeconfig.parent / "cache"),
            },
        )

    def ok(self, *args: str, input: str | None = None) -> str:
        result = self.kubectl(*args, input=input)
        if result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def can_i(self, *args: str) -> bool:
        result = self.kubectl("auth", "can-i", *args)
        answer = result.stdout.strip()
        assert answer in ("yes", "no"), f"kubectl auth can-i {' '.join(args)}: {result.stdout!r} {result.stderr!r}"
        return answer == "yes"


def identity(server: RunningServer, directory: Path, name: str, user: dict[str, str]) -> Identity:
    """A kubeconfig for ``server`` whose user is ``user`` (``token``, or ``client-certificate``/``client-key``)."""
    home = directory / name.replace(":", "_")
    home.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load(server.kubeconfig.read_text())
    config["users"][0]["user"] = dict(user)
    path = home / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return Identity(server, path)


def token_identity(server: RunningServer, directory: Path, name: str, token: str) -> Identity:
    return identity(server, directory, name, {"token": token})


def cert_identity(server: RunningServer, directory: Path, ca: ClientCA, cn: str, *orgs: str) -> Identity:
    cert, key = ca.issue(directory, cn, *orgs)
    return identity(server, directory, cn, {"client-certificate": str(cert), "client-key": str(key)})
