"""The pod-template hash that names a Deployment's ReplicaSets and a StatefulSet's revisions.

Upstream hashes a pod template with FNV-1a (32 bit) over a deep print of the Go struct, adds the collision count,
and renders the decimal number through ``rand.SafeEncodeString`` (no vowels, no look-alike digits, so no words).
We hash the template's canonical JSON instead of a Go print: the value differs from upstream's, but it is stable
across processes and releases for the same template, which is what names and rollouts depend on.
"""

from __future__ import annotations

import json
from typing import Any

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def fnv32a(data: bytes) -> int:
    value = _FNV32_OFFSET
    for byte in data:
        value ^= byte
        value = (value * _FNV32_PRIME) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: each character mapped into an alphabet that spells no words."""
    return "".join(_SAFE_ALPHABET[ord(c) % len(_SAFE_ALPHABET)] for c in text)


def template_hash(template: Any, collision_count: int | None = None) -> str:
    """The hash of a pod template (without its ``pod-template-hash`` label), as a label-safe string."""
    canonical = json.dumps(template, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    if collision_count is not None:
        canonical += collision_count.to_bytes(4, "little", signed=False)
    return safe_encode(str(fnv32a(canonical)))
