"""The interface the generic reconciler drives: one actuator per extension kind, synchronous, idempotent.

An actuator gets the object as stored and the seed client; it returns the status fields it owns (``providerStatus``,
``state``, kind-specific fields such as ``nodesCIDR``). It raises :class:`~providers.interface.ProviderError` when
the operation failed (its codes decide between a retry with back-off and ``Failed``), or :class:`Requeue` when it
did its part and waits for something else (machines joining): the operation stays ``Processing`` and is run again
after ``delay`` seconds without counting as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from kubelite.client import Kube

Object = dict[str, Any]


class Requeue(Exception):
    def __init__(self, message: str, delay: float = 5.0, progress: int = 50) -> None:
        super().__init__(message)
        self.message = message
        self.delay = delay
        self.progress = progress


@dataclass(frozen=True, slots=True)
class Context:
    kube: Kube  # the seed
    obj: Object  # the extension object as it was when the operation began

    @property
    def name(self) -> str:
        return str(self.obj["metadata"]["name"])

    @property
    def namespace(self) -> str | None:
        namespace = self.obj["metadata"].get("namespace")
        return str(namespace) if namespace else None

    @property
    def spec(self) -> Object:
        return self.obj.get("spec") or {}

    @property
    def status(self) -> Object:
        return self.obj.get("status") or {}


@dataclass(frozen=True, slots=True)
class Outcome:
    """Status fields the actuator sets (merged into ``status``); None values remove a field."""

    status: Object = field(default_factory=dict)


class Actuator(Protocol):
    def reconcile(self, ctx: Context) -> Outcome: ...

    def delete(self, ctx: Context) -> None: ...

    def migrate(self, ctx: Context) -> None:
        """Let go of the object without touching the cloud (another seed restores it from ``status.state``)."""
        ...

    def restore(self, ctx: Context) -> Outcome:
        """Take the object over from ``status.state`` and reconcile it."""
        ...


__all__ = ["Actuator", "Context", "Outcome", "Requeue"]
