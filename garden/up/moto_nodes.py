"""Boot the simulated AWS's instances: each running instance of moto becomes a node process, as a VM boots and joins.

moto records EC2 instances but runs nothing, so with ``garden up --provider aws`` this bridge plays the part of the
hypervisor: every ``running`` instance whose user data is a cloud-config a node can join with gets a
``python -m kubelite.nodes`` process with the instance's provider ID (``aws:///<zone>/<instance-id>``), zone, region,
instance type and private address; when the instance stops running (terminated, shutting down, stopped, gone) its
node process is stopped, as the VM's kubelet would stop with it. It reads the user data the way the instance would
(``DescribeInstanceAttribute userData``) and is invisible to the AWS provider, which only ever talks to "AWS".

Each node's directory (``<workdir>/<instance-id>``) keeps its user data, log and pid, so a restarted bridge adopts
the node processes still running instead of booting a second one. Instances whose user data is not a node's are left
alone. (tests/fakes/moto_boot.py is the tests' version of the same idea, inside a test process.)

Run as ``python -m garden.up.moto_nodes --endpoint URL --workdir DIR --region R``; SIGTERM stops every node.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
import psutil
from botocore.exceptions import BotoCoreError, ClientError

from kubelite.nodes.userdata import UserdataError, parse


def provider_id(instance: dict[str, Any]) -> str:
    return f"aws:///{instance['Placement']['AvailabilityZone']}/{instance['InstanceId']}"


class NodeProcess:
    """One instance's node: a child of this bridge, or adopted from a bridge that ran before."""

    def __init__(self, directory: Path, process: subprocess.Popen[bytes] | psutil.Process) -> None:
        self.directory = directory
        self.process = process

    def running(self) -> bool:
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll() is None
        return self.process.is_running() and self.process.status() != psutil.STATUS_ZOMBIE

    def stop(self, timeout: float = 10.0) -> None:
        try:
            self.process.terminate()
            self.process.wait(timeout)
        except (subprocess.TimeoutExpired, psutil.TimeoutExpired):
            self.process.kill()
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
        (self.directory / "pid").unlink(missing_ok=True)


class InstanceBridge:
    def __init__(self, endpoint: str, workdir: Path, region: str, *, interval: float = 0.5) -> None:
        session = boto3.session.Session(aws_access_key_id="bridge", aws_secret_access_key="bridge", region_name=region)
        self.ec2 = session.client("ec2", endpoint_url=endpoint, region_name=region)
        self.workdir = workdir
        self.region = region
        self.interval = interval
        self.nodes: dict[str, NodeProcess] = {}
        self.unbootable: set[str] = set()

    def run(self, stop: threading.Event) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        while not stop.is_set():
            try:
                self.sync()
            except (BotoCoreError, ClientError, OSError) as exc:
                print(f"moto-nodes: {exc}", file=sys.stderr, flush=True)
            stop.wait(self.interval)
        for instance_id in list(self.nodes):
            self._halt(instance_id)

    def sync(self) -> None:
        """Boot what newly runs, halt what no longer does."""
        running = {
            instance["InstanceId"]: instance
            for page in self.ec2.get_paginator("describe_instances").paginate()
            for reservation in page["Reservations"]
            for instance in reservation["Instances"]
            if instance["State"]["Name"] == "running"
        }
        for instance_id in list(self.nodes):
            if instance_id not in running:
                self._halt(instance_id)
            elif not self.nodes[instance_id].running():
                # A node that exited stays down, as a dead VM's kubelet does; the machine controller replaces it.
                self._halt(instance_id)
                self.unbootable.add(instance_id)
        for instance_id, instance in running.items():
            if instance_id not in self.nodes and instance_id not in self.unbootable:
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

    def _adopt(self, directory: Path) -> psutil.Process | None:
        try:
            process = psutil.Process(int((directory / "pid").read_text()))
            return process if str(directory) in " ".join(process.cmdline()) else None
        except (OSError, ValueError, psutil.Error):
            return None

    def _boot(self, instance: dict[str, Any]) -> None:
        instance_id = instance["InstanceId"]
        directory = self.workdir / instance_id
        adopted = self._adopt(directory)
        if adopted is not None:
            self.nodes[instance_id] = NodeProcess(directory, adopted)
            return
        userdata = self._userdata(instance_id)
        if userdata is None:
            self.unbootable.add(instance_id)
            return
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "userdata").write_text(userdata)
        args = [
            "--userdata",
            str(directory / "userdata"),
            "--name",
            instance.get("PrivateDnsName") or instance_id,
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
            process = subprocess.Popen(
                [sys.executable, "-m", "kubelite.nodes", *args], stdout=log, stderr=subprocess.STDOUT
            )
        (directory / "pid").write_text(f"{process.pid}\n")
        self.nodes[instance_id] = NodeProcess(directory, process)
        print(f"moto-nodes: booted {instance_id} as node {args[3]} (pid {process.pid})", flush=True)

    def _halt(self, instance_id: str) -> None:
        node = self.nodes.pop(instance_id)
        node.stop()
        print(f"moto-nodes: halted the node of {instance_id}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m garden.up.moto_nodes", description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True, help="moto's URL")
    parser.add_argument("--workdir", type=Path, required=True, help="one directory per booted instance")
    parser.add_argument("--region", required=True, help="the region whose instances boot")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks at moto")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    InstanceBridge(args.endpoint, args.workdir, args.region, interval=args.interval).run(stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
