"""``garden controller-manager``: the garden's controllers (projects, seed lifecycle, quotas, maintenance,
hibernation, status label, event TTL) as kopf operators in one process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from garden.controllermanager.controllers import CONTROLLERS

PROG = "garden controller-manager"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Run the garden's controllers against a garden cluster.")
    p.add_argument("--kubeconfig", type=Path, help="kubeconfig of the garden (default: the pod's service account)")
    p.add_argument(
        "--controllers",
        default=",".join(CONTROLLERS),
        help=f"comma-separated controllers to run (default: all: {','.join(CONTROLLERS)})",
    )
    p.add_argument("--resync-seconds", type=float, default=30.0, help="how often periodic controllers look again")
    p.add_argument(
        "--seed-grace-seconds",
        type=float,
        default=40.0,
        help="how long a seed's gardenlet may stay silent before its seed turns Unknown (default: 40)",
    )
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5)")
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    names = [n.strip() for n in args.controllers.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONTROLLERS]
    if unknown or not names:
        print(
            f"{PROG}: --controllers: unknown {unknown or 'empty list'}; known: {', '.join(CONTROLLERS)}",
            file=sys.stderr,
        )
        return 2
    if args.kubeconfig is not None and not args.kubeconfig.is_file():
        print(f"{PROG}: --kubeconfig: no such file: {args.kubeconfig}", file=sys.stderr)
        return 2
    if args.resync_seconds <= 0 or args.seed_grace_seconds <= 0:
        print(f"{PROG}: --resync-seconds and --seed-grace-seconds must be positive", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbosity >= 4 else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from kubernetes.config import ConfigException  # noqa: PLC0415

    from garden import operator  # noqa: PLC0415  (kopf is heavy; keep --help fast)
    from garden.controllermanager.context import ControllerContext  # noqa: PLC0415
    from garden.controllermanager.controllers import factory  # noqa: PLC0415
    from garden.kube import Kube  # noqa: PLC0415

    try:
        kube = Kube.from_kubeconfig(args.kubeconfig)
    except ConfigException as exc:
        print(f"{PROG}: cannot load the garden's credentials: {exc}", file=sys.stderr)
        return 1
    ctx = ControllerContext(kube, resync_seconds=args.resync_seconds, seed_grace_seconds=args.seed_grace_seconds)
    registries = [factory(name)(ctx) for name in names]

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await operator.run(registries, stop)

    asyncio.run(serve())
    return 0
