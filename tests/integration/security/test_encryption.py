"""Secrets encrypted at rest (``--encryption-provider-config``) on both storage backends: nothing readable in the
SQLite file or in etcd, plaintext through the API, and key rotation by rewriting every secret."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from kubelite.apiserver.storage import Storage
from kubelite.apiserver.storage.etcd import EtcdStorage
from kubelite.apiserver.storage.sqlite import SQLiteStorage
from tests.integration.etcd import EtcdCluster, etcd_cluster
from tests.integration.server import RunningServer, threaded_server

pytestmark = pytest.mark.integration

PLAINTEXT = "correct-horse-battery-staple"
KEY = "/registry/core/secrets/default/db"


def _config(path: Path, *providers: dict[str, object]) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "apiserver.config.k8s.io/v1",
                "kind": "EncryptionConfiguration",
                "resources": [{"resources": ["secrets"], "providers": list(providers)}],
            }
        )
    )
    return path


def _key(name: str) -> dict[str, str]:
    return {"name": name, "secret": base64.b64encode(os.urandom(32)).decode()}


@contextmanager
def _server(backend: str, data_dir: Path, config: Path, etcd: EtcdCluster | None) -> Iterator[RunningServer]:
    options: dict[str, object] = {"encryption_provider_config": config}
    if etcd is not None:
        options.update(storage_backend="etcd3", etcd=etcd.options())
    with threaded_server(data_dir, **options) as server:
        yield server


def _raw(backend: str, data_dir: Path, etcd: EtcdCluster | None) -> bytes:
    """The stored value of the secret, read from the backend directly (not through the API server)."""

    async def read() -> bytes:
        storage: Storage = (
            await SQLiteStorage.open(data_dir / "kubelite.db")
            if etcd is None
            else await EtcdStorage.open(etcd.options())
        )
        try:
            found = await storage.get(KEY)
            assert found is not None
            return found.value
        finally:
            await storage.close()

    return asyncio.run(read())


def _no_plaintext_on_disk(data_dir: Path) -> None:
    needles = (PLAINTEXT.encode(), base64.b64encode(PLAINTEXT.encode()))
    for path in data_dir.glob("kubelite.db*"):
        content = path.read_bytes()
        assert not any(n in content for n in needles), f"plaintext found in {path.name}"


@pytest.mark.parametrize("backend", ["sqlite", "etcd3"])
def test_secrets_are_encrypted_at_rest_and_keys_rotate(backend: str, tmp_path: Path) -> None:
    key1, key2 = _key("key1"), _key("key2")
    first = _config(tmp_path / "enc1.yaml", {"aescbc": {"keys": [key1]}}, {"identity": {}})
    rotated = _config(tmp_path / "enc2.yaml", {"aesgcm": {"keys": [key2]}}, {"aescbc": {"keys": [key1]}})
    data_dir = tmp_path / "data"
    with contextmanager(lambda: (yield None))() if backend == "sqlite" else etcd_cluster(tmp_path / "etcd") as etcd:
        with _server(backend, data_dir, first, etcd) as server:
            server.kubectl("create", "secret", "generic", "db", f"--from-literal=password={PLAINTEXT}")
            server.kubectl("create", "configmap", "plain", "--from-literal=note=visible-note")
            value = server.kubectl_yaml("get", "secret", "db")["data"]["password"]
            assert base64.b64decode(value).decode() == PLAINTEXT
        raw = _raw(backend, data_dir, etcd)
        assert raw.startswith(b"k8s:enc:aescbc:v1:key1:")
        assert PLAINTEXT.encode() not in raw
        if backend == "sqlite":
            _no_plaintext_on_disk(data_dir)
        with _server(backend, data_dir, rotated, etcd) as server:
            # The old key still reads; rewriting every secret moves it to the new write key.
            listed = server.kubectl("get", "secrets", "-A", "-o", "json").stdout
            assert PLAINTEXT not in listed
            assert json.loads(listed)["items"]
            server.kubectl("replace", "-f", "-", input=listed)
        raw = _raw(backend, data_dir, etcd)
        assert raw.startswith(b"k8s:enc:aesgcm:v1:key2:")
        only_new = _config(tmp_path / "enc3.yaml", {"aesgcm": {"keys": [key2]}})
        with _server(backend, data_dir, only_new, etcd) as server:
            value = server.kubectl_yaml("get", "secret", "db")["data"]["password"]
            assert base64.b64decode(value).decode() == PLAINTEXT
            # ConfigMaps were not configured, so they stay plain.
            assert server.kubectl_yaml("get", "configmap", "plain")["data"]["note"] == "visible-note"
