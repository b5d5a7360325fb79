"""``garden scheduler``: the shoot scheduler as a process: places each new shoot on a seed (``shoots/binding``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

PROG = "garden scheduler"
#: garden.scheduler.strategy.STRATEGIES, spelled out so that ``--help`` does not import the API models.
STRATEGIES = ("SameRegion", "MinimalDistance")


class _Parser(argparse.ArgumentParser):
    """Bad flags: one line on stderr and exit code 2 (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Run the shoot scheduler against a garden: each new shoot is bound to a seed (Gardener's "
        "gardener-scheduler).",
    )
    p.add_argument("--kubeconfig", type=Path, help="kubeconfig of the garden (default: the pod's service account)")
    p.add_argument(
        "--strategy",
        default="SameRegion",
        help=f"how candidate seeds are chosen: {' or '.join(STRATEGIES)} (default: SameRegion)",
    )
    p.add_argument("--workers", type=int, default=5, help="shoots scheduled concurrently (default: 5)")
    p.add_argument(
        "-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5; 2 and up: every watch event)"
    )
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    if args.strategy not in STRATEGIES:
        print(f"{PROG}: --strategy: {args.strategy!r} is not one of {', '.join(STRATEGIES)}", file=sys.stderr)
        return 2
    if args.workers < 1:
        print(f"{PROG}: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.verbosity < 0:
        print(f"{PROG}: -v must not be negative", file=sys.stderr)
        return 2
    if args.kubeconfig is not None and not args.kubeconfig.is_file():
        print(f"{PROG}: --kubeconfig: no such file: {args.kubeconfig}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbosity >= 4 else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.verbosity < 2:  # kopf logs every handled watch event at INFO: one line per shoot event
        logging.getLogger("kopf.objects").setLevel(logging.WARNING)
    from kubernetes.config import ConfigException  # noqa: PLC0415  (kopf and the client are heavy; keep --help fast)

    from garden import operator  # noqa: PLC0415
    from garden.clock import SystemClock  # noqa: PLC0415
    from garden.kube import Kube  # noqa: PLC0415
    from garden.scheduler.operator import registry  # noqa: PLC0415

    try:
        kube = Kube.from_kubeconfig(args.kubeconfig)
    except ConfigException as exc:
        print(f"{PROG}: cannot load the garden's credentials: {exc}", file=sys.stderr)
        return 1
    scheduler = registry(kube, SystemClock(), args.strategy, workers=args.workers)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await operator.run([scheduler], stop)

    try:
        asyncio.run(serve())
    finally:
        kube.close()
    return 0


__all__ = ["main", "parser"]
