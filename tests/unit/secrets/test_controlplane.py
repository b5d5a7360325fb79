from __future__ import annotations

import ipaddress

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from gardenlet.secrets import controlplane as cp
from gardenlet.secrets.configs import CertificateConfig
from gardenlet.secrets.manager import SecretsManager
from tests.fakes.clock import FakeClock
from tests.unit.secrets.memory_kube import MemoryKube

pytestmark = pytest.mark.unit

NS = "shoot--dev--a"


@pytest.fixture(scope="module")
def generated() -> SecretsManager:
    values = cp.ControlPlaneSecretsValues(
        NS,
        external_server="https://api.a.dev.example.com",
        api_domains=("api.a.dev.example.com", "api.a.internal.example.com"),
        api_ips=("192.0.2.10",),
        services_cidr="10.112.0.0/13",
        etcd_names=("etcd-main-client", f"etcd-main-client.{NS}.svc"),
    )
    manager = SecretsManager(MemoryKube(), NS, clock=FakeClock())  # type: ignore[arg-type]
    cp.generate(manager, values)
    return manager


def certificate(manager: SecretsManager, name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(manager.get(name).data["tls.crt"])


def test_the_kube_apiserver_certificate_names_every_way_it_is_reached(generated: SecretsManager) -> None:
    sans = certificate(generated, cp.KUBE_APISERVER).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert sans.value.get_values_for_type(x509.DNSName) == [
        "kube-apiserver",
        f"kube-apiserver.{NS}",
        f"kube-apiserver.{NS}.svc",
        f"kube-apiserver.{NS}.svc.cluster.local",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
        "api.a.dev.example.com",
        "api.a.internal.example.com",
    ]
    assert sans.value.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("10.112.0.1"),
        ipaddress.ip_address("192.0.2.10"),
    ]


@pytest.mark.parametrize(
    ("name", "ca", "common_name", "organizations"),
    [
        (cp.KUBE_CONTROLLER_MANAGER, cp.CA_CLIENT, "system:kube-controller-manager", []),
        (cp.KUBE_SCHEDULER, cp.CA_CLIENT, "system:kube-scheduler", []),
        (cp.MACHINE_CONTROLLER_MANAGER, cp.CA_CLIENT, "system:machine-controller-manager", []),
        (cp.GARDENER, cp.CA_CLIENT, "gardener.cloud:system:gardener", ["system:masters"]),
        (cp.KUBE_APISERVER_KUBELET, cp.CA_CLIENT, "system:kube-apiserver:kubelet", ["system:masters"]),
        (cp.KUBE_AGGREGATOR, cp.CA_FRONT_PROXY, "system:kube-aggregator", []),
        (cp.ETCD_CLIENT, cp.CA_ETCD, "etcd-client", []),
        (cp.ETCD_SERVER, cp.CA_ETCD, "etcd-server", []),
        (cp.KUBE_APISERVER, cp.CA, "kube-apiserver", []),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_certificates_name_their_user_and_groups_and_chain_to_their_ca(
    generated: SecretsManager, name: str, ca: str, common_name: str, organizations: list[str]
) -> None:
    cert = certificate(generated, name)
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)] == [common_name]
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == organizations
    cert.verify_directly_issued_by(generated.signer(ca).cert)


def test_the_etcd_server_certificate_names_the_etcd_services(generated: SecretsManager) -> None:
    sans = certificate(generated, cp.ETCD_SERVER).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert sans.value.get_values_for_type(x509.DNSName) == [
        "etcd-main-client",
        f"etcd-main-client.{NS}.svc",
        "localhost",
    ]


def test_component_kubeconfigs_point_at_the_internal_server_and_the_gardeners_at_the_external_one() -> None:
    values = cp.ControlPlaneSecretsValues(NS, external_server="https://api.example.com")
    requests = {c.name: c.kubeconfig for c in cp.configs(values) if isinstance(c, CertificateConfig) and c.kubeconfig}
    assert {name: request.server for name, request in requests.items()} == {
        cp.KUBE_CONTROLLER_MANAGER: "https://kube-apiserver",
        cp.KUBE_SCHEDULER: "https://kube-apiserver",
        cp.MACHINE_CONTROLLER_MANAGER: "https://kube-apiserver",
        cp.GARDENER: "https://api.example.com",
    }


def test_values_reject_plain_http_servers() -> None:
    with pytest.raises(ValueError, match="https"):
        cp.ControlPlaneSecretsValues(NS, internal_server="http://kube-apiserver")
