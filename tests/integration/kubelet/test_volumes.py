"""Volumes, env and probes of one pod, through a real kubelet: Secret and ConfigMap files (refreshed on change),
downward API, emptyDir, env from every source, readiness and liveness probes."""

from __future__ import annotations

import base64
import json

import pytest

from kubelite.client import CONFIGMAPS, SECRETS
from tests.integration.kubelet.conftest import KubeletProcess, container_status, is_ready
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

# Prints its env and the files under /etc/app as JSON, every half second, to a file in the emptyDir.
SCRIPT = """
import json, os, time
while True:
    files = {}
    for mount in ('/etc/app/secret', '/etc/app/config', '/etc/app/info'):
        for name in os.listdir(mount):
            if not name.startswith('.'):
                files[mount.rsplit('/', 1)[1] + '/' + name] = open(os.path.join(mount, name)).read()
    report = {'env': {k: v for k, v in os.environ.items() if k.startswith('T_')}, 'files': files,
              'cwd': os.getcwd()}
    open('/scratch/report.tmp', 'w').write(json.dumps(report))
    os.replace('/scratch/report.tmp', '/scratch/report.json')
    time.sleep(0.5)
"""


def test_volumes_env_and_probes(bare_kubelet: KubeletProcess) -> None:
    kube = bare_kubelet.kube
    kube.create(
        SECRETS,
        "default",
        {"metadata": {"name": "creds"}, "data": {"password": base64.b64encode(b"s3cret").decode()}},
    )
    kube.create(CONFIGMAPS, "default", {"metadata": {"name": "settings"}, "data": {"mode": "fast", "level": "3"}})
    bare_kubelet.pod(
        "plumbing",
        [
            {
                "name": "main",
                "image": "python:3.11",
                "command": ["python", "-c", SCRIPT],
                "workingDir": "/scratch",
                "env": [
                    {"name": "T_PLAIN", "value": "x"},
                    {"name": "T_EXPANDED", "value": "$(T_PLAIN)-y"},
                    {"name": "T_SECRET", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
                    {"name": "T_MODE", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "mode"}}},
                    {"name": "T_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "T_NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {"name": "T_CONF", "value": "/etc/app/config/mode"},
                ],
                "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "T_CM_"}],
                "volumeMounts": [
                    {"name": "scratch", "mountPath": "/scratch"},
                    {"name": "secret", "mountPath": "/etc/app/secret"},
                    {"name": "config", "mountPath": "/etc/app/config"},
                    {"name": "info", "mountPath": "/etc/app/info"},
                ],
                "readinessProbe": {"exec": {"command": ["cat", "/scratch/report.json"]}, "periodSeconds": 1},
                "livenessProbe": {"tcpSocket": {"port": 9}, "periodSeconds": 1, "failureThreshold": 2},
            }
        ],
        volumes=[
            {"name": "scratch", "emptyDir": {}},
            {"name": "secret", "secret": {"secretName": "creds", "defaultMode": 0o400}},
            {"name": "config", "configMap": {"name": "settings", "items": [{"key": "mode", "path": "mode"}]}},
            {
                "name": "info",
                "downwardAPI": {"items": [{"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}]},
            },
        ],
    )
    pod = bare_kubelet.wait_pod("plumbing", is_ready, "the pod to be Ready (exec readiness probe)")
    uid = pod["metadata"]["uid"]
    scratch = bare_kubelet.root / "pods" / f"default_plumbing_{uid}" / "volumes" / "scratch"
    report = json.loads((scratch / "report.json").read_text())
    env = report["env"]
    assert env["T_EXPANDED"] == "x-y"
    assert env["T_SECRET"] == "s3cret"
    assert env["T_MODE"] == "fast"
    assert env["T_CM_level"] == "3"
    assert env["T_IP"] == pod["status"]["podIP"]
    assert env["T_NODE"] == bare_kubelet.node
    assert env["T_CONF"].endswith("/volumes/config/mode"), "a container path in env was not mapped"
    assert report["files"] == {"secret/password": "s3cret", "config/mode": "fast", "info/name": "plumbing"}
    assert report["cwd"] == str(scratch)
    secret_file = scratch.parent / "secret" / "password"
    assert secret_file.stat().st_mode & 0o777 == 0o400

    kube.patch(CONFIGMAPS, "default", "settings", {"data": {"mode": "slow"}})
    wait_for(
        lambda: json.loads((scratch / "report.json").read_text())["files"].get("config/mode") == "slow",
        "the ConfigMap change to reach the volume",
        timeout=30,
    )

    # Nothing listens on port 9 (tcpSocket, shifted to 10009): liveness fails twice, the container restarts.
    pod = bare_kubelet.wait_pod(
        "plumbing", lambda p: container_status(p, "main")["restartCount"] >= 1, "a liveness restart", timeout=60
    )
    assert "liveness" in container_status(pod, "main")["lastState"]["terminated"].get("message", "")
