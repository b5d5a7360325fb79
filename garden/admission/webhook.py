"""Gardener's admission chain as a Kubernetes admission webhook (AdmissionReview v1), for a real Kubernetes garden.

``POST /webhooks/mutate`` runs the mutating half of the chain and answers with the changes as a JSON patch;
``POST /webhooks/validate`` runs the validating half. A refusal carries the plugin's ``kind: Status`` (code, reason,
message, causes), which kube-apiserver passes on to the client as the webhook's denial. ``GET /healthz`` is for
probes.

The plugins read the garden through :class:`~garden.admission.kubereader.KubernetesReader`.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import ssl
import types
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, get_args

from aiohttp import web

from garden.admission.jsonpatch_diff import diff
from garden.admission.request import Chain, Object, Operation, Plugin, Request
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.user import UserInfo

log = logging.getLogger(__name__)

API_VERSION = "admission.k8s.io/v1"
MUTATE_PATH = "/webhooks/mutate"
VALIDATE_PATH = "/webhooks/validate"
HEALTHZ_PATH = "/healthz"
#: An AdmissionReview carries the object and the old object, each up to etcd's 1.5 MiB, plus the envelope.
MAX_REVIEW_BYTES = 8 * 1024 * 1024
_OPERATIONS: frozenset[str] = frozenset(get_args(Operation))


# --- AdmissionReview ------------------------------------------------------------------------------------------


class MalformedReview(ValueError):
    """The body is not an AdmissionReview v1 request (answered with HTTP 400)."""


def parse_review(body: Any) -> tuple[str, Request]:
    """The request's uid and the request in the plugins' terms; raises :class:`MalformedReview`."""
    if not isinstance(body, dict):
        raise MalformedReview("the body must be a JSON object (an AdmissionReview)")
    if body.get("apiVersion") != API_VERSION or body.get("kind") != "AdmissionReview":
        raise MalformedReview(
            f"expected apiVersion {API_VERSION} and kind AdmissionReview, got "
            f"apiVersion {body.get('apiVersion')!r} and kind {body.get('kind')!r}"
        )
    request = body.get("request")
    if not isinstance(request, dict):
        raise MalformedReview("the AdmissionReview has no request")
    uid = request.get("uid")
    if not isinstance(uid, str) or not uid:
        raise MalformedReview("request.uid must be a non-empty string")
    operation = request.get("operation")
    if operation not in _OPERATIONS:
        raise MalformedReview(f"request.operation must be one of {', '.join(sorted(_OPERATIONS))}, got {operation!r}")
    kind = _mapping(request, "kind")
    resource = _mapping(request, "resource")
    resource_name = _string(resource, "resource", "request.resource.resource", required=True)
    version = _string(resource, "version", "request.resource.version", required=True)
    group = _string(resource, "group", "request.resource.group")
    obj = _object(request, "object")
    old_obj = _object(request, "oldObject")
    options = request.get("options")
    if options is not None and not isinstance(options, dict):
        raise MalformedReview("request.options must be an object")
    dry_run = request.get("dryRun", False)
    if dry_run is not None and not isinstance(dry_run, bool):
        raise MalformedReview("request.dryRun must be a boolean")
    return uid, Request(
        operation=operation,
        group=group,
        version=version,
        resource=resource_name,
        kind=_string(kind, "kind", "request.kind.kind", required=True),
        namespace=_string(request, "namespace", "request.namespace"),
        name=_string(request, "name", "request.name"),
        object=obj,
        old_object=old_obj,
        user=_user(request.get("userInfo")),
        dry_run=bool(dry_run),
        subresource=_string(request, "subResource", "request.subResource"),
        options=options or {},
    )


def _mapping(request: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = request.get(key)
    if not isinstance(value, dict):
        raise MalformedReview(f"request.{key} must be an object")
    return value


def _string(container: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = container.get(key)
    if value is None or value == "":
        if required:
            raise MalformedReview(f"{where} is required")
        return ""
    if not isinstance(value, str):
        raise MalformedReview(f"{where} must be a string")
    return value


def _object(request: Mapping[str, Any], key: str) -> Object | None:
    value = request.get(key)
    if value is not None and not isinstance(value, dict):
        raise MalformedReview(f"request.{key} must be an object or null")
    return value


def _user(info: Any) -> UserInfo:
    if info is None:
        info = {}
    if not isinstance(info, dict):
        raise MalformedReview("request.userInfo must be an object")
    groups = info.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise MalformedReview("request.userInfo.groups must be a list of strings")
    extra = info.get("extra") or {}
    if not isinstance(extra, dict) or not all(
        isinstance(v, list) and all(isinstance(s, str) for s in v) for v in extra.values()
    ):
        raise MalformedReview("request.userInfo.extra must map names to lists of strings")
    return UserInfo(
        name=_string(info, "username", "request.userInfo.username"),
        groups=tuple(groups),
        uid=_string(info, "uid", "request.userInfo.uid"),
        extra={str(k): tuple(v) for k, v in extra.items()},
    )


def review_response(uid: str, *, error: APIError | None = None, patch: list[dict[str, Any]] | None = None) -> Object:
    """The AdmissionReview answer: allowed (optionally with a JSON patch), or refused with the error's Status."""
    response: dict[str, Any] = {"uid": uid, "allowed": error is None}
    if error is not None:
        response["status"] = error.status()
    elif patch:
        response["patchType"] = "JSONPatch"
        response["patch"] = base64.b64encode(json.dumps(patch).encode()).decode("ascii")
    return {"apiVersion": API_VERSION, "kind": "AdmissionReview", "response": response}


