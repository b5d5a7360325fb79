"""How a user reaches the landscape: a gardenctl configuration entry, and the commands to try first.

``garden up`` adds (or replaces) one garden in gardenctl's configuration file (``$GCTL_HOME/gardenctl-v2.yaml``,
``~/.garden`` by default) with the garden's admin kubeconfig and, under ``seeds:``, the local seed's kubeconfig: a
seed that is not a ManagedSeed can only be reached that way, and ``gardenctl target control-plane`` and ``gardenctl
logs`` need it. Other gardens in the file are kept.
"""

from __future__ import annotations

from pathlib import Path

from garden.cli.gardenctl.config import GardenConfig, SeedAccess, default_config_path, load_config, save_config
from garden.cli.gardenctl.errors import GardenctlError
from garden.up.data import example
from garden.up.seeding import PROJECT, PROJECT_NAMESPACE
from garden.up.state import StateDir


def register_with_gardenctl(state: StateDir, identity: str, seed: str, path: Path | None = None) -> Path:
    """Write the garden's entry; the configuration file written. :class:`GardenctlError` if it is unreadable."""
    config = load_config(path or default_config_path())
    entry = GardenConfig(identity, state.garden_kubeconfig, seeds=(SeedAccess(seed, state.seed_kubeconfig),))
    save_config(config.with_garden(entry))
    return config.path


def next_steps(state: StateDir, identity: str, provider: str, detached: bool) -> list[str]:
    """The commands to try first, copy-pasteable."""
    shoot = provider
    manifest = example("shoot-local.yaml")
    if provider == "local" and manifest is not None:
        create = f"kubectl create -f {manifest}"
    else:
        worker = "name=pool,machine=m5.large,min=1,max=2,zone=eu-central-1a" if provider == "aws" else "name=local"
        create = (
            f"gardenctl create shoot {shoot} --project {PROJECT} --cloud-profile {provider} "
            f"--secret-binding {provider} --worker {worker}"
        )
    stop = f"garden down --state-dir {state.root}" if detached else "Ctrl-C here (or: garden down)"
    return [
        f"export KUBECONFIG={state.garden_kubeconfig}",
        create,
        f"gardenctl wait {shoot} --project {PROJECT}    # or: kubectl get shoots -n {PROJECT_NAMESPACE} -w",
        f"gardenctl target --garden {identity} --project {PROJECT} --shoot {shoot}",
        "gardenctl kubeconfig > shoot.kubeconfig && kubectl --kubeconfig shoot.kubeconfig get nodes",
        f"# logs: {state.logs_dir}/   stop: {stop}",
    ]


__all__ = ["GardenctlError", "next_steps", "register_with_gardenctl"]
