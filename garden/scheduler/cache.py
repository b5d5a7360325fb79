"""Shoots per seed, counted incrementally from watch events instead of by listing every shoot per decision.

A shoot counts on ``spec.seedName`` and, while its control plane migrates, also on ``status.seedName`` when that
differs: Gardener's ``CalculateSeedUsage``. Each ADDED/MODIFIED event replaces what the shoot counted on before;
DELETED removes it.

Between deciding and seeing the bound shoot come back through the watch, the scheduler *assumes* the shoot on its
seed (as kube-scheduler assumes pods), so concurrent decisions see the place as taken. An assumption ends when the
shoot is observed with a ``spec.seedName``, or when the binding failed and the scheduler forgets it.

The binding's response is applied like an event; a watch event older than what was applied (by resourceVersion,
when both are numeric, as the garden API server's are) is stale and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from garden.scheduler.views import ShootKey


def _version(resource_version: str) -> int | None:
    return int(resource_version) if resource_version.isdigit() else None


@dataclass(frozen=True)
class Observed:
    #: The event is older than what the counts already reflect; nothing was changed.
    stale: bool = False
    #: Seeds that host one shoot fewer since this event.
    freed: tuple[str, ...] = ()


class ShootCounts:
    """Not thread-safe: the scheduler calls it under its lock."""

    def __init__(self) -> None:
        self._observed: dict[ShootKey, tuple[str | None, tuple[str, ...]]] = {}
        self._assumed: dict[ShootKey, str] = {}
        self._charged: dict[ShootKey, tuple[str, ...]] = {}
        self._counts: dict[str, int] = {}
        self._versions: dict[ShootKey, int] = {}

    # -- reading ------------------------------------------------------------------------------------------------------

    def count(self, seed: str) -> int:
        return self._counts.get(seed, 0)

    @property
    def counts(self) -> Mapping[str, int]:
        """The live counts by seed (seeds hosting nothing may be missing)."""
        return self._counts

    def seeds_of(self, key: ShootKey) -> tuple[str, ...]:
        return self._charged.get(key, ())

    def assumed(self, key: ShootKey) -> str | None:
        return self._assumed.get(key)

    def __len__(self) -> int:
        """How many shoots are known."""
        return len(self._observed)

    # -- events -------------------------------------------------------------------------------------------------------

    def _stale(self, key: ShootKey, resource_version: str) -> bool:
        version = _version(resource_version)
        if version is None:
            return False
        last = self._versions.get(key)
        if last is not None and version < last:
            return True
        self._versions[key] = version
        return False

    def observe(
        self, key: ShootKey, spec_seed: str | None, status_seed: str | None = None, resource_version: str = ""
    ) -> Observed:
        if self._stale(key, resource_version):
            return Observed(stale=True)
        seeds = tuple(s for s in (spec_seed, status_seed if status_seed != spec_seed else None) if s)
        self._observed[key] = (spec_seed or None, seeds)
        if spec_seed:
            self._assumed.pop(key, None)
        return Observed(freed=self._recharge(key))

    def delete(self, key: ShootKey, resource_version: str = "") -> Observed:
        if self._stale(key, resource_version):
            return Observed(stale=True)
        self._observed.pop(key, None)
        self._assumed.pop(key, None)
        return Observed(freed=self._recharge(key))

    def assume(self, key: ShootKey, seed: str) -> None:
        self._assumed[key] = seed
        self._recharge(key)

    def forget(self, key: ShootKey) -> tuple[str, ...]:
        """Drop the assumption (the binding failed); the seeds freed by that."""
        if self._assumed.pop(key, None) is None:
            return ()
        return self._recharge(key)

    def _recharge(self, key: ShootKey) -> tuple[str, ...]:
        observed = self._observed.get(key)
        spec_seed, seeds = observed if observed is not None else (None, ())
        assumed = self._assumed.get(key)
        if assumed and not spec_seed and assumed not in seeds:
            seeds = (*seeds, assumed)
        before = self._charged.get(key, ())
        if seeds == before:
            return ()
        for seed in before:
            left = self._counts[seed] - 1
            if left:
                self._counts[seed] = left
            else:
                del self._counts[seed]
        for seed in seeds:
            self._counts[seed] = self._counts.get(seed, 0) + 1
        if seeds:
            self._charged[key] = seeds
        else:
            self._charged.pop(key, None)
        return tuple(s for s in before if s not in seeds)


__all__ = ["Observed", "ShootCounts"]
