"""BackupBucket and BackupEntry on S3: one bucket per seed, one prefix per shoot.

A bucket is made in the request's region (``LocationConstraint``, which us-east-1 must not name), with every kind of
public access blocked and default encryption on. Deleting a bucket deletes every object (and every version) in it
first; deleting an entry deletes what is under its prefix. A bucket or object that is already gone counts as deleted.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from garden.api.common import ErrorCode
from providers.aws.calls import Calls
from providers.aws.clients import AWSClients
from providers.aws.errors import error_code, is_not_found
from providers.interface import JSON, BackupBucketRequest, ProviderError

_BATCH = 1000  # DeleteObjects takes at most 1000 keys


class S3Backup:
    def __init__(self, clients: AWSClients, calls: Calls) -> None:
        self.client = clients.s3
        self.region = clients.region
        self.calls = calls

    def reconcile(self, request: BackupBucketRequest) -> JSON:
        bucket = request.name

        def create() -> None:
            params: dict[str, Any] = {"Bucket": bucket}
            if request.region != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": request.region}
            try:
                self.client.create_bucket(**params)
            except Exception as exc:
                if not (isinstance(exc, ClientError) and error_code(exc) == "BucketAlreadyOwnedByYou"):
                    raise

        def settings() -> None:
            self.client.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
            self.client.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            )

        self.calls.run(f"creating bucket {bucket}", create)
        self.calls.run(f"securing bucket {bucket}", settings)
        return {"bucketName": bucket, "region": request.region}

    def _empty(self, bucket: str, prefix: str) -> None:
        """Delete every object version and delete marker under ``prefix`` (every current object too)."""
        batch: list[dict[str, str]] = []

        def flush() -> None:
            if batch:
                self.client.delete_objects(Bucket=bucket, Delete={"Objects": list(batch), "Quiet": True})
                batch.clear()

        for page in self.client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
            for item in [*(page.get("Versions") or ()), *(page.get("DeleteMarkers") or ())]:
                entry = {"Key": item["Key"]}
                if item.get("VersionId") and item["VersionId"] != "null":
                    entry["VersionId"] = item["VersionId"]
                batch.append(entry)
                if len(batch) == _BATCH:
                    flush()
        flush()

    def delete(self, request: BackupBucketRequest) -> None:
        def step() -> None:
            try:
                self._empty(request.name, "")
                self.client.delete_bucket(Bucket=request.name)
            except Exception as exc:
                if not is_not_found(exc):
                    raise

        self.calls.run(f"deleting bucket {request.name}", step)

    def delete_entry(self, request: BackupBucketRequest, prefix: str) -> None:
        if not prefix.strip("/"):
            # An empty prefix would be every shoot's backups in the bucket.
            raise ProviderError("a backup entry needs a non-empty prefix", ErrorCode.CONFIGURATION_PROBLEM)

        def step() -> None:
            try:
                self._empty(request.name, prefix)
            except Exception as exc:
                if not is_not_found(exc):
                    raise

        self.calls.run(f"deleting {prefix} from bucket {request.name}", step)


__all__ = ["S3Backup"]
