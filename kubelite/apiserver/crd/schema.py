"""Apply a structural schema to a custom resource: :func:`default`, :func:`prune` and :func:`validate`.

The order the server uses, as apiextensions-apiserver does when it decodes a custom resource: :func:`default`
(which first drops ``null`` values that are neither nullable nor defaulted), then :func:`prune`, then
:func:`validate`. Metadata at the root (and inside ``x-kubernetes-embedded-resource`` objects) is neither pruned nor
checked here: ``apiVersion``, ``kind`` and ``metadata`` are kept as they are and validated as object metadata
elsewhere.

Defaulting (apiextensions' ``structuraldefaulting``): a property with a ``default`` gets it when absent, and when it
is ``null`` but not ``nullable``; defaults apply inside array items and ``additionalProperties`` values too, and
to whatever a default itself brings in. ``null`` values that are not nullable and have no default are removed.

Pruning (``pruning.Prune``): object fields the schema does not specify are dropped, except below
``x-kubernetes-preserve-unknown-fields: true``; the dropped paths (``spec.foo``, ``spec.items[0].bar``) come back
sorted, for ``unknown field "spec.foo"`` warnings or, with ``fieldValidation=Strict``, errors.

:func:`default` and :func:`prune` change the object in place, as upstream's do (the store works on its own copy).

Validation follows kube-openapi's validator and apiextensions' translation of its results into field errors,
including the wording (``spec.replicas in body must be of type integer: "string"``) and its quirks: a type
mismatch reports the JSON type of the value; an integer against a fractional bound compares with the bound cut to an
integer; ``minProperties``/``maxProperties`` failures hide every other error of that object; and the messages of
``anyOf``/``oneOf``/``allOf``/``not`` are reported at the root path (``<nil>`` when validating a whole object).
Which failing ``anyOf``/``oneOf`` branch is reported is chosen here as the one with the fewest errors (upstream
counts successful checks instead). ``x-kubernetes-list-type`` ``set`` and ``map`` are checked for duplicates as
apiextensions' ``listtype`` validation does.

Formats checked are those apiextensions keeps for CRDs (others are ignored, like ``int32`` and ``int64``, which
upstream strips from CRD schemas): ``date``, ``date-time``, ``duration``, ``byte``, ``uuid``/``uuid3``/``uuid4``/
``uuid5``, ``ipv4``, ``ipv6``, ``cidr``, ``mac``, ``hostname``, ``email``, ``uri``, ``hexcolor``, ``rgbcolor``,
``ssn``, ``bsonobjectid`` and ``password``. ``isbn``/``isbn10``/``isbn13`` and ``creditcard`` are accepted without
checking, and ``email``, ``uri`` and ``hostname`` use close approximations of Go's parsers.

Not evaluated: CEL rules (``x-kubernetes-validations``), and validation ratcheting on update.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeGuard

from kubelite.apiserver.errors import FieldError, invalid, not_supported, required

Schema = Mapping[str, Any]

#: Fields of an embedded resource (and of the root) that pruning and defaulting leave to object metadata handling.
META_FIELDS = frozenset({"apiVersion", "kind", "metadata"})


def prune(obj: Any, schema: Schema | None, *, is_resource_root: bool = True) -> list[str]:
    """Drop from ``obj``, in place, the fields ``schema`` does not specify; return their paths, sorted."""
    node = dict(schema or {})
    if is_resource_root:
        node["x-kubernetes-embedded-resource"] = True
    dropped: list[str] = []
    _prune(obj, node, "", dropped)
    return sorted(dropped)


def _prune(value: Any, schema: Schema | None, at: str, dropped: list[str]) -> None:
    if schema is not None and schema.get("x-kubernetes-preserve-unknown-fields") is True:
        _prune_known(value, schema, at, dropped)
        return
    if isinstance(value, dict):
        if schema is None:
            for key in list(value):
                dropped.append(_child(at, key))
                del value[key]
            return
        properties = _properties(schema)
        has_additional, additional = _additional(schema)
        for key in list(value):
            if schema.get("x-kubernetes-embedded-resource") is True and key in META_FIELDS:
                continue
            if key in properties:
                _prune(value[key], properties[key], _child(at, key), dropped)
            elif has_additional:
                _prune(value[key], additional, _child(at, key), dropped)
            else:
                dropped.append(_child(at, key))
                del value[key]
    elif isinstance(value, list):
        items = _items(schema) if schema is not None else None
        for i, item in enumerate(value):
            _prune(item, items, f"{at}[{i}]", dropped)


def _prune_known(value: Any, schema: Schema, at: str, dropped: list[str]) -> None:
    """Below ``x-kubernetes-preserve-unknown-fields`` unknown fields stay, but specified ones are still pruned."""
    if isinstance(value, dict):
        properties = _properties(schema)
        has_additional, additional = _additional(schema)
        for key, item in value.items():
            if schema.get("x-kubernetes-embedded-resource") is True and key in META_FIELDS:
                continue
            if key in properties:
                _prune(item, properties[key], _child(at, key), dropped)
            elif has_additional:
                _prune(item, additional, _child(at, key), dropped)
    elif isinstance(value, list):
        items = _items(schema)
        if items is not None:
            for i, item in enumerate(value):
                _prune_known(item, items, f"{at}[{i}]", dropped)


# -------------------------------------------------------------------------------------------------------- defaulting


def default(obj: Any, schema: Schema | None) -> Any:
    """Apply the schema's defaults to ``obj`` in place, after removing its non-nullable, non-defaulted nulls."""
    _drop_nulls(obj, schema)
    _default(obj, schema)
    return obj


