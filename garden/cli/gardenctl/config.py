"""The gardenctl configuration file: which gardens there are and how to reach them (gardenctl-v2's format).

``$GCTL_HOME/gardenctl-v2.yaml`` (``GCTL_HOME`` defaults to ``~/.garden``), or the file given with ``--config``::

    gardens:
    - identity: local                          # the name used in `gardenctl target garden local`
      kubeconfig: ~/.garden/local/garden.kubeconfig
      context: garden-admin                    # optional: a context of that kubeconfig
      seeds:                                   # optional (ours): kubeconfigs of seeds that are not ManagedSeeds
      - name: local
        kubeconfig: ~/.garden/local/seed.kubeconfig

``identity`` and ``kubeconfig`` and ``context`` mean what they mean in gardenctl-v2. ``seeds`` is our addition: a
garden API does not hand out the kubeconfig of a seed that is not itself a shoot (a ManagedSeed), so whoever runs
such a seed (``garden up`` for its local seed) names its kubeconfig here. Paths may start with ``~``; relative
paths are relative to the configuration file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from garden.cli.gardenctl.errors import GardenctlError

CONFIG_NAME = "gardenctl-v2.yaml"


def gardenctl_home() -> Path:
    """``$GCTL_HOME``, else ``~/.garden``: where the configuration file lives."""
    home = os.environ.get("GCTL_HOME")
    return Path(home).expanduser() if home else Path.home() / ".garden"


def default_config_path() -> Path:
    return gardenctl_home() / CONFIG_NAME


@dataclass(frozen=True, slots=True)
class SeedAccess:
    """How to reach one seed cluster directly: its kubeconfig (and optionally a context in it)."""

    name: str
    kubeconfig: Path
    context: str = ""


@dataclass(frozen=True, slots=True)
class GardenConfig:
    """One garden: its identity, the kubeconfig of its API server, and seeds reachable by kubeconfig."""

    identity: str
    kubeconfig: Path
    context: str = ""
    seeds: tuple[SeedAccess, ...] = ()

    def seed(self, name: str) -> SeedAccess | None:
        return next((s for s in self.seeds if s.name == name), None)


@dataclass(frozen=True, slots=True)
class Config:
    """The whole file; ``path`` is where it was read from (and is written back to)."""

    path: Path
    gardens: tuple[GardenConfig, ...] = field(default=())

    def garden(self, identity: str) -> GardenConfig:
        for garden in self.gardens:
            if garden.identity == identity:
                return garden
        known = ", ".join(g.identity for g in self.gardens) or "none"
        raise GardenctlError(f'garden "{identity}" is not configured in {self.path} (configured: {known})')

    def with_garden(self, garden: GardenConfig) -> Config:
        """This configuration with ``garden`` added, or replacing the one of the same identity."""
        if any(g.identity == garden.identity for g in self.gardens):
            return replace(self, gardens=tuple(garden if g.identity == garden.identity else g for g in self.gardens))
        return replace(self, gardens=(*self.gardens, garden))

    def without_garden(self, identity: str) -> Config:
        self.garden(identity)
        return replace(self, gardens=tuple(g for g in self.gardens if g.identity != identity))


def _path(value: Any, base: Path, where: str) -> Path:
    if not isinstance(value, str) or not value:
        raise GardenctlError(f"{where}: a kubeconfig path is required")
    path = Path(os.path.expandvars(value)).expanduser()
    return path if path.is_absolute() else base / path


def _string(entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = entry.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value):
        raise GardenctlError(f"{where}: {key} must be a{' non-empty' if required else ''} string")
    return value


def parse_config(text: str, path: Path) -> Config:
    """Read the file's text; every problem is a :class:`GardenctlError` naming the file and the entry."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise GardenctlError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise GardenctlError(f"{path}: expected a mapping with a gardens list")
    entries = data.get("gardens")
    entries = [] if entries is None else entries
    if not isinstance(entries, list):
        raise GardenctlError(f"{path}: gardens must be a list")
    gardens: list[GardenConfig] = []
    base = path.parent
    for index, entry in enumerate(entries):
        where = f"{path}: gardens[{index}]"
        if not isinstance(entry, dict):
            raise GardenctlError(f"{where} must be a mapping")
        identity = _string(entry, "identity", where, required=True)
        if any(g.identity == identity for g in gardens):
            raise GardenctlError(f'{where}: identity "{identity}" is configured twice')
        seeds: list[SeedAccess] = []
        for seed_index, seed in enumerate(entry.get("seeds") or []):
            seed_where = f"{where}.seeds[{seed_index}]"
            if not isinstance(seed, dict):
                raise GardenctlError(f"{seed_where} must be a mapping")
            seeds.append(
                SeedAccess(
                    _string(seed, "name", seed_where, required=True),
                    _path(seed.get("kubeconfig"), base, seed_where),
                    _string(seed, "context", seed_where),
                )
            )
        gardens.append(
            GardenConfig(
                identity,
                _path(entry.get("kubeconfig"), base, where),
                _string(entry, "context", where),
                tuple(seeds),
            )
        )
    return Config(path, tuple(gardens))


def load_config(path: Path) -> Config:
    """The configuration at ``path``; a missing file is an empty configuration (no gardens yet)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return Config(path)
    except OSError as exc:
        raise GardenctlError(f"cannot read {path}: {exc.strerror}") from None
    return parse_config(text, path)


def render_config(config: Config) -> str:
    def seed(s: SeedAccess) -> dict[str, Any]:
        return {"name": s.name, "kubeconfig": str(s.kubeconfig), **({"context": s.context} if s.context else {})}

    gardens = []
    for g in config.gardens:
        entry: dict[str, Any] = {"identity": g.identity, "kubeconfig": str(g.kubeconfig)}
        if g.context:
            entry["context"] = g.context
        if g.seeds:
            entry["seeds"] = [seed(s) for s in g.seeds]
        gardens.append(entry)
    return yaml.safe_dump({"gardens": gardens}, sort_keys=False)


def save_config(config: Config) -> None:
    config.path.parent.mkdir(parents=True, exist_ok=True)
    config.path.write_text(render_config(config))


__all__ = [
    "CONFIG_NAME",
    "Config",
    "GardenConfig",
    "SeedAccess",
    "default_config_path",
    "gardenctl_home",
    "load_config",
    "parse_config",
    "render_config",
    "save_config",
]
