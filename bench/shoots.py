"""Shoot create-to-Ready on the embedded landscape: 1 shoot, then N in parallel, beside the flow's critical path.

The landscape is the tests' (``tests/integration/landscape.py``): garden API server, seed API server and kubelet,
``gardenlet extensions --providers local``. The shoot controller runs in this process (``controlPlane.storage:
sqlite``), so each flow's task durations are at hand. Shoots are bound to the seed through ``shoots/binding``
right after creation (no scheduler: its decision is measured by bench/scheduler.py).

For every run it prints the wall time from creation to ``lastOperation`` Succeeded (median and maximum over the
shoots) and the flow's critical path (``gardenlet.flow.critical_path``: the longest chain of
dependent tasks, given the durations measured): the flow cannot finish faster than its critical path, so the gap
is what the scheduling of tasks (and the contention of N shoots on one machine) costs. Then the slowest tasks.

    .venv/bin/python bench/shoots.py                 # 1 and 20 shoots; a few minutes on 2 cores
    .venv/bin/python bench/shoots.py --parallel 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from garden.kube import SEEDS, SHOOTS  # noqa: E402
from gardenlet.config import GardenletConfiguration  # noqa: E402
from gardenlet.context import GardenletContext  # noqa: E402
from gardenlet.controllers.shoot.controller import ShootController  # noqa: E402
from gardenlet.flow import Flow, Stats, critical_path  # noqa: E402
from kubelite.client import Kube  # noqa: E402
from tests.integration.landscape import (  # noqa: E402
    PROJECT_NAMESPACE,
    LandscapeOptions,
    local_gardenlet_config,
    running_landscape,
)

SEED = "local"


def seed_object() -> dict[str, Any]:
    config = local_gardenlet_config(SEED)["seedConfig"]
    return {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Seed", **config}


def shoot(name: str) -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "shoot-local.yaml").read_text())
    manifest["metadata"]["name"] = name
    return manifest


class Results:
    """Each shoot's first successful flow; the controller calls ``observe`` on its event loop."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.done: dict[str, tuple[float, Flow[Any], Stats]] = {}
        self.complete = asyncio.Event()

    def observe(self, key: tuple[str, str], flow: Flow[Any], stats: Stats) -> None:
        self.done.setdefault(key[1], (time.monotonic(), flow, stats))
        if len(self.done) >= self.expected:
            self.complete.set()


async def run_batch(
    garden: Kube, seed: Kube, config: GardenletConfiguration, names: list[str], limit: float
) -> dict[str, Any]:
    """Create and bind ``names``; the results of those ready within ``limit`` seconds (``ready``/``of``)."""
    results = Results(len(names))
    ctx = GardenletContext(garden=garden, seed=seed, config=config)
    stop = asyncio.Event()
    controller = ShootController(ctx, observer=results.observe)
    runner = asyncio.create_task(controller.run(stop))
    created: dict[str, float] = {}
    for name in names:
        body = await asyncio.to_thread(garden.create, SHOOTS, PROJECT_NAMESPACE, shoot(name))
        created[name] = time.monotonic()
        body["spec"]["seedName"] = SEED
        await asyncio.to_thread(garden.update, SHOOTS, PROJECT_NAMESPACE, name, body, subresource="binding")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(results.complete.wait(), limit)
    stop.set()
    await runner
    names = [n for n in names if n in results.done]
    if not names:
        raise SystemExit(f"no shoot became ready within {limit:g} s")
    walls = [results.done[n][0] - created[n] for n in names]
    flows = [results.done[n][2] for n in names]
    paths = [critical_path(results.done[n][1], dict(results.done[n][2].durations)) for n in names]
    return {"walls": walls, "flows": flows, "paths": paths, "ready": len(names), "of": len(created)}


def report(label: str, result: dict[str, Any]) -> None:
    walls, flows, paths = result["walls"], result["flows"], result["paths"]
    print(f"\n== {label}: {result['ready']} of {result['of']} ready")
    print(f"create-to-Ready        median {statistics.median(walls):6.1f} s   max {max(walls):6.1f} s")
    print(
        f"critical path          median {statistics.median(p.length for p in paths):6.1f} s   "
        f"max {max(p.length for p in paths):6.1f} s   (the floor for one flow)"
    )
    path = max(paths, key=lambda p: p.length)
    print("critical path tasks:   " + " -> ".join(path.tasks))
    durations: dict[str, list[float]] = {}
    for stats in flows:
        for task, seconds in stats.durations.items():
            durations.setdefault(task, []).append(seconds)
    print(f"{'task':60s} {'median s':>9s} {'max s':>7s}")
    for task, seconds in sorted(durations.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"{task:60s} {statistics.median(seconds):9.2f} {max(seconds):7.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parallel", type=int, default=20, help="shoots created at once in the second run")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a run may take; later shoots are left out")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like an exception, so the landscape stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logging.basicConfig(level=logging.WARNING)
    config = GardenletConfiguration.model_validate(
        local_gardenlet_config(SEED, controlPlane={"storage": "sqlite"}, controllers={"shoot": {"concurrentSyncs": 50}})
    )
    options = LandscapeOptions(scheduler=False, controller_manager=False, gardenlet=False)
    with tempfile.TemporaryDirectory(prefix="bench-shoots-") as tmp, running_landscape(Path(tmp), options) as scape:
        scape.garden_kube.create(SEEDS, None, seed_object())
        one = asyncio.run(run_batch(scape.garden_kube, scape.seed_kube, config, ["bench-1"], args.timeout))
        report("1 shoot", one)
        many = asyncio.run(
            run_batch(
                scape.garden_kube, scape.seed_kube, config, [f"bench-p{i}" for i in range(args.parallel)], args.timeout
            )
        )
        report(f"{args.parallel} shoots in parallel", many)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
