"""Reading request bodies (JSON, YAML, protobuf) and writing JSON responses."""

from __future__ import annotations

from typing import Any

import yaml
from aiohttp import web

from kubelite.apiserver import codec, errors, protobuf
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.http.negotiation import JSON, PROTOBUF, YAML, content_type_of

#: kube-apiserver's limit on a request body (3 MiB); objects are held to 1.5 MiB by the store.
MAX_BODY_BYTES = 3 * 1024 * 1024


async def read_raw(request: web.Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise errors.too_large()
    data = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            raise errors.too_large()
    return bytes(data)


async def read_object(request: web.Request, *, optional: bool = False) -> Any:
    """The decoded body: JSON (the default), YAML, or Kubernetes protobuf for the kinds kubectl sends that way."""
    raw = await read_raw(request)
    if not raw.strip():
        if optional:
            return None
        raise errors.bad_request("the body of the request was empty")
    content_type = content_type_of(request.headers.get("Content-Type")) or JSON
    if content_type == PROTOBUF:
        try:
            return protobuf.decode(raw)
        except protobuf.UnknownKindError as exc:
            raise errors.APIError(415, "UnsupportedMediaType", str(exc)) from None
        except protobuf.ProtobufDecodeError as exc:
            raise errors.bad_request(f"error decoding protobuf body: {exc}") from None
    if content_type in (YAML, "application/x-yaml", "text/yaml"):
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise errors.bad_request(f"error decoding YAML: {exc}") from None
    if content_type not in (JSON, "*/*", "application/*", "text/plain"):
        raise errors.unsupported_media_type(content_type)
    try:
        return codec.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.bad_request(f"error decoding JSON: {exc}") from None


def dumps(obj: Any) -> bytes:
    return codec.dumps(obj)


def respond(
    obj: Any,
    status: int = 200,
    *,
    warnings: list[str] | None = None,
    content_type: str = JSON,
) -> web.Response:
    response = web.Response(body=dumps(obj), status=status, content_type=content_type.split(";", maxsplit=1)[0])
    if ";" in content_type:
        response.headers["Content-Type"] = content_type
    for warning in warnings or []:
        response.headers.add("Warning", f'299 - "{_escape(warning)}"')
    return response


def respond_error(error: APIError) -> web.Response:
    response = respond(error.status(), error.code)
    if error.retry_after_seconds is not None:
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
