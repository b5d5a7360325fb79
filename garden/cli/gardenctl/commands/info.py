"""``gardenctl info``: per seed, how many shoots it hosts, how many are awake and asleep; and the unscheduled ones.

Allocatable and capacity are the seed's own figures for shoots (``status.allocatable.shoots``, ``status.capacity
.shoots``) when it reports them. A shoot counts as hibernated once it is asked to hibernate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

import typer

from garden.api.wire import dig
from garden.cli.gardenctl import output
from garden.cli.gardenctl.landscape import name_of, namespace_of, seed_of
from garden.cli.gardenctl.state import runtime
from garden.kube import SEEDS, Object


@dataclass
class SeedLoad:
    seed: str
    total: int = 0
    active: int = 0
    hibernated: int = 0
    allocatable: str = "-"
    capacity: str = "-"


@dataclass
class Summary:
    seeds: list[SeedLoad] = field(default_factory=list)
    unscheduled: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(seeds: Sequence[Object], shoots: Sequence[Object]) -> Summary:
    """Pure: the per-seed counts (every seed, and seeds named by shoots that no longer exist) and the unscheduled."""
    loads: dict[str, SeedLoad] = {}
    for seed in seeds:
        loads[name_of(seed)] = SeedLoad(
            name_of(seed),
            allocatable=str(dig(seed, "status", "allocatable", "shoots") or "-"),
            capacity=str(dig(seed, "status", "capacity", "shoots") or "-"),
        )
    summary = Summary()
    for shoot in shoots:
        seed_name = seed_of(shoot)
        if not seed_name:
            summary.unscheduled.append(f"{namespace_of(shoot)}/{name_of(shoot)}")
            continue
        load = loads.setdefault(seed_name, SeedLoad(seed_name))
        load.total += 1
        if dig(shoot, "spec", "hibernation", "enabled") or dig(shoot, "status", "hibernated"):
            load.hibernated += 1
        else:
            load.active += 1
    summary.seeds = sorted(loads.values(), key=lambda s: s.seed)
    summary.unscheduled.sort()
    return summary


def render(garden: str, summary: Summary) -> str:
    rows: list[list[Any]] = [
        [s.seed, s.total, s.active, s.hibernated, s.allocatable, s.capacity] for s in summary.seeds
    ]
    rows.append(
        [
            "TOTAL",
            sum(s.total for s in summary.seeds),
            sum(s.active for s in summary.seeds),
            sum(s.hibernated for s in summary.seeds),
            "",
            "",
        ]
    )
    text = f"Garden: {garden}\n" + output.table(
        ["Seed", "Total", "Active", "Hibernated", "Allocatable", "Capacity"], rows
    ).replace("<none>", "      ")
    text += f"Unscheduled: {len(summary.unscheduled)}\n"
    text += "".join(f"  {shoot}\n" for shoot in summary.unscheduled)
    return text


def info(
    ctx: typer.Context,
    out: Annotated[output.Output | None, typer.Option("-o", "--output", help="yaml or json")] = None,
) -> None:
    """Show how shoots are spread over the seeds of the targeted garden."""
    garden = runtime(ctx).garden()
    summary = summarize(garden.kube.list(SEEDS), garden.shoots())
    if out in (output.Output.yaml, output.Output.json):
        output.echo(output.dump({"garden": garden.identity, **summary.to_dict()}, out))
        return
    output.echo(render(garden.identity, summary))
