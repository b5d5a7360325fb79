"""The project controller's RBAC: who gets which binding, and exactly which objects and rules a project has."""

from __future__ import annotations

from typing import Any

import pytest

from garden.controllermanager.project import claimant, matches, namespace_of, normalized
from garden.controllermanager.project_rbac import (
    Desired,
    desired_objects,
    fixed_objects,
    subjects_of,
    system_cluster_roles,
)
from garden.kube import CLUSTERROLEBINDINGS, CLUSTERROLES, ROLEBINDINGS

pytestmark = pytest.mark.unit

RBAC = "rbac.authorization.k8s.io"
ALICE = {"apiGroup": RBAC, "kind": "User", "name": "alice"}
BOB = {"apiGroup": RBAC, "kind": "User", "name": "bob"}
OPS = {"apiGroup": RBAC, "kind": "Group", "name": "ops"}
ROBOT = {"kind": "ServiceAccount", "name": "robot", "namespace": "garden-dev"}
CAROL = {"apiGroup": RBAC, "kind": "User", "name": "carol"}


def member(subject: dict[str, Any], role: str, *roles: str) -> dict[str, Any]:
    body = {**subject, "role": role}
    if roles:
        body["roles"] = list(roles)
    return body


def project(members: list[dict[str, Any]], owner: dict[str, Any] | None = ALICE) -> dict[str, Any]:
    spec: dict[str, Any] = {"namespace": "garden-dev", "members": members}
    if owner is not None:
        spec["owner"] = owner
    return {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Project",
        "metadata": {"name": "dev", "uid": "uid-dev"},
        "spec": spec,
    }


TEAM = project(
    [
        member(ALICE, "admin", "owner"),
        member(OPS, "viewer"),
        member(BOB, "uam", "extension:dashboards"),
        member(ROBOT, "serviceaccountmanager", "extension:dashboards", "extension:logs"),
        member(CAROL, "admin"),
    ]
)
OWNER_REF = {
    "apiVersion": "core.gardener.cloud/v1beta1",
    "kind": "Project",
    "name": "dev",
    "uid": "uid-dev",
    "controller": True,
    "blockOwnerDeletion": False,
}


def by_name(objects: list[Desired]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d.resource.plural, d.name): d.body for d in objects}


def test_members_are_split_by_role() -> None:
    who = subjects_of(TEAM)
    assert who.admins == [ALICE]
    assert who.members == [ALICE, CAROL]
    assert who.viewers == [OPS]
    assert who.uams == [BOB]
    assert who.serviceaccountmanagers == [ALICE, ROBOT]  # the owner, then owners and service account managers
    assert who.extensions == {"dashboards": [BOB, ROBOT], "logs": [ROBOT]}


def test_subjects_are_rbac_subjects_without_repeats() -> None:
    who = subjects_of(project([member({**BOB, "namespace": ""}, "viewer"), member(BOB, "admin", "viewer")], None))
    assert who.viewers == [BOB]  # no role fields, no empty namespace, once
    assert who.admins == []
    assert who.serviceaccountmanagers == []


def test_a_project_has_exactly_gardeners_objects() -> None:
    objects = by_name(desired_objects(TEAM, "garden-dev"))
    assert set(objects) == {
        ("clusterroles", "gardener.cloud:system:project:dev"),
        ("clusterrolebindings", "gardener.cloud:system:project:dev"),
        ("clusterroles", "gardener.cloud:system:project-uam:dev"),
        ("clusterrolebindings", "gardener.cloud:system:project-uam:dev"),
        ("rolebindings", "gardener.cloud:system:project-serviceaccountmanager"),
        ("clusterroles", "gardener.cloud:system:project-member:dev"),
        ("clusterrolebindings", "gardener.cloud:system:project-member:dev"),
        ("rolebindings", "gardener.cloud:system:project-member"),
        ("clusterroles", "gardener.cloud:system:project-viewer:dev"),
        ("clusterrolebindings", "gardener.cloud:system:project-viewer:dev"),
        ("rolebindings", "gardener.cloud:system:project-viewer"),
        ("clusterroles", "gardener.cloud:extension:project:dev:dashboards"),
        ("rolebindings", "gardener.cloud:extension:project:dev:dashboards"),
        ("clusterroles", "gardener.cloud:extension:project:dev:logs"),
        ("rolebindings", "gardener.cloud:extension:project:dev:logs"),
    }
    for desired in desired_objects(TEAM, "garden-dev"):
        assert desired.body["metadata"]["ownerReferences"] == [OWNER_REF]
        assert desired.namespace == ("garden-dev" if desired.resource is ROLEBINDINGS else None)


