"""Strategic merge patch, as kube-apiserver applies it to built-in kinds.

A JSON merge patch whose lists know how to merge. Each field's ``x-kubernetes-patch-strategy`` decides:

* maps merge recursively and ``null`` deletes a key, as in RFC 7386;
* lists replace, unless the strategy is ``merge``: then a list of objects merges element by element, matched on
  ``x-kubernetes-patch-merge-key`` (containers by ``name``, ports by ``containerPort``), and a list of scalars
  becomes the union (``finalizers``);
* ``retainKeys`` (``Deployment.spec.strategy``, each of ``PodSpec.volumes``) lets the patch say which keys survive.

On top come the directives that ``kubectl apply``, ``kubectl edit`` and hand-written patches send:

``$patch: replace``
    in an object: the object becomes the patch's content; as an element of a merge list: the list becomes the
    patch's other elements.
``$patch: delete``
    as an element of a merge list: remove the element with that merge key. In an object: the object becomes empty
    (upstream returns ``{}`` rather than removing the key; kubelite does the same).
``$retainKeys: [...]``
    clear every key of the object that is not listed; every key the patch sets must be listed.
``$setElementOrder/<field>: [...]``
    the order of the patched list. Elements named in it come in that order; elements only the server has keep
    their relative order and are interleaved with them (upstream ``mergeSortedSlice``): a server-only element goes
    before the next named element exactly when both have a place in the reference order and the server-only one
    comes first there, so a named element new to the list goes before the server-only elements still waiting. The
    reference order is the live list after the patch's deletions (see :class:`_Merged` for the detail).
    Without the directive, a merge list is put in order the same way, with the patch's own list as the order.
``$deleteFromPrimitiveList/<field>: [...]``
    remove these values from a list of scalars.

``$patch: merge`` is refused, as upstream refuses it (``merging lists cannot yet be specified in the patch``, and
``unknown patch type`` in an object), and so is any other ``$``-key the schema does not declare.

Where the live object has nothing to merge into, the patch value is merged into an empty value rather than stored
as it is, so that its directives are carried out and its nulls dropped: kubelite keeps objects as JSON, with no Go
struct decoding to throw stray ``$patch`` keys away afterwards.

Strategic merge patch is not defined for custom resources (kube-apiserver answers 415), so only the built-in schemas
are ever passed here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal, NamedTuple

from kubelite.apiserver.patch.errors import InvalidPatch, PatchNotApplicable
from kubelite.apiserver.patch.schema import SchemaNode

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ELEMENT_ORDER = "$setElementOrder"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"

Strategy = Literal["merge", "replace", ""]


def apply_strategic_merge_patch(original: dict[str, Any], patch: Any, schema: SchemaNode) -> dict[str, Any]:
    """``original`` with ``patch`` (a decoded request body) applied, as a new object; neither argument is changed.

    ``schema`` is the node of the object's kind, e.g. ``SchemaNode.of(builtin_schemas(), "io.k8s.api.core.v1.Pod")``.
    """
    if not isinstance(patch, dict):
        raise InvalidPatch("a strategic merge patch must be a JSON object")
    # The merge works in place on private copies: simpler than rebuilding, and nothing outside can see it.
    return _merge_map(copy.deepcopy(original), copy.deepcopy(patch), schema)


def _merge_map(original: dict[str, Any], patch: dict[str, Any], node: SchemaNode | None) -> dict[str, Any]:
    if PATCH in patch:
        directive = patch.pop(PATCH)
        if directive == "replace":
            return _merge_map({}, patch, node)
        if directive == "delete":
            return {}
        raise InvalidPatch(f"unknown patch type: {directive!r} in map")

    if RETAIN_KEYS in patch:
        _retain_keys(original, patch, patch.pop(RETAIN_KEYS))

    for key in [key for key in patch if key.startswith(SET_ELEMENT_ORDER)]:
        _merge_ordered_list(original, patch, key, node)

    for patch_key, value in patch.items():
        key = patch_key
        delete_from_list = key.startswith(DELETE_FROM_PRIMITIVE_LIST)
        if delete_from_list:
            key = _directive_field(key, DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list")
        elif key.startswith("$") and node is not None and node.is_struct and node.property(key) is None:
            raise InvalidPatch(f"unknown patch directive {key!r}")

        if value is None:
            original.pop(key, None)
            continue
        field = _field(node, key)
        current = original.get(key)
        if delete_from_list:
            if isinstance(current, list):
                original[key] = _delete_from_list(current, value)
        elif key not in original:
            original[key] = _fresh(value, field)
        elif isinstance(current, dict) and isinstance(value, dict):
            replace = _strategy(field) == "replace"
            original[key] = _fresh(value, field) if replace else _merge_map(current, value, field)
        elif isinstance(current, list) and isinstance(value, list):
            original[key] = _merge_list(current, value, field).items
        else:
            original[key] = _fresh(value, field)
    return original


def _retain_keys(original: dict[str, Any], patch: dict[str, Any], retain: Any) -> None:
    if not isinstance(retain, list):
        raise InvalidPatch("invalid patch format of retainKeys")
    kept = {key for key in retain if isinstance(key, str)}
    for key, value in patch.items():
        directive = key.startswith((SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST))
        if value is not None and not directive and key not in kept:
            raise InvalidPatch(f"invalid patch format of retainKeys: {key!r} is set but not retained")
    for key in [key for key in original if key not in kept]:
        del original[key]


def _merge_ordered_list(original: dict[str, Any], patch: dict[str, Any], key: str, node: SchemaNode | None) -> None:
    """Merge the list a ``$setElementOrder/<field>`` directive names, and put it in that order."""
    order = patch.pop(key)
    name = _directive_field(key, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list")
    if not isinstance(order, list):
        raise InvalidPatch("invalid patch format of setElementOrder list")
    patched = patch.pop(name, [])
    if not isinstance(patched, list):
        raise InvalidPatch(f"{name!r} must be a list, as $setElementOrder/{name} orders it")
    live = original.get(name)
    if not isinstance(live, list):
        if not patched:
            return
        live = []

    field = _field(node, name)
    merge_key = _merge_key(field, *live, *patched, *order)
    _check_order(patched, order, merge_key)
    merged = _merge_list(live, patched, field) if patched else _Merged(live, live)
    original[name] = _interleave(merged.items, order, merged.reference, merge_key)


def _check_order(patched: list[Any], order: list[Any], merge_key: str | None) -> None:
    """The patch's own elements must come in the order ``$setElementOrder`` gives them (deletions aside)."""
    if not order:
        return
    ident = _identity(merge_key)
    listed = [ident(item) for item in patched if not (isinstance(item, dict) and PATCH in item)]
    position = 0
    ordered = [ident(item) for item in order]
    for item in listed:
        while position < len(ordered) and ordered[position] != item:
            position += 1
        if position == len(ordered):
            raise InvalidPatch(f"the order in the patch list {patched} does not match the $setElementOrder list")
        position += 1


