"""OperatingSystemConfig: the node configuration rendered as cloud-init, with what a node needs to join.

For a ``provision`` OperatingSystemConfig the actuator

1. makes sure a bootstrap token exists in the shoot (:mod:`.bootstrap_token`), through the shoot access Secret;
2. renders a ``#cloud-config``: the spec's files (inline, or from Secrets in the namespace) and units (unit files,
   drop-ins, then ``systemctl enable --now`` for the units to start), plus the bootstrap kubeconfig (the shoot API
   server's URL and CA, the token) and a default ``KubeletConfiguration`` unless the spec brings its own;
3. writes it into the Secret ``osc-result-<name>`` (key ``cloud_config``) of the namespace, owned by the object,
   and points ``status.cloudConfig.secretRef`` at it, as Gardener's operating-system extensions do.

A ``reconcile`` OperatingSystemConfig (what gardener-node-agent applies on running nodes) is rendered the same way
without the join parts. This one actuator serves every operating-system type: the cloud-init it writes is generic.
Deleting the object deletes the Secret and the bootstrap token (if the shoot is still reachable).
"""

from __future__ import annotations

import base64
from typing import Any

import yaml

from kubelite.client import SECRETS, Kube
from kubelite.nodes.userdata import BOOTSTRAP_KUBECONFIG, CLOUD_CONFIG_HEADER, KUBELET_CONFIG
from providers.extensions import bootstrap_token
from providers.extensions.actuator import Context, Outcome
from providers.extensions.cluster import decode_secret
from providers.extensions.shoot_access import ShootClients, server_and_ca
from providers.interface import ProviderError

Object = dict[str, Any]

RESULT_KEY = "cloud_config"
#: Where systemd units and their drop-ins are written.
UNIT_DIR = "/etc/systemd/system"


def result_secret_name(osc_name: str) -> str:
    return f"osc-result-{osc_name}"


def default_kubelet_config() -> Object:
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "authentication": {"webhook": {"enabled": True}, "anonymous": {"enabled": False}},
        "authorization": {"mode": "Webhook"},
        "cgroupDriver": "systemd",
        "clusterDomain": "cluster.local",
        "rotateCertificates": True,
        "serverTLSBootstrap": True,
    }


def bootstrap_kubeconfig(server: str, ca_data: str | None, token: str) -> Object:
    cluster: Object = {"server": server}
    if ca_data:
        cluster["certificate-authority-data"] = ca_data
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "default", "cluster": cluster}],
        "users": [{"name": "kubelet-bootstrap", "user": {"token": token}}],
        "contexts": [{"name": "default", "context": {"cluster": "default", "user": "kubelet-bootstrap"}}],
        "current-context": "default",
    }


def _file_content(kube: Kube, namespace: str | None, spec_file: Object) -> str:
    content = spec_file.get("content") or {}
    inline = content.get("inline")
    if inline is not None:
        data = str(inline.get("data") or "")
        if inline.get("encoding") in ("b64", "base64"):
            return base64.b64decode(data).decode()
        return data
    ref = content.get("secretRef")
    if ref is not None:
        secret = kube.get(SECRETS, namespace, ref["name"])
        if secret is None:
            raise ProviderError(f"file {spec_file.get('path')}: secret {ref['name']} does not exist")
        return decode_secret(secret).get(ref["dataKey"], "")
    raise ProviderError(f"file {spec_file.get('path')}: only inline and secretRef contents are supported")


def _entry(path: str, content: str, permissions: int | None) -> Object:
    # NB: plain text, not b64: the Worker fingerprints user data with bootstrap tokens masked, which needs them legible.
    entry: Object = {"path": path, "content": content}
    if permissions is not None:
        entry["permissions"] = f"0{permissions:o}"
    return entry


