"""A kubelite API server per module and a real ``kubelite kubelet`` process on it.

``kubelet`` runs with the workload controllers and service proxy (``--controllers``); ``bare_kubelet`` without
them, for tests of the pod runtime alone. Both are module-scoped; :class:`KubeletProcess` can kill -9 and restart
its kubelet (same root dir and port). Teardown deletes the pods it ran and stops anything still recorded under the
root dir, even when a test failed.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelite.client import PODS, Kube
from kubelite.kubelet.podworker import kill_leftovers
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

NODE = "kubelet-test"


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL when it has not exited 15 s later."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class KubeletProcess:
    def __init__(self, server: RunningServer, root: Path, *, controllers: bool, node: str = NODE) -> None:
        self.server = server
        self.root = root
        self.node = node
        self.port = free_port()
        # NB: a range of its own, so pods of kubelets other test runs left on this machine never share an address.
        self.pod_cidr = f"127.{230 + self.port % 8}.{self.port // 8 % 256}.0/24"
        self.controllers = controllers
        self.process: subprocess.Popen[bytes] | None = None
        self.kube = Kube.from_kubeconfig(server.kubeconfig)
        self.log_path = root.parent / f"{root.name}.log"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kubelite.kubelet",
                "--kubeconfig",
                str(self.server.kubeconfig),
                "--node-name",
                self.node,
                "--root-dir",
                str(self.root),
                "--port",
                str(self.port),
                "--pod-cidr",
                self.pod_cidr,
                f"--controllers={str(self.controllers).lower()}",
                "-v",
                "2",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for(self._healthy, f"the kubelet to serve /healthz (log: {self.log_path})", timeout=30)

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the kubelet exited with {self.process.returncode}:\n{self.log()}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                return b" 200 " in sock.recv(200)
        except OSError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- pods ------------------------------------------------------------------------------------------------------

    def pod(
        self, name: str, containers: list[dict[str, Any]], namespace: str = "default", **spec: Any
    ) -> dict[str, Any]:
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"nodeName": self.node, "containers": containers, **spec},
        }
        return self.kube.create(PODS, namespace, body)

    def get(self, name: str, namespace: str = "default") -> dict[str, Any] | None:
        return self.kube.get(PODS, namespace, name)

    def wait_pod(
        self, name: str, probe: Any, what: str, namespace: str = "default", timeout: float = 60
    ) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            pod = self.get(name, namespace)
            return pod if pod is not None and probe(pod) else None

        try:
            return wait_for(check, what, timeout=timeout, interval=0.1)
        except AssertionError as exc:
            pod = self.get(name, namespace)
            raise AssertionError(
                f"{exc}\npod: {yaml.safe_dump((pod or {}).get('status'))}\nkubelet log:\n{self.log()}"
            ) from None

    def cleanup(self) -> None:
        for pod in self.kube.list(PODS, None, field_selector=f"spec.nodeName={self.node}"):
            meta = pod["metadata"]
            self.kube.request("DELETE", PODS.item(meta["namespace"], meta["name"]), {"gracePeriodSeconds": 0})
        pods_dir = self.root / "pods"
        if pods_dir.is_dir():
            for directory in pods_dir.iterdir():
                kill_leftovers(directory, 1.0)


def container_status(pod: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in (pod.get("status") or {}).get("containerStatuses") or [] if s["name"] == name)


def is_ready(pod: dict[str, Any]) -> bool:
    return any(
        c["type"] == "Ready" and c["status"] == "True" for c in (pod.get("status") or {}).get("conditions") or []
    )


def _kubelet(server: RunningServer, root: Path, controllers: bool) -> Iterator[KubeletProcess]:
    kubelet = KubeletProcess(server, root, controllers=controllers)
    try:
        kubelet.start()
        yield kubelet
    finally:
        try:
            if kubelet.process is not None and kubelet.process.poll() is None:
                kubelet.cleanup()
        finally:
            kubelet.stop()
            pods_dir = root / "pods"
            if pods_dir.is_dir():
                for directory in pods_dir.iterdir():
                    kill_leftovers(directory, 1.0)
            kubelet.kube.close()


@pytest.fixture(scope="module")
def bare_kubelet(kubelite: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeletProcess]:
    """A kubelet with ``--controllers=false``: bare Pods only."""
    yield from _kubelet(kubelite, tmp_path_factory.mktemp("kubelet") / "root", False)


@pytest.fixture(scope="module")
def kubelet(kubelite: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeletProcess]:
    """A kubelet with the workload controllers and the service proxy."""
    yield from _kubelet(kubelite, tmp_path_factory.mktemp("kubelet") / "root", True)


def wait_gone(kubelet: KubeletProcess, name: str, namespace: str = "default", timeout: float = 60) -> None:
    wait_for(lambda: kubelet.get(name, namespace) is None, f"pod {namespace}/{name} to be gone", timeout=timeout)


def pid_alive(pid: int) -> bool:
    import psutil  # noqa: PLC0415

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def sleep_until(deadline: float) -> None:
    time.sleep(max(0.0, deadline - time.monotonic()))
