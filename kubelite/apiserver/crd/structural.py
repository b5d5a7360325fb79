"""Validation of CustomResourceDefinitions (``apiextensions.k8s.io/v1``), including the structural-schema rules.

:func:`validate_structural` is apiextensions' ``ValidateStructural``. A schema is structural when

1. every node has a ``type`` (at the root, ``object``), except below ``x-kubernetes-int-or-string`` and
   ``x-kubernetes-preserve-unknown-fields``; an ``array`` has ``items``; ``x-kubernetes-embedded-resource`` needs
   ``type: object`` and ``properties`` (or preserve-unknown-fields); ``additionalProperties`` is not used at the root;
2. the logical junctors ``allOf``/``anyOf``/``oneOf``/``not`` only *restrict*: inside them there is no ``type``,
   ``default``, ``description``, ``title``, ``nullable``, ``additionalProperties`` or ``x-kubernetes-*`` (except
   the two int-or-string patterns ``anyOf: [{type: integer}, {type: string}]``, also as the first ``allOf``), and
   every property or items they mention is also specified outside them (checked at the root, as upstream does);
3. ``metadata`` at the root may only restrict ``name`` and ``generateName``, and nested junctors may not mention
   ``metadata`` at all; ``apiVersion``/``kind`` must be strings.

The errors come back sorted by their text, as upstream sorts them.

:func:`validate_crd` and :func:`validate_crd_update` cover the rest of ``ValidateCustomResourceDefinition``:
``metadata.name`` is ``<plural>.<group>``; the group is a dotted DNS subdomain; names are DNS-1035 labels (kinds in
any case); ``scope`` is ``Namespaced`` or ``Cluster``; version names are unique DNS-1035 labels with exactly one
storage version; every version has a schema, which also gets the OpenAPI checks (no ``$ref``, ``uniqueItems``,
``patternProperties`` and the like; list and map type rules; no defaults in top-level metadata; with a status
subresource only some keywords at the root) and whose defaults must validate and be pruned; subresources (scale
paths under ``.spec``/``.status``), printer columns, deprecation warnings and ``preserveUnknownFields: false``.
On update, ``group`` and ``names.plural`` are immutable, and once the CRD is Established so are ``scope`` and
``names.kind``.

kubelite differences, on purpose: conversion strategy ``Webhook`` is not supported and reported as an unsupported
value (only ``None``). Not checked: ``status.storedVersions`` (the server maintains it), the API-approval
annotation of ``*.k8s.io`` groups, ``selectableFields``, CEL rules (only their shape: a non-empty ``rule``),
regular expressions beyond what Python's ``re`` rejects, defaults inside embedded-resource metadata, and the
relaxations upstream grants on update to CRDs stored before a rule existed. Upstream has no "at least one served
version" rule, so neither is one here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any, Literal

from kubelite.apiserver.crd.schema import META_FIELDS, Schema, prune, validate
from kubelite.apiserver.errors import FieldError, forbidden, invalid, not_supported, required
from kubelite.apiserver.validation.names import is_dns1035_label, is_dns1123_subdomain, name_is_dns_subdomain
from kubelite.apiserver.validation.objectmeta import (
    FIELD_IMMUTABLE,
    validate_object_meta,
    validate_object_meta_update,
)

_Level = Literal["root", "item", "field"]
_OPENAPI_TYPES = ("array", "boolean", "integer", "number", "object", "string")
_PRINTER_COLUMN_TYPES = "boolean,date,integer,number,string"
_PRINTER_COLUMN_FORMATS = ("byte", "date", "date-time", "double", "float", "int32", "int64", "password")
_VALIDATION_REASONS = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]
#: With a status subresource the root schema may only use these (apiextensions' ``allowedFieldsAtRootSchema``).
_ROOT_FIELDS_WITH_STATUS = {
    "description": "Description",
    "type": "Type",
    "format": "Format",
    "title": "Title",
    "maximum": "Maximum",
    "exclusiveMaximum": "ExclusiveMaximum",
    "minimum": "Minimum",
    "exclusiveMinimum": "ExclusiveMinimum",
    "maxLength": "MaxLength",
    "minLength": "MinLength",
    "pattern": "Pattern",
    "maxItems": "MaxItems",
    "minItems": "MinItems",
    "uniqueItems": "UniqueItems",
    "multipleOf": "MultipleOf",
    "required": "Required",
    "items": "Items",
    "properties": "Properties",
    "externalDocs": "ExternalDocs",
    "example": "Example",
    "x-kubernetes-preserve-unknown-fields": "XPreserveUnknownFields",
    "x-kubernetes-validations": "XValidations",
}
_NESTED_FORBIDDEN = (
    ("type", "must be empty to be structural"),
    ("default", "must be undefined to be structural"),
    ("title", "must be empty to be structural"),
    ("description", "must be empty to be structural"),
    ("nullable", "must be false to be structural"),
    ("x-kubernetes-preserve-unknown-fields", "must be false to be structural"),
    ("x-kubernetes-embedded-resource", "must be false to be structural"),
    ("x-kubernetes-int-or-string", "must be false to be structural"),
    ("x-kubernetes-list-map-keys", "must be empty to be structural"),
    ("x-kubernetes-list-type", "must be undefined to be structural"),
    ("x-kubernetes-map-type", "must be undefined to be structural"),
    ("x-kubernetes-validations", "must be empty to be structural"),
)
_INT_OR_STRING_ANY_OF = [{"type": "integer"}, {"type": "string"}]


# ---------------------------------------------------------------------------------------------- structural schemas


def validate_structural(schema: Schema, path: str) -> list[FieldError]:
    """Every way ``schema`` (an ``openAPIV3Schema`` found at ``path``) is not structural, sorted."""
    errors: list[FieldError] = []
    _invariants(schema, "root", path, errors)
    _completeness(schema, schema, path, path, errors)
    return sorted(errors, key=lambda e: e.render())


def _invariants(s: Schema, level: _Level, path: str, errors: list[FieldError]) -> None:
    kind = _type(s)
    if kind == "array" and s.get("items") is None:
        errors.append(required(f"{path}.items", "must be specified"))
    if isinstance(s.get("items"), Mapping):
        _invariants(s["items"], "item", f"{path}.items", errors)
    for key, sub in _properties(s).items():
        _invariants(sub, "field", f"{path}.properties[{key}]", errors)
    additional = s.get("additionalProperties")
    if additional is not None:
        if level == "root":
            errors.append(forbidden(f"{path}.additionalProperties", "must not be used at the root"))
        if isinstance(additional, Mapping):
            _invariants(additional, "field", f"{path}.additionalProperties", errors)

    int_or_string, preserve, embedded = (
        _flag(s, f"x-kubernetes-{x}") for x in ("int-or-string", "preserve-unknown-fields", "embedded-resource")
    )
    if int_or_string and preserve:
        message = "must be false if x-kubernetes-int-or-string is true"
        errors.append(invalid(f"{path}.x-kubernetes-preserve-unknown-fields", True, message))
    if int_or_string and embedded:
        errors.append(
            invalid(
                f"{path}.x-kubernetes-embedded-resource", True, "must be false if x-kubernetes-int-or-string is true"
            )
        )

    _junctors(
        s,
        path,
        errors,
        skip_any_of=_is_int_or_string_any_of(s),
        skip_first_all_of_any_of=_is_int_or_string_all_of(s),
    )

    if embedded and kind != "object":
        message = "must be object if x-kubernetes-embedded-resource is true"
        errors.append(invalid(f"{path}.type", kind, message) if kind else required(f"{path}.type", message))
    elif not kind and not int_or_string and not preserve:
        where = {"root": "at the root", "item": "for specified array items", "field": "for specified object fields"}
        errors.append(required(f"{path}.type", f"must not be empty {where[level]}"))
    if embedded and additional is not None:
        errors.append(
            forbidden(f"{path}.additionalProperties", "must not be used if x-kubernetes-embedded-resource is set")
        )
    if level == "root" and kind and kind != "object":
        errors.append(invalid(f"{path}.type", kind, "must be object at the root"))

    check_metadata = level == "root" or embedded
    properties = _properties(s)
    for field in ("kind", "apiVersion"):
        if field in properties and check_metadata and _type(properties[field]) != "string":
            errors.append(invalid(f"{path}.properties[{field}].type", _type(properties[field]), "must be string"))
    if "metadata" in properties:
        _metadata_invariants(properties["metadata"], check_metadata, level, f"{path}.properties[metadata]", errors)
    if embedded and not preserve and not properties:
        message = (
            "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"
        )
        errors.append(required(f"{path}.properties", message))


def _metadata_invariants(s: Schema, check_metadata: bool, level: _Level, path: str, errors: list[FieldError]) -> None:
    if check_metadata and _type(s) != "object":
        errors.append(invalid(f"{path}.type", _type(s), "must be object"))
    if level != "root":
        return
    # Only `type`, and properties for name and/or generateName (with any content), may be said about metadata.
    rest = {k: v for k, v in s.items() if k not in ("type", "default") and _set(v)}
    named = rest.pop("properties", None)
    if rest or (isinstance(named, Mapping) and not set(named) <= {"name", "generateName"}):
        message = "must not specify anything other than name and generateName, but metadata is implicitly specified"
        errors.append(forbidden(path, message))


def _junctors(
    s: Schema, path: str, errors: list[FieldError], *, skip_any_of: bool, skip_first_all_of_any_of: bool
) -> None:
    if not skip_any_of:
        for i, sub in enumerate(_list(s, "anyOf")):
            _nested(sub, f"{path}.anyOf[{i}]", errors)
    for i, sub in enumerate(_list(s, "allOf")):
        _nested(sub, f"{path}.allOf[{i}]", errors, skip_any_of=skip_first_all_of_any_of and i == 0)
    for i, sub in enumerate(_list(s, "oneOf")):
        _nested(sub, f"{path}.oneOf[{i}]", errors)
    if isinstance(s.get("not"), Mapping):
        _nested(s["not"], f"{path}.not", errors)
    pattern = s.get("pattern")
    if isinstance(pattern, str) and pattern:
        try:
            re.compile(pattern)
        except re.error as e:
            errors.append(invalid(f"{path}.pattern", pattern, f"must be a valid regular expression, but isn't: {e}"))


def _nested(v: Schema, path: str, errors: list[FieldError], *, skip_any_of: bool = False) -> None:
    """A schema inside a junctor: it may only restrict values, never add structure."""
    _junctors(v, path, errors, skip_any_of=skip_any_of, skip_first_all_of_any_of=False)
    if isinstance(v.get("items"), Mapping):
        _nested(v["items"], f"{path}.items", errors)
    for key, sub in _properties(v).items():
        _nested(sub, f"{path}.properties[{key}]", errors)
    if v.get("additionalProperties") is not None:
        errors.append(forbidden(f"{path}.additionalProperties", "must be undefined to be structural"))
    errors += [forbidden(f"{path}.{key}", message) for key, message in _NESTED_FORBIDDEN if _set(v.get(key))]
    if "metadata" in _properties(v):
        errors.append(forbidden(f"{path}.properties[metadata]", "must not be specified in a nested context"))


def _completeness(v: Schema, s: Schema | None, s_path: str, v_path: str, errors: list[FieldError]) -> None:
    """Every field or items a junctor of ``v`` mentions must also be specified in ``s``."""
    if s is None:
        errors.append(required(s_path, f"because it is defined in {v_path}"))
        return
    if isinstance(v.get("not"), Mapping):
        _completeness_nested(v["not"], s, s_path, f"{v_path}.not", errors)
    for junctor in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(_list(v, junctor)):
            _completeness_nested(sub, s, s_path, f"{v_path}.{junctor}[{i}]", errors)


def _completeness_nested(v: Schema, s: Schema | None, s_path: str, v_path: str, errors: list[FieldError]) -> None:
    if s is None:
        errors.append(required(s_path, f"because it is defined in {v_path}"))
        return
    _completeness(v, s, s_path, v_path, errors)
    if isinstance(v.get("items"), Mapping):
        items = s.get("items")
        _completeness_nested(
            v["items"], items if isinstance(items, Mapping) else None, f"{s_path}.items", f"{v_path}.items", errors
        )
    structural = _properties(s)
    for key, sub in _properties(v).items():
        s_child, v_child = f"{s_path}.properties[{key}]", f"{v_path}.properties[{key}]"
        if key in structural:
            _completeness_nested(sub, structural[key], s_child, v_child, errors)
        else:
            errors.append(required(s_child, f"because it is defined in {v_child}"))


def _is_int_or_string_any_of(s: Schema) -> bool:
    any_of = s.get("anyOf")
    return isinstance(any_of, list) and [_trimmed(x) for x in any_of] == _INT_OR_STRING_ANY_OF


def _is_int_or_string_all_of(s: Schema) -> bool:
    all_of = s.get("allOf")
    return (
        isinstance(all_of, list)
        and bool(all_of)
        and isinstance(all_of[0], Mapping)
        and _is_int_or_string_any_of(all_of[0])
    )


# ------------------------------------------------------------------------------------------------------------- CRDs


def validate_crd(crd: Mapping[str, Any]) -> list[FieldError]:
    """Every problem with a CRD on create."""
    spec = _map(crd.get("spec"))
    required_name = f"{_str(_map(spec.get('names')).get('plural'))}.{_str(spec.get('group'))}"

    def name_rule(name: str, prefix: bool) -> list[str]:
        problems = name_is_dns_subdomain(name, prefix)
        if name != required_name:
            problems.append('must be spec.names.plural+"."+spec.group')
        return problems

    errors = validate_object_meta(_map(crd.get("metadata")), namespaced=False, name_rule=name_rule)
    return (
        errors
        + _validate_spec(spec)
        + _validate_names(_map(_map(crd.get("status")).get("acceptedNames")), "status.acceptedNames")
    )


def validate_crd_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> list[FieldError]:
    """Every problem with an update of a CRD."""
    spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    errors = validate_object_meta_update(_map(new.get("metadata")), _map(old.get("metadata")))
    errors += _validate_spec(spec)
    names, old_names = _map(spec.get("names")), _map(old_spec.get("names"))
    immutable: list[tuple[str, Any, Any]] = []
    if _established(old):
        immutable += [("spec.scope", spec.get("scope"), old_spec.get("scope"))]
        immutable += [("spec.names.kind", names.get("kind"), old_names.get("kind"))]
    immutable += [("spec.group", spec.get("group"), old_spec.get("group"))]
    immutable += [("spec.names.plural", names.get("plural"), old_names.get("plural"))]
    errors += [invalid(path, now, FIELD_IMMUTABLE) for path, now, before in immutable if now != before]
    return errors + _validate_names(_map(_map(new.get("status")).get("acceptedNames")), "status.acceptedNames")


def _established(crd: Mapping[str, Any]) -> bool:
    conditions = _map(crd.get("status")).get("conditions") or []
    return any(_map(c).get("type") == "Established" and _map(c).get("status") == "True" for c in conditions)


def _validate_spec(spec: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    group = _str(spec.get("group"))
    if not group:
        errors.append(required("spec.group"))
    elif problems := is_dns1123_subdomain(group):
        errors.append(invalid("spec.group", group, ",".join(problems)))
    elif "." not in group:
        errors.append(invalid("spec.group", group, "should be a domain with at least one dot"))

    scope = _str(spec.get("scope"))
    if not scope:
        errors.append(required("spec.scope"))
    elif scope not in ("Cluster", "Namespaced"):
        errors.append(not_supported("spec.scope", scope, ["Cluster", "Namespaced"]))

    versions = [_map(v) for v in spec.get("versions") or []]
    for i, version in enumerate(versions):
        name = _str(version.get("name"))
        if problems := is_dns1035_label(name):
            errors.append(invalid(f"spec.versions[{i}].name", name, ",".join(problems)))
        errors += _validate_version(version, f"spec.versions[{i}]")
    names = [_str(v.get("name")) for v in versions]
    if len(set(names)) != len(names):
        errors.append(invalid("spec.versions", versions, "must contain unique version names"))
    if sum(1 for v in versions if v.get("storage") is True) != 1:
        errors.append(invalid("spec.versions", versions, "must have exactly one version marked as storage version"))

    crd_names = _map(spec.get("names"))
    errors += [
        required(f"spec.names.{f}") for f in ("plural", "singular", "kind", "listKind") if not _str(crd_names.get(f))
    ]
    errors += _validate_names(crd_names, "spec.names")
    errors += _validate_conversion(spec.get("conversion"))
    if spec.get("preserveUnknownFields") is True:
        message = (
            "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"
        )
        errors.append(invalid("spec.preserveUnknownFields", True, message))
    return errors


def _validate_version(version: Mapping[str, Any], path: str) -> list[FieldError]:
    errors = _deprecation_warning(version, path)
    subresources = _map(version.get("subresources"))
    schema = _map(version.get("schema")).get("openAPIV3Schema")
    schema_path = f"{path}.schema.openAPIV3Schema"
    if not isinstance(schema, Mapping):
        errors.append(required(schema_path, "schemas are required"))
    else:
        if subresources.get("status") is not None:
            errors += _root_with_status(schema, schema_path)
        if schema.get("nullable") is True:
            errors.append(forbidden(f"{schema_path}.nullable", "nullable cannot be true at the root"))
        structural = validate_structural(schema, schema_path)
        errors += structural or _validate_defaults(schema, schema_path, inside_meta=False, is_root=True)
        errors += _openapi(schema, schema_path, _Context(is_root=True))
    errors += _validate_subresources(subresources, f"{path}.subresources")
    for j, column in enumerate(version.get("additionalPrinterColumns") or []):
        errors += _validate_column(_map(column), f"{path}.additionalPrinterColumns[{j}]")
    return errors


def _deprecation_warning(version: Mapping[str, Any], path: str) -> list[FieldError]:
    warning = version.get("deprecationWarning")
    if warning is None:
        return []
    at = f"{path}.deprecationWarning"
    if version.get("deprecated") is not True:
        return [invalid(at, warning, "can only be set for deprecated versions")]
    problems = []
    if len(warning.encode()) > 256:
        problems.append("must be <= 256 characters long")
    if not warning:
        problems.append("must not be an empty string")
    bad = next((i for i, c in enumerate(warning) if not c.isprintable()), None)
    if bad is not None:
        problems.append(f"must only contain printable UTF-8 characters; non-printable character found at index {bad}")
    return [invalid(at, warning, p) for p in problems]


def _root_with_status(schema: Schema, path: str) -> list[FieldError]:
    if _set(schema.get("type")) and schema.get("type") != "object":
        message = 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'
        return [invalid(f"{path}.type", schema.get("type"), message)]
    if any(_set(v) and k not in _ROOT_FIELDS_WITH_STATUS for k, v in schema.items()):
        allowed = " ".join(_ROOT_FIELDS_WITH_STATUS.values())
        message = f"only [{allowed}] fields are allowed at the root of the schema if the status subresource is enabled"
        return [invalid(path, dict(schema), message)]
    return []


def _validate_defaults(s: Schema, path: str, *, inside_meta: bool, is_root: bool = False) -> list[FieldError]:
    """``structuraldefaulting.ValidateDefaults``: defaults validate against their schema and have no unknown field."""
    errors: list[FieldError] = []
    embedded = is_root or _flag(s, "x-kubernetes-embedded-resource")
    if embedded:
        inside_meta = False
    value = s.get("default")
    if value is not None and not inside_meta:
        pruned = copy.deepcopy(value)
        prune(pruned, s, is_resource_root=embedded)
        if pruned != value:
            errors.append(invalid(f"{path}.default", value, "must not have unknown fields"))
        errors += validate(value, s, f"{path}.default")
    if isinstance(s.get("items"), Mapping):
        errors += _validate_defaults(s["items"], f"{path}.items", inside_meta=inside_meta)
    for key, sub in _properties(s).items():
        errors += _validate_defaults(
            sub, f"{path}.properties[{key}]", inside_meta=inside_meta or (embedded and key in META_FIELDS)
        )
    return errors


class _Context:
    """What apiextensions' ``specStandardValidator`` carries down the schema."""

    def __init__(self, *, is_root: bool = False, defaults: str | None = None, inside_meta: bool = False) -> None:
        self.is_root = is_root
        #: ``None`` when defaults are allowed, else why not.
        self.defaults = defaults
        self.inside_meta = inside_meta

    def child(self, *, defaults: str | None = None, inside_meta: bool | None = None) -> _Context:
        return _Context(
            defaults=self.defaults if defaults is None else defaults,
            inside_meta=self.inside_meta if inside_meta is None else inside_meta,
        )


