"""The botanist's tasks: each a coroutine that makes one part of the shoot what the spec says, idempotently.

Every task can run again after a crash at any point and ends the same: components are server-side applied,
secrets are reused by checksum, extension objects are applied and waited for, deletions tolerate what is gone.
What one task learns for later ones (the load balancer's address, the Secret names, the Infrastructure's provider
status) is kept on the :class:`Botanist` for this run; a resumed run learns it again from the cluster.

Blocking client calls go through :class:`~gardenlet.botanist.threads.Threads`; waits poll with ``asyncio.sleep``,
so cancelling a flow stops it within one call.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from garden.clock import Clock, SystemClock
from garden.kube import MERGE_PATCH, SHOOTS
from gardenlet.botanist import extensions, values
from gardenlet.botanist.extension_wait import (
    TIMESTAMP_ANNOTATION,
    ExtensionError,
    apply_extension,
    delete_and_wait,
    stamped,
    wait_ready,
)
from gardenlet.botanist.plan import Plan
from gardenlet.botanist.shoot import ShootObjects
from gardenlet.botanist.threads import Threads
from gardenlet.components.apply import apply, delete
from gardenlet.components.base import ChartComponent
from gardenlet.components.coredns import CoreDNS
from gardenlet.components.etcd import Etcd
from gardenlet.components.interface import ComponentTimeoutError
from gardenlet.components.kube_apiserver import KubeAPIServer, service
from gardenlet.components.kube_controller_manager import KubeControllerManager
from gardenlet.components.kube_scheduler import KubeScheduler
from gardenlet.components.machine_controller import MachineController
from gardenlet.components.metrics_server import MetricsServer
from gardenlet.components.namespace import Namespace
from gardenlet.config import ControlPlaneSettings
from gardenlet.secrets.controlplane import CA, CA_CLIENT, GARDENER, ControlPlaneSecrets, generate
from gardenlet.secrets.manager import DATA_KUBECONFIG, SecretsManager
from kubelite.client import NAMESPACES, NODES, PODS, SERVICES, Kube, KubeError, Object
from providers.extensions.bootstrap_token import AUTH_EXTRA_GROUPS
from providers.extensions.resources import (
    CLUSTERS,
    DNSRECORDS,
    INFRASTRUCTURES,
    OPERATINGSYSTEMCONFIGS,
    WORKERS,
)
from providers.extensions.shoot_access import KUBECONFIG_KEY, SHOOT_ACCESS_SECRET, client_from_kubeconfig

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BotanistOptions:
    """Poll interval and how long each kind of wait may take before the task fails (and the flow retries)."""

    interval: float = 1.0
    control_plane_timeout: float = 300.0
    extension_timeout: float = 300.0
    worker_timeout: float = 600.0
    load_balancer_timeout: float = 120.0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Botanist:
    def __init__(
        self,
        *,
        garden: Kube,
        seed: Kube,
        objects: ShootObjects,
        settings: ControlPlaneSettings,
        plan: Plan,
        threads: Threads | None = None,
        options: BotanistOptions | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.garden = garden
        self.seed = seed
        self.objects = objects
        self.settings = settings
        self.plan = plan
        self.threads = threads or Threads()
        self.options = options or BotanistOptions()
        self.clock = clock or SystemClock()
        self.namespace = objects.namespace
        self.endpoint = values.APIEndpoint()
        self._manager: SecretsManager | None = None
        self._secrets: ControlPlaneSecrets | None = None
        self._infrastructure_status: Object | None = None
        self._shoot: Kube | None = None

    # -- helpers ------------------------------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.threads.run(fn, *args, **kwargs)

    async def _wait_component(self, component: ChartComponent, *, cleanup: bool = False) -> None:
        """Poll a component's readiness (or absence) with one-shot checks, so the wait is cancellable."""
        check = component.wait_cleanup if cleanup else component.wait
        deadline = time.monotonic() + self.options.control_plane_timeout
        while True:
            try:
                await self._run(check, 0)
                return
            except ComponentTimeoutError as exc:
                if time.monotonic() >= deadline:
                    what = "still present" if cleanup else "not ready"
                    raise ComponentTimeoutError(
                        component.name, what, self.options.control_plane_timeout, exc.pending
                    ) from None
            await asyncio.sleep(self.options.interval)

    async def _deploy_and_wait(self, component: ChartComponent) -> None:
        await self._run(component.deploy)
        await self._wait_component(component)

    async def _destroy_and_wait(self, component: ChartComponent) -> None:
        await self._run(component.destroy)
        await self._wait_component(component, cleanup=True)

    @property
    def secrets(self) -> ControlPlaneSecrets:
        if self._secrets is None:
            raise RuntimeError("the control plane secrets were not generated in this run")
        return self._secrets

    @property
    def manager(self) -> SecretsManager:
        if self._manager is None:
            raise RuntimeError("the secrets manager did not run in this run")
        return self._manager

    async def _namespace_usable(self) -> bool:
        """The seed namespace exists and is not terminating (a resumed delete may find it going)."""
        namespace = await self._run(self.seed.get, NAMESPACES, None, self.namespace)
        return namespace is not None and not namespace["metadata"].get("deletionTimestamp")

    def close(self) -> None:
        if self._shoot is not None:
            self._shoot.close()
            self._shoot = None

    async def shoot_client(self) -> Kube:
        """A client for the shoot's API server with the gardenlet's own credentials (the ``gardener`` Secret)."""
        if self._shoot is None:
            data = self.manager.get(GARDENER).data[DATA_KUBECONFIG]
            self._shoot = client_from_kubeconfig(yaml.safe_load(data))
        return self._shoot

    # -- namespace, Cluster, credentials -----------------------------------------------------------------------

    async def deploy_namespace(self) -> None:
        await self._deploy_and_wait(Namespace(self.seed, values.namespace_values(self.objects)))

    async def deploy_cluster(self) -> None:
        await self._run(apply_extension, self.seed, CLUSTERS, extensions.cluster(self.objects))

    async def deploy_cloudprovider_secret(self) -> None:
        await self._run(apply, self.seed, extensions.cloudprovider_secret(self.objects))

    # -- API endpoint and secrets ------------------------------------------------------------------------------

    async def deploy_kube_apiserver_service(self) -> None:
        """The Service first: its load balancer address goes into the serving certificate and the kubeconfigs."""
        body = service(self.namespace, self.settings.api_server_service_type)
        await self._run(apply, self.seed, body)
        hostname = f"api.{self.objects.domain}" if self.objects.domain else None
        if self.settings.api_server_service_type != "LoadBalancer":
            self.endpoint = values.APIEndpoint(hostname=hostname)
            return
        deadline = time.monotonic() + self.options.load_balancer_timeout
        while True:
            current = await self._run(self.seed.get, SERVICES, self.namespace, "kube-apiserver")
            ingress = ((((current or {}).get("status") or {}).get("loadBalancer") or {}).get("ingress")) or []
            if ingress and (ingress[0].get("ip") or ingress[0].get("hostname")):
                address = ingress[0].get("ip") or ingress[0]["hostname"]
                ports = ingress[0].get("ports") or []
                port = int(ports[0]["port"]) if ports else 443
                url = f"https://{address}" if port == 443 else f"https://{address}:{port}"
                self.endpoint = values.APIEndpoint(load_balancer=url, ip=ingress[0].get("ip"), hostname=hostname)
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"Service {self.namespace}/kube-apiserver has no load balancer address after "
                    f"{self.options.load_balancer_timeout:g} s"
                )
            await asyncio.sleep(self.options.interval)

    async def deploy_secrets(self) -> None:
        def generate_all() -> tuple[SecretsManager, ControlPlaneSecrets]:
            manager = SecretsManager(self.seed, self.namespace, clock=self.clock)
            secrets = generate(manager, values.secrets_values(self.objects, self.endpoint))
            manager.generate(values.shoot_access_config(self.objects, self.endpoint))
            return manager, secrets

        self._manager, self._secrets = await self._run(generate_all)

    async def deploy_shoot_access_secret(self) -> None:
        """The machine controller's and the OSC actuator's kubeconfig for the shoot, under the name they read."""
        kubeconfig = self.manager.get(values.SHOOT_ACCESS_CONFIG).data[DATA_KUBECONFIG]
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": SHOOT_ACCESS_SECRET, "namespace": self.namespace},
            "type": "Opaque",
            "data": {KUBECONFIG_KEY: _b64(kubeconfig)},
        }
        await self._run(apply, self.seed, body)

    async def publish_ca_secrets(self) -> None:
        """``<shoot>.ca-cluster`` and ``<shoot>.ca-client`` in the project namespace: ``shoots/adminkubeconfig``
        signs with the client CA and hands out the cluster CA bundle."""
        client = self.manager.signer(CA_CLIENT)
        for suffix, data in (
            ("ca-cluster", {"ca.crt": _b64(self.manager.bundle(CA))}),
            ("ca-client", {"ca.crt": _b64(client.certificate), "ca.key": _b64(client.private_key)}),
        ):
            await self._run(apply, self.garden, self._garden_secret(suffix, data))

    def _garden_secret(self, suffix: str, data: dict[str, str]) -> Object:
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": f"{self.objects.name}.{suffix}",
                "namespace": self.objects.garden_namespace,
                "labels": {"shoot.gardener.cloud/name": self.objects.name},
                "ownerReferences": [
                    {
                        "apiVersion": "core.gardener.cloud/v1beta1",
                        "kind": "Shoot",
                        "name": self.objects.name,
                        "uid": self.objects.uid,
                    }
                ],
            },
            "type": "Opaque",
            "data": data,
        }

    async def publish_advertised_addresses(self) -> None:
        addresses = self.endpoint.advertised_addresses()
        if not addresses:
            return
        patch = {"status": {"advertisedAddresses": addresses, "technicalID": self.namespace}}
        await self._run(
            self.garden.patch,
            SHOOTS,
            self.objects.garden_namespace,
            self.objects.name,
            patch,
            subresource="status",
            content_type=MERGE_PATCH,
        )

    async def cleanup_secrets(self) -> None:
        await self._run(self.manager.cleanup)

    # -- extensions --------------------------------------------------------------------------------------------

    async def _apply_and_wait(self, resource: Any, body: Object, limit: float | None = None) -> Object:
        body = stamped(body, self.clock.now())
        await self._run(apply_extension, self.seed, resource, body)
        result: Object = await wait_ready(
            self.threads,
            self.seed,
            resource,
            self.namespace,
            body["metadata"]["name"],
            limit=limit or self.options.extension_timeout,
            interval=self.options.interval,
            since=body["metadata"]["annotations"][TIMESTAMP_ANNOTATION],
        )
        return result

    async def deploy_infrastructure(self) -> None:
        ready = await self._apply_and_wait(INFRASTRUCTURES, extensions.infrastructure(self.objects))
        self._infrastructure_status = (ready.get("status") or {}).get("providerStatus")

    async def deploy_dns_record(self) -> None:
        if not self.endpoint.ip:
            raise ExtensionError("the kube-apiserver has no load balancer IP for the DNS record")
        await self._apply_and_wait(DNSRECORDS, extensions.dns_record(self.objects, self.endpoint.ip))

    async def deploy_operating_system_configs(self) -> None:
        await asyncio.gather(
            *(
                self._apply_and_wait(OPERATINGSYSTEMCONFIGS, body)
                for body in extensions.operating_system_configs(self.objects)
            )
        )

    async def deploy_worker(self) -> None:
        body = extensions.worker(self.objects, self._infrastructure_status, hibernated=self.plan.hibernated)
        await self._apply_and_wait(WORKERS, body, self.options.worker_timeout)

    async def hibernate_worker(self) -> None:
        """Scale every pool to 0 machines; a shoot that never had a Worker has nothing to scale."""
        if await self._run(self.seed.get, WORKERS, self.namespace, self.objects.name) is None:
            return
        await self.deploy_worker()

    async def deploy_node_access(self) -> None:
        """Let joining machines act as nodes in the shoot: the simulated kubelets authenticate with their bootstrap
        token for good (there is no certificate signing step), so the token's group is bound to ``system:node``."""
        binding = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "gardener.cloud:system:bootstrappers:nodes"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:node"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": AUTH_EXTRA_GROUPS}],
        }
        await self._run(apply, await self.shoot_client(), binding)

    async def wait_for_nodes(self) -> None:
        wanted = sum(int(pool.get("minimum") or 0) for pool in self.objects.workers)
        shoot = await self.shoot_client()
        deadline = time.monotonic() + self.options.worker_timeout
        while True:
            try:
                nodes = await self._run(shoot.list, NODES)
            except KubeError as exc:
                log.info("%s: listing nodes failed: %s", self.namespace, exc)
                nodes = []
            ready = [node for node in nodes if _node_ready(node)]
            if len(ready) >= wanted:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{len(ready)} of {wanted} nodes ready after {self.options.worker_timeout:g} s")
            await asyncio.sleep(self.options.interval)

    # -- control plane -----------------------------------------------------------------------------------------

    def _etcds(self, *, hibernated: bool) -> list[Etcd]:
        return [
            Etcd(self.seed, values.etcd_values(self.objects, self.secrets, role, hibernated=hibernated))
            for role in ("main", "events")
        ]

    def _kube_apiserver(self, *, hibernated: bool) -> KubeAPIServer:
        return KubeAPIServer(
            self.seed,
            values.kube_apiserver_values(
                self.objects, self.settings, self.secrets, self.endpoint, hibernated=hibernated
            ),
        )

    def _kube_controllers(self, ca: str, *, hibernated: bool) -> list[ChartComponent]:
        """``ca`` names the cluster CA's Secret (the controller manager mounts it)."""
        components: list[ChartComponent] = []
        if self.plan.kube_controllers:
            components += [
                KubeControllerManager(
                    self.seed,
                    values.kube_controller_manager_values(self.objects, self.secrets, ca, hibernated=hibernated),
                ),
                KubeScheduler(
                    self.seed, values.kube_scheduler_values(self.objects, self.secrets, hibernated=hibernated)
                ),
            ]
        if self.plan.machine_controller:
            components.append(
                MachineController(
                    self.seed, values.machine_controller_values(self.objects, self.secrets, hibernated=hibernated)
                )
            )
        return components

    async def deploy_etcd(self) -> None:
        await asyncio.gather(*(self._deploy_and_wait(etcd) for etcd in self._etcds(hibernated=False)))

    async def deploy_kube_apiserver(self) -> None:
        await self._deploy_and_wait(self._kube_apiserver(hibernated=False))

    async def deploy_kube_controller_manager(self) -> None:
        ca = self.manager.get(CA).name
        values_ = values.kube_controller_manager_values(self.objects, self.secrets, ca, hibernated=False)
        await self._deploy_and_wait(KubeControllerManager(self.seed, values_))

    async def deploy_kube_scheduler(self) -> None:
        values_ = values.kube_scheduler_values(self.objects, self.secrets, hibernated=False)
        await self._deploy_and_wait(KubeScheduler(self.seed, values_))

    async def deploy_machine_controller(self) -> None:
        values_ = values.machine_controller_values(self.objects, self.secrets, hibernated=False)
        await self._deploy_and_wait(MachineController(self.seed, values_))

    async def deploy_system_components(self) -> None:
        shoot = await self.shoot_client()
        components: list[ChartComponent] = [
            CoreDNS(shoot, values.coredns_values(self.objects)),
            MetricsServer(shoot, values.metrics_server_values()),
        ]
        await asyncio.gather(*(self._deploy_and_wait(component) for component in components))

    # -- hibernation -------------------------------------------------------------------------------------------

    async def hibernate_kube_controllers(self) -> None:
        components = self._kube_controllers(self.manager.get(CA).name, hibernated=True)
        await asyncio.gather(*(self._deploy_and_wait(c) for c in components))

    async def hibernate_kube_apiserver(self) -> None:
        await self._deploy_and_wait(self._kube_apiserver(hibernated=True))
        await self._wait_pods_gone("app=kubernetes,role=apiserver")

    async def hibernate_etcd(self) -> None:
        await asyncio.gather(*(self._deploy_and_wait(etcd) for etcd in self._etcds(hibernated=True)))
        await self._wait_pods_gone("name=etcd")

    async def _wait_pods_gone(self, selector: str) -> None:
        """A workload at 0 replicas is rolled out while its pods still terminate; hibernated means they are gone
        (and with them the processes and open files), so the flow waits for that, as Gardener does."""
        deadline = time.monotonic() + self.options.control_plane_timeout
        while True:
            pods = await self._run(self.seed.list, PODS, self.namespace, label_selector=selector)
            if not pods:
                return
            if time.monotonic() >= deadline:
                names = ", ".join(p["metadata"]["name"] for p in pods)
                raise TimeoutError(f"pods {names} still terminating after {self.options.control_plane_timeout:g} s")
            await asyncio.sleep(self.options.interval)

    # -- deletion ----------------------------------------------------------------------------------------------

    async def prepare_deletion(self) -> None:
        """What the extensions need to clean up: the Cluster, the credentials, and a running kube-apiserver (the
        machine controller drains nodes and the OSC actuator removes bootstrap tokens through it). A hibernated
        shoot is woken up for that, as Gardener does; a namespace that is gone or going needs nothing."""
        if not await self._namespace_usable():
            return
        await self.deploy_cluster()
        await self.deploy_cloudprovider_secret()
        workers = await self._run(self.seed.get, WORKERS, self.namespace, self.objects.name)
        oscs = await self._run(self.seed.list, OPERATINGSYSTEMCONFIGS, self.namespace)
        if workers is None and not oscs:
            return
        await self.deploy_kube_apiserver_service()
        await self.deploy_secrets()
        await self.deploy_shoot_access_secret()
        if self.plan.etcd:
            await self.deploy_etcd()
        await self.deploy_kube_apiserver()

    async def _delete_extension(self, resource: Any, name: str, limit: float | None = None) -> None:
        await delete_and_wait(
            self.threads,
            self.seed,
            resource,
            self.namespace,
            name,
            limit=limit or self.options.extension_timeout,
            interval=self.options.interval,
        )

    async def delete_worker(self) -> None:
        await self._delete_extension(WORKERS, self.objects.name, self.options.worker_timeout)

    async def delete_operating_system_configs(self) -> None:
        existing = await self._run(self.seed.list, OPERATINGSYSTEMCONFIGS, self.namespace)
        names = {str(obj["metadata"]["name"]) for obj in existing}
        names |= {extensions.osc_name(pool) for pool in self.objects.workers}
        await asyncio.gather(*(self._delete_extension(OPERATINGSYSTEMCONFIGS, name) for name in sorted(names)))

    async def delete_dns_record(self) -> None:
        await self._delete_extension(DNSRECORDS, extensions.dns_record_name(self.objects))

    async def delete_infrastructure(self) -> None:
        await self._delete_extension(INFRASTRUCTURES, self.objects.name)

    async def destroy_kube_controllers(self) -> None:
        """Controller manager, scheduler and machine controller, with whatever Secret names: destroy deletes by
        object name, so the values need not match what was deployed."""
        if not self.plan.kube_controllers and not self.plan.machine_controller:
            return
        await self._ensure_secret_names()
        ca = self.manager.get(CA).name if self._manager is not None else _PLACEHOLDER
        components = self._kube_controllers(ca, hibernated=True)
        await asyncio.gather(*(self._destroy_and_wait(c) for c in components))

    async def destroy_kube_apiserver(self) -> None:
        await self._ensure_secret_names()
        await self._destroy_and_wait(self._kube_apiserver(hibernated=True))

    async def destroy_etcd(self) -> None:
        if not self.plan.etcd:
            return
        await self._ensure_secret_names()
        await asyncio.gather(*(self._destroy_and_wait(etcd) for etcd in self._etcds(hibernated=True)))

    async def _ensure_secret_names(self) -> None:
        """Values need Secret names; when this run generated none (the namespace was gone already), any valid
        names do, since destroying deletes objects by their own names."""
        if self._secrets is None:
            self._secrets = ControlPlaneSecrets(
                **{f.name: _PLACEHOLDER for f in dataclasses.fields(ControlPlaneSecrets)}
            )

    async def delete_namespace(self) -> None:
        await self._destroy_and_wait(Namespace(self.seed, values.namespace_values(self.objects)))

    async def delete_cluster(self) -> None:
        await self._run(self.seed.delete, CLUSTERS, None, self.namespace)

    async def delete_garden_secrets(self) -> None:
        for suffix in ("ca-cluster", "ca-client"):
            await self._run(delete, self.garden, self._garden_secret(suffix, {}))


#: A valid Secret name for values that are only used to find objects by their own names (destroy).
_PLACEHOLDER = "deleted"


def _node_ready(node: Object) -> bool:
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


__all__ = ["Botanist", "BotanistOptions"]
