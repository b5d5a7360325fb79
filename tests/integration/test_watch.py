"""Watch semantics over raw HTTP: start points, selectors, bookmarks, initial events, 410, timeouts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.integration.http import Client
from tests.integration.server import RunningServer, threaded_server

pytestmark = pytest.mark.integration

CM = "/api/v1/namespaces/default/configmaps"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with threaded_server(tmp_path_factory.mktemp("watch"), bookmark_interval=0.5) as running:
        yield running


@pytest.fixture
def client(server: RunningServer) -> Client:
    return Client(server)


class Stream:
    """Reads watch events in a thread so tests can wait for them with a deadline."""

    def __init__(self, client: Client, path: str, **params: str) -> None:
        self.response = client.session.get(
            client.server.url + path, params={"watch": "true", **params}, stream=True, timeout=30
        )
        assert self.response.status_code == 200, self.response.text
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self.ended = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for line in self.response.iter_lines():
                if line:
                    with self._cond:
                        self.events.append(json.loads(line))
                        self._cond.notify_all()
        except requests.RequestException:
            pass
        with self._cond:
            self.ended = True
            self._cond.notify_all()

    def wait(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.events) >= count or self.ended, timeout)
            assert len(self.events) >= count, self.events
            return list(self.events)

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self.events) or self.ended, timeout), self.events
            assert predicate(self.events), self.events
            return list(self.events)

    def wait_end(self, timeout: float = 10.0) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self.ended, timeout)

    def close(self) -> None:
        # NB: closing the response while the reader thread is blocked in a read waits for that read to time out;
        # shutting the socket down first wakes the reader at once.
        sock = getattr(getattr(self.response.raw, "_connection", None), "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)
        self.response.close()


def cm(name: str, labels: dict[str, str] | None = None, **data: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def kinds(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["type"], e["object"]["metadata"].get("name", "")) for e in events if e["type"] != "BOOKMARK"]


def test_from_a_resource_version_sees_each_write_with_its_version(client: Client) -> None:
    start = client.request("GET", CM).json()["metadata"]["resourceVersion"]
    stream = Stream(client, CM, resourceVersion=start)
    created = client.request("POST", CM, cm("rv-a", x="1")).json()
    updated = client.request(
        "PATCH", CM + "/rv-a", {"data": {"x": "2"}}, content_type="application/merge-patch+json"
    ).json()
    client.request("DELETE", CM + "/rv-a")
    events = [e for e in stream.wait(3) if e["object"]["metadata"].get("name") == "rv-a"]
    stream.close()
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert events[0]["object"]["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert events[1]["object"]["metadata"]["resourceVersion"] == updated["metadata"]["resourceVersion"]
    assert events[2]["object"]["data"] == {"x": "2"}  # DELETED carries the last state
    assert int(events[2]["object"]["metadata"]["resourceVersion"]) > int(updated["metadata"]["resourceVersion"])


def test_without_a_resource_version_the_current_state_comes_first(client: Client) -> None:
    client.request("POST", CM, cm("existing-1"))
    client.request("POST", CM, cm("existing-2"))
    stream = Stream(client, CM, fieldSelector="metadata.name!=nothing")
    events = stream.wait(2)
    client.request("POST", CM, cm("existing-3"))
    events = stream.wait(len(events) + 1)
    stream.close()
    names = [name for kind, name in kinds(events) if kind == "ADDED"]
    assert names.index("existing-1") < names.index("existing-3")
    assert "existing-2" in names


def test_selector_transitions_become_added_and_deleted(client: Client) -> None:
    start = client.request("GET", CM).json()["metadata"]["resourceVersion"]
    stream = Stream(client, CM, resourceVersion=start, labelSelector="watched=yes")
    client.request("POST", CM, cm("sel", {"watched": "no"}))
    client.request(
        "PATCH", CM + "/sel", {"metadata": {"labels": {"watched": "yes"}}}, content_type="application/merge-patch+json"
    )
    client.request("PATCH", CM + "/sel", {"data": {"k": "v"}}, content_type="application/merge-patch+json")
    client.request(
        "PATCH", CM + "/sel", {"metadata": {"labels": {"watched": "no"}}}, content_type="application/merge-patch+json"
    )
    events = stream.wait(3)
    stream.close()
    assert kinds(events)[:3] == [("ADDED", "sel"), ("MODIFIED", "sel"), ("DELETED", "sel")]


def test_bookmarks_and_initial_events_end(client: Client) -> None:
    client.request("POST", CM, cm("init-1"))
    stream = Stream(
        client, CM, allowWatchBookmarks="true", sendInitialEvents="true", resourceVersionMatch="NotOlderThan"
    )
    events = stream.wait_for(lambda evs: any(e["type"] == "BOOKMARK" for e in evs))
    end = next(i for i, e in enumerate(events) if e["type"] == "BOOKMARK")
    assert all(e["type"] == "ADDED" for e in events[:end])
    assert "init-1" in [e["object"]["metadata"]["name"] for e in events[:end]]
    marker = events[end]["object"]
    assert marker["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert marker["kind"] == "ConfigMap"
    later = stream.wait(end + 2, timeout=5)  # a periodic bookmark on a quiet watch (interval 0.5 s here)
    stream.close()
    assert later[end + 1]["type"] == "BOOKMARK"
    assert int(later[end + 1]["object"]["metadata"]["resourceVersion"]) >= int(marker["metadata"]["resourceVersion"])


def test_a_compacted_resource_version_is_one_410_error_event(server: RunningServer, client: Client) -> None:
    old = client.request("POST", CM, cm("old")).json()["metadata"]["resourceVersion"]
    client.request("POST", CM, cm("newer"))
    assert server.server is not None and server.loop is not None
    storage = server.server.storage
    revision = asyncio.run_coroutine_threadsafe(storage.current_revision(), server.loop).result()
    asyncio.run_coroutine_threadsafe(storage.compact(revision), server.loop).result()
    stream = Stream(client, CM, resourceVersion=str(int(old) - 1))
    stream.wait_end()
    assert len(stream.events) == 1
    error = stream.events[0]
    assert error["type"] == "ERROR"
    assert error["object"]["code"] == 410 and error["object"]["reason"] == "Expired"


def test_timeout_seconds_ends_the_stream(client: Client) -> None:
    stream = Stream(client, CM, timeoutSeconds="1", resourceVersion="0")
    stream.wait_end(timeout=10)
    assert all(e["type"] != "ERROR" for e in stream.events)


def test_send_initial_events_needs_not_older_than(client: Client) -> None:
    response = client.request("GET", CM, watch="true", sendInitialEvents="true")
    assert response.status_code == 422
    assert response.json()["reason"] == "Invalid"
