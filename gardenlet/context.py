"""What every gardenlet controller is given: clients for the garden and the seed, the configuration, a clock."""

from __future__ import annotations

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

    @property
    def seed_name(self) -> str:
        return self.config.seed_config.name
