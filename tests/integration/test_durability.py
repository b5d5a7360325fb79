"""The real `kubelite apiserver` process: clean restarts keep everything, and kill -9 loses no acknowledged write
(on sqlite and on etcd3)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.etcd import etcd_cluster
from tests.integration.http import Client
from tests.integration.server import process_server
from tests.integration.writeload import kill_9_during_writes

pytestmark = pytest.mark.integration

CM = "/api/v1/namespaces/default/configmaps"
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "notes.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Note", "plural": "notes"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
            }
        ],
    },
}


def wait_established(client: Client) -> None:
    deadline = time.monotonic() + 10
    while client.request("GET", "/apis/example.com/v1/namespaces/default/notes").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_restart_on_the_same_data_dir_keeps_objects_and_versions(tmp_path: Path) -> None:
    with process_server(tmp_path) as first:
        client = Client(first)
        client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD)
        wait_established(client)
        created = client.request(
            "POST", CM, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kept"}, "data": {"a": "1"}}
        ).json()
        note = client.request(
            "POST",
            "/apis/example.com/v1/namespaces/default/notes",
            {"apiVersion": "example.com/v1", "kind": "Note", "metadata": {"name": "n"}, "text": "hi"},
        )
        assert note.status_code == 201
        listed_rv = client.request("GET", CM).json()["metadata"]["resourceVersion"]
    with process_server(tmp_path) as second:
        client = Client(second)
        kept = client.request("GET", CM + "/kept").json()
        assert kept == created  # same uid, resourceVersion, everything
        assert client.request("GET", "/apis/example.com/v1/namespaces/default/notes/n").json()["text"] == "hi"
        later = client.request("POST", CM, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "later"}})
        assert int(later.json()["metadata"]["resourceVersion"]) > int(listed_rv)
        assert second.token == first.token  # the admin kubeconfig stays valid


@contextmanager
def storage_flags(backend: str, workdir: Path) -> Iterator[tuple[str, ...]]:
    """``kubelite apiserver`` flags for ``backend``; for etcd3 a single-member etcd under ``workdir`` lives as long."""
    if backend == "sqlite":
        yield ()
        return
    with etcd_cluster(workdir) as etcd:
        yield ("--storage-backend=etcd3", f"--etcd-servers={','.join(etcd.servers)}")


@pytest.mark.parametrize("backend", ["sqlite", "etcd3"])
def test_kill_9_during_writes_loses_no_acknowledged_write(backend: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "kubelite"
    data_dir.mkdir()
    with storage_flags(backend, tmp_path) as flags:
        kill_9_during_writes(data_dir, *flags)