def _openapi(s: Schema, path: str, ctx: _Context) -> list[FieldError]:
    """The OpenAPI checks apiextensions applies to every node of a CRD schema."""
    errors: list[FieldError] = []
    kind = s.get("type")
    if _set(kind) and kind not in _OPENAPI_TYPES:
        errors.append(not_supported(f"{path}.type", kind, _OPENAPI_TYPES))
    if s.get("default") is not None and ctx.defaults is not None:
        errors.append(forbidden(f"{path}.default", f"must not be set {ctx.defaults}"))
    for key in ("id", "additionalItems", "patternProperties", "definitions", "dependencies", "$ref"):
        if _set(s.get(key)):
            errors.append(forbidden(f"{path}.{key}", f"{key} is not supported"))
    if kind == "null":
        errors.append(forbidden(f"{path}.type", "type cannot be set to null, use nullable as an alternative"))
    if isinstance(s.get("items"), list):
        errors.append(forbidden(f"{path}.items", "items must be a schema object and not an array"))
    if ctx.inside_meta and _flag(s, "x-kubernetes-embedded-resource"):
        errors.append(forbidden(f"{path}.x-kubernetes-embedded-resource", "must not be used inside of resource meta"))
    if s.get("uniqueItems") is True:
        message = "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"
        errors.append(forbidden(f"{path}.uniqueItems", message))

    properties = _properties(s)
    additional = s.get("additionalProperties")
    if additional is not None:
        if properties and (additional is False or isinstance(additional, Mapping)):
            errors.append(
                forbidden(f"{path}.additionalProperties", "additionalProperties and properties are mutual exclusive")
            )
        if isinstance(additional, Mapping):
            sub = (
                ctx.child(defaults="inside additionalProperties applying to object metadata")
                if ctx.inside_meta
                else ctx.child()
            )
            errors += _openapi(additional, f"{path}.additionalProperties", sub)
    for key, prop in properties.items():
        sub = ctx.child()
        if (ctx.is_root or _flag(s, "x-kubernetes-embedded-resource")) and key in META_FIELDS:
            sub = ctx.child(defaults=f"in top-level {key}" if ctx.is_root else None, inside_meta=True)
        errors += _openapi(prop, f"{path}.properties[{key}]", sub)
    if isinstance(s.get("not"), Mapping):
        errors += _openapi(s["not"], f"{path}.not", ctx.child())
    for junctor in ("allOf", "oneOf", "anyOf"):
        for i, sub_schema in enumerate(_list(s, junctor)):
            errors += _openapi(sub_schema, f"{path}.{junctor}[{i}]", ctx.child())
    if isinstance(s.get("items"), Mapping):
        errors += _openapi(s["items"], f"{path}.items", ctx.child())

    if s.get("x-kubernetes-preserve-unknown-fields") is False:
        errors.append(invalid(f"{path}.x-kubernetes-preserve-unknown-fields", False, "must be true or undefined"))
    return errors + _list_and_map_types(s, path) + _cel_rules_shape(s, path)


