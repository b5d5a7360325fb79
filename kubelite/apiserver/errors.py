"""API errors as kube-apiserver reports them: a ``kind: Status`` body with ``reason``, ``code`` and ``details``.

Every failure a handler can meet is an :class:`APIError`; the HTTP layer turns it into the JSON body. Field errors
(:class:`FieldError`) become ``details.causes``, one per bad field, with the field path in kube's notation
(``metadata.name``, ``spec.containers[0].image``, ``metadata.labels[app]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

#: Kubernetes' field.ErrorType values, as they appear in ``details.causes[].reason``.
CauseType = Literal[
    "FieldValueRequired",
    "FieldValueInvalid",
    "FieldValueNotSupported",
    "FieldValueDuplicate",
    "FieldValueForbidden",
    "FieldValueTooLong",
    "FieldValueTooMany",
    "FieldValueTypeInvalid",
    "FieldValueNotFound",
    "InternalError",
    "NamespaceTerminating",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad field. ``message`` is the human part; :meth:`render` formats it as kube-apiserver does."""

    type: CauseType
    path: str
    message: str
    value: Any = None
    #: For FieldValueNotSupported: the values that are supported.
    supported: Sequence[str] = ()

    def render(self) -> str:
        match self.type:
            case "FieldValueRequired":
                detail = "Required value"
            case "FieldValueNotSupported":
                allowed = ", ".join(f'"{v}"' for v in self.supported)
                detail = f"Unsupported value: {_show(self.value)}: supported values: {allowed}"
            case "FieldValueDuplicate":
                detail = f"Duplicate value: {_show(self.value)}"
            case "FieldValueForbidden":
                detail = "Forbidden"
            case "FieldValueTooLong":
                detail = "Too long"
            case "FieldValueTooMany":
                detail = "Too many"
            case "FieldValueNotFound":
                detail = f"Not found: {_show(self.value)}"
            case "NamespaceTerminating":
                return f"{self.path}: {self.message}"
            case "FieldValueTypeInvalid":
                detail = f"Invalid value: {_show(self.value)}"
            case _:
                detail = f"Invalid value: {_show(self.value)}"
        return f"{self.path}: {detail}: {self.message}" if self.message else f"{self.path}: {detail}"


def required(path: str, message: str = "") -> FieldError:
    return FieldError("FieldValueRequired", path, message)


def invalid(path: str, value: Any, message: str) -> FieldError:
    return FieldError("FieldValueInvalid", path, message, value)


def not_supported(path: str, value: Any, supported: Sequence[str]) -> FieldError:
    return FieldError("FieldValueNotSupported", path, "", value, tuple(supported))


def forbidden(path: str, message: str) -> FieldError:
    return FieldError("FieldValueForbidden", path, message)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(slots=True)
class APIError(Exception):
    """An error the client sees as a ``kind: Status`` body."""

    code: int
    reason: str
    message: str
    group: str = ""
    kind: str = ""
    name: str = ""
    causes: list[FieldError] = field(default_factory=list)
    retry_after_seconds: int | None = None
    #: Causes already in their wire form (``{"reason", "message", "field"}``), for reasons FieldError does not have.
    raw_causes: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        details: dict[str, Any] = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes or self.raw_causes:
            details["causes"] = [
                {"reason": c.type, "message": c.render().removeprefix(f"{c.path}: "), "field": c.path}
                for c in self.causes
            ] + list(self.raw_causes)
        if self.retry_after_seconds is not None:
            details["retryAfterSeconds"] = self.retry_after_seconds
        if details:
            body["details"] = details
        return body


@dataclass(frozen=True, slots=True)
class Resource:
    """What an error is about: ``group`` and ``plural`` as in ``configmaps`` or ``shoots.core.gardener.cloud``."""

    group: str
    plural: str

    def qualified(self) -> str:
        return f"{self.plural}.{self.group}" if self.group else self.plural


def not_found(resource: Resource, name: str) -> APIError:
    return APIError(
        404, "NotFound", f'{resource.qualified()} "{name}" not found', resource.group, resource.plural, name
    )


def already_exists(resource: Resource, name: str) -> APIError:
    return APIError(
        409, "AlreadyExists", f'{resource.qualified()} "{name}" already exists', resource.group, resource.plural, name
    )


def conflict(resource: Resource, name: str, why: str) -> APIError:
    return APIError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {resource.qualified()} "{name}": {why}',
        resource.group,
        resource.plural,
        name,
    )


def invalid_object(kind: str, group: str, name: str, errors: Iterable[FieldError]) -> APIError:
    """422 Invalid: every field error, as ``Kind.group "name" is invalid: [a, b]``."""
    causes = list(errors)
    rendered = [c.render() for c in causes]
    listed = rendered[0] if len(rendered) == 1 else "[" + ", ".join(rendered) + "]"
    qualified = f"{kind}.{group}" if group else kind
    return APIError(422, "Invalid", f'{qualified} "{name}" is invalid: {listed}', group, kind, name, causes)


def bad_request(message: str) -> APIError:
    return APIError(400, "BadRequest", message)


def method_not_allowed(message: str) -> APIError:
    return APIError(405, "MethodNotAllowed", message)


def unsupported_media_type(content_type: str) -> APIError:
    return APIError(415, "UnsupportedMediaType", f"the body of the request was in an unknown format: {content_type}")


def gone(message: str) -> APIError:
    return APIError(410, "Expired", message)


def too_large(message: str = "Request entity too large: limit is 3145728") -> APIError:
    return APIError(413, "RequestEntityTooLarge", message)


def unauthorized() -> APIError:
    return APIError(401, "Unauthorized", "Unauthorized")


def internal(message: str) -> APIError:
    return APIError(500, "InternalError", f"Internal error occurred: {message}")
