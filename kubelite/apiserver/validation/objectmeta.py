"""``metadata`` validation on create and update, as apimachinery's ``ValidateObjectMeta`` and its update twin.

Field paths follow upstream exactly, including two shapes that surprise: label, annotation and finalizer errors
point at the whole map or list (``metadata.labels``, not ``metadata.labels[app]``), and owner reference errors at
``metadata.ownerReferences.uid`` without an index.

What the store does *before* calling these, as kube-apiserver's ``BeforeCreate``/``BeforeUpdate`` do, and what is
therefore not re-checked here:

* on create it clears ``deletionTimestamp``/``deletionGracePeriodSeconds`` and fills ``uid``, ``creationTimestamp``
  and, for a ``generateName``, the ``name`` (:func:`~kubelite.apiserver.validation.names.generate_name`). If the
  name is still empty here but ``generateName`` is set, no "required" error is raised: the prefix has been checked
  and the generated name is that prefix plus five safe characters.
* on update it restores ``creationTimestamp`` (and ``uid`` if omitted) from the stored object and keeps the
  deletion fields once set; a client *setting* ``deletionTimestamp`` or ``deletionGracePeriodSeconds`` by update is
  then caught here as "field is immutable", as upstream does.

Not checked: ``managedFields`` (server-side apply bookkeeping), and the client warnings newer servers give for
finalizer names without a domain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubelite.apiserver.errors import FieldError, forbidden, invalid, required
from kubelite.apiserver.validation.names import (
    NameRule,
    is_label_value,
    is_qualified_name,
    name_is_dns_label,
    name_is_dns_subdomain,
)

#: Annotations (keys and values together) may hold at most 256 KiB.
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
FIELD_IMMUTABLE = "field is immutable"
_ORPHAN = "orphan"
_FOREGROUND = "foregroundDeletion"
#: Kinds that may never own anything: core/v1 Event (apimachinery's ``BannedOwners``).
_BANNED_OWNERS = {("", "v1", "Event")}


def validate_object_meta(
    meta: Mapping[str, Any],
    *,
    namespaced: bool,
    name_rule: NameRule = name_is_dns_subdomain,
    path: str = "metadata",
) -> list[FieldError]:
    """Every problem with an object's metadata on create."""
    errors: list[FieldError] = []
    name = _text(meta.get("name"))
    generate_name = _text(meta.get("generateName"))
    if generate_name:
        errors += [invalid(f"{path}.generateName", generate_name, msg) for msg in name_rule(generate_name, True)]
    if name:
        errors += [invalid(f"{path}.name", name, msg) for msg in name_rule(name, False)]
    elif not generate_name:
        errors.append(required(f"{path}.name", "name or generateName is required"))

    namespace = _text(meta.get("namespace"))
    if namespaced and not namespace:
        errors.append(required(f"{path}.namespace"))
    elif namespaced:
        errors += [invalid(f"{path}.namespace", namespace, msg) for msg in name_is_dns_label(namespace, False)]
    elif namespace:
        errors.append(forbidden(f"{path}.namespace", "not allowed on this type"))

    generation = meta.get("generation")
    if isinstance(generation, int) and generation < 0:
        errors.append(invalid(f"{path}.generation", generation, "must be greater than or equal to 0"))
    errors += validate_labels(meta.get("labels"), f"{path}.labels")
    errors += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errors += validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences")
    errors += validate_finalizers(meta.get("finalizers"), f"{path}.finalizers")
    return errors


