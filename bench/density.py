"""How many hosted control planes fit in a GiB: N kube-apiserver control planes run by the kubelite kubelet.

Run ``.venv/bin/python bench/density.py [-n 5] [--controllers] [--etcd]``. It starts a seed (``kubelite apiserver``
on SQLite plus ``kubelite kubelet``), creates N control planes, waits until every one is Ready, lets them settle,
and reads the resident memory of each from the kubelet's ``/metrics`` (process tree RSS, as psutil reports it). A
control plane is the ``registry.k8s.io/kube-apiserver`` image (``kubelite apiserver`` on SQLite, its data on an
emptyDir) plus a Service: a Deployment with ``--controllers`` (the workload controllers then run inside the
kubelet), a bare Pod otherwise. With ``--etcd`` each control plane stores in an etcd of its own (the
``registry.k8s.io/etcd`` image, a real etcd binary, behind a Service the API server names in ``--etcd-servers``),
as a Gardener shoot does, and its figure is the sum of both. The figure is printed beside the per-shoot figures
others publish: Gardener's resource requests for a non-HA shoot control plane (about 1.3 GiB and 0.5 vCPU) and
vcluster's (about 256 MiB); those peers are not run here (they need a real cluster), so they are quoted, not
measured.

Goal (issue 5): >= 10 control planes per GiB, 100 on one 24 GiB machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from kubelite.client import DEPLOYMENTS, PODS, SERVICES, Kube, KubeError

GARDENER_SHOOT_MIB = 1.3 * 1024
VCLUSTER_MIB = 256
NAMESPACE = "default"
NODE = "density"


def _free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise SystemExit(f"timed out after {timeout:g}s waiting for {what}")


def _etcd_template(index: int) -> dict[str, Any]:
    name = f"cp-{index}-etcd"
    return {
        "metadata": {"labels": {"app": name}},
        "spec": {
            "nodeName": NODE,
            "containers": [
                {
                    "name": "etcd",
                    "image": "registry.k8s.io/etcd:3.5.17-0",
                    "command": ["etcd"],
                    "args": [
                        f"--name={name}",
                        "--data-dir=/var/lib/etcd",
                        "--listen-client-urls=http://0.0.0.0:2379",
                        f"--advertise-client-urls=http://{name}:2379",
                        "--listen-peer-urls=http://0.0.0.0:2380",
                        "--quota-backend-bytes=268435456",
                    ],
                    "volumeMounts": [{"name": "data", "mountPath": "/var/lib/etcd"}],
                    "readinessProbe": {"tcpSocket": {"port": 2379}, "periodSeconds": 2},
                }
            ],
            "volumes": [{"name": "data", "emptyDir": {}}],
        },
    }


def _pod_template(index: int, etcd: bool) -> dict[str, Any]:
    storage = (
        [f"--etcd-servers=http://cp-{index}-etcd.{NAMESPACE}.svc:2379"]
        if etcd
        else ["--storage-backend=sqlite", "--data-dir=/var/lib/kube-apiserver"]
    )
    return {
        "metadata": {"labels": {"app": f"cp-{index}"}},
        "spec": {
            "nodeName": NODE,
            "containers": [
                {
                    "name": "kube-apiserver",
                    "image": "registry.k8s.io/kube-apiserver:v1.31.1",
                    "args": [*storage, "--secure-port=443"],
                    "volumeMounts": [{"name": "data", "mountPath": "/var/lib/kube-apiserver"}],
                    "readinessProbe": {
                        "httpGet": {"path": "/readyz", "port": 443, "scheme": "HTTPS"},
                        "periodSeconds": 2,
                    },
                }
            ],
            "volumes": [{"name": "data", "emptyDir": {}}],
        },
    }


def _create(kube: Kube, index: int, deployment: bool, etcd: bool) -> None:
    parts = [(f"cp-{index}", _pod_template(index, etcd), 443)]
    if etcd:
        parts.insert(0, (f"cp-{index}-etcd", _etcd_template(index), 2379))
    for name, template, port in parts:
        kube.create(
            SERVICES,
            NAMESPACE,
            {
                "metadata": {"name": name},
                "spec": {"selector": {"app": name}, "ports": [{"name": "main", "port": port, "targetPort": port}]},
            },
        )
        if deployment:
            spec = {"replicas": 1, "selector": {"matchLabels": {"app": name}}, "template": template}
            kube.create(DEPLOYMENTS, NAMESPACE, {"metadata": {"name": name}, "spec": spec})
        else:
            kube.create(PODS, NAMESPACE, {"metadata": {"name": name, **template["metadata"]}, "spec": template["spec"]})


def _ready(kube: Kube, count: int) -> bool:
    pods = kube.list(PODS, NAMESPACE)
    ready = [
        p
        for p in pods
        if any(c["type"] == "Ready" and c["status"] == "True" for c in (p.get("status") or {}).get("conditions") or [])
    ]
    return len(ready) >= count


def _rss_by_plane(port: int, parts: int) -> dict[str, int]:
    """RSS per control plane (``cp-<n>``: its API server, and its etcd when it has one), counting only planes
    whose every part reports."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    rss: dict[str, int] = {}
    seen: dict[str, set[str]] = {}
    for match in re.finditer(
        r'kubelite_container_memory_rss_bytes\{namespace="[^"]*",pod="(cp-\d+)(-etcd)?[^"]*"[^}]*\} (\d+)', text
    ):
        plane = match.group(1)
        rss[plane] = rss.get(plane, 0) + int(match.group(3))
        seen.setdefault(plane, set()).add(match.group(2) or "")
    return {plane: value for plane, value in rss.items() if len(seen[plane]) == parts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--control-planes", type=int, default=5, help="how many control planes (default 5)")
    parser.add_argument("--controllers", action="store_true", help="Deployments through the workload controllers")
    parser.add_argument("--etcd", action="store_true", help="an etcd per control plane instead of SQLite")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds to wait after all are Ready (default 15)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kubelite-density-"))
    bin_dir = Path(sys.executable).parent
    kubeconfig = work / "seed.kubeconfig"
    seed_log = open(work / "seed.log", "wb")  # noqa: SIM115
    seed = subprocess.Popen(
        [
            str(bin_dir / "kubelite"),
            "apiserver",
            "--data-dir",
            str(work / "seed"),
            "--secure-port",
            "0",
            "--write-kubeconfig",
            str(kubeconfig),
        ],
        stdout=seed_log,
        stderr=subprocess.STDOUT,
    )
    kubelet: subprocess.Popen[bytes] | None = None
    port = _free_port()
    kube: Kube | None = None
    try:
        _wait("the seed API server", kubeconfig.exists, 30)
        kube = Kube.from_kubeconfig(kubeconfig)
        kubelet = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kubelite.kubelet",
                "--kubeconfig",
                str(kubeconfig),
                "--node-name",
                NODE,
                "--root-dir",
                str(work / "kubelet"),
                "--port",
                str(port),
                f"--controllers={str(args.controllers).lower()}",
            ],
            stdout=open(work / "kubelet.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        for index in range(args.control_planes):
            _create(kube, index, args.controllers, args.etcd)
        parts = 2 if args.etcd else 1
        _wait(
            "every control plane to be Ready",
            lambda: _ready(kube, parts * args.control_planes),
            60 + 10 * parts * args.control_planes,
        )
        ready_after = time.monotonic() - started
        time.sleep(args.settle)
        rss = _wait(
            "usage metrics for every control plane",
            lambda: (r := _rss_by_plane(port, parts)) and len(r) >= args.control_planes and r,
            30,
        )
        _report(args, ready_after, [value / 2**20 for value in rss.values()])
        return 0
    finally:
        if kube is not None:
            for deployment in kube.list(DEPLOYMENTS, NAMESPACE):
                kube.delete(DEPLOYMENTS, NAMESPACE, deployment["metadata"]["name"])
            for pod in kube.list(PODS, NAMESPACE):
                with contextlib.suppress(KubeError):  # gone already (its Deployment's deletion took it)
                    kube.request("DELETE", PODS.item(NAMESPACE, pod["metadata"]["name"]), {"gracePeriodSeconds": 0})
        if kubelet is not None:
            time.sleep(2)
            kubelet.send_signal(signal.SIGTERM)
            kubelet.wait(15)
        _kill_leftovers(work / "kubelet")
        seed.send_signal(signal.SIGTERM)
        seed.wait(15)
        if kube is not None:
            kube.close()
        if os.environ.get("KEEP") is None:
            import shutil  # noqa: PLC0415

            shutil.rmtree(work, ignore_errors=True)


def _report(args: argparse.Namespace, ready_after: float, per_plane_mib: list[float]) -> None:
    mean = statistics.mean(per_plane_mib)
    kind = ("Deployments" if args.controllers else "bare Pods") + (", etcd each" if args.etcd else ", SQLite each")
    print(f"# Hosted control plane density ({args.control_planes} control planes, {kind})")
    print()
    print(f"all Ready after {ready_after:.1f} s")
    print()
    print("| | memory per control plane | control planes per GiB |")
    print("|---|---|---|")
    print(
        f"| kubelite (measured RSS, mean; min {min(per_plane_mib):.0f}, max {max(per_plane_mib):.0f}) "
        f"| {mean:.0f} MiB | {1024 / mean:.1f} |"
    )
    gardener = f"{GARDENER_SHOOT_MIB:.0f} MiB | {1024 / GARDENER_SHOOT_MIB:.2f}"
    print(f"| Gardener non-HA shoot (published requests, 0.5 vCPU) | {gardener} |")
    print(f"| vcluster (published) | {VCLUSTER_MIB} MiB | {1024 / VCLUSTER_MIB:.1f} |")
    print()
    print(f"goal: >= 10 per GiB -> {'met' if 1024 / mean >= 10 else 'NOT met'}")


def _kill_leftovers(root: Path) -> None:
    from kubelite.kubelet.podworker import kill_leftovers  # noqa: PLC0415

    pods = root / "pods"
    if pods.is_dir():
        for directory in pods.iterdir():
            kill_leftovers(directory, 2.0)


if __name__ == "__main__":
    sys.exit(main())
