"""One sync of a MachineDeployment: its MachineSets, their Machines, and the VMs behind them. Level-based.

Every sync reads the deployment, its sets and machines (by the ``name: <deployment>`` label), the shoot's Nodes,
and moves each a step closer to what is wanted:

1. machines: a deleted one is drained and its VM deleted before its finalizer goes; a new one gets its VM from the
   provider's driver (idempotent by name); the rest get their phase from their Node (:mod:`.health`), and a
   Running machine's Node gets the template's labels and taints;
2. sets: the set of the current template is made if missing; :mod:`.rollout` says how big each set is now; a set
   deletes its Failed machines (they are replaced) and those over its size (:func:`.health.to_delete`), and
   creates machines up to its size; old sets without machines are deleted;
3. the deployment's status: replicas, updated, ready/available and failed machines.

One thread syncs one deployment at a time, so no two syncs of the same objects race.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import string
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from garden.api.base import format_time
from gardenlet.machines import health, rollout
from gardenlet.machines.drain import delete_node, drain
from gardenlet.machines.labels import (
    DEPLOYMENT_LABEL,
    FINALIZER,
    NODE_LABEL,
    TEMPLATE_HASH_LABEL,
    USERDATA_KEY,
)
from kubelite.client import NODES, SECRETS, Kube, KubeError
from providers.extensions.cluster import cluster_info, decode_secret, read_cluster
from providers.extensions.resources import MACHINECLASSES, MACHINEDEPLOYMENTS, MACHINES, MACHINESETS
from providers.extensions.shoot_access import ShootClients
from providers.interface import ClusterInfo, MachineDriver, MachineSpec, ProviderError
from providers.registry import ProviderRegistry

log = logging.getLogger(__name__)

Object = dict[str, Any]
API_VERSION = "machine.sapcloud.io/v1alpha1"


def template_hash(template: Object) -> str:
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:10]


def _created(obj: Object) -> float:
    stamp = obj["metadata"].get("creationTimestamp")
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else time.time()


def _phase(machine: Object) -> str | None:
    return ((machine.get("status") or {}).get("currentStatus") or {}).get("phase")


def _since(machine: Object) -> float:
    stamp = ((machine.get("status") or {}).get("currentStatus") or {}).get("lastUpdateTime")
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else _created(machine)


def _ready(node: Object | None) -> bool | None:
    if node is None:
        return None
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True")
    return False


@dataclass
class Machinery:
    """What a sync needs besides the seed: the provider registry, shoot clients and a clock."""

    registry: ProviderRegistry
    shoots: ShootClients
    clock: Any = time.time


class DeploymentSync:
    def __init__(self, seed: Kube, machinery: Machinery, namespace: str, name: str) -> None:
        self.seed = seed
        self.m = machinery
        self.namespace = namespace
        self.name = name
        self._classes: dict[str, tuple[Object, MachineDriver, ClusterInfo, bytes]] = {}

    # -- reading ---------------------------------------------------------------------------------------------------

    def _children(self) -> tuple[list[Object], list[Object]]:
        selector = f"{DEPLOYMENT_LABEL}={self.name}"
        sets = self.seed.list(MACHINESETS, self.namespace, label_selector=selector)
        machines = self.seed.list(MACHINES, self.namespace, label_selector=selector)
        return sets, machines

    def _class(self, name: str) -> tuple[Object, MachineDriver, ClusterInfo, bytes]:
        if name in self._classes:
            return self._classes[name]
        machine_class = self.seed.get(MACHINECLASSES, self.namespace, name)
        if machine_class is None:
            raise ProviderError(f"machine class {name} does not exist")
        provider = self.m.registry.get(str(machine_class.get("provider") or ""))
        credentials_ref = machine_class.get("credentialsSecretRef") or machine_class.get("secretRef") or {}
        credentials_secret = self.seed.get(
            SECRETS, credentials_ref.get("namespace") or self.namespace, credentials_ref.get("name") or ""
        )
        credentials = decode_secret(credentials_secret) if credentials_secret else {}
        userdata_ref = machine_class.get("secretRef") or {}
        userdata_secret = self.seed.get(
            SECRETS, userdata_ref.get("namespace") or self.namespace, userdata_ref.get("name") or ""
        )
        userdata = decode_secret(userdata_secret).get(USERDATA_KEY, "").encode() if userdata_secret else b""
        cluster = cluster_info(read_cluster(self.seed, self.namespace), credentials)
        loaded = (machine_class, provider.machines(cluster), cluster, userdata)
        self._classes[name] = loaded
        return loaded

    def _spec(self, machine: Object) -> tuple[MachineDriver, MachineSpec]:
        class_name = (((machine.get("spec") or {}).get("class")) or {}).get("name") or ""
        machine_class, driver, cluster, userdata = self._class(class_name)
        provider_spec = machine_class.get("providerSpec") or {}
        volume = provider_spec.get("volume") or {}
        size = str(volume.get("size") or "").removesuffix("Gi")
        return driver, MachineSpec(
            name=machine["metadata"]["name"],
            cluster=cluster,
            class_name=class_name,
            machine_type=str(provider_spec.get("machineType") or ""),
            image=str(provider_spec.get("image") or ""),
            zone=str(provider_spec.get("zone") or ""),
            userdata=userdata,
            volume_type=volume.get("type"),
            volume_size_gib=int(size) if size.isdigit() else None,
            provider_spec=provider_spec,
            labels={DEPLOYMENT_LABEL: self.name},
        )

    # -- the sync ----------------------------------------------------------------------------------------------------

    def sync(self, deleting: bool = False) -> int:
        """One step; the number of machines left (what a deletion waits for)."""
        deployment = self.seed.get(MACHINEDEPLOYMENTS, self.namespace, self.name)
        if deployment is None:
            return 0
        spec = deployment.get("spec") or {}
        sets, machines = self._children()
        nodes = self._nodes()
        for machine in machines:
            self._sync_machine(machine, nodes.get(((machine.get("spec") or {}).get("providerID")) or ""), spec)
        sets, machines = self._children()
        if deleting:
            for machine in machines:
                if not machine["metadata"].get("deletionTimestamp"):
                    self.seed.delete(MACHINES, self.namespace, machine["metadata"]["name"])
            if not machines:
                for machine_set in sets:
                    self.seed.delete(MACHINESETS, self.namespace, machine_set["metadata"]["name"])
            return len(machines)
        self._sync_sets(deployment, sets, machines)
        sets, machines = self._children()
        self._status(deployment, sets, machines)
        return len(machines)

    def _nodes(self) -> dict[str, Object]:
        try:
            shoot, _ = self.m.shoots.get(self.namespace)
            return {
                str((n.get("spec") or {}).get("providerID")): n
                for n in shoot.list(NODES)
                if (n.get("spec") or {}).get("providerID")
            }
        except (ProviderError, KubeError) as exc:
            log.warning(
                "machine deployment %s/%s: the shoot's nodes cannot be read: %s", self.namespace, self.name, exc
            )
            return {}

    def _machine_status(self, machine: Object, phase: str, operation: str, state: str, description: str) -> None:
        at = format_time(datetime.fromtimestamp(self.m.clock(), UTC))
        status = {
            "currentStatus": {"phase": phase, "lastUpdateTime": at, "timeoutActive": phase in ("Pending", "Unknown")},
            "lastOperation": {"type": operation, "state": state, "description": description, "lastUpdateTime": at},
        }
        self.seed.patch(MACHINES, self.namespace, machine["metadata"]["name"], {"status": status}, subresource="status")

    def _sync_machine(self, machine: Object, node: Object | None, deployment_spec: Object) -> None:
        name = machine["metadata"]["name"]
        provider_id = (machine.get("spec") or {}).get("providerID")
        if machine["metadata"].get("deletionTimestamp"):
            self._delete_machine(machine, node)
            return
        template_spec = ((deployment_spec.get("template") or {}).get("spec")) or {}
        if not provider_id:
            driver, spec = self._spec(machine)
            info = driver.create(spec)
            self.seed.patch(MACHINES, self.namespace, name, {"spec": {"providerID": info.provider_id}})
            self._machine_status(
                machine, "Pending", "Create", "Processing", f"Created {info.provider_id}; waiting for its node"
            )
            return
        phase = _phase(machine)
        machine_spec = machine.get("spec") or {}
        observed = health.Observation(phase=phase, since=_since(machine), node_ready=_ready(node))
        creation_timeout = health.parse_duration(
            machine_spec.get("creationTimeout") or template_spec.get("creationTimeout"), health.DEFAULT_CREATION_TIMEOUT
        )
        health_timeout = health.parse_duration(
            machine_spec.get("healthTimeout") or template_spec.get("healthTimeout"), health.DEFAULT_HEALTH_TIMEOUT
        )
        if phase in (None, "Pending") and not observed.node_ready:
            driver, spec = self._spec(machine)
            states = {info.provider_id: info.state for info in driver.list(spec.cluster)}
            observed = health.Observation(
                phase, observed.since, observed.node_ready, states.get(provider_id, "Terminated")
            )
        wanted = health.next_phase(observed, self.m.clock(), creation_timeout, health_timeout)
        if node is not None and wanted == "Running":
            self._adopt_node(machine, node, machine_spec.get("nodeTemplate") or template_spec.get("nodeTemplate") or {})
        if wanted != phase:
            descriptions = {
                "Running": f"Machine {name} joined as node {node['metadata']['name'] if node else '?'}",
                "Unknown": f"Machine {name}'s node is not ready",
                "Failed": f"Machine {name} failed: its node did not become ready in time",
                "Pending": f"Machine {name} is waiting for its node",
            }
            operation = "Create" if phase in (None, "Pending") else "HealthCheck"
            state = {"Running": "Successful", "Failed": "Failed"}.get(wanted, "Processing")
            self._machine_status(machine, wanted, operation, state, descriptions[wanted])

    def _adopt_node(self, machine: Object, node: Object, template: Object) -> None:
        node_name = node["metadata"]["name"]
        wanted_labels = ((template.get("metadata") or {}).get("labels")) or {}
        labels = node["metadata"].get("labels") or {}
        patch: Object = {}
        if any(labels.get(k) != v for k, v in wanted_labels.items()):
            patch.setdefault("metadata", {})["labels"] = wanted_labels
        taints = ((template.get("spec") or {}).get("taints")) or []
        current_taints = (node.get("spec") or {}).get("taints") or []
        missing = [
            t
            for t in taints
            if not any(c.get("key") == t.get("key") and c.get("effect") == t.get("effect") for c in current_taints)
        ]
        if missing:
            patch["spec"] = {"taints": current_taints + missing}
        if patch:
            shoot, _ = self.m.shoots.get(self.namespace)
            shoot.patch(NODES, None, node_name, patch)
        if (machine["metadata"].get("labels") or {}).get(NODE_LABEL) != node_name:
            self.seed.patch(
                MACHINES, self.namespace, machine["metadata"]["name"], {"metadata": {"labels": {NODE_LABEL: node_name}}}
            )

    def _delete_machine(self, machine: Object, node: Object | None) -> None:
        name = machine["metadata"]["name"]
        if node is not None:
            shoot, _ = self.m.shoots.get(self.namespace)
            node_name = node["metadata"]["name"]
            drain_timeout = health.parse_duration(
                (machine.get("spec") or {}).get("drainTimeout"), health.DEFAULT_DRAIN_TIMEOUT
            )
            started = datetime.fromisoformat(
                machine["metadata"]["deletionTimestamp"].replace("Z", "+00:00")
            ).timestamp()
            if drain(shoot, node_name) and self.m.clock() - started < drain_timeout:
                if _phase(machine) != "Terminating":
                    self._machine_status(machine, "Terminating", "Delete", "Processing", f"Draining node {node_name}")
                return
            delete_node(shoot, node_name)
        provider_id = (machine.get("spec") or {}).get("providerID")
        if provider_id or (((machine.get("spec") or {}).get("class")) or {}).get("name"):
            try:
                driver, spec = self._spec(machine)
            except ProviderError:
                driver = None  # the class is gone: nothing left to call the driver with
            if driver is not None:
                driver.delete(spec, provider_id)
                if provider_id and self._still_there(driver, spec, provider_id):
                    # NB: the Machine stays until its VM is gone, so a VM shutting down is never left unaccounted.
                    if _phase(machine) != "Terminating":
                        self._machine_status(
                            machine, "Terminating", "Delete", "Processing", f"Waiting for {provider_id} to go"
                        )
                    return
        finalizers = [f for f in machine["metadata"].get("finalizers") or [] if f != FINALIZER]
        self.seed.patch(
            MACHINES,
            self.namespace,
            name,
            {"metadata": {"finalizers": finalizers, "resourceVersion": machine["metadata"]["resourceVersion"]}},
        )

    @staticmethod
    def _still_there(driver: MachineDriver, spec: MachineSpec, provider_id: str) -> bool:
        """Whether the driver still lists the VM as anything but terminated (it is shutting down)."""
        return any(info.provider_id == provider_id and info.state != "Terminated" for info in driver.list(spec.cluster))

    # -- sets ------------------------------------------------------------------------------------------------------

    def _sync_sets(self, deployment: Object, sets: list[Object], machines: list[Object]) -> None:
        spec = deployment.get("spec") or {}
        if spec.get("paused"):
            return
        template = spec.get("template") or {}
        digest = template_hash(template)
        new_name = f"{self.name}-{digest[:5]}"
        new = next((s for s in sets if s["metadata"]["name"] == new_name), None)
        if new is None:
            new = self._create_set(deployment, new_name, digest, template)
            sets = [*sets, new]
        by_set: dict[str, list[Object]] = {}
        for machine in machines:
            owner = (machine["metadata"].get("labels") or {}).get("machine-set") or ""
            by_set.setdefault(owner, []).append(machine)

        def state(machine_set: Object) -> rollout.SetState:
            own = by_set.get(machine_set["metadata"]["name"], [])
            available = sum(1 for m in own if _phase(m) == "Running" and not m["metadata"].get("deletionTimestamp"))
            return rollout.SetState(
                machine_set["metadata"]["name"], int((machine_set.get("spec") or {}).get("replicas") or 0), available
            )

        olds = sorted((s for s in sets if s["metadata"]["name"] != new_name), key=_created)
        replicas = int(spec.get("replicas") or 0)
        strategy = (spec.get("strategy") or {}).get("rollingUpdate") or {}
        surge, unavailable = rollout.surge_and_unavailable(
            replicas, strategy.get("maxSurge"), strategy.get("maxUnavailable")
        )
        targets = rollout.step(replicas, surge, unavailable, state(new), [state(s) for s in olds])
        for machine_set in [new, *olds]:
            set_name = machine_set["metadata"]["name"]
            target = targets[set_name]
            if int((machine_set.get("spec") or {}).get("replicas") or 0) != target:
                self.seed.patch(MACHINESETS, self.namespace, set_name, {"spec": {"replicas": target}})
            own = by_set.get(set_name, [])
            if machine_set is not new and target == 0 and not own:
                self.seed.delete(MACHINESETS, self.namespace, set_name)
                continue
            self._scale_set(machine_set, own, target)

    def _create_set(self, deployment: Object, name: str, digest: str, template: Object) -> Object:
        labels = {DEPLOYMENT_LABEL: self.name, TEMPLATE_HASH_LABEL: digest}
        body = {
            "apiVersion": API_VERSION,
            "kind": "MachineSet",
            "metadata": {
                "name": name,
                "namespace": self.namespace,
                "labels": labels,
                "ownerReferences": [
                    {
                        "apiVersion": API_VERSION,
                        "kind": "MachineDeployment",
                        "name": self.name,
                        "uid": deployment["metadata"]["uid"],
                        "controller": True,
                    }
                ],
            },
            "spec": {"replicas": 0, "selector": {"matchLabels": labels}, "template": template},
        }
        try:
            return self.seed.create(MACHINESETS, self.namespace, body)
        except KubeError as exc:
            if not exc.conflict:
                raise
            return self.seed.get(MACHINESETS, self.namespace, name) or body

    def _scale_set(self, machine_set: Object, machines: list[Object], target: int) -> None:
        alive = [m for m in machines if not m["metadata"].get("deletionTimestamp")]
        failed = [m for m in alive if _phase(m) == "Failed"]
        for machine in failed:
            log.info("machine %s/%s failed; replacing it", self.namespace, machine["metadata"]["name"])
            self.seed.delete(MACHINES, self.namespace, machine["metadata"]["name"])
        alive = [m for m in alive if _phase(m) != "Failed"]
        if len(alive) > target:
            candidates = [health.Candidate(m["metadata"]["name"], _phase(m), _created(m)) for m in alive]
            for name in health.to_delete(candidates, len(alive) - target):
                self.seed.delete(MACHINES, self.namespace, name)
        for _ in range(target - len(alive)):
            self._create_machine(machine_set)

    def _create_machine(self, machine_set: Object) -> None:
        set_name = machine_set["metadata"]["name"]
        template = (machine_set.get("spec") or {}).get("template") or {}
        suffix = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(5))
        labels = {
            **(((template.get("metadata") or {}).get("labels")) or {}),
            DEPLOYMENT_LABEL: self.name,
            TEMPLATE_HASH_LABEL: (machine_set["metadata"].get("labels") or {}).get(TEMPLATE_HASH_LABEL, ""),
            "machine-set": set_name,
        }
        body = {
            "apiVersion": API_VERSION,
            "kind": "Machine",
            "metadata": {
                "name": f"{set_name}-{suffix}",
                "namespace": self.namespace,
                "labels": labels,
                "finalizers": [FINALIZER],
                "ownerReferences": [
                    {
                        "apiVersion": API_VERSION,
                        "kind": "MachineSet",
                        "name": set_name,
                        "uid": machine_set["metadata"]["uid"],
                        "controller": True,
                    }
                ],
            },
            "spec": template.get("spec") or {},
        }
        self.seed.create(MACHINES, self.namespace, body)

    def _status(self, deployment: Object, sets: list[Object], machines: list[Object]) -> None:
        digest = template_hash(((deployment.get("spec") or {}).get("template")) or {})
        alive = [m for m in machines if not m["metadata"].get("deletionTimestamp")]
        running = [m for m in alive if _phase(m) == "Running"]
        updated = [m for m in alive if (m["metadata"].get("labels") or {}).get(TEMPLATE_HASH_LABEL) == digest]
        replicas = int((deployment.get("spec") or {}).get("replicas") or 0)
        failed = [
            {
                "name": m["metadata"]["name"],
                "providerID": (m.get("spec") or {}).get("providerID"),
                "lastOperation": (m.get("status") or {}).get("lastOperation"),
            }
            for m in alive
            if _phase(m) == "Failed"
        ]
        status = {
            "observedGeneration": deployment["metadata"].get("generation"),
            "replicas": len(alive),
            "updatedReplicas": len(updated),
            "readyReplicas": len(running),
            "availableReplicas": len(running),
            "unavailableReplicas": max(0, replicas - len(running)),
            "failedMachines": failed or None,
        }
        current = deployment.get("status") or {}
        if any(current.get(k) != v for k, v in status.items()):
            self.seed.patch(MACHINEDEPLOYMENTS, self.namespace, self.name, {"status": status}, subresource="status")


__all__ = ["DeploymentSync", "Machinery", "template_hash"]
