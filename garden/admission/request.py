"""What an admission plugin sees: one write to the garden API, the same whether it arrived in-process (kubelite)
or as an AdmissionReview (a webhook for a real Kubernetes garden).

Errors are kube-apiserver's: plugins raise :class:`~kubelite.apiserver.errors.APIError` (built with the helpers in
:mod:`garden.admission.errors`), which both paths turn into a ``kind: Status`` body naming each bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from kubelite.apiserver.user import UserInfo

Operation = Literal["CREATE", "UPDATE", "DELETE", "CONNECT"]
Object = dict[str, Any]


@dataclass(slots=True)
class Request:
    operation: Operation
    group: str
    version: str
    #: The resource's plural (``shoots``).
    resource: str
    kind: str
    namespace: str
    name: str
    #: The object being written; mutating plugins change it in place. None for DELETE.
    object: Object | None
    old_object: Object | None
    user: UserInfo
    dry_run: bool = False
    subresource: str = ""
    #: CreateOptions / UpdateOptions / DeleteOptions as sent.
    options: Mapping[str, Any] = field(default_factory=dict)

    def is_(self, group: str, resource: str, subresource: str = "") -> bool:
        return self.group == group and self.resource == resource and self.subresource == subresource

    @property
    def obj(self) -> Object:
        """The object of a CREATE or UPDATE (or the old object of a DELETE)."""
        found = self.object if self.object is not None else self.old_object
        if found is None:
            raise ValueError(f"{self.operation} of {self.resource} carries no object")
        return found


class Reader(Protocol):
    """Reads objects the plugins need (CloudProfiles, bindings, projects, quotas) from the garden."""

    async def get(self, group: str, version: str, resource: str, namespace: str | None, name: str) -> Object | None:
        """The object, or None when it does not exist."""
        ...

    async def list(self, group: str, version: str, resource: str, namespace: str | None = None) -> list[Object]:
        """Every object of a resource (in a namespace, or everywhere)."""
        ...


class Plugin:
    """One admission plugin. Override what applies; both default to admitting everything unchanged."""

    name: str = ""

    async def mutate(self, request: Request) -> None:
        """Change ``request.object`` in place, or raise APIError to refuse."""

    async def validate(self, request: Request) -> None:
        """Raise APIError to refuse; must not change anything."""


class Chain:
    """All mutating plugins in order, then all validating ones, as kube-apiserver runs them."""

    def __init__(self, plugins: list[Plugin]) -> None:
        self.plugins = plugins

    async def mutate(self, request: Request) -> None:
        for plugin in self.plugins:
            await plugin.mutate(request)

    async def validate(self, request: Request) -> None:
        for plugin in self.plugins:
            await plugin.validate(request)

    async def admit(self, request: Request) -> None:
        await self.mutate(request)
        await self.validate(request)


__all__ = ["Chain", "Object", "Operation", "Plugin", "Reader", "Request", "UserInfo"]
