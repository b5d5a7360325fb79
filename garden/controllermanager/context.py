"""What every garden controller is given: the cluster, the clock, and how often periodic work runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from garden.clock import Clock, SystemClock
from garden.kube import Kube


@dataclass(frozen=True, slots=True)
class ControllerContext:
    kube: Kube
    clock: Clock = field(default_factory=SystemClock)
    #: How often periodic controllers (timers) look again, in seconds of real time. Tests make it short and move
    #: the (virtual) clock instead of waiting.
    resync_seconds: float = 30.0
    #: After how long without a renewed gardenlet Lease a seed's GardenletReady becomes Unknown.
    seed_grace_seconds: float = 40.0
    #: How long Events are kept before the event TTL controller deletes them.
    event_ttl_seconds: float = 3600.0


__all__ = ["ControllerContext"]
