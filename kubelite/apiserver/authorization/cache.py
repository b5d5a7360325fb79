"""Roles, ClusterRoles and their bindings, in memory, indexed by subject: what the RBAC authorizer reads on every
request.

Like kube-apiserver's RBAC informers, the cache lists each of the four storage prefixes once and then follows the
watch, so a binding written a moment ago is honoured once its watch event arrived (in-process: the next turns of
the event loop). Bindings are indexed by the subject they name (a user, a group or a service account), so judging a
request looks at the bindings of that user and its groups only, however many bindings the cluster has.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver.authorization.rules import Rule, rules_of
from kubelite.apiserver.controllers.follower import follow
from kubelite.apiserver.objects import Object, decode
from kubelite.apiserver.storage import EventType, Storage, StoredObject, WatchEvent
from kubelite.apiserver.user import UserInfo

GROUP = "rbac.authorization.k8s.io"
PREFIX = f"/registry/{GROUP}/"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"

#: ("User", name), ("Group", name) or ("ServiceAccount", "<namespace>:<name>").
SubjectKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Binding:
    """One binding, reduced to what evaluation needs."""

    name: str
    #: The RoleBinding's namespace; "" for a ClusterRoleBinding.
    namespace: str
    role_kind: str
    role_name: str

    def describe(self) -> str:
        kind = "RoleBinding" if self.namespace else "ClusterRoleBinding"
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{kind} {where}{self.name} of {self.role_kind} {self.role_name}"


def subject_keys(subject: dict[str, Any], binding_namespace: str) -> SubjectKey | None:
    kind, name = subject.get("kind"), subject.get("name")
    if not isinstance(name, str) or not name:
        return None
    if kind in ("User", "Group"):
        return (kind, name)
    if kind == "ServiceAccount":
        namespace = subject.get("namespace") or binding_namespace
        return ("ServiceAccount", f"{namespace}:{name}") if namespace else None
    return None


def keys_of(user: UserInfo) -> list[SubjectKey]:
    """Every subject key a binding could name this user by."""
    keys: list[SubjectKey] = [("User", user.name)]
    keys += [("Group", group) for group in user.groups]
    if user.name.startswith(SERVICE_ACCOUNT_PREFIX):
        keys.append(("ServiceAccount", user.name.removeprefix(SERVICE_ACCOUNT_PREFIX)))
    return keys


class RBACCache:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        #: (namespace, name) of a Role ("" namespace: a ClusterRole) -> its rules.
        self._rules: dict[tuple[str, str], tuple[Rule, ...]] = {}
        #: ClusterRoles as stored, for the aggregation controller.
        self.cluster_roles: dict[str, Object] = {}
        self._bindings: dict[str, tuple[Binding, list[SubjectKey]]] = {}
        self._by_subject: dict[SubjectKey, dict[str, Binding]] = defaultdict(dict)
        self._synced = {
            plural: asyncio.Event() for plural in ("roles", "clusterroles", "rolebindings", "clusterrolebindings")
        }
        #: Called after a ClusterRole changes (name), e.g. to re-run aggregation.
        self.on_cluster_role_change: list[Any] = []

    async def run(self) -> None:
        await asyncio.gather(*(self._follow(plural) for plural in self._synced))

    async def wait_synced(self) -> None:
        for event in self._synced.values():
            await event.wait()

    @property
    def synced(self) -> bool:
        return all(event.is_set() for event in self._synced.values())

    async def _follow(self, plural: str) -> None:
        prefix = f"{PREFIX}{plural}/"

        async def on_sync(items: list[StoredObject]) -> None:
            self._forget(prefix)
            for item in items:
                self.apply(plural, item.key, decode(item.value, item.mod_revision))
            self._synced[plural].set()
            self._notify(plural, None)

        async def on_event(event: WatchEvent) -> None:
            if event.type is EventType.PROGRESS:
                return
            if event.type is EventType.DELETE:
                self._drop(plural, event.key)
            else:
                self.apply(plural, event.key, decode(event.value, event.revision))
            self._notify(plural, event.key.removeprefix(prefix))

        await follow(self._storage, prefix, on_sync, on_event)

    def _notify(self, plural: str, name: str | None) -> None:
        if plural == "clusterroles":
            for callback in self.on_cluster_role_change:
                callback(name)

    @staticmethod
    def _role_key(plural: str, key: str) -> tuple[str, str]:
        rest = key.removeprefix(f"{PREFIX}{plural}/")
        if plural == "roles":
            namespace, _, name = rest.partition("/")
            return (namespace, name)
        return ("", rest)

    def apply(self, plural: str, key: str, obj: Object) -> None:
        """Take in one stored object of ``plural`` (what the watch delivers; also how benchmarks fill the cache)."""
        if plural in ("roles", "clusterroles"):
            self._rules[self._role_key(plural, key)] = rules_of(obj)
            if plural == "clusterroles":
                self.cluster_roles[self._role_key(plural, key)[1]] = obj
            return
        self._drop(plural, key)
        m = obj.get("metadata") or {}
        namespace = str(m.get("namespace") or "") if plural == "rolebindings" else ""
        ref = obj.get("roleRef") or {}
        binding = Binding(str(m.get("name", "")), namespace, str(ref.get("kind", "")), str(ref.get("name", "")))
        keys = [
            k
            for k in (subject_keys(s, namespace) for s in obj.get("subjects") or () if isinstance(s, dict))
            if k is not None
        ]
        self._bindings[key] = (binding, keys)
        for subject in keys:
            self._by_subject[subject][key] = binding

    def _drop(self, plural: str, key: str) -> None:
        if plural in ("roles", "clusterroles"):
            role_key = self._role_key(plural, key)
            self._rules.pop(role_key, None)
            if plural == "clusterroles":
                self.cluster_roles.pop(role_key[1], None)
            return
        old = self._bindings.pop(key, None)
        if old is None:
            return
        for subject in old[1]:
            found = self._by_subject.get(subject)
            if found is not None:
                found.pop(key, None)
                if not found:
                    del self._by_subject[subject]

    def _forget(self, prefix: str) -> None:
        plural = prefix.removeprefix(PREFIX).rstrip("/")
        if plural in ("roles", "clusterroles"):
            for role_key in [k for k in self._rules if (k[0] != "") == (plural == "roles")]:
                del self._rules[role_key]
            if plural == "clusterroles":
                self.cluster_roles.clear()
            return
        for key in [k for k in self._bindings if k.startswith(prefix)]:
            self._drop(plural, key)

    # -- reading ----------------------------------------------------------------------------------------------

    def bindings_for(self, user: UserInfo, namespace: str) -> Iterator[Binding]:
        """The ClusterRoleBindings naming the user, then its RoleBindings in ``namespace`` (none when "")."""
        found: list[Binding] = []
        for subject in keys_of(user):
            found.extend(self._by_subject.get(subject, {}).values())
        seen: set[tuple[str, str]] = set()
        for binding in sorted(found, key=lambda b: (b.namespace != "", b.namespace, b.name)):
            if binding.namespace not in ("", namespace) or (binding.namespace, binding.name) in seen:
                continue
            seen.add((binding.namespace, binding.name))
            yield binding

    def role_rules(self, binding: Binding) -> tuple[Rule, ...] | None:
        """The rules of the role a binding refers to; None when that role does not exist."""
        if binding.role_kind == "ClusterRole":
            return self._rules.get(("", binding.role_name))
        if binding.role_kind == "Role" and binding.namespace:
            return self._rules.get((binding.namespace, binding.role_name))
        return None

    def rules_of_role(self, kind: str, namespace: str, name: str) -> tuple[Rule, ...] | None:
        return self._rules.get(("", name) if kind == "ClusterRole" else (namespace, name))
