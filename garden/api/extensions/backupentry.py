"""BackupEntry: the part of a backup bucket holding one shoot's etcd backups."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import ObjectReference, RawExtension, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn


class BackupEntrySpec(DefaultSpec):
    """The bucket the entry is in and the credentials to reach it."""

    backup_bucket_provider_status: RawExtension | None = None
    """The ``status.providerStatus`` of the BackupBucket, copied by the gardenlet."""
    region: str
    """The region of the bucket; immutable."""
    bucket_name: str
    """The name of the bucket the entry lives in."""
    secret_ref: ObjectReference
    """The Secret with the object-store credentials."""


class BackupEntryStatus(DefaultStatus):
    """Only the fields all extension kinds share."""


class BackupEntry(Resource):
    """One shoot's backups in a bucket; deleting it removes them. Cluster-scoped."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "BackupEntry"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "BackupEntry",
        "backupentries",
        namespaced=False,
        short_names=("be",),
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The type of the cloud provider for this resource."),
            PrinterColumn("Region", ".spec.region", description="The region the backup entry is created in."),
            PrinterColumn("Bucket", ".spec.bucketName", description="The bucket the backup entry is created in."),
            PrinterColumn("State", ".status.lastOperation.state", description="The state of the last operation."),
            AGE,
        ),
        description="The etcd backups of one shoot cluster within a backup bucket.",
    )

    spec: BackupEntrySpec
    """The entry; immutable while the object is being deleted."""
    status: BackupEntryStatus | None = None
    """How the last reconciliation went."""
