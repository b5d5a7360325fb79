"""Representative components for the chart tests: HA and not, etcd and sqlite storage, every optional part."""

from __future__ import annotations

from gardenlet.components.base import ChartComponent
from gardenlet.components.coredns import CoreDNS, CoreDNSValues
from gardenlet.components.etcd import Etcd, EtcdTLS, EtcdValues
from gardenlet.components.kube_apiserver import Autoscaling, KubeAPIServer, KubeAPIServerSecrets, KubeAPIServerValues
from gardenlet.components.kube_controller_manager import KubeControllerManager, KubeControllerManagerValues
from gardenlet.components.kube_proxy import KubeProxy, KubeProxyValues
from gardenlet.components.kube_scheduler import KubeScheduler, KubeSchedulerValues
from gardenlet.components.machine_controller import MachineController, MachineControllerValues
from gardenlet.components.metrics_server import MetricsServer, MetricsServerValues
from gardenlet.components.namespace import Namespace, NamespaceValues
from kubelite.client import Kube

NS = "shoot--dev--web"
#: Rendering never talks to the server.
OFFLINE = Kube(None)

ETCD_TLS = EtcdTLS(ca_secret="ca-etcd-bundle", server_secret="etcd-server")
ETCD_PEER_TLS = EtcdTLS(
    ca_secret="ca-etcd-bundle",
    server_secret="etcd-server",
    peer_ca_secret="ca-etcd-peer-bundle",
    peer_server_secret="etcd-peer-server",
)
APISERVER_SECRETS = KubeAPIServerSecrets(
    server="kube-apiserver-server",
    client_ca="ca-client-bundle",
    service_account_key="service-account-key",
    static_token="static-token",
    etcd_ca="ca-etcd-bundle",
    etcd_client="etcd-client",
)


def apiserver_values(**changes: object) -> KubeAPIServerValues:
    values: dict[str, object] = {
        "namespace": NS,
        "secrets": APISERVER_SECRETS,
        "service_cidr": "10.112.0.0/13",
        "health_check_token": "health-token",
        "external_hostname": "api.web.dev.example.com",
        **changes,
    }
    return KubeAPIServerValues(**values)  # type: ignore[arg-type]


def components() -> dict[str, ChartComponent]:
    """id -> component, for parametrized tests."""
    return {
        "namespace": Namespace(OFFLINE, NamespaceValues("dev", "web", "local", "aws", shoot_uid="1234")),
        "namespace-ha": Namespace(
            OFFLINE,
            NamespaceValues(
                "dev",
                "web",
                "local",
                "aws",
                networking_type="calico",
                backup_provider="aws",
                extensions=("shoot-dns-service",),
                failure_tolerance="zone",
                zones=("a", "b", "c"),
            ),
        ),
        "etcd-main": Etcd(OFFLINE, EtcdValues(namespace=NS, role="main", tls=ETCD_TLS)),
        "etcd-main-ha": Etcd(
            OFFLINE, EtcdValues(namespace=NS, role="main", tls=ETCD_PEER_TLS, members=3, storage_class="fast")
        ),
        "etcd-events-hibernated": Etcd(OFFLINE, EtcdValues(namespace=NS, role="events", tls=ETCD_TLS, hibernated=True)),
        "kube-apiserver-etcd": KubeAPIServer(OFFLINE, apiserver_values()),
        "kube-apiserver-ha-hpa": KubeAPIServer(
            OFFLINE,
            apiserver_values(
                replicas=3,
                service_type="ClusterIP",
                autoscaling=Autoscaling(min_replicas=3, max_replicas=6),
                feature_gates=(("SomeGate", True),),
                disabled_admission_plugins=("AlwaysPullImages",),
            ),
        ),
        "kube-apiserver-sqlite": KubeAPIServer(
            OFFLINE,
            apiserver_values(
                storage="sqlite",
                secrets=KubeAPIServerSecrets(
                    server="kube-apiserver-server", client_ca="ca-client-bundle", service_account_key="sa-key"
                ),
                anonymous_auth=True,
                health_check_token=None,
            ),
        ),
        "kube-apiserver-hibernated": KubeAPIServer(
            OFFLINE, apiserver_values(replicas=0, autoscaling=Autoscaling(min_replicas=1, max_replicas=3))
        ),
        "kube-controller-manager": KubeControllerManager(
            OFFLINE,
            KubeControllerManagerValues(
                namespace=NS,
                kubeconfig_secret="shoot-access-kube-controller-manager",
                ca_secret="ca",
                service_account_key_secret="service-account-key",
                service_cidr="10.112.0.0/13",
                pod_cidr="10.96.0.0/11",
                server_secret="kube-controller-manager-server",
            ),
        ),
        "kube-scheduler-bin-packing": KubeScheduler(
            OFFLINE,
            KubeSchedulerValues(namespace=NS, kubeconfig_secret="shoot-access-kube-scheduler", profile="bin-packing"),
        ),
        "machine-controller": MachineController(
            OFFLINE,
            MachineControllerValues(
                namespace=NS,
                image="registry.example.com/garden:v0.1.0",
                command=("gardenlet", "machines", f"--namespace={NS}"),
                target_kubeconfig_secret="shoot-access-machine-controller-manager",
            ),
        ),
        "machine-controller-no-probes": MachineController(
            OFFLINE,
            MachineControllerValues(
                namespace=NS, image="registry.example.com/garden:v0.1.0", command=("run",), health_port=None
            ),
        ),
        "coredns": CoreDNS(OFFLINE, CoreDNSValues(cluster_ip="10.112.0.10", service_cidr="10.112.0.0/13")),
        "kube-proxy": KubeProxy(OFFLINE, KubeProxyValues(kubeconfig_secret="kube-proxy", pod_cidr="10.96.0.0/11")),
        "metrics-server": MetricsServer(OFFLINE, MetricsServerValues(register_api_service=True)),
    }
