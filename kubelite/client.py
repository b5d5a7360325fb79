"""A small REST client for controllers (garden, gardenlet, providers, the kubelite kubelet), on the official
``kubernetes`` client; it talks to any Kubernetes API server, kubelite or not.

The official client's typed APIs cover built-in kinds, and its custom-objects API no subresource beyond ``status``
and ``scale``; the scheduler writes ``shoots/binding`` and the controllers read and patch Gardener's kinds as plain
JSON. So this client speaks REST by path, through the official client's configuration (kubeconfig or in-cluster,
tokens, client certificates, the cluster's CA), connection pool and timeouts:

    kube = Kube.from_kubeconfig(path)
    pod = kube.get(PODS, "default", "web-0")                 # None when it does not exist
    kube.patch(PODS, "default", "web-0", {"metadata": {"labels": {...}}})
    kube.update(PODS, "default", "web-0", pod, subresource="status")
    with kube.watch(PODS, "default", revision) as stream:   # one long request, one event per line
        for event_type, obj in stream:
            ...

Calls are synchronous (kopf runs sync handlers in threads); errors are :class:`KubeError` carrying the Status.
TLS trusts the kubeconfig's CA, never process-wide bundles such as ``REQUESTS_CA_BUNDLE``.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

Object = dict[str, Any]
#: A request body: an object, or a JSON patch (a list of operations).
Body = dict[str, Any] | list[Any]

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
#: Ask the server to end each watch after this long; a watcher simply watches again from the last revision.
WATCH_TIMEOUT_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Resource:
    """A REST resource: ``Resource("core.gardener.cloud", "v1beta1", "shoots")``; the core group is ``""``."""

    group: str
    version: str
    plural: str
    namespaced: bool = True

    def collection(self, namespace: str | None = None) -> str:
        base = f"/api/{self.version}" if not self.group else f"/apis/{self.group}/{self.version}"
        if self.namespaced and namespace:
            base = f"{base}/namespaces/{quote(namespace, safe='')}"
        return f"{base}/{self.plural}"

    def item(self, namespace: str | None, name: str, subresource: str = "") -> str:
        if not name:
            raise ValueError(f"{self.plural}: the name is empty")
        path = f"{self.collection(namespace)}/{quote(name, safe='')}"
        return f"{path}/{subresource}" if subresource else path

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


class KubeError(Exception):
    """A failed request: the HTTP status, and the ``kind: Status`` reason and message when the server sent one."""

    def __init__(self, method: str, path: str, status: int, reason: str, message: str) -> None:
        super().__init__(f"{method} {path}: {status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message

    @property
    def not_found(self) -> bool:
        return self.status == 404

    @property
    def conflict(self) -> bool:
        return self.status == 409

    @property
    def gone(self) -> bool:
        return self.status == 410


class Kube:
    def __init__(self, api_client: Any) -> None:
        self._client = api_client
        # NB: the official client's urllib3 pool is shared across threads; its param_serialize is not re-entrant.
        self._lock = threading.Lock()

    @classmethod
    def from_kubeconfig(cls, kubeconfig: Path | None = None) -> Kube:
        """From a kubeconfig file, or, without one, the pod's service account (in-cluster config).

        Raises ``kubernetes.config.ConfigException`` when the configuration cannot be loaded.
        """
        import kubernetes  # noqa: PLC0415  (heavy; imported by the processes that talk to a cluster)

        load_incluster: Callable[..., None] = kubernetes.config.load_incluster_config
        load_kubeconfig: Callable[..., None] = kubernetes.config.load_kube_config
        configuration = kubernetes.client.Configuration()
        if kubeconfig is None:
            load_incluster(client_configuration=configuration)
        else:
            load_kubeconfig(config_file=str(kubeconfig), client_configuration=configuration)
        configuration.connection_pool_maxsize = 16
        return cls(kubernetes.client.ApiClient(configuration))

    def close(self) -> None:
        self._client.close()

    @property
    def configuration(self) -> Any:
        """The official client's ``Configuration`` (host, credentials, CA) this client talks with."""
        return self._client.configuration

    # -- verbs ------------------------------------------------------------------------------------------------------

    def get(self, resource: Resource, namespace: str | None, name: str, subresource: str = "") -> Object | None:
        """The object, or None when it does not exist."""
        try:
            return self.request("GET", resource.item(namespace, name, subresource))
        except KubeError as exc:
            if exc.not_found:
                return None
            raise

    def list(
        self,
        resource: Resource,
        namespace: str | None = None,
        *,
        label_selector: str = "",
        field_selector: str = "",
    ) -> list[Object]:
        """Every object (following ``continue``), in a namespace or everywhere."""
        return list(self.iterate(resource, namespace, label_selector=label_selector, field_selector=field_selector))

    def iterate(
        self,
        resource: Resource,
        namespace: str | None = None,
        *,
        label_selector: str = "",
        field_selector: str = "",
        page: int = 500,
    ) -> Iterator[Object]:
        for listed in self._pages(resource, namespace, label_selector, field_selector, page):
            yield from listed.get("items") or []

    def list_at_revision(
        self,
        resource: Resource,
        namespace: str | None = None,
        *,
        label_selector: str = "",
        field_selector: str = "",
        page: int = 500,
    ) -> tuple[builtins.list[Object], str]:
        """Every object and the list's resourceVersion, the revision a watch continues from.

        Items carry ``apiVersion`` and ``kind`` (a list's items have neither on the wire; watch events have both),
        so listed and watched objects look alike.
        """
        items: builtins.list[Object] = []
        revision = ""
        for listed in self._pages(resource, namespace, label_selector, field_selector, page):
            kind = str(listed.get("kind", "")).removesuffix("List")
            for item in listed.get("items") or []:
                item.setdefault("apiVersion", resource.api_version)
                item.setdefault("kind", kind)
                items.append(item)
            # NB: later pages repeat the first page's revision (a paged list is one snapshot); keep the first.
            revision = revision or str((listed.get("metadata") or {}).get("resourceVersion", ""))
        return items, revision

    def _pages(
        self, resource: Resource, namespace: str | None, label_selector: str, field_selector: str, page: int
    ) -> Iterator[Object]:
        token = ""
        while True:
            query: dict[str, str | int] = {"limit": page}
            if label_selector:
                query["labelSelector"] = label_selector
            if field_selector:
                query["fieldSelector"] = field_selector
            if token:
                query["continue"] = token
            listed = self.request("GET", resource.collection(namespace), query=query)
            yield listed
            token = (listed.get("metadata") or {}).get("continue") or ""
            if not token:
                return

    def watch(
        self,
        resource: Resource,
        namespace: str | None = None,
        resource_version: str = "",
        *,
        field_selector: str = "",
        label_selector: str = "",
        timeout: int = WATCH_TIMEOUT_SECONDS,
        bookmarks: bool = True,
    ) -> WatchStream:
        """A watch from ``resource_version``: iterate the stream for ``(type, object)`` events as they arrive.

        ``type`` is ADDED, MODIFIED, DELETED or BOOKMARK (a bookmark only moves the revision on). The stream ends
        when the server ends the watch (after ``timeout`` seconds); an ERROR event, such as ``410 Gone`` for a
        compacted revision, raises :class:`KubeError` with its code, as does a watch the server refuses outright.
        """
        query: dict[str, str | int] = {"watch": "true", "timeoutSeconds": timeout}
        if resource_version:
            query["resourceVersion"] = resource_version
        if bookmarks:
            query["allowWatchBookmarks"] = "true"
        if field_selector:
            query["fieldSelector"] = field_selector
        if label_selector:
            query["labelSelector"] = label_selector
        return WatchStream(self.configuration, resource.collection(namespace), query, timeout)

    def create(self, resource: Resource, namespace: str | None, body: Object) -> Object:
        return self.request("POST", resource.collection(namespace), body)

    def update(
        self, resource: Resource, namespace: str | None, name: str, body: Object, *, subresource: str = ""
    ) -> Object:
        """PUT (the body's resourceVersion makes it a compare-and-swap)."""
        return self.request("PUT", resource.item(namespace, name, subresource), body)

    def patch(
        self,
        resource: Resource,
        namespace: str | None,
        name: str,
        patch: Body,
        *,
        subresource: str = "",
        content_type: str = MERGE_PATCH,
    ) -> Object:
        return self.request("PATCH", resource.item(namespace, name, subresource), patch, content_type=content_type)

    def delete(self, resource: Resource, namespace: str | None, name: str, *, missing_ok: bool = True) -> None:
        try:
            self.request("DELETE", resource.item(namespace, name))
        except KubeError as exc:
            if not (missing_ok and exc.not_found):
                raise

    def request(
        self,
        method: str,
        path: str,
        body: Body | None = None,
        *,
        query: Mapping[str, str | int] | None = None,
        content_type: str = "application/json",
    ) -> Object:
        """One request; the decoded JSON answer, or :class:`KubeError`."""
        headers = {"Accept": "application/json"}
        data: Body | str | None = None
        if body is not None:
            headers["Content-Type"] = content_type
            # NB: the official client JSON-encodes bodies of any JSON content type itself; others go as text.
            data = body if "json" in content_type else json.dumps(body)
        with self._lock:  # NB: the official client's param_serialize is not re-entrant
            serialized = self._client.param_serialize(
                method, _with_query(path, query), header_params=headers, auth_settings=["BearerToken"]
            )
        try:
            response = _send(self._client, serialized, data, READ_TIMEOUT)
            raw: bytes = response.read()
        except Exception as exc:  # urllib3 errors; the client wraps some in ApiException
            raise KubeError(method, path, 0, type(exc).__name__, str(exc)) from exc
        if not 200 <= response.status <= 299:
            reason, message = _status(raw)
            raise KubeError(method, path, response.status, reason, message)
        if not raw:
            return {}
        try:
            decoded = json.loads(raw)
        except ValueError as exc:
            raise KubeError(method, path, response.status, "BadResponse", f"the answer is not JSON: {exc}") from exc
        if not isinstance(decoded, dict):
            raise KubeError(method, path, response.status, "BadResponse", "the answer is not a JSON object")
        return decoded


