"""JSON in and out, fast: orjson where it can, the standard library where orjson cannot.

Every object passes through here several times per request (stored form, watch events, responses), so the codec
is a large share of the server's time; orjson is several times faster than ``json``. It refuses integers beyond
64 bits, which JSON allows and clients may send: those fall back to the standard library, as do its errors, so
messages for bad input stay those of ``json``.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # raises the standard library's ValueError, or decodes what orjson would not


def dumps(obj: Any) -> bytes:
    """Compact JSON bytes, non-ASCII kept as UTF-8."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
