"""A Swagger 2.0 document in protobuf, as gnostic's ``openapi.v2.Document`` message.

Why this exists: client-go fetches ``/openapi/v2`` with ``Accept: application/com.github.proto-openapi.spec.v2@v1.0+
protobuf`` only, and hands the body to ``proto.Unmarshal`` whatever its content type (``DiscoveryClient.
OpenAPISchema``). There is no JSON fallback, so a server that wants kubectl's client-side validation (``kubectl
apply -f`` of a ``kind: List``) and ``kubectl explain --output=plaintext-openapiv2`` to work has to speak this.

kube-apiserver produces it by parsing its JSON document with gnostic (``openapi_v2.ParseDocument``) and marshalling
the result; this module writes the same messages straight from the JSON form. Field numbers are those of gnostic's
``openapiv2/OpenAPIv2.proto``. Values gnostic keeps as ``Any`` (vendor extensions, ``default``, ``enum``,
``example``) carry their YAML text; JSON is YAML, so they are written as JSON, which is what kubectl's
``yaml.Unmarshal`` of them reads back.

Only what a Kubernetes document uses is written: ``swagger``, ``info``, ``paths`` (operations with body, query and
path parameters and ``200`` responses), ``definitions``, ``security`` and an API-key ``securityDefinitions``.
Keywords outside gnostic's ``Schema`` message (v3-only ones) are dropped, as gnostic would refuse them.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable, Mapping
from typing import Any

VARINT = 0
I64 = 1
LEN = 2


def _varint(value: int) -> bytes:
    if 0 <= value < 0x80:
        return _SMALL[value]
    value &= 0xFFFF_FFFF_FFFF_FFFF  # negative int64 as ten bytes of two's complement, as Go writes it
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_SMALL = [bytes((i,)) for i in range(0x80)]


def _len(number: int, payload: bytes) -> bytes:
    """A length-delimited field, written even when empty (a present, empty submessage is not an absent one)."""
    return _varint(number << 3 | LEN) + _varint(len(payload)) + payload


def _string(number: int, value: Any) -> bytes:
    if not isinstance(value, str) or not value:
        return b""
    return _len(number, value.encode())


def _strings(number: int, values: Any) -> bytes:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return b""
    return b"".join(_len(number, v.encode()) for v in values if isinstance(v, str))


def _bool(number: int, value: Any) -> bytes:
    return _varint(number << 3 | VARINT) + b"\x01" if value is True else b""


def _int64(number: int, value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value:
        return b""
    return _varint(number << 3 | VARINT) + _varint(int(value))


def _double(number: int, value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value:
        return b""
    return _varint(number << 3 | I64) + struct.pack("<d", float(value))


def _any(value: Any) -> bytes:
    """gnostic's ``Any``: field 2 holds the value's YAML (here JSON, a subset of YAML), with a trailing newline as
    yaml.Marshal writes it."""
    return _string(2, json.dumps(value) + "\n")


def _named(number: int, items: Iterable[tuple[str, bytes]]) -> bytes:
    """A gnostic ``Named*`` list: ``name = 1``, ``value = 2``, in document order."""
    return b"".join(_len(number, _string(1, name) + _len(2, value)) for name, value in items)


def _vendor(number: int, node: Mapping[str, Any]) -> bytes:
    return _named(number, ((k, _any(v)) for k, v in node.items() if k.startswith("x-")))


# --- Schema -------------------------------------------------------------------------------------------------------


def _additional(value: Any) -> bytes:
    if isinstance(value, bool):
        return _len(21, _varint(2 << 3 | VARINT) + (b"\x01" if value else b"\x00"))
    return _len(21, _len(1, schema(value))) if isinstance(value, Mapping) else b""


def _items(value: Any) -> bytes:
    if isinstance(value, Mapping):
        return _len(23, _len(1, schema(value)))
    if isinstance(value, list):
        return _len(23, b"".join(_len(1, schema(i)) for i in value if isinstance(i, Mapping)))
    return b""


def _properties(value: Any) -> bytes:
    if not isinstance(value, Mapping):
        return b""
    return _len(25, _named(1, ((k, schema(v)) for k, v in value.items())))


def _field(encode: Callable[[int, Any], bytes], number: int) -> Callable[[Any], bytes]:
    return lambda value: encode(number, value)


#: JSON keyword -> its encoding as a field of gnostic's ``Schema``.
_SCHEMA_FIELDS: dict[str, Callable[[Any], bytes]] = {
    "$ref": _field(_string, 1),
    "format": _field(_string, 2),
    "title": _field(_string, 3),
    "description": _field(_string, 4),
    "default": lambda v: _len(5, _any(v)),
    "multipleOf": _field(_double, 6),
    "maximum": _field(_double, 7),
    "exclusiveMaximum": _field(_bool, 8),
    "minimum": _field(_double, 9),
    "exclusiveMinimum": _field(_bool, 10),
    "maxLength": _field(_int64, 11),
    "minLength": _field(_int64, 12),
    "pattern": _field(_string, 13),
    "maxItems": _field(_int64, 14),
    "minItems": _field(_int64, 15),
    "uniqueItems": _field(_bool, 16),
    "maxProperties": _field(_int64, 17),
    "minProperties": _field(_int64, 18),
    "required": _field(_strings, 19),
    "enum": lambda v: b"".join(_len(20, _any(e)) for e in v) if isinstance(v, list) else b"",
    "additionalProperties": _additional,
    "type": lambda v: _len(22, _strings(1, v)),
    "items": _items,
    "allOf": lambda v: (
        b"".join(_len(24, schema(s)) for s in v if isinstance(s, Mapping)) if isinstance(v, list) else b""
    ),
    "properties": _properties,
    "discriminator": _field(_string, 26),
    "readOnly": _field(_bool, 27),
    "example": lambda v: _len(30, _any(v)),
}


def schema(node: Mapping[str, Any]) -> bytes:
    """gnostic ``Schema``. Fields are written in the node's key order (protobuf readers accept any order)."""
    out = []
    vendor = []
    for key, value in node.items():
        encode = _SCHEMA_FIELDS.get(key)
        if encode is not None:
            out.append(encode(value))
        elif key.startswith("x-"):
            vendor.append(_len(31, _string(1, key) + _len(2, _any(value))))
    return b"".join(out + vendor)


