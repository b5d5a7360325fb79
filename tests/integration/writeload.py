"""A write load for fault tests: client threads creating ConfigMaps, recording every acknowledged create, and a watch
that records what it delivers.

:class:`WriteLoad` runs ``writers`` threads, each creating ``<prefix>-<thread>-<i>`` ConfigMaps in a loop (a new name
for every attempt, since a failed create may still have been applied) and recording each acknowledged one (HTTP 201)
with its resourceVersion and the time of the answer. Failures (connection errors, 5xx, ...) are counted and retried
with the next name until the load is stopped. :func:`stored` lists what the server has, to compare with
:attr:`WriteLoad.acknowledged`. :class:`WatchRecorder` streams a watch from a resourceVersion and records every event.
:func:`kill_9_during_writes` is the kill -9 durability check of ``test_durability.py``, for any storage backend.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.integration.http import Client
from tests.integration.server import RunningServer, process_server
from tests.integration.waiting import wait_for

CM = "/api/v1/namespaces/default/configmaps"


@dataclass
class WriteLoad:
    server: RunningServer
    writers: int = 4
    prefix: str = "w"
    acknowledged: dict[str, str] = field(default_factory=dict)
    #: (monotonic time of the answer, name) of every acknowledged create, in the order the answers came.
    ack_times: list[tuple[float, str]] = field(default_factory=list)
    failures: list[tuple[float, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _write(self, thread: int) -> None:
        client = Client(self.server)
        i = 0
        while not self._stop.is_set():
            name = f"{self.prefix}-{thread}-{i}"
            i += 1
            body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"i": str(i)}}
            try:
                response = client.request("POST", CM, body)
            except requests.RequestException as exc:
                with self._lock:
                    self.failures.append((time.monotonic(), f"{name}: {type(exc).__name__}"))
                self._stop.wait(0.02)  # the server may be gone: don't spin
                continue
            with self._lock:
                if response.status_code == 201:
                    self.acknowledged[name] = response.json()["metadata"]["resourceVersion"]
                    self.ack_times.append((time.monotonic(), name))
                else:
                    self.failures.append(
                        (time.monotonic(), f"{name}: HTTP {response.status_code} {response.text[:200]}")
                    )

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._write, args=(t,), daemon=True) for t in range(self.writers)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(35)
            assert not thread.is_alive(), "a writer did not stop"

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def wait_acknowledged(self, n: int, timeout: float = 20) -> None:
        """Until at least ``n`` creates have been acknowledged in all."""
        wait_for(lambda: self.count() >= n, f"{n} acknowledged creates", timeout=timeout, interval=0.01)

    def first_ack_after(self, moment: float) -> float:
        """When the first create acknowledged after ``moment`` was answered (after :meth:`acknowledged_after`)."""
        with self._lock:
            return min(t for t, _ in self.ack_times if t > moment)

    def acknowledged_after(self, moment: float) -> int:
        with self._lock:
            return sum(1 for t, _ in self.ack_times if t > moment)


@contextmanager
def write_load(server: RunningServer, writers: int = 4, prefix: str = "w") -> Iterator[WriteLoad]:
    load = WriteLoad(server, writers, prefix)
    load.start()
    try:
        yield load
    finally:
        load.stop()


def stored(server: RunningServer) -> dict[str, str]:
    """Name -> resourceVersion of every ConfigMap in ``default``."""
    response = Client(server).request("GET", CM)
    assert response.status_code == 200, response.text
    return {item["metadata"]["name"]: item["metadata"]["resourceVersion"] for item in response.json()["items"]}


def list_revision(server: RunningServer) -> str:
    """The resourceVersion of a list of ``default``'s ConfigMaps: a watch from it sees every later change in order.

    (A watch from "0" would first replay the current state as synthetic ADDED events in key order, which is not
    resourceVersion order when writes race the start of the watch.)
    """
    response = Client(server).request("GET", CM)
    assert response.status_code == 200, response.text
    return str(response.json()["metadata"]["resourceVersion"])


def lost(acknowledged: dict[str, str], now: dict[str, str]) -> list[str]:
    """The acknowledged creates that are not stored as acknowledged (missing, or another resourceVersion)."""
    return sorted(name for name, rv in acknowledged.items() if now.get(name) != rv)


@dataclass
class WatchRecorder:
    """A watch of ``default``'s ConfigMaps from ``resource_version``, in a thread, recording every event.

    When the stream ends (server timeout, broken connection) it is re-established from the last resourceVersion seen,
    as client-go's reflector does; every re-establishment and every ERROR event is recorded, so a test can tell an
    invisible failover from one the client noticed.
    """

    server: RunningServer
    resource_version: str
    #: (type, name, resourceVersion) of every ADDED/MODIFIED/DELETED event, in delivery order.
    events: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # type: ignore[type-arg]
    #: How many times the watch was started (1 if it never broke).
    starts: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _response: requests.Response | None = None

    def _run(self) -> None:
        client = Client(self.server)
        rv = self.resource_version
        while not self._stop.is_set():
            self.starts += 1
            try:
                response = client.session.get(
                    self.server.url + CM,
                    params={"watch": "1", "resourceVersion": rv, "allowWatchBookmarks": "true"},
                    stream=True,
                    timeout=(5, 60),
                )
                self._response = response
                for line in response.iter_lines():
                    if not line:
                        continue
                    event = json.loads(line)
                    if event["type"] == "ERROR":
                        self.errors.append(event["object"])
                        break
                    rv = event["object"]["metadata"]["resourceVersion"]
                    if event["type"] != "BOOKMARK":
                        self.events.append((event["type"], event["object"]["metadata"]["name"], rv))
            except Exception as exc:
                if self._stop.is_set():  # stop() closed the response under the reader
                    return
                self.errors.append({"exception": repr(exc)})
                self._stop.wait(0.1)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._response is not None:
            # Shut the socket down: closing the response would wait for the reader's blocked read to return.
            connection = self._response.raw.connection
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(10)
            assert not self._thread.is_alive(), "the watch reader did not stop"

    def names(self) -> set[str]:
        return {name for _, name, _ in self.events}


def kill_9_during_writes(data_dir: Path, *flags: str, acknowledged: int = 200, writers: int = 4) -> None:
    """Start ``kubelite apiserver`` (with ``flags``), kill -9 it once ``acknowledged`` creates were acknowledged while
    ``writers`` threads keep writing, restart it on the same data dir (and storage), and check that every
    acknowledged create is there with its resourceVersion."""
    with process_server(data_dir, *flags) as running, write_load(running, writers) as load:
        load.wait_acknowledged(acknowledged)
        assert running.process is not None
        running.process.send_signal(signal.SIGKILL)
        running.process.wait()
    assert len(load.acknowledged) >= acknowledged
    with process_server(data_dir, *flags) as restarted:
        missing = lost(load.acknowledged, stored(restarted))
        assert not missing, f"{len(missing)} of {len(load.acknowledged)} acknowledged writes lost, e.g. {missing[:5]}"
