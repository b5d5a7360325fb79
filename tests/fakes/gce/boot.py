"""Booting the fake's instances: each RUNNING instance becomes a simulated node that joins the shoot.

Compute never runs anything, and neither does the fake; this test-side component stands in for the VM. It watches
the fake's instances and, for each one that is RUNNING, starts ``python -m kubelite.nodes`` with the instance's
``user-data`` metadata (the cloud-init the OperatingSystemConfig rendered: kubelet settings and a bootstrap token for
the shoot's API server), its name and the provider ID the GCP cloud controller manager would set
(``gce://<project>/<zone>/<name>``). When the instance starts stopping or is gone, the node process is stopped, as a
deleted VM's kubelet would be.

(The AWS counterpart for moto lives with the AWS fakes; this one reads the Compute fake's state in-process.)
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

from tests.fakes.gce.server import ComputeFake


def _user_data(instance: dict[str, object]) -> str | None:
    metadata = instance.get("metadata")
    items = metadata.get("items") if isinstance(metadata, dict) else None
    for item in items or ():
        if isinstance(item, dict) and item.get("key") == "user-data":
            return str(item.get("value") or "")
    return None


class InstanceBoot:
    def __init__(self, fake: ComputeFake, workdir: Path, interval: float = 0.2) -> None:
        self.fake = fake
        self.workdir = workdir
        self.interval = interval
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="gce-boot", daemon=True)

    def __enter__(self) -> InstanceBoot:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
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
            except OSError as exc:
                print(f"gce-boot: {exc}", file=sys.stderr)

    def _sync(self) -> None:
        running = {}
        for instance in self.fake.resources("instances"):
            project, zone = instance["selfLink"].split("/projects/", 1)[1].split("/")[0:3:2]
            if instance["status"] == "RUNNING":
                running[f"gce://{project}/{zone}/{instance['name']}"] = (instance, zone)
        for provider_id, process in list(self.processes.items()):
            if provider_id not in running:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                del self.processes[provider_id]
        for provider_id, (instance, zone) in running.items():
            if provider_id not in self.processes:
                self._boot(provider_id, instance, zone)

    def _boot(self, provider_id: str, instance: dict[str, object], zone: str) -> None:
        user_data = _user_data(instance)
        if user_data is None:
            return
        name = str(instance["name"])
        directory = self.workdir / name
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "user-data").write_text(user_data)
        machine_type = str(instance.get("machineType") or "").rsplit("/", 1)[-1]
        log = open(directory / "node.log", "ab")  # noqa: SIM115
        self.processes[provider_id] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kubelite.nodes",
                "--userdata",
                str(directory / "user-data"),
                "--name",
                name,
                "--provider-id",
                provider_id,
                "--zone",
                zone,
                "--region",
                zone.rsplit("-", 1)[0],
                "--instance-type",
                machine_type,
                "--fault-poll",
                "0.3",
                "--lease-duration-seconds",
                "8",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