def render(kube: Kube, namespace: str | None, spec: Object, join: tuple[str, str | None, str] | None) -> str:
    """The cloud-config for ``spec``; ``join`` is (server, CA data, token) for provision configurations."""
    written: list[Object] = []
    paths: set[str] = set()
    for spec_file in spec.get("files") or []:
        written.append(
            _entry(spec_file["path"], _file_content(kube, namespace, spec_file), spec_file.get("permissions"))
        )
        paths.add(spec_file["path"])
    commands: list[str] = []
    for unit in spec.get("units") or []:
        if unit.get("content") is not None:
            written.append(_entry(f"{UNIT_DIR}/{unit['name']}", unit["content"], 0o644))
        for drop_in in unit.get("dropIns") or []:
            written.append(_entry(f"{UNIT_DIR}/{unit['name']}.d/{drop_in['name']}", drop_in["content"], 0o644))
    if join is not None:
        server, ca_data, token = join
        written.append(
            _entry(BOOTSTRAP_KUBECONFIG, yaml.safe_dump(bootstrap_kubeconfig(server, ca_data, token)), 0o600)
        )
        if KUBELET_CONFIG not in paths:
            written.append(_entry(KUBELET_CONFIG, yaml.safe_dump(default_kubelet_config()), 0o644))
    if spec.get("units"):
        commands.append("systemctl daemon-reload")
    for unit in spec.get("units") or []:
        if unit.get("enable") is not False and unit.get("command", "start") in ("start", "restart"):
            commands.append(f"systemctl enable --now {unit['name']}")
    document: Object = {"write_files": written}
    if commands:
        document["runcmd"] = commands
    return f"{CLOUD_CONFIG_HEADER}\n{yaml.safe_dump(document, sort_keys=False)}"


class OperatingSystemConfigActuator:
    def __init__(self, shoots: ShootClients) -> None:
        self.shoots = shoots

    def _owner(self, ctx: Context) -> str:
        return f"{ctx.namespace}/{ctx.name}"

    def reconcile(self, ctx: Context) -> Outcome:
        join = None
        if ctx.spec.get("purpose") == "provision":
            shoot, config = self.shoots.get(str(ctx.namespace))
            token = bootstrap_token.ensure(shoot, self._owner(ctx))
            server, ca_data = server_and_ca(config)
            join = (server, ca_data, token.token)
        cloud_config = render(ctx.kube, ctx.namespace, ctx.spec, join)
        name = result_secret_name(ctx.name)
        body: Object = {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": {
                "name": name,
                "namespace": ctx.namespace,
                "ownerReferences": [
                    {
                        "apiVersion": ctx.obj["apiVersion"],
                        "kind": ctx.obj["kind"],
                        "name": ctx.name,
                        "uid": ctx.obj["metadata"]["uid"],
                        "controller": True,
                    }
                ],
            },
            "data": {RESULT_KEY: base64.b64encode(cloud_config.encode()).decode()},
        }
        current = ctx.kube.get(SECRETS, ctx.namespace, name)
        if current is None:
            ctx.kube.create(SECRETS, ctx.namespace, body)
        elif (current.get("data") or {}).get(RESULT_KEY) != body["data"][RESULT_KEY]:
            ctx.kube.patch(SECRETS, ctx.namespace, name, {"data": body["data"]})
        return Outcome({"cloudConfig": {"secretRef": {"name": name, "namespace": ctx.namespace}}})

    def delete(self, ctx: Context) -> None:
        if ctx.spec.get("purpose") == "provision":
            try:
                shoot, _ = self.shoots.get(str(ctx.namespace))
            except ProviderError:
                shoot = None  # the shoot is gone or was never reachable: its tokens went with it
            if shoot is not None:
                bootstrap_token.delete(shoot, self._owner(ctx))
        ctx.kube.delete(SECRETS, ctx.namespace, result_secret_name(ctx.name))

    def migrate(self, ctx: Context) -> None:
        """The rendered Secret is derived: the restoring seed renders it again."""

    def restore(self, ctx: Context) -> Outcome:
        return self.reconcile(ctx)


__all__ = ["RESULT_KEY", "OperatingSystemConfigActuator", "bootstrap_kubeconfig", "render", "result_secret_name"]
