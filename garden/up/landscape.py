"""The embedded landscape's definition: which components run, with which flags, in which order, and where.

One garden and one local seed, each component its own process (the same commands a person would run by hand, see
docs/operations/gardenlet.md and docs/operations/kubelet.md):

wave 1 (in parallel)
    ``moto_server`` (``--provider aws`` only: the simulated AWS on loopback),
    ``garden apiserver`` (the garden: Gardener's API and admission), ``kubelite apiserver`` (the seed);
between the waves
    the garden is seeded (:mod:`garden.up.seeding`) and the seed gets its system objects (extension and machine
    CRDs, priority classes) so the extension controllers find their CRDs when they start;
wave 2 (in parallel)
    ``kubelite kubelet`` (the seed's one node: runs control planes and local machines as processes),
    ``gardenlet extensions`` (the providers' extension and machine controllers), ``garden scheduler``,
    ``garden controller-manager``, ``gardenlet`` (ready once its Seed reports ``GardenletReady``), and with
    ``--provider aws`` the bridge that boots moto's instances as nodes (:mod:`garden.up.moto_nodes`).

Everything is stopped in the reverse order: the gardenlet first, then the other controllers together, then the
kubelet, then the API servers. The kubelet leaves the processes of its pods running when it stops (a
restarted kubelet adopts them); the landscape stops them too after the kubelet, so nothing outlives ``garden up``,
and the next run's kubelet starts them again from the pods the seed still holds.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from garden.up import probes
from garden.up.state import Remembered, StateDir
from garden.up.supervisor import ComponentSpec

Storage = Literal["sqlite", "etcd"]
STORAGES: tuple[Storage, ...] = ("sqlite", "etcd")

SEED_NAME = "local"
SEED_NODE = "local-seed"
#: Where the seed is, per provider: the scheduler places shoots on a seed of their provider in their region.
SEED_PLACES: dict[str, tuple[str, list[str]]] = {
    "local": ("local", ["0", "1", "2"]),
    "aws": ("eu-central-1", ["eu-central-1a", "eu-central-1b", "eu-central-1c"]),
}


class LandscapeError(Exception):
    """Something the landscape needs is not installed."""


def command(name: str) -> list[str]:
    """A console script of this install: next to the running Python (a virtualenv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        raise LandscapeError(f"the `{name}` command is neither next to {sys.executable} nor on PATH")
    return [found]


@dataclass(frozen=True)
class Landscape:
    state: StateDir
    remembered: Remembered
    storage: Storage = "sqlite"
    seed_name: str = SEED_NAME

    @property
    def provider(self) -> str:
        return self.remembered.provider

    @property
    def region(self) -> str:
        return SEED_PLACES[self.provider][0]

    @property
    def moto_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.remembered.ports.moto}"

    # -- wave 1 ---------------------------------------------------------------------------------------------------

    def _apiserver(self, name: str, argv: list[str], data_dir: Path, port: int) -> ComponentSpec:
        kubeconfig = data_dir / "admin.kubeconfig"
        data_dir.mkdir(parents=True, exist_ok=True)
        return ComponentSpec(
            name,
            [
                *argv,
                "--data-dir",
                str(data_dir),
                "--secure-port",
                str(port),
                "--write-kubeconfig",
                str(kubeconfig),
            ],
            self.state.log(name),
            ready=probes.file_written(kubeconfig),
            before_start=lambda: kubeconfig.unlink(missing_ok=True),
        )

    def first_wave(self) -> list[ComponentSpec]:
        ports = self.remembered.ports
        wave = []
        if self.provider == "aws":
            if importlib.util.find_spec("moto") is None:
                raise LandscapeError(
                    "--provider aws simulates AWS with moto's server, which is not installed: "
                    "pip install 'moto[server]'"
                )
            wave.append(
                ComponentSpec(
                    "moto",
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(ports.moto)],
                    self.state.log("moto"),
                    ready=probes.port_open(ports.moto),
                )
            )
        wave.append(
            self._apiserver("garden apiserver", [*command("garden"), "apiserver"], self.state.garden_dir, ports.garden)
        )
        wave.append(
            self._apiserver("seed apiserver", [*command("kubelite"), "apiserver"], self.state.seed_dir, ports.seed)
        )
        return wave

    def publish_kubeconfigs(self) -> None:
        """Copy the API servers' admin kubeconfigs to the top of the state directory, where users look."""
        for data_dir, target in (
            (self.state.garden_dir, self.state.garden_kubeconfig),
            (self.state.seed_dir, self.state.seed_kubeconfig),
        ):
            target.write_text((data_dir / "admin.kubeconfig").read_text())
            target.chmod(0o600)

    # -- wave 2 ---------------------------------------------------------------------------------------------------

    def gardenlet_config(self) -> dict[str, Any]:
        """The local seed's GardenletConfiguration: timings for one machine (a quick heartbeat and care checks)."""
        region, zones = SEED_PLACES[self.provider]
        return {
            "apiVersion": "gardenlet.config.gardener.cloud/v1alpha1",
            "kind": "GardenletConfiguration",
            "seedConfig": {
                "metadata": {"name": self.seed_name, "labels": {"seed.gardener.cloud/purpose": "local"}},
                "spec": {
                    "provider": {"type": self.provider, "region": region, "zones": zones},
                    "networks": {"nodes": "172.18.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
                    "dns": {},
                    "ingress": {
                        "domain": f"ingress.{self.seed_name}.seed.local.gardener.cloud",
                        "controller": {"kind": "nginx"},
                    },
                    "settings": {"scheduling": {"visible": True}},
                },
            },
            "controllers": {
                "seed": {"heartbeatSeconds": 5, "syncPeriodSeconds": 60},
                "shootCare": {"syncPeriodSeconds": 5},
                "shoot": {"retryMinSeconds": 1, "retryMaxSeconds": 30},
            },
            "controlPlane": {"storage": self.storage},
        }

    def second_wave(self) -> list[ComponentSpec]:
        state, ports = self.state, self.remembered.ports
        state.gardenlet_config.parent.mkdir(parents=True, exist_ok=True)
        state.gardenlet_config.write_text(yaml.safe_dump(self.gardenlet_config(), sort_keys=False))
        garden_kubeconfig, seed_kubeconfig = str(state.garden_kubeconfig), str(state.seed_kubeconfig)
        providers = "local,aws" if self.provider == "aws" else "local"
        wave = [
            ComponentSpec(
                "kubelet",
                [
                    *command("kubelite"),
                    "kubelet",
                    "--kubeconfig",
                    seed_kubeconfig,
                    "--node-name",
                    SEED_NODE,
                    "--root-dir",
                    str(state.kubelet_dir),
                    "--port",
                    str(ports.kubelet),
                    "--pod-cidr",
                    self.remembered.pod_cidr,
                    "--controllers=true",
                ],
                state.log("kubelet"),
                ready=probes.http_ok(ports.kubelet),
                after_stop=self._stop_pod_processes,
                # NB: after the gardenlet and the extension controllers, so no controller sees its pods vanish.
                stop_stage=15,
            ),
            ComponentSpec(
                "extensions",
                [*command("gardenlet"), "extensions", "--kubeconfig", seed_kubeconfig, "--providers", providers],
                state.log("extensions"),
            ),
            ComponentSpec(
                "scheduler",
                [*command("garden"), "scheduler", "--kubeconfig", garden_kubeconfig],
                state.log("scheduler"),
            ),
            ComponentSpec(
                "controller-manager",
                [*command("garden"), "controller-manager", "--kubeconfig", garden_kubeconfig],
                state.log("controller-manager"),
            ),
            ComponentSpec(
                "gardenlet",
                [
                    *command("gardenlet"),
                    "--garden-kubeconfig",
                    garden_kubeconfig,
                    "--seed-kubeconfig",
                    seed_kubeconfig,
                    "--config",
                    str(state.gardenlet_config),
                ],
                state.log("gardenlet"),
                ready=probes.gardenlet_ready(state.garden_kubeconfig, self.seed_name),
                ready_timeout=90.0,
                stop_timeout=30.0,
                stop_stage=25,
            ),
        ]
        if self.provider == "aws":
            wave.append(
                ComponentSpec(
                    "moto-nodes",
                    [
                        sys.executable,
                        "-m",
                        "garden.up.moto_nodes",
                        "--endpoint",
                        self.moto_endpoint,
                        "--workdir",
                        str(state.aws_dir),
                        "--region",
                        self.region,
                    ],
                    state.log("moto-nodes"),
                )
            )
        return wave

    def _stop_pod_processes(self) -> None:
        """Stop what the kubelet ran (control planes, local machines): it leaves them running when it stops."""
        from kubelite.kubelet.podworker import kill_leftovers  # noqa: PLC0415  (the kubelet's code loads only here)

        pods = self.state.kubelet_dir / "pods"
        if pods.is_dir():
            for directory in pods.iterdir():
                kill_leftovers(directory, 5.0)


__all__ = ["SEED_NAME", "SEED_NODE", "SEED_PLACES", "STORAGES", "Landscape", "LandscapeError", "Storage", "command"]
