"""Label and field selectors: the ``labelSelector``/``fieldSelector`` query parameters and ``metav1.LabelSelector``.

Label selectors follow apimachinery's ``labels.Parse``: a hand-written lexer and recursive-descent parser, the same
error messages (the server answers them as 400 BadRequest), requirements sorted by key, and the same matching:
``!=`` and ``notin`` also match objects *without* the label, ``>``/``<`` compare 64-bit integers and never match a
label whose value is not one. An empty selector matches everything; :meth:`LabelSelector.nothing` (what a ``null``
structured selector means) matches nothing.

Field selectors follow ``fields.ParseSelector``: comma-separated ``field=value``, ``field==value`` or
``field!=value`` terms, where a value escapes ``\\``, ``,`` and ``=`` with a backslash. A field the object does not
have reads as the empty string.

Which fields a kind can be selected by is fixed per kind by the server (:func:`supported_field_labels`), and
:func:`field_values` extracts them from an object. The table is upstream's field label conversion functions:

* every kind: ``metadata.name``; namespaced kinds also ``metadata.namespace``. (Upstream's generic fallback for
  built-in kinds also accepts ``metadata.namespace`` on cluster-scoped kinds, where it only ever matches ``""``;
  custom resources and kinds with their own table do not.) :func:`field_values` always returns both.
* core Pod, Node, Namespace, Secret, Service, ReplicationController and Event; apps ReplicaSet; batch Job;
  certificates CertificateSigningRequest.
* ``events.k8s.io`` Event is the same stored object as core Event under other names: ``regarding.*`` instead of
  ``involvedObject.*`` and ``reportingController`` instead of ``reportingComponent``; ``source`` is
  ``deprecatedSource.component``, or the reporting controller when that is empty.

Not supported: the Pod labels ``status.podIPs`` and the legacy alias ``spec.host``, and CRD ``selectableFields``.
Unsupported fields are rejected with ``field label not supported: <f>``, which is upstream's wording for every kind
with its own table and for custom resources (built-in kinds without a table say ``"<f>" is not a known field
selector: only "metadata.name", "metadata.namespace"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kubelite.apiserver.errors import FieldError, forbidden, invalid, required
from kubelite.apiserver.validation.names import is_label_value, is_qualified_name


class SelectorError(ValueError):
    """A selector that cannot be parsed or used; its message is what kube-apiserver says (as 400 BadRequest)."""


# ---------------------------------------------------------------------------------------------------- label selectors

#: The values of apimachinery's ``selection.Operator``.
Operator = Literal["in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt"]

_INT64 = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _parse_int64(text: str) -> int | None:
    """Go's ``strconv.ParseInt(text, 10, 64)``: no spaces or underscores, and within int64."""
    if not _INT64.fullmatch(text):
        return None
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of a label selector; build it with :meth:`new` to get upstream's validation."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    @classmethod
    def new(cls, key: str, operator: Operator, values: Iterable[str] = (), *, path: str = "<nil>") -> Requirement:
        """apimachinery's ``NewRequirement``: raises :class:`SelectorError` with all problems, as an aggregate."""
        vals = tuple(values)
        causes: list[FieldError] = []
        sub = "" if path == "<nil>" else f"{path}."
        key_errors = is_qualified_name(key)
        if key_errors:
            causes.append(invalid(f"{sub}key", key, "; ".join(key_errors)))
        if operator in ("in", "notin") and not vals:
            causes.append(
                invalid(f"{sub}values", _go_strings(vals), "for 'in', 'notin' operators, values set can't be empty")
            )
        elif operator in ("=", "==", "!=") and len(vals) != 1:
            causes.append(
                invalid(f"{sub}values", _go_strings(vals), "exact-match compatibility requires one single value")
            )
        elif operator in ("exists", "!") and vals:
            causes.append(
                invalid(f"{sub}values", _go_strings(vals), "values set must be empty for exists and does not exist")
            )
        elif operator in ("gt", "lt"):
            if len(vals) != 1:
                causes.append(
                    invalid(
                        f"{sub}values", _go_strings(vals), "for 'Gt', 'Lt' operators, exactly one value is required"
                    )
                )
            causes += [
                invalid(f"{sub}values[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer")
                for i, v in enumerate(vals)
                if _parse_int64(v) is None
            ]
        for i, value in enumerate(vals):
            value_errors = is_label_value(value)
            if value_errors:
                causes.append(invalid(f"{sub}values[{i}][{key}]", value, "; ".join(value_errors)))
        if causes:
            raise SelectorError(_aggregate(causes))
        return cls(key, operator, vals)

    def matches(self, labels: Mapping[str, str]) -> bool:
        has = self.key in labels
        match self.operator:
            case "in" | "=" | "==":
                return has and labels[self.key] in self.values
            case "notin" | "!=":
                return not has or labels[self.key] not in self.values
            case "exists":
                return has
            case "!":
                return not has
            case _:
                if not has or len(self.values) != 1:
                    return False
                actual, bound = _parse_int64(labels[self.key]), _parse_int64(self.values[0])
                if actual is None or bound is None:
                    return False
                return actual > bound if self.operator == "gt" else actual < bound

    def __str__(self) -> str:
        match self.operator:
            case "!":
                return f"!{self.key}"
            case "exists":
                return self.key
            case "in" | "notin":
                return f"{self.key} {self.operator} ({','.join(sorted(self.values))})"
            case "gt":
                return f"{self.key}>{self.values[0]}"
            case "lt":
                return f"{self.key}<{self.values[0]}"
            case _:
                return f"{self.key}{self.operator}{self.values[0]}"


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A conjunction of requirements, sorted by key as upstream keeps them."""

    requirements: tuple[Requirement, ...] = ()
    #: True only for :meth:`nothing`: the selector that matches no object at all.
    matches_nothing: bool = False

    @classmethod
    def everything(cls) -> LabelSelector:
        return cls()

    @classmethod
    def nothing(cls) -> LabelSelector:
        return cls(matches_nothing=True)

    @classmethod
    def parse(cls, text: str) -> LabelSelector:
        """Parse the query-string syntax (``labels.Parse``); raises :class:`SelectorError`."""
        return cls(tuple(sorted(_LabelParser(text).parse(), key=lambda r: r.key)))

    @classmethod
    def from_dict(cls, selector: Mapping[str, Any] | None) -> LabelSelector:
        """A ``metav1.LabelSelector`` (``LabelSelectorAsSelector``): ``None`` selects nothing, ``{}`` everything."""
        if selector is None:
            return cls.nothing()
        requirements = [Requirement.new(k, "=", [v]) for k, v in (selector.get("matchLabels") or {}).items()]
        for expression in selector.get("matchExpressions") or ():
            operator = _STRUCTURED_OPERATORS.get(expression.get("operator", ""))
            if operator is None:
                raise SelectorError(
                    f"{_go_quote(str(expression.get('operator', '')))} is not a valid label selector operator"
                )
            requirements.append(Requirement.new(expression.get("key", ""), operator, expression.get("values") or ()))
        return cls(tuple(sorted(requirements, key=lambda r: r.key)))

    @property
    def empty(self) -> bool:
        """True when the selector restricts nothing."""
        return not self.requirements and not self.matches_nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.matches_nothing:
            return False
        present = labels or {}
        return all(r.matches(present) for r in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


_STRUCTURED_OPERATORS: dict[str, Operator] = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


def validate_label_selector(selector: Mapping[str, Any] | None, path: str) -> list[FieldError]:
    """Field errors for a ``metav1.LabelSelector`` inside an object (``ValidateLabelSelector``), e.g. a Deployment's."""
    if selector is None:
        return []
    errors: list[FieldError] = []
    match_labels = selector.get("matchLabels") or {}
    for key, value in match_labels.items():
        errors += [invalid(f"{path}.matchLabels", key, msg) for msg in is_qualified_name(key)]
        errors += [invalid(f"{path}.matchLabels", value, msg) for msg in is_label_value(value)]
    for i, expression in enumerate(selector.get("matchExpressions") or ()):
        at = f"{path}.matchExpressions[{i}]"
        operator, values = expression.get("operator", ""), expression.get("values") or []
        if operator in ("In", "NotIn"):
            if not values:
                errors.append(required(f"{at}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errors.append(
                    forbidden(f"{at}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
                )
        else:
            errors.append(invalid(f"{at}.operator", operator, "not a valid selector operator"))
        key = expression.get("key", "")
        errors += [invalid(f"{at}.key", key, msg) for msg in is_qualified_name(key)]
        for j, value in enumerate(values):
            errors += [invalid(f"{at}.values[{j}]", value, msg) for msg in is_label_value(value)]
    return errors


_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
# Token kinds of the lexer; "ident" covers keys and values, "in"/"notin" are keywords only where an operator goes.
_SYMBOLS = {")": ")", ",": ",", "!": "!", "==": "==", "=": "=", ">": ">", "<": "<", "!=": "!=", "(": "("}
_KEYWORDS = {"in": "in", "notin": "notin"}
_END = "end"
_BINARY_OPERATORS: dict[str, Operator] = {
    "in": "in",
    "notin": "notin",
    "=": "=",
    "==": "==",
    "!=": "!=",
    ">": "gt",
    "<": "lt",
}


class _LabelParser:
    """Lexer and parser of ``labels.Parse``, kept close to upstream so its error messages come out the same."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_lex(text))
        self.position = 0

    def _peek(self, as_value: bool) -> tuple[str, str]:
        kind, literal = self.tokens[self.position]
        return ("ident", literal) if as_value and kind in _KEYWORDS else (kind, literal)

    def _take(self, as_value: bool) -> tuple[str, str]:
        token = self._peek(as_value)
        self.position += 1
        return token

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            kind, literal = self._peek(as_value=True)
            if kind == _END:
                return requirements
            if kind not in ("ident", "!"):
                raise SelectorError(f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self._requirement())
            except SelectorError as e:
                raise SelectorError(f"unable to parse requirement: {e}") from None
            kind, literal = self._take(as_value=True)
            if kind == _END:
                return requirements
            if kind != ",":
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            kind, literal = self._peek(as_value=True)
            if kind not in ("ident", "!"):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def _requirement(self) -> Requirement:
        operator: Operator | None = None
        kind, key = self._take(as_value=True)
        if kind == "!":
            operator = "!"
            kind, key = self._take(as_value=True)
        if kind != "ident":
            raise SelectorError(f"found '{key}', expected: identifier")
        key_errors = is_qualified_name(key)
        if key_errors:
            raise SelectorError(invalid("<nil>", key, "; ".join(key_errors)).render())
        if self._peek(as_value=True)[0] in (_END, ","):
            return Requirement.new(key, operator or "exists")
        if operator == "!":
            # `!key` followed by something else: the requirement ends here and the caller reports the leftover.
            return Requirement.new(key, "!")
        kind, literal = self._take(as_value=False)
        if kind not in _BINARY_OPERATORS:
            # NB: the missing quote before notin is upstream's.
            raise SelectorError(f"found '{literal}', expected: '=', '!=', '==', 'in', notin'")
        operator = _BINARY_OPERATORS[kind]
        values = self._set_values() if operator in ("in", "notin") else self._exact_value()
        return Requirement.new(key, operator, sorted(values))

    def _set_values(self) -> set[str]:
        kind, literal = self._take(as_value=True)
        if kind != "(":
            raise SelectorError(f"found '{literal}' expected: '('")
        kind, literal = self._peek(as_value=True)
        if kind == ")":
            self._take(as_value=True)
            return {""}
        if kind not in ("ident", ","):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        values: set[str] = set()
        while True:
            kind, literal = self._take(as_value=True)
            if kind == "ident":
                values.add(literal)
                after, after_literal = self._peek(as_value=True)
                if after == ",":
                    continue
                if after == ")":
                    self._take(as_value=True)
                    return values
                raise SelectorError(f"found '{after_literal}', expected: ',' or ')'")
            if kind == ",":
                # "(,", ",)" and ",," each stand for an empty value.
                if not values:
                    values.add("")
                after = self._peek(as_value=True)[0]
                if after == ")":
                    values.add("")
                    self._take(as_value=True)
                    return values
                if after == ",":
                    self._take(as_value=True)
                    values.add("")
                continue
            raise SelectorError(f"found '{literal}', expected: ',', or identifier")

    def _exact_value(self) -> set[str]:
        if self._peek(as_value=True)[0] in (_END, ","):
            return {""}
        kind, literal = self._take(as_value=True)
        if kind == "ident":
            return {literal}
        raise SelectorError(f"found '{literal}', expected: identifier")


def _lex(text: str) -> Iterable[tuple[str, str]]:
    position, length = 0, len(text)
    while True:
        while position < length and text[position] in _WHITESPACE:
            position += 1
        if position >= length:
            yield _END, ""
            return
        if text[position] in _SPECIAL:
            # The longest run of special characters that is still a symbol: "!=" but "=(" is "=" then "(".
            end = position + 1
            while end < length and text[end] in _SPECIAL and text[position : end + 1] in _SYMBOLS:
                end += 1
            symbol = text[position:end]
            yield _SYMBOLS[symbol], symbol
            position = end
            continue
        end = position
        while end < length and text[end] not in _SPECIAL and text[end] not in _WHITESPACE:
            end += 1
        word = text[position:end]
        yield _KEYWORDS.get(word, "ident"), word
        position = end


# ---------------------------------------------------------------------------------------------------- field selectors

_FIELD_OPERATORS = ("!=", "==", "=")


@dataclass(frozen=True, slots=True)
class FieldTerm:
    field: str
    value: str
    #: True for ``!=``.
    negated: bool = False

    def matches(self, fields: Mapping[str, str]) -> bool:
        return (fields.get(self.field, "") == self.value) != self.negated

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.negated else '='}{escape_value(self.value)}"


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """A conjunction of field terms; empty matches everything."""

    terms: tuple[FieldTerm, ...] = ()

    @classmethod
    def parse(cls, text: str) -> FieldSelector:
        """``fields.ParseSelector``; raises :class:`SelectorError`."""
        terms = []
        for part in sorted(_split_terms(text)):
            if not part:
                continue
            split = _split_term(part)
            if split is None:
                raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
            field, operator, raw = split
            terms.append(FieldTerm(field, unescape_value(raw), negated=operator == "!="))
        return cls(tuple(terms))

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(t.field for t in self.terms)

    def matches(self, fields: Mapping[str, str] | Callable[[str], str | None]) -> bool:
        """Match against an object's selectable fields, as a dict or a lookup; a missing field reads as ``""``."""
        if callable(fields):
            lookup = fields
            return all(((lookup(t.field) or "") == t.value) != t.negated for t in self.terms)
        return all(t.matches(fields) for t in self.terms)

    def validate(self, supported: Collection[str]) -> None:
        """Reject the first field this kind cannot be selected by, in the order of the terms."""
        for term in self.terms:
            if term.field not in supported:
                raise SelectorError(f"field label not supported: {term.field}")

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(value: str) -> str:
    """``fields.UnescapeValue``: only ``\\\\``, ``\\,`` and ``\\=`` are escapes, and bare ``,``/``=`` are errors."""
    out: list[str] = []
    escaping = False
    for char in value:
        if escaping:
            if char not in "\\,=":
                raise SelectorError(f"invalid field selector: invalid escape sequence: \\{char}")
            out.append(char)
            escaping = False
        elif char == "\\":
            escaping = True
        elif char in ",=":
            raise SelectorError(f"invalid field selector: unescaped character in value: {char}")
        else:
            out.append(char)
    if escaping:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(text: str) -> list[str]:
    """Split at unescaped commas, keeping the escapes for :func:`unescape_value`."""
    if not text:
        return []
    terms, start, escaping = [], 0, False
    for i, char in enumerate(text):
        if escaping:
            escaping = False
        elif char == "\\":
            escaping = True
        elif char == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    for i in range(len(term)):
        for operator in _FIELD_OPERATORS:
            if term.startswith(operator, i):
                return term[:i], operator, term[i + len(operator) :]
    return None


# Field labels per (group, kind), beyond metadata.name (and metadata.namespace where listed).
_NAMESPACED_META = ("metadata.name", "metadata.namespace")
_FIELD_LABELS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "Pod"): (
        *_NAMESPACED_META,
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    ("", "Node"): ("metadata.name", "spec.unschedulable"),
    ("", "Namespace"): ("metadata.name", "status.phase"),
    ("", "Secret"): (*_NAMESPACED_META, "type"),
    ("", "Service"): (*_NAMESPACED_META, "spec.clusterIP", "spec.type"),
    ("", "ReplicationController"): (*_NAMESPACED_META, "status.replicas"),
    ("", "Event"): (
        *_NAMESPACED_META,
        *(
            f"involvedObject.{f}"
            for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
        ),
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    ("events.k8s.io", "Event"): (
        *_NAMESPACED_META,
        *(f"regarding.{f}" for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")),
        "reason",
        "reportingController",
        "source",
        "type",
    ),
    ("apps", "ReplicaSet"): (*_NAMESPACED_META, "status.replicas"),
    ("batch", "Job"): (*_NAMESPACED_META, "status.successful"),
    ("certificates.k8s.io", "CertificateSigningRequest"): ("metadata.name", "spec.signerName"),
}


def supported_field_labels(kind_group: tuple[str, str], *, namespaced: bool) -> frozenset[str]:
    """The fields objects of ``kind_group`` — a ``(group, kind)`` pair — can be selected by."""
    known = _FIELD_LABELS.get(kind_group)
    if known is not None:
        return frozenset(known)
    return frozenset(_NAMESPACED_META if namespaced else ("metadata.name",))


def field_values(kind_group: tuple[str, str], obj: Mapping[str, Any]) -> dict[str, str]:
    """The selectable fields of ``obj``, an object of ``kind_group`` — a ``(group, kind)`` pair — as strings."""
    meta = obj.get("metadata") or {}
    values = {"metadata.name": _s(meta.get("name")), "metadata.namespace": _s(meta.get("namespace"))}
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    match kind_group:
        case ("", "Pod"):
            pod_ips = status.get("podIPs") or []
            first_ip = pod_ips[0].get("ip") if pod_ips and isinstance(pod_ips[0], Mapping) else status.get("podIP")
            values |= {
                "spec.nodeName": _s(spec.get("nodeName")),
                "spec.restartPolicy": _s(spec.get("restartPolicy")),
                "spec.schedulerName": _s(spec.get("schedulerName")),
                "spec.serviceAccountName": _s(spec.get("serviceAccountName")),
                "spec.hostNetwork": _bool(spec.get("hostNetwork")),
                "status.phase": _s(status.get("phase")),
                "status.podIP": _s(first_ip),
                "status.nominatedNodeName": _s(status.get("nominatedNodeName")),
            }
        case ("", "Node"):
            values["spec.unschedulable"] = _bool(spec.get("unschedulable"))
        case ("", "Namespace"):
            values["status.phase"] = _s(status.get("phase"))
        case ("", "Secret"):
            values["type"] = _s(obj.get("type"))
        case ("", "Service"):
            values |= {"spec.clusterIP": _s(spec.get("clusterIP")), "spec.type": _s(spec.get("type"))}
        case ("", "ReplicationController") | ("apps", "ReplicaSet"):
            values["status.replicas"] = str(status.get("replicas") or 0)
        case ("batch", "Job"):
            values["status.successful"] = str(status.get("succeeded") or 0)
        case ("certificates.k8s.io", "CertificateSigningRequest"):
            values["spec.signerName"] = _s(spec.get("signerName"))
        case ("", "Event"):
            values |= _event_fields(obj, "involvedObject", "reportingComponent", obj.get("source"))
        case ("events.k8s.io", "Event"):
            values |= _event_fields(obj, "regarding", "reportingController", obj.get("deprecatedSource"))
    return values


def _event_fields(obj: Mapping[str, Any], subject: str, reporter: str, source: Any) -> dict[str, str]:
    about = obj.get(subject) or {}
    component = _s((source or {}).get("component")) or _s(obj.get(reporter))
    fields = {
        f"{subject}.{f}": _s(about.get(f))
        for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
    }
    return fields | {
        "reason": _s(obj.get("reason")),
        reporter: _s(obj.get(reporter)),
        "source": component,
        "type": _s(obj.get("type")),
    }


# ----------------------------------------------------------------------------------------------------------- helpers


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _bool(value: Any) -> str:
    return "true" if value is True else "false"


def _go_quote(text: str) -> str:
    """Go's ``%q`` for the plain strings selectors carry."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class _GoStrings:
    """A ``[]string`` shown as Go's ``%#v`` prints it, which is what upstream shows for a bad values set."""

    values: tuple[str, ...]

    def __str__(self) -> str:
        return "[]string{" + ", ".join(_go_quote(v) for v in self.values) + "}"


def _go_strings(values: tuple[str, ...]) -> _GoStrings:
    return _GoStrings(values)


def _aggregate(causes: list[FieldError]) -> str:
    """``field.ErrorList.ToAggregate().Error()``: one message alone, several as ``[a, b]``, duplicates dropped."""
    messages = list(dict.fromkeys(c.render() for c in causes))
    return messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]"