def test_the_owner_may_change_and_delete_the_project() -> None:
    objects = by_name(desired_objects(TEAM, "garden-dev"))
    role = objects[("clusterroles", "gardener.cloud:system:project:dev")]
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["garden-dev"], "verbs": ["get"]},
        {
            "apiGroups": ["core.gardener.cloud"],
            "resources": ["projects"],
            "resourceNames": ["dev"],
            "verbs": ["get", "patch", "manage-members", "update", "delete"],
        },
    ]
    binding = objects[("clusterrolebindings", "gardener.cloud:system:project:dev")]
    assert binding["roleRef"] == {"apiGroup": RBAC, "kind": "ClusterRole", "name": "gardener.cloud:system:project:dev"}
    assert binding["subjects"] == [ALICE]


def test_admins_viewers_and_uams() -> None:
    objects = by_name(desired_objects(TEAM, "garden-dev"))
    member_binding = objects[("rolebindings", "gardener.cloud:system:project-member")]
    assert member_binding["metadata"]["namespace"] == "garden-dev"
    assert member_binding["roleRef"]["name"] == "gardener.cloud:system:project-member"
    assert member_binding["subjects"] == [ALICE, CAROL]
    member_role = objects[("clusterroles", "gardener.cloud:system:project-member:dev")]
    assert member_role["rules"][1]["verbs"] == ["get", "patch", "update", "delete"]
    viewer_binding = objects[("rolebindings", "gardener.cloud:system:project-viewer")]
    assert viewer_binding["roleRef"]["name"] == "gardener.cloud:system:project-viewer"
    assert viewer_binding["subjects"] == [OPS]
    viewer_role = objects[("clusterroles", "gardener.cloud:system:project-viewer:dev")]
    assert [r["verbs"] for r in viewer_role["rules"]] == [["get"], ["get"]]
    uam_role = objects[("clusterroles", "gardener.cloud:system:project-uam:dev")]
    assert uam_role["rules"] == [
        {
            "apiGroups": ["core.gardener.cloud"],
            "resources": ["projects"],
            "resourceNames": ["dev"],
            "verbs": ["get", "manage-members", "patch", "update"],
        }
    ]
    assert objects[("clusterrolebindings", "gardener.cloud:system:project-uam:dev")]["subjects"] == [BOB]
    sa_binding = objects[("rolebindings", "gardener.cloud:system:project-serviceaccountmanager")]
    assert sa_binding["roleRef"]["name"] == "gardener.cloud:system:project-serviceaccountmanager"
    assert sa_binding["subjects"] == [ALICE, ROBOT]


def test_extension_roles_aggregate_labelled_cluster_roles() -> None:
    objects = by_name(desired_objects(TEAM, "garden-dev"))
    role = objects[("clusterroles", "gardener.cloud:extension:project:dev:dashboards")]
    assert role["aggregationRule"] == {
        "clusterRoleSelectors": [{"matchLabels": {"rbac.gardener.cloud/aggregate-to-extension-role": "dashboards"}}]
    }
    assert "rules" not in role  # the aggregation fills them
    labels = {"gardener.cloud/role": "extension-project-role", "project.gardener.cloud/name": "dev"}
    assert role["metadata"]["labels"] == labels
    binding = objects[("rolebindings", "gardener.cloud:extension:project:dev:dashboards")]
    assert binding["metadata"]["labels"] == labels
    assert binding["roleRef"]["name"] == "gardener.cloud:extension:project:dev:dashboards"
    assert binding["subjects"] == [BOB, ROBOT]


