"""How far apart two regions are, for the MinimalDistance strategy, as Gardener measures it.

Two sources, in Gardener's order (``pkg/scheduler/controller/shoot/reconciler.go``, ``distance.go``):

1. **Region configs**: ConfigMaps in the garden namespace labelled ``scheduling.gardener.cloud/purpose:
   region-config`` and annotated ``scheduling.gardener.cloud/cloudprofiles: aws,aws-china``. Each key is a shoot
   region; its value a YAML map from seed regions to distances. A region is at distance 0 from itself unless the
   map says otherwise; seeds in regions the map does not list are not candidates in this step. The operator knows
   the real geography (Azure's region names, for one, say nothing about where a region is), so this is the
   lookup table, kept by the landscape's operators, not by the code.
2. **Name distance**, when no region config applies or none of its regions has a usable seed: each name is split
   at the first orientation word (``north``, ``south``, ``east``, ``west``, ``central``, tried in that order)
   into a base and an orientation; the distance is twice the Levenshtein distance of the bases, plus 0 when the
   orientations match, 1 when only one name has one, 2 when they differ. A seed of another provider type (the
   CloudProfile's ``seedSelector.providerTypes`` can allow that) adds 2.

The name distance is Gardener's on purpose: the same landscape places shoots the same way under both schedulers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

ORIENTATIONS = ("north", "south", "east", "west", "central")
PURPOSE_LABEL = "scheduling.gardener.cloud/purpose"
REGION_CONFIG = "region-config"
CLOUDPROFILES_ANNOTATION = "scheduling.gardener.cloud/cloudprofiles"
#: What another provider type adds to the name distance.
PROVIDER_PENALTY = 2


def orientation(name: str) -> tuple[str, str]:
    """The name with its first orientation word cut out (``eu-:-1``) and that word, or the name and ``""``."""
    for word in ORIENTATIONS:
        before, found, after = name.partition(word)
        if found:
            return f"{before}:{after}", word
    return name, ""


def levenshtein(a: str, b: str) -> int:
    """Insertions, deletions and substitutions, each costing 1."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@functools.lru_cache(maxsize=65536)
def distance(seed_region: str, shoot_region: str) -> int:
    """Gardener's name distance between a seed's and a shoot's region (without the provider penalty)."""
    seed_base, seed_orientation = orientation(seed_region)
    shoot_base, shoot_orientation = orientation(shoot_region)
    base = levenshtein(seed_base, shoot_base) * 2
    if not seed_orientation and not shoot_orientation:
        return base
    if not seed_orientation or not shoot_orientation:
        return base + 1
    return base if seed_orientation == shoot_orientation else base + 2


def name_distance(seed_region: str, seed_provider: str, shoot_region: str, shoot_provider: str) -> int:
    return distance(seed_region, shoot_region) + (PROVIDER_PENALTY if seed_provider != shoot_provider else 0)


class RegionConfigError(ValueError):
    """A region config entry that is not a map of region names to integer distances."""


@dataclass(frozen=True)
class RegionConfig:
    """One region-config ConfigMap: the cloud profiles it is for and, per shoot region, the distances as YAML."""

    namespace: str
    name: str
    profiles: frozenset[str]
    data: Mapping[str, str]
    _parsed: dict[str, dict[str, int]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_configmap(cls, obj: Mapping[str, Any]) -> RegionConfig:
        meta = obj.get("metadata") or {}
        annotations = meta.get("annotations") or {}
        profiles = frozenset(p.strip() for p in str(annotations.get(CLOUDPROFILES_ANNOTATION, "")).split(","))
        data = {str(k): str(v) for k, v in (obj.get("data") or {}).items()}
        return cls(str(meta.get("namespace") or ""), str(meta.get("name") or ""), profiles - {""}, data)

    def distances(self, shoot_region: str) -> dict[str, int] | None:
        """Seed region to distance for shoots in ``shoot_region`` (itself at 0 unless listed), or None when the
        config has no entry for it. :class:`RegionConfigError` when the entry is not a map of integers."""
        if not self.data.get(shoot_region):
            return None
        if shoot_region not in self._parsed:
            try:
                raw = yaml.safe_load(self.data[shoot_region])
            except yaml.YAMLError as exc:
                raise RegionConfigError(self._wrong(shoot_region, str(exc).splitlines()[0])) from exc
            if not isinstance(raw, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in raw.values()
            ):
                raise RegionConfigError(self._wrong(shoot_region, "not a map of region names to integer distances"))
            table = {str(k): int(v) for k, v in raw.items()}
            table.setdefault(shoot_region, 0)
            self._parsed[shoot_region] = table
        return self._parsed[shoot_region]

    def _wrong(self, region: str, why: str) -> str:
        return f"wrong format in region ConfigMap {self.namespace}/{self.name}, region {region!r}: {why}"


class RegionConfigs:
    """The region configs of the garden namespace, kept from watch events."""

    def __init__(self, namespace: str = "garden") -> None:
        self.namespace = namespace
        self._configs: dict[str, RegionConfig] = {}

    @staticmethod
    def is_region_config(obj: Mapping[str, Any]) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return bool(labels.get(PURPOSE_LABEL) == REGION_CONFIG)

    def set(self, obj: Mapping[str, Any]) -> bool:
        """Take a ConfigMap in (or drop it when it is no longer a region config); whether anything changed."""
        meta = obj.get("metadata") or {}
        if meta.get("namespace") != self.namespace:
            return False
        name = str(meta.get("name") or "")
        if not self.is_region_config(obj):
            return self.remove(name)
        config = RegionConfig.from_configmap(obj)
        if self._configs.get(name) == config:
            return False
        self._configs[name] = config
        return True

    def remove(self, name: str) -> bool:
        return self._configs.pop(name, None) is not None

    def for_profile(self, profile: str) -> RegionConfig | None:
        """The config listing the cloud profile; with several, the first by name (Gardener takes the first it
        lists and logs the others)."""
        for name in sorted(self._configs):
            if profile in self._configs[name].profiles:
                return self._configs[name]
        return None

    def __len__(self) -> int:
        return len(self._configs)


__all__ = [
    "CLOUDPROFILES_ANNOTATION",
    "ORIENTATIONS",
    "PROVIDER_PENALTY",
    "PURPOSE_LABEL",
    "REGION_CONFIG",
    "RegionConfig",
    "RegionConfigError",
    "RegionConfigs",
    "distance",
    "levenshtein",
    "name_distance",
    "orientation",
]
