"""BackupEntry: one shoot's etcd backups inside a BackupBucket, kept in the shoot's project namespace."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import CoreObjectReference, Model, Resource, Time
from garden.api.common import LastError, LastOperation
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: Annotation that asks for a BackupEntry to be deleted at once, without the usual grace period.
FORCE_DELETION_ANNOTATION = "backupentry.core.gardener.cloud/force-deletion"


class BackupEntrySpec(Model):
    """Which bucket the entry is in and where it is handled."""

    bucket_name: str
    """The BackupBucket holding the entry."""
    seed_name: str | None = None
    """The seed the entry is scheduled to; excludes ``shootRef``."""
    shoot_ref: CoreObjectReference | None = None
    """The self-hosted shoot the entry belongs to; excludes ``seedName``; immutable."""


class BackupEntryStatus(Model):
    """How the entry's last operation went, and where it currently runs."""

    last_operation: LastOperation | None = None
    """The last operation on the entry."""
    last_error: LastError | None = None
    """The error of the last operation, if it failed."""
    observed_generation: int | None = None
    """The generation of the spec last acted on."""
    seed_name: str | None = None
    """The seed the entry is currently handled by; differs from the spec's while moving to another seed."""
    migration_start_time: Time | None = None
    """When moving the entry to another seed began."""


class BackupEntry(Resource):
    """The place in a backup bucket where one shoot's etcd backups go."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "BackupEntry"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "BackupEntry",
        "backupentries",
        short_names=("bec",),
        categories=("all",),
        status=True,
        printer_columns=(
            PrinterColumn("Bucket", ".spec.bucketName", description="The bucket holding the entry."),
            PrinterColumn("Seed", ".spec.seedName", description="The seed the entry is scheduled to."),
            PrinterColumn("Operation", ".status.lastOperation.state", description="State of the last operation."),
            PrinterColumn(
                "Progress", ".status.lastOperation.progress", "integer", description="Progress of the last operation."
            ),
            AGE,
        ),
        description="The etcd backups of one shoot within a backup bucket.",
    )

    spec: BackupEntrySpec
    """Which bucket the entry is in and where it is handled."""
    status: BackupEntryStatus | None = None
    """How the entry's last operation went."""


__all__ = ["FORCE_DELETION_ANNOTATION", "BackupEntry", "BackupEntrySpec", "BackupEntryStatus"]
