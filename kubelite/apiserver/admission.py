"""The admission chain: in-process plugins that mutate, then validate, every write.

As in kube-apiserver, all mutating plugins run first (in order), then all validating ones. A plugin sees the
operation, the object and the old object, the resource, the user and whether the request is a dry run, and refuses
a request by raising :class:`~kubelite.apiserver.errors.APIError`. Later layers (Gardener's admission) plug in
here without the server knowing anything of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kubelite.apiserver.errors import APIError, FieldError
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.user import UserInfo

Operation = Literal["CREATE", "UPDATE", "DELETE", "CONNECT"]
Object = dict[str, Any]


@dataclass(slots=True)
class AdmissionRequest:
    operation: Operation
    resource: ResourceType
    namespace: str
    name: str
    #: The object being written; mutating plugins change it in place. None for DELETE.
    object: Object | None
    old_object: Object | None
    user: UserInfo
    dry_run: bool
    subresource: str = ""
    options: dict[str, Any] = field(default_factory=dict)


class AdmissionPlugin:
    """One admission plugin. Override what applies; both default to allowing everything unchanged."""

    name: str = ""

    async def mutate(self, request: AdmissionRequest) -> None:
        """Change ``request.object`` in place, or raise APIError to refuse."""

    async def validate(self, request: AdmissionRequest) -> None:
        """Raise APIError to refuse; must not change anything."""


class AdmissionChain:
    def __init__(self, plugins: Sequence[AdmissionPlugin] = ()) -> None:
        self.plugins: list[AdmissionPlugin] = list(plugins)

    def add(self, plugin: AdmissionPlugin) -> None:
        self.plugins.append(plugin)

    async def mutate(self, request: AdmissionRequest) -> None:
        for plugin in self.plugins:
            await plugin.mutate(request)

    async def validate(self, request: AdmissionRequest) -> None:
        for plugin in self.plugins:
            await plugin.validate(request)


#: Looks a namespace up: its object, or None when it does not exist.
NamespaceGetter = Callable[[str], Awaitable[Object | None]]

#: Namespaces that exist from the start and may never be deleted.
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})


class NamespaceLifecycle(AdmissionPlugin):
    """Writes into a namespace need it to exist and not to be terminating; the system namespaces are immortal."""

    name = "NamespaceLifecycle"

    def __init__(self, get_namespace: NamespaceGetter) -> None:
        self._get_namespace = get_namespace

    async def validate(self, request: AdmissionRequest) -> None:
        rt = request.resource
        if rt.group == "" and rt.plural == "namespaces":
            if request.operation == "DELETE" and request.name in IMMORTAL_NAMESPACES:
                raise APIError(
                    403,
                    "Forbidden",
                    f'namespaces "{request.name}" is forbidden: this namespace may not be deleted',
                    kind="namespaces",
                    name=request.name,
                )
            return
        if not rt.namespaced or request.operation != "CREATE":
            return
        ns = await self._get_namespace(request.namespace)
        if ns is None:
            raise APIError(
                404,
                "NotFound",
                f'namespaces "{request.namespace}" not found',
                kind="namespaces",
                name=request.namespace,
            )
        if ns.get("metadata", {}).get("deletionTimestamp") or ns.get("status", {}).get("phase") == "Terminating":
            raise APIError(
                403,
                "Forbidden",
                f'{rt.group_resource} "{request.name}" is forbidden: unable to create new content in namespace '
                f"{request.namespace} because it is being terminated",
                group=rt.group,
                kind=rt.plural,
                name=request.name,
                causes=[
                    FieldError(
                        "NamespaceTerminating",
                        "metadata.namespace",
                        f"namespace {request.namespace} is being terminated",
                    )
                ],
            )
