"""The gardenlet's configuration file (``--config``): which seed it runs and how its controllers behave.

Shaped after Gardener's ``GardenletConfiguration`` (``gardenlet.config.gardener.cloud/v1alpha1``), keeping the
parts this gardenlet acts on. ``seedConfig`` is the Seed the gardenlet registers (metadata and spec, exactly as a
Seed manifest has them); the rest tunes the controllers. Unknown fields are errors, so a typo is not ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

API_VERSION: Final = "gardenlet.config.gardener.cloud/v1alpha1"
KIND: Final = "GardenletConfiguration"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SeedConfig(_Strict):
    """The Seed to register: ``metadata`` (name, labels) and ``spec`` as in a Seed manifest."""

    metadata: dict[str, Any]
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.metadata["name"])


class ShootControllerConfig(_Strict):
    concurrent_syncs: int = Field(default=20, alias="concurrentSyncs", ge=1)
    #: How often a Succeeded shoot is reconciled again even without a change.
    sync_period_seconds: float = Field(default=3600.0, alias="syncPeriodSeconds", gt=0)
    #: Back-off after a failed flow: doubles from ``retry_min`` up to ``retry_max``.
    retry_min_seconds: float = Field(default=5.0, alias="retryMinSeconds", gt=0)
    retry_max_seconds: float = Field(default=300.0, alias="retryMaxSeconds", gt=0)
    #: How long one reconcile flow may run before it is aborted and retried.
    flow_timeout_seconds: float = Field(default=900.0, alias="flowTimeoutSeconds", gt=0)


class CareControllerConfig(_Strict):
    sync_period_seconds: float = Field(default=30.0, alias="syncPeriodSeconds", gt=0)
    #: How long a condition may be Progressing before it turns False (Gardener's conditionThresholds).
    condition_thresholds_seconds: dict[str, float] = Field(default_factory=dict, alias="conditionThresholdsSeconds")


class SeedControllerConfig(_Strict):
    #: How often the Lease in the garden is renewed and the Seed's GardenletReady condition refreshed.
    heartbeat_seconds: float = Field(default=10.0, alias="heartbeatSeconds", gt=0)
    #: How often the Seed's spec and what the gardenlet deploys into the seed are reconciled again.
    sync_period_seconds: float = Field(default=60.0, alias="syncPeriodSeconds", gt=0)


class Controllers(_Strict):
    shoot: ShootControllerConfig = Field(default_factory=ShootControllerConfig)
    shoot_care: CareControllerConfig = Field(default_factory=CareControllerConfig, alias="shootCare")
    seed: SeedControllerConfig = Field(default_factory=SeedControllerConfig)


class ControlPlaneSettings(_Strict):
    """How this seed runs shoot control planes."""

    #: ``etcd``: an etcd StatefulSet per shoot, as a real seed; ``sqlite``: the shoot's API server keeps its data in
    #: SQLite on a volume (one process per control plane, for dense local landscapes).
    storage: Literal["etcd", "sqlite"] = "etcd"
    #: Service type of each shoot's kube-apiserver; LoadBalancer gives it an address the host can reach.
    api_server_service_type: Literal["LoadBalancer", "ClusterIP"] = Field(
        default="LoadBalancer", alias="apiServerServiceType"
    )
    #: True when one seed-wide machine controller (``gardenlet extensions``) serves every shoot, so no per-shoot
    #: machine-controller-manager Deployment is deployed.
    seed_wide_machine_controller: bool = Field(default=True, alias="seedWideMachineController")


class SeedResources(_Strict):
    """How many shoots the seed can host (Gardener's ``resources``): ``status.capacity`` and, after ``reserved``,
    ``status.allocatable``, which the scheduler's capacity filter reads."""

    capacity: dict[str, int] = Field(default_factory=dict)
    reserved: dict[str, int] = Field(default_factory=dict)


class GardenletConfiguration(_Strict):
    api_version: Literal["gardenlet.config.gardener.cloud/v1alpha1"] = Field(default=API_VERSION, alias="apiVersion")
    kind: Literal["GardenletConfiguration"] = KIND
    seed_config: SeedConfig = Field(alias="seedConfig")
    controllers: Controllers = Field(default_factory=Controllers)
    control_plane: ControlPlaneSettings = Field(default_factory=ControlPlaneSettings, alias="controlPlane")
    resources: SeedResources = Field(default_factory=SeedResources)


class ConfigError(ValueError):
    """The configuration file is missing or invalid; the message names the file and each bad field."""


def load(path: Path) -> GardenletConfiguration:
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: want a {KIND} object")
    try:
        return GardenletConfiguration.model_validate(raw)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {fields}") from None
