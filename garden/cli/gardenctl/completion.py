"""Shell completion of names (gardens, projects, seeds, shoots), on top of typer's completion of commands.

Completion runs without the root command's set-up, on the default configuration and the session's target, and
must never fail loudly: a garden that cannot be reached completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from garden.cli.gardenctl.config import default_config_path
from garden.cli.gardenctl.landscape import name_of
from garden.cli.gardenctl.session import Session
from garden.cli.gardenctl.state import Runtime
from garden.kube import SEEDS


def _names(list_names: Callable[[Runtime], list[str]]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        try:
            names = list_names(Runtime(default_config_path(), Session.current()))
        except Exception:  # completion must not print errors into the user's prompt
            return []
        return sorted(n for n in names if n.startswith(incomplete))

    return complete


complete_garden = _names(lambda rt: [g.identity for g in rt.config().gardens])
complete_project = _names(lambda rt: [name_of(p) for p in rt.garden().projects()])
complete_seed = _names(lambda rt: [name_of(s) for s in rt.garden().kube.list(SEEDS)])
complete_shoot = _names(lambda rt: [name_of(s) for s in rt.garden().shoots(rt.target().project, rt.target().seed)])


__all__ = ["complete_garden", "complete_project", "complete_seed", "complete_shoot"]
