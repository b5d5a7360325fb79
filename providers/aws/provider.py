"""The AWS provider (extension type ``aws``), registered in the ``garden.providers`` entry-point group.

Actuators are cheap and built per call from the shoot's credentials and region. What lives as long as the provider
object is the client-side request limiter per account and region: EC2 meters requests per account and region, so all
of one account's shoots in this process draw from the same buckets.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel

from kubelite.apiserver.errors import FieldError
from providers.aws.backup import S3Backup
from providers.aws.calls import Calls, RetryPolicy
from providers.aws.clients import ACCESS_KEY_ID, ENDPOINT_URL, AWSClients, SessionFactory, default_session
from providers.aws.config import ControlPlaneConfig, InfrastructureConfig, WorkerConfig
from providers.aws.controlplane import AWSControlPlane
from providers.aws.dns import Route53DNS
from providers.aws.infrastructure import AWSInfrastructure
from providers.aws.machineclass import machine_class
from providers.aws.machines import AWSMachines
from providers.aws.ratelimit import EC2_LIMITS, BucketSize, RequestLimiter
from providers.aws.validation import validate_shoot
from providers.interface import ClusterInfo, MachineClassRequest, MachineClassResult


class AWSProvider:
    name: ClassVar[str] = "aws"
    infrastructure_config: ClassVar[type[BaseModel] | None] = InfrastructureConfig
    control_plane_config: ClassVar[type[BaseModel] | None] = ControlPlaneConfig
    worker_config: ClassVar[type[BaseModel] | None] = WorkerConfig

    def __init__(
        self,
        *,
        session_factory: SessionFactory = default_session,
        retry: RetryPolicy | None = None,
        limits: Mapping[str, BucketSize] | None = EC2_LIMITS,
    ) -> None:
        """``limits=None`` turns the client-side EC2 limiter off (the benchmark compares both)."""
        self.session_factory = session_factory
        self.calls = Calls(retry)
        self.limits = limits
        self._limiters: dict[tuple[str, str, str], RequestLimiter] = {}
        self._lock = threading.Lock()

    def _limiter(self, credentials: Mapping[str, str], region: str) -> RequestLimiter | None:
        if self.limits is None:
            return None
        key = (credentials.get(ACCESS_KEY_ID, ""), region, credentials.get(ENDPOINT_URL, ""))
        with self._lock:
            if key not in self._limiters:
                self._limiters[key] = RequestLimiter(self.limits)
            return self._limiters[key]

    def clients(self, credentials: Mapping[str, str], region: str) -> AWSClients:
        return AWSClients(
            credentials,
            region,
            session_factory=self.session_factory,
            limiter=self._limiter(credentials, region),
        )

    def infrastructure(self, cluster: ClusterInfo) -> AWSInfrastructure:
        return AWSInfrastructure(cluster, self.clients(cluster.credentials, cluster.region), self.calls)

    def machines(self, cluster: ClusterInfo) -> AWSMachines:
        return AWSMachines(cluster, self.clients(cluster.credentials, cluster.region), self.calls)

    def control_plane(self, cluster: ClusterInfo) -> AWSControlPlane:
        return AWSControlPlane()

    def dns(self, cluster: ClusterInfo) -> Route53DNS:
        return Route53DNS(self.clients(cluster.credentials, cluster.region), self.calls)

    def machine_class(self, request: MachineClassRequest) -> MachineClassResult:
        return machine_class(request)

    def backup(self, credentials: Mapping[str, str], region: str) -> S3Backup:
        return S3Backup(self.clients(credentials, region), self.calls)

    def validate_shoot(self, spec: Mapping[str, Any]) -> list[FieldError]:
        return validate_shoot(spec)


__all__ = ["AWSProvider"]
