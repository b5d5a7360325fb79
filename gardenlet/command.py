"""``gardenlet --garden-kubeconfig G --seed-kubeconfig S --config FILE``: the gardenlet process.

Loads and checks the configuration, connects to the garden and the seed, and runs the controllers in one event
loop until SIGTERM or SIGINT: the seed controller (registration, heartbeat, the seed's system components), the care
controller (shoot health conditions) and the shoot controller (the shoot flows). The shoot controller is imported
only here, and a gardenlet without it (a source tree where it is not built) says so and runs the other two.

A bad flag, an unreadable or invalid configuration or a missing kubeconfig is one line on stderr and exit code 2;
credentials that do not load are exit code 1. A controller that fails stops the others and the process exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from gardenlet.context import GardenletContext

PROG = "gardenlet"

Controller = Callable[["GardenletContext", asyncio.Event], Coroutine[Any, Any, None]]


class _Parser(argparse.ArgumentParser):
    """Bad flags: one line on stderr and exit code 2 (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Register a seed in the garden and reconcile the shoots scheduled onto it. "
        "Subcommand: `gardenlet extensions` runs the extension and machine controllers.",
    )
    p.add_argument("--garden-kubeconfig", type=Path, required=True, help="kubeconfig of the garden cluster")
    p.add_argument(
        "--seed-kubeconfig", type=Path, help="kubeconfig of the seed cluster (default: the pod's service account)"
    )
    p.add_argument("--config", type=Path, required=True, metavar="FILE", help="GardenletConfiguration file")
    p.add_argument("-v", "--v", dest="verbosity", type=int, default=0, help="log verbosity (0-5)")
    return p


def shoot_controller() -> Controller | None:
    """``run_shoot_controller`` when the shoot controller is part of this gardenlet, else None."""
    try:
        module = importlib.import_module("gardenlet.controllers.shoot")
    except ImportError:
        return None
    controller: Controller | None = getattr(module, "run_shoot_controller", None)
    return controller


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    for flag, path in (("--garden-kubeconfig", args.garden_kubeconfig), ("--seed-kubeconfig", args.seed_kubeconfig)):
        if path is not None and not path.is_file():
            print(f"{PROG}: {flag}: no such file: {path}", file=sys.stderr)
            return 2
    from gardenlet.config import ConfigError, load  # noqa: PLC0415  (pydantic models; keep --help fast)

    try:
        config = load(args.config)
    except ConfigError as exc:
        print(f"{PROG}: --config: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbosity >= 4 else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.verbosity < 2:  # kopf logs every handled watch event at INFO
        logging.getLogger("kopf.objects").setLevel(logging.WARNING)
    from kubernetes.config import ConfigException  # noqa: PLC0415

    from gardenlet.context import GardenletContext  # noqa: PLC0415
    from kubelite.client import Kube  # noqa: PLC0415

    try:
        garden = Kube.from_kubeconfig(args.garden_kubeconfig)
    except ConfigException as exc:
        print(f"{PROG}: cannot load the garden's credentials: {exc}", file=sys.stderr)
        return 1
    try:
        seed = Kube.from_kubeconfig(args.seed_kubeconfig)
    except ConfigException as exc:
        garden.close()
        print(f"{PROG}: cannot load the seed's credentials: {exc}", file=sys.stderr)
        return 1
    ctx = GardenletContext(garden, seed, config)
    try:
        return asyncio.run(serve(ctx))
    finally:
        garden.close()
        seed.close()


async def serve(ctx: GardenletContext) -> int:
    """Run the controllers until SIGTERM/SIGINT; 0 on a clean stop, 1 when a controller failed."""
    from gardenlet.controllers.care import run_care_controller  # noqa: PLC0415
    from gardenlet.controllers.seed import run_seed_controller  # noqa: PLC0415

    log = logging.getLogger("gardenlet")
    controllers: dict[str, Controller] = {"seed": run_seed_controller, "care": run_care_controller}
    shoot = shoot_controller()
    if shoot is None:
        log.warning("the shoot controller is not part of this gardenlet (gardenlet.controllers.shoot); not running it")
    else:
        controllers["shoot"] = shoot
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    tasks: dict[asyncio.Task[None], str] = {
        asyncio.create_task(run(ctx, stop), name=name): name for name, run in controllers.items()
    }
    log.info("gardenlet running: %s", ", ".join(controllers))
    failed = False
    pending = set(tasks)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            exc = task.exception()
            if exc is not None:
                log.error("the %s controller failed", tasks[task], exc_info=exc)
                failed = True
            elif not stop.is_set():
                log.error("the %s controller stopped unexpectedly", tasks[task])
                failed = True
        stop.set()  # one controller ending ends them all
    log.info("gardenlet stopped")
    return 1 if failed else 0


__all__ = ["main", "parser", "serve", "shoot_controller"]
