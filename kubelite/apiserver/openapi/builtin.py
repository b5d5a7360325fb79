"""Load the built-in schemas, and find a kind's definition by its group, version and kind."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from kubelite.apiserver import openapi

#: (group, version, kind); the core group is "".
GVK = tuple[str, str, str]


@functools.cache
def builtin_schemas() -> Mapping[str, dict[str, Any]]:
    """Definition name -> OpenAPI v3 schema. Shared by every caller: treat the schemas as read-only."""
    text = resources.files(openapi).joinpath("builtin_schemas.json").read_text(encoding="utf-8")
    schemas: dict[str, dict[str, Any]] = json.loads(text)
    return MappingProxyType(schemas)


@functools.cache
def gvk_index() -> Mapping[GVK, str]:
    """(group, version, kind) -> definition name, from each definition's ``x-kubernetes-group-version-kind``."""
    index: dict[GVK, str] = {}
    for name, schema in builtin_schemas().items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            index[gvk["group"], gvk["version"], gvk["kind"]] = name
    return MappingProxyType(index)
