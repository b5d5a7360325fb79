"""A streaming watch on the official client's connection settings, for the informers.

:class:`kubelite.client.Kube` answers one JSON document per request; a watch is a long-lived chunked response of
one JSON event per line, which it cannot hand out. This module opens that response through an ``ApiClient`` built
from the same ``Configuration`` (credentials, CA, client certificates), so a watch trusts and authenticates
exactly as the client's other calls do, and yields the decoded events as they arrive.

Blocking by nature: informers run it in a thread of their own, and stop it by closing the stream
(:meth:`WatchStream.close`), which wakes the thread blocked in ``read``.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from kubelite.client import CONNECT_TIMEOUT, Kube, KubeError, Object

#: Ask the server to end each watch after this long; the informer simply watches again from the last revision.
WATCH_TIMEOUT_SECONDS = 300


class WatchStream:
    """One watch request: iterate for ``(type, object)`` events; close from any thread to end it."""

    def __init__(self, kube: Kube, path: str, query: Mapping[str, str | int]) -> None:
        import kubernetes  # noqa: PLC0415  (heavy; only processes that talk to a cluster need it)

        self._api = kubernetes.client.ApiClient(kube.configuration)
        self._path = path
        self._query = query
        self._response: Any = None
        self._closed = threading.Event()

    def events(self) -> Iterator[tuple[str, Object]]:
        url_path = f"{self._path}?{urlencode(self._query)}"
        verb, url, headers, _, post = self._api.param_serialize(
            "GET", url_path, header_params={"Accept": "application/json"}, auth_settings=["BearerToken"]
        )
        try:
            # NB: the read timeout outlives the server's timeoutSeconds, so a healthy watch is never cut by us.
            response = self._api.call_api(
                verb, url, headers, None, post, _request_timeout=(CONNECT_TIMEOUT, WATCH_TIMEOUT_SECONDS + 30)
            )
        except Exception as exc:  # urllib3 errors
            raise KubeError("WATCH", self._path, 0, type(exc).__name__, str(exc)) from exc
        self._response = response.response
        if self._closed.is_set():
            self._response.release_conn()
            return
        if not 200 <= response.status <= 299:
            raw: bytes = response.read()  # type: ignore[no-untyped-call]
            raise KubeError("WATCH", self._path, response.status, "", raw[:300].decode("utf-8", "replace"))
        buffer = b""
        try:
            for chunk in self._response.stream(amt=None, decode_content=True):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        yield _decode(line)
        except Exception as exc:
            if self._closed.is_set():
                return
            raise KubeError("WATCH", self._path, 0, type(exc).__name__, str(exc)) from exc
        finally:
            self._response.release_conn()

    def close(self) -> None:
        self._closed.set()
        response = self._response
        if response is not None:
            with contextlib.suppress(Exception):  # already closed: nothing left to wake
                response.shutdown()  # wakes a reader blocked on the socket (urllib3 >= 2.3)
        self._api.close()  # type: ignore[no-untyped-call]


def _decode(line: bytes) -> tuple[str, Object]:
    try:
        event = json.loads(line)
    except ValueError as exc:
        raise KubeError("WATCH", "", 0, "BadResponse", f"a watch event is not JSON: {exc}") from exc
    if not isinstance(event, dict) or not isinstance(event.get("object"), dict):
        raise KubeError("WATCH", "", 0, "BadResponse", "a watch event without an object")
    return str(event.get("type", "")), event["object"]
