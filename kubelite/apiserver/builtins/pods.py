"""The Pod subresources a kubelet, a scheduler and a drain need: ``pods/binding``, ``pods/log``, ``pods/eviction``.

``POST pods/<name>/binding`` with a v1 ``Binding`` assigns a pending pod to a node, once: it sets ``spec.nodeName``
and the ``PodScheduled`` condition in one write, and answers 409 when the pod is already assigned, as
kube-apiserver does.

``GET pods/<name>/log`` is answered by the kubelet of the pod's node: the API server finds the node's address
(``InternalIP``) and kubelet port (``status.daemonEndpoints.kubeletEndpoint.Port``) and streams
``http://<address>:<port>/containerLogs/<namespace>/<pod>/<container>`` back, query options included (follow,
tailLines, sinceSeconds, sinceTime, timestamps, previous, limitBytes). Unlike kube-apiserver it speaks plain HTTP
to the kubelet, which the kubelite kubelet serves on loopback only; authenticating that hop is left to the
security work (client certificates for kubelets).
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

import aiohttp
from aiohttp import web

from kubelite.apiserver import errors
from kubelite.apiserver.builtins.disruption import budget, is_healthy
from kubelite.apiserver.errors import APIError, Resource
from kubelite.apiserver.http.bodies import read_object, respond
from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.objects import Object, meta
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.selectors import LabelSelector, SelectorError
from kubelite.apiserver.storage import RevisionConflictError
from kubelite.apiserver.store import DeleteOptions, ListQuery, RequestContext, Store
from kubelite.apiserver.store.base import CAS_RETRIES

#: The query parameters of pods/log that the kubelet's containerLogs endpoint understands.
LOG_OPTIONS = ("follow", "tailLines", "sinceSeconds", "sinceTime", "timestamps", "previous", "limitBytes")
_KUBELET_CONNECT_SECONDS = 5.0
_PODS = Resource("", "pods")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _PodSubresource:
    """A pods/<subresource> handler: one verb, served by :meth:`handle`."""

    verb = "create"
    name = ""

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry

    async def __call__(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        if info.verb != self.verb:
            raise errors.method_not_allowed(f"{info.verb} is not supported on pods/{self.name}")
        return await self.handle(request, rt, info, ctx)

    async def handle(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        raise NotImplementedError


class BindingHandler(_PodSubresource):
    name = "binding"

    async def handle(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        body = await read_object(request)
        node = self._target_node(body, info)
        for _ in range(CAS_RETRIES):
            current, old = await self.store.read_current(rt, info.namespace, info.name)
            expected_uid = (meta(body).get("uid") or "") if isinstance(body.get("metadata"), dict) else ""
            if expected_uid and expected_uid != meta(old).get("uid"):
                raise errors.conflict(_PODS, info.name, f"Precondition failed: UID in precondition: {expected_uid}")
            if meta(old).get("deletionTimestamp"):
                raise errors.conflict(_PODS, info.name, "pod is being deleted, cannot be assigned to a host")
            assigned = (old.get("spec") or {}).get("nodeName")
            if assigned:
                raise errors.conflict(_PODS, info.name, f"pod {info.name} is already assigned to node {assigned!r}")
            new = copy.deepcopy(old)
            new["spec"]["nodeName"] = node
            _set_scheduled(new)
            try:
                await self.store.replace(rt, current, old, new, ctx, subresource="binding")
            except RevisionConflictError:
                continue
            return respond(
                {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201
            )
        raise self.store.conflict_error(rt, info.name)

    @staticmethod
    def _target_node(body: Object, info: RequestInfo) -> str:
        target = body.get("target")
        problems = []
        if body.get("kind") not in (None, "Binding"):
            raise errors.bad_request(f"expected a Binding, got {body.get('kind')}")
        name = meta(body).get("name") if isinstance(body.get("metadata"), dict) else None
        if name and name != info.name:
            raise errors.bad_request(f"the name of the binding ({name}) does not match the pod ({info.name})")
        if not isinstance(target, dict) or not target.get("name"):
            problems.append(errors.required("target.name"))
        elif target.get("kind") not in (None, "", "Node"):
            problems.append(errors.not_supported("target.kind", target.get("kind"), ["Node"]))
        if problems:
            raise errors.invalid_object("Binding", "", info.name, problems)
        assert isinstance(target, dict)
        return str(target["name"])


def _set_scheduled(pod: Object) -> None:
    status = pod.setdefault("status", {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
    conditions.append({"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": _now()})
    status["conditions"] = conditions


class LogHandler(_PodSubresource):
    verb = "get"
    name = "log"

    async def handle(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        pod = await self.store.get(rt, info.namespace, info.name)
        container = self._container(pod, request.query.get("container"))
        node_name = (pod.get("spec") or {}).get("nodeName")
        if not node_name:
            raise errors.bad_request(f"pod {info.name} does not have a host assigned")
        url = await self._kubelet_url(str(node_name))
        query = {k: v for k, v in request.query.items() if k in LOG_OPTIONS}
        path = f"/containerLogs/{info.namespace}/{info.name}/{container}"
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=_KUBELET_CONNECT_SECONDS)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(url + path, params=query) as upstream,
            ):
                if upstream.status != 200:
                    text = (await upstream.text()).strip()
                    raise APIError(upstream.status, _reason(upstream.status), text or upstream.reason or "")
                response = web.StreamResponse(status=200, headers={"Content-Type": "text/plain"})
                await response.prepare(request)
                async for chunk in upstream.content.iter_any():
                    await response.write(chunk)
                await response.write_eof()
                return response
        except aiohttp.ClientError as exc:
            raise errors.internal(f"Get {url + path}: {exc}") from None

    @staticmethod
    def _container(pod: Object, requested: str | None) -> str:
        spec = pod.get("spec") or {}
        names = [c.get("name") for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])]
        name = meta(pod)["name"]
        if requested:
            if requested not in names:
                raise errors.bad_request(f"container {requested} is not valid for pod {name}")
            return requested
        default = (meta(pod).get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        if default in names:
            return str(default)
        regular = [c.get("name") for c in spec.get("containers") or []]
        if len(regular) == 1:
            return str(regular[0])
        raise errors.bad_request(
            f"a container name must be specified for pod {name}, choose one of: [{' '.join(map(str, regular))}]"
        )

    async def _kubelet_url(self, node_name: str) -> str:
        nodes = self.registry.get("", "v1", "nodes")
        assert nodes is not None
        try:
            node = await self.store.get(nodes, None, node_name)
        except APIError as exc:
            if exc.code == 404:
                raise errors.bad_request(f"node {node_name} of the pod is not registered") from None
            raise
        status: dict[str, Any] = node.get("status") or {}
        port = ((status.get("daemonEndpoints") or {}).get("kubeletEndpoint") or {}).get("Port")
        addresses = {a.get("type"): a.get("address") for a in status.get("addresses") or [] if isinstance(a, dict)}
        host = addresses.get("InternalIP") or addresses.get("Hostname")
        if not port or not host:
            raise errors.bad_request(f"node {node_name} does not advertise a kubelet endpoint")
        return f"http://{f'[{host}]' if ':' in str(host) else host}:{port}"


def _reason(code: int) -> str:
    return {400: "BadRequest", 404: "NotFound", 403: "Forbidden"}.get(code, "InternalError")


class EvictionHandler(_PodSubresource):
    """``POST pods/<name>/eviction``: delete a pod unless that would break its PodDisruptionBudget (429 then).

    Pods that are not running (Pending, Succeeded, Failed) or already being deleted go regardless, as upstream. More
    than one budget over a pod is refused (500), as upstream. The budget's figures are computed here (see
    :mod:`kubelite.apiserver.builtins.disruption`) and written to its status.
    """

    name = "eviction"

    async def handle(
        self, request: web.Request, rt: ResourceType, info: RequestInfo, ctx: RequestContext
    ) -> web.StreamResponse:
        body = await read_object(request)
        if body.get("kind") not in (None, "Eviction"):
            raise errors.bad_request(f"expected an Eviction, got {body.get('kind')}")
        name = meta(body).get("name") if isinstance(body.get("metadata"), dict) else None
        if name and name != info.name:
            raise errors.bad_request(f"name in URL does not match name in Eviction object ({name} != {info.name})")
        options = DeleteOptions.parse(body.get("deleteOptions"), {})
        pod = await self.store.get(rt, info.namespace, info.name)
        phase = (pod.get("status") or {}).get("phase")
        if phase == "Running" and not meta(pod).get("deletionTimestamp"):
            await self._claim_disruption(pod, info, ctx)
        await self.store.delete(rt, info.namespace, info.name, options, ctx)
        return respond({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)

    async def _claim_disruption(self, pod: Object, info: RequestInfo, ctx: RequestContext) -> None:
        pdbs_rt = self.registry.get("policy", "v1", "poddisruptionbudgets")
        assert pdbs_rt is not None
        listed = await self.store.list(pdbs_rt, info.namespace, ListQuery.parse({}))
        labels = meta(pod).get("labels") or {}
        matching = [b for b in listed["items"] if _selects((b.get("spec") or {}).get("selector"), labels)]
        if not matching:
            return
        if len(matching) > 1:
            raise errors.internal(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
            )
        pdb = matching[0]
        selector = LabelSelector.from_dict((pdb.get("spec") or {}).get("selector"))
        pods = await self.store.list(_pods(self.registry), info.namespace, ListQuery.parse({}))
        figures = budget(pdb, [p for p in pods["items"] if selector.matches(meta(p).get("labels") or {})])
        if not is_healthy(pod):
            # An unhealthy pod costs the budget nothing: upstream evicts it always (AlwaysAllow) or, by default
            # (IfHealthyBudget), while the guarded application is not disrupted.
            policy = (pdb.get("spec") or {}).get("unhealthyPodEvictionPolicy") or "IfHealthyBudget"
            if policy == "AlwaysAllow" or figures.current_healthy >= figures.desired_healthy:
                return
        if figures.disruptions_allowed <= 0:
            await self._write_status(pdbs_rt, pdb, figures.status(int(meta(pdb).get("generation") or 1)), ctx)
            raise APIError(
                429,
                "TooManyRequests",
                "Cannot evict pod as it would violate the pod's disruption budget.",
                raw_causes=[
                    {
                        "reason": "DisruptionBudget",
                        "message": f"The disruption budget {meta(pdb)['name']} needs {figures.desired_healthy} "
                        f"healthy pods and has {figures.current_healthy} currently",
                    }
                ],
            )
        status = figures.status(int(meta(pdb).get("generation") or 1))
        status["disruptionsAllowed"] = figures.disruptions_allowed - 1
        await self._write_status(pdbs_rt, pdb, status, ctx)

    async def _write_status(self, rt: ResourceType, pdb: Object, status: Object, ctx: RequestContext) -> None:
        updated = copy.deepcopy(pdb)
        updated["status"] = {**(pdb.get("status") or {}), **status}
        try:
            await self.store.update(
                rt, meta(pdb).get("namespace"), meta(pdb)["name"], updated, ctx, subresource="status"
            )
        except APIError as exc:
            if exc.code != 409:  # a concurrent eviction wrote it first: its figures are as good as ours
                raise


def _selects(selector: Any, labels: dict[str, str]) -> bool:
    try:
        return LabelSelector.from_dict(selector).matches(labels)
    except SelectorError:
        return False


def _pods(registry: Registry) -> ResourceType:
    rt = registry.get("", "v1", "pods")
    assert rt is not None
    return rt
