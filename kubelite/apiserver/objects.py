"""Small, shared operations on API objects kept as plain JSON dicts: metadata access, timestamps, names, codec.

Objects are stored as compact JSON without ``metadata.resourceVersion``: the revision a backend assigns is the
resourceVersion, and it is put back on every read (:func:`decode`), so no write ever has to rewrite its own value.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from kubelite.apiserver import codec

Object = dict[str, Any]


def meta(obj: Object) -> dict[str, Any]:
    """``obj["metadata"]``, created empty when missing; a non-dict metadata is left for validation to refuse."""
    m = obj.get("metadata")
    if m is None:
        m = obj["metadata"] = {}
    return m if isinstance(m, dict) else {}


def now() -> str:
    """RFC 3339 with second precision, as metav1.Time serialises."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    return str(uuid.uuid4())


#: ObjectMeta fields Go serialises with omitempty: an empty value is the same as an absent one.
_OMIT_EMPTY_META = ("labels", "annotations", "finalizers", "ownerReferences", "managedFields", "generateName")


def normalize_meta(obj: Object) -> None:
    """Drop empty metadata collections, as the typed ObjectMeta does (``kubectl label x a-`` leaves no ``{}``)."""
    m = meta(obj)
    for key in _OMIT_EMPTY_META:
        if key in m and not m[key]:
            del m[key]


def encode(obj: Object) -> bytes:
    """The stored form: compact JSON with ``resourceVersion`` dropped (the backend's revision replaces it)."""
    m = obj.get("metadata")
    if isinstance(m, dict) and "resourceVersion" in m:
        m = {k: v for k, v in m.items() if k != "resourceVersion"}
        obj = {**obj, "metadata": m}
    return codec.dumps(obj)


def decode(value: bytes, revision: int) -> Object:
    obj: Object = codec.loads(value)
    obj.setdefault("metadata", {})["resourceVersion"] = str(revision)
    return obj


def without(obj: Object, *keys: str) -> Object:
    return {k: v for k, v in obj.items() if k not in keys}


def get_path(obj: Any, path: str) -> Any:
    """The value at a dotted path (``spec.replicas``), or None."""
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def set_path(obj: Object, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        child = obj.get(part)
        if not isinstance(child, dict):
            child = obj[part] = {}
        obj = child
    obj[parts[-1]] = value
