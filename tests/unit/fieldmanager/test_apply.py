"""Server-side apply on the built-in Deployment and Pod: create, no-ops, removal, sharing, conflicts and lists."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kubelite.apiserver.fieldmanager import (
    ApplyConflict,
    Conflict,
    FieldSet,
    InvalidApply,
    MissingFieldManager,
    PathElement,
    apply,
    update_managed_fields,
)
from kubelite.apiserver.openapi.builtin import builtin_schemas
from kubelite.apiserver.patch.schema import SchemaNode

pytestmark = pytest.mark.unit

DEPLOYMENT = SchemaNode.of(builtin_schemas(), "io.k8s.api.apps.v1.Deployment")
POD = SchemaNode.of(builtin_schemas(), "io.k8s.api.core.v1.Pod")

T1, T2, T3, T4 = "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z"


def deployment(replicas: int | None = 3, **pod_spec: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": pod_spec
            or {"containers": [{"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]},
        },
    }
    if replicas is not None:
        spec = {"replicas": replicas, **spec}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
        "spec": spec,
    }


def pod(**spec: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}}
    return {**config, "spec": spec} if spec else config


def apply_deployment(
    live: dict[str, Any] | None, config: dict[str, Any], manager: str, now: str, **options: Any
) -> dict[str, Any]:
    options.setdefault("force", False)
    return apply(live, config, manager=manager, api_version="apps/v1", schema=DEPLOYMENT, now=now, **options)


def apply_pod(
    live: dict[str, Any] | None, config: dict[str, Any], manager: str, now: str, **options: Any
) -> dict[str, Any]:
    options.setdefault("force", False)
    return apply(live, config, manager=manager, api_version="v1", schema=POD, now=now, **options)


def update(obj: dict[str, Any], new: dict[str, Any], manager: str, now: str) -> dict[str, Any]:
    stored = copy.deepcopy(new)
    stored["metadata"]["managedFields"] = update_managed_fields(
        obj, new, manager=manager, api_version="apps/v1", schema=DEPLOYMENT, now=now
    )
    return stored


def owners(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["manager"]: entry["fieldsV1"] for entry in obj["metadata"].get("managedFields", [])}


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list(obj["spec"]["containers"])


NGINX_FIELDS = {
    "f:metadata": {"f:labels": {"f:app": {}}},
    "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {
                "f:containers": {
                    'k:{"name":"nginx"}': {
                        ".": {},
                        "f:image": {},
                        "f:name": {},
                        "f:ports": {'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}},
                    }
                }
            },
        },
    },
}


def test_an_apply_creates_the_object_and_owns_what_it_applied() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)

    assert created["metadata"].pop("managedFields") == [
        {
            "manager": "kubectl",
            "operation": "Apply",
            "apiVersion": "apps/v1",
            "time": T1,
            "fieldsType": "FieldsV1",
            "fieldsV1": NGINX_FIELDS,
        }
    ]
    assert created == deployment()


def test_applying_the_same_configuration_again_changes_nothing() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)

    again = apply_deployment(created, deployment(), "kubectl", T2)

    assert again == created


def test_apply_leaves_its_arguments_alone() -> None:
    config = deployment()
    created = apply_deployment(None, config, "kubectl", T1)
    live = copy.deepcopy(created)

    apply_deployment(live, deployment(replicas=5), "kubectl", T2)

    assert config == deployment()
    assert live == created


def test_a_field_dropped_from_the_configuration_is_removed_from_the_object() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)
    without = deployment(replicas=None)
    del without["metadata"]["labels"]

    applied = apply_deployment(created, without, "kubectl", T2)

    assert "replicas" not in applied["spec"]
    assert "labels" not in applied["metadata"]
    assert "f:replicas" not in owners(applied)["kubectl"]["f:spec"]
    assert applied["metadata"]["managedFields"][0]["time"] == T2


def test_a_container_dropped_from_the_configuration_goes_with_what_others_set_in_it() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)
    tweaked = copy.deepcopy(created)
    tweaked["spec"]["template"]["spec"]["containers"][0]["workingDir"] = "/srv"
    tweaked = update(created, tweaked, "tweaker", T2)

    other = deployment(containers=[{"name": "other", "image": "other:1"}])
    applied = apply_deployment(tweaked, other, "kubectl", T3)

    assert applied["spec"]["template"]["spec"]["containers"] == [{"name": "other", "image": "other:1"}]
    assert "tweaker" not in owners(applied)


def test_appliers_of_the_same_value_share_it_and_it_stays_while_one_still_applies_it() -> None:
    first = apply_deployment(None, deployment(), "alice", T1)
    shared = apply_deployment(first, deployment(), "bob", T2)

    dropped = apply_deployment(shared, deployment(replicas=None), "alice", T3)

    assert shared["spec"] == first["spec"]
    assert "f:replicas" in owners(shared)["alice"]["f:spec"]
    assert "f:replicas" in owners(shared)["bob"]["f:spec"]
    assert dropped["spec"]["replicas"] == 3
    assert "f:replicas" not in owners(dropped)["alice"]["f:spec"]


def test_a_shared_apply_that_changes_nothing_keeps_the_live_object_and_leaves_the_new_entry_unstamped() -> None:
    first = apply_deployment(None, deployment(), "alice", T1)

    shared = apply_deployment(first, deployment(), "bob", T2)

    assert {key: value for key, value in shared.items() if key != "metadata"} == {
        key: value for key, value in first.items() if key != "metadata"
    }
    assert [entry.get("time") for entry in shared["metadata"]["managedFields"]] == [None, T1]


def scaled_to(replicas: int) -> dict[str, Any]:
    """Created by apply with 3 replicas, then scaled by an update of another manager."""
    created = apply_deployment(None, deployment(), "kubectl", T1)
    scaled = copy.deepcopy(created)
    scaled["spec"]["replicas"] = replicas
    return update(created, scaled, "kubectl-scale", T2)


def test_an_update_takes_a_field_from_the_applier() -> None:
    scaled = scaled_to(5)

    assert owners(scaled)["kubectl-scale"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in owners(scaled)["kubectl"]["f:spec"]


def test_applying_another_value_of_a_field_someone_else_set_is_a_conflict() -> None:
    with pytest.raises(ApplyConflict) as raised:
        apply_deployment(scaled_to(5), deployment(replicas=3), "kubectl", T3)

    conflict = raised.value
    assert str(conflict) == 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas'
    assert conflict.code == 409
    assert conflict.conflicts == (
        Conflict("kubectl-scale", (PathElement.field("spec"), PathElement.field("replicas")), "apps/v1"),
    )
    assert conflict.causes() == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "kubectl-scale" using apps/v1',
            "field": ".spec.replicas",
        }
    ]


def test_forcing_takes_the_field_over() -> None:
    forced = apply_deployment(scaled_to(5), deployment(replicas=3), "kubectl", T3, force=True)

    assert forced["spec"]["replicas"] == 3
    assert list(owners(forced)) == ["kubectl"]
    assert owners(forced)["kubectl"] == NGINX_FIELDS


def test_applying_the_value_another_manager_set_is_no_conflict_but_sharing() -> None:
    shared = apply_deployment(scaled_to(5), deployment(replicas=5), "kubectl", T3)

    assert shared["spec"]["replicas"] == 5
    assert owners(shared)["kubectl"] == NGINX_FIELDS
    assert owners(shared)["kubectl-scale"] == {"f:spec": {"f:replicas": {}}}


def test_a_field_an_updater_took_stays_when_the_applier_drops_it() -> None:
    handed_over = apply_deployment(scaled_to(5), deployment(replicas=None), "kubectl", T3)

    assert handed_over["spec"]["replicas"] == 5
    assert owners(handed_over)["kubectl-scale"] == {"f:spec": {"f:replicas": {}}}


def test_a_struct_goes_with_its_last_applied_field_when_nobody_else_owns_it() -> None:
    secured = pod(containers=[{"name": "app", "image": "app:1"}], securityContext={"runAsUser": 1000})
    live = apply_pod(None, secured, "one", T1)

    applied = apply_pod(live, pod(containers=[{"name": "app", "image": "app:1"}]), "one", T2)

    assert applied["spec"] == {"containers": [{"name": "app", "image": "app:1"}]}


def test_several_conflicts_are_listed_per_manager() -> None:
    base = deployment(minReadySeconds=5)
    base["spec"]["template"]["spec"]["containers"] = [{"name": "nginx", "image": "nginx:1.25"}]
    base["spec"]["minReadySeconds"] = 5
    first = apply_deployment(None, base, "alice", T1)
    changed = copy.deepcopy(base)
    changed["spec"].update(replicas=4, minReadySeconds=9)

    with pytest.raises(ApplyConflict) as raised:
        apply_deployment(first, changed, "bob", T2)

    assert str(raised.value) == (
        'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.minReadySeconds\n- .spec.replicas'
    )
    assert [cause["field"] for cause in raised.value.causes()] == [".spec.minReadySeconds", ".spec.replicas"]


def test_containers_merge_by_name_and_each_applier_owns_its_own() -> None:
    app = apply_pod(None, pod(containers=[{"name": "app", "image": "app:1"}]), "app-team", T1)
    both = apply_pod(app, pod(containers=[{"name": "sidecar", "image": "proxy:1"}]), "mesh", T2)
    upgraded = apply_pod(both, pod(containers=[{"name": "app", "image": "app:2"}]), "app-team", T3)

    assert containers(both) == [{"name": "app", "image": "app:1"}, {"name": "sidecar", "image": "proxy:1"}]
    assert containers(upgraded) == [{"name": "app", "image": "app:2"}, {"name": "sidecar", "image": "proxy:1"}]
    assert owners(upgraded)["mesh"] == {
        "f:spec": {"f:containers": {'k:{"name":"sidecar"}': {".": {}, "f:image": {}, "f:name": {}}}}
    }
    with pytest.raises(ApplyConflict, match=r'conflict with "app-team": \.spec\.containers\[name="app"\]\.image'):
        apply_pod(upgraded, pod(containers=[{"name": "app", "image": "app:3"}]), "mesh", T4)


def test_a_container_dropped_by_its_applier_goes_and_the_others_stay() -> None:
    both = apply_pod(
        apply_pod(None, pod(containers=[{"name": "app", "image": "app:1"}]), "app-team", T1),
        pod(containers=[{"name": "sidecar", "image": "proxy:1"}]),
        "mesh",
        T2,
    )

    dropped = apply_pod(both, pod(), "mesh", T3)

    assert containers(dropped) == [{"name": "app", "image": "app:1"}]
    assert "mesh" not in owners(dropped)


def test_list_items_follow_the_applied_order_and_keep_the_rest_in_place() -> None:
    live = apply_pod(None, pod(containers=[{"name": n, "image": "i"} for n in ("a", "x", "b")]), "one", T1)

    applied = apply_pod(live, pod(containers=[{"name": n, "image": "i"} for n in ("b", "a", "c")]), "two", T2)

    assert [container["name"] for container in containers(applied)] == ["x", "b", "a", "c"]


def test_an_atomic_list_is_replaced_whole_and_owned_whole() -> None:
    live = apply_pod(None, pod(containers=[{"name": "app", "image": "app:1", "args": ["--a", "--b"]}]), "one", T1)

    replaced = apply_pod(live, pod(containers=[{"name": "app", "image": "app:1", "args": ["--c"]}]), "one", T2)

    assert containers(replaced)[0]["args"] == ["--c"]
    assert "f:args" in owners(replaced)["one"]["f:spec"]["f:containers"]['k:{"name":"app"}']
    with pytest.raises(ApplyConflict, match=r'\.spec\.containers\[name="app"\]\.args$'):
        apply_pod(replaced, pod(containers=[{"name": "app", "args": ["--d"]}]), "two", T3)


def test_a_set_is_the_union_of_what_its_appliers_applied() -> None:
    def finalized(*finalizers: str) -> dict[str, Any]:
        config = pod()
        config["metadata"]["finalizers"] = list(finalizers)
        return config

    both = apply_pod(apply_pod(None, finalized("a.io/x"), "a", T1), finalized("b.io/y"), "b", T2)
    dropped = apply_pod(both, finalized(), "a", T3)

    assert both["metadata"]["finalizers"] == ["a.io/x", "b.io/y"]
    assert owners(both)["a"] == {"f:metadata": {"f:finalizers": {'v:"a.io/x"': {}}}}
    assert dropped["metadata"]["finalizers"] == ["b.io/y"]


def test_an_atomic_struct_is_replaced_whole() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)
    config = deployment()
    config["spec"]["selector"] = {"matchExpressions": [{"key": "app", "operator": "Exists"}]}

    applied = apply_deployment(created, config, "kubectl", T2)

    assert applied["spec"]["selector"] == {"matchExpressions": [{"key": "app", "operator": "Exists"}]}


def test_an_object_without_managed_fields_is_first_owned_by_before_first_apply() -> None:
    untracked = deployment(replicas=1)

    with pytest.raises(ApplyConflict, match=r'conflict with "before-first-apply" using apps/v1: \.spec\.replicas$'):
        apply_deployment(untracked, deployment(replicas=3), "kubectl", T1)
    adopted = apply_deployment(untracked, deployment(replicas=1), "kubectl", T1)

    assert owners(adopted)["before-first-apply"]["f:spec"]["f:replicas"] == {}


def test_reset_fields_are_applied_but_not_owned() -> None:
    config = deployment()
    config["status"] = {"replicas": 9}
    status = FieldSet.of((PathElement.field("status"),))

    created = apply_deployment(None, config, "kubectl", T1, reset_fields=status)

    assert owners(created)["kubectl"] == NGINX_FIELDS


def test_an_apply_that_empties_the_configuration_drops_the_entry() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)
    bare = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx"}}

    emptied = apply_deployment(created, bare, "kubectl", T2)

    assert "managedFields" not in emptied["metadata"]
    assert emptied == {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx"}}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(
            {**deployment(), "apiVersion": "apps/v1beta1"},
            "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1",
            id="another-version",
        ),
        pytest.param(
            {**deployment(), "kind": "StatefulSet"}, "invalid object type: apps/v1, Kind=StatefulSet", id="kind"
        ),
        pytest.param(
            {**deployment(), "metadata": {"name": "nginx", "managedFields": []}},
            "metadata.managedFields must be nil",
            id="managed-fields",
        ),
        pytest.param(
            deployment(containers=[{"image": "nginx"}]),
            "failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: "
            'element 0: associative list with keys has an element that omits key field "name" '
            "(and doesn't have default value)",
            id="item-without-key",
        ),
        pytest.param(
            deployment(containers=[{"name": "a"}, {"name": "a"}]),
            "failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: "
            'duplicate entries for key [name="a"]',
            id="duplicate-items",
        ),
    ],
)
def test_a_configuration_that_cannot_apply_is_a_bad_request(config: dict[str, Any], message: str) -> None:
    live = apply_deployment(None, deployment(), "kubectl", T1)

    with pytest.raises(InvalidApply) as raised:
        apply_deployment(live, config, "kubectl", T2)

    assert str(raised.value) == message
    assert raised.value.code == 400


def test_an_apply_needs_a_field_manager() -> None:
    with pytest.raises(MissingFieldManager) as raised:
        apply_deployment(None, deployment(), "", T1)

    assert raised.value.code == 422
    assert "fieldManager: Required value: is required for apply patch" in str(raised.value)


def test_the_managed_fields_are_plain_json() -> None:
    created = apply_deployment(None, deployment(), "kubectl", T1)

    assert json.loads(json.dumps(created)) == created
