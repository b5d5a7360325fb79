"""A machine's phase from what is observed, and which machines go first when a set shrinks. Pure.

* ``Pending``: created at the provider, its node not Ready yet; ``Failed`` after the creation timeout, or at once
  when the provider reports the VM terminated;
* ``Running``: a Node with the machine's provider ID is Ready in the shoot;
* ``Unknown``: it was Running and its node is not Ready (or gone); ``Failed`` after the health timeout;
* ``Failed`` machines are replaced by their set (deleted, a new one created).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from garden.api.duration import parse_duration

DEFAULT_CREATION_TIMEOUT = 20 * 60.0
DEFAULT_HEALTH_TIMEOUT = 10 * 60.0
DEFAULT_DRAIN_TIMEOUT = 2 * 60 * 60.0


@dataclass(frozen=True, slots=True)
class Observation:
    phase: str | None  # status.currentStatus.phase
    since: float  # when the phase was entered (the machine's creation for a new one)
    node_ready: bool | None  # None: no Node with the provider ID
    driver_state: str = "Unknown"  # the provider's view: Pending, Running, Terminated...


def next_phase(observed: Observation, now: float, creation_timeout: float, health_timeout: float) -> str:
    if observed.phase == "Failed":
        return "Failed"
    if observed.node_ready:
        return "Running"
    if observed.phase in (None, "Pending"):
        if observed.driver_state == "Terminated" or now - observed.since > creation_timeout:
            return "Failed"
        return "Pending"
    if observed.phase == "Running":
        return "Unknown"
    if now - observed.since > health_timeout:
        return "Failed"
    return "Unknown"


#: Lower goes first when a set has too many machines.
_DELETE_ORDER = {"Failed": 0, "Unknown": 1, "Pending": 2, None: 2, "Running": 3}


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    phase: str | None
    created: float


def to_delete(machines: Sequence[Candidate], count: int) -> list[str]:
    """The ``count`` machines to remove: broken before starting before healthy, newest first within each."""
    ranked = sorted(machines, key=lambda m: (_DELETE_ORDER.get(m.phase, 2), -m.created, m.name))
    return [m.name for m in ranked[: max(0, count)]]


__all__ = [
    "DEFAULT_CREATION_TIMEOUT",
    "DEFAULT_DRAIN_TIMEOUT",
    "DEFAULT_HEALTH_TIMEOUT",
    "Candidate",
    "Observation",
    "next_phase",
    "parse_duration",
    "to_delete",
]
