"""Booting moto's instances: each running instance becomes a simulated node, as an EC2 VM would boot and join.

moto records instances but runs nothing. :class:`InstanceBoot` watches moto (behind the provider's back, with a raw
client) and, for every ``running`` instance whose user data is a cloud-config a node can join with, reads that user
data the way the instance would (``DescribeInstanceAttribute userData``) and starts ``python -m kubelite.nodes`` with
the instance's provider ID ``aws:///<zone>/<instance-id>``, zone, region, instance type and private address. When the
instance stops running (terminated, shutting down, stopped, gone) its node process is stopped, as the VM's kubelet
would stop with it. Instances whose user data is not a node's (other tests' ``RunInstances``) are left alone.
"""

from __future__ import annotations

import base64
import binascii
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kubelite.nodes.userdata import UserdataError, parse
from tests.fakes.moto import REGION, raw_client


def provider_id(instance: dict[str, Any]) -> str:
    return f"aws:///{instance['Placement']['AvailabilityZone']}/{instance['InstanceId']}"


class InstanceBoot:
    """A thread that keeps one node process per running, bootable instance of moto at ``endpoint``."""

    def __init__(
        self,
        endpoint: str,
        workdir: Path,
        *,
        region: str = REGION,
        interval: float = 0.3,
        node_args: tuple[str, ...] = ("--fault-poll", "0.3"),
    ) -> None:
        self.ec2 = raw_client(endpoint, "ec2", region)
        self.workdir = workdir
        self.region = region
        self.interval = interval
        self.node_args = node_args
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.unbootable: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="instance-boot", daemon=True)

    def __enter__(self) -> InstanceBoot:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)
        for instance_id in list(self.processes):
            self._halt(instance_id)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sync()
            except (BotoCoreError, ClientError, OSError) as exc:
                print(f"instance-boot: {exc}", file=sys.stderr)

    def sync(self) -> None:
        """Boot what newly runs, halt what no longer does."""
        running = {
            instance["InstanceId"]: instance
            for reservation in self.ec2.describe_instances()["Reservations"]
            for instance in reservation["Instances"]
            if instance["State"]["Name"] == "running"
        }
        for instance_id in list(self.processes):
            if instance_id not in running or self.processes[instance_id].poll() is not None:
                self._halt(instance_id)
                if instance_id in running:
                    self.unbootable.add(instance_id)  # a node that exited stays down, as a dead VM's kubelet
        for instance_id, instance in running.items():
            if instance_id not in self.processes and instance_id not in self.unbootable:
                self._boot(instance)

    def _userdata(self, instance_id: str) -> str | None:
        answer = self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
        encoded = (answer.get("UserData") or {}).get("Value")
        if not encoded:
            return None
        try:
            text = base64.b64decode(encoded).decode()
            parse(text)
        except (binascii.Error, UnicodeDecodeError, UserdataError):
            return None
        return text

    def _boot(self, instance: dict[str, Any]) -> None:
        instance_id = instance["InstanceId"]
        userdata = self._userdata(instance_id)
        if userdata is None:
            self.unbootable.add(instance_id)
            return
        directory = self.workdir / instance_id
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "userdata").write_text(userdata)
        name = instance.get("PrivateDnsName") or instance_id
        args = [
            "--userdata",
            str(directory / "userdata"),
            "--name",
            name,
            "--provider-id",
            provider_id(instance),
            "--zone",
            instance["Placement"]["AvailabilityZone"],
            "--region",
            self.region,
            "--instance-type",
            instance["InstanceType"],
            "--state-dir",
            str(directory / "state"),
        ]
        if instance.get("PrivateIpAddress"):
            args += ["--address", instance["PrivateIpAddress"]]
        with open(directory / "node.log", "ab") as log:
            self.processes[instance_id] = subprocess.Popen(
                [sys.executable, "-m", "kubelite.nodes", *args, *self.node_args], stdout=log, stderr=subprocess.STDOUT
            )

    def _halt(self, instance_id: str) -> None:
        process = self.processes.pop(instance_id)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


__all__ = ["InstanceBoot", "provider_id"]
