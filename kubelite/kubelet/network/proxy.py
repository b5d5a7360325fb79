"""The service proxy: kube-proxy's userspace mode in asyncio, and the keeper of the names table.

For every Service with a loopback VIP it listens on each TCP port (:mod:`.proxy_rules`) and splices each accepted
connection to a ready endpoint, round-robin; an endpoint that refuses is skipped for the next one, and a connection
with no endpoint left is closed (the client sees a reset rather than a hang). Listeners follow the Services: new
ports open, removed ones close, and a changed endpoint set applies to the next connection. LoadBalancer Services get
``status.loadBalancer.ingress`` pointing at the VIP, so the host knows where to connect. The names table
(:mod:`.names`) is rewritten whenever Services, Endpoints or pods change what it says.

Watches come from the controllers' informers; every change only marks the proxy dirty, and one sync then compares
what should be served with what is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from kubelite.client import ENDPOINTS, PODS, SERVICES, Kube, KubeError, Object
from kubelite.kubelet.informer import Informer
from kubelite.kubelet.network.names import names_table, write_table
from kubelite.kubelet.network.proxy_rules import Listen, Rule, load_balancer_ingress, rules

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
CHUNK = 64 * 1024
#: A listener that could not bind (the address in use) is tried again this often.
RETRY_SECONDS = 2.0


class _Listener:
    """One listening socket and the backends its connections go to (replaced in place on changes)."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.server: asyncio.Server | None = None
        self._next = 0
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, self.rule.listen.host, self.rule.listen.port)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await self.server.wait_closed()
        for task in list(self._connections):
            task.cancel()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            upstream = await self._connect()
            if upstream is None:
                return
            up_reader, up_writer = upstream
            try:
                await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
            finally:
                up_writer.close()
        except asyncio.CancelledError:
            pass
        finally:
            writer.close()
            if task is not None:
                self._connections.discard(task)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """A connection to the next backend that accepts, trying each at most once."""
        backends = self.rule.backends
        for attempt in range(len(backends)):
            host, port = backends[(self._next + attempt) % len(backends)]
            try:
                connection = await asyncio.wait_for(asyncio.open_connection(host, port), CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                log.debug("%s: endpoint %s:%d refused: %s", self.rule.service, host, port, exc)
                continue
            self._next = (self._next + attempt + 1) % len(backends)
            return connection
        log.info("%s port %r: no endpoint accepts; closing the connection", self.rule.service, self.rule.port_name)
        return None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        writer.close()


class ServiceProxy:
    def __init__(self, kube: Kube, names_path: Path, services: Informer, endpoints: Informer, pods: Informer) -> None:
        self.kube = kube
        self.names_path = names_path
        self.services = services
        self.endpoints = endpoints
        self.pods = pods
        self.listeners: dict[Listen, _Listener] = {}
        self.dirty = asyncio.Event()
        for informer in (services, endpoints, pods):
            informer.subscribe(lambda old, new: self.dirty.set())

    async def sync(self) -> bool:
        """Serve what the Services say; False when some listener could not open (try again later)."""
        wanted = {rule.listen: rule for rule in rules(self.services.list(), self.endpoints.list())}
        for listen in [a for a in self.listeners if a not in wanted]:
            await self.listeners.pop(listen).close()
        complete = True
        for listen, rule in wanted.items():
            listener = self.listeners.get(listen)
            if listener is not None:
                listener.rule = rule
                continue
            listener = _Listener(rule)
            try:
                await listener.start()
            except OSError as exc:
                log.warning("%s: cannot listen on %s:%d: %s", rule.service, listen.host, listen.port, exc)
                complete = False
                continue
            self.listeners[listen] = listener
        write_table(self.names_path, names_table(self.services.list(), self.endpoints.list(), self.pods.list()))
        await self._load_balancers()
        return complete

    async def _load_balancers(self) -> None:
        for service in self.services.list():
            ingress = load_balancer_ingress(service)
            if ingress is None:
                continue
            if ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") == ingress:
                continue
            metadata = service["metadata"]
            try:
                updated: Object = await asyncio.to_thread(
                    self.kube.patch,
                    SERVICES,
                    metadata["namespace"],
                    metadata["name"],
                    {"status": {"loadBalancer": {"ingress": ingress}}},
                    subresource="status",
                )
            except KubeError as exc:
                log.warning("service %s/%s: cannot set its ingress: %s", metadata["namespace"], metadata["name"], exc)
                continue
            self.services.apply(updated)

    async def close(self) -> None:
        for listener in self.listeners.values():
            await listener.close()
        self.listeners.clear()


async def run_service_proxy(kube: Kube, names_path: Path, stop: asyncio.Event, *, resync: float = 300.0) -> None:
    """Proxy every Service's ports and keep the names table at ``names_path`` until ``stop`` is set."""
    services = Informer(kube, SERVICES, resync=resync)
    endpoints = Informer(kube, ENDPOINTS, resync=resync)
    pods = Informer(kube, PODS, resync=resync)
    proxy = ServiceProxy(kube, names_path, services, endpoints, pods)
    tasks = [asyncio.ensure_future(i.run(stop)) for i in (services, endpoints, pods)]
    try:
        for informer in (services, endpoints, pods):
            waiting = asyncio.ensure_future(informer.synced.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait([waiting, stopping], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            stopping.cancel()
            if stop.is_set():
                return
        proxy.dirty.set()
        while not stop.is_set():
            dirty = asyncio.ensure_future(proxy.dirty.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait([dirty, stopping], return_when=asyncio.FIRST_COMPLETED)
            dirty.cancel()
            stopping.cancel()
            if stop.is_set():
                break
            proxy.dirty.clear()
            try:
                complete = await proxy.sync()
            except Exception:
                log.exception("service proxy: the sync failed; trying again")
                complete = False
            if not complete:
                asyncio.get_running_loop().call_later(RETRY_SECONDS, proxy.dirty.set)
    finally:
        await proxy.close()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
