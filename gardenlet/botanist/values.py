"""Component values from a shoot: what each control-plane part is built from. Pure: objects in, values out.

Components never see a Shoot (import-linter keeps them away from ``garden.api``); this module is the one place
that reads a Shoot's spec for them. Hibernation is a value here, not a separate code path: hibernated values have 0
replicas (etcd ``hibernated=True``), so deploying them scales down and keeps the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gardenlet.botanist.shoot import ShootObjects
from gardenlet.components.coredns import CoreDNSValues
from gardenlet.components.etcd import EtcdRole, EtcdTLS, EtcdValues, client_service, peer_service
from gardenlet.components.kube_apiserver import KubeAPIServerSecrets, KubeAPIServerValues
from gardenlet.components.kube_controller_manager import KubeControllerManagerValues
from gardenlet.components.kube_scheduler import KubeSchedulerValues
from gardenlet.components.machine_controller import MachineControllerValues
from gardenlet.components.metrics_server import MetricsServerValues
from gardenlet.components.namespace import NamespaceValues
from gardenlet.config import ControlPlaneSettings
from gardenlet.secrets.configs import CertificateConfig, KubeconfigRequest
from gardenlet.secrets.controlplane import (
    CA,
    CA_CLIENT,
    ControlPlaneSecrets,
    ControlPlaneSecretsValues,
    kubernetes_service_ip,
)
from gardenlet.secrets.pki import CertificateSpec

#: The Service name components in the seed reach the kube-apiserver by.
INTERNAL_SERVER = "https://kube-apiserver"
#: The certificate behind the shoot-access kubeconfig of the machine controller and the OperatingSystemConfig.
SHOOT_ACCESS_CONFIG = "shoot-access-machine-controller-manager"
MACHINE_CONTROLLER_IMAGE = "docker.io/library/python:3.11-slim"


@dataclass(frozen=True, slots=True)
class APIEndpoint:
    """Where the shoot's kube-apiserver is reached from outside the seed: its load balancer and domain."""

    #: ``https://<ip>:<port>`` of the LoadBalancer Service, when it has one.
    load_balancer: str | None = None
    #: The IP the load balancer answers on (for the serving certificate).
    ip: str | None = None
    #: ``api.<domain>`` when the shoot has a domain.
    hostname: str | None = None

    @property
    def external_server(self) -> str:
        """What kubeconfigs for users, the gardenlet and the nodes point at: the address a client can reach."""
        if self.load_balancer:
            return self.load_balancer
        if self.hostname:
            return f"https://{self.hostname}"
        return INTERNAL_SERVER

    def advertised_addresses(self) -> list[dict[str, str]]:
        """``status.advertisedAddresses``: the load balancer first (it always resolves), then the domain name."""
        addresses = []
        if self.load_balancer:
            addresses.append({"name": "external" if not self.hostname else "loadbalancer", "url": self.load_balancer})
        if self.hostname:
            addresses.append({"name": "external", "url": f"https://{self.hostname}"})
        return addresses


def namespace_values(objects: ShootObjects) -> NamespaceValues:
    return NamespaceValues(
        project=objects.project,
        shoot=objects.name,
        seed_provider=objects.seed_provider,
        shoot_provider=objects.provider_type,
        shoot_uid=objects.uid,
        networking_type=str(objects.networking.get("type") or ""),
        zones=tuple(dict.fromkeys(zone for pool in objects.workers for zone in pool.get("zones") or [])),
    )


def secrets_values(objects: ShootObjects, endpoint: APIEndpoint) -> ControlPlaneSecretsValues:
    ns = objects.namespace
    etcd_names: list[str] = []
    peer_names: list[str] = []
    for role in ("main", "events"):
        etcd_names += [client_service(role), f"{client_service(role)}.{ns}", f"{client_service(role)}.{ns}.svc"]
        peer = f"{peer_service(role)}.{ns}.svc"
        peer_names += [peer_service(role), peer, *(f"etcd-{role}-{i}.{peer}" for i in range(3))]
    return ControlPlaneSecretsValues(
        namespace=ns,
        internal_server=INTERNAL_SERVER,
        external_server=endpoint.external_server,
        api_domains=(endpoint.hostname,) if endpoint.hostname else (),
        api_ips=(endpoint.ip,) if endpoint.ip else (),
        services_cidr=objects.services_cidr,
        etcd_names=tuple(etcd_names),
        etcd_peer_names=tuple(peer_names),
        cluster_name=ns,
    )


