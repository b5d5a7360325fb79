"""Local machines: a Pod per machine in the shoot's namespace of the local cloud, running a simulated node.

The Pod (named like the Machine) runs ``localhost/kubelite/node:<version>``; the kubelite kubelet runs that image
as ``python -m kubelite.nodes`` with the Pod's ``args``. The user data is a Secret ``<machine>-userdata`` mounted
at ``/etc/machine``. The node registers itself as the Machine's name with provider ID
``local:///<namespace>/<machine>``. ``restartPolicy: Never``: a node told to vanish stays gone, as a dead VM would.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from kubelite.client import PODS, SECRETS, Kube, KubeError, Object
from providers.interface import ClusterInfo, MachineInfo, MachineSpec
from providers.local.cloud import CLUSTER_LABEL, as_provider_error, ensure_namespace

NODE_IMAGE = "localhost/kubelite/node"
MACHINE_LABEL = "local.provider.extensions.gardener.cloud/machine"
USERDATA_DIR = "/etc/machine"
USERDATA_KEY = "userdata"


def provider_id(namespace: str, name: str) -> str:
    return f"local:///{namespace}/{name}"


def parse_provider_id(value: str) -> tuple[str, str] | None:
    if not value.startswith("local:///"):
        return None
    namespace, _, name = value.removeprefix("local:///").partition("/")
    return (namespace, name) if namespace and name else None


def machine_pod(spec: MachineSpec) -> Object:
    namespace = spec.cluster.technical_id
    labels = {CLUSTER_LABEL: namespace, MACHINE_LABEL: spec.name, "app": "machine"}
    args = [
        "--userdata",
        f"{USERDATA_DIR}/{USERDATA_KEY}",
        "--name",
        spec.name,
        "--provider-id",
        provider_id(namespace, spec.name),
        "--zone",
        spec.zone,
        "--instance-type",
        spec.machine_type,
    ]
    if spec.cluster.region:
        args += ["--region", spec.cluster.region]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": spec.name, "namespace": namespace, "labels": labels},
        "spec": {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": "node",
                    "image": spec.image,
                    "args": args,
                    "volumeMounts": [{"name": "userdata", "mountPath": USERDATA_DIR, "readOnly": True}],
                }
            ],
            "volumes": [{"name": "userdata", "secret": {"secretName": f"{spec.name}-userdata"}}],
        },
    }


def machine_state(pod: Object) -> str:
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    phase = (pod.get("status") or {}).get("phase")
    return {"Running": "Running", "Succeeded": "Terminated", "Failed": "Terminated"}.get(phase or "", "Pending")


def machine_info(pod: Object) -> MachineInfo:
    meta = pod["metadata"]
    address = (pod.get("status") or {}).get("podIP")
    return MachineInfo(
        name=meta["name"],
        provider_id=provider_id(meta["namespace"], meta["name"]),
        state=machine_state(pod),
        addresses=(address,) if address else (),
    )


class LocalMachines:
    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    def create(self, spec: MachineSpec) -> MachineInfo:
        namespace = spec.cluster.technical_id
        try:
            existing = self.kube.get(PODS, namespace, spec.name)
            if existing is not None and not existing["metadata"].get("deletionTimestamp"):
                return machine_info(existing)
            ensure_namespace(self.kube, namespace)
            self._userdata(spec)
            try:
                created = self.kube.create(PODS, namespace, machine_pod(spec))
            except KubeError as exc:
                if not exc.conflict:
                    raise
                created = self.kube.get(PODS, namespace, spec.name) or machine_pod(spec)
        except KubeError as exc:
            raise as_provider_error(exc) from exc
        return machine_info(created)

    def _userdata(self, spec: MachineSpec) -> None:
        namespace = spec.cluster.technical_id
        name = f"{spec.name}-userdata"
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": {CLUSTER_LABEL: namespace, MACHINE_LABEL: spec.name},
            },
            "data": {USERDATA_KEY: base64.b64encode(spec.userdata).decode()},
        }
        if self.kube.get(SECRETS, namespace, name) is None:
            try:
                self.kube.create(SECRETS, namespace, body)
            except KubeError as exc:
                if not exc.conflict:
                    raise
        else:
            self.kube.patch(SECRETS, namespace, name, {"data": body["data"]})

    def delete(self, spec: MachineSpec, provider_id: str | None) -> None:
        namespace, name = spec.cluster.technical_id, spec.name
        parsed = parse_provider_id(provider_id) if provider_id else None
        if parsed is not None:
            namespace, name = parsed
        try:
            self.kube.delete(PODS, namespace, name)
            self.kube.delete(SECRETS, namespace, f"{name}-userdata")
        except KubeError as exc:
            raise as_provider_error(exc) from exc

    def list(self, cluster: ClusterInfo) -> Sequence[MachineInfo]:
        try:
            pods = self.kube.list(PODS, cluster.technical_id, label_selector=f"{CLUSTER_LABEL}={cluster.technical_id}")
        except KubeError as exc:
            raise as_provider_error(exc) from exc
        return [machine_info(pod) for pod in pods]


__all__ = ["MACHINE_LABEL", "NODE_IMAGE", "LocalMachines", "machine_pod", "parse_provider_id", "provider_id"]
