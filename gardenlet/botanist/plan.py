"""The decisions that change the shape of a shoot's flow, made once per run.

A flow's tasks are fixed; a :class:`Plan` says which of them are skipped (Gardener's ``SkipIf``). Keeping the
decisions in one small value means a skip condition is written once, the graphs can be unit-tested for every
combination, and the flow's description shows exactly what a run will do.
"""

from __future__ import annotations

from dataclasses import dataclass

from gardenlet.botanist.shoot import ShootObjects
from gardenlet.config import ControlPlaneSettings


@dataclass(frozen=True, slots=True)
class Plan:
    #: The shoot should be hibernated at the end of this run (spec.hibernation.enabled).
    hibernated: bool = False
    #: The kube-apiserver keeps its data in SQLite (``kubelite apiserver``), so there is no etcd; the embedded
    #: landscape's process kubelet has no kube-controller-manager, kube-scheduler or shoot system components to
    #: run (kubelite's API server garbage-collects and finalizes namespaces itself, and simulated nodes run no pods).
    embedded_control_plane: bool = False
    #: One machine controller serves the whole seed (``gardenlet extensions``): no per-shoot Deployment.
    seed_wide_machine_controller: bool = True
    #: The shoot has a domain: a DNSRecord for ``api.<domain>`` is written.
    dns: bool = False
    #: The shoot has worker pools.
    workers: bool = True

    @property
    def etcd(self) -> bool:
        return not self.embedded_control_plane

    @property
    def kube_controllers(self) -> bool:
        """kube-controller-manager and kube-scheduler run in the seed."""
        return not self.embedded_control_plane

    @property
    def machine_controller(self) -> bool:
        return not self.seed_wide_machine_controller

    @property
    def system_components(self) -> bool:
        return not self.embedded_control_plane


def plan_for(objects: ShootObjects, settings: ControlPlaneSettings) -> Plan:
    return Plan(
        hibernated=objects.wants_hibernation,
        embedded_control_plane=settings.storage == "sqlite",
        seed_wide_machine_controller=settings.seed_wide_machine_controller,
        dns=objects.domain is not None,
        workers=bool(objects.workers),
    )


__all__ = ["Plan", "plan_for"]
