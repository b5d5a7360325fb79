"""The Secrets a shoot's control plane needs, from plain values (never a Shoot), with Gardener's names.

Four CAs: ``ca`` (the cluster: signs the kube-apiserver serving certificate, trusted by every client),
``ca-client`` (signs client certificates kube-apiserver accepts, ``--client-ca-file``), ``ca-etcd`` (etcd serving,
peer and client certificates) and ``ca-front-proxy`` (the aggregation layer). Then the certificates signed by them,
kubeconfigs for the control-plane components and the gardenlet, the service-account signing key and a static token
file with an admin token. :func:`generate` returns the Secret names the components mount, as plain values.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from gardenlet.secrets.configs import (
    CAConfig,
    CertificateConfig,
    KubeconfigRequest,
    RSAKeyConfig,
    SecretConfig,
    StaticTokenConfig,
    TokenKubeconfigConfig,
)
from gardenlet.secrets.manager import SecretsManager
from gardenlet.secrets.pki import CertificateSpec
from gardenlet.secrets.rotation import RotationKind
from gardenlet.secrets.tokens import TokenUser

CA = "ca"
CA_CLIENT = "ca-client"
CA_ETCD = "ca-etcd"
CA_FRONT_PROXY = "ca-front-proxy"

ETCD_SERVER = "etcd-server-cert"
ETCD_PEER = "etcd-peer-server-cert"
ETCD_CLIENT = "etcd-client"
KUBE_APISERVER = "kube-apiserver"
KUBE_APISERVER_KUBELET = "kube-apiserver-kubelet"
KUBE_AGGREGATOR = "kube-aggregator"
KUBE_CONTROLLER_MANAGER = "kube-controller-manager"
KUBE_SCHEDULER = "kube-scheduler"
MACHINE_CONTROLLER_MANAGER = "machine-controller-manager"
GARDENER = "gardener"
SERVICE_ACCOUNT_KEY = "service-account-key"
STATIC_TOKEN = "kube-apiserver-static-token"
USER_KUBECONFIG = "user-kubeconfig"

#: Who the static admin token authenticates as (group ``system:masters``: full access).
ADMIN_USER = TokenUser("admin", "admin", ("system:masters",))


@dataclass(frozen=True, slots=True)
class ControlPlaneSecretsValues:
    """What the control plane's credentials depend on. ``internal_server`` is how components in the seed reach
    the kube-apiserver; ``external_server`` how users and the gardenlet do (the shoot's API domain)."""

    namespace: str
    internal_server: str = "https://kube-apiserver"
    external_server: str | None = None
    #: The shoot's API domain names (``api.<domain>``, the internal domain), for the serving certificate.
    api_domains: tuple[str, ...] = ()
    #: IP addresses the kube-apiserver is reached on (load balancer, loopback in the embedded landscape).
    api_ips: tuple[str, ...] = ()
    #: The shoot's service CIDR: its first address is the ``kubernetes`` Service's cluster IP.
    services_cidr: str | None = None
    #: DNS names of the etcd client and peer Services (e.g. ``etcd-main-client``, ``etcd-main-client.<ns>.svc``).
    etcd_names: tuple[str, ...] = ()
    etcd_peer_names: tuple[str, ...] = ()
    etcd_ips: tuple[str, ...] = ("127.0.0.1",)
    cluster_name: str = "shoot"
    certificate_validity: timedelta = timedelta(days=90)

    def __post_init__(self) -> None:
        for server in (self.internal_server, self.external_server):
            if server is not None and not server.startswith("https://"):
                raise ValueError(f"API server URLs must be https://..., got {server!r}")


@dataclass(frozen=True, slots=True)
class ControlPlaneSecrets:
    """The Secret names components mount (bundles trust, certificates authenticate)."""

    ca_bundle: str
    ca_client_bundle: str
    ca_etcd_bundle: str
    ca_front_proxy_bundle: str
    etcd_server: str
    etcd_peer: str
    etcd_client: str
    kube_apiserver: str
    kube_apiserver_kubelet: str
    kube_aggregator: str
    kube_controller_manager: str
    kube_scheduler: str
    machine_controller_manager: str
    gardener: str
    service_account_key: str
    service_account_key_bundle: str
    static_token: str
    user_kubeconfig: str


def kube_apiserver_names(namespace: str, domains: Sequence[str] = ()) -> tuple[str, ...]:
    """The DNS names the kube-apiserver serves: its Service in the seed, ``kubernetes`` in the shoot, domains."""
    service = ["kube-apiserver", f"kube-apiserver.{namespace}", f"kube-apiserver.{namespace}.svc"]
    service.append(f"kube-apiserver.{namespace}.svc.cluster.local")
    in_shoot = ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]
    return tuple(dict.fromkeys([*service, *in_shoot, *domains]))


def kubernetes_service_ip(services_cidr: str) -> str:
    """The first address of the service CIDR, which the ``kubernetes`` Service gets."""
    network = ipaddress.ip_network(services_cidr, strict=False)
    return str(network.network_address + 1)


