"""The scheduler's state and decisions: seeds, cloud profiles and region configs as last seen, shoots per seed, and
the choice of a seed for a shoot.

A decision is the filters (:mod:`garden.scheduler.filters`), then the strategy (:mod:`garden.scheduler.strategy`),
then the least loaded candidate, exactly as the pure functions compute it; two things make it cheap:

* shoot counts are kept incrementally (:mod:`garden.scheduler.cache`), never recounted from a list of shoots;
* the static filters and the strategy depend only on the seeds and the shoot's
  :class:`~garden.scheduler.views.Requirements`, so their outcome (the candidate groups) is cached per
  requirements until a seed, cloud profile or region config changes in a way that matters. A decision then only
  walks the cached groups for the first seed with room and picks the least loaded there.

When no seed fits, :meth:`Scheduler.explain` runs the whole chain over every seed to say, per seed, why not.
Everything here runs under :attr:`Scheduler.lock`; callers that read and then write (decide, then assume) hold it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from garden.scheduler import filters, strategy
from garden.scheduler.cache import Observed, ShootCounts
from garden.scheduler.regions import RegionConfigError, RegionConfigs
from garden.scheduler.strategy import Strategy
from garden.scheduler.views import ProfileRef, Requirements, SeedView, Selector, ShootKey, ShootView

#: How many seeds a failure message names per reason before it counts the rest.
NAMED_PER_REASON = 3
MESSAGE_LIMIT = 2048


@dataclass(frozen=True)
class Decision:
    """A seed for the shoot, or None and why: the message, and by seed name the reason it was not taken."""

    seed: str | None
    message: str
    reasons: Mapping[str, str] = field(default_factory=dict)

    @property
    def scheduled(self) -> bool:
        return self.seed is not None


@dataclass
class _Placement:
    #: Per candidate group (in order of preference): (name, allocatable shoots or None), sorted by name.
    groups: list[list[tuple[str, int | None]]]
    error: str | None = None


def failure_message(total: int, reasons: Mapping[str, str]) -> str:
    """``0/3 seeds are available: seed-a: provider type gcp != aws; seed-b, seed-c: not ready (...)``: seeds with
    the same reason are named together, at most :data:`NAMED_PER_REASON` of them, then counted."""
    if total == 0:
        return "0/0 seeds are available: no seed is registered"
    by_reason: dict[str, list[str]] = defaultdict(list)
    for name in sorted(reasons):
        by_reason[reasons[name]].append(name)
    parts = []
    for reason, names in sorted(by_reason.items(), key=lambda item: item[1][0]):
        named = ", ".join(names[:NAMED_PER_REASON])
        if len(names) > NAMED_PER_REASON:
            named += f" and {len(names) - NAMED_PER_REASON} more"
        parts.append(f"{named}: {reason}")
    message = f"0/{total} seeds are available: " + "; ".join(parts)
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 3] + "..."
    return message


class Scheduler:
    def __init__(self, strategy: Strategy = Strategy.SAME_REGION, *, garden_namespace: str = "garden") -> None:
        self.strategy = Strategy(strategy)
        self.lock = threading.RLock()
        self.counts = ShootCounts()
        self.region_configs = RegionConfigs(garden_namespace)
        self._seeds: dict[str, SeedView] = {}
        self._by_name: list[SeedView] | None = None
        self._by_place: dict[tuple[str, str], list[SeedView]] | None = None
        self._profiles: dict[ProfileRef, Selector | None] = {}
        self._placements: dict[Requirements, _Placement] = {}

    # -- the landscape: each setter says whether decisions may have changed ------------------------------------------

    def _invalidate(self) -> None:
        self._placements.clear()
        self._by_name = None
        self._by_place = None

    @property
    def seeds(self) -> list[SeedView]:
        """The seeds, by name."""
        with self.lock:
            if self._by_name is None:
                self._by_name = [self._seeds[name] for name in sorted(self._seeds)]
            return self._by_name

    def seed(self, name: str) -> SeedView | None:
        return self._seeds.get(name)

    def set_seed(self, view: SeedView) -> bool:
        with self.lock:
            if self._seeds.get(view.name) == view:
                return False
            self._seeds[view.name] = view
            self._invalidate()
            return True

    def remove_seed(self, name: str) -> bool:
        with self.lock:
            if self._seeds.pop(name, None) is None:
                return False
            self._invalidate()
            return True

    def set_profile(self, ref: ProfileRef, selector: Selector | None) -> bool:
        with self.lock:
            if ref in self._profiles and self._profiles[ref] == selector:
                return False
            self._profiles[ref] = selector
            self._invalidate()
            return True

    def remove_profile(self, ref: ProfileRef) -> bool:
        with self.lock:
            if ref not in self._profiles:
                return False
            del self._profiles[ref]
            self._invalidate()
            return True

    def set_region_config(self, configmap: Mapping[str, Any]) -> bool:
        with self.lock:
            changed = self.region_configs.set(configmap)
            if changed:
                self._invalidate()
            return changed

    def remove_region_config(self, name: str) -> bool:
        with self.lock:
            changed = self.region_configs.remove(name)
            if changed:
                self._invalidate()
            return changed

    # -- shoots --------------------------------------------------------------------------------------------------------

    def observe(self, shoot: ShootView) -> Observed:
        with self.lock:
            return self.counts.observe(shoot.key, shoot.seed_name, shoot.status_seed_name, shoot.resource_version)

    def delete(self, key: ShootKey, resource_version: str = "") -> Observed:
        with self.lock:
            return self.counts.delete(key, resource_version)

    def forget(self, key: ShootKey) -> tuple[str, ...]:
        """The binding of an assumed shoot failed: its seed has the room back."""
        with self.lock:
            return self.counts.forget(key)

    # -- decisions -----------------------------------------------------------------------------------------------------

    def schedule(self, shoot: ShootView) -> Decision:
        """Decide, and assume the shoot on the chosen seed until its binding shows up (or is forgotten)."""
        with self.lock:
            decision = self.decide(shoot.needs)
            if decision.seed is not None:
                self.counts.assume(shoot.key, decision.seed)
            return decision

    def decide(self, needs: Requirements) -> Decision:
        with self.lock:
            placement = self._placements.get(needs)
            if placement is None:
                placement = self._placements[needs] = self._place(needs)
            if placement.error is not None:
                return Decision(None, placement.error)
            hosted = self.counts.counts.get
            for group in placement.groups:
                # The least loaded seed with room; sorted by name, so the first of equally loaded ones wins.
                best = min(
                    ((hosted(name, 0), name) for name, room in group if room is None or hosted(name, 0) < room),
                    default=None,
                )
                if best is not None:
                    return Decision(best[1], f"Scheduled to seed '{best[1]}'")
            return self.explain(needs)

    def _profile(self, needs: Requirements) -> tuple[Selector | None, str | None]:
        if needs.profile not in self._profiles:
            return None, f"{needs.profile} not found"
        return self._profiles[needs.profile], None

    def _distances(self, needs: Requirements) -> Mapping[str, int] | None:
        if self.strategy != Strategy.MINIMAL_DISTANCE or needs.testing:
            return None
        config = self.region_configs.for_profile(needs.profile.name)
        return config.distances(needs.region) if config is not None else None

    def _scope(self, needs: Requirements) -> list[SeedView]:
        """The seeds the strategy could take at all: SameRegion and testing shoots only go to seeds of their own
        provider type (and region), so only those are filtered for the cache."""
        if self.strategy == Strategy.MINIMAL_DISTANCE and not needs.testing:
            return self.seeds
        if self._by_place is None:
            index: dict[tuple[str, str], list[SeedView]] = defaultdict(list)
            for seed in self.seeds:
                index[(seed.provider_type, seed.region)].append(seed)
                index[(seed.provider_type, "")].append(seed)
            self._by_place = dict(index)
        return self._by_place.get((needs.provider_type, "" if needs.testing else needs.region), [])

    def _place(self, needs: Requirements) -> _Placement:
        profile, error = self._profile(needs)
        if error is not None:
            return _Placement([], error)
        try:
            distances = self._distances(needs)
        except RegionConfigError as exc:
            return _Placement([], f"failed to determine seed candidates: {exc}")
        survivors = filters.static(self._scope(needs), needs, profile, needs.profile.name).passed
        groups = strategy.levels(self.strategy, needs, survivors, distances).groups
        return _Placement([[(seed.name, seed.allocatable) for seed in group] for group in groups])

    def explain(self, needs: Requirements) -> Decision:
        """The whole chain over every seed, without caches: the decision, and on failure every seed's reason."""
        with self.lock:
            profile, error = self._profile(needs)
            if error is not None:
                return Decision(None, error)
            try:
                distances = self._distances(needs)
            except RegionConfigError as exc:
                return Decision(None, f"failed to determine seed candidates: {exc}")
            seeds = self.seeds
            counts = self.counts.counts
            filtered = filters.all_filters(seeds, needs, profile, counts, needs.profile.name)
            chosen = strategy.candidates(self.strategy, needs, filtered.passed, distances)
            best = strategy.least_loaded(chosen.passed, counts)
            if best is not None:
                return Decision(best.name, f"Scheduled to seed '{best.name}'")
            reasons = {**filtered.rejected, **chosen.rejected}
            return Decision(None, failure_message(len(seeds), reasons), reasons)


__all__ = ["Decision", "Scheduler", "failure_message"]
