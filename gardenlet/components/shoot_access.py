"""Who may do what in the shoot besides its own controllers: the joining machines and the machine controller.

The shoot's kube-apiserver runs with ``--authorization-mode=Node,RBAC``. kube-controller-manager and kube-scheduler
are served by the API server's default roles (``system:kube-controller-manager``, ``system:kube-scheduler``);
what a gardenlet adds is:

* the machines' bootstrap-token group bound to ``system:node`` (simulated kubelets keep authenticating with the
  token, there is no certificate signing step);
* the machine controller's identity (``system:machine-controller-manager``, a client certificate without
  ``system:masters``) gets a ClusterRole to read, cordon, drain and delete nodes, and a Role in ``kube-system``
  for the bootstrap-token Secrets the OperatingSystemConfig actuator writes, as Gardener's target RBAC does.

Cluster-scoped and ``kube-system`` objects only, nothing to wait for: RBAC applies as soon as it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gardenlet.components.base import ChartComponent
from kubelite.client import Kube

#: The user name in the machine controller's client certificate (its common name).
MACHINE_CONTROLLER_USER = "system:machine-controller-manager"
MACHINE_CONTROLLER_ROLE = "gardener.cloud:target:machine-controller-manager"


@dataclass(frozen=True, slots=True)
class ShootAccessValues:
    #: The group the machines' bootstrap tokens put their users in.
    bootstrap_group: str
    machine_controller_user: str = MACHINE_CONTROLLER_USER

    def __post_init__(self) -> None:
        for field in ("bootstrap_group", "machine_controller_user"):
            value = getattr(self, field)
            if not value or not value.startswith("system:"):
                raise ValueError(f"{field}: {value!r} is not a system: identity")


class ShootAccess(ChartComponent):
    chart = "shoot-system/shoot-access"

    def __init__(self, kube: Kube, values: ShootAccessValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return "shoot-access"

    def context(self) -> dict[str, Any]:
        return {
            "labels": {"gardener.cloud/role": "system-component"},
            "bootstrap_group": self.values.bootstrap_group,
            "mcm_role": MACHINE_CONTROLLER_ROLE,
            "mcm_user": self.values.machine_controller_user,
        }


__all__ = ["MACHINE_CONTROLLER_ROLE", "MACHINE_CONTROLLER_USER", "ShootAccess", "ShootAccessValues"]
