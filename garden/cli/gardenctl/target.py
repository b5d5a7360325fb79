"""The target: which garden, project, seed, shoot (and whether its control plane) commands act on.

An immutable value with gardenctl-v2's rules for moving it. Targeting a level keeps the levels above it and drops
the ones below (a new project forgets the shoot); a project and a seed are alternative paths to a shoot, so
targeting one drops the other; ``control-plane`` is a flag on a targeted shoot (its control plane in the seed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from garden.cli.gardenctl.errors import GardenctlError

#: The kinds of target, in gardenctl's words.
Kind = Literal["garden", "project", "seed", "shoot", "control-plane"]
KINDS: tuple[Kind, ...] = ("garden", "project", "seed", "shoot", "control-plane")


@dataclass(frozen=True, slots=True)
class Target:
    garden: str = ""
    project: str = ""
    seed: str = ""
    shoot: str = ""
    control_plane: bool = False

    @property
    def kind(self) -> Kind | None:
        """The most specific thing targeted, or None when nothing is."""
        if self.control_plane:
            return "control-plane"
        if self.shoot:
            return "shoot"
        if self.project:
            return "project"
        if self.seed:
            return "seed"
        return "garden" if self.garden else None

    def with_garden(self, garden: str) -> Target:
        return Target(garden=garden)

    def with_project(self, project: str) -> Target:
        return Target(garden=self.require_garden(), project=project)

    def with_seed(self, seed: str) -> Target:
        return Target(garden=self.require_garden(), seed=seed)

    def with_shoot(self, shoot: str, project: str, seed: str = "") -> Target:
        """The shoot found in ``project``; a targeted seed stays when the shoot was found through it."""
        return Target(garden=self.require_garden(), project=project, seed=seed, shoot=shoot)

    def with_control_plane(self) -> Target:
        self.require_shoot()
        return replace(self, control_plane=True)

    def unset(self, kind: Kind) -> Target:
        """Forget ``kind`` and what lies below it (a shoot, its control plane); project and seed are siblings."""
        if kind == "garden":
            return Target()
        if kind == "project":
            return replace(self, project="", shoot="", control_plane=False)
        if kind == "seed":
            return replace(self, seed="", shoot="", control_plane=False)
        if kind == "shoot":
            return replace(self, shoot="", control_plane=False)
        return replace(self, control_plane=False)

    def require_garden(self) -> str:
        if not self.garden:
            raise GardenctlError("no garden targeted: run `gardenctl target garden NAME` first")
        return self.garden

    def require_shoot(self) -> str:
        if not self.shoot:
            raise GardenctlError("no shoot targeted: run `gardenctl target shoot NAME` first")
        return self.shoot

    def to_dict(self) -> dict[str, Any]:
        """gardenctl-v2's target file: only what is set."""
        out: dict[str, Any] = {}
        for key, value in (("garden", self.garden), ("project", self.project), ("seed", self.seed)):
            if value:
                out[key] = value
        if self.shoot:
            out["shoot"] = self.shoot
        if self.control_plane:
            out["controlPlane"] = True
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Target:
        if not isinstance(data, dict):
            return cls()
        strings = {k: str(data.get(k) or "") for k in ("garden", "project", "seed", "shoot")}
        return cls(**strings, control_plane=bool(data.get("controlPlane")) and bool(strings["shoot"]))

    def describe(self) -> str:
        """``garden local, project dev, shoot local`` for messages."""
        parts = [f"{k} {v}" for k, v in self.to_dict().items() if k != "controlPlane"]
        if self.control_plane:
            parts.append("control plane")
        return ", ".join(parts) or "nothing"


__all__ = ["KINDS", "Kind", "Target"]
