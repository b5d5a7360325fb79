"""``garden up`` to ready, and one shoot from ``kubectl create`` to Ready, on a fresh landscape.

Measured here, on this machine:

* **up**: a fresh ``garden up --state-dir <tmp>`` started as a process, until its ``status.yaml`` says ``ready``
  (API servers serving, the garden seeded, the gardenlet's Seed ``GardenletReady``);
* **create to Succeeded**: ``kubectl create -f examples/shoot-local.yaml`` until the shoot's ``lastOperation`` is
  Create Succeeded (control plane up, machines joined as nodes);
* **create to Ready**: until every shoot condition is also True (what ``gardenctl wait`` waits for);
* **resume**: ``garden up`` again on the same state directory after a clean stop (the shoot comes back).

Beside them, quoted and not measured here (no cloud, no Kamaji in this environment):

* Gardener on a public cloud: a new shoot is ready in tens of minutes (the Gardener documentation and talks give
  about 10-20 minutes for a cluster with workers, most of it VMs booting and joining);
* Kamaji: about 16 s to a ready tenant control plane, without any worker (Kamaji's own benchmark figure).

    .venv/bin/python bench/up.py              # about a minute or two
    .venv/bin/python bench/up.py --no-resume  # skip the resume measurement
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from garden.kube import SHOOTS  # noqa: E402
from kubelite.client import Kube  # noqa: E402

BIN = Path(sys.executable).parent
SHOOT_MANIFEST = ROOT / "examples" / "shoot-local.yaml"
GOAL_SECONDS = 15.0
GARDENER_QUOTED = "tens of minutes (about 10-20 min with workers, on a public cloud)"
KAMAJI_QUOTED = "about 16 s per tenant control plane, without workers"


def wait(probe: Callable[[], bool], what: str, timeout: float, interval: float = 0.1) -> float:
    began = time.monotonic()
    while not probe():
        if time.monotonic() - began > timeout:
            raise SystemExit(f"bench/up.py: timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - began


class Up:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / "state"
        self.env = {**os.environ, "HOME": str(root), "GCTL_HOME": str(root / "gctl")}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        (self.state / "status.yaml").unlink(missing_ok=True)
        began = time.monotonic()
        with open(self.root / "garden-up.out", "ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "garden"), "up", "--state-dir", str(self.state)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        wait(self._ready, "garden up to be ready", timeout=300)
        return time.monotonic() - began

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            out = (self.root / "garden-up.out").read_text(errors="replace")[-3000:]
            raise SystemExit(f"bench/up.py: garden up exited with {self.process.returncode}:\n{out}")
        try:
            return (yaml.safe_load((self.state / "status.yaml").read_text()) or {}).get("phase") == "ready"
        except (OSError, yaml.YAMLError):
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def shoot_times(up: Up) -> tuple[float, float]:
    kube = Kube.from_kubeconfig(up.state / "garden.kubeconfig")
    try:
        manifest: dict[str, Any] = yaml.safe_load(SHOOT_MANIFEST.read_text())
        namespace, name = manifest["metadata"]["namespace"], manifest["metadata"]["name"]
        began = time.monotonic()
        kube.create(SHOOTS, namespace, manifest)

        def status() -> dict[str, Any]:
            return ((kube.get(SHOOTS, namespace, name) or {}).get("status")) or {}

        def created() -> bool:
            last = status().get("lastOperation") or {}
            return last.get("type") == "Create" and last.get("state") == "Succeeded"

        def ready() -> bool:
            conditions = status().get("conditions") or []
            return bool(conditions) and all(c.get("status") == "True" for c in conditions)

        wait(created, "the shoot's create to succeed", timeout=600)
        succeeded = time.monotonic() - began
        wait(ready, "every shoot condition to be True", timeout=300)
        return succeeded, time.monotonic() - began
    finally:
        kube.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-resume", action="store_true", help="skip the resume measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-up-") as tmp:
        up = Up(Path(tmp))
        try:
            print("garden up (fresh) ...", file=sys.stderr)
            up_seconds = up.start()
            print("one shoot: kubectl create -f examples/shoot-local.yaml ...", file=sys.stderr)
            succeeded, ready = shoot_times(up)
            resume = None
            if not args.no_resume:
                print("garden up again on the same state (resume) ...", file=sys.stderr)
                up.stop()
                resume = up.start()
        finally:
            up.stop()
    goal = "met" if ready < GOAL_SECONDS else "missed"
    rows = [
        ("ours: garden up, fresh, to ready", f"{up_seconds:.1f} s", "measured"),
        ("ours: one shoot, create to Succeeded", f"{succeeded:.1f} s", "measured"),
        ("ours: one shoot, create to Ready (all conditions True)", f"{ready:.1f} s", f"measured; goal < 15 s {goal}"),
    ]
    if resume is not None:
        rows.append(("ours: garden up, resume with the shoot, to ready", f"{resume:.1f} s", "measured"))
    rows += [
        ("Gardener on a public cloud: a shoot with workers", GARDENER_QUOTED, "quoted"),
        ("Kamaji: a tenant control plane", KAMAJI_QUOTED, "quoted"),
    ]
    print("| what | time | source |\n| --- | --- | --- |\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows))
    print(f"\nmachine: {os.cpu_count()} CPUs; control planes on sqlite; shoot: examples/shoot-local.yaml (1 node)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
