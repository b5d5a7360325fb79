"""The machine driver: one Compute instance per Machine, named like the Machine, found by name before one is inserted.

A GCE instance name is unique per zone, so the Machine's name is the idempotency key by itself: a retry after a lost
answer, or a second create for the same Machine, finds the instance (or meets ``alreadyExists``) instead of starting a
second one. The instance carries the shoot's cluster label (``k8s-cluster-name``), its user data as the ``user-data``
metadata item (what cloud-init reads on GCE), the network tags firewalls address, the pool's service account, and a
boot disk of the pool's volume type and size made from the class's image. Its provider ID is
``gce://<project>/<zone>/<name>``, as the GCP cloud controller manager writes it on the Node.

What to run comes from the MachineClass ``providerSpec`` in the shape of Gardener's GCP machine classes (see
:func:`providers.gcp.machineclass.machine_class`); whatever the spec leaves out is derived from the names the
infrastructure actuator gives things (the ``<id>-nodes`` subnetwork, the secret's service account), so a bare
:class:`~providers.interface.MachineSpec` runs too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.cloud import compute_v1

from garden.api.common import ErrorCode
from providers.gcp import names
from providers.gcp.calls import Calls
from providers.gcp.clients import REQUEST_TIMEOUT, ComputeClients
from providers.gcp.compute import Compute, found
from providers.gcp.errors import is_already_exists
from providers.gcp.machineclass import CLOUD_PLATFORM_SCOPE
from providers.gcp.operations import basename
from providers.gcp.teardown import cluster_instances
from providers.interface import ClusterInfo, MachineInfo, MachineSpec, ProviderError

USER_DATA_KEY = "user-data"
DEFAULT_DISK_TYPE = "pd-balanced"
DEFAULT_DISK_GIB = 50
_STATES = {
    "PROVISIONING": "Pending",
    "STAGING": "Pending",
    "RUNNING": "Running",
    "STOPPING": "Terminating",
    "SUSPENDING": "Terminating",
    "REPAIRING": "Unknown",
    "SUSPENDED": "Unknown",
    "TERMINATED": "Unknown",  # GCE's word for a stopped instance: it can be started again
}


def provider_id(project: str, zone: str, name: str) -> str:
    return f"gce://{project}/{zone}/{name}"


def parse_provider_id(value: str) -> tuple[str, str, str] | None:
    """``gce://project/zone/name`` -> (project, zone, name); None for anything else."""
    if not value.startswith("gce://"):
        return None
    parts = value.removeprefix("gce://").split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def region_of(zone: str) -> str:
    return zone.rsplit("-", 1)[0]


def machine_info(project: str, instance: compute_v1.Instance) -> MachineInfo:
    addresses = tuple(str(nic.network_i_p) for nic in instance.network_interfaces if nic.network_i_p)
    return MachineInfo(
        name=str(instance.name),
        provider_id=provider_id(project, basename(instance.zone), str(instance.name)),
        state=_STATES.get(str(instance.status), "Unknown"),
        addresses=addresses,
    )


def instance_body(spec: MachineSpec, project: str, client_email: str) -> compute_v1.Instance:
    """The instance a Machine asks for, from its class's provider spec (Gardener's GCP machine class shape)."""
    ps: dict[str, Any] = dict(spec.provider_spec)
    zone = spec.zone or str(ps.get("zone") or "")
    if not zone:
        raise ProviderError(f"machine {spec.name}: no zone", ErrorCode.CONFIGURATION_PROBLEM)
    technical_id = spec.cluster.technical_id
    labels = {**names.labels(technical_id, spec.cluster.labels), **dict(ps.get("labels") or {})}
    boot: dict[str, Any] = next((d for d in ps.get("disks") or () if d.get("boot")), {})
    disk_type = spec.volume_type or boot.get("type") or DEFAULT_DISK_TYPE
    disk = compute_v1.AttachedDisk(
        boot=True,
        auto_delete=bool(boot.get("autoDelete", True)),
        type_="PERSISTENT",
        initialize_params=compute_v1.AttachedDiskInitializeParams(
            source_image=str(boot.get("image") or spec.image),
            disk_size_gb=int(spec.volume_size_gib or boot.get("sizeGb") or DEFAULT_DISK_GIB),
            disk_type=f"zones/{zone}/diskTypes/{disk_type}",
            labels=labels,
        ),
    )
    if boot.get("interface"):
        disk.interface = boot["interface"]
    if kms := (boot.get("encryption") or {}).get("kmsKeyName"):
        disk.disk_encryption_key = compute_v1.CustomerEncryptionKey(
            kms_key_name=kms, kms_key_service_account=(boot.get("encryption") or {}).get("kmsKeyServiceAccount")
        )
    nic = (ps.get("networkInterfaces") or [{}])[0]
    subnetwork = nic.get("subnetwork") or names.nodes_subnet(technical_id)
    if "/" not in subnetwork:
        subnetwork = f"projects/{project}/regions/{region_of(zone)}/subnetworks/{subnetwork}"
    accounts = ps.get("serviceAccounts") or [{"email": client_email, "scopes": [CLOUD_PLATFORM_SCOPE]}]
    scheduling = ps.get("scheduling") or {}
    body = compute_v1.Instance(
        name=names.checked(spec.name, "machine name"),
        description=str(ps.get("description") or f"Machine {spec.name} of shoot {technical_id}"),
        machine_type=f"zones/{zone}/machineTypes/{ps.get('machineType') or spec.machine_type}",
        can_ip_forward=bool(ps.get("canIpForward", True)),
        deletion_protection=bool(ps.get("deletionProtection", False)),
        labels=labels,
        tags=compute_v1.Tags(items=list(ps.get("tags") or names.network_tags(technical_id))),
        disks=[disk],
        metadata=compute_v1.Metadata(items=[compute_v1.Items(key=USER_DATA_KEY, value=spec.userdata.decode())]),
        network_interfaces=[compute_v1.NetworkInterface(subnetwork=subnetwork)],
        service_accounts=[
            compute_v1.ServiceAccount(email=str(a.get("email") or client_email), scopes=list(a.get("scopes") or ()))
            for a in accounts
        ],
        scheduling=compute_v1.Scheduling(
            automatic_restart=bool(scheduling.get("automaticRestart", True)),
            on_host_maintenance=str(scheduling.get("onHostMaintenance") or "MIGRATE"),
            preemptible=bool(scheduling.get("preemptible", False)),
        ),
    )
    if gpu := ps.get("gpu"):
        body.guest_accelerators = [
            compute_v1.AcceleratorConfig(
                accelerator_type=f"zones/{zone}/acceleratorTypes/{gpu['acceleratorType']}",
                accelerator_count=int(gpu.get("count") or 1),
            )
        ]
    if ps.get("minCpuPlatform"):
        body.min_cpu_platform = str(ps["minCpuPlatform"])
    return body