def _with_query(path: str, query: Mapping[str, str | int] | None) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _send(api: Any, serialized: tuple[Any, ...], data: Body | str | None, read_timeout: float) -> Any:
    """Send a serialized request through the official client; the response, its body not yet read."""
    verb, url, headers, _, post = serialized
    return api.call_api(verb, url, headers, data, post, _request_timeout=(CONNECT_TIMEOUT, read_timeout))


class WatchStream:
    """One watch request: iterate it for ``(type, object)`` events; :meth:`close` (from any thread) ends it.

    Each stream has a connection pool of its own, built from the client's ``Configuration`` (credentials, CA,
    client certificate), so a long-lived watch never holds a connection the client's other calls wait for, and
    closing it cannot disturb them. Blocking by nature: an asyncio caller reads it in a thread and closes it to
    wake that thread (:class:`kubelite.kubelet.informer.Informer` does).
    """

    def __init__(self, configuration: Any, path: str, query: Mapping[str, str | int], timeout: int) -> None:
        import kubernetes  # noqa: PLC0415  (heavy; only processes that talk to a cluster need it)

        self._api = kubernetes.client.ApiClient(configuration)
        self.path = path
        self._query = dict(query)
        self._timeout = timeout
        self._response: Any = None
        self._closed = threading.Event()

    def __enter__(self) -> WatchStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[tuple[str, Object]]:
        serialized = self._api.param_serialize(
            "GET",
            _with_query(self.path, self._query),
            header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
        )
        try:
            # NB: the read timeout outlives the server's timeoutSeconds, so a healthy watch is never cut by us.
            response = _send(self._api, serialized, None, self._timeout + 30)
        except Exception as exc:  # urllib3 errors
            raise KubeError("WATCH", self.path, 0, type(exc).__name__, str(exc)) from exc
        self._response = response.response
        if self._closed.is_set():
            self._response.release_conn()
            return
        if not 200 <= response.status <= 299:
            reason, message = _status(response.read())
            raise KubeError("WATCH", self.path, response.status, reason, message)
        buffer = b""
        try:
            for chunk in self._response.stream(amt=None, decode_content=True):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        yield self._decode(line)
        except KubeError:
            raise
        except Exception as exc:
            if self._closed.is_set():
                return
            raise KubeError("WATCH", self.path, 0, type(exc).__name__, str(exc)) from exc
        finally:
            self._response.release_conn()

    def _decode(self, line: bytes) -> tuple[str, Object]:
        try:
            event = json.loads(line)
        except ValueError as exc:
            raise KubeError("WATCH", self.path, 0, "BadResponse", f"a watch event is not JSON: {exc}") from exc
        if not isinstance(event, dict) or not isinstance(event.get("object"), dict):
            raise KubeError("WATCH", self.path, 0, "BadResponse", "a watch event without an object")
        event_type, obj = str(event.get("type", "")), event["object"]
        if event_type == "ERROR":
            code = int(obj.get("code") or 0)
            raise KubeError("WATCH", self.path, code, str(obj.get("reason", "")), str(obj.get("message", "")))
        return event_type, obj

    def close(self) -> None:
        self._closed.set()
        response = self._response
        if response is not None:
            with contextlib.suppress(Exception):  # already closed: nothing left to wake
                response.shutdown()  # wakes a reader blocked on the socket (urllib3 >= 2.3)
        self._api.close()  # type: ignore[no-untyped-call]