class _Merged(NamedTuple):
    """A merged list, and the order that a ``$setElementOrder`` directive interleaves its server-only elements by.

    NB: the reference is not simply the live list. Upstream deletes a merge list's elements by compacting the live
    list in place and appends the patch's new elements to the compacted list, so those land in the slots the
    deletions freed; it then orders against the live list's slots as they are now. kubelite reproduces that: the
    elements that survived the deletions, then as many new elements as were deleted. Upstream's own tests pin the
    outcome (live ``[1, 2, 4]``, patch deletes 1 and adds 3, order ``[2, 3]``: the result is ``[2, 4, 3]``).
    """

    items: list[Any]
    reference: list[Any]


def _merge_list(live: list[Any], patched: list[Any], field: SchemaNode | None) -> _Merged:
    items = field.items() if field is not None else None
    if _strategy(field) != "merge":
        return _Merged([_fresh(item, items) for item in patched], live)
    if _element_kind(live, patched) == "scalar":
        return _Merged(_interleave(_unique([*live, *patched]), patched, live, None), live)

    merge_key = field.patch_merge_key if field is not None else None
    if not merge_key:
        raise PatchNotApplicable("cannot merge a list of objects without a merge key")
    ident = _identity(merge_key)
    survivors = list(live)
    plain: list[dict[str, Any]] = []
    replace = False
    for element in patched:
        match element.get(PATCH):
            case None:
                plain.append(element)
            case "delete":
                gone = ident(element)
                survivors = [item for item in survivors if _live_identity(item, merge_key) != gone]
            case "replace":
                replace = True
            case "merge":
                raise InvalidPatch("merging lists cannot yet be specified in the patch")
            case directive:
                raise InvalidPatch(f"unknown patch type: {directive!r} in list")
    if replace:
        return _Merged([_merge_map({}, element, items) for element in plain], survivors)

    merged = list(survivors)
    added = []
    for element in plain:
        wanted = ident(element)
        at = next((i for i, item in enumerate(merged) if _live_identity(item, merge_key) == wanted), None)
        if at is None:
            added.append(_merge_map({}, element, items))
            merged.append(added[-1])
        else:
            merged[at] = _merge_map(merged[at], element, items)
    freed = len(live) - len(survivors)
    return _Merged(_interleave(merged, plain, survivors, merge_key), survivors + added[:freed])


def _delete_from_list(live: list[Any], doomed: Any) -> list[Any]:
    if not isinstance(doomed, list):
        raise InvalidPatch("invalid patch format of primitive list")
    if _element_kind(live, doomed) != "scalar":
        raise InvalidPatch("$deleteFromPrimitiveList applies to lists of scalars only")
    gone = {_scalar_identity(value) for value in doomed}
    return [value for value in live if _scalar_identity(value) not in gone]


