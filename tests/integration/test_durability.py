"""The real `kubelite apiserver` process: clean restarts keep everything, and kill -9 loses no acknowledged write."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.integration.http import Client
from tests.integration.server import process_server

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


def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    acknowledged: dict[str, str] = {}
    with process_server(tmp_path) as running:
        client = Client(running)
        stop = threading.Event()

        def write() -> None:
            i = 0
            while not stop.is_set():
                try:
                    response = client.request(
                        "POST",
                        CM,
                        {
                            "apiVersion": "v1",
                            "kind": "ConfigMap",
                            "metadata": {"name": f"w-{i}"},
                            "data": {"i": str(i)},
                        },
                    )
                except requests.RequestException:
                    return
                if response.status_code == 201:
                    acknowledged[f"w-{i}"] = response.json()["metadata"]["resourceVersion"]
                i += 1

        writers = [threading.Thread(target=write) for _ in range(1)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert running.process is not None
        running.process.send_signal(signal.SIGKILL)
        running.process.wait()
        stop.set()
        for writer in writers:
            writer.join(10)
    assert len(acknowledged) >= 200
    with process_server(tmp_path) as restarted:
        client = Client(restarted)
        stored = {
            item["metadata"]["name"]: item["metadata"]["resourceVersion"]
            for item in client.request("GET", CM).json()["items"]
        }
        missing = {name for name in acknowledged if stored.get(name) != acknowledged[name]}
        assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {sorted(missing)[:5]}"
