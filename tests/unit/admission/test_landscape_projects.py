"""ProjectMutator and ProjectValidator: creator, owner, members, namespace, roles and names of projects."""

from __future__ import annotations

from typing import Any

import pytest

from garden.admission.request import Chain
from tests.unit.admission.reader import DictReader
from tests.unit.admission.test_landscape_fixtures import CORE, admit, cause_paths, chain, refused, request

pytestmark = pytest.mark.unit

RBAC = "rbac.authorization.k8s.io"
ALICE = {"apiGroup": RBAC, "kind": "User", "name": "alice"}
BOB = {"apiGroup": RBAC, "kind": "User", "name": "bob"}


def new_project(name: str = "dev", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{CORE}/v1beta1", "kind": "Project", "metadata": {"name": name}, "spec": spec}


def member(subject: dict[str, Any], role: str = "admin", *roles: str) -> dict[str, Any]:
    body = {**subject, "role": role}
    if roles:
        body["roles"] = list(roles)
    return body


def projects(*existing: dict[str, Any]) -> Chain:
    return chain(DictReader(*existing))


async def test_creation_fills_in_creator_owner_membership_and_namespace() -> None:
    stored = await admit(projects(), request("CREATE", new_project(createdBy=BOB, purpose="testing")))
    assert stored is not None
    assert stored["spec"]["createdBy"] == ALICE  # whoever sends the request, not what it claims
    assert stored["spec"]["owner"] == ALICE
    assert stored["spec"]["members"] == [member(ALICE, "admin", "owner")]
    assert stored["spec"]["namespace"] == "garden-dev"


async def test_the_owner_defaults_to_the_member_holding_the_owner_role() -> None:
    body = new_project(members=[member(BOB, "viewer"), member({**BOB, "name": "carol"}, "admin", "owner")])
    stored = await admit(projects(), request("CREATE", body))
    assert stored is not None
    assert stored["spec"]["owner"] == {**BOB, "name": "carol"}
    assert len(stored["spec"]["members"]) == 2


async def test_an_owner_who_is_no_member_becomes_one() -> None:
    stored = await admit(projects(), request("CREATE", new_project(owner=BOB, members=[member(ALICE, "viewer")])))
    assert stored is not None
    assert stored["spec"]["members"] == [member(ALICE, "viewer"), member(BOB, "admin", "owner")]
    old = stored
    changed = new_project(owner=ALICE, members=[], namespace="garden-dev", createdBy=ALICE)
    updated = await admit(projects(), request("UPDATE", changed, old))
    assert updated is not None
    assert updated["spec"]["members"] == [member(ALICE, "admin", "owner")]


async def test_an_update_keeps_what_the_server_filled_in() -> None:
    old = await admit(projects(), request("CREATE", new_project()))
    assert old is not None
    updated = await admit(projects(), request("UPDATE", new_project(owner=ALICE, description="ours"), old))
    assert updated is not None
    assert updated["spec"]["namespace"] == "garden-dev"
    assert updated["spec"]["createdBy"] == ALICE


@pytest.mark.parametrize(
    ("name", "spec", "reason"),
    [
        ("development", {}, "FieldValueTooLong"),
        ("Dev_1", {}, "FieldValueInvalid"),
        ("a--b", {}, "FieldValueInvalid"),
        ("garden", {}, "FieldValueInvalid"),
        ("garden-x", {}, "FieldValueInvalid"),
    ],
)
async def test_project_names_are_short_dns_labels(name: str, spec: dict[str, Any], reason: str) -> None:
    error = await refused(projects(), request("CREATE", new_project(name, namespace="garden-ok", **spec)), 422)
    assert "metadata.name" in cause_paths(error)
    assert reason in [c.type for c in error.causes if c.path == "metadata.name"]


async def test_the_garden_project_may_own_the_garden_namespace() -> None:
    await admit(projects(), request("CREATE", new_project("garden", namespace="garden")))
    await admit(projects(), request("CREATE", new_project("gardenia")))


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        ("team-dev", "must start with garden-"),
        ("gardener-system-public", "are reserved by Gardener"),
        ("garden-Dev", "RFC 1123 label"),
    ],
)
async def test_the_namespace_is_a_garden_namespace(namespace: str, message: str) -> None:
    error = await refused(projects(), request("CREATE", new_project(namespace=namespace)), 422)
    assert cause_paths(error) == ["spec.namespace"]
    assert message in error.message