def validate_object_meta_update(
    new: Mapping[str, Any], old: Mapping[str, Any], *, path: str = "metadata"
) -> list[FieldError]:
    """Every problem with the metadata of an update: immutable identity, deletion state, and the usual content."""
    errors: list[FieldError] = []
    if old.get("deletionTimestamp") is not None:
        added = sorted(set(_strings(new.get("finalizers"))) - set(_strings(old.get("finalizers"))))
        if added:
            listed = ", ".join(f'"{f}"' for f in added)
            errors.append(
                forbidden(
                    f"{path}.finalizers",
                    "no new finalizers can be added if the object is being deleted, "
                    f"found new finalizers []string{{{listed}}}",
                )
            )
    resource_version = _text(new.get("resourceVersion"))
    if not resource_version:
        errors.append(invalid(f"{path}.resourceVersion", resource_version, "must be specified for an update"))
    new_generation, old_generation = new.get("generation") or 0, old.get("generation") or 0
    if isinstance(new_generation, int) and isinstance(old_generation, int) and new_generation < old_generation:
        errors.append(invalid(f"{path}.generation", new_generation, "must not be decremented"))

    for key in ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
        before, after = _comparable(old.get(key)), _comparable(new.get(key))
        if before != after:
            errors.append(invalid(f"{path}.{key}", new.get(key), FIELD_IMMUTABLE))

    errors += validate_labels(new.get("labels"), f"{path}.labels")
    errors += validate_annotations(new.get("annotations"), f"{path}.annotations")
    errors += validate_owner_references(new.get("ownerReferences"), f"{path}.ownerReferences")
    # NB: apimachinery's own update check skips finalizer names; every built-in kind's wrapper adds them back.
    errors += validate_finalizers(new.get("finalizers"), f"{path}.finalizers")
    return errors


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for key, value in _string_map(labels, path, errors).items():
        errors += [invalid(path, key, msg) for msg in is_qualified_name(key)]
        errors += [invalid(path, value, msg) for msg in is_label_value(value)]
    return errors


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    entries = _string_map(annotations, path, errors)
    for key in entries:
        # Annotation keys are qualified names in which case does not matter.
        errors += [invalid(path, key, msg) for msg in is_qualified_name(key.lower())]
    size = sum(len(k.encode()) + len(v.encode()) for k, v in entries.items())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errors.append(
            FieldError("FieldValueTooLong", path, f"may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes")
        )
    return errors


def validate_owner_references(references: Any, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if references is None:
        return errors
    if not isinstance(references, Sequence) or isinstance(references, str):
        return [FieldError("FieldValueTypeInvalid", path, "must be a list of owner references", references)]
    first_controller = ""
    for ref in references:
        if not isinstance(ref, Mapping):
            errors.append(FieldError("FieldValueTypeInvalid", path, "must be an owner reference", ref))
            continue
        api_version, kind = _text(ref.get("apiVersion")), _text(ref.get("kind"))
        group, version = _group_version(api_version)
        if not version:
            errors.append(invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        if not kind:
            errors.append(invalid(f"{path}.kind", kind, "kind must not be empty"))
        if not _text(ref.get("name")):
            errors.append(invalid(f"{path}.name", _text(ref.get("name")), "name must not be empty"))
        if not _text(ref.get("uid")):
            errors.append(invalid(f"{path}.uid", _text(ref.get("uid")), "uid must not be empty"))
        if (group, version, kind) in _BANNED_OWNERS:
            errors.append(invalid(path, dict(ref), f"{group}/{version}, Kind={kind} is disallowed from being an owner"))
        if ref.get("controller") is True:
            current = f"{kind}/{_text(ref.get('name'))}"
            if first_controller:
                errors.append(
                    invalid(
                        path,
                        list(references),
                        "Only one reference can have Controller set to true. "
                        f'Found "true" in references for {first_controller} and {current}',
                    )
                )
            else:
                first_controller = current
    return errors


def validate_finalizers(finalizers: Any, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    names = _strings(finalizers)
    for name in names:
        errors += [invalid(path, name, msg) for msg in is_qualified_name(name)]
    if _ORPHAN in names and _FOREGROUND in names:
        errors.append(invalid(path, names, f"finalizer {_ORPHAN} and {_FOREGROUND} cannot be both set"))
    return errors


def _group_version(api_version: str) -> tuple[str, str]:
    """schema.ParseGroupVersion as FromAPIVersionAndKind uses it: a malformed value has no version at all."""
    if not api_version or api_version == "/":
        return "", ""
    parts = api_version.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return "", ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [v for v in value if isinstance(v, str)]
    return []


def _comparable(value: Any) -> Any:
    """Immutability compares like Go's semantic DeepEqual, where an absent field and its zero value agree."""
    return None if value in ("", None) else value


def _string_map(value: Any, path: str, errors: list[FieldError]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        errors.append(FieldError("FieldValueTypeInvalid", path, "must be a map of strings to strings", value))
        return {}
    return dict(value)