def _drop_nulls(value: Any, schema: Schema | None) -> None:
    if isinstance(value, dict):
        for key in list(value):
            sub = _field_schema(schema, key)
            if value[key] is None and sub is not None and not sub.get("nullable") and sub.get("default") is None:
                del value[key]
            else:
                _drop_nulls(value[key], sub)
    elif isinstance(value, list):
        items = _items(schema) if schema is not None else None
        for item in value:
            _drop_nulls(item, items)


def _default(value: Any, schema: Schema | None) -> None:
    if schema is None:
        return
    if isinstance(value, dict):
        properties = _properties(schema)
        for key, prop in properties.items():
            if prop.get("default") is None:
                continue
            if key not in value or (value[key] is None and not prop.get("nullable")):
                value[key] = copy.deepcopy(prop["default"])
        has_additional, additional = _additional(schema)
        for key in list(value):
            if key in properties:
                _default(value[key], properties[key])
            elif has_additional:
                if value[key] is None and additional is not None and not additional.get("nullable"):
                    value[key] = copy.deepcopy(additional.get("default"))
                _default(value[key], additional)
    elif isinstance(value, list):
        items = _items(schema)
        for i in range(len(value)):
            if value[i] is None and items is not None and not items.get("nullable"):
                value[i] = copy.deepcopy(items.get("default"))
            _default(value[i], items)


# -------------------------------------------------------------------------------------------------------- validation


def validate(obj: Any, schema: Schema, path: str = "") -> list[FieldError]:
    """Every way ``obj`` breaks ``schema``; field paths start at ``path`` (empty for a whole custom resource)."""
    checker = _Validator(path)
    errors = checker.check(obj, schema, "")
    return errors + _list_types(obj, schema, path)


#: Formats apiextensions validates in CRD schemas, as normalised by kube-openapi's registry (without dashes).
_SUPPORTED_FORMATS = frozenset(
    {
        *("bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4"),
        *("uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password"),
        *("date", "duration", "datetime"),
    }
)


