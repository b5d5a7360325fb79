"""Kubeconfigs from gardenctl that real kubectl accepts: a shoot's short-lived admin kubeconfig against a kubelite
API server standing in for the shoot (trusting the client CA the garden signs with, as the gardenlet arranges), the
control plane and seed through a seed kubeconfig in the gardenctl configuration, and ``kubectl-env``."""

from __future__ import annotations

import base64
import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from garden.kube import SHOOTS, Kube
from gardenlet.secrets.pki import KeyPair, issue_ca
from tests.integration.garden.objects import apply, aws_shoot
from tests.integration.gardenctl.conftest import Gardenctl
from tests.integration.gardenctl.test_shoots import _bind, _seed
from tests.integration.server import RunningServer, process_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client_ca() -> KeyPair:
    return issue_ca("kc-client-ca", datetime.datetime.now(datetime.UTC))


@pytest.fixture(scope="module")
def shoot_apiserver(tmp_path_factory: pytest.TempPathFactory, client_ca: KeyPair) -> Iterator[RunningServer]:
    """``kubelite apiserver`` standing in for the shoot's API server, authenticating the shoot's client CA."""
    data = tmp_path_factory.mktemp("shoot-apiserver")
    (data / "client-ca.crt").write_bytes(client_ca.certificate)
    with process_server(data, "--client-ca-file", str(data / "client-ca.crt")) as server:
        yield server


@pytest.fixture(scope="module")
def kc(garden: RunningServer, dev: str, kube: Kube, shoot_apiserver: RunningServer, client_ca: KeyPair) -> str:
    """Shoot ``kc`` on seed aws-eu1, advertising the stand-in's address, with the CA secrets a gardenlet keeps."""
    assert shoot_apiserver.ca_file is not None
    apply(
        garden,
        _seed("aws-eu1"),
        aws_shoot("kc", dev),
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "kc.ca-cluster", "namespace": dev},
            "data": {"ca.crt": shoot_apiserver.ca_file.read_text()},
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "kc.ca-client", "namespace": dev},
            "data": {
                "ca.crt": base64.b64encode(client_ca.certificate).decode(),
                "ca.key": base64.b64encode(client_ca.private_key).decode(),
            },
        },
    )
    _bind(kube, dev, "kc", "aws-eu1")
    addresses = [{"name": "external", "url": shoot_apiserver.url}]
    kube.patch(SHOOTS, dev, "kc", {"status": {"advertisedAddresses": addresses}}, subresource="status")
    return dev


def _with_seed(gctl: Gardenctl, garden: RunningServer, seed_kubeconfig: Path) -> None:
    gctl.configure(
        {
            "gardens": [
                {
                    "identity": "local",
                    "kubeconfig": str(garden.kubeconfig),
                    "seeds": [{"name": "aws-eu1", "kubeconfig": str(seed_kubeconfig)}],
                }
            ]
        }
    )


def test_the_shoot_kubeconfig_is_a_short_lived_admin_kubeconfig_kubectl_accepts(
    gctl: Gardenctl, kc: str, shoot_apiserver: RunningServer, tmp_path: Path
) -> None:
    gctl.run("target", "shoot", "kc")
    config = yaml.safe_load(gctl.run("kubeconfig", "--expiration", "10m").stdout)
    assert config["current-context"] == "dev--kc-external"
    certificate = x509.load_pem_x509_certificate(
        base64.b64decode(config["users"][0]["user"]["client-certificate-data"])
    )
    lifetime = certificate.not_valid_after_utc - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=8) < lifetime <= datetime.timedelta(minutes=10)

    path = tmp_path / "shoot.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    shoot_apiserver.kubectl("--kubeconfig", str(path), "create", "namespace", "from-gardenctl")
    listed = shoot_apiserver.kubectl("--kubeconfig", str(path), "get", "namespaces", "-o", "name").stdout.split()
    assert "namespace/from-gardenctl" in listed

    error = gctl.fail("kubeconfig", "--expiration", "1m")
    assert "spec.expirationSeconds" in error or "between" in error
    assert gctl.fail("kubeconfig", "--expiration", "soon").startswith("error: --expiration: ")


def test_a_project_kubeconfig_is_the_gardens_in_the_projects_namespace(
    gctl: Gardenctl, kc: str, garden: RunningServer
) -> None:
    gctl.run("target", "project", "dev")
    config = yaml.safe_load(gctl.run("kubeconfig").stdout)
    current = next(c for c in config["contexts"] if c["name"] == config["current-context"])
    assert current["context"]["namespace"] == kc
    assert config["clusters"] == yaml.safe_load(garden.kubeconfig.read_text())["clusters"]


def test_kubectl_env_points_kubectl_at_the_target(gctl: Gardenctl, kc: str, shoot_apiserver: RunningServer) -> None:
    gctl.run("target", "shoot", "kc")
    out = gctl.run("kubectl-env", "bash").stdout
    match = re.search(r"^export KUBECONFIG='([^']+)';$", out, re.MULTILINE)
    assert match is not None, out
    assert "# eval $(gardenctl kubectl-env bash)" in out
    path = Path(match.group(1))
    assert path.parent == gctl.tmp / "garden" / gctl.session
    assert path.stat().st_mode & 0o777 == 0o600
    assert shoot_apiserver.kubectl("--kubeconfig", str(path), "get", "namespace", "default", "-o", "name").stdout
    assert gctl.run("kubectl-env", "zsh", "-u").stdout.startswith("unset KUBECONFIG;\n")
    assert gctl.run("kubectl-env", "fish").stdout.startswith(f"set -gx KUBECONFIG '{path}';")


def test_seed_and_control_plane_kubeconfigs_come_from_the_seed_entry(
    gctl: Gardenctl, garden: RunningServer, kc: str, shoot_apiserver: RunningServer
) -> None:
    gctl.run("target", "seed", "aws-eu1")
    error = gctl.fail("kubeconfig")
    assert error.startswith('error: seed "aws-eu1" cannot be reached: it is not a ManagedSeed')

    _with_seed(gctl, garden, shoot_apiserver.kubeconfig)
    seed_config = yaml.safe_load(gctl.run("kubeconfig").stdout)
    assert seed_config["clusters"][0]["cluster"]["server"] == shoot_apiserver.url

    gctl.run("target", "shoot", "kc")
    gctl.run("target", "control-plane")
    control_plane = yaml.safe_load(gctl.run("kubeconfig").stdout)
    current = next(c for c in control_plane["contexts"] if c["name"] == control_plane["current-context"])
    assert current["context"]["namespace"] == "shoot--dev--kc"

    error = gctl.fail("logs", "kube-apiserver")
    assert error == 'error: no kube-apiserver pods in namespace "shoot--dev--kc" of seed "aws-eu1"'
    assert gctl.fail("logs", "etcd").startswith('error: unknown component "etcd": choose one of kube-apiserver')
