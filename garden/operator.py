"""Running the garden's kopf operators: one registry per controller, all in one process and event loop.

Each controller builds its own :class:`kopf.OperatorRegistry` (so ``garden controller-manager`` can run any subset,
and tests one at a time); :func:`new_registry` gives it the login from the process's :class:`~garden.kube.Kube`
and the settings every garden controller shares:

* standalone (no peering objects): one replica per controller; leader election is for a later day;
* no progress or diff-base annotations written onto Gardener's objects: the controllers are level-based
  (``on.event``, timers) and read what they need from the objects themselves;
* events posted for warnings and above only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import kopf

from garden.kube import Kube

log = logging.getLogger(__name__)


def connection_info(kube: Kube) -> kopf.ConnectionInfo:
    """What kopf needs to reach the cluster ``kube`` talks to, with the same credentials and CA."""
    config = kube.configuration
    token = (config.api_key or {}).get("authorization") or (config.api_key or {}).get("BearerToken")
    if token:
        token = token.removeprefix("Bearer ").strip()
    return kopf.ConnectionInfo(
        server=config.host,
        ca_path=config.ssl_ca_cert,
        insecure=not config.verify_ssl,
        token=token or None,
        certificate_path=config.cert_file,
        private_key_path=config.key_file,
        default_namespace=None,
    )


def new_registry(kube: Kube) -> kopf.OperatorRegistry:
    registry = kopf.OperatorRegistry()

    @kopf.on.login(registry=registry)
    def login(**_: Any) -> kopf.ConnectionInfo:
        return connection_info(kube)

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.posting.level = logging.WARNING
        settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix="garden.gardener.cloud")
        settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(prefix="garden.gardener.cloud")
        settings.watching.server_timeout = 300
        settings.networking.request_timeout = 60

    return registry


async def run(registries: Sequence[kopf.OperatorRegistry], stop: asyncio.Event | threading.Event) -> None:
    """Run every registry as its own operator until ``stop`` is set."""
    await asyncio.gather(
        *(
            kopf.operator(registry=registry, standalone=True, clusterwide=True, stop_flag=stop)
            for registry in registries
        )
    )


@contextlib.contextmanager
def running(registries: Sequence[kopf.OperatorRegistry]) -> Iterator[threading.Thread]:
    """Run the registries in a background thread with its own event loop for the duration of the block."""
    stop = threading.Event()
    failure: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(run(registries, stop))
        except BaseException as exc:  # reported by the caller on exit
            failure.append(exc)

    thread = threading.Thread(target=main, name="garden-operators", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(30)
        if failure:
            raise RuntimeError("the operators failed") from failure[0]


__all__ = ["connection_info", "new_registry", "run", "running"]
