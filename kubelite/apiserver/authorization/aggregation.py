"""ClusterRole aggregation: a ClusterRole with an ``aggregationRule`` gets the rules of every ClusterRole its label
selectors match (upstream's clusterrole-aggregation controller).

The rules are the union of the matched roles' rules, in the order of the roles' names, without repeats; the
controller rewrites ``rules`` whenever that union changes (a labelled role appears, changes or goes away). Rules a
user writes into an aggregated role by hand are overwritten, as upstream.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

from kubelite.apiserver.authorization.cache import RBACCache
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.objects import Object
from kubelite.apiserver.selectors import LabelSelector, SelectorError
from kubelite.apiserver.store import RequestContext, Store

log = logging.getLogger(__name__)


def aggregated_rules(role: Object, roles: dict[str, Object]) -> list[Any] | None:
    """The rules ``role`` should have, or None when it has no aggregationRule (or an unusable one)."""
    rule = role.get("aggregationRule")
    if not isinstance(rule, dict):
        return None
    try:
        selectors = [LabelSelector.from_dict(s) for s in rule.get("clusterRoleSelectors") or [] if isinstance(s, dict)]
    except SelectorError:
        return None
    own = (role.get("metadata") or {}).get("name")
    rules: list[Any] = []
    for name in sorted(roles):
        if name == own:
            continue
        labels = (roles[name].get("metadata") or {}).get("labels") or {}
        if any(s.matches(labels) for s in selectors):
            for r in roles[name].get("rules") or []:
                if r not in rules:
                    rules.append(r)
    return rules


class AggregationController:
    def __init__(self, cache: RBACCache, store: Store) -> None:
        self._cache = cache
        self._store = store
        self._dirty = asyncio.Event()
        cache.on_cluster_role_change.append(lambda _name: self._dirty.set())

    async def run(self) -> None:
        await self._cache.wait_synced()
        self._dirty.set()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            await self.reconcile()

    async def reconcile(self) -> None:
        rt = self._store.registry.get("rbac.authorization.k8s.io", "v1", "clusterroles")
        assert rt is not None
        roles = dict(self._cache.cluster_roles)
        for name, role in roles.items():
            wanted = aggregated_rules(role, roles)
            if wanted is None or wanted == (role.get("rules") or []):
                continue
            body = copy.deepcopy(role)
            body["rules"] = wanted
            try:
                await self._store.update(rt, None, name, body, RequestContext(field_manager="clusterrole-aggregator"))
            except APIError as exc:
                # A conflict means a newer version is on its way through the watch, which triggers another pass.
                log.debug("aggregating clusterrole %s: %s", name, exc)
