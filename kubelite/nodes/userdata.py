"""The cloud-init user data a node boots from, as far as a kubelet needs it.

A machine's user data is a ``#cloud-config`` document whose ``write_files`` hold, among others:

* :data:`BOOTSTRAP_KUBECONFIG` — a kubeconfig with the API server's URL, its CA (``certificate-authority-data``)
  and a bootstrap token (``<token-id>.<token-secret>``), with which the kubelet joins;
* :data:`KUBELET_CONFIG` — the ``KubeletConfiguration`` (YAML).

Operating-system extensions render this (see ``providers.extensions.osc``); the simulated node reads it back.
``encoding: b64`` contents are decoded; other cloud-init encodings (gzip) are refused with a clear error.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

import yaml

BOOTSTRAP_KUBECONFIG = "/var/lib/kubelet/kubeconfig-bootstrap"
KUBELET_CONFIG = "/var/lib/kubelet/config/kubelet"
CLOUD_CONFIG_HEADER = "#cloud-config"


class UserdataError(ValueError):
    """User data a node cannot boot from."""


@dataclass(frozen=True, slots=True)
class Boot:
    """What a node needs from its user data to join."""

    server: str
    ca_data: str | None  # base64 PEM, as kubeconfigs carry it
    token: str
    kubelet_config: dict[str, Any] = field(default_factory=dict)
    kubeconfig: dict[str, Any] = field(default_factory=dict)  # the bootstrap kubeconfig as written


def files(text: str) -> dict[str, str]:
    """The ``write_files`` of a cloud-config, path -> decoded content."""
    if not text.lstrip().startswith(CLOUD_CONFIG_HEADER):
        raise UserdataError(f"the user data is not a cloud-config (it must start with {CLOUD_CONFIG_HEADER!r})")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserdataError(f"the cloud-config is not YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise UserdataError("the cloud-config is not a mapping")
    found: dict[str, str] = {}
    for number, entry in enumerate(document.get("write_files") or []):
        if not isinstance(entry, dict) or not entry.get("path"):
            raise UserdataError(f"write_files[{number}] has no path")
        content = str(entry.get("content") or "")
        encoding = entry.get("encoding") or ""
        if encoding in ("b64", "base64"):
            try:
                content = base64.b64decode(content).decode()
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise UserdataError(f"write_files[{number}] ({entry['path']}): bad base64") from exc
        elif encoding not in ("", "text/plain"):
            raise UserdataError(f"write_files[{number}] ({entry['path']}): unsupported encoding {encoding!r}")
        found[str(entry["path"])] = content
    return found


def parse(text: str) -> Boot:
    """The join parameters of a node's user data; a clear :class:`UserdataError` when any is missing."""
    written = files(text)
    raw = written.get(BOOTSTRAP_KUBECONFIG)
    if raw is None:
        raise UserdataError(f"the cloud-config writes no {BOOTSTRAP_KUBECONFIG}")
    kubeconfig = yaml.safe_load(raw) or {}
    try:
        cluster = kubeconfig["clusters"][0]["cluster"]
        user = kubeconfig["users"][0]["user"]
    except (KeyError, IndexError, TypeError) as exc:
        raise UserdataError(f"{BOOTSTRAP_KUBECONFIG} has no cluster or user") from exc
    server, token = cluster.get("server"), user.get("token")
    if not server or not token:
        raise UserdataError(f"{BOOTSTRAP_KUBECONFIG} needs a server and a token")
    kubelet = yaml.safe_load(written.get(KUBELET_CONFIG, "")) or {}
    return Boot(
        server=str(server),
        ca_data=cluster.get("certificate-authority-data"),
        token=str(token),
        kubelet_config=kubelet if isinstance(kubelet, dict) else {},
        kubeconfig=kubeconfig,
    )


__all__ = ["BOOTSTRAP_KUBECONFIG", "CLOUD_CONFIG_HEADER", "KUBELET_CONFIG", "Boot", "UserdataError", "files", "parse"]
