"""DNSRecord: one DNS record (the shoot's API server, its ingress, its owner record) in a provider's hosted zone."""

from __future__ import annotations

from typing import ClassVar, Literal

from garden.api.base import ObjectReference, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import STATUS_COLUMN, DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: The record types a DNS extension must support.
DNSRecordType = Literal["A", "AAAA", "CNAME", "TXT"]


class DNSRecordSpec(DefaultSpec):
    """The record to maintain and the DNS provider account to maintain it in."""

    secret_ref: ObjectReference
    """The Secret with the DNS provider credentials."""
    region: str | None = None
    """The provider region to talk to; defaults to the Secret's, then to the extension's own default."""
    zone: str | None = None
    """The hosted zone; when absent, the zone whose name is the longest suffix of ``name``."""
    name: str
    """The fully qualified domain name of the record (``api.<shoot domain>``); immutable."""
    record_type: DNSRecordType
    """The record type; immutable."""
    values: list[str]
    """IP addresses for A and AAAA records, one host name for CNAME, texts for TXT."""
    ttl: int | None = None
    """The record's time to live in seconds (120 when absent)."""


class DNSRecordStatus(DefaultStatus):
    """Where the record was written."""

    zone: str | None = None
    """The hosted zone the record lives in."""


class DNSRecord(Resource):
    """One DNS record a shoot or seed needs, maintained by the DNS extension of ``spec.type``."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "DNSRecord"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "DNSRecord",
        "dnsrecords",
        short_names=("dns",),
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The DNS record provider type."),
            PrinterColumn("Domain Name", ".spec.name", description="The DNS record domain name."),
            PrinterColumn("Record Type", ".spec.recordType", description="The DNS record type (A, CNAME, or TXT)."),
            STATUS_COLUMN,
            AGE,
        ),
        description="A DNS record in a DNS provider's hosted zone.",
    )

    spec: DNSRecordSpec
    """The record; immutable while the object is being deleted."""
    status: DNSRecordStatus | None = None
    """How the last reconciliation went and which zone holds the record."""