# --- Paths ----------------------------------------------------------------------------------------------------------

_PRIMITIVE_STRINGS = {"type": 6, "format": 7, "collectionFormat": 9}


def _non_body(node: Mapping[str, Any]) -> bytes:
    """``NonBodyParameter``: the query (3) and path (4) sub-schemas (header and formData are unused)."""
    location = node.get("in")
    if location == "path":
        # PathParameterSubSchema has no allow_empty_value, so every field from type on sits one number lower.
        shift, oneof = 1, 4
    else:
        shift, oneof = 0, 3
    out = _bool(1, node.get("required")) + _string(2, location) + _string(3, node.get("description"))
    out += _string(4, node.get("name"))
    for key, number in _PRIMITIVE_STRINGS.items():
        out += _string(number - shift, node.get(key))
    out += _bool(20 - shift, node.get("uniqueItems"))
    out += _vendor(23 - shift, node)
    return _len(oneof, out)


def _parameter(node: Mapping[str, Any]) -> bytes:
    """``ParametersItem`` wrapping a ``Parameter`` (a ``$ref`` would be a ``JsonReference``)."""
    if "$ref" in node:
        return _len(2, _string(1, node["$ref"]))
    if node.get("in") == "body":
        body = _string(1, node.get("description")) + _string(2, node.get("name")) + _string(3, "body")
        body += _bool(4, node.get("required"))
        if isinstance(node.get("schema"), Mapping):
            body += _len(5, schema(node["schema"]))
        body += _vendor(6, node)
        return _len(1, _len(1, body))
    return _len(1, _len(2, _non_body(node)))


def _responses(node: Mapping[str, Any]) -> bytes:
    def response(value: Mapping[str, Any]) -> bytes:
        out = _string(1, value.get("description"))
        if isinstance(value.get("schema"), Mapping):
            out += _len(2, _len(1, schema(value["schema"])))
        return _len(1, out + _vendor(5, value))

    codes = ((code, response(v)) for code, v in node.items() if not code.startswith("x-"))
    return _named(1, codes) + _vendor(2, node)


def _operation(node: Mapping[str, Any]) -> bytes:
    out = _strings(1, node.get("tags")) + _string(2, node.get("summary")) + _string(3, node.get("description"))
    out += _string(5, node.get("operationId"))
    out += _strings(6, node.get("produces")) + _strings(7, node.get("consumes"))
    out += b"".join(_len(8, _parameter(p)) for p in node.get("parameters") or ())
    if isinstance(node.get("responses"), Mapping):
        out += _len(9, _responses(node["responses"]))
    out += _strings(10, node.get("schemes")) + _bool(11, node.get("deprecated"))
    return out + _vendor(13, node)


_METHODS = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8}


def _path_item(node: Mapping[str, Any]) -> bytes:
    out = _string(1, node.get("$ref"))
    for method, number in _METHODS.items():
        if isinstance(node.get(method), Mapping):
            out += _len(number, _operation(node[method]))
    out += b"".join(_len(9, _parameter(p)) for p in node.get("parameters") or ())
    return out + _vendor(10, node)


# --- Document -------------------------------------------------------------------------------------------------------


def _security_definitions(node: Mapping[str, Any]) -> bytes:
    def item(value: Mapping[str, Any]) -> bytes:
        if value.get("type") != "apiKey":
            return b""  # only the API-key scheme kube-apiserver publishes (BearerToken) is written
        key = _string(1, "apiKey") + _string(2, value.get("name")) + _string(3, value.get("in"))
        return _len(2, key + _string(4, value.get("description")) + _vendor(5, value))

    return _named(1, ((name, item(v)) for name, v in node.items()))


def _security(requirement: Mapping[str, Any]) -> bytes:
    return _named(1, ((name, _strings(1, scopes)) for name, scopes in requirement.items()))


def _info(node: Mapping[str, Any]) -> bytes:
    return _string(1, node.get("title")) + _string(2, node.get("version")) + _string(3, node.get("description"))


def encode_document(document: Mapping[str, Any]) -> bytes:
    """gnostic ``Document`` for a Swagger 2.0 document in its JSON form."""
    fields: list[tuple[str, Callable[[Any], bytes]]] = [
        ("swagger", lambda v: _string(1, v)),
        ("info", lambda v: _len(2, _info(v))),
        ("host", lambda v: _string(3, v)),
        ("basePath", lambda v: _string(4, v)),
        ("schemes", lambda v: _strings(5, v)),
        ("consumes", lambda v: _strings(6, v)),
        ("produces", lambda v: _strings(7, v)),
        ("paths", lambda v: _len(8, _named(2, ((p, _path_item(i)) for p, i in v.items())) + _vendor(1, v))),
        ("definitions", lambda v: _len(9, _named(1, ((n, schema(s)) for n, s in v.items())))),
        ("security", lambda v: b"".join(_len(12, _security(r)) for r in v)),
        ("securityDefinitions", lambda v: _len(13, _security_definitions(v))),
    ]
    out = bytearray()
    for key, encode in fields:
        if key in document:
            out += encode(document[key])
    out += _vendor(16, document)
    return bytes(out)
