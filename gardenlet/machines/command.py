"""``gardenlet extensions``: the extension controllers and the machine controller for a seed, in one process.

    gardenlet extensions --kubeconfig seed.kubeconfig --providers local,aws

runs, against the seed, the Infrastructure, DNSRecord, BackupBucket and BackupEntry controllers for the named
providers (all installed ones when ``--providers`` is absent), the OperatingSystemConfig controller, the Worker
controller and the machine controller, each its own kopf operator in one event loop, until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import kopf

from garden.operator import run
from gardenlet.machines.controller import machine_registry
from gardenlet.machines.worker import WorkerActuator
from kubelite.client import Kube
from providers.extensions.controller import ExtensionKind, extension_registry
from providers.extensions.operation import Backoff
from providers.extensions.registries import provider_registries
from providers.extensions.resources import WORKERS
from providers.registry import ProviderRegistry, UnknownProviderError


def registries(
    seed: Kube, providers: ProviderRegistry, *, backoff: Backoff | None = None, interval: float = 5.0
) -> list[kopf.OperatorRegistry]:
    """Every registry ``gardenlet extensions`` runs; tests run the same set."""
    chosen = backoff or Backoff()
    worker = ExtensionKind(
        "Worker", WORKERS, WorkerActuator(providers, poll=interval), frozenset(providers.names), chosen
    )
    return [
        *provider_registries(seed, providers, chosen),
        extension_registry(seed, worker),
        machine_registry(seed, providers, interval),
    ]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gardenlet extensions", description="Run the extension and machine controllers.")
    p.add_argument("--kubeconfig", type=Path, help="the seed's kubeconfig (default: in-cluster)")
    p.add_argument("--providers", default="", help="comma-separated provider types (default: every installed one)")
    p.add_argument("--sync-interval", type=float, default=5.0, help="seconds between machine syncs and worker polls")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    installed = ProviderRegistry.installed()
    try:
        names = [name.strip() for name in args.providers.split(",") if name.strip()]
        providers = installed.only(names) if names else installed
    except UnknownProviderError as exc:
        print(f"gardenlet extensions: {exc}", file=sys.stderr)
        return 2
    if not providers.names:
        print("gardenlet extensions: no provider is installed (entry-point group garden.providers)", file=sys.stderr)
        return 2
    seed = Kube.from_kubeconfig(args.kubeconfig)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run(registries(seed, providers, interval=args.sync_interval), stop)

    try:
        asyncio.run(serve())
    finally:
        seed.close()
    return 0


__all__ = ["main", "registries"]