class _Validator:
    """kube-openapi's schema validator; ``name`` is the path inside the validated value, as in its messages."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def field(self, name: str) -> str:
        """The field path of a value, as apiextensions derives it from kube-openapi's error name."""
        name = name.removeprefix(".")
        if not name:
            return self.prefix or "<nil>"
        return f"{self.prefix}.{name}" if self.prefix else name

    def type_error(self, name: str, expected: str, actual: str) -> FieldError:
        return FieldError(
            "FieldValueTypeInvalid",
            self.field(name),
            f"{name} in body must be of type {expected}: {_quote(actual)}",
            actual,
        )

    def composite(self, message: str) -> FieldError:
        # NB: these are not kube-openapi "validation" errors, so apiextensions puts them at its root path.
        return invalid(self.prefix or "<nil>", "", message)

    def check(self, data: Any, schema: Schema, name: str) -> list[FieldError]:
        types = _types(schema)
        if data is None:
            errors = []
            if types and not schema.get("nullable"):
                errors.append(self.type_error(name, ",".join(types), "null"))
            return errors + self._enum(data, schema, name)
        errors = self._type(data, schema, types, name)
        errors += self._junctors(data, schema, name)
        if isinstance(data, str):
            errors += self._string(data, schema, name) + self._format(data, schema, name)
        if _is_number(data):
            errors += self._number(data, schema, name)
        if isinstance(data, list):
            errors += self._array(data, schema, name)
        errors += self._enum(data, schema, name)
        if isinstance(data, dict):
            errors += self._object(data, schema, name)
        return errors

    def _type(self, data: Any, schema: Schema, types: list[str], name: str) -> list[FieldError]:
        fmt = _format_of(schema)
        if not types and not fmt:
            return []
        actual, go_format = _json_type(data)
        float_int = actual == "number" and float(data).is_integer() and "integer" in types
        int_float = actual == "integer" and "number" in types
        textual = isinstance(data, str | list)
        if not textual and fmt and not (actual in types or go_format == fmt or float_int or int_float):
            return [self.type_error(name, fmt, go_format)]
        if textual and fmt and "number" not in types and "integer" not in types:
            return []
        if types and not (actual in types or float_int or int_float):
            return [self.type_error(name, ",".join(types), actual)]
        return []

    def _junctors(self, data: Any, schema: Schema, name: str) -> list[FieldError]:
        errors: list[FieldError] = []
        any_of = schema.get("anyOf") or []
        if any_of:
            results = [self.check(data, sub, name) for sub in any_of]
            if all(results):
                errors.append(self.composite(f"{_quote(name)} must validate at least one schema (anyOf)"))
                errors += _fewest(results)
        one_of = schema.get("oneOf") or []
        if one_of:
            results = [self.check(data, sub, name) for sub in one_of]
            passed = sum(1 for r in results if not r)
            if passed != 1:
                found = "Found none valid" if passed == 0 else f"Found {passed} valid alternatives"
                errors.append(self.composite(f"{_quote(name)} must validate one and only one schema (oneOf). {found}"))
                if passed == 0:
                    errors += _fewest(results)
        all_of = schema.get("allOf") or []
        if all_of:
            results = [self.check(data, sub, name) for sub in all_of]
            for result in results:
                errors += result
            failed = sum(1 for r in results if r)
            if failed:
                none = ". None validated" if failed == len(results) else ""
                errors.append(self.composite(f"{_quote(name)} must validate all the schemas (allOf){none}"))
        negated = schema.get("not")
        if isinstance(negated, Mapping) and not self.check(data, negated, name):
            errors.append(self.composite(f"{_quote(name)} must not validate the schema (not)"))
        return errors

    def _string(self, data: str, schema: Schema, name: str) -> list[FieldError]:
        # kube-openapi stops at the first failing string rule.
        max_length, min_length, pattern = schema.get("maxLength"), schema.get("minLength"), schema.get("pattern")
        if max_length is not None and len(data) > max_length:
            unit = "byte" if max_length == 1 else "bytes"
            return [
                FieldError("FieldValueTooLong", self.field(name), f"may not be more than {max_length} {unit}", data)
            ]
        if min_length is not None and len(data) < min_length:
            return [invalid(self.field(name), data, f"{name} in body should be at least {min_length} chars long")]
        if pattern:
            try:
                matched = re.search(pattern, data) is not None
            except re.error as e:
                return [
                    invalid(
                        self.field(name), data, f"{name} in body should match '{pattern}, but pattern is invalid: {e}'"
                    )
                ]
            if not matched:
                return [invalid(self.field(name), data, f"{name} in body should match '{pattern}'")]
        return []

    def _format(self, data: str, schema: Schema, name: str) -> list[FieldError]:
        fmt = _format_of(schema)
        check = _FORMAT_CHECKS.get(fmt.replace("-", ""))
        if check is None or check(data):
            return []
        return [self.type_error(name, fmt, data)]

    def _number(self, data: float, schema: Schema, name: str) -> list[FieldError]:
        errors: list[FieldError] = []
        at = self.field(name)
        factor = schema.get("multipleOf")
        if _is_number(factor):
            if factor < 0:
                errors.append(
                    invalid(at, factor, f"factor MultipleOf declared for {name} must be positive: {_go(factor)}")
                )
            elif isinstance(data, int) and int(factor) != 0:
                if data % int(factor):
                    errors.append(invalid(at, data, f"{name} in body should be a multiple of {int(factor)}"))
            elif factor > 0:
                ratio = data * (1 / factor) if factor < 1 else data / factor
                if not float(ratio).is_integer():
                    errors.append(invalid(at, data, f"{name} in body should be a multiple of {_go(factor)}"))
        minimum, exclusive = schema.get("minimum"), schema.get("exclusiveMinimum") is True
        if _is_number(minimum):
            bound = int(minimum) if isinstance(data, int) else minimum
            if data < bound or (exclusive and data == bound):
                relation = "greater than" if exclusive else "greater than or equal to"
                errors.append(invalid(at, data, f"{name} in body should be {relation} {_go(bound)}"))
        maximum, exclusive = schema.get("maximum"), schema.get("exclusiveMaximum") is True
        if _is_number(maximum):
            bound = int(maximum) if isinstance(data, int) else maximum
            if data > bound or (exclusive and data == bound):
                relation = "less than" if exclusive else "less than or equal to"
                errors.append(invalid(at, data, f"{name} in body should be {relation} {_go(bound)}"))
        return errors

    def _array(self, data: list[Any], schema: Schema, name: str) -> list[FieldError]:
        errors: list[FieldError] = []
        items = _items(schema)
        if items is not None:
            for i, item in enumerate(data):
                errors += self.check(item, items, f"{name}[{i}]")
        at, size = self.field(name), len(data)
        min_items, max_items = schema.get("minItems"), schema.get("maxItems")
        if min_items is not None and size < min_items:
            errors.append(invalid(at, size, f"{name} in body should have at least {min_items} items"))
        if max_items is not None and size > max_items:
            errors.append(FieldError("FieldValueTooMany", at, f"must have at most {max_items} items", size))
        if schema.get("uniqueItems") is True and len({_identity(item) for item in data}) != size:
            errors.append(invalid(at, "", f"{name} in body shouldn't contain duplicates"))
        return errors

    def _enum(self, data: Any, schema: Schema, name: str) -> list[FieldError]:
        allowed = schema.get("enum")
        if not allowed or (data is not None and any(_same(data, option) for option in allowed)):
            return []
        listed = [o if isinstance(o, str) else json.dumps(o, separators=(",", ":")) for o in allowed]
        return [not_supported(self.field(name), data, listed)]

    def _object(self, data: dict[str, Any], schema: Schema, name: str) -> list[FieldError]:
        at, size = self.field(name), len(data)
        min_properties, max_properties = schema.get("minProperties"), schema.get("maxProperties")
        if min_properties is not None and size < min_properties:
            return [invalid(at, size, f"{name} in body should have at least {min_properties} properties")]
        if max_properties is not None and size > max_properties:
            return [FieldError("FieldValueTooMany", at, f"must have at most {max_properties} items", size)]
        errors: list[FieldError] = []
        properties = _properties(schema)
        additional = schema.get("additionalProperties")
        for key, value in data.items():
            if key in properties:
                continue
            if additional is False:
                errors.append(invalid(at, key, f"{name}.{key} in body is a forbidden property"))
            elif isinstance(additional, Mapping):
                errors += self.check(value, additional, _child(name, key))
        for key, sub in properties.items():
            if key in data:
                errors += self.check(data[key], sub, _child(name, key))
        errors += [required(self.field(f"{name}.{key}")) for key in schema.get("required") or () if key not in data]
        return errors