def _internal_error(request: Request, exc: BaseException) -> APIError:
    plugin = _failing_plugin(exc)
    where = f"admission plugin {plugin!r}" if plugin else "the admission chain"
    target = f'{request.resource} "{request.name}"' if request.name else request.resource
    return APIError(
        500,
        "InternalError",
        f"Internal error occurred: {where} failed on {request.operation} of {target}: {type(exc).__name__}: {exc}",
    )


def _failing_plugin(exc: BaseException) -> str:
    """The name of the innermost plugin on the exception's traceback, if any."""
    found = ""
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, Plugin):
            found = candidate.name or type(candidate).__name__
        tb = tb.tb_next
    return found


# --- the server -----------------------------------------------------------------------------------------------


CHAIN_KEY: web.AppKey[Chain] = web.AppKey("chain", Chain)


def make_app(chain: Chain) -> web.Application:
    """The webhook's routes, running ``chain``."""
    app = web.Application(client_max_size=MAX_REVIEW_BYTES)
    app[CHAIN_KEY] = chain
    app.router.add_post(MUTATE_PATH, _mutate)
    app.router.add_post(VALIDATE_PATH, _validate)
    app.router.add_get(HEALTHZ_PATH, _healthz)
    return app


async def _healthz(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _mutate(http: web.Request) -> web.Response:
    return await _review(http, mutating=True)


async def _validate(http: web.Request) -> web.Response:
    return await _review(http, mutating=False)


async def _review(http: web.Request, *, mutating: bool) -> web.Response:
    try:
        body = json.loads(await http.read())
    except ValueError as exc:
        return _bad_request(f"the body is not JSON: {exc}")
    try:
        uid, request = parse_review(body)
    except MalformedReview as exc:
        return _bad_request(f"malformed AdmissionReview: {exc}")
    chain = http.app[CHAIN_KEY]
    received = copy.deepcopy(request.object)
    try:
        if mutating:
            await chain.mutate(request)
        else:
            await chain.validate(request)
    except APIError as exc:
        log.log(
            logging.WARNING if exc.code >= 500 else logging.INFO,
            "denied %s %s %s/%s: %s",
            request.operation,
            request.resource,
            request.namespace,
            request.name,
            exc,
        )
        return web.json_response(review_response(uid, error=exc))
    except Exception as exc:
        log.exception(
            "admission failed on %s %s %s/%s", request.operation, request.resource, request.namespace, request.name
        )
        return web.json_response(review_response(uid, error=_internal_error(request, exc)))
    patch = diff(received, request.object) if mutating and received is not None else None
    return web.json_response(review_response(uid, patch=patch))


def _bad_request(message: str) -> web.Response:
    log.warning("bad request: %s", message)
    status = APIError(400, "BadRequest", message).status()
    return web.json_response(status, status=400)


def server_ssl_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    context.set_alpn_protocols(["http/1.1"])
    return context


@asynccontextmanager
async def serve(
    app: web.Application, bind_address: str, port: int, ssl_context: ssl.SSLContext | None
) -> AsyncIterator[int]:
    """Serve ``app`` until the block ends; yields the port bound (useful with port 0)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, bind_address, port, ssl_context=ssl_context)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        log.info("admission webhook serving on %s:%s", bind_address, bound)
        yield int(bound)
    finally:
        await runner.cleanup()


__all__ = [
    "API_VERSION",
    "HEALTHZ_PATH",
    "MUTATE_PATH",
    "VALIDATE_PATH",
    "MalformedReview",
    "make_app",
    "parse_review",
    "review_response",
    "serve",
    "server_ssl_context",
]
