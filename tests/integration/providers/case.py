"""What the provider contract suite needs to know about one provider (see conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROFILES = Path(__file__).resolve().parents[3] / "cloudprofiles"


def cloud_profile(name: str) -> dict[str, Any]:
    """The spec of ``cloudprofiles/<name>.yaml``: what the Cluster carries, so images resolve as in a landscape."""
    spec: dict[str, Any] = yaml.safe_load((PROFILES / f"{name}.yaml").read_text())["spec"]
    return spec


@dataclass
class ProviderCase:
    name: str
    credentials: dict[str, str]
    inventory: Callable[[str], list[str]]
    invalid_infrastructure_config: dict[str, Any]
    cloud_profile: dict[str, Any]
    region: str = "local"
    zones: tuple[str, ...] = ("z1", "z2")
    machine_types: tuple[str, str] = ("small", "large")
    image: dict[str, str] = field(default_factory=lambda: {"name": "ubuntu", "version": "24.4.0"})
    volume_type: str = "default"
