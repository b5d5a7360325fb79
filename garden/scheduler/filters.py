"""The scheduler's filters: which seeds may host a shoot, and for every other seed a short reason why not.

Gardener's scheduler (``pkg/scheduler/controller/shoot/reconciler.go``) runs the same checks, in this order:

1. usable: not being deleted, ``spec.settings.scheduling.visible`` not false, ready: a last operation reported,
   ``GardenletReady`` True and, for a seed with ``spec.backup``, ``BackupBucketsReady`` True;
2. the CloudProfile's ``seedSelector`` labels, then the shoot's ``spec.seedSelector`` labels;
3. provider: the seed's provider type equals the shoot's, unless the CloudProfile's ``seedSelector.providerTypes``
   lists it (or ``*``);
4. zones: a control plane with failure tolerance ``zone`` needs a seed with three zones or more;
5. access restrictions: every one the shoot asks for must be offered by the seed;
6. networks: the shoot's node, pod and service networks (its own, or the seed's ``shootDefaults``) must not
   overlap the seed's node, pod and service networks;
7. taints: every seed taint must be tolerated (a toleration names the key, and the value when the taint has one);
8. capacity: fewer shoots on the seed than ``status.allocatable.shoots``.

Checks 1-7 depend only on the seed and the shoot's :class:`~garden.scheduler.views.Requirements` ("static"); check
8 also on how many shoots the seed hosts. Gardener stops at the first filter that leaves no seed; here every seed
gets the reason of the first check it fails, so a failed scheduling can say what is wrong with each seed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from garden.scheduler.views import Requirements, SeedView, Selector, network


@dataclass
class Filtered:
    """The seeds that passed (in the order given) and, by seed name, why each other seed did not."""

    passed: list[SeedView] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)


def _apply(seeds: Iterable[SeedView], why_not: Callable[[SeedView], str | None]) -> Filtered:
    result = Filtered()
    for seed in seeds:
        reason = why_not(seed)
        if reason is None:
            result.passed.append(seed)
        else:
            result.rejected[seed.name] = reason
    return result


# -- the checks, one seed at a time -----------------------------------------------------------------------------------


def why_unusable(seed: SeedView) -> str | None:
    if seed.deleting:
        return "being deleted"
    if not seed.visible:
        return "not visible to the scheduler (spec.settings.scheduling.visible is false)"
    return seed.unready


def why_profile_selector(seed: SeedView, profile: Selector | None, profile_name: str = "") -> str | None:
    if profile is None or profile.matches(seed.labels):
        return None
    of = f" of CloudProfile {profile_name}" if profile_name else " of the CloudProfile"
    return f"labels do not match the seed selector{of} ({profile.describe()})"


def why_shoot_selector(seed: SeedView, needs: Requirements) -> str | None:
    if needs.selector is None or needs.selector.matches(seed.labels):
        return None
    return f"labels do not match the shoot's seed selector ({needs.selector.describe()})"


def why_provider(seed: SeedView, needs: Requirements, profile: Selector | None) -> str | None:
    allowed = profile.provider_types if profile is not None else None
    if not allowed:
        if seed.provider_type == needs.provider_type:
            return None
        return f"provider type {seed.provider_type} != {needs.provider_type}"
    if "*" in allowed or seed.provider_type in allowed:
        return None
    listed = ", ".join(allowed)
    return f"provider type {seed.provider_type} not in the CloudProfile's seedSelector.providerTypes [{listed}]"


def why_zones(seed: SeedView, needs: Requirements) -> str | None:
    if not needs.zonal or seed.zones >= 3:
        return None
    return f"{seed.zones} zone{'s' if seed.zones != 1 else ''}, a control plane with failure tolerance zone needs 3"


def why_access_restrictions(seed: SeedView, needs: Requirements) -> str | None:
    missing = [name for name in needs.access_restrictions if name not in seed.access_restrictions]
    if not missing:
        return None
    return f"does not support access restriction{'s' if len(missing) > 1 else ''} {', '.join(missing)}"


def why_networks(seed: SeedView, needs: Requirements) -> str | None:
    """Gardener's networksAreDisjointed: each shoot network (the seed's shoot default where the shoot has none) must
    not overlap the seed's services, pods or nodes; a shoot without a service network (or, with workers, without a
    pod network) fits only seeds that default it."""
    if not needs.networking:
        return None
    return _network_problems(
        (seed.nodes, seed.pods, seed.services, seed.default_pods, seed.default_services),
        (needs.nodes, needs.pods, needs.services, needs.ip_families, needs.workerless),
    )


@functools.lru_cache(maxsize=16384)
def _network_problems(
    seed: tuple[str | None, str, str, str | None, str | None],
    shoot: tuple[str | None, str | None, str | None, tuple[str, ...], bool],
) -> str | None:
    """Cached: landscapes reuse a handful of network layouts, so the answer is nearly always known."""
    seed_nodes, seed_pods, seed_services, default_pods, default_services = seed
    nodes, pods, services, ip_families, workerless = shoot
    if pods is None and not workerless and _family_fits(default_pods, ip_families):
        pods = default_pods
    if services is None and _family_fits(default_services, ip_families):
        services = default_services
    seed_networks = (("service", seed_services), ("pod", seed_pods), ("node", seed_nodes))
    problems: list[str] = []
    for kind, cidr, required in (("node", nodes, False), ("service", services, True), ("pod", pods, not workerless)):
        if cidr is None:
            if required:
                problems.append(f"shoot {kind} network is required (the seed has no default)")
            continue
        own = network(cidr)
        if own is None:
            problems.append(f"shoot {kind} network {cidr} is not a CIDR")
            continue
        for seed_kind, seed_cidr in seed_networks:
            other = network(seed_cidr) if seed_cidr else None
            if other is not None and own.version == other.version and own.overlaps(other):
                problems.append(f"shoot {kind} network {cidr} overlaps seed {seed_kind} network {seed_cidr}")
    return "; ".join(problems) or None


def _family_fits(cidr: str | None, families: Sequence[str]) -> bool:
    net = network(cidr) if cidr else None
    return net is not None and f"IPv{net.version}" in families


def why_taints(seed: SeedView, needs: Requirements) -> str | None:
    """Gardener's TaintsAreTolerated: each taint needs a toleration of its key and, when the taint has a value, of
    that value."""
    if not seed.taints:
        return None
    tolerated: dict[str, str] = {key: value or "" for key, value in needs.tolerations}
    missing = [
        key if value is None else f"{key}={value}"
        for key, value in seed.taints
        if key not in tolerated or (value is not None and tolerated[key] != value)
    ]
    if not missing:
        return None
    return f"taint{'s' if len(missing) > 1 else ''} {', '.join(missing)} not tolerated"


def has_capacity(seed: SeedView, hosted: int) -> bool:
    return seed.allocatable is None or hosted < seed.allocatable


def why_capacity(seed: SeedView, hosted: int) -> str | None:
    if has_capacity(seed, hosted):
        return None
    return f"no capacity left ({hosted}/{seed.allocatable} shoots)"


def why_not_static(seed: SeedView, needs: Requirements, profile: Selector | None, profile_name: str = "") -> str | None:
    """The reason of the first static check the seed fails, or None when it passes them all."""
    return (
        why_unusable(seed)
        or why_profile_selector(seed, profile, profile_name)
        or why_shoot_selector(seed, needs)
        or why_provider(seed, needs, profile)
        or why_zones(seed, needs)
        or why_access_restrictions(seed, needs)
        or why_networks(seed, needs)
        or why_taints(seed, needs)
    )


# -- the filters, over many seeds -------------------------------------------------------------------------------------


def usable(seeds: Iterable[SeedView]) -> Filtered:
    return _apply(seeds, why_unusable)


def profile_selector(seeds: Iterable[SeedView], profile: Selector | None, profile_name: str = "") -> Filtered:
    return _apply(seeds, lambda seed: why_profile_selector(seed, profile, profile_name))


def shoot_selector(seeds: Iterable[SeedView], needs: Requirements) -> Filtered:
    return _apply(seeds, lambda seed: why_shoot_selector(seed, needs))


def provider(seeds: Iterable[SeedView], needs: Requirements, profile: Selector | None) -> Filtered:
    return _apply(seeds, lambda seed: why_provider(seed, needs, profile))


def zones(seeds: Iterable[SeedView], needs: Requirements) -> Filtered:
    return _apply(seeds, lambda seed: why_zones(seed, needs))


def access_restrictions(seeds: Iterable[SeedView], needs: Requirements) -> Filtered:
    return _apply(seeds, lambda seed: why_access_restrictions(seed, needs))


def networks(seeds: Iterable[SeedView], needs: Requirements) -> Filtered:
    return _apply(seeds, lambda seed: why_networks(seed, needs))


def taints(seeds: Iterable[SeedView], needs: Requirements) -> Filtered:
    return _apply(seeds, lambda seed: why_taints(seed, needs))


def capacity(seeds: Iterable[SeedView], hosted: Mapping[str, int]) -> Filtered:
    return _apply(seeds, lambda seed: why_capacity(seed, hosted.get(seed.name, 0)))


def static(
    seeds: Iterable[SeedView], needs: Requirements, profile: Selector | None, profile_name: str = ""
) -> Filtered:
    """All static filters in Gardener's order; each rejected seed with the reason of the first it failed."""
    return _apply(seeds, lambda seed: why_not_static(seed, needs, profile, profile_name))


def all_filters(
    seeds: Iterable[SeedView],
    needs: Requirements,
    profile: Selector | None,
    hosted: Mapping[str, int],
    profile_name: str = "",
) -> Filtered:
    """The static filters, then capacity."""
    first = static(seeds, needs, profile, profile_name)
    second = capacity(first.passed, hosted)
    return Filtered(second.passed, {**first.rejected, **second.rejected})


__all__ = [
    "Filtered",
    "access_restrictions",
    "all_filters",
    "capacity",
    "has_capacity",
    "networks",
    "profile_selector",
    "provider",
    "shoot_selector",
    "static",
    "taints",
    "usable",
    "why_access_restrictions",
    "why_capacity",
    "why_networks",
    "why_not_static",
    "why_profile_selector",
    "why_provider",
    "why_shoot_selector",
    "why_taints",
    "why_unusable",
    "why_zones",
]
