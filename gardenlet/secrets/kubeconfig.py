"""Kubeconfig files for a shoot's API server: one cluster, one user (a client certificate or a bearer token)."""

from __future__ import annotations

import base64
from typing import Any

import yaml


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def kubeconfig(
    cluster_name: str,
    server: str,
    ca_bundle: bytes,
    *,
    user: str,
    client_certificate: bytes | None = None,
    client_key: bytes | None = None,
    token: str | None = None,
) -> str:
    """A kubeconfig trusting ``ca_bundle`` for ``server``; credentials are a certificate and key, or a token."""
    if not server.startswith("https://"):
        raise ValueError(f"the API server URL must be https://..., got {server!r}")
    if (client_certificate is None) != (client_key is None):
        raise ValueError("a client certificate needs its key, and a key its certificate")
    if (client_certificate is None) == (token is None):
        raise ValueError("give either a client certificate and key or a token")
    credentials: dict[str, Any] = (
        {"token": token}
        if token is not None
        else {
            "client-certificate-data": _b64(client_certificate or b""),
            "client-key-data": _b64(client_key or b""),
        }
    )
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": cluster_name, "cluster": {"server": server, "certificate-authority-data": _b64(ca_bundle)}}
        ],
        "users": [{"name": user, "user": credentials}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}],
        "current-context": cluster_name,
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)


__all__ = ["kubeconfig"]
