"""BackupBucket: an object-store bucket a seed (or a self-hosted shoot) keeps its shoots' etcd backups in."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import CoreObjectReference, Model, ObjectReference, RawExtension, Resource
from garden.api.common import LastError, LastOperation
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn


class BackupBucketProvider(Model):
    """Where the bucket lives."""

    type: str
    """The object store's provider type (``aws``, ``gcp``)."""
    region: str
    """The region the bucket is in."""


class BackupBucketSpec(Model):
    """The bucket's provider, credentials and owner."""

    provider: BackupBucketProvider
    """Where the bucket lives; immutable."""
    provider_config: RawExtension | None = None
    """Provider-specific bucket configuration."""
    credentials_ref: CoreObjectReference | None = None
    """The credentials for the object store: a ``v1`` Secret or a ``security.gardener.cloud`` WorkloadIdentity."""
    secret_ref: ObjectReference | None = None
    """The Secret with the object store credentials; deprecated and since removed in favour of
    ``credentialsRef``, kept so older objects still read."""
    seed_name: str | None = None
    """The seed the bucket belongs to; excludes ``shootRef``; immutable."""
    shoot_ref: CoreObjectReference | None = None
    """The self-hosted shoot the bucket belongs to; excludes ``seedName``; immutable."""


class BackupBucketStatus(Model):
    """How the bucket's last operation went, and what it produced."""

    provider_status: RawExtension | None = None
    """Provider-specific state written by the extension."""
    last_operation: LastOperation | None = None
    """The last operation on the bucket."""
    last_error: LastError | None = None
    """The error of the last operation, if it failed."""
    observed_generation: int | None = None
    """The generation of the spec last acted on."""
    generated_secret_ref: ObjectReference | None = None
    """A Secret the extension generated with bucket-specific credentials."""


class BackupBucket(Resource):
    """A bucket in an object store that holds etcd backups."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "BackupBucket"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "BackupBucket",
        "backupbuckets",
        namespaced=False,
        short_names=("bbc",),
        categories=("all",),
        status=True,
        printer_columns=(
            PrinterColumn("Provider", ".spec.provider.type", description="The object store's provider type."),
            PrinterColumn("Seed", ".spec.seedName", description="The seed the bucket belongs to."),
            PrinterColumn("Operation", ".status.lastOperation.state", description="State of the last operation."),
            PrinterColumn(
                "Progress", ".status.lastOperation.progress", "integer", description="Progress of the last operation."
            ),
            AGE,
        ),
        description="An object-store bucket that holds the etcd backups of the shoots of a seed.",
    )

    spec: BackupBucketSpec
    """The bucket's provider, credentials and owner."""
    status: BackupBucketStatus | None = None
    """How the bucket's last operation went."""


__all__ = ["BackupBucket", "BackupBucketProvider", "BackupBucketSpec", "BackupBucketStatus"]