async def test_the_namespace_cannot_change() -> None:
    old = await admit(projects(), request("CREATE", new_project()))
    assert old is not None
    error = await refused(projects(), request("UPDATE", new_project(owner=ALICE, namespace="garden-other"), old), 422)
    assert cause_paths(error) == ["spec.namespace"]
    assert "field is immutable" in error.message


async def test_a_namespace_claimed_by_another_project_is_forbidden() -> None:
    other = new_project("ops", namespace="garden-shared")
    error = await refused(projects(other), request("CREATE", new_project(namespace="garden-shared")), 403)
    assert 'namespace "garden-shared" is already used by another project (ops)' in error.message


@pytest.mark.parametrize(
    ("members", "path", "reason"),
    [
        ([member(BOB), member(BOB, "viewer")], "spec.members[1]", "FieldValueDuplicate"),
        ([member(BOB, "boss")], "spec.members[0].role", "FieldValueNotSupported"),
        ([member(BOB, "viewer", "viewer")], "spec.members[0].roles[0]", "FieldValueDuplicate"),
        ([member(BOB, "extension:" + "x" * 21)], "spec.members[0].role", "FieldValueTooLong"),
        ([member(BOB, "extension:a/b")], "spec.members[0].role", "FieldValueInvalid"),
        (
            [member(BOB, "admin", "owner"), member({**BOB, "name": "carol"}, "owner")],
            "spec.members[1].role",
            "FieldValueForbidden",
        ),
        ([member({**BOB, "kind": "Robot"})], "spec.members[0].kind", "FieldValueNotSupported"),
        ([member({"kind": "User", "name": "bob"})], "spec.members[0].apiGroup", "FieldValueNotSupported"),
        ([member({"kind": "ServiceAccount", "name": "robot"})], "spec.members[0].namespace", "FieldValueRequired"),
        (
            [
                member({"kind": "ServiceAccount", "name": "robot", "namespace": "garden-dev"}),
                member({**BOB, "name": "system:serviceaccount:garden-dev:robot"}),
            ],
            "spec.members[1]",
            "FieldValueDuplicate",
        ),
        ([member({**BOB, "name": "system:serviceaccount:x"})], "spec.members[0].name", "FieldValueInvalid"),
    ],
)
async def test_members_and_roles_are_validated(members: list[dict[str, Any]], path: str, reason: str) -> None:
    body = new_project(owner=ALICE, members=[*members, member(ALICE, "admin", "owner")])
    error = await refused(projects(), request("CREATE", body), 422)
    assert (path, reason) in [(c.path, c.type) for c in error.causes], error.message


async def test_known_and_extension_roles_are_accepted() -> None:
    roles = ["viewer", "uam", "serviceaccountmanager", "extension:dashboards"]
    await admit(projects(), request("CREATE", new_project(members=[member(BOB, "admin", *roles)])))


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"description": ""}, "spec.description"),
        ({"purpose": ""}, "spec.purpose"),
        ({"tolerations": {"defaults": [{"key": "a"}], "whitelist": [{"key": "b"}]}}, "spec.tolerations.defaults[0]"),
        ({"tolerations": {"whitelist": [{"key": "a"}, {"key": "a", "value": "x"}]}}, "spec.tolerations.whitelist[1]"),
        (
            {"dualApprovalForDeletion": [{"resource": "seeds", "selector": {}}]},
            "spec.dualApprovalForDeletion[0].resource",
        ),
    ],
)
async def test_the_rest_of_the_spec_is_validated(spec: dict[str, Any], path: str) -> None:
    error = await refused(projects(), request("CREATE", new_project(**spec)), 422)
    assert cause_paths(error) == [path]


async def test_creator_and_owner_stay() -> None:
    old = await admit(projects(), request("CREATE", new_project()))
    assert old is not None
    changed = {**old, "spec": {**old["spec"], "createdBy": BOB}}
    error = await refused(projects(), request("UPDATE", changed, old), 422)
    assert cause_paths(error) == ["spec.createdBy"]
    reset = {**old, "spec": {k: v for k, v in old["spec"].items() if k != "owner"}}
    error = await refused(projects(), request("UPDATE", reset, old), 422)
    assert cause_paths(error) == ["spec.owner"]
