"""The building blocks every kind is made of: the model base, object metadata, times, quantities and raw JSON.

Wire names are Gardener's exactly. Python attributes are snake_case; the camelCase alias is generated, and fields
whose wire name carries an acronym (``technicalID``, ``kubeAPIServer``, ``providerID``) spell their alias out.
Models ignore fields they do not know: the CRDs generated from them prune unknown fields before a model ever sees
an object, and a controller reading an object written by a newer version must not fail on it.

Serialise with :func:`dump` (aliases, only what was set), so a round trip changes nothing a user wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic.alias_generators import to_camel


class Model(BaseModel):
    """Base of every API struct: camelCase on the wire, unknown fields ignored, assignment validated."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        validate_assignment=True,
        use_enum_values=True,
        use_attribute_docstrings=True,
    )


def _parse_time(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, seconds precision: how Kubernetes writes ``metav1.Time``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: ``metav1.Time``: a timestamp, written as RFC 3339 (``2026-11-25T06:00:00Z``).
Time = Annotated[
    datetime,
    BeforeValidator(_parse_time),
    PlainSerializer(format_time, return_type=str, when_used="json-unless-none"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

#: ``resource.Quantity``: ``"8Gi"``, ``"500m"`` or a plain number.
Quantity = Annotated[
    int | str,
    WithJsonSchema({"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}),
]

#: ``intstr.IntOrString``: ``1`` or ``"25%"`` (worker maxSurge / maxUnavailable).
IntOrString = Annotated[
    int | str,
    WithJsonSchema({"x-kubernetes-int-or-string": True, "anyOf": [{"type": "integer"}, {"type": "string"}]}),
]

#: ``runtime.RawExtension``: opaque JSON (provider configs), kept exactly as written.
RawExtension = Annotated[
    dict[str, Any],
    WithJsonSchema({"type": "object", "x-kubernetes-preserve-unknown-fields": True}),
]


class ObjectMeta(Model):
    """``metav1.ObjectMeta``: the server owns most of it; the CRD schema leaves it to the API server."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    generate_name: str | None = None
    namespace: str | None = None
    uid: str | None = None
    resource_version: str | None = None
    generation: int | None = None
    creation_timestamp: Time | None = None
    deletion_timestamp: Time | None = None
    deletion_grace_period_seconds: int | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    finalizers: list[str] | None = None
    owner_references: list[dict[str, Any]] | None = None


class LocalObjectReference(Model):
    """A reference to an object in the same namespace."""

    name: str
    """The name of the object."""


class ObjectReference(Model):
    """A reference to an object by name and namespace (``corev1.SecretReference`` and the like)."""

    name: str
    """The name of the object."""
    namespace: str | None = None
    """The namespace of the object; the referring object's namespace when empty."""


class CoreObjectReference(Model):
    """``corev1.ObjectReference``: an object by API version, kind, namespace and name; every part optional."""

    api_version: str | None = None
    """The referent's API version (``core.gardener.cloud/v1beta1``, ``v1``)."""
    kind: str | None = None
    """The referent's kind."""
    name: str | None = None
    """The referent's name."""
    namespace: str | None = None
    """The referent's namespace."""
    uid: str | None = None
    """The referent's UID."""
    resource_version: str | None = None
    """The referent's resource version."""
    field_path: str | None = None
    """A field within the referent, if the reference is to part of it."""


class CrossVersionObjectReference(Model):
    """A reference to an object of any kind: apiVersion, kind and name."""

    api_version: str | None = None
    """The API version of the object."""
    kind: str
    """The kind of the object."""
    name: str
    """The name of the object."""


class LabelSelectorRequirement(Model):
    """One requirement of a label selector: a key, an operator and values."""

    key: str
    """The label key."""
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist"]
    """How the key relates to the values."""
    values: list[str] | None = None
    """The values for In and NotIn; empty for Exists and DoesNotExist."""


class LabelSelector(Model):
    """``metav1.LabelSelector``: objects whose labels match all requirements."""

    match_labels: dict[str, str] | None = None
    """Labels that must be present with exactly these values."""
    match_expressions: list[LabelSelectorRequirement] | None = None
    """Further requirements, all of which must hold."""


class Resource(Model):
    """A kind: apiVersion, kind and metadata, plus what every kind module adds (spec, status)."""

    #: Set by each kind: ``core.gardener.cloud/v1beta1`` and ``Shoot``.
    API_VERSION: ClassVar[str] = ""
    KIND: ClassVar[str] = ""

    api_version: str | None = None
    kind: str | None = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Self:
        """Read a wire object (a dict from the API server)."""
        return cls.model_validate(obj)

    def dump(self) -> dict[str, Any]:
        """The wire object: camelCase, only fields that were given or set, apiVersion and kind filled in."""
        out = dump(self)
        out["apiVersion"] = self.api_version or self.API_VERSION
        out["kind"] = self.kind or self.KIND
        return out


def dump(model: BaseModel) -> dict[str, Any]:
    """A model as wire JSON: aliases, only fields that were given or assigned (never a default it invented)."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


__all__ = [
    "CoreObjectReference",
    "CrossVersionObjectReference",
    "IntOrString",
    "LabelSelector",
    "LabelSelectorRequirement",
    "LocalObjectReference",
    "Model",
    "ObjectMeta",
    "ObjectReference",
    "Quantity",
    "RawExtension",
    "Resource",
    "Time",
    "dump",
    "format_time",
]
