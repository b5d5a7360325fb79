"""Impersonation headers (``kubectl --as``, ``--as-group``, ``--as-uid``): act as another user when allowed to.

``Impersonate-User``, ``Impersonate-Group`` (repeatable), ``Impersonate-Uid`` and ``Impersonate-Extra-<key>``.
Each is authorized as upstream does it: verb ``impersonate`` on ``users`` (or ``serviceaccounts`` in the account's
namespace, for ``system:serviceaccount:<ns>:<name>``), ``groups``, ``uids`` and ``userextras/<key>`` (the last two in
group ``authentication.k8s.io``), the name being the value. The impersonated user is in the groups asked for, plus
``system:authenticated`` (service accounts without groups asked for get their usual groups); a denial is a 403
saying who may not impersonate whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from multidict import CIMultiDictProxy

from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.authorizer import Authorizer
from kubelite.apiserver.authorization.forbidden import forbidden
from kubelite.apiserver.errors import bad_request
from kubelite.apiserver.user import UserInfo

USER = "Impersonate-User"
GROUP = "Impersonate-Group"
UID = "Impersonate-Uid"
EXTRA = "Impersonate-Extra-"
SA_PREFIX = "system:serviceaccount:"


def requested(headers: CIMultiDictProxy[str]) -> bool:
    return any(key.lower().startswith("impersonate-") for key in headers)


def impersonate(user: UserInfo, headers: CIMultiDictProxy[str], authorizer: Authorizer) -> UserInfo:
    """The user ``user`` asks to act as; raises a 403 APIError when ``authorizer`` does not allow it."""
    name = headers.get(USER, "")
    groups = headers.getall(GROUP, [])
    uid = headers.get(UID, "")
    extra: dict[str, list[str]] = {}
    for key, value in headers.items():
        if key.lower().startswith(EXTRA.lower()):
            extra.setdefault(unquote(key[len(EXTRA) :]).lower(), []).append(value)
    if not name:
        raise bad_request("requested impersonation without a user (Impersonate-User is required)")
    checks: list[Attributes] = []
    if name.startswith(SA_PREFIX) and name.count(":") == 3:
        namespace, _, account = name.removeprefix(SA_PREFIX).partition(":")
        checks.append(Attributes(user, "impersonate", namespace=namespace, resource="serviceaccounts", name=account))
    else:
        checks.append(Attributes(user, "impersonate", resource="users", name=name))
    checks += [Attributes(user, "impersonate", resource="groups", name=g) for g in groups]
    if uid:
        checks.append(Attributes(user, "impersonate", api_group="authentication.k8s.io", resource="uids", name=uid))
    for key, values in extra.items():
        for value in values:
            checks.append(
                Attributes(
                    user,
                    "impersonate",
                    api_group="authentication.k8s.io",
                    resource="userextras",
                    subresource=key,
                    name=value,
                )
            )
    for attributes in checks:
        verdict = authorizer.authorize(attributes)
        if not verdict.allowed:
            raise forbidden(attributes, verdict.reason)
    return _impersonated(name, groups, uid, extra)


def _impersonated(name: str, groups: list[str], uid: str, extra: Mapping[str, list[str]]) -> UserInfo:
    all_groups = list(groups)
    if name.startswith(SA_PREFIX) and not groups:
        namespace = name.removeprefix(SA_PREFIX).partition(":")[0]
        all_groups = ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"]
    if name != "system:anonymous" and "system:authenticated" not in all_groups:
        all_groups.append("system:authenticated")
    return UserInfo(name, tuple(all_groups), uid, {k: tuple(v) for k, v in extra.items()})
