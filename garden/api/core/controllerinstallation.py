"""ControllerInstallation: one extension controller to be installed on one seed (or self-hosted shoot)."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import CoreObjectReference, Model, RawExtension, Resource
from garden.api.common import Condition
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn

# The condition types of a ControllerInstallation.
CONDITION_VALID = "Valid"
CONDITION_INSTALLED = "Installed"
CONDITION_HEALTHY = "Healthy"
CONDITION_PROGRESSING = "Progressing"
CONDITION_REQUIRED = "Required"


def _condition_column(name: str) -> PrinterColumn:
    return PrinterColumn(
        name, f'.status.conditions[?(@.type=="{name}")].status', description=f"Status of the {name} condition."
    )


class ControllerInstallationSpec(Model):
    """Which controller goes where, deployed how."""

    registration_ref: CoreObjectReference
    """The ControllerRegistration to install; its name is immutable."""
    seed_ref: CoreObjectReference | None = None
    """The Seed to install it on; its name is immutable."""
    shoot_ref: CoreObjectReference | None = None
    """The self-hosted Shoot to install it on; its name and namespace are immutable."""
    deployment_ref: CoreObjectReference | None = None
    """The ControllerDeployment saying how to deploy the controller."""
    resource_refs: list[CoreObjectReference] | None = None
    """Further resources the installation refers to."""


class ControllerInstallationStatus(Model):
    """Whether the controller is installed and healthy."""

    conditions: list[Condition] | None = None
    """``Valid``, ``Installed``, ``Healthy``, ``Progressing`` and ``Required``."""
    provider_status: RawExtension | None = None
    """Deployment-specific status."""


class ControllerInstallation(Resource):
    """A request to install an extension controller on a seed."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "ControllerInstallation"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "ControllerInstallation",
        "controllerinstallations",
        namespaced=False,
        short_names=("ctrlinst",),
        categories=("all",),
        status=True,
        printer_columns=(
            PrinterColumn("Registration", ".spec.registrationRef.name", description="The installed registration."),
            PrinterColumn("Seed", ".spec.seedRef.name", description="The seed the controller is installed on."),
            _condition_column(CONDITION_VALID),
            _condition_column(CONDITION_INSTALLED),
            _condition_column(CONDITION_HEALTHY),
            _condition_column(CONDITION_PROGRESSING),
            AGE,
        ),
        description="Installs one registered extension controller on one seed.",
    )

    spec: ControllerInstallationSpec
    """Which controller goes where."""
    status: ControllerInstallationStatus | None = None
    """Whether the controller is installed and healthy."""


__all__ = [
    "CONDITION_HEALTHY",
    "CONDITION_INSTALLED",
    "CONDITION_PROGRESSING",
    "CONDITION_REQUIRED",
    "CONDITION_VALID",
    "ControllerInstallation",
    "ControllerInstallationSpec",
    "ControllerInstallationStatus",
]
