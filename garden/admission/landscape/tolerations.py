"""ShootTolerationRestriction: a project's default seed-taint tolerations are added to its new shoots, and a
shoot may only add tolerations the project's whitelist allows (when the project has one).

Gardener also has landscape-wide defaults and a landscape-wide whitelist (plugin configuration); this landscape
has none, so a project without ``spec.tolerations.whitelist`` puts no restriction on its shoots.
"""

from __future__ import annotations

from typing import Any

from garden.admission.errors import forbidden_request
from garden.admission.landscape.fields import key_with_optional_value
from garden.admission.landscape.lookups import project_for_namespace
from garden.admission.landscape.references import shoot_name
from garden.admission.landscape.wire import CORE_GROUP, dicts, mapping, name_of, spec, text, writes
from garden.admission.request import Object, Plugin, Reader, Request


def project_tolerations(project: Object | None, which: str) -> list[dict[str, Any]] | None:
    """``spec.tolerations.defaults`` or ``.whitelist`` of a project; None when the list is not there at all."""
    raw = mapping(spec(project).get("tolerations")).get(which)
    return dicts(raw) if isinstance(raw, list) else None


def allowed(toleration: dict[str, Any], whitelist: list[dict[str, Any]]) -> bool:
    """Whitelisted by key alone (any value) or by exactly its key and value."""
    ids = {key_with_optional_value(text(t.get("key")), t.get("value")) for t in whitelist}
    key = text(toleration.get("key"))
    return key in ids or key_with_optional_value(key, toleration.get("value")) in ids


class ShootTolerationRestriction(Plugin):
    name = "ShootTolerationRestriction"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def mutate(self, request: Request) -> None:
        if request.operation != "CREATE" or not writes(request, CORE_GROUP, "shoots"):
            return
        project = await project_for_namespace(self.reader, request.namespace)
        defaults = project_tolerations(project, "defaults")
        if not defaults:
            return
        assert request.object is not None
        shoot_spec = request.object.get("spec")
        if not isinstance(shoot_spec, dict):
            return
        current = shoot_spec.get("tolerations")
        if current is not None and not isinstance(current, list):
            return  # schema validation will refuse it
        tolerations: list[Any] = list(current or [])
        keys = {text(t.get("key")) for t in dicts(tolerations)}
        for toleration in defaults:
            key = text(toleration.get("key"))
            if key and key not in keys:
                added: dict[str, Any] = {"key": key}
                if isinstance(toleration.get("value"), str):
                    added["value"] = toleration["value"]
                tolerations.append(added)
                keys.add(key)
        shoot_spec["tolerations"] = tolerations

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "shoots"):
            return
        tolerations = dicts(spec(request.object).get("tolerations"))
        if request.operation == "UPDATE":
            before = {
                key_with_optional_value(text(t.get("key")), t.get("value"))
                for t in dicts(spec(request.old_object).get("tolerations"))
            }
            tolerations = [
                t for t in tolerations if key_with_optional_value(text(t.get("key")), t.get("value")) not in before
            ]
        if not tolerations:
            return
        project = await project_for_namespace(self.reader, request.namespace)
        whitelist = project_tolerations(project, "whitelist")
        if whitelist is None:
            return
        everything = dicts(spec(request.object).get("tolerations"))
        refused = [
            f"spec.tolerations[{everything.index(t)}]: {key_with_optional_value(text(t.get('key')), t.get('value'))}"
            for t in tolerations
            if not allowed(t, whitelist)
        ]
        if refused:
            permitted = ", ".join(key_with_optional_value(text(t.get("key")), t.get("value")) for t in whitelist)
            raise forbidden_request(
                "shoots",
                CORE_GROUP,
                shoot_name(request),
                f"tolerations not in the whitelist of project {name_of(project)} "
                f"(spec.tolerations.whitelist: [{permitted}]): {', '.join(refused)}",
            )


__all__ = ["ShootTolerationRestriction", "allowed", "project_tolerations"]
