"""The 403 a denied request gets, worded exactly as kube-apiserver words it, so clients and people can tell who was
refused what (``pods "x" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace
"dev"``)."""

from __future__ import annotations

from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.errors import APIError


def denial(attributes: Attributes) -> str:
    """``User "<u>" cannot <verb> ...``: the part of the message that says who was denied what."""
    user = attributes.user.name
    if not attributes.resource_request:
        return f'User "{user}" cannot {attributes.verb} path "{attributes.path}"'
    resource = attributes.combined_resource
    where = f'in the namespace "{attributes.namespace}"' if attributes.namespace else "at the cluster scope"
    return f'User "{user}" cannot {attributes.verb} resource "{resource}" in API group "{attributes.api_group}" {where}'


def forbidden(attributes: Attributes, reason: str = "") -> APIError:
    """The APIError of a denied request; ``reason`` (the authorizer's) is appended after a colon when present."""
    message = denial(attributes) + (f": {reason}" if reason else "")
    if not attributes.resource_request:
        return APIError(403, "Forbidden", f"forbidden: {message}")
    qualified = f"{attributes.resource}.{attributes.api_group}" if attributes.api_group else attributes.resource
    subject = f'{qualified} "{attributes.name}"' if attributes.name else qualified
    return APIError(
        403,
        "Forbidden",
        f"{subject} is forbidden: {message}",
        group=attributes.api_group,
        kind=attributes.resource,
        name=attributes.name,
    )
