"""A read-only walker over OpenAPI v3 schemas, for what patching needs to know about a field.

Two shapes of schema are walked the same way:

* the built-in definitions (:mod:`kubelite.apiserver.openapi`), where a field refers to its type's definition with
  ``$ref: "#/components/schemas/NAME"``, wrapped as ``allOf: [{$ref}]`` when the field adds its own keywords;
* a CRD's ``openAPIV3Schema``, which is one inline schema without references.

The patch extensions live on the *field* (``DeploymentSpec.strategy`` carries ``x-kubernetes-patch-strategy``, the
``DeploymentStrategy`` definition does not), while a definition may carry its own (``x-kubernetes-map-type`` on
``LabelSelector``). So a node keeps the schema as written at the field and the schema it resolves to, and looks up an
extension on the field first.

Strategic merge patch reads ``x-kubernetes-patch-strategy`` and ``x-kubernetes-patch-merge-key``; server-side apply
reads ``x-kubernetes-list-type`` and ``x-kubernetes-list-map-keys``, which in a CRD are the only merge keys there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REF_PREFIX = "#/components/schemas/"

Schema = Mapping[str, Any]


class SchemaNode:
    """One place in a schema: a kind, a field, a list's items or a map's values."""

    __slots__ = ("_children", "_definitions", "_field", "_resolved")

    def __init__(self, schema: Schema, definitions: Mapping[str, Schema] | None = None) -> None:
        self._definitions: Mapping[str, Schema] = definitions or {}
        self._field = schema
        self._resolved = self._resolve(schema)
        #: Child nodes made so far, by the id of their schema: a kind's tree is walked on every write, and
        #: resolving references again each time was most of the cost of tracking managedFields.
        self._children: dict[int, SchemaNode] = {}

    @classmethod
    def of(cls, definitions: Mapping[str, Schema], name: str) -> SchemaNode:
        """The node for the definition ``name``, e.g. ``io.k8s.api.apps.v1.Deployment``."""
        if name not in definitions:
            raise KeyError(f"no schema definition {name!r}")
        return cls(definitions[name], definitions)

    def __repr__(self) -> str:
        return f"SchemaNode({dict(self._field)!r})"

    def _resolve(self, schema: Schema) -> Schema:
        seen: set[str] = set()
        while True:
            ref = _reference(schema)
            if ref is None:
                return schema
            if not ref.startswith(REF_PREFIX):
                raise ValueError(f"unsupported schema reference {ref!r}")
            name = ref.removeprefix(REF_PREFIX)
            if name in seen or name not in self._definitions:
                raise ValueError(f"schema reference {ref!r} does not resolve")
            seen.add(name)
            schema = self._definitions[name]

    def _child(self, schema: Any) -> SchemaNode | None:
        if not isinstance(schema, Mapping):
            return None
        child = self._children.get(id(schema))
        if child is None:
            child = self._children[id(schema)] = SchemaNode(schema, self._definitions)
        return child

    @property
    def is_struct(self) -> bool:
        """Whether this is an object with a fixed set of fields (a Go struct), rather than a map or free-form."""
        return isinstance(self._resolved.get("properties"), Mapping) and self.additional_properties() is None

    def items(self) -> SchemaNode | None:
        """A list's element schema, or None."""
        return self._child(self._resolved.get("items"))

    def additional_properties(self) -> SchemaNode | None:
        """A map's value schema (``labels``, ``data``), or None when values are free-form or not allowed."""
        return self._child(self._resolved.get("additionalProperties"))

    def _extension(self, name: str) -> Any:
        return self._field.get(name, self._resolved.get(name))

    @property
    def patch_strategy(self) -> str | None:
        """``merge``, ``replace``, ``retainKeys``, or a comma-separated pair such as ``merge,retainKeys``."""
        value = self._extension("x-kubernetes-patch-strategy")
        return value if isinstance(value, str) else None

    @property
    def patch_merge_key(self) -> str | None:
        value = self._extension("x-kubernetes-patch-merge-key")
        return value if isinstance(value, str) else None

    @property
    def list_type(self) -> str | None:
        """``atomic``, ``set`` or ``map``."""
        value = self._extension("x-kubernetes-list-type")
        return value if isinstance(value, str) else None

    @property
    def map_type(self) -> str | None:
        """``x-kubernetes-map-type``: ``atomic`` or ``granular``."""
        value = self._extension("x-kubernetes-map-type")
        return value if isinstance(value, str) else None

    @property
    def default(self) -> Any:
        """The schema's ``default`` for this field, or None."""
        return self._extension("default")

    @property
    def preserves_unknown_fields(self) -> bool:
        """``x-kubernetes-preserve-unknown-fields``: anything goes below here (RawExtension and the like)."""
        return bool(self._extension("x-kubernetes-preserve-unknown-fields"))

    @property
    def list_map_keys(self) -> tuple[str, ...]:
        value = self._extension("x-kubernetes-list-map-keys")
        return tuple(value) if isinstance(value, list) else ()

    # NB: defined last, because inside the class body this name shadows the built-in ``property`` decorator.
    def property(self, name: str) -> SchemaNode | None:
        """The declared field ``name``, or None."""
        properties = self._resolved.get("properties")
        return self._child(properties.get(name)) if isinstance(properties, Mapping) else None


def _reference(schema: Schema) -> str | None:
    """The reference ``schema`` stands for: ``$ref`` itself, or the one ``$ref`` in an ``allOf`` wrapper."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping):
        inner = all_of[0].get("$ref")
        return inner if isinstance(inner, str) else None
    return None
