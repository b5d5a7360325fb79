"""etcd v3 over gRPC for the etcd3 storage backend: endpoints, TLS, failover and what an error means for a retry.

The backend used etcd's JSON gateway (HTTP/1.1) first; ``bench/apiserver.py --etcd-clients`` measured gRPC 1.4 to 5.6
times faster for the same requests (``docs/operations/etcd-backend.md``), so it speaks gRPC: ``grpc.aio`` channels
with the etcd protobuf stubs that the ``aetcd`` package ships (``aetcd.rpc``). aetcd's own ``Client`` is not used:
it has no TLS (it only opens insecure channels) and talks to one endpoint.

One channel per endpoint, opened lazily by gRPC, carries every request and every watch stream to that member (HTTP/2
multiplexing: 1,000 watches are 1,000 streams on one connection). Reconnection backs off at most a second, so a
restarted member is used again promptly.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import grpc  # type: ignore[import-untyped]
from aetcd import rpc  # type: ignore[import-untyped]

from kubelite.apiserver.storage.interface import StorageError

log = logging.getLogger(__name__)

#: Seconds a unary request may take.
REQUEST_TIMEOUT: Final = 30.0
#: How long a request keeps trying when no member can take it (an election, a member restarting), in seconds.
UNAVAILABLE_RETRY_SECONDS: Final = 5.0
#: The largest message sent or received (a LIST of a big namespace is one range response).
MAX_MESSAGE: Final = 2**31 - 1
#: The metadata etcd's own client sends on watches (``WithRequireLeader``): a member that loses its leader (cut off
#: from the quorum) ends such watches with "no leader" instead of leaving them silently stale.
REQUIRE_LEADER: Final = (("hasleader", "true"),)

_CHANNEL_OPTIONS: Final = (
    ("grpc.max_receive_message_length", MAX_MESSAGE),
    ("grpc.max_send_message_length", MAX_MESSAGE),
    # gRPC's default reconnect backoff grows to 2 minutes; a restarted member should be used again within a second.
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    # Notice a member that vanished (no RST, e.g. a partition) on an idle watch stream. etcd refuses pings more
    # often than every 5 s (--grpc-keepalive-min-time) and pings without a stream, so neither is done.
    ("grpc.keepalive_time_ms", 10_000),
    ("grpc.keepalive_timeout_ms", 5_000),
)

#: etcd's own answers (code UNAVAILABLE) to a request that may have been proposed, and so applied, all the same.
_AMBIGUOUS: Final = ("leader changed", "timed out", "server stopped")
#: gRPC's and etcd's messages for a request that never reached raft: safe to send to another member.
_UNSENT: Final = ("failed to connect", "connection refused", "no leader", "dns resolution failed", "name resolution")


class EtcdUnavailableError(StorageError):
    """No etcd endpoint answered."""


class EtcdAmbiguousWriteError(EtcdUnavailableError):
    """A write's connection broke after it was sent: it may or may not have been applied (so it is not retried)."""


class EtcdRequestError(StorageError):
    """etcd refused a request (a gRPC status other than "unavailable"), e.g. a read at a compacted revision."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"etcd: {message} ({code})")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class EtcdOptions:
    """How to reach etcd: ``--etcd-servers``, ``--etcd-prefix``, ``--etcd-cafile/certfile/keyfile``."""

    servers: tuple[str, ...]
    prefix: str = "/registry"
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None

    def root(self) -> str:
        """What goes before every kubelite key (which starts with ``/registry``) in etcd."""
        prefix = self.prefix.rstrip("/")
        return prefix.removesuffix("/registry")

    def check(self) -> str | None:
        """A one-line problem with these options, or None."""
        if not self.servers:
            return "--etcd-servers is required with --storage-backend=etcd3"
        for url in self.servers:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return f"--etcd-servers: {url!r} is not an http:// or https:// URL"
            try:
                parts.port  # noqa: B018  (raises for a port that is not a number)
            except ValueError:
                return f"--etcd-servers: {url!r} has a bad port"
        if bool(self.cert_file) != bool(self.key_file):
            return "--etcd-certfile and --etcd-keyfile go together"
        for flag, path in (
            ("--etcd-cafile", self.ca_file),
            ("--etcd-certfile", self.cert_file),
            ("--etcd-keyfile", self.key_file),
        ):
            if path is not None and not path.is_file():
                return f"{flag}: no such file: {path}"
        return None

    def credentials(self) -> Any:
        """gRPC channel credentials for the ``https://`` endpoints: the CA (default: gRPC's roots) and the client
        certificate when given."""
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca_file.read_bytes() if self.ca_file else None,
            private_key=self.key_file.read_bytes() if self.key_file else None,
            certificate_chain=self.cert_file.read_bytes() if self.cert_file else None,
        )


def parse_servers(value: str) -> tuple[str, ...]:
    """``--etcd-servers``: comma-separated URLs."""
    return tuple(url.strip() for url in value.split(",") if url.strip())


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One member's channel and the stubs on it."""

    url: str
    channel: Any
    kv: Any
    watch: Any
    maintenance: Any


