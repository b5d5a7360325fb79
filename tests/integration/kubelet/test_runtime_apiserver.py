"""A kube-apiserver image runs ``kubelite apiserver`` in a pod: it becomes Ready on its pod address, serves kubectl
there, and keeps its data when its process is killed and restarted by the kubelet."""

from __future__ import annotations

import json
import os
import signal

import pytest

from kubelite.kubelet.volumes import claim_dir
from tests.integration.kubelet.conftest import KubeletProcess, container_status, is_ready
from tests.integration.server import KUBECTL

pytestmark = pytest.mark.integration

APISERVER = {
    "name": "kube-apiserver",
    "image": "registry.k8s.io/kube-apiserver:v1.31.1",
    "command": ["/usr/local/bin/kube-apiserver"],
    "args": [
        "--storage-backend=sqlite",
        "--data-dir=/var/lib/kube-apiserver",
        "--secure-port=443",
        "--write-kubeconfig=/var/lib/kube-apiserver/admin.kubeconfig",
    ],
    "volumeMounts": [{"name": "data", "mountPath": "/var/lib/kube-apiserver"}],
    "readinessProbe": {"httpGet": {"path": "/readyz", "port": 443, "scheme": "HTTPS"}, "periodSeconds": 1},
}


def _kubectl(kubeconfig: str, server: str, *args: str) -> str:
    import subprocess  # noqa: PLC0415

    result = subprocess.run(
        [str(KUBECTL), "--kubeconfig", kubeconfig, "--server", server, "--insecure-skip-tls-verify", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "HOME": os.path.dirname(kubeconfig)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_apiserver_pod_serves_kubectl_and_keeps_its_data(bare_kubelet: KubeletProcess) -> None:
    bare_kubelet.kube.create(
        __import__("kubelite.client", fromlist=["Resource"]).Resource("", "v1", "persistentvolumeclaims"),
        "default",
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "apiserver-data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        },
    )
    bare_kubelet.pod(
        "apiserver",
        [APISERVER],
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "apiserver-data"}}],
    )
    pod = bare_kubelet.wait_pod("apiserver", is_ready, "the API server pod to be Ready", timeout=90)
    server = f"https://{pod['status']['podIP']}:10443"  # 443 is served 10000 higher
    data = claim_dir(bare_kubelet.root, "default", "apiserver-data")
    kubeconfig = str(data / "admin.kubeconfig")
    _kubectl(kubeconfig, server, "create", "configmap", "survivor", "--from-literal=answer=42")

    uid = pod["metadata"]["uid"]
    state = bare_kubelet.root / "pods" / f"default_apiserver_{uid}" / "kube-apiserver" / "state.json"
    os.kill(json.loads(state.read_text())["pid"], signal.SIGKILL)
    bare_kubelet.wait_pod(
        "apiserver",
        lambda p: is_ready(p) and container_status(p, "kube-apiserver")["restartCount"] == 1,
        "the API server to be restarted and Ready",
        timeout=90,
    )
    out = _kubectl(kubeconfig, server, "get", "configmap", "survivor", "-o", "jsonpath={.data.answer}")
    assert out == "42"
    claim = bare_kubelet.kube.get(
        __import__("kubelite.client", fromlist=["Resource"]).Resource("", "v1", "persistentvolumeclaims"),
        "default",
        "apiserver-data",
    )
    assert claim is not None
    assert claim["status"]["phase"] == "Bound"
    assert claim["status"]["capacity"]["storage"] == "1Gi"