def _status(raw: bytes) -> tuple[str, str]:
    try:
        body = json.loads(raw)
    except ValueError:
        return "", raw[:200].decode("utf-8", "replace")
    if isinstance(body, dict):
        return str(body.get("reason") or ""), str(body.get("message") or "")
    return "", raw[:200].decode("utf-8", "replace")


NAMESPACES = Resource("", "v1", "namespaces", namespaced=False)
NODES = Resource("", "v1", "nodes", namespaced=False)
PODS = Resource("", "v1", "pods")
SERVICES = Resource("", "v1", "services")
ENDPOINTS = Resource("", "v1", "endpoints")
SECRETS = Resource("", "v1", "secrets")
CONFIGMAPS = Resource("", "v1", "configmaps")
EVENTS = Resource("", "v1", "events")
LEASES = Resource("coordination.k8s.io", "v1", "leases")
DEPLOYMENTS = Resource("apps", "v1", "deployments")
REPLICASETS = Resource("apps", "v1", "replicasets")
STATEFULSETS = Resource("apps", "v1", "statefulsets")
DAEMONSETS = Resource("apps", "v1", "daemonsets")
CONTROLLERREVISIONS = Resource("apps", "v1", "controllerrevisions")
ENDPOINTSLICES = Resource("discovery.k8s.io", "v1", "endpointslices")
PERSISTENTVOLUMECLAIMS = Resource("", "v1", "persistentvolumeclaims")
