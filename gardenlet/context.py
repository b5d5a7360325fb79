"""What every gardenlet controller is given: clients for the garden and the seed, the configuration, a clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from garden.clock import Clock, SystemClock
from gardenlet.config import GardenletConfiguration
from kubelite.client import Kube


@dataclass
class GardenletContext:
    garden: Kube
    seed: Kube
    config: GardenletConfiguration
    clock: Clock = field(default_factory=SystemClock)
    #: Set by the shoot controller when a flow succeeded: the care controller runs a round now instead of at its
    #: next period, so a new or woken shoot gets its conditions at once (what ``gardenctl wait`` waits for).
    care_due: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def seed_name(self) -> str:
        return self.config.seed_config.name
