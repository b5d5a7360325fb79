"""``garden up`` as a user runs it: a real process in a temp state directory, driven with kubectl and gardenctl.

:class:`GardenUp` starts ``garden up --state-dir <tmp>/state`` (foreground, its output in ``<tmp>/garden-up.out``),
waits until ``status.yaml`` says ``ready``, and stops it with SIGTERM as Ctrl-C would. Every command runs with
``HOME``, ``GCTL_HOME`` and a gardenctl session of the test's own, so nothing reads or writes the user's ``~/.garden``
or ``~/.kube``. Teardown stops the landscape even when a test failed, and then kills whatever process still names the
state directory (a shoot's control plane, a node), so nothing outlives the tests.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml

from tests.integration.server import BIN, KUBECTL
from tests.integration.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PROJECT_NAMESPACE = "garden-dev"


def processes_naming(text: str) -> list[psutil.Process]:
    """Live processes whose command line contains ``text`` (a state dir, a shoot's namespace)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if text in " ".join(process.info["cmdline"] or ()):
                found.append(process)
        except psutil.Error:
            continue
    return found


class GardenUp:
    def __init__(self, root: Path, provider: str) -> None:
        self.root = root
        self.provider = provider
        self.state = root / "state"
        self.output = root / "garden-up.out"
        self.env = {
            **os.environ,
            "HOME": str(root / "home"),
            "GCTL_HOME": str(root / "gctl"),
            "GCTL_SESSION_ID": uuid.uuid4().hex,
            "KUBECACHEDIR": str(root / "kubecache"),
            "TMPDIR": str(root / "tmp"),
        }
        for key in ("HOME", "GCTL_HOME", "TMPDIR"):
            Path(self.env[key]).mkdir(parents=True, exist_ok=True)
        self.env.pop("KUBECONFIG", None)
        self.process: subprocess.Popen[bytes] | None = None
        self.started_in = 0.0

    # -- the landscape ----------------------------------------------------------------------------------------------

    def start(self, timeout: float = 240.0) -> None:
        began = time.monotonic()
        with open(self.output, "ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "garden"), "up", "--state-dir", str(self.state), "--provider", self.provider],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        wait_for(self._ready, f"garden up to be ready (output: {self.output})", timeout=timeout, interval=0.2)
        self.started_in = time.monotonic() - began

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"garden up exited with {self.process.returncode}:\n{self.tail()}")
        try:
            status = yaml.safe_load((self.state / "status.yaml").read_text()) or {}
        except (OSError, yaml.YAMLError):
            return False
        return status.get("phase") == "ready"

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.output.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def logs(self, component: str, chars: int = 3000) -> str:
        try:
            return (self.state / "logs" / f"{component}.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Whatever still runs from this state directory (it should be nothing) is killed, so no test leaks it.
        for leftover in processes_naming(str(self.state)):
            with contextlib.suppress(psutil.Error):
                leftover.kill()

    @property
    def remembered(self) -> dict[str, Any]:
        return dict(yaml.safe_load((self.state / "landscape.yaml").read_text()))

    # -- clients ----------------------------------------------------------------------------------------------------

    def completed(self, *argv: str, input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv), capture_output=True, text=True, input=input, env=self.env, timeout=timeout, check=False
        )

    def run(self, *argv: str, input: str | None = None, check: bool = True, timeout: float = 60) -> str:
        result = self.completed(*argv, input=input, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def kubectl(self, *args: str, kubeconfig: Path | None = None, input: str | None = None, check: bool = True) -> str:
        config = kubeconfig or self.state / "garden.kubeconfig"
        return self.run(str(KUBECTL), "--kubeconfig", str(config), *args, input=input, check=check)

    def gardenctl(self, *args: str, input: str | None = None) -> str:
        return self.run(str(BIN / "gardenctl"), *args, input=input)

    def shoot(self, name: str) -> dict[str, Any] | None:
        out = self.kubectl("get", "shoot", name, "-n", PROJECT_NAMESPACE, "-o", "yaml", "--ignore-not-found")
        return yaml.safe_load(out) if out.strip() else None

    def seed_kubectl(self, *args: str) -> str:
        return self.kubectl(*args, kubeconfig=self.state / "seed.kubeconfig")

    def shoot_kubeconfig(self, name: str) -> Path:
        """``gardenctl target --shoot`` and ``gardenctl kubeconfig``, written to a file for kubectl."""
        self.gardenctl("target", "--garden", "local", "--project", "dev", "--shoot", name)
        path = self.root / f"{name}.kubeconfig"
        path.write_text(self.gardenctl("kubeconfig"))
        return path

    def credentials(self) -> dict[str, str]:
        secret = yaml.safe_load(self.kubectl("get", "secret", "-n", PROJECT_NAMESPACE, "-o", "yaml", "aws-credentials"))
        return {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}


def conditions(shoot: dict[str, Any]) -> dict[str, str]:
    return {c["type"]: c["status"] for c in (shoot.get("status") or {}).get("conditions") or []}


def succeeded(shoot: dict[str, Any] | None, operation: str | None = None) -> bool:
    """The last operation (of type ``operation``, if given) Succeeded, and the spec it ran for is the current one."""
    if shoot is None:
        return False
    status = shoot.get("status") or {}
    last = status.get("lastOperation") or {}
    return (
        last.get("state") == "Succeeded"
        and (operation is None or last.get("type") == operation)
        and status.get("observedGeneration") == shoot["metadata"]["generation"]
    )


def healthy(shoot: dict[str, Any] | None) -> bool:
    found = conditions(shoot or {})
    return succeeded(shoot) and bool(found) and all(value == "True" for value in found.values())


@pytest.fixture(scope="module")
def garden_up(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GardenUp]:
    """A landscape for the module: ``PROVIDER = "aws"`` in the module picks the provider (default local)."""
    scape = GardenUp(tmp_path_factory.mktemp("garden-up"), getattr(request.module, "PROVIDER", "local"))
    try:
        scape.start()
        yield scape
    finally:
        scape.stop()
