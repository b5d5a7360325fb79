"""What one gardenctl invocation works with: the configuration, the session's target, and garden clients.

Built once per invocation by the root command (``--config``) and handed to every command as ``ctx.obj``; it loads
the configuration and target when first asked and connects to a garden only for commands that need one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer

from garden.cli.gardenctl.config import Config, load_config
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.kubeconfigs import connect, focus, read_kubeconfig
from garden.cli.gardenctl.landscape import Garden
from garden.cli.gardenctl.session import Session
from garden.cli.gardenctl.target import Target
from garden.kube import Object


@dataclass
class Runtime:
    config_path: Path
    session: Session
    _config: Config | None = None
    _gardens: dict[str, Garden] = field(default_factory=dict)

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def target(self) -> Target:
        """The session's target; with no garden targeted and exactly one configured, that one."""
        target = self.session.load_target()
        if not target.garden and len(self.config().gardens) == 1:
            return Target(garden=self.config().gardens[0].identity)
        return target

    def save_target(self, target: Target) -> None:
        self.session.save_target(target)

    def garden(self, identity: str = "") -> Garden:
        """A client for the garden ``identity``, or the targeted one."""
        identity = identity or self.target().garden
        if not identity:
            if not self.config().gardens:
                raise GardenctlError(
                    f"no garden is configured in {self.config_path}: add one with "
                    "`gardenctl config set-garden NAME --kubeconfig PATH`"
                )
            raise GardenctlError("no garden targeted: run `gardenctl target garden NAME` first")
        if identity not in self._gardens:
            entry = self.config().garden(identity)
            kubeconfig = focus(read_kubeconfig(entry.kubeconfig, f'garden "{identity}"'), entry.context)
            self._gardens[identity] = Garden(entry, connect(kubeconfig, f'garden "{identity}"'))
        return self._gardens[identity]

    def shoot(self, name: str = "", project: str = "") -> tuple[Garden, Object, str]:
        """The shoot ``name`` (in ``project``, the targeted project or seed, or anywhere), else the targeted shoot;
        with its garden and project."""
        target = self.target()
        garden = self.garden()
        if name:
            shoot, found_in = garden.find_shoot(name, project or target.project, "" if project else target.seed)
            return garden, shoot, found_in
        if project:
            raise GardenctlError("--project needs a shoot name")
        shoot_name = target.require_shoot()
        shoot, found_in = garden.find_shoot(shoot_name, target.project)
        return garden, shoot, found_in


def runtime(ctx: typer.Context) -> Runtime:
    """The invocation's :class:`Runtime` (the root command puts it on the context)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        raise GardenctlError("gardenctl was invoked without its root command")
    return root.obj


__all__ = ["Runtime", "runtime"]
