"""Compute Engine clients for one project, built from a Gardener cloud provider secret.

The secret is Gardener's: the key ``serviceaccount.json`` holds a service account's JSON key, and the project is the
key's ``project_id``. One more, optional key, ``endpointURL``, sends every call to another endpoint (the loopback
Compute fake in the tests, a private-service-connect address); it is not part of Gardener's secret and real landscapes
leave it out.

Every client uses the REST transport and the *same* client options, operations clients included: the generated
clients' convenience poller (``ExtendedOperation``) builds its own operations client and ignores a custom endpoint, so
this provider calls the ``*_unary`` methods and waits on the returned operation itself
(:mod:`providers.gcp.operations`).
The generated clients' own retries are switched off per call (``retry=None``): retrying is done around whole
find-then-create steps (:mod:`providers.gcp.calls`), because retrying a bare insert whose answer was lost would only
meet ``alreadyExists``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from google.api_core.client_options import ClientOptions
from google.cloud import compute_v1
from google.oauth2 import service_account

from garden.api.common import ErrorCode
from providers.interface import ProviderError

C = TypeVar("C")

SERVICE_ACCOUNT_JSON = "serviceaccount.json"
#: Optional, not Gardener's: an endpoint every Compute call is sent to instead of compute.googleapis.com.
ENDPOINT_URL = "endpointURL"
SCOPES = ("https://www.googleapis.com/auth/compute", "https://www.googleapis.com/auth/cloud-platform")
#: Per-request timeout (seconds); an operation's wait call is answered within two minutes by the API.
REQUEST_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class ServiceAccountKey:
    """The parts of a service account key the provider uses."""

    project_id: str
    client_email: str
    info: Mapping[str, Any]


def parse_key(credentials: Mapping[str, str]) -> ServiceAccountKey:
    """The service account key in a cloud provider secret; a missing or malformed one is a configuration problem."""
    raw = credentials.get(SERVICE_ACCOUNT_JSON)
    if not raw:
        raise ProviderError(f"the cloud provider secret lacks {SERVICE_ACCOUNT_JSON}", ErrorCode.CONFIGURATION_PROBLEM)
    try:
        info = json.loads(raw)
    except ValueError as exc:
        raise ProviderError(
            f"{SERVICE_ACCOUNT_JSON} in the cloud provider secret is not JSON: {exc}", ErrorCode.CONFIGURATION_PROBLEM
        ) from exc
    if not isinstance(info, dict):
        raise ProviderError(f"{SERVICE_ACCOUNT_JSON} must be a JSON object", ErrorCode.CONFIGURATION_PROBLEM)
    missing = [key for key in ("type", "project_id", "client_email", "private_key") if not info.get(key)]
    if missing:
        raise ProviderError(f"{SERVICE_ACCOUNT_JSON} lacks {', '.join(missing)}", ErrorCode.CONFIGURATION_PROBLEM)
    if info["type"] != "service_account":
        raise ProviderError(
            f"{SERVICE_ACCOUNT_JSON} is a {info['type']!r} key, want 'service_account'", ErrorCode.CONFIGURATION_PROBLEM
        )
    return ServiceAccountKey(project_id=str(info["project_id"]), client_email=str(info["client_email"]), info=info)


class ComputeClients:
    """The Compute clients of one project (each made on first use), sharing credentials and client options."""

    def __init__(self, credentials: Mapping[str, str]) -> None:
        self.key = parse_key(credentials)
        self.project = self.key.project_id
        self.endpoint = credentials.get(ENDPOINT_URL) or None
        try:
            self._credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                dict(self.key.info), scopes=list(SCOPES)
            )
        except (ValueError, KeyError) as exc:
            raise ProviderError(
                f"{SERVICE_ACCOUNT_JSON} is not a usable service account key: {exc}", ErrorCode.CONFIGURATION_PROBLEM
            ) from exc
        self._options = ClientOptions(api_endpoint=self.endpoint) if self.endpoint else ClientOptions()

    def _make(self, kind: Callable[..., C]) -> C:
        return kind(credentials=self._credentials, transport="rest", client_options=self._options)

    @cached_property
    def networks(self) -> compute_v1.NetworksClient:
        return self._make(compute_v1.NetworksClient)

    @cached_property
    def subnetworks(self) -> compute_v1.SubnetworksClient:
        return self._make(compute_v1.SubnetworksClient)

    @cached_property
    def firewalls(self) -> compute_v1.FirewallsClient:
        return self._make(compute_v1.FirewallsClient)

    @cached_property
    def routers(self) -> compute_v1.RoutersClient:
        return self._make(compute_v1.RoutersClient)

    @cached_property
    def addresses(self) -> compute_v1.AddressesClient:
        return self._make(compute_v1.AddressesClient)

    @cached_property
    def instances(self) -> compute_v1.InstancesClient:
        return self._make(compute_v1.InstancesClient)

    @cached_property
    def global_operations(self) -> compute_v1.GlobalOperationsClient:
        return self._make(compute_v1.GlobalOperationsClient)

    @cached_property
    def region_operations(self) -> compute_v1.RegionOperationsClient:
        return self._make(compute_v1.RegionOperationsClient)

    @cached_property
    def zone_operations(self) -> compute_v1.ZoneOperationsClient:
        return self._make(compute_v1.ZoneOperationsClient)


__all__ = ["ENDPOINT_URL", "SERVICE_ACCOUNT_JSON", "ComputeClients", "ServiceAccountKey", "parse_key"]
