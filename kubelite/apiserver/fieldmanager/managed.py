"""``metadata.managedFields``: who owns which fields, and how a non-apply write moves ownership.

An entry is identified by manager, operation and subresource, plus the apiVersion for an Update entry only (so an
applier keeps one entry across versions, an updater gets one per version it wrote). Entries are written sorted as
upstream sorts them: Apply before Update, then by time (whole seconds), manager, apiVersion and subresource. Every
entry carries ``fieldsType: FieldsV1``; ``time`` is absent on an entry that was never stamped.

A write that is not an apply (create, update, patch) is an Update by its manager (``update_managed_fields``,
kube-apiserver's ``FieldManager.Update`` and the wrappers around it):

* the base is the request's own managedFields when it sends valid, non-empty ones (so a client may rewrite them),
  the live object's otherwise; ``[]`` or ``[{}]`` resets them. A subresource write always keeps the live ones.
* an object that has no managedFields and is not being created stays untracked (upstream's
  ``skipNonAppliedManager``): a reset therefore strips managedFields until the next apply.
* fields added or changed move to the writer, whatever other entries owned them (an update never conflicts); fields
  removed leave every entry; entries left empty are dropped. The writer's entry is restamped only when it took
  something. ``apiVersion``, ``kind``, ``metadata`` itself and the server-set metadata fields (``name``,
  ``namespace``, ``uid``, ``resourceVersion``, ``generation``, ``creationTimestamp``, ``selfLink``,
  ``clusterName``, ``managedFields``) are never owned.
* at most 10 Update entries are kept: beyond that the oldest merge, per apiVersion, into ``ancient-changes``.
* if the object does not fit its schema, the previous managedFields are kept, as upstream does.

A create compares against an empty object, so every struct the new object brings is a member of the creator's set
(``"f:spec": {".": {}, ...}``). Upstream does the same for custom resources; for built-in kinds it compares against
Go's zero value, in which value-typed structs such as ``spec`` already exist, so those carry no ``"."``. Ownership
is the same either way: a struct's own membership never conflicts, it only keeps the struct from being pruned.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kubelite.apiserver.fieldmanager.errors import ApplyConflict, Conflict, InvalidObject
from kubelite.apiserver.fieldmanager.fieldpath import Path, PathElement, go_json
from kubelite.apiserver.fieldmanager.fieldset import FieldSet
from kubelite.apiserver.fieldmanager.merge import Comparison, compare
from kubelite.apiserver.fieldmanager.shape import Shape
from kubelite.apiserver.patch.schema import SchemaNode

Operation = Literal["Apply", "Update"]

MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"


def _path(*names: str) -> Path:
    return tuple(PathElement.field(name) for name in names)


#: Never owned by anyone (``stripmeta.go``). Taken out member by member: ``metadata.labels`` stays ownable.
NEVER_OWNED = FieldSet.of(
    _path("apiVersion"),
    _path("kind"),
    _path("metadata"),
    *(
        _path("metadata", name)
        for name in (
            "name",
            "namespace",
            "creationTimestamp",
            "selfLink",
            "uid",
            "clusterName",
            "generation",
            "managedFields",
            "resourceVersion",
        )
    ),
)


@dataclass(frozen=True, slots=True)
class Manager:
    """The identity of a managedFields entry. ``api_version`` is part of it for Update entries only."""

    name: str
    operation: Operation
    api_version: str = ""
    subresource: str = ""

    @classmethod
    def updater(cls, name: str, api_version: str, subresource: str = "") -> Manager:
        return cls(name or "unknown", "Update", api_version, subresource)

    @classmethod
    def applier(cls, name: str, subresource: str = "") -> Manager:
        return cls(name, "Apply", "", subresource)

    def identifier(self) -> str:
        """Upstream's manager identifier, the JSON of the entry without fields and time; conflicts sort by it."""
        fields = {
            "manager": self.name,
            "operation": self.operation,
            "apiVersion": self.api_version,
            "subresource": self.subresource,
        }
        return go_json({key: value for key, value in fields.items() if value})

    def conflicts(self, fields: FieldSet) -> list[Conflict]:
        return [Conflict(self.name, path, self.api_version, self.subresource) for path in fields.paths()]