def configs(values: ControlPlaneSecretsValues) -> list[SecretConfig]:
    """Every config, CAs first: a certificate's CA must be generated before it."""
    validity = values.certificate_validity
    external = values.external_server or values.internal_server

    def client(name: str, ca: str, cn: str, *orgs: str, server: str | None = None) -> CertificateConfig:
        request = KubeconfigRequest(values.cluster_name, server, CA) if server else None
        spec = CertificateSpec(cn, organizations=orgs, usage="client", validity=validity)
        return CertificateConfig(name, ca, spec, request)

    api_ips = [*values.api_ips]
    if values.services_cidr:
        api_ips.insert(0, kubernetes_service_ip(values.services_cidr))
    return [
        CAConfig(CA, "kubernetes"),
        CAConfig(CA_CLIENT, "kubernetes-client"),
        CAConfig(CA_ETCD, "etcd"),
        CAConfig(CA_FRONT_PROXY, "front-proxy"),
        CertificateConfig(
            ETCD_SERVER,
            CA_ETCD,
            CertificateSpec(
                "etcd-server",
                dns_names=(*values.etcd_names, "localhost"),
                ip_addresses=values.etcd_ips,
                usage="server-client",
                validity=validity,
            ),
        ),
        CertificateConfig(
            ETCD_PEER,
            CA_ETCD,
            CertificateSpec(
                "etcd-peer",
                dns_names=(*values.etcd_peer_names, "localhost"),
                ip_addresses=values.etcd_ips,
                usage="server-client",
                validity=validity,
            ),
        ),
        client(ETCD_CLIENT, CA_ETCD, "etcd-client"),
        CertificateConfig(
            KUBE_APISERVER,
            CA,
            CertificateSpec(
                "kube-apiserver",
                dns_names=kube_apiserver_names(values.namespace, values.api_domains),
                ip_addresses=tuple(dict.fromkeys(api_ips)),
                usage="server",
                validity=validity,
            ),
        ),
        client(KUBE_APISERVER_KUBELET, CA_CLIENT, "system:kube-apiserver:kubelet", "system:masters"),
        client(KUBE_AGGREGATOR, CA_FRONT_PROXY, "system:kube-aggregator"),
        client(KUBE_CONTROLLER_MANAGER, CA_CLIENT, "system:kube-controller-manager", server=values.internal_server),
        client(KUBE_SCHEDULER, CA_CLIENT, "system:kube-scheduler", server=values.internal_server),
        client(
            MACHINE_CONTROLLER_MANAGER,
            CA_CLIENT,
            "system:machine-controller-manager",
            server=values.internal_server,
        ),
        client(GARDENER, CA_CLIENT, "gardener.cloud:system:gardener", "system:masters", server=external),
        RSAKeyConfig(SERVICE_ACCOUNT_KEY, 2048, RotationKind.SERVICE_ACCOUNT_KEY),
        StaticTokenConfig(STATIC_TOKEN, (ADMIN_USER,)),
        TokenKubeconfigConfig(
            USER_KUBECONFIG, STATIC_TOKEN, ADMIN_USER.name, KubeconfigRequest(values.cluster_name, external, CA)
        ),
    ]


def generate(manager: SecretsManager, values: ControlPlaneSecretsValues) -> ControlPlaneSecrets:
    """Generate (or reuse) every control-plane Secret; the names to hand to the components."""
    secrets = manager.generate_all(configs(values))
    return ControlPlaneSecrets(
        ca_bundle=manager.bundle_secret(CA),
        ca_client_bundle=manager.bundle_secret(CA_CLIENT),
        ca_etcd_bundle=manager.bundle_secret(CA_ETCD),
        ca_front_proxy_bundle=manager.bundle_secret(CA_FRONT_PROXY),
        etcd_server=secrets[ETCD_SERVER].name,
        etcd_peer=secrets[ETCD_PEER].name,
        etcd_client=secrets[ETCD_CLIENT].name,
        kube_apiserver=secrets[KUBE_APISERVER].name,
        kube_apiserver_kubelet=secrets[KUBE_APISERVER_KUBELET].name,
        kube_aggregator=secrets[KUBE_AGGREGATOR].name,
        kube_controller_manager=secrets[KUBE_CONTROLLER_MANAGER].name,
        kube_scheduler=secrets[KUBE_SCHEDULER].name,
        machine_controller_manager=secrets[MACHINE_CONTROLLER_MANAGER].name,
        gardener=secrets[GARDENER].name,
        service_account_key=secrets[SERVICE_ACCOUNT_KEY].name,
        service_account_key_bundle=manager.bundle_secret(SERVICE_ACCOUNT_KEY),
        static_token=secrets[STATIC_TOKEN].name,
        user_kubeconfig=secrets[USER_KUBECONFIG].name,
    )


__all__ = [
    "ADMIN_USER",
    "ControlPlaneSecrets",
    "ControlPlaneSecretsValues",
    "configs",
    "generate",
    "kube_apiserver_names",
    "kubernetes_service_ip",
]