class GCPMachines:
    def __init__(self, cluster: ClusterInfo, clients: ComputeClients, calls: Calls) -> None:
        self.cluster = cluster
        self.clients = clients
        self.project = clients.project
        self.compute = Compute(clients, calls)
        self.calls = calls

    def _get(self, zone: str, name: str) -> compute_v1.Instance | None:
        return found(
            lambda: self.clients.instances.get(
                project=self.project, zone=zone, instance=name, retry=None, timeout=REQUEST_TIMEOUT
            )
        )

    def _ours(self, instance: compute_v1.Instance) -> compute_v1.Instance:
        owner = instance.labels.get(names.CLUSTER_LABEL)
        if owner != names.label_value(self.cluster.technical_id):
            raise ProviderError(
                f"instance {instance.name} exists in zone {basename(instance.zone)} but belongs to {owner or 'nobody'}",
                ErrorCode.CONFIGURATION_PROBLEM,
            )
        return instance

    def create(self, spec: MachineSpec) -> MachineInfo:
        body = instance_body(spec, self.project, self.clients.key.client_email)
        zone = basename(body.machine_type.split("/machineTypes/")[0])

        def step() -> compute_v1.Instance:
            existing = self._get(zone, spec.name)
            if existing is not None:
                return self._ours(existing)
            try:
                operation = self.clients.instances.insert_unary(
                    project=self.project, zone=zone, instance_resource=body, retry=None, timeout=REQUEST_TIMEOUT
                )
            except Exception as exc:
                if not is_already_exists(exc):
                    raise
            else:
                self.compute.operations.wait(operation, f"running machine {spec.name}")
            made = self._get(zone, spec.name)
            if made is None:
                raise ProviderError(
                    f"instance {spec.name}: inserted, but not found afterwards", ErrorCode.RETRYABLE_INFRA_DEPENDENCIES
                )
            return self._ours(made)

        return machine_info(self.project, self.calls.run(f"running machine {spec.name}", step))

    def delete(self, spec: MachineSpec, provider_id: str | None) -> None:
        parsed = parse_provider_id(provider_id) if provider_id else None
        zone, name = (
            (parsed[1], parsed[2]) if parsed else (spec.zone or str(spec.provider_spec.get("zone") or ""), spec.name)
        )
        if not zone:
            raise ProviderError(f"machine {spec.name}: no zone to delete it from", ErrorCode.CONFIGURATION_PROBLEM)
        self.compute.remove(
            f"deleting machine {name}",
            lambda: self.clients.instances.delete_unary(
                project=self.project, zone=zone, instance=name, retry=None, timeout=REQUEST_TIMEOUT
            ),
        )

    def list(self, cluster: ClusterInfo) -> Sequence[MachineInfo]:
        instances = self.calls.run(
            "listing the shoot's machines", lambda: cluster_instances(self.compute, cluster.technical_id)
        )
        return [machine_info(self.project, i) for i in instances]


__all__ = ["GCPMachines", "instance_body", "machine_info", "parse_provider_id", "provider_id"]