@dataclass(slots=True)
class Entry:
    fields: FieldSet
    api_version: str
    time: str | None = None


Managed = dict[Manager, Entry]


def decode(entries: Any) -> Managed:
    """The entries of ``metadata.managedFields``; ValueError when one is not valid. A later duplicate wins."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ValueError("managedFields must be a list")
    managed: Managed = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ValueError(f"managed fields entry {index} is not an object")
        operation = entry.get("operation")
        if operation not in ("Apply", "Update"):
            raise ValueError("operation must be `Apply` or `Update`")
        api_version = entry.get("apiVersion")
        if not isinstance(api_version, str) or not api_version:
            raise ValueError("apiVersion must not be empty")
        if entry.get("fieldsType") != "FieldsV1":
            raise ValueError(f"invalid fieldsType {entry.get('fieldsType')!r} in managed fields entry {index}")
        name, subresource, time = entry.get("manager", ""), entry.get("subresource", ""), entry.get("time")
        if not isinstance(name, str) or not isinstance(subresource, str) or not isinstance(time, str | None):
            raise ValueError(f"managed fields entry {index} is malformed")
        key = Manager(name, operation, api_version if operation == "Update" else "", subresource)
        managed[key] = Entry(FieldSet.from_fields_v1(entry.get("fieldsV1") or {}), api_version, time)
    return managed


def encode(managed: Managed) -> list[dict[str, Any]]:
    """``metadata.managedFields`` for ``managed``, sorted as upstream sorts it."""
    entries: list[dict[str, Any]] = []
    for key, entry in managed.items():
        encoded: dict[str, Any] = {"manager": key.name} if key.name else {}
        encoded.update(operation=key.operation, apiVersion=entry.api_version)
        if entry.time is not None:
            encoded["time"] = entry.time
        encoded["fieldsType"] = "FieldsV1"
        encoded["fieldsV1"] = entry.fields.to_fields_v1()
        if key.subresource:
            encoded["subresource"] = key.subresource
        entries.append(encoded)
    if len(entries) > 1:
        entries.sort(
            key=lambda e: (
                e["operation"],
                _seconds(e.get("time")),
                e.get("manager", ""),
                e["apiVersion"],
                e.get("subresource", ""),
            )
        )
    return entries


def _seconds(time: str | None) -> int:
    if time is None:
        return 0
    try:
        return int(datetime.datetime.fromisoformat(time).timestamp())
    except ValueError:
        return 0


def take_ownership(
    old: Any,
    new: Any,
    managed: Managed,
    writer: Manager | None,
    *,
    force: bool,
    shape: Shape,
    ignored: FieldSet,
) -> Comparison:
    """Move what changed from ``old`` to ``new`` away from every entry but ``writer``'s, and drop empty entries.

    Fields added or modified that another entry owns are conflicts: raised as ApplyConflict unless ``force``, taken
    from that entry if it is. Removed fields leave every other entry.
    """
    changes = compare(old, new, shape).without(ignored)
    changed = changes.changed()
    conflicts = [
        (key, managed[key].fields.intersection(changed))
        for key in sorted(managed, key=Manager.identifier)
        if key != writer
    ]
    conflicts = [(key, fields) for key, fields in conflicts if not fields.empty()]
    if conflicts and not force:
        raise ApplyConflict(conflict for key, fields in conflicts for conflict in key.conflicts(fields))
    for key, fields in conflicts:
        managed[key].fields = managed[key].fields.difference(fields)
    if not changes.removed.empty():
        for key, entry in managed.items():
            if key != writer:
                entry.fields = entry.fields.difference(changes.removed)
    for key in [key for key, entry in managed.items() if entry.fields.empty()]:
        del managed[key]
    return changes


def record_update(
    old: Any, new: Any, managed: Managed, writer: Manager, *, shape: Shape, now: str, ignored: FieldSet
) -> None:
    """Give ``writer`` (an Update entry) the fields that changed from ``old`` to ``new``."""
    changes = take_ownership(old, new, managed, None, force=True, shape=shape, ignored=ignored)
    changed = changes.changed()
    taken = (changed if ignored.empty() else changed.recursive_difference(ignored)).difference(NEVER_OWNED)
    if taken.empty():
        return
    previous = managed.get(writer)
    fields = taken.union(previous.fields) if previous is not None else taken
    managed[writer] = Entry(fields, writer.api_version, now)


def strip_never_owned(managed: Managed, key: Manager) -> None:
    entry = managed.get(key)
    if entry is None:
        return
    entry.fields = entry.fields.difference(NEVER_OWNED)
    if entry.fields.empty():
        del managed[key]


def cap_updaters(managed: Managed, limit: int = MAX_UPDATE_MANAGERS) -> None:
    """Merge the oldest Update entries, per apiVersion, into ``ancient-changes`` until at most ``limit`` remain."""
    if sum(key.operation == "Update" for key in managed) <= limit:
        return  # NB: the common case, without sorting by parsed timestamps
    updaters = sorted(
        (key for key in managed if key.operation == "Update"),
        key=lambda key: (_seconds(managed[key].time), key.identifier()),
    )
    remaining = len(updaters)
    first_of_version: dict[str, Manager] = {}
    for key in updaters:
        if remaining <= limit:
            break
        entry = managed[key]
        first = first_of_version.setdefault(entry.api_version, key)
        if first == key:
            continue
        bucket = Manager.updater(ANCIENT_CHANGES, entry.api_version)
        if key == bucket:  # NB: the bucket itself came later than the first entry of its version: fold that in
            entry.fields = entry.fields.union(managed.pop(first).fields)
            remaining -= 1
            continue
        if bucket not in managed:
            managed[bucket] = managed.pop(first)
        managed[bucket] = Entry(entry.fields.union(managed[bucket].fields), entry.api_version, entry.time)
        del managed[key]
        remaining -= 1


def without_managed_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """``obj`` without ``metadata.managedFields``: a shallow copy, since nothing here mutates its inputs (the
    objects are large and this runs on every write)."""
    result = dict(obj)
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        result["metadata"] = {k: v for k, v in metadata.items() if k != "managedFields"}
    return result


def managed_fields_of(obj: Mapping[str, Any] | None) -> Any:
    metadata = obj.get("metadata") if obj is not None else None
    return metadata.get("managedFields") if isinstance(metadata, Mapping) else None


def _is_reset(entries: Any) -> bool:
    return entries in ([], [{}])


def _base(old: Mapping[str, Any] | None, new: Mapping[str, Any], subresource: str) -> Managed:
    """The entries a write starts from (upstream's ``decodeLiveOrNew``)."""
    try:
        live = decode(managed_fields_of(old))
    except ValueError:
        live = {}
    sent = managed_fields_of(new)
    if subresource:
        return live
    if _is_reset(sent):
        return {}
    try:
        return decode(sent) or live
    except ValueError:
        return live


def update_managed_fields(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    *,
    manager: str,
    api_version: str,
    subresource: str = "",
    schema: SchemaNode | None,
    now: str,
    reset_fields: FieldSet | None = None,
) -> list[dict[str, Any]]:
    """The managedFields ``new`` gets when ``manager`` writes it over ``old`` (None for a create), not by apply.

    ``now`` is the RFC 3339 time (whole seconds) to stamp. ``reset_fields`` are fields this endpoint does not let
    anyone own, because the strategy resets them (``status`` on the main resource of a kind with a status
    subresource, everything but ``status`` on ``/status``). An empty result means: no managedFields.
    """
    managed = _base(old, new, subresource)
    if not managed and old is not None:
        return []
    ignored = reset_fields or FieldSet()
    writer = Manager.updater(manager, api_version, subresource)
    try:
        record_update(
            without_managed_fields(old or {}),
            without_managed_fields(new),
            managed,
            writer,
            shape=Shape.root(schema),
            now=now,
            ignored=ignored,
        )
    except InvalidObject:
        return copy.deepcopy(list(managed_fields_of(old) or []))
    cap_updaters(managed)
    return encode(managed)


def union_of(entries: Iterable[Entry]) -> FieldSet:
    result = FieldSet()
    for entry in entries:
        result = result.union(entry.fields)
    return result
