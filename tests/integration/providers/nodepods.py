"""Runs local machines' Pods as the kubelite kubelet will: ``python -m kubelite.nodes`` with the Pod's args.

Until the process kubelet runs Pods of ``localhost/kubelite/node`` for the tests, this stands in for it and only
for that image: it starts one real node process per Pod (its user data copied from the Pod's Secret volume to a
file), reports the Pod Running, and Succeeded/Failed when the process exits; a deleted Pod's process is stopped.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
from pathlib import Path

from kubelite.client import PODS, SECRETS, Kube, KubeError, Object

IMAGE = "localhost/kubelite/node"


class NodePods:
    def __init__(self, seed: Kube, workdir: Path, interval: float = 0.2) -> None:
        self.seed = seed
        self.workdir = workdir
        self.interval = interval
        self.processes: dict[tuple[str, str], subprocess.Popen[bytes]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="node-pods", daemon=True)

    def __enter__(self) -> NodePods:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._sync()
            except (KubeError, OSError) as exc:
                print(f"node-pods: {exc}", file=sys.stderr)

    def _sync(self) -> None:
        pods = {
            (p["metadata"]["namespace"], p["metadata"]["name"]): p
            for p in self.seed.list(PODS)
            if p["spec"]["containers"][0]["image"].split(":")[0] == IMAGE
        }
        for key, process in list(self.processes.items()):
            pod = pods.get(key)
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                process.terminate()
                process.wait(10)
                del self.processes[key]
                if pod is not None:
                    self.seed.delete(PODS, *key)
            elif process.poll() is not None and (pod.get("status") or {}).get("phase") == "Running":
                phase = "Succeeded" if process.returncode == 0 else "Failed"
                self.seed.patch(PODS, key[0], key[1], {"status": {"phase": phase}}, subresource="status")
        for key, pod in pods.items():
            if key not in self.processes and (pod.get("status") or {}).get("phase") not in (
                "Running",
                "Succeeded",
                "Failed",
            ):
                self._start(key, pod)

    def _start(self, key: tuple[str, str], pod: Object) -> None:
        volume = pod["spec"]["volumes"][0]["secret"]["secretName"]
        secret = self.seed.get(SECRETS, key[0], volume)
        if secret is None:
            return
        mount = pod["spec"]["containers"][0]["volumeMounts"][0]["mountPath"]
        directory = self.workdir / key[0] / key[1]
        directory.mkdir(parents=True, exist_ok=True)
        for name, value in secret["data"].items():
            (directory / name).write_bytes(base64.b64decode(value))
        args = [a.replace(mount, str(directory)) for a in pod["spec"]["containers"][0]["args"]]
        log = open(directory / "node.log", "ab")  # noqa: SIM115
        self.processes[key] = subprocess.Popen(
            [sys.executable, "-m", "kubelite.nodes", *args, "--fault-poll", "0.3", "--lease-duration-seconds", "8"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.seed.patch(
            PODS, key[0], key[1], {"status": {"phase": "Running", "podIP": "127.0.0.1"}}, subresource="status"
        )
