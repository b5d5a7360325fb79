"""A Deployment running the kube-apiserver image behind a Service, through the kubelet with its workload
controllers and service proxy: Ready, and kubectl works through the Service's loopback address; with its data dir
on a PersistentVolumeClaim, scaling to 0 and back keeps what was written through it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kubelite.client import DEPLOYMENTS, PERSISTENTVOLUMECLAIMS, PODS, SERVICES, Kube
from kubelite.kubelet.network.addresses import host_port, service_vip
from kubelite.kubelet.volumes import claim_dir
from tests.integration.kubelet.conftest import KubeletProcess
from tests.integration.server import KUBECTL
from tests.integration.waiting import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        importlib.util.find_spec("kubelite.kubelet.network.proxy") is None,
        reason="the service proxy (kubelite.kubelet.network.proxy) is not built yet",
    ),
]


def apiserver_deployment(kube: Kube, name: str, data: dict[str, Any]) -> None:
    """A Service and a one-replica Deployment of the kube-apiserver image, its data dir on the volume ``data``."""
    template = {
        "metadata": {"labels": {"app": name}},
        "spec": {
            "containers": [
                {
                    "name": "kube-apiserver",
                    "image": "registry.k8s.io/kube-apiserver:v1.31.1",
                    "args": [
                        "--storage-backend=sqlite",
                        "--data-dir=/data",
                        "--secure-port=443",
                        "--write-kubeconfig=/data/admin.kubeconfig",
                    ],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    "readinessProbe": {
                        "httpGet": {"path": "/readyz", "port": 443, "scheme": "HTTPS"},
                        "periodSeconds": 1,
                    },
                }
            ],
            "volumes": [{"name": "data", **data}],
        },
    }
    kube.create(
        SERVICES,
        "default",
        {"metadata": {"name": name}, "spec": {"selector": {"app": name}, "ports": [{"port": 443}]}},
    )
    kube.create(
        DEPLOYMENTS,
        "default",
        {
            "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}}, "template": template},
        },
    )


def wait_ready_replicas(kube: Kube, name: str, replicas: int) -> None:
    def ready() -> bool:
        deployment = kube.get(DEPLOYMENTS, "default", name) or {}
        return int((deployment.get("status") or {}).get("readyReplicas") or 0) == replicas

    wait_for(ready, f"the Deployment {name} to have {replicas} ready replicas", timeout=90)


def kubectl_via_service(kube: Kube, service: str, kubeconfig: Path, *args: str) -> str | None:
    """kubectl against the Service's loopback address (None while it fails)."""
    found = kube.get(SERVICES, "default", service)
    assert found is not None
    vip = service_vip(found["spec"]["clusterIP"])
    assert vip is not None
    result = subprocess.run(
        [
            str(KUBECTL),
            "--kubeconfig",
            str(kubeconfig),
            "--server",
            f"https://{vip}:{host_port(443)}",
            "--insecure-skip-tls-verify",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "HOME": str(kubeconfig.parent)},
    )
    return result.stdout if result.returncode == 0 else None


def test_an_apiserver_deployment_serves_kubectl_through_its_service(kubelet: KubeletProcess) -> None:
    kube = kubelet.kube
    apiserver_deployment(kube, "shoot-apiserver", {"emptyDir": {}})
    wait_ready_replicas(kube, "shoot-apiserver", 1)
    kubeconfig = next(kubelet.root.glob("pods/default_shoot-apiserver-*/volumes/data/admin.kubeconfig"))
    listed = wait_for(
        lambda: kubectl_via_service(kube, "shoot-apiserver", kubeconfig, "get", "namespaces", "-o", "name"),
        "kubectl through the Service address",
        timeout=60,
    )
    assert "namespace/default" in listed


def test_scaling_an_apiserver_to_zero_and_back_keeps_its_data_on_the_claim(kubelet: KubeletProcess) -> None:
    kube = kubelet.kube
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "shoot-data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }
    kube.create(PERSISTENTVOLUMECLAIMS, "default", claim)
    apiserver_deployment(kube, "shoot-kept", {"persistentVolumeClaim": {"claimName": "shoot-data"}})
    wait_ready_replicas(kube, "shoot-kept", 1)
    kubeconfig = claim_dir(kubelet.root, "default", "shoot-data") / "admin.kubeconfig"
    wait_for(
        lambda: kubectl_via_service(
            kube, "shoot-kept", kubeconfig, "create", "configmap", "kept", "--from-literal=a=b"
        ),
        "a ConfigMap created through the hosted API server",
        timeout=60,
    )

    kube.patch(DEPLOYMENTS, "default", "shoot-kept", {"spec": {"replicas": 0}})
    wait_for(lambda: not kube.list(PODS, "default", label_selector="app=shoot-kept"), "the pod to be gone", timeout=60)
    kube.patch(DEPLOYMENTS, "default", "shoot-kept", {"spec": {"replicas": 1}})
    wait_ready_replicas(kube, "shoot-kept", 1)
    value = wait_for(
        lambda: kubectl_via_service(
            kube, "shoot-kept", kubeconfig, "get", "configmap", "kept", "-o", "jsonpath={.data.a}"
        ),
        "the ConfigMap after scaling back",
        timeout=60,
    )
    assert value == "b"
