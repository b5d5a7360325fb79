"""The local provider's typed configs (``spec.providerConfig`` of Infrastructure and worker pools)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from garden.api.base import Model

API_VERSION = "local.provider.extensions.gardener.cloud/v1alpha1"


class InfrastructureConfig(Model):
    """Infrastructure settings: the nodes CIDR when the shoot does not name one."""

    model_config = ConfigDict(extra="forbid")

    api_version: Literal["local.provider.extensions.gardener.cloud/v1alpha1"] | None = None
    kind: Literal["InfrastructureConfig"] | None = None
    nodes: str | None = None
    """The CIDR of the node network (default: the shoot's ``networking.nodes``, else ``10.250.0.0/16``)."""


class WorkerConfig(Model):
    """Worker pool settings."""

    model_config = ConfigDict(extra="forbid")

    api_version: Literal["local.provider.extensions.gardener.cloud/v1alpha1"] | None = None
    kind: Literal["WorkerConfig"] | None = None
    node_version: str | None = None
    """The tag of ``localhost/kubelite/node`` the machines run (default: this kubelite's version)."""


__all__ = ["API_VERSION", "InfrastructureConfig", "WorkerConfig"]
