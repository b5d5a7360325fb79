"""Local backups: a bucket is a directory under the credentials' ``backupRoot``; an entry is a prefix within it.

Object keys are relative paths (``<entry>/<file>``). Bucket names are single path components: anything else is a
configuration error, so a name can never reach outside the root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from garden.api.common import ErrorCode
from providers.interface import JSON, BackupBucketRequest, ProviderError
from providers.local.config import API_VERSION

ROOT_KEY = "backupRoot"


def _component(value: str, what: str) -> str:
    if not value or value in (".", "..") or "/" in value or os.sep in value:
        raise ProviderError(f"{what} {value!r} must be one path component", ErrorCode.CONFIGURATION_PROBLEM)
    return value


class LocalBackup:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, str]) -> LocalBackup:
        root = credentials.get(ROOT_KEY)
        if not root:
            raise ProviderError(f"the local provider's secret has no {ROOT_KEY!r}", ErrorCode.CONFIGURATION_PROBLEM)
        return cls(Path(root))

    def bucket(self, name: str) -> Path:
        return self.root / _component(name, "bucket")

    def reconcile(self, request: BackupBucketRequest) -> JSON:
        path = self.bucket(request.name)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProviderError(f"bucket {path}: {exc}") from exc
        return {"apiVersion": API_VERSION, "kind": "BackupBucketStatus", "path": str(path)}

    def delete(self, request: BackupBucketRequest) -> None:
        path = self.bucket(request.name)
        if path.exists():
            shutil.rmtree(path)

    def delete_entry(self, request: BackupBucketRequest, prefix: str) -> None:
        path = self.bucket(request.name) / _component(prefix, "entry")
        if path.exists():
            shutil.rmtree(path)


__all__ = ["ROOT_KEY", "LocalBackup"]
