"""The spec and status fields every extension kind carries, and the status columns every extension CRD prints."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from garden.api.base import CrossVersionObjectReference, Model, RawExtension
from garden.api.common import Condition, LastError, LastOperation
from garden.api.kind import PrinterColumn

#: Which class of cluster an extension object is meant for; absent means ``shoot``.
ExtensionClass = Literal["garden", "seed", "shoot"]


class DefaultSpec(Model):
    """The part of the spec all extension kinds share: which extension acts on the object, and its configuration."""

    type: str
    """The extension type that is responsible for the object (``aws``, ``ubuntu``, ``calico``)."""
    class_: ExtensionClass | None = Field(default=None, alias="class")
    """The class of cluster the object belongs to; immutable, and treated as ``shoot`` when absent."""
    provider_config: RawExtension | None = None
    """Configuration only the responsible extension understands, passed through unchanged."""


class NamedResourceReference(Model):
    """A resource the extension's state refers to by a name of its own."""

    name: str
    """The name the state uses for the resource."""
    resource_ref: CrossVersionObjectReference
    """The referenced resource (kind, name and optionally apiVersion), in the object's namespace."""


class DefaultStatus(Model):
    """The part of the status all extension kinds share: how the last operation went and what the extension keeps."""

    provider_status: RawExtension | None = None
    """Status only the responsible extension understands (consumed by other extensions, e.g. the Worker's)."""
    conditions: list[Condition] | None = None
    """The latest observations of the object's health."""
    last_error: LastError | None = None
    """The error of the last operation, if it failed."""
    last_operation: LastOperation | None = None
    """The last operation on the object: its type, state and progress."""
    observed_generation: int | None = None
    """The ``metadata.generation`` the extension last acted on."""
    state: RawExtension | None = None
    """Whatever the extension needs to restore the object elsewhere (kept across control-plane migration)."""
    resources: list[NamedResourceReference] | None = None
    """Resources the ``state`` refers to by name, so they migrate along with it."""


#: The printer column every extension kind ends with before ``Age``: the state of its last operation.
STATUS_COLUMN = PrinterColumn("Status", ".status.lastOperation.state", description="Status of the last operation.")

__all__ = ["STATUS_COLUMN", "DefaultSpec", "DefaultStatus", "ExtensionClass", "NamedResourceReference"]
