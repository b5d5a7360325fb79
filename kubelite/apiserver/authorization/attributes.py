"""The attributes of one request an authorizer judges (kube's ``authorizer.Attributes``).

A resource request names a verb (``get``, ``list``, ``watch``, ``create``, ``update``, ``patch``, ``delete``,
``deletecollection``, or a special one such as ``impersonate``, ``bind``, ``escalate``), an API group, a resource,
maybe a subresource, a namespace and a name. Anything else (``/healthz``, ``/version``, discovery under ``/api`` and
``/apis``, ``/openapi/...``) is a non-resource request: the lower-cased HTTP method and the path.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubelite.apiserver.http.routing import RequestInfo
from kubelite.apiserver.user import UserInfo


@dataclass(frozen=True, slots=True)
class Attributes:
    user: UserInfo
    verb: str
    resource_request: bool = True
    namespace: str = ""
    api_group: str = ""
    api_version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    #: The request path, for non-resource requests.
    path: str = ""

    @property
    def combined_resource(self) -> str:
        """``pods/log`` for a subresource, ``pods`` otherwise: what RBAC rules name."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


def resource_attributes(user: UserInfo, info: RequestInfo, namespaced: bool = True) -> Attributes:
    """The attributes of a resource request routed to ``info`` (the namespace only for namespaced resources).

    NB: a request for one namespace (``/api/v1/namespaces/<name>``) is *in* that namespace, as upstream's
    RequestInfoFactory has it, so a RoleBinding there may grant reading the namespace itself.
    """
    namespace = (info.namespace or "") if namespaced else ""
    if info.group == "" and info.resource == "namespaces" and info.name:
        namespace = info.name
    return Attributes(
        user=user,
        verb=info.verb,
        namespace=namespace,
        api_group=info.group,
        api_version=info.version,
        resource=info.resource,
        subresource=info.subresource,
        name=info.name,
    )


def non_resource_attributes(user: UserInfo, method: str, path: str) -> Attributes:
    return Attributes(user=user, verb=method.lower(), resource_request=False, path=path)
