"""The Pods bound to this node, kept current by list + watch (``fieldSelector=spec.nodeName=<node>``), as the
upstream kubelet's pod source.

Asynchronous (aiohttp) on the connection settings of the official client's ``Configuration`` (server, bearer token,
CA, client certificate), so a watch is cancelled by cancelling its task. On ``410 Gone`` or any error the cache is
listed again after a short pause. ``on_change`` is called with each pod's uid whenever it changed or vanished.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections.abc import Callable
from typing import Any

import aiohttp

from kubelite.client import PODS, Object

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
WATCH_SECONDS = 300


def session_for(configuration: Any) -> tuple[str, dict[str, str], ssl.SSLContext | bool]:
    """(base URL, headers, TLS context) of the official client's ``Configuration``."""
    headers = {"Accept": "application/json"}
    token = (configuration.api_key or {}).get("authorization") or (configuration.api_key or {}).get("BearerToken")
    if token:
        prefix = (configuration.api_key_prefix or {}).get("authorization", "")
        headers["Authorization"] = f"{prefix} {token}".strip() if prefix else str(token)
        if not headers["Authorization"].lower().startswith("bearer "):
            headers["Authorization"] = f"Bearer {headers['Authorization']}"
    context: ssl.SSLContext | bool = False
    if str(configuration.host).startswith("https"):
        if configuration.verify_ssl:
            context = ssl.create_default_context(cafile=configuration.ssl_ca_cert or None)
        else:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if configuration.cert_file:
            context.load_cert_chain(configuration.cert_file, configuration.key_file)
    return str(configuration.host).rstrip("/"), headers, context


class PodSource:
    def __init__(self, configuration: Any, node_name: str, on_change: Callable[[str], None]) -> None:
        self.base, self.headers, self.ssl = session_for(configuration)
        self.node_name = node_name
        self.on_change = on_change
        self.pods: dict[str, Object] = {}
        self.synced = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=WATCH_SECONDS + 30)
        async with aiohttp.ClientSession(headers=self.headers, timeout=timeout) as session:
            while not stop.is_set():
                try:
                    revision = await self._list(session)
                    await self._watch(session, revision, stop)
                except (aiohttp.ClientError, OSError, ValueError, _Gone) as exc:
                    logger.info("pods of node %s: %s; listing again", self.node_name, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), RETRY_SECONDS)

    def _query(self) -> dict[str, str]:
        return {"fieldSelector": f"spec.nodeName={self.node_name}"}

    async def _list(self, session: aiohttp.ClientSession) -> str:
        url = f"{self.base}{PODS.collection()}"
        async with session.get(url, params=self._query(), ssl=self.ssl) as response:
            if response.status != 200:
                raise ValueError(f"listing pods answered {response.status}: {(await response.text())[:200]}")
            listed = await response.json()
        fresh = {item["metadata"]["uid"]: item for item in listed.get("items") or []}
        gone = set(self.pods) - set(fresh)
        for uid in gone:
            del self.pods[uid]
        self.pods.update(fresh)
        for uid in gone | set(fresh):
            self.on_change(uid)
        self.synced.set()
        return str((listed.get("metadata") or {}).get("resourceVersion", ""))

    async def _watch(self, session: aiohttp.ClientSession, revision: str, stop: asyncio.Event) -> None:
        url = f"{self.base}{PODS.collection()}"
        while not stop.is_set():
            params = {
                **self._query(),
                "watch": "true",
                "resourceVersion": revision,
                "allowWatchBookmarks": "true",
                "timeoutSeconds": str(WATCH_SECONDS),
            }
            async with session.get(url, params=params, ssl=self.ssl) as response:
                if response.status == 410:
                    raise _Gone("the watch revision was compacted")
                if response.status != 200:
                    raise ValueError(f"watching pods answered {response.status}")
                stopping = asyncio.ensure_future(stop.wait())
                try:
                    while True:
                        reading = asyncio.ensure_future(response.content.readline())
                        done, _ = await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
                        if reading not in done:
                            reading.cancel()
                            return
                        line = reading.result()
                        if not line:
                            break
                        if line.strip():
                            revision = self._apply(json.loads(line)) or revision
                finally:
                    stopping.cancel()

    def _apply(self, event: dict[str, Any]) -> str:
        kind, obj = event.get("type"), event.get("object") or {}
        if kind == "ERROR":
            if obj.get("code") == 410:
                raise _Gone(str(obj.get("message") or "the watch revision was compacted"))
            raise ValueError(f"watch error: {obj.get('message')}")
        meta = obj.get("metadata") or {}
        if kind == "BOOKMARK":
            return str(meta.get("resourceVersion", ""))
        uid = meta.get("uid", "")
        if kind == "DELETED":
            self.pods.pop(uid, None)
        else:
            self.pods[uid] = obj
        self.on_change(uid)
        return str(meta.get("resourceVersion", ""))


class _Gone(Exception):
    pass