def _fewest(results: list[list[FieldError]]) -> list[FieldError]:
    """The errors of the failing branch to report: the one that failed least."""
    return min(results, key=len)


def _list_types(value: Any, schema: Schema | None, path: str) -> list[FieldError]:
    """apiextensions' ``ValidateListSetsAndMaps``: no duplicate items in sets, no duplicate keys in map lists."""
    if schema is None:
        return []
    errors: list[FieldError] = []
    if isinstance(value, dict):
        has_additional, additional = _additional(schema)
        properties = _properties(schema)
        for key, item in value.items():
            if key in properties:
                errors += _list_types(item, properties[key], _child(path, key))
            elif has_additional:
                errors += _list_types(item, additional, f"{path}[{key}]")
    elif isinstance(value, list):
        match schema.get("x-kubernetes-list-type"):
            case "set":
                errors += [FieldError("FieldValueDuplicate", f"{path}[{i}]", "", value[i]) for i in _repeats(value)]
            case "map":
                errors += _map_list_duplicates(value, schema.get("x-kubernetes-list-map-keys") or [], path)
        items = _items(schema)
        for i, item in enumerate(value):
            errors += _list_types(item, items, f"{path}[{i}]")
    return errors


def _map_list_duplicates(value: list[Any], keys: Sequence[str], path: str) -> list[FieldError]:
    for i, item in enumerate(value):
        if item is not None and not isinstance(item, dict):
            return [invalid(f"{path}[{i}]", item, "must be an object for an array of list-type map")]
    identities = [{k: item[k] for k in keys if k in item} if item else {} for item in value]
    return [FieldError("FieldValueDuplicate", f"{path}[{i}]", "", _GoMap(identities[i])) for i in _repeats(identities)]