def _interleave(merged: list[Any], order: list[Any], live: list[Any], merge_key: str | None) -> list[Any]:
    """Order ``merged``: elements named in ``order`` in that order, the rest in their ``live`` order, interleaved.

    A server-only element goes before the next ordered element only when both are in ``live`` and it came first
    there; an ordered element that ``live`` does not have goes before every server-only element still waiting.
    """
    ident = _identity(merge_key)
    wanted: dict[Hashable, int] = {}
    for index, item in enumerate(order):
        wanted.setdefault(ident(item), index)
    was: dict[Hashable, int] = {}
    for index, item in enumerate(live):
        was.setdefault(_live_identity(item, merge_key), index)

    named = [(_live_identity(item, merge_key), item) for item in merged]
    ordered = sorted(((wanted[name], was.get(name), item) for name, item in named if name in wanted), key=_first)
    server_only = sorted(((was.get(name), item) for name, item in named if name not in wanted), key=_live_first)

    result: list[Any] = []
    i = j = 0
    while i < len(server_only) and j < len(ordered):
        server_rank, patch_rank = server_only[i][0], ordered[j][1]
        if server_rank is not None and patch_rank is not None and server_rank < patch_rank:
            result.append(server_only[i][1])
            i += 1
        else:
            result.append(ordered[j][2])
            j += 1
    result.extend(item for _, item in server_only[i:])
    result.extend(item for _, _, item in ordered[j:])
    return result


def _first(entry: tuple[int, int | None, Any]) -> int:
    return entry[0]


def _live_first(entry: tuple[int | None, Any]) -> tuple[bool, int]:
    """Elements in the live list by their place there; any others after them, in the order they came."""
    return (entry[0] is None, entry[0] or 0)


def _fresh(value: Any, field: SchemaNode | None) -> Any:
    """A patch value for a place where the live object has nothing to merge with: merged into an empty value."""
    if isinstance(value, dict):
        return _merge_map({}, value, field)
    if isinstance(value, list):
        return _merge_list([], value, field).items
    return value


def _field(node: SchemaNode | None, key: str) -> SchemaNode | None:
    if node is None:
        return None
    return node.property(key) or node.additional_properties()


def _strategy(field: SchemaNode | None) -> Strategy:
    """The list/map strategy of a field; ``retainKeys`` is a directive the patch carries, so it is left out here."""
    declared = field.patch_strategy if field is not None else None
    strategies = {part.strip() for part in (declared or "").split(",")} - {"retainKeys", ""}
    if strategies == {"merge"}:
        return "merge"
    if strategies == {"replace"}:
        return "replace"
    return ""


def _merge_key(field: SchemaNode | None, *elements: Any) -> str | None:
    """The merge key to order by: the field's, when the elements are objects."""
    if not any(isinstance(element, dict) for element in elements):
        return None
    merge_key = field.patch_merge_key if field is not None else None
    if not merge_key:
        raise PatchNotApplicable("cannot order a list of objects without a merge key")
    return merge_key


def _directive_field(key: str, prefix: str, problem: str) -> str:
    head, slash, name = key.partition("/")
    if head != prefix or not slash:
        raise InvalidPatch(f"{problem}: {key!r}")
    return name


def _element_kind(*lists: Sequence[Any]) -> Literal["map", "scalar"]:
    kinds = {
        "map" if isinstance(v, dict) else "list" if isinstance(v, list) else "scalar" for lst in lists for v in lst
    }
    if "list" in kinds:
        raise PatchNotApplicable("lists of lists are not supported")
    if len(kinds) > 1:
        raise PatchNotApplicable("list element types are not identical")
    return "map" if kinds == {"map"} else "scalar"


def _identity(merge_key: str | None) -> Callable[[Any], Hashable]:
    """How the patch names a list element: its merge key's value, or the value itself in a list of scalars."""
    if merge_key is None:
        return _scalar_identity

    def by_key(item: Any) -> Hashable:
        if not isinstance(item, dict) or merge_key not in item:
            raise InvalidPatch(f"map: {item} does not contain declared merge key: {merge_key}")
        return _scalar_identity(item[merge_key])

    return by_key


def _live_identity(item: Any, merge_key: str | None) -> Hashable:
    """Like :func:`_identity`, but a stored element without its merge key matches nothing rather than failing."""
    if merge_key is None:
        return _scalar_identity(item)
    if isinstance(item, dict) and merge_key in item:
        return _scalar_identity(item[merge_key])
    return ("unnamed", id(item))


def _scalar_identity(value: Any) -> Hashable:
    """Equality as JSON sees it: ``1`` is ``1.0`` but not ``true``."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    return ("json", json.dumps(value, sort_keys=True))


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Hashable] = set()
    unique = []
    for value in values:
        identity = _scalar_identity(value)
        if identity not in seen:
            seen.add(identity)
            unique.append(value)
    return unique
