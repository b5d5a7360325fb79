"""Projects: who created and owns one, its namespace, its members and their roles.

:class:`ProjectMutator` is Gardener's plugin of that name: on CREATE ``spec.createdBy`` becomes the requesting user
and ``spec.owner`` defaults to the member holding the ``owner`` role, else to the creator; the owner is made a
member (roles admin and owner) when it is not one. It also defaults ``spec.namespace`` to ``garden-<name>`` (in
Gardener the project controller picks the namespace).

:class:`ProjectValidator` holds Gardener's static Project validation plus the namespace rule of its
ResourceReferenceManager: no two projects may claim the same namespace. It also refuses to DELETE a project whose
namespace still holds shoots (``project still contains shoots``); Gardener itself admits such a deletion and lets
the project wait in phase Terminating until the shoots are gone, which the project controller does here too.
"""

from __future__ import annotations

import copy
from typing import Any

from garden.admission.errors import (
    FieldError,
    check,
    duplicate,
    forbidden,
    forbidden_request,
    invalid,
    not_supported,
    required,
    too_long,
)
from garden.admission.landscape.fields import immutable, key_with_optional_value, label_errors
from garden.admission.landscape.tolerations import allowed
from garden.admission.landscape.wire import CORE_GROUP, CORE_VERSION, dicts, mapping, meta, name_of, spec, text, writes
from garden.admission.request import Plugin, Reader, Request

RBAC_GROUP = "rbac.authorization.k8s.io"
#: Project names are short: they are part of the namespace, of shoot technical IDs and of shoot domains.
NAME_MAX_LENGTH = 10
NAMESPACE_PREFIX = "garden-"
GARDEN_NAMESPACE = "garden"
#: Namespaces Gardener keeps for itself.
RESERVED_NAMESPACES = ("gardener-system-seed-lease", "gardener-system-shoot-issuer", "gardener-system-public")
OWNER = "owner"
ADMIN = "admin"
#: The roles a member may have, besides ``extension:<name>``.
ROLES = ("admin", "owner", "serviceaccountmanager", "uam", "viewer")
EXTENSION_ROLE_PREFIX = "extension:"
EXTENSION_ROLE_MAX_LENGTH = 20
SUBJECT_KINDS = ("Group", "ServiceAccount", "User")
SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:"
DUAL_APPROVAL_RESOURCES = ("shoots",)