def _endpoint(url: str, credentials: Any) -> Endpoint:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    target = f"[{host}]:{parts.port or 2379}" if ":" in host else f"{host}:{parts.port or 2379}"
    if parts.scheme == "https":
        channel = grpc.aio.secure_channel(target, credentials, options=_CHANNEL_OPTIONS)
    else:
        channel = grpc.aio.insecure_channel(target, options=_CHANNEL_OPTIONS)
    return Endpoint(url, channel, rpc.KVStub(channel), rpc.WatchStub(channel), rpc.MaintenanceStub(channel))


def is_transport_error(exc: BaseException) -> bool:
    """True for a gRPC error of the connection or the member's availability, not an answer to the request."""
    if not isinstance(exc, grpc.aio.AioRpcError):
        return False
    code = exc.code()
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return True
    # A stream cut by the peer (etcd killed) can surface as UNKNOWN ("Stream removed").
    return bool(code == grpc.StatusCode.UNKNOWN and "etcdserver" not in (exc.details() or ""))


def _unsent(exc: Any) -> bool:
    """True when a transport error says the request cannot have reached raft (nothing was proposed)."""
    details = (exc.details() or "").lower()
    return exc.code() == grpc.StatusCode.UNAVAILABLE and any(m in details for m in _UNSENT)


class EtcdConnection:
    """Channels to every ``--etcd-servers`` endpoint; requests go to the last one that answered."""

    def __init__(self, options: EtcdOptions) -> None:
        problem = options.check()
        if problem is not None:
            raise ValueError(problem)
        secure = any(url.startswith("https://") for url in options.servers)
        credentials = options.credentials() if secure else None
        self.endpoints: list[Endpoint] | None = [_endpoint(url, credentials) for url in options.servers]
        #: The index of the endpoint that answered last: where the next request and watch go first.
        self.current = 0

    @property
    def members(self) -> list[Endpoint]:
        if self.endpoints is None:
            raise RuntimeError("the storage is closed")
        return self.endpoints

    async def call(
        self, method: Callable[[Endpoint], Callable[..., Awaitable[Any]]], request: Any, *, write: bool
    ) -> Any:
        """Send ``request`` with ``method(endpoint)`` (a stub's method), moving on to the next endpoint when it cannot.

        A request that was certainly not applied (no connection, or etcd's "no leader", refused before proposing) is
        retried on the next endpoint, and when every endpoint refused, again after a pause (an election takes a
        moment), for up to ``UNAVAILABLE_RETRY_SECONDS``. So is a read whose connection broke. A write whose
        connection broke after it was sent (or that etcd answered "leader changed" or "request timed out") may have
        been applied: retrying it would turn the caller's own success into KeyExistsError or RevisionConflictError,
        so that raises :class:`EtcdAmbiguousWriteError` instead. Any other gRPC error raises EtcdRequestError.
        """
        members = self.members
        last: BaseException | None = None
        deadline = time.monotonic() + UNAVAILABLE_RETRY_SECONDS
        pause = 0.05
        while True:
            for attempt in range(len(members)):
                index = (self.current + attempt) % len(members)
                endpoint = members[index]
                try:
                    reply = await method(endpoint)(request, timeout=REQUEST_TIMEOUT)
                except grpc.aio.AioRpcError as exc:
                    details = exc.details() or ""
                    if not is_transport_error(exc):
                        raise EtcdRequestError(exc.code().name, details) from None
                    if write and (not _unsent(exc) or any(m in details for m in _AMBIGUOUS)):
                        raise EtcdAmbiguousWriteError(
                            f"etcd {endpoint.url}: {details} ({exc.code().name}); the write may have been applied"
                        ) from None
                    last = exc
                    continue
                self.current = index
                return reply
            # NB: every member at once answers "no leader" during an election; it takes a moment, so wait for it.
            if time.monotonic() + pause > deadline:
                break
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)
        urls = ", ".join(m.url for m in members)
        detail = last.details() if isinstance(last, grpc.aio.AioRpcError) else last
        raise EtcdUnavailableError(f"no etcd endpoint answered ({urls}): {detail}")

    async def close(self) -> None:
        endpoints, self.endpoints = self.endpoints, None
        for endpoint in endpoints or ():
            await endpoint.channel.close()


__all__: Sequence[str] = [
    "REQUIRE_LEADER",
    "Endpoint",
    "EtcdAmbiguousWriteError",
    "EtcdConnection",
    "EtcdOptions",
    "EtcdRequestError",
    "EtcdUnavailableError",
    "is_transport_error",
    "parse_servers",
    "rpc",
]
