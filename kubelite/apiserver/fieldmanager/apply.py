"""Server-side apply: merge an applied configuration into the live object and record who owns what.

What an apply does (structured-merge-diff's ``Updater.Apply`` inside kube-apiserver's field manager):

1. Check the request: the configuration's apiVersion and kind are the endpoint's, it has no
   ``metadata.managedFields``, and a field manager is named.
2. If the live object has no managedFields (it was never tracked, or they were reset), its present fields are first
   given to an Update entry ``before-first-apply``, so an apply cannot silently take them over.
3. Merge the configuration into the live object: leaves and atomic lists are replaced, maps and structs merge by key,
   associative lists by their keys, sets by value.
4. The applier's entry becomes exactly the fields of the configuration. Whatever it applied last time and no longer
   does is removed from the object, unless some entry (another applier's or an updater's) still owns it; a removed
   list item or struct goes with everything in it.
5. Fields whose value this apply changes (or adds) and that another entry owns are conflicts: an
   :class:`~kubelite.apiserver.fieldmanager.errors.ApplyConflict` unless ``force``, in which case they leave the
   other entries. Applying the value a field already has is no conflict: the field becomes shared.
6. The applier's entry is stamped with ``now`` only if the object changed; an apply that changes nothing returns the
   live object as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kubelite.apiserver.fieldmanager.errors import InvalidApply, InvalidObject, MissingFieldManager
from kubelite.apiserver.fieldmanager.fieldset import FieldSet
from kubelite.apiserver.fieldmanager.managed import (
    Entry,
    Managed,
    Manager,
    decode,
    encode,
    managed_fields_of,
    record_update,
    strip_never_owned,
    take_ownership,
    union_of,
    without_managed_fields,
)
from kubelite.apiserver.fieldmanager.merge import json_equal, merge
from kubelite.apiserver.fieldmanager.shape import Shape
from kubelite.apiserver.fieldmanager.walk import MISSING, field_set, remove_items, with_named_fields
from kubelite.apiserver.patch.schema import SchemaNode

BEFORE_FIRST_APPLY = "before-first-apply"


def apply(
    live: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    *,
    manager: str,
    api_version: str,
    force: bool,
    schema: SchemaNode | None,
    now: str,
    subresource: str = "",
    reset_fields: FieldSet | None = None,
) -> dict[str, Any]:
    """The object after ``manager`` applies ``config`` to ``live`` (None: the apply creates it), managedFields set.

    Neither argument is changed. Raises InvalidApply for a request that cannot apply, ApplyConflict for conflicts.
    ``reset_fields`` are fields this endpoint does not let anyone own (see ``update_managed_fields``).
    """
    _check(live, config, manager, api_version)
    shape, ignored = Shape.root(schema), reset_fields or FieldSet()
    base = without_managed_fields(live) if live is not None else {"apiVersion": api_version, "kind": config["kind"]}
    try:
        managed = decode(managed_fields_of(live))
    except ValueError:
        managed = {}
    applier = Manager.applier(manager, subresource)
    try:
        applied = field_set(config, shape, unique_items=True).recursive_difference(ignored)
    except InvalidObject as error:
        raise InvalidApply(f"failed to create typed patch object ({_describe(config)}): {error}") from None
    try:
        if not managed:
            empty = {"apiVersion": base.get("apiVersion"), "kind": base.get("kind")}
            before = Manager.updater(BEFORE_FIRST_APPLY, api_version, subresource)
            record_update(empty, base, managed, before, shape=shape, now=now, ignored=ignored)
        last = managed.get(applier)
        managed[applier] = Entry(applied, api_version, last.time if last is not None else None)
        result = _prune(merge(base, copy.deepcopy(dict(config)), shape), managed, applier, last, shape)
        take_ownership(base, result, managed, applier, force=force, shape=shape, ignored=ignored)
    except InvalidObject as error:
        raise InvalidApply(f"failed to apply to the live object ({_describe(base)}): {error}") from None
    strip_never_owned(managed, applier)
    if json_equal(result, base):
        result = base
    elif applier in managed:
        managed[applier].time = now
    return _with_managed_fields(result, managed)


def _check(live: Mapping[str, Any] | None, config: Mapping[str, Any], manager: str, api_version: str) -> None:
    if not manager:
        raise MissingFieldManager()
    if not isinstance(config, Mapping):
        raise InvalidApply("the applied configuration must be an object")
    if config.get("apiVersion") != api_version:
        raise InvalidApply(
            "Incorrect version specified in apply patch. "
            f"Specified patch version: {config.get('apiVersion') or ''}, expected: {api_version}"
        )
    kind = config.get("kind")
    if not kind or not isinstance(kind, str) or (live is not None and kind != live.get("kind")):
        raise InvalidApply(f"invalid object type: {_gvk(api_version, kind)}")
    if managed_fields_of(config) is not None:
        raise InvalidApply("metadata.managedFields must be nil")


def _prune(merged: Any, managed: Managed, applier: Manager, last: Entry | None, shape: Shape) -> Any:
    """``merged`` without what ``applier`` applied last time and nobody owns now (``Updater.prune``).

    Upstream's three steps: take out everything last applied, with the structs above it; put back what some entry
    owns; then remove, of what is still missing, only what was last applied.
    """
    if last is None or last.fields.empty():
        return merged
    last_applied = with_named_fields(last.fields, shape)
    owned = with_named_fields(union_of(managed.values()), shape)
    everything = _named_field_set(merged, shape)
    without_last = _named_field_set(remove_items(merged, last_applied, shape), shape)
    kept = remove_items(merged, everything.difference(without_last.union(owned)), shape)
    gone = everything.difference(_named_field_set(kept, shape)).intersection(last_applied)
    pruned = remove_items(merged, gone, shape)
    return {} if pruned is MISSING else pruned


def _named_field_set(value: Any, shape: Shape) -> FieldSet:
    return with_named_fields(field_set({} if value is MISSING else value, shape), shape)


def _with_managed_fields(obj: dict[str, Any], managed: Managed) -> dict[str, Any]:
    entries = encode(managed)
    metadata = obj.get("metadata")
    if entries:
        if not isinstance(metadata, dict):
            metadata = obj["metadata"] = {}
        metadata["managedFields"] = entries
    elif isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    return obj


def _gvk(api_version: str, kind: Any) -> str:
    group, _, version = api_version.rpartition("/")
    return f"{group}/{version}, Kind={kind or ''}"


def _describe(obj: Mapping[str, Any]) -> str:
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    namespace, name = metadata.get("namespace") or "", metadata.get("name") or ""
    return f"{namespace}/{name}; {_gvk(str(obj.get('apiVersion') or ''), obj.get('kind'))}"