def _list_and_map_types(s: Schema, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    kind, map_type, list_type = _type(s), s.get("x-kubernetes-map-type"), s.get("x-kubernetes-list-type")
    keys = s.get("x-kubernetes-list-map-keys") or []
    items = s.get("items") if isinstance(s.get("items"), Mapping) else None
    if map_type is not None and kind != "object":
        message = "must be object if x-kubernetes-map-type is specified"
        errors.append(invalid(f"{path}.type", kind, message) if kind else required(f"{path}.type", message))
    if map_type is not None and map_type not in ("atomic", "granular"):
        errors.append(not_supported(f"{path}.x-kubernetes-map-type", map_type, ["atomic", "granular"]))
    if list_type is not None and kind != "array":
        message = "must be array if x-kubernetes-list-type is specified"
        errors.append(invalid(f"{path}.type", kind, message) if kind else required(f"{path}.type", message))
    elif list_type == "set" and items is not None:
        message = "must be atomic as item of a list with x-kubernetes-list-type=set"
        if _type(items) == "array" and items.get("x-kubernetes-list-type") not in (None, "atomic"):
            errors.append(invalid(f"{path}.items.x-kubernetes-list-type", items.get("x-kubernetes-list-type"), message))
        if _type(items) == "object" and items.get("x-kubernetes-map-type") != "atomic":
            errors.append(invalid(f"{path}.items.x-kubernetes-map-type", items.get("x-kubernetes-list-type"), message))
    if list_type is not None and list_type not in ("atomic", "set", "map"):
        errors.append(not_supported(f"{path}.x-kubernetes-list-type", list_type, ["atomic", "set", "map"]))
    if keys:
        message = "must be map if x-kubernetes-list-map-keys is non-empty"
        if list_type is None:
            errors.append(required(f"{path}.x-kubernetes-list-type", message))
        elif list_type != "map":
            errors.append(invalid(f"{path}.x-kubernetes-list-type", list_type, message))
    if list_type == "map":
        if not keys:
            errors.append(
                required(f"{path}.x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map")
            )
        if s.get("items") is None:
            errors.append(required(f"{path}.items", "must have a schema if x-kubernetes-list-type is map"))
        elif items is not None and _type(items) != "object":
            message = "must be object if parent array's x-kubernetes-list-type is map"
            errors.append(invalid(f"{path}.items.type", _type(items), message))
        elif items is not None:
            item_properties = _properties(items)
            for i, key in enumerate(keys):
                if key not in item_properties:
                    message = "entries must all be names of item properties"
                    errors.append(invalid(f"{path}.x-kubernetes-list-map-keys", list(keys), message))
                elif _type(item_properties[key]) in ("array", "object"):
                    message = "must be a scalar type if parent array's x-kubernetes-list-type is map"
                    errors.append(invalid(f"{path}.items.properties[{key}].type", "object", message))
                if key in keys[:i]:
                    errors.append(
                        invalid(f"{path}.x-kubernetes-list-map-keys", list(keys), "must not contain duplicate entries")
                    )
    return errors + _list_item_rules(s, path)


def _list_item_rules(s: Schema, path: str) -> list[FieldError]:
    """Items of set and map lists may not be null, and map keys must always have a value."""
    errors: list[FieldError] = []
    list_type, keys = s.get("x-kubernetes-list-type"), s.get("x-kubernetes-list-map-keys") or []
    items = s.get("items") if isinstance(s.get("items"), Mapping) else None
    if items is not None and list_type in ("set", "map"):
        if items.get("nullable") is True:
            errors.append(
                forbidden(f"{path}.items.nullable", f"cannot be nullable when x-kubernetes-list-type is {list_type}")
            )
        if list_type == "map":
            item_properties, item_required = _properties(items), items.get("required") or []
            for key in keys:
                prop = item_properties.get(key)
                if prop is None:
                    continue
                if key not in item_required and prop.get("default") is None:
                    message = (
                        "this property is in x-kubernetes-list-map-keys, "
                        "so it must have a default or be a required property"
                    )
                    errors.append(required(f"{path}.items.properties[{key}].default", message))
                if prop.get("nullable") is True:
                    message = "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"
                    errors.append(forbidden(f"{path}.items.properties[{key}].nullable", message))
    return errors


def _cel_rules_shape(s: Schema, path: str) -> list[FieldError]:
    """Only the shape of ``x-kubernetes-validations``: the rules themselves are not compiled or evaluated."""
    errors: list[FieldError] = []
    for i, rule in enumerate(s.get("x-kubernetes-validations") or []):
        at = f"{path}.x-kubernetes-validations[{i}]"
        text, message = _str(_map(rule).get("rule")).strip(), _str(_map(rule).get("message"))
        if not text:
            errors.append(required(f"{at}.rule", "rule is not specified"))
        elif message and not message.strip():
            errors.append(invalid(f"{at}.message", message, "message must be non-empty if specified"))
        elif "\n" in message.strip() or "\r" in message.strip():
            errors.append(invalid(f"{at}.message", message, "message must not contain line breaks"))
        elif ("\n" in text or "\r" in text) and not message.strip():
            errors.append(required(f"{at}.message", "message must be specified if rule contains line breaks"))
        reason = _map(rule).get("reason")
        if reason is not None and reason not in _VALIDATION_REASONS:
            errors.append(not_supported(f"{at}.reason", reason, _VALIDATION_REASONS))
    return errors


def _validate_subresources(subresources: Mapping[str, Any], path: str) -> list[FieldError]:
    scale = subresources.get("scale")
    if scale is None:
        return []
    scale = _map(scale)
    errors: list[FieldError] = []
    for field, under in (("specReplicasPath", ".spec."), ("statusReplicasPath", ".status.")):
        at, value = f"{path}.scale.{field}", _str(scale.get(field))
        if not value:
            errors.append(required(at))
        elif problems := _simple_json_path(value, at):
            errors += problems
        elif not value.startswith(under):
            errors.append(invalid(at, value, f"should be a json path under {under.rstrip('.')}"))
    selector = _str(scale.get("labelSelectorPath"))
    if selector:
        at = f"{path}.scale.labelSelectorPath"
        if problems := _simple_json_path(selector, at):
            errors += problems
        elif not selector.startswith((".spec.", ".status.")):
            errors.append(invalid(at, selector, "should be a json path under either .spec or .status"))
    return errors


def _validate_column(column: Mapping[str, Any], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not _str(column.get("name")):
        errors.append(required(f"{path}.name"))
    kind = _str(column.get("type"))
    if not kind:
        errors.append(required(f"{path}.type", f"must be one of {_PRINTER_COLUMN_TYPES}"))
    elif kind not in _PRINTER_COLUMN_TYPES.split(","):
        errors.append(invalid(f"{path}.type", kind, f"must be one of {_PRINTER_COLUMN_TYPES}"))
    fmt = _str(column.get("format"))
    if fmt and fmt not in _PRINTER_COLUMN_FORMATS:
        errors.append(invalid(f"{path}.format", fmt, f"must be one of {','.join(_PRINTER_COLUMN_FORMATS)}"))
    # NB: upstream names the field by its Go name, JSONPath, in this error.
    json_path = _str(column.get("jsonPath"))
    if not json_path:
        errors.append(required(f"{path}.JSONPath"))
    else:
        errors += _simple_json_path(json_path, f"{path}.JSONPath")
    return errors


def _simple_json_path(value: str, path: str) -> list[FieldError]:
    if not value:
        return [invalid(path, value, "must not be empty")]
    if not value.startswith("."):
        return [invalid(path, value, "must be a simple json path starting with .")]
    return []


def _validate_names(names: Mapping[str, Any], path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for field in ("plural", "singular"):
        value = _str(names.get(field))
        if value and (problems := is_dns1035_label(value)):
            errors.append(invalid(f"{path}.{field}", value, ",".join(problems)))
    for field in ("kind", "listKind"):
        value = _str(names.get(field))
        if value and (problems := is_dns1035_label(value.lower())):
            errors.append(
                invalid(
                    f"{path}.{field}", value, "may have mixed case, but should otherwise match: " + ",".join(problems)
                )
            )
    for field in ("shortNames", "categories"):
        for i, value in enumerate(names.get(field) or []):
            if problems := is_dns1035_label(_str(value)):
                errors.append(invalid(f"{path}.{field}[{i}]", value, ",".join(problems)))
    kind = _str(names.get("kind"))
    if kind and kind == names.get("listKind"):
        errors.append(invalid(f"{path}.listKind", kind, "kind and listKind may not be the same"))
    return errors


def _validate_conversion(conversion: Any) -> list[FieldError]:
    if conversion is None:
        return []
    conversion = _map(conversion)
    strategy = _str(conversion.get("strategy"))
    if not strategy:
        return [required("spec.conversion.strategy")]
    if strategy != "None":
        # kubelite has no conversion webhooks: every version is served from the stored one as is.
        return [not_supported("spec.conversion.strategy", strategy, ["None"])]
    webhook = _map(conversion.get("webhook"))
    message = "should not be set when strategy is not set to Webhook"
    errors = []
    if webhook.get("clientConfig") is not None:
        errors.append(forbidden("spec.conversion.webhookClientConfig", message))
    if webhook.get("conversionReviewVersions"):
        errors.append(forbidden("spec.conversion.conversionReviewVersions", message))
    return errors


# ----------------------------------------------------------------------------------------------------------- helpers


def _type(s: Schema) -> str:
    kind = s.get("type")
    return kind if isinstance(kind, str) else ""


def _flag(s: Schema, key: str) -> bool:
    return s.get(key) is True


def _properties(s: Schema) -> Mapping[str, Schema]:
    properties = s.get("properties")
    return {k: v for k, v in properties.items() if isinstance(v, Mapping)} if isinstance(properties, Mapping) else {}


def _list(s: Schema, key: str) -> list[Schema]:
    value = s.get(key)
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _set(value: Any) -> bool:
    """Whether a schema keyword is set, as Go sees a field: not its zero value."""
    return value is not None and value is not False and not (isinstance(value, str | list | dict) and not value)


def _trimmed(schema: Any) -> Any:
    return {k: v for k, v in schema.items() if _set(v)} if isinstance(schema, Mapping) else schema


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
