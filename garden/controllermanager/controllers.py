"""The controllers ``garden controller-manager`` can run, by name.

Each entry names a module with ``registry(ctx: ControllerContext) -> kopf.OperatorRegistry``; modules are imported
only when their controller is started, so a process pays only for what it runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import kopf

    from garden.controllermanager.context import ControllerContext

#: name -> module, in the order they start.
CONTROLLERS: dict[str, str] = {
    "project": "garden.controllermanager.project",
    "seed-lifecycle": "garden.controllermanager.seedlifecycle",
    "quota": "garden.controllermanager.quota",
    "maintenance": "garden.controllermanager.maintenance",
    "hibernation": "garden.controllermanager.hibernation",
    "status-label": "garden.controllermanager.statuslabel",
    "event-ttl": "garden.controllermanager.eventttl",
}


class RegistryFactory(Protocol):
    def __call__(self, ctx: ControllerContext) -> kopf.OperatorRegistry: ...


def factory(name: str) -> RegistryFactory:
    """The registry factory of a controller; KeyError for an unknown name."""
    module = importlib.import_module(CONTROLLERS[name])
    made: RegistryFactory = module.registry
    return made


__all__ = ["CONTROLLERS", "RegistryFactory", "factory"]
