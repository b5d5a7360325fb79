"""DNSRecord on Route 53: one record set UPSERTed into the hosted zone, or DELETEd from it.

The zone is the DNSRecord's ``spec.zone`` when given, else the hosted zone whose name is the longest suffix of the
record's name (``api.foo.dev.example.com`` -> ``dev.example.com`` before ``example.com``). A DELETE in Route 53 must
name the record set exactly as it is (values and TTL), so delete reads the current set first, and a record that is
not there counts as deleted.
"""

from __future__ import annotations

from typing import Any

from garden.api.common import ErrorCode
from providers.aws.calls import Calls
from providers.aws.clients import AWSClients
from providers.interface import JSON, DNSRecordRequest, ProviderError


def _fqdn(name: str) -> str:
    return name if name.endswith(".") else f"{name}."


def _value(record_type: str, value: str) -> str:
    """TXT values go to Route 53 quoted."""
    if record_type == "TXT" and not value.startswith('"'):
        return '"' + value.replace('"', '\\"') + '"'
    return value


class Route53DNS:
    def __init__(self, clients: AWSClients, calls: Calls) -> None:
        self.client = clients.route53
        self.calls = calls

    def zone_id(self, request: DNSRecordRequest) -> str:
        if request.zone:
            return request.zone.removeprefix("/hostedzone/")
        name = _fqdn(request.name)

        def step() -> str | None:
            best: tuple[int, str] | None = None
            for page in self.client.get_paginator("list_hosted_zones").paginate():
                for zone in page["HostedZones"]:
                    zone_name = zone["Name"]
                    if (name == zone_name or name.endswith(f".{zone_name}")) and (
                        best is None or len(zone_name) > best[0]
                    ):
                        best = (len(zone_name), zone["Id"].removeprefix("/hostedzone/"))
            return best[1] if best else None

        found = self.calls.run(f"finding the hosted zone of {request.name}", step)
        if found is None:
            raise ProviderError(f"no Route 53 hosted zone holds {request.name}", ErrorCode.CONFIGURATION_PROBLEM)
        return found

    def _change(self, zone: str, action: str, record: dict[str, Any]) -> None:
        self.client.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record}]}
        )

    def reconcile(self, request: DNSRecordRequest) -> JSON:
        zone = self.zone_id(request)
        record = {
            "Name": _fqdn(request.name),
            "Type": request.record_type,
            "TTL": request.ttl,
            "ResourceRecords": [{"Value": _value(request.record_type, v)} for v in request.values],
        }
        self.calls.run(f"writing DNS record {request.name}", lambda: self._change(zone, "UPSERT", record))
        return {"zone": zone}

    def _current(self, zone: str, name: str, record_type: str) -> dict[str, Any] | None:
        answer = self.client.list_resource_record_sets(
            HostedZoneId=zone, StartRecordName=name, StartRecordType=record_type, MaxItems="1"
        )
        for record in answer.get("ResourceRecordSets") or ():
            if record["Name"].rstrip(".").lower() == name.rstrip(".").lower() and record["Type"] == record_type:
                return dict(record)
        return None

    def delete(self, request: DNSRecordRequest) -> None:
        zone = self.zone_id(request)

        def step() -> None:
            current = self._current(zone, _fqdn(request.name), request.record_type)
            if current is not None:
                self._change(zone, "DELETE", current)

        self.calls.run(f"deleting DNS record {request.name}", step)


__all__ = ["Route53DNS"]
