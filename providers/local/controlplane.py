"""The local ControlPlane: nothing to make (no cloud controller manager, no load balancers), a status to report.

The provider status names the local cloud's cluster as the place the shoot's machines run, so a reader of the
ControlPlane sees where its workers are without knowing the credentials.
"""

from __future__ import annotations

from providers.interface import JSON, ControlPlaneRequest
from providers.local.config import API_VERSION


class LocalControlPlane:
    def reconcile(self, request: ControlPlaneRequest) -> JSON:
        return {
            "apiVersion": API_VERSION,
            "kind": "ControlPlaneStatus",
            "machinesNamespace": request.cluster.technical_id,
        }

    def delete(self, request: ControlPlaneRequest) -> None:
        """Nothing was made."""


__all__ = ["LocalControlPlane"]
