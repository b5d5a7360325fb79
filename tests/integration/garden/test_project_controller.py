"""The project controller against a garden API server: namespaces, members' RBAC, phases, deletion, stale projects.

One controller runs for the module on a virtual clock (started at the real time, since the server stamps
creation times from the real clock) with a short resync; the stale test moves the clock months ahead and so
runs last.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from garden.controllermanager.context import ControllerContext
from garden.controllermanager.project import registry
from garden.kube import CLUSTERROLEBINDINGS, CLUSTERROLES, NAMESPACES, PROJECTS, ROLEBINDINGS, Kube
from garden.operator import running
from tests.fakes.clock import FakeClock
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

RBAC = "rbac.authorization.k8s.io"
ALICE = {"apiGroup": RBAC, "kind": "User", "name": "alice"}
BOB = {"apiGroup": RBAC, "kind": "User", "name": "bob"}
CAROL = {"apiGroup": RBAC, "kind": "User", "name": "carol"}
OPS = {"apiGroup": RBAC, "kind": "Group", "name": "ops"}
ROBOT = {"kind": "ServiceAccount", "name": "robot", "namespace": "garden-team"}
CONFIRMATION = "confirmation.gardener.cloud/deletion=true"
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture(scope="module")
def kube(garden: RunningServer, clock: FakeClock) -> Iterator[Kube]:
    """A client to the garden, with the project controller running for the module."""
    client = Kube.from_kubeconfig(garden.kubeconfig)
    ctx = ControllerContext(client, clock=clock, resync_seconds=0.2)
    with running([registry(ctx)]):
        yield client
    client.close()


def project(name: str, namespace: str | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Project",
        "metadata": {"name": name},
        "spec": {"namespace": namespace or f"garden-{name}", "owner": ALICE, **spec},
    }
    return body


def member(subject: dict[str, Any], role: str, *roles: str) -> dict[str, Any]:
    body = {**subject, "role": role}
    if roles:
        body["roles"] = list(roles)
    return body


def phase(kube: Kube, name: str, wanted: str) -> dict[str, Any] | None:
    found = kube.get(PROJECTS, None, name)
    if found is not None and (found.get("status") or {}).get("phase") == wanted:
        return found
    return None


def ready(kube: Kube, name: str) -> dict[str, Any]:
    return wait_for(lambda: phase(kube, name, "Ready"), f"project {name} to be Ready", timeout=15)


def delete_project(garden: RunningServer, name: str) -> None:
    garden.kubectl("annotate", "project", name, CONFIRMATION, "--overwrite")
    garden.kubectl("delete", "project", name, "--wait=false")


def subjects(obj: dict[str, Any] | None) -> list[dict[str, Any]]:
    assert obj is not None
    found: list[dict[str, Any]] = obj.get("subjects") or []
    return found


TEAM_MEMBERS = [
    member(ALICE, "admin", "owner"),
    member(OPS, "viewer"),
    member(BOB, "uam"),
    member(ROBOT, "serviceaccountmanager"),
    member(CAROL, "admin", "extension:dashboards"),
]


def test_a_project_gets_its_namespace_and_its_members_rbac(garden: RunningServer, kube: Kube) -> None:
    apply(garden, project("team", members=TEAM_MEMBERS))
    team = ready(kube, "team")
    assert team["metadata"]["finalizers"] == ["gardener"]
    assert team["status"]["observedGeneration"] == team["metadata"]["generation"]
    [cond] = team["status"]["conditions"]
    assert (cond["type"], cond["status"], cond["reason"]) == ("NamespaceReady", "True", "NamespaceReconcileSuccessful")

    namespace = kube.get(NAMESPACES, None, "garden-team")
    assert namespace is not None
    meta = namespace["metadata"]
    assert meta["labels"]["gardener.cloud/role"] == "project"
    assert meta["labels"]["project.gardener.cloud/name"] == "team"
    assert meta["annotations"]["namespace.gardener.cloud/project"] == team["metadata"]["uid"]
    assert meta["annotations"]["namespace.gardener.cloud/created-by-project-controller"] == "true"
    assert "namespace.gardener.cloud/keep-after-project-deletion" not in meta["annotations"]
    [owner] = meta["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["uid"], owner["controller"]) == (
        "Project",
        "team",
        team["metadata"]["uid"],
        True,
    )

    bindings = {b["metadata"]["name"]: b for b in kube.list(ROLEBINDINGS, "garden-team")}
    assert set(bindings) == {
        "gardener.cloud:system:project-member",
        "gardener.cloud:system:project-viewer",
        "gardener.cloud:system:project-serviceaccountmanager",
        "gardener.cloud:extension:project:team:dashboards",
    }
    assert subjects(bindings["gardener.cloud:system:project-member"]) == [ALICE, CAROL]
    assert bindings["gardener.cloud:system:project-member"]["roleRef"] == {
        "apiGroup": RBAC,
        "kind": "ClusterRole",
        "name": "gardener.cloud:system:project-member",
    }
    assert subjects(bindings["gardener.cloud:system:project-viewer"]) == [OPS]
    assert subjects(bindings["gardener.cloud:system:project-serviceaccountmanager"]) == [ALICE, ROBOT]
    assert subjects(bindings["gardener.cloud:extension:project:team:dashboards"]) == [CAROL]

    admin = kube.get(CLUSTERROLES, None, "gardener.cloud:system:project:team")
    assert admin is not None
    assert admin["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["garden-team"], "verbs": ["get"]},
        {
            "apiGroups": ["core.gardener.cloud"],
            "resources": ["projects"],
            "resourceNames": ["team"],
            "verbs": ["get", "patch", "manage-members", "update", "delete"],
        },
    ]
    assert subjects(kube.get(CLUSTERROLEBINDINGS, None, "gardener.cloud:system:project:team")) == [ALICE]
    assert subjects(kube.get(CLUSTERROLEBINDINGS, None, "gardener.cloud:system:project-uam:team")) == [BOB]
    assert subjects(kube.get(CLUSTERROLEBINDINGS, None, "gardener.cloud:system:project-member:team")) == [ALICE, CAROL]
    assert subjects(kube.get(CLUSTERROLEBINDINGS, None, "gardener.cloud:system:project-viewer:team")) == [OPS]
    viewer = kube.get(CLUSTERROLES, None, "gardener.cloud:system:project-viewer:team")
    assert viewer is not None
    assert [r["verbs"] for r in viewer["rules"]] == [["get"], ["get"]]
    extension = kube.get(CLUSTERROLES, None, "gardener.cloud:extension:project:team:dashboards")
    assert extension is not None
    assert extension["aggregationRule"]["clusterRoleSelectors"] == [
        {"matchLabels": {"rbac.gardener.cloud/aggregate-to-extension-role": "dashboards"}}
    ]

    # Level-based, but quiet: resyncs (every 0.2 s) write nothing once everything is in place.
    versions = _versions(kube)
    time.sleep(1)
    assert _versions(kube) == versions

    # The landscape-wide roles the bindings refer to.
    aggregation = kube.get(CLUSTERROLES, None, "gardener.cloud:system:project-member-aggregation")
    assert aggregation is not None
    assert any("shoots" in r["resources"] and "create" in r["verbs"] for r in aggregation["rules"])
    assert kube.get(CLUSTERROLES, None, "gardener.cloud:system:project-member") is not None


def test_a_removed_member_loses_its_bindings(garden: RunningServer, kube: Kube) -> None:
    before = ready(kube, "team")
    kept = [m for m in TEAM_MEMBERS if m["name"] not in ("ops", "carol")]
    kube.patch(PROJECTS, None, "team", {"spec": {"members": kept}})

    def updated() -> dict[str, Any] | None:
        found = phase(kube, "team", "Ready")
        if found and found["status"]["observedGeneration"] > before["metadata"]["generation"]:
            return found
        return None

    wait_for(updated, "the member change to be reconciled", timeout=15)
    viewer = kube.get(ROLEBINDINGS, "garden-team", "gardener.cloud:system:project-viewer")
    assert subjects(viewer) == []
    assert subjects(kube.get(ROLEBINDINGS, "garden-team", "gardener.cloud:system:project-member")) == [ALICE]
    assert kube.get(ROLEBINDINGS, "garden-team", "gardener.cloud:extension:project:team:dashboards") is None
    assert kube.get(CLUSTERROLES, None, "gardener.cloud:extension:project:team:dashboards") is None


def test_a_namespace_claimed_elsewhere_is_not_taken(garden: RunningServer, kube: Kube) -> None:
    refused = garden.kubectl("apply", "-f", "-", input=_yaml(project("rival", "garden-team")), check=False)
    assert refused.returncode != 0
    assert 'namespace "garden-team" is already used by another project (team)' in refused.stderr

    kube.create(
        NAMESPACES,
        None,
        {"metadata": {"name": "garden-taken", "labels": {"project.gardener.cloud/name": "other"}}},
    )
    apply(garden, project("taker", "garden-taken"))
    failed = wait_for(lambda: phase(kube, "taker", "Failed"), "project taker to fail", timeout=15)
    [cond] = failed["status"]["conditions"]
    assert (cond["type"], cond["status"], cond["reason"]) == ("NamespaceReady", "False", "NamespaceReconcileFailed")
    assert 'namespace "garden-taken" is already in use by another project (other)' in cond["message"]
    namespace = kube.get(NAMESPACES, None, "garden-taken")
    assert namespace is not None
    assert namespace["metadata"]["labels"]["project.gardener.cloud/name"] == "other"
    assert kube.get(ROLEBINDINGS, "garden-taken", "gardener.cloud:system:project-member") is None


def test_a_project_with_shoots_cannot_be_deleted(garden: RunningServer, kube: Kube, clock: FakeClock) -> None:
    namespace = project_with_aws_binding(garden, "busy")
    ready(kube, "busy")
    apply(garden, aws_shoot("web", namespace))

    def active() -> dict[str, Any] | None:
        found = kube.get(PROJECTS, None, "busy")
        return found if found and (found.get("status") or {}).get("lastActivityTimestamp") else None

    busy = wait_for(active, "the shoot to count as activity", timeout=15)
    assert busy["status"]["lastActivityTimestamp"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    garden.kubectl("annotate", "project", "busy", CONFIRMATION)
    refused = garden.kubectl("delete", "project", "busy", "--wait=false", check=False)
    assert refused.returncode != 0
    assert 'projects.core.gardener.cloud "busy" is forbidden: project still contains shoots' in refused.stderr
    assert phase(kube, "busy", "Ready")


def test_an_empty_project_goes_with_its_namespace_and_rbac(garden: RunningServer, kube: Kube) -> None:
    apply(garden, project("gone", members=[member(ALICE, "admin", "owner"), member(BOB, "viewer", "extension:x")]))
    ready(kube, "gone")
    assert kube.get(CLUSTERROLES, None, "gardener.cloud:extension:project:gone:x") is not None
    delete_project(garden, "gone")
    wait_for(lambda: kube.get(PROJECTS, None, "gone") is None, "project gone to go", timeout=20)
    assert kube.get(NAMESPACES, None, "garden-gone") is None
    for prefix in ("project", "project-member", "project-viewer", "project-uam"):
        assert kube.get(CLUSTERROLES, None, f"gardener.cloud:system:{prefix}:gone") is None
        assert kube.get(CLUSTERROLEBINDINGS, None, f"gardener.cloud:system:{prefix}:gone") is None
    assert kube.get(CLUSTERROLES, None, "gardener.cloud:extension:project:gone:x") is None


def test_an_adopted_namespace_is_kept(garden: RunningServer, kube: Kube) -> None:
    kube.create(NAMESPACES, None, {"metadata": {"name": "garden-adopted", "labels": {"team": "blue"}}})
    apply(garden, project("adopter", "garden-adopted"))
    ready(kube, "adopter")
    namespace = kube.get(NAMESPACES, None, "garden-adopted")
    assert namespace is not None
    assert namespace["metadata"]["annotations"]["namespace.gardener.cloud/keep-after-project-deletion"] == "true"
    assert namespace["metadata"]["labels"]["project.gardener.cloud/name"] == "adopter"

    delete_project(garden, "adopter")
    wait_for(lambda: kube.get(PROJECTS, None, "adopter") is None, "project adopter to go", timeout=20)
    kept = kube.get(NAMESPACES, None, "garden-adopted")
    assert kept is not None
    assert not kept["metadata"].get("deletionTimestamp")
    labels = {k: v for k, v in kept["metadata"]["labels"].items() if k != "kubernetes.io/metadata.name"}
    assert labels == {"team": "blue"}
    assert not (kept["metadata"].get("annotations") or {})
    assert not kept["metadata"].get("ownerReferences")
    assert kube.list(ROLEBINDINGS, "garden-adopted") == []


def test_unused_projects_become_stale_and_are_deleted_in_the_end(
    garden: RunningServer, kube: Kube, clock: FakeClock
) -> None:
    """Last in the module: it moves the clock months ahead."""
    for name in ("idle", "doomed"):
        apply(garden, project(name))
        ready(kube, name)
    start = clock.advance(91 * DAY)

    def stale(name: str) -> dict[str, Any] | None:
        found = kube.get(PROJECTS, None, name)
        return found if found and (found.get("status") or {}).get("staleSinceTimestamp") else None

    for name in ("idle", "doomed"):
        marked = wait_for(partial(stale, name), f"project {name} to be stale", timeout=10)
        assert marked["status"]["staleSinceTimestamp"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert "staleAutoDeleteTimestamp" not in marked["status"]
    assert "staleSinceTimestamp" not in (kube.get(PROJECTS, None, "busy") or {}).get("status", {})  # has a shoot

    clock.advance(15 * DAY)
    deadline = (start + 90 * DAY).strftime("%Y-%m-%dT%H:%M:%SZ")

    def doomed() -> dict[str, Any] | None:
        found = stale("doomed")
        return found if found and found["status"].get("staleAutoDeleteTimestamp") == deadline else None

    wait_for(doomed, "an auto-delete timestamp", timeout=10)

    # A shoot makes a project used again.
    apply(garden, *aws_credentials("garden-idle"), aws_shoot("api", "garden-idle"))
    wait_for(lambda: stale("idle") is None, "project idle to be used again", timeout=10)

    clock.advance(80 * DAY)
    wait_for(lambda: kube.get(PROJECTS, None, "doomed") is None, "the stale project to be deleted", timeout=20)
    assert kube.get(NAMESPACES, None, "garden-doomed") is None
    assert kube.get(PROJECTS, None, "idle") is not None


def aws_credentials(namespace: str) -> list[dict[str, Any]]:
    """AWS credentials and the SecretBinding ``aws`` for them in ``namespace``."""
    return [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "aws-credentials", "namespace": namespace},
            "type": "Opaque",
            "stringData": {"accessKeyID": "AKIAEXAMPLE", "secretAccessKey": "not-a-real-key"},
        },
        {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "SecretBinding",
            "metadata": {"name": "aws", "namespace": namespace},
            "secretRef": {"name": "aws-credentials"},
            "provider": {"type": "aws"},
        },
    ]


def _versions(kube: Kube) -> dict[str, str]:
    """The resourceVersion of the project team, its namespace and RBAC, and the landscape-wide roles."""
    found = {"project": kube.get(PROJECTS, None, "team"), "namespace": kube.get(NAMESPACES, None, "garden-team")}
    for resource, namespace in ((ROLEBINDINGS, "garden-team"), (CLUSTERROLES, None), (CLUSTERROLEBINDINGS, None)):
        for obj in kube.list(resource, namespace):
            found[f"{resource.plural}/{obj['metadata']['name']}"] = obj
    return {key: obj["metadata"]["resourceVersion"] for key, obj in found.items() if obj is not None}


def _yaml(obj: dict[str, Any]) -> str:
    import yaml  # noqa: PLC0415

    return yaml.safe_dump(obj)
