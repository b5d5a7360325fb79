"""BackupBucket: an object-store bucket in which the etcd backups of a seed's shoots are kept."""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import ObjectReference, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn


class BackupBucketSpec(DefaultSpec):
    """Where to create the bucket and with which credentials."""

    region: str
    """The region to create the bucket in; immutable."""
    secret_ref: ObjectReference
    """The Secret with the object-store credentials."""


class BackupBucketStatus(DefaultStatus):
    """What the extension created besides the bucket."""

    generated_secret_ref: ObjectReference | None = None
    """A Secret the extension generated with bucket-specific credentials, if any."""


class BackupBucket(Resource):
    """A backup bucket, reconciled by the provider extension of ``spec.type``; cluster-scoped."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "BackupBucket"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "BackupBucket",
        "backupbuckets",
        namespaced=False,
        short_names=("bb",),
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The type of the cloud provider for this resource."),
            PrinterColumn("Region", ".spec.region", description="The region the backup bucket is created in."),
            PrinterColumn("State", ".status.lastOperation.state", description="The state of the last operation."),
            AGE,
        ),
        description="An object-store bucket for the etcd backups of shoot clusters.",
    )

    spec: BackupBucketSpec
    """The bucket to create."""
    status: BackupBucketStatus | None = None
    """How the last reconciliation went."""
