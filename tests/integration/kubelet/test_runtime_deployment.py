"""A Deployment running the kube-apiserver image behind a Service, through the kubelet with its workload
controllers and service proxy: Ready, and kubectl works through the Service's loopback address."""

from __future__ import annotations

import importlib.util
import os
import subprocess

import pytest

from kubelite.client import SERVICES, Resource
from kubelite.kubelet.network.addresses import host_port, service_vip
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

DEPLOYMENTS = Resource("apps", "v1", "deployments")


def test_an_apiserver_deployment_serves_kubectl_through_its_service(kubelet: KubeletProcess, tmp_path: object) -> None:
    kube = kubelet.kube
    template = {
        "metadata": {"labels": {"app": "shoot-apiserver"}},
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
            "volumes": [{"name": "data", "emptyDir": {}}],
        },
    }
    kube.create(
        SERVICES,
        "default",
        {
            "metadata": {"name": "shoot-apiserver"},
            "spec": {"selector": {"app": "shoot-apiserver"}, "ports": [{"port": 443}]},
        },
    )
    kube.create(
        DEPLOYMENTS,
        "default",
        {
            "metadata": {"name": "shoot-apiserver"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "shoot-apiserver"}}, "template": template},
        },
    )

    def available() -> bool:
        deployment = kube.get(DEPLOYMENTS, "default", "shoot-apiserver") or {}
        return (deployment.get("status") or {}).get("readyReplicas") == 1

    wait_for(available, "the Deployment to have a ready replica", timeout=90)
    service = kube.get(SERVICES, "default", "shoot-apiserver")
    assert service is not None
    vip = service_vip(service["spec"]["clusterIP"])
    assert vip is not None
    kubeconfig = next(kubelet.root.glob("pods/default_shoot-apiserver-*/volumes/data/admin.kubeconfig"))

    def via_service() -> str | None:
        result = subprocess.run(
            [
                str(KUBECTL),
                "--kubeconfig",
                str(kubeconfig),
                "--server",
                f"https://{vip}:{host_port(443)}",
                "--insecure-skip-tls-verify",
                "get",
                "namespaces",
                "-o",
                "name",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env={**os.environ, "HOME": str(kubeconfig.parent)},
        )
        return result.stdout if result.returncode == 0 else None

    assert "namespace/default" in wait_for(via_service, "kubectl through the Service address", timeout=60)