def test_a_role_nobody_has_binds_nobody() -> None:
    objects = by_name(desired_objects(project([member(ALICE, "admin", "owner")]), "garden-dev"))
    assert "subjects" not in objects[("rolebindings", "gardener.cloud:system:project-viewer")]
    assert "subjects" not in objects[("clusterrolebindings", "gardener.cloud:system:project-uam:dev")]
    assert not any(name.startswith("gardener.cloud:extension") for _, name in objects)


def test_fixed_objects_are_what_deletion_removes() -> None:
    fixed = {(r.plural, ns, n) for r, ns, n in fixed_objects("dev", "garden-dev")}
    wanted = {
        (d.resource.plural, d.namespace, d.name)
        for d in desired_objects(project([member(ALICE, "admin", "owner")]), "garden-dev")
    }
    assert fixed == wanted


def test_the_landscape_roles_grant_what_members_viewers_and_sa_managers_do() -> None:
    roles = {d.name: d.body for d in system_cluster_roles()}
    member = roles["gardener.cloud:system:project-member"]
    assert member["aggregationRule"]["clusterRoleSelectors"] == [
        {"matchLabels": {"rbac.gardener.cloud/aggregate-to-project-member": "true"}}
    ]
    base = roles["gardener.cloud:system:project-member-aggregation"]
    assert base["metadata"]["labels"]["rbac.gardener.cloud/aggregate-to-project-member"] == "true"
    assert {
        "apiGroups": ["core.gardener.cloud"],
        "resources": ["shoots", "secretbindings", "quotas"],
        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    } in base["rules"]
    assert any(r["resources"] == ["secrets", "configmaps"] for r in base["rules"])
    viewer = roles["gardener.cloud:system:project-viewer-aggregation"]
    assert all(
        set(r["verbs"]) <= {"get", "list", "watch"} or r["resources"] == ["shoots/viewerkubeconfig"]
        for r in viewer["rules"]
    )
    sa = roles["gardener.cloud:system:project-serviceaccountmanager-aggregation"]
    assert [r["resources"] for r in sa["rules"]] == [["serviceaccounts"], ["serviceaccounts/token"]]
    assert {d.resource for d in system_cluster_roles()} == {CLUSTERROLES}


def test_what_the_server_wrote_back_matches() -> None:
    desired = by_name(desired_objects(TEAM, "garden-dev"))
    binding = desired[("rolebindings", "gardener.cloud:system:project-viewer")]
    stored = {
        **binding,
        "metadata": {**binding["metadata"], "uid": "x", "resourceVersion": "7", "labels": {}},
        "subjects": [{**OPS, "namespace": ""}],
    }
    wanted = next(d for d in desired_objects(TEAM, "garden-dev") if d.name == "gardener.cloud:system:project-viewer")
    assert matches(stored, wanted)
    assert not matches({**stored, "subjects": []}, wanted)
    aggregated = next(
        d for d in desired_objects(TEAM, "garden-dev") if d.name.endswith(":logs") and d.resource is CLUSTERROLES
    )
    filled = {**aggregated.body, "rules": [{"apiGroups": ["x"], "resources": ["y"], "verbs": ["get"]}]}
    assert matches(filled, aggregated)  # rules an aggregation controller filled in are not ours
    assert normalized({"a": [], "b": {"c": None}, "d": False}) == {"d": False}
    assert CLUSTERROLEBINDINGS.namespaced is False


def test_namespaces_claimed_by_another_project() -> None:
    free: dict[str, Any] = {"metadata": {"name": "garden-dev"}}
    assert claimant(free, "dev", "uid-dev") is None
    ours = {"metadata": {"labels": {"project.gardener.cloud/name": "dev"}, "annotations": {}}}
    assert claimant(ours, "dev", "uid-dev") is None
    assert claimant({"metadata": {"labels": {"project.gardener.cloud/name": "ops"}}}, "dev", "uid-dev") == "ops"
    owned = {"metadata": {"ownerReferences": [{"kind": "Project", "name": "ops", "uid": "uid-ops"}]}}
    assert claimant(owned, "dev", "uid-dev") == "ops"
    annotated = {"metadata": {"annotations": {"namespace.gardener.cloud/project": "uid-old"}}}
    assert claimant(annotated, "dev", "uid-dev") == "another project"
    assert namespace_of({"metadata": {"name": "dev"}, "spec": {}}) == "garden-dev"
