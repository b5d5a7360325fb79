"""Manifests the garden integration tests share, written the way Gardener's docs write them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.integration.server import RunningServer

ROOT = Path(__file__).resolve().parents[3]


def apply(server: RunningServer, *objects: dict[str, Any]) -> None:
    """``kubectl apply`` of a YAML stream (not a ``v1 List``: kubectl validates those with OpenAPI v2)."""
    server.kubectl("apply", "-f", "-", input=yaml.safe_dump_all(objects))


def project_with_aws_binding(server: RunningServer, project: str = "dev") -> str:
    """A project, its namespace, AWS credentials, a SecretBinding ``aws`` and the aws CloudProfile; the namespace."""
    namespace = f"garden-{project}"
    server.kubectl("apply", "-f", str(ROOT / "cloudprofiles" / "aws.yaml"))
    server.kubectl("create", "namespace", namespace, check=False)
    apply(
        server,
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "Project",
            "metadata": {"name": project},
            "spec": {"namespace": namespace},
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "aws-credentials", "namespace": namespace},
            "type": "Opaque",
            "stringData": {"accessKeyID": "AKIAEXAMPLE", "secretAccessKey": "not-a-real-key"},
        },
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "SecretBinding",
            "metadata": {"name": "aws", "namespace": namespace},
            "secretRef": {"name": "aws-credentials"},
            "provider": {"type": "aws"},
        },
    )
    return namespace


def aws_shoot(name: str, namespace: str = "garden-dev", **spec: Any) -> dict[str, Any]:
    """A small, valid AWS shoot; ``spec`` entries replace top-level spec fields."""
    body: dict[str, Any] = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Shoot",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "cloudProfile": {"name": "aws"},
            "region": "eu-central-1",
            "secretBindingName": "aws",
            "provider": {
                "type": "aws",
                "workers": [
                    {
                        "name": "worker",
                        "machine": {"type": "m5.large"},
                        "minimum": 1,
                        "maximum": 2,
                        "zones": ["eu-central-1a"],
                    }
                ],
            },
            "kubernetes": {"version": "1.36"},
            "networking": {"type": "calico", "nodes": "10.250.0.0/16"},
        },
    }
    body["spec"].update(spec)
    return body
