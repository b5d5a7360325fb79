"""Among the seeds that passed the filters, which the shoot may go to, and the one it goes to.

As in Gardener (``applyStrategy``, ``getSeedWithLeastShootsDeployed``):

* a shoot with ``purpose: testing`` may go to any seed of its provider type, in any region: testing shoots
  balance the whole landscape (whatever the strategy);
* ``SameRegion`` (the default): only seeds of the shoot's provider type in the shoot's region. Nothing there: the
  shoot stays unscheduled (no fallback to other regions);
* ``MinimalDistance``: the seeds nearest to the shoot's region, by the cloud profile's region config and else by
  name distance (:mod:`garden.scheduler.regions`). Never empty while any seed passed the filters;
* then the least loaded candidate wins: the one hosting the fewest shoots, ties broken by the seed name.

:func:`levels` gives the candidates as groups in order of preference, so that the scheduler can cache them per
shoot requirements and only look at capacity per decision: the candidates are the first group with a seed that
has room. For ``MinimalDistance`` the groups are the region-config distances (ascending), then the name distances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from garden.scheduler.filters import Filtered
from garden.scheduler.regions import name_distance
from garden.scheduler.views import Requirements, SeedView


class Strategy(StrEnum):
    SAME_REGION = "SameRegion"
    MINIMAL_DISTANCE = "MinimalDistance"


STRATEGIES = tuple(s.value for s in Strategy)


@dataclass
class Levels:
    """Candidate groups in order of preference, and the seeds the strategy never takes, with why."""

    groups: list[list[SeedView]] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)


def _grouped(pairs: Iterable[tuple[int, SeedView]]) -> list[list[SeedView]]:
    by_distance: dict[int, list[SeedView]] = defaultdict(list)
    for dist, seed in pairs:
        by_distance[dist].append(seed)
    return [sorted(by_distance[d], key=lambda s: s.name) for d in sorted(by_distance)]


def levels(
    strategy: Strategy,
    needs: Requirements,
    seeds: Sequence[SeedView],
    region_distances: Mapping[str, int] | None = None,
) -> Levels:
    """The strategy's candidate groups among ``seeds`` (which passed the filters)."""
    out = Levels()
    if needs.testing or strategy == Strategy.SAME_REGION:
        group: list[SeedView] = []
        for seed in seeds:
            if seed.provider_type != needs.provider_type:
                why = "purpose testing" if needs.testing else "SameRegion"
                out.rejected[seed.name] = f"provider type {seed.provider_type} != {needs.provider_type} ({why})"
            elif not needs.testing and seed.region != needs.region:
                out.rejected[seed.name] = f"region {seed.region} != {needs.region}"
            else:
                group.append(seed)
        if group:
            out.groups.append(sorted(group, key=lambda s: s.name))
        return out
    if region_distances is not None:
        out.groups += _grouped((region_distances[s.region], s) for s in seeds if s.region in region_distances)
    out.groups += _grouped(
        (name_distance(s.region, s.provider_type, needs.region, needs.provider_type), s) for s in seeds
    )
    return out


def candidates(
    strategy: Strategy,
    needs: Requirements,
    seeds: Sequence[SeedView],
    region_distances: Mapping[str, int] | None = None,
) -> Filtered:
    """The seeds the strategy picks among (the first non-empty group); every other seed with why not."""
    found = levels(strategy, needs, seeds, region_distances)
    if not found.groups:
        return Filtered([], found.rejected)
    chosen = found.groups[0]
    names = {s.name for s in chosen}
    rejected = dict(found.rejected)
    for seed in seeds:
        if seed.name not in names and seed.name not in rejected:
            rejected[seed.name] = f"farther from {needs.region} than {chosen[0].name} ({chosen[0].region})"
    return Filtered(chosen, rejected)


def least_loaded(seeds: Iterable[SeedView], hosted: Mapping[str, int]) -> SeedView | None:
    """The seed hosting the fewest shoots; ties go to the first name."""
    best: SeedView | None = None
    best_key: tuple[int, str] | None = None
    for seed in seeds:
        key = (hosted.get(seed.name, 0), seed.name)
        if best_key is None or key < best_key:
            best, best_key = seed, key
    return best


__all__ = ["STRATEGIES", "Levels", "Strategy", "candidates", "least_loaded", "levels"]
