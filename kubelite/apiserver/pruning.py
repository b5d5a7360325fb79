"""Dropping fields a built-in kind does not have, as the apiserver's decoder does, reporting each one.

Upstream decodes a body into Go structs, so an unknown field simply vanishes; with ``fieldValidation=Warn`` (the
default) each one is named in a warning, with ``Strict`` the request fails. Here the kind's OpenAPI schema plays the
Go struct: objects with ``properties`` are structs, ``additionalProperties`` are maps, anything else is free-form
(``x-kubernetes-preserve-unknown-fields``, ``RawExtension``...) and is kept as sent.
"""

from __future__ import annotations

from typing import Any

from kubelite.apiserver.patch.schema import SchemaNode

#: Present on every object whatever its schema says (the envelope).
_ENVELOPE = frozenset({"apiVersion", "kind"})


def prune_by_schema(obj: dict[str, Any], schema: SchemaNode) -> list[str]:
    """Remove unknown fields from ``obj`` in place; returns their paths (``spec.foo``, ``spec.containers[0].bar``)."""
    unknown: list[str] = []
    _prune(obj, schema, "", unknown, root=True)
    return unknown


def _prune(value: Any, schema: SchemaNode, path: str, unknown: list[str], *, root: bool = False) -> None:
    if schema.preserves_unknown_fields:
        return
    if isinstance(value, dict):
        if schema.is_struct:
            for key in list(value):
                if root and key in _ENVELOPE:
                    continue
                child = schema.property(key)
                child_path = f"{path}.{key}" if path else key
                if child is None:
                    unknown.append(child_path)
                    del value[key]
                else:
                    _prune(value[key], child, child_path, unknown)
            return
        values = schema.additional_properties()
        if values is not None:
            for key, item in value.items():
                _prune(item, values, f"{path}[{key}]", unknown)
    elif isinstance(value, list):
        items = schema.items()
        if items is not None:
            for index, item in enumerate(value):
                _prune(item, items, f"{path}[{index}]", unknown)