def _repeats(values: Sequence[Any]) -> list[int]:
    """Indices where a value is seen for the second time (later repeats are not reported again)."""
    seen: dict[Any, int] = {}
    repeats = []
    for i, item in enumerate(values):
        identity = _identity(item)
        seen[identity] = seen.get(identity, 0) + 1
        if seen[identity] == 2:
            repeats.append(i)
    return repeats


class _GoMap:
    """A map key of a list-type map as Go's ``%#v`` shows it in the Duplicate error."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self.entries = entries

    def __str__(self) -> str:
        inner = ", ".join(
            f"{_quote(k)}:{_quote(v) if isinstance(v, str) else _go(v)}" for k, v in sorted(self.entries.items())
        )
        return "map[string]interface {}{" + inner + "}"


# ----------------------------------------------------------------------------------------------------------- formats


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))")


def _is_date_time(text: str) -> bool:
    if len(text) < 4:
        return False
    parts = text.lower().split("t")
    if len(parts) < 2 or not _is_date(parts[0]):
        return False
    match = _TIME.fullmatch(parts[1])
    if match is None:
        return False
    return match.group(1) <= "23" and match.group(2) <= "59" and match.group(3) <= "59"


_GO_DURATION = re.compile(r"[-+]?(0|([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+)")
_SCALA_DURATION = re.compile(r"\s*(?:\d+\s*[A-Za-zµ]+\s*)+")
_SCALA_UNITS: tuple[tuple[str, ...], ...] = (
    ("ns", "nano"),
    ("us", "µs", "micro"),
    ("ms", "milli"),
    ("s", "sec"),
    ("m", "min"),
    ("h", "hr", "hour"),
    ("d", "day"),
    ("w", "wk", "week"),
)


def _is_duration(text: str) -> bool:
    """Go's ``time.ParseDuration``, or the Scala-like ``3 days`` that kube-openapi's ``ParseDuration`` also takes."""
    if _GO_DURATION.fullmatch(text) and re.search(r"[0-9]", text):
        return True
    if not _SCALA_DURATION.fullmatch(text):
        return False
    for _, word in re.findall(r"(\d+)\s*([A-Za-zµ]+)", text):
        unit = word.lower().strip()
        for variants in _SCALA_UNITS:
            if any(unit == v or (i == len(variants) - 1 and unit.startswith(v)) for i, v in enumerate(variants)):
                return True
    return False


def _is_ip(text: str, marker: str) -> bool:
    if marker not in text or "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_cidr(text: str) -> bool:
    if "/" not in text:
        return False
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


_HEX_PAIR = "[0-9A-Fa-f]{2}"
_MAC = re.compile(
    rf"{_HEX_PAIR}([:-]){_HEX_PAIR}(\1{_HEX_PAIR}){{4}}((\1{_HEX_PAIR}){{2}}|(\1{_HEX_PAIR}){{14}})?"
    r"|[0-9A-Fa-f]{4}(\.[0-9A-Fa-f]{4}){2}(\.[0-9A-Fa-f]{4}){0,7}"
)
_UUID = r"[0-9a-f]{8}-?[0-9a-f]{4}-?%s[0-9a-f]{3}-?%s[0-9a-f]{3}-?[0-9a-f]{12}"
_HOSTNAME_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_RGB_PART = r"\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*"
_FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "date": _is_date,
    "datetime": _is_date_time,
    "duration": _is_duration,
    "byte": lambda s: bool(
        re.fullmatch(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})", s)
    ),
    "uuid": lambda s: bool(re.fullmatch(_UUID % ("[0-9a-f]", "[0-9a-f]"), s, re.IGNORECASE)),
    "uuid3": lambda s: bool(re.fullmatch(_UUID % ("3", "[0-9a-f]"), s, re.IGNORECASE)),
    "uuid4": lambda s: bool(re.fullmatch(_UUID % ("4", "[89ab]"), s, re.IGNORECASE)),
    "uuid5": lambda s: bool(re.fullmatch(_UUID % ("5", "[89ab]"), s, re.IGNORECASE)),
    "ipv4": lambda s: _is_ip(s, "."),
    "ipv6": lambda s: _is_ip(s, ":"),
    "cidr": _is_cidr,
    "mac": lambda s: bool(_MAC.fullmatch(s)),
    "hostname": lambda s: len(s) <= 255 and bool(re.fullmatch(rf"{_HOSTNAME_LABEL}(\.{_HOSTNAME_LABEL})*", s)),
    "email": lambda s: bool(re.fullmatch(r"(?:[^<>@]*<)?[^\s<>@]+@[^\s<>@]+\.?[^\s<>@]*>?", s)),
    "uri": lambda s: bool(re.fullmatch(r"(?:[A-Za-z][A-Za-z0-9+.-]*:|/)[^\s]*", s)),
    "hexcolor": lambda s: bool(re.fullmatch(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", s)),
    "rgbcolor": lambda s: bool(re.fullmatch(rf"rgb\({_RGB_PART},{_RGB_PART},{_RGB_PART}\)", s)),
    "ssn": lambda s: len(s) == 11 and bool(re.fullmatch(r"\d{3}[- ]?\d{2}[- ]?\d{4}", s)),
    "bsonobjectid": lambda s: bool(re.fullmatch(r"[0-9a-fA-F]{24}", s)),
}


# ----------------------------------------------------------------------------------------------------------- helpers


def _child(at: str, key: str) -> str:
    return f"{at}.{key}" if at else key


def _properties(schema: Schema) -> Mapping[str, Schema]:
    properties = schema.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _items(schema: Schema) -> Schema | None:
    items = schema.get("items")
    return items if isinstance(items, Mapping) else None


def _additional(schema: Schema | None) -> tuple[bool, Schema | None]:
    """Whether ``additionalProperties`` is given, and its schema (``None`` for a bare ``true``/``false``)."""
    if schema is None or "additionalProperties" not in schema or schema["additionalProperties"] is None:
        return False, None
    additional = schema["additionalProperties"]
    return True, additional if isinstance(additional, Mapping) else None


def _field_schema(schema: Schema | None, key: str) -> Schema | None:
    if schema is None:
        return None
    properties = _properties(schema)
    if key in properties:
        return properties[key]
    return _additional(schema)[1]


def _types(schema: Schema) -> list[str]:
    if schema.get("x-kubernetes-int-or-string") is True:
        return ["integer", "string"]
    kind = schema.get("type")
    return [kind] if isinstance(kind, str) and kind else []


def _format_of(schema: Schema) -> str:
    """The schema's format if apiextensions keeps it, else ``""`` (unsupported formats are stripped)."""
    fmt = schema.get("format")
    return fmt if isinstance(fmt, str) and fmt.replace("-", "") in _SUPPORTED_FORMATS else ""


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_type(value: Any) -> tuple[str, str]:
    """The JSON type of a decoded value and the Go format kube-openapi infers for it."""
    if isinstance(value, bool):
        return "boolean", ""
    if isinstance(value, int):
        return "integer", "int64"
    if isinstance(value, float):
        return "number", "float64"
    if isinstance(value, str):
        return "string", ""
    if isinstance(value, list):
        return "array", ""
    return "object", ""


def _identity(value: Any) -> Any:
    """A hashable key equal only for equal JSON values of the same Go type (so 1 and 1.0, or 1 and true, differ)."""
    if isinstance(value, dict | list):
        return ("json", json.dumps(value, sort_keys=True, separators=(",", ":")))
    return (type(value).__name__, value)


def _same(value: Any, option: Any) -> bool:
    if isinstance(value, bool) or isinstance(option, bool):
        return isinstance(value, bool) and isinstance(option, bool) and value == option
    return bool(value == option)


def _go(value: Any) -> str:
    """Go's ``%v`` of a JSON number."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        if math.isinf(value):
            return "+Inf" if value > 0 else "-Inf"
        return repr(value)
    return str(value)


def _quote(text: str) -> str:
    """Go's ``%q`` (``strconv.Quote``), close enough for printable text."""
    return json.dumps(text, ensure_ascii=False)