def subject_of(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``rbacv1.Subject`` part of a member (or owner): kind, apiGroup, name and namespace, as given."""
    return {key: raw[key] for key in ("kind", "apiGroup", "name", "namespace") if key in raw}


def same_subject(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(text(a.get(key)) == text(b.get(key)) for key in ("kind", "apiGroup", "name", "namespace"))


def member_roles(member: dict[str, Any]) -> list[tuple[str, str]]:
    """``(path suffix, role)`` of each role of a v1beta1 member: ``role`` first, then ``roles[i]``."""
    found: list[tuple[str, str]] = []
    if isinstance(member.get("role"), str):
        found.append(("role", member["role"]))
    raw = member.get("roles")
    if isinstance(raw, list):
        found += [(f"roles[{i}]", role) for i, role in enumerate(raw) if isinstance(role, str)]
    return found


class ProjectMutator(Plugin):
    name = "ProjectMutator"

    async def mutate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "projects"):
            return
        project = request.object
        assert project is not None
        if request.operation == "UPDATE" and meta(project).get("deletionTimestamp"):
            return
        if "spec" not in project:
            project["spec"] = {}
        project_spec = project["spec"]
        if not isinstance(project_spec, dict):
            return  # schema validation refuses it
        members = project_spec.get("members")
        if members is not None and not isinstance(members, list):
            return
        if request.operation == "CREATE":
            project_spec["createdBy"] = {"apiGroup": RBAC_GROUP, "kind": "User", "name": request.user.name}
            if not isinstance(project_spec.get("owner"), dict):
                holder = next((m for m in dicts(members) if any(r == OWNER for _, r in member_roles(m))), None)
                project_spec["owner"] = subject_of(holder) if holder else copy.deepcopy(project_spec["createdBy"])
            name = request.name or name_of(project)
            if not text(project_spec.get("namespace")) and name:
                project_spec["namespace"] = NAMESPACE_PREFIX + name
        else:
            # A PUT of the manifest as first written keeps what the server filled in.
            before = spec(request.old_object)
            for kept in ("createdBy", "namespace"):
                if kept not in project_spec and kept in before:
                    project_spec[kept] = copy.deepcopy(before[kept])
        owner = project_spec.get("owner")
        if isinstance(owner, dict) and not any(same_subject(m, owner) for m in dicts(members)):
            project_spec["members"] = [*(members or []), {**subject_of(owner), "role": ADMIN, "roles": [OWNER]}]


class ProjectValidator(Plugin):
    name = "ProjectValidator"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def validate(self, request: Request) -> None:
        if request.operation == "DELETE" and request.is_(CORE_GROUP, "projects"):
            await self._no_shoots_left(request)
            return
        if not writes(request, CORE_GROUP, "projects"):
            return
        project = request.object
        old = request.old_object if request.operation == "UPDATE" else None
        if old is not None and meta(project).get("deletionTimestamp"):
            return
        name = request.name or name_of(project)
        project_spec = spec(project)
        problems = name_errors(name, text(project_spec.get("namespace")))
        problems += spec_errors(project_spec)
        if old is not None:
            problems += update_errors(project_spec, spec(old))
        check("Project", CORE_GROUP, name, problems)
        namespace = text(project_spec.get("namespace"))
        if namespace and (old is None or not text(spec(old).get("namespace"))):
            await self._namespace_unclaimed(name, namespace)

    async def _no_shoots_left(self, request: Request) -> None:
        """A project whose namespace still holds shoots cannot be deleted (one already being deleted is let be)."""
        project = request.old_object
        if project is None:
            project = await self.reader.get(CORE_GROUP, CORE_VERSION, "projects", None, request.name)
        if project is None or meta(project).get("deletionTimestamp"):
            return
        namespace = text(spec(project).get("namespace"))
        if namespace and await self.reader.list(CORE_GROUP, CORE_VERSION, "shoots", namespace):
            raise forbidden_request("projects", CORE_GROUP, request.name, "project still contains shoots")

    async def _namespace_unclaimed(self, name: str, namespace: str) -> None:
        for other in await self.reader.list(CORE_GROUP, CORE_VERSION, "projects"):
            if name_of(other) != name and text(spec(other).get("namespace")) == namespace:
                raise forbidden_request(
                    "projects",
                    CORE_GROUP,
                    name,
                    f'namespace "{namespace}" is already used by another project ({name_of(other)}) (spec.namespace)',
                )


def name_errors(name: str, namespace: str) -> list[FieldError]:
    path = "metadata.name"
    problems = label_errors(path, name)
    if len(name) > NAME_MAX_LENGTH:
        problems.append(too_long(path, name, NAME_MAX_LENGTH))
    if "--" in name:
        problems.append(invalid(path, name, "name may not contain two consecutive hyphens"))
    if (name == GARDEN_NAMESPACE and namespace != GARDEN_NAMESPACE) or name.startswith(NAMESPACE_PREFIX):
        problems.append(
            invalid(
                path,
                name,
                'project names "garden" (except with spec.namespace "garden") and "garden-*" are reserved: the '
                f'namespace would be "{NAMESPACE_PREFIX}{name}"',
            )
        )
    return problems


def spec_errors(project_spec: dict[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    namespace = project_spec.get("namespace")
    if isinstance(namespace, str) and namespace:
        problems += namespace_errors(namespace)
    owner_found = False
    seen: set[str] = set()
    for i, member in enumerate(dicts(project_spec.get("members"))):
        path = f"spec.members[{i}]"
        identity, problem = member_identity(member, path)
        if problem is not None:
            problems.append(problem)
            continue
        if identity in seen:
            problems.append(duplicate(path, text(member.get("name"))))
        seen.add(identity)
        problems += subject_errors(member, path)
        problems += role_errors(member, path)
        for suffix, role in member_roles(member):
            if role == OWNER:
                if owner_found:
                    problems.append(
                        forbidden(f"{path}.{suffix}", "cannot have more than one member having the owner role")
                    )
                owner_found = True
    for field_name in ("createdBy", "owner"):
        subject = project_spec.get(field_name)
        if isinstance(subject, dict):
            problems += subject_errors(subject, f"spec.{field_name}")
    for field_name in ("description", "purpose"):
        if field_name in project_spec and not text(project_spec.get(field_name)):
            problems.append(required(f"spec.{field_name}", f"must provide a {field_name} when key is present"))
    problems += toleration_errors(mapping(project_spec.get("tolerations")))
    problems += dual_approval_errors(project_spec.get("dualApprovalForDeletion"))
    return problems


def namespace_errors(namespace: str) -> list[FieldError]:
    path = "spec.namespace"
    if namespace in RESERVED_NAMESPACES:
        return [
            invalid(path, namespace, f"Project namespaces [{', '.join(RESERVED_NAMESPACES)}] are reserved by Gardener")
        ]
    problems: list[FieldError] = []
    if namespace != GARDEN_NAMESPACE and not namespace.startswith(NAMESPACE_PREFIX):
        problems.append(invalid(path, namespace, f"must start with {NAMESPACE_PREFIX}"))
    return problems + label_errors(path, namespace)


def member_identity(member: dict[str, Any], path: str) -> tuple[str, FieldError | None]:
    """Who a member is, with users named ``system:serviceaccount:<ns>:<name>`` read as that service account."""
    kind, api_group = text(member.get("kind")), text(member.get("apiGroup"))
    namespace, name = text(member.get("namespace")), text(member.get("name"))
    if kind == "User" and name.startswith(SERVICE_ACCOUNT_USER_PREFIX):
        parts = name.split(":")
        if len(parts) < 4:
            return "", invalid(f"{path}.name", name, f'unsupported service account user name: "{name}"')
        kind, api_group, namespace, name = "ServiceAccount", "", parts[2], parts[3]
    return f"{api_group}_{kind}_{namespace}_{name}", None


def subject_errors(subject: dict[str, Any], path: str) -> list[FieldError]:
    problems: list[FieldError] = []
    name, kind, api_group = text(subject.get("name")), text(subject.get("kind")), text(subject.get("apiGroup"))
    if not name:
        problems.append(required(f"{path}.name"))
    if kind == "ServiceAccount":
        if name:
            problems += label_errors(f"{path}.name", name)
        if api_group:
            problems.append(not_supported(f"{path}.apiGroup", api_group, [""]))
        if not text(subject.get("namespace")):
            problems.append(required(f"{path}.namespace"))
    elif kind in ("User", "Group"):
        if api_group != RBAC_GROUP:
            problems.append(not_supported(f"{path}.apiGroup", api_group, [RBAC_GROUP]))
    else:
        problems.append(not_supported(f"{path}.kind", kind, SUBJECT_KINDS))
    return problems


def role_errors(member: dict[str, Any], path: str) -> list[FieldError]:
    problems: list[FieldError] = []
    seen: set[str] = set()
    for suffix, role in member_roles(member):
        role_path = f"{path}.{suffix}"
        if role in seen:
            problems.append(duplicate(role_path, role))
        seen.add(role)
        if role.startswith(EXTENSION_ROLE_PREFIX):
            extension = role.removeprefix(EXTENSION_ROLE_PREFIX)
            if len(extension) > EXTENSION_ROLE_MAX_LENGTH:
                problems.append(too_long(role_path, role, EXTENSION_ROLE_MAX_LENGTH))
            if not extension or extension in (".", "..") or "/" in extension or "%" in extension:
                problems.append(
                    invalid(role_path, role, "the extension role name may not be empty, '.' or '..' nor contain '/'")
                )
        elif role not in ROLES:
            problems.append(not_supported(role_path, role, [*ROLES, EXTENSION_ROLE_PREFIX + "*"]))
    return problems


def toleration_errors(tolerations: dict[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    for which in ("defaults", "whitelist"):
        seen: set[str] = set()
        for i, toleration in enumerate(dicts(tolerations.get(which))):
            path = f"spec.tolerations.{which}[{i}]"
            key = text(toleration.get("key"))
            if not key:
                problems.append(required(f"{path}.key", "cannot be empty"))
            identity = key_with_optional_value(key, toleration.get("value"))
            if identity in seen or key in seen:
                problems.append(duplicate(path, identity))
            seen.add(identity)
    whitelist = tolerations.get("whitelist")
    if isinstance(whitelist, list):
        permitted = ", ".join(key_with_optional_value(text(t.get("key")), t.get("value")) for t in dicts(whitelist))
        for i, toleration in enumerate(dicts(tolerations.get("defaults"))):
            if not allowed(toleration, dicts(whitelist)):
                problems.append(
                    forbidden(
                        f"spec.tolerations.defaults[{i}]",
                        f"only the following tolerations are allowed (spec.tolerations.whitelist): [{permitted}]",
                    )
                )
    return problems


def dual_approval_errors(raw: object) -> list[FieldError]:
    problems: list[FieldError] = []
    seen: set[str] = set()
    for i, entry in enumerate(dicts(raw)):
        path = f"spec.dualApprovalForDeletion[{i}].resource"
        resource = text(entry.get("resource"))
        if not resource:
            problems.append(required(path, "cannot be empty"))
            continue
        if resource not in DUAL_APPROVAL_RESOURCES:
            problems.append(not_supported(path, resource, DUAL_APPROVAL_RESOURCES))
        if resource in seen:
            problems.append(duplicate(path, resource))
        seen.add(resource)
    return problems


def update_errors(new: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    if isinstance(old.get("createdBy"), dict) and mapping(new.get("createdBy")) != old["createdBy"]:
        problems.append(immutable("spec.createdBy", new.get("createdBy")))
    if text(old.get("namespace")) and new.get("namespace") != old["namespace"]:
        problems.append(immutable("spec.namespace", new.get("namespace")))
    if isinstance(old.get("owner"), dict) and not isinstance(new.get("owner"), dict):
        problems.append(invalid("spec.owner", new.get("owner"), "owner cannot be reset"))
    return problems


__all__ = ["ProjectMutator", "ProjectValidator", "member_roles", "same_subject", "subject_of"]
