"""What the schema says about ownership at one place of an object: is it one leaf, or a container of owned parts?

structured-merge-diff sorts every value into one of four shapes, read here from the OpenAPI v3 schema:

* ``leaf``: a scalar, or anything atomic: ``x-kubernetes-list-type: atomic`` (and lists with no list type or merge
  strategy, the default), ``x-kubernetes-map-type: atomic`` maps and structs (``LabelSelector``). One manager owns
  it whole, and a change anywhere in it is a change of the leaf.
* ``fields``: a struct (declared ``properties``) or a map (``additionalProperties``), owned key by key. The two
  differ in one way: a map's keys are members of the field set in their own right, a struct's declared fields are
  only there when they hold a leaf (or are empty).
* ``keyed``: ``x-kubernetes-list-type: map`` with ``x-kubernetes-list-map-keys``, or, for built-ins without a list
  type, ``x-kubernetes-patch-strategy: merge`` with ``x-kubernetes-patch-merge-key``. Items are ``k:`` elements.
* ``set``: ``x-kubernetes-list-type: set``, or a merge-strategy list without a merge key. Items are ``v:`` elements.

Without a schema (and below ``x-kubernetes-preserve-unknown-fields``) the shape is deduced from the value, as
upstream deduces it for schemaless custom resources: objects are maps, lists are atomic. At the root, ``metadata``
is always ``ObjectMeta``, whatever a custom resource's schema says about it, because the apiserver puts ObjectMeta
there before it builds the type.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, Literal

from kubelite.apiserver.fieldmanager.errors import InvalidObject
from kubelite.apiserver.fieldmanager.fieldpath import PathElement
from kubelite.apiserver.openapi.builtin import builtin_schemas
from kubelite.apiserver.patch.schema import SchemaNode

Kind = Literal["leaf", "fields", "keyed", "set"]

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# NB: upstream's built-in schemas declare ``default: TCP`` on the ``protocol`` key of container and service ports, so
# an applied port without a protocol still has a key. Our copy of the schemas has no defaults; this fills the gap for
# any list keyed by a ``protocol`` without a declared default.
_KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}


@functools.cache
def _object_meta() -> SchemaNode:
    return SchemaNode.of(builtin_schemas(), OBJECT_META)


@functools.lru_cache(maxsize=65536)
def _node_kind(node: SchemaNode) -> tuple[type | None, Kind]:
    """What a schema node holds (a list, a map or struct, or anything) and the kind it gives a value of that type.

    Cached per node: schema nodes live as long as their kind's strategy, and this runs for every field of every
    write (managedFields).
    """
    if node.items() is not None:
        return list, Shape.list_kind(node)
    if node.is_struct or node.additional_properties() is not None:
        return dict, "leaf" if node.map_type == "atomic" else "fields"
    return None, "leaf" if node.map_type == "atomic" else "fields"


@dataclass(frozen=True, slots=True)
class Shape:
    """The schema at one place of an object; ``node`` is None where there is none (values are deduced)."""

    node: SchemaNode | None
    is_root: bool = False

    @classmethod
    def root(cls, node: SchemaNode | None) -> Shape:
        return cls(node, is_root=node is not None)

    def kind(self, value: Any) -> Kind:
        """The shape of ``value`` here. ``None`` (JSON null) is an empty container where one is expected."""
        node = self.node
        if node is None:
            return "fields" if isinstance(value, dict) else "leaf"
        expects, kind = _node_kind(node)
        if expects is list:
            return kind if value is None or isinstance(value, list) else "leaf"
        if expects is dict:
            return kind if value is None or isinstance(value, dict) else "leaf"
        if kind == "leaf":
            return "leaf"
        return "fields" if isinstance(value, dict) else "leaf"

    @staticmethod
    def list_kind(node: SchemaNode) -> Kind:
        list_type = node.list_type
        if list_type == "set":
            return "set"
        if list_type == "map":
            return "keyed" if node.list_map_keys else "leaf"
        if list_type is None and node.patch_strategy in ("merge", "merge,retainKeys"):
            return "keyed" if node.patch_merge_key else "set"
        return "leaf"

    def declares(self, name: str) -> bool:
        """Whether ``name`` is a declared field of a struct here (as opposed to a map key or an unknown field)."""
        if self.node is None:
            return False
        return self.node.property(name) is not None or (self.is_root and name == "metadata")

    def field(self, name: str) -> Shape:
        node = self.node
        if node is None:
            return Shape(None)
        if self.is_root and name == "metadata":
            return Shape(_object_meta())
        return Shape(node.property(name) or node.additional_properties())

    def items(self) -> Shape:
        return Shape(self.node.items() if self.node is not None else None)

    def element(self, item: Any, index: int) -> PathElement:
        """The path element of a list item here; InvalidObject when the item cannot be one (a keyless map item)."""
        kind = self.kind([])
        if kind == "keyed":
            return self._key_element(item, index)
        if kind == "set":
            if isinstance(item, dict | list) or item is None:
                raise InvalidObject(f"element {index}: a set's items must be scalars, not {item!r}")
            return PathElement.value(item)
        return PathElement.index(index)

    def _key_element(self, item: Any, index: int) -> PathElement:
        assert self.node is not None  # a keyed list has a schema
        if not isinstance(item, dict):
            raise InvalidObject(f"element {index}: associative list with keys may not have non-map elements")
        item_shape = self.items()
        keys = self.node.list_map_keys if self.node.list_type == "map" else (self.node.patch_merge_key or "",)
        fields: dict[str, Any] = {}
        for key in keys:
            if key in item:
                fields[key] = item[key]
                continue
            default = item_shape.key_default(key)
            if default is None:
                raise InvalidObject(
                    f"element {index}: associative list with keys has an element that omits key field "
                    f"{json.dumps(key)} (and doesn't have default value)"
                )
            fields[key] = default
        return PathElement.key(fields)

    def key_default(self, key: str) -> Any:
        prop = self.node.property(key) if self.node is not None else None
        default = prop.default if prop is not None else None
        return _KEY_DEFAULTS.get(key) if default is None else default
