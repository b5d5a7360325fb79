"""How a worker pool is spread over its zones, as Gardener's worker actuators do it. Pure.

A pool with zones ``[a, b, c]`` becomes one MachineDeployment per zone, ``<technicalID>-<pool>-z<i>`` with ``i``
counting from 1. Its minimum and maximum are divided evenly, the first ``size % zones`` zones taking one more
(minimum 4 over 3 zones: 2, 1, 1). ``maxSurge`` and ``maxUnavailable`` are divided the same way when they are
numbers; percentages apply per zone as they are.
"""

from __future__ import annotations


def deployment_name(technical_id: str, pool: str, zone_index: int) -> str:
    """The MachineDeployment of ``pool`` in its ``zone_index``-th zone (0-based here, 1-based in the name)."""
    return f"{technical_id}-{pool}-z{zone_index + 1}"


def distribute(size: int, zones: int, zone_index: int) -> int:
    """The share of ``size`` for the ``zone_index``-th of ``zones`` zones."""
    if zones <= 0:
        raise ValueError(f"a pool needs at least one zone, got {zones}")
    if not 0 <= zone_index < zones:
        raise ValueError(f"zone index {zone_index} is not within 0..{zones - 1}")
    if size < 0:
        raise ValueError(f"a size cannot be negative, got {size}")
    share, rest = divmod(size, zones)
    return share + (1 if zone_index < rest else 0)


def distribute_int_or_percent(value: int | str, zones: int, zone_index: int) -> int | str:
    """``maxSurge``/``maxUnavailable`` for one zone: numbers are divided, percentages kept."""
    if isinstance(value, str):
        if value.endswith("%"):
            return value
        value = int(value)
    return distribute(value, zones, zone_index)


__all__ = ["deployment_name", "distribute", "distribute_int_or_percent"]