def shoot_access_config(objects: ShootObjects, endpoint: APIEndpoint) -> CertificateConfig:
    """The machine controller's and OSC actuator's kubeconfig for the shoot: it runs outside the seed's pod network,
    so it points at the external address, and it may drain nodes and write bootstrap tokens (``system:masters``)."""
    spec = CertificateSpec(
        "system:machine-controller-manager",
        organizations=("system:masters",),
        usage="client",
        validity=timedelta(days=90),
    )
    return CertificateConfig(
        SHOOT_ACCESS_CONFIG, CA_CLIENT, spec, KubeconfigRequest(objects.namespace, endpoint.external_server, CA)
    )


def _version_tag(objects: ShootObjects) -> str:
    version = objects.kubernetes_version
    return f"v{version}" if version else "v1.33.0"


def etcd_values(objects: ShootObjects, secrets: ControlPlaneSecrets, role: EtcdRole, *, hibernated: bool) -> EtcdValues:
    return EtcdValues(
        namespace=objects.namespace,
        role=role,
        tls=EtcdTLS(
            ca_secret=secrets.ca_etcd_bundle,
            server_secret=secrets.etcd_server,
            peer_ca_secret=secrets.ca_etcd_bundle,
            peer_server_secret=secrets.etcd_peer,
        ),
        hibernated=hibernated,
    )


def kube_apiserver_values(
    objects: ShootObjects,
    settings: ControlPlaneSettings,
    secrets: ControlPlaneSecrets,
    endpoint: APIEndpoint,
    *,
    hibernated: bool,
) -> KubeAPIServerValues:
    etcd = settings.storage == "etcd"
    return KubeAPIServerValues(
        namespace=objects.namespace,
        secrets=KubeAPIServerSecrets(
            server=secrets.kube_apiserver,
            client_ca=secrets.ca_client_bundle,
            service_account_key=secrets.service_account_key,
            service_account_key_bundle=secrets.service_account_key_bundle,
            static_token=secrets.static_token,
            etcd_ca=secrets.ca_etcd_bundle if etcd else None,
            etcd_client=secrets.etcd_client if etcd else None,
        ),
        service_cidr=objects.services_cidr,
        image=f"registry.k8s.io/kube-apiserver:{_version_tag(objects)}",
        storage=settings.storage,
        replicas=0 if hibernated else 1,
        service_type=settings.api_server_service_type,
        external_hostname=endpoint.hostname or "",
        # NB: the probes need /livez and /readyz without credentials; RBAC grants anonymous users nothing else.
        anonymous_auth=True,
    )


def kube_controller_manager_values(
    objects: ShootObjects, secrets: ControlPlaneSecrets, ca_secret: str, *, hibernated: bool
) -> KubeControllerManagerValues:
    """``ca_secret`` is the cluster CA's current Secret (``ca.crt`` and ``ca.key``: the controller signs with it)."""
    return KubeControllerManagerValues(
        namespace=objects.namespace,
        kubeconfig_secret=secrets.kube_controller_manager,
        ca_secret=ca_secret,
        service_account_key_secret=secrets.service_account_key,
        service_cidr=objects.services_cidr,
        pod_cidr=objects.pods_cidr,
        image=f"registry.k8s.io/kube-controller-manager:{_version_tag(objects)}",
        replicas=0 if hibernated else 1,
    )


def kube_scheduler_values(
    objects: ShootObjects, secrets: ControlPlaneSecrets, *, hibernated: bool
) -> KubeSchedulerValues:
    return KubeSchedulerValues(
        namespace=objects.namespace,
        kubeconfig_secret=secrets.kube_scheduler,
        image=f"registry.k8s.io/kube-scheduler:{_version_tag(objects)}",
        replicas=0 if hibernated else 1,
    )


def machine_controller_values(
    objects: ShootObjects, secrets: ControlPlaneSecrets, *, hibernated: bool
) -> MachineControllerValues:
    return MachineControllerValues(
        namespace=objects.namespace,
        image=MACHINE_CONTROLLER_IMAGE,
        command=("gardenlet", "machines", "--namespace", objects.namespace),
        target_kubeconfig_secret=secrets.machine_controller_manager,
        replicas=0 if hibernated else 1,
    )


def coredns_values(objects: ShootObjects) -> CoreDNSValues:
    # The cluster DNS address is the tenth of the service network, as in Gardener.
    first = kubernetes_service_ip(objects.services_cidr)
    prefix, last = first.rsplit(".", 1)
    return CoreDNSValues(cluster_ip=f"{prefix}.{int(last) + 9}", service_cidr=objects.services_cidr)


def metrics_server_values() -> MetricsServerValues:
    return MetricsServerValues()


__all__ = [
    "INTERNAL_SERVER",
    "SHOOT_ACCESS_CONFIG",
    "APIEndpoint",
    "coredns_values",
    "etcd_values",
    "kube_apiserver_values",
    "kube_controller_manager_values",
    "kube_scheduler_values",
    "machine_controller_values",
    "metrics_server_values",
    "namespace_values",
    "secrets_values",
    "shoot_access_config",
]
