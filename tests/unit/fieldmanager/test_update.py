"""managedFields of non-apply writes: what a create owns, how updates move ownership, resets and the cap."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apiserver.fieldmanager import FieldSet, PathElement, update_managed_fields
from kubelite.apiserver.openapi.builtin import builtin_schemas
from kubelite.apiserver.patch.schema import SchemaNode

pytestmark = pytest.mark.unit

CONFIGMAP = SchemaNode.of(builtin_schemas(), "io.k8s.api.core.v1.ConfigMap")
DEPLOYMENT = SchemaNode.of(builtin_schemas(), "io.k8s.api.apps.v1.Deployment")

T1, T2, T3 = "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z"


def configmap(**data: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "default", "uid": "u-1", "resourceVersion": "1"},
        "data": dict(data),
    }


def write(old: dict[str, Any] | None, new: dict[str, Any], manager: str, now: str, **options: Any) -> dict[str, Any]:
    """``new`` as stored after ``manager`` wrote it over ``old``."""
    options.setdefault("api_version", "v1")
    options.setdefault("schema", CONFIGMAP)
    stored = copy.deepcopy(new)
    entries = update_managed_fields(old, new, manager=manager, now=now, **options)
    stored.setdefault("metadata", {})["managedFields"] = entries
    return stored


def change(obj: dict[str, Any], **data: str | None) -> dict[str, Any]:
    """A client's update of a stored object: it sends back what it read, managedFields included."""
    new = copy.deepcopy(obj)
    for key, value in data.items():
        if value is None:
            new["data"].pop(key)
        else:
            new["data"][key] = value
    return new


def owners(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["manager"]: entry["fieldsV1"] for entry in obj["metadata"]["managedFields"]}


def test_a_create_owns_what_it_set_with_new_maps_as_members() -> None:
    new = configmap(color="blue")
    new["metadata"]["labels"] = {"app": "web"}

    created = write(None, new, "kubectl-create", T1)

    assert created["metadata"]["managedFields"] == [
        {
            "manager": "kubectl-create",
            "operation": "Update",
            "apiVersion": "v1",
            "time": T1,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:data": {".": {}, "f:color": {}}, "f:metadata": {"f:labels": {".": {}, "f:app": {}}}},
        }
    ]


def test_an_update_takes_the_fields_it_changes_and_adds() -> None:
    created = write(None, configmap(color="blue", size="l"), "kubectl-create", T1)

    updated = write(created, change(created, color="red", shape="round"), "editor", T2)

    assert owners(updated) == {
        "editor": {"f:data": {"f:color": {}, "f:shape": {}}},
        "kubectl-create": {"f:data": {".": {}, "f:size": {}}},
    }
    assert [entry["time"] for entry in updated["metadata"]["managedFields"]] == [T1, T2]


def test_removed_fields_leave_every_entry_and_empty_entries_go() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    edited = write(created, change(created, size="l"), "editor", T2)

    removed = write(edited, change(edited, color=None, size=None), "cleaner", T3)

    assert owners(removed) == {"kubectl-create": {"f:data": {}}}


def test_a_write_that_changes_nothing_leaves_entries_and_times_alone() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)

    unchanged = write(created, change(created), "editor", T2)

    assert unchanged["metadata"]["managedFields"] == created["metadata"]["managedFields"]


def test_server_set_metadata_is_never_owned() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    bumped = copy.deepcopy(created)
    bumped["metadata"].update(resourceVersion="7", generation=3, creationTimestamp=T2, name="renamed")

    assert write(created, bumped, "controller", T2)["metadata"]["managedFields"] == created["metadata"]["managedFields"]


def test_an_updater_writing_at_two_versions_has_two_entries() -> None:
    created = write(None, configmap(color="blue"), "tool", T1, api_version="v1")

    later = write(created, change(created, size="l"), "tool", T2, api_version="v2")

    assert [(entry["manager"], entry["apiVersion"]) for entry in later["metadata"]["managedFields"]] == [
        ("tool", "v1"),
        ("tool", "v2"),
    ]


def test_managed_fields_sent_by_the_client_replace_the_live_ones() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    rewritten = change(created)
    rewritten["metadata"]["managedFields"][0]["manager"] = "someone-else"

    stored = write(created, rewritten, "editor", T2)

    assert list(owners(stored)) == ["someone-else"]


@pytest.mark.parametrize("sent", [[{}], []], ids=["single-empty-entry", "empty-list"])
def test_a_reset_strips_managed_fields_and_the_object_stays_untracked(sent: list[Any]) -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    reset = change(created, color="red")
    reset["metadata"]["managedFields"] = sent

    stripped = write(created, reset, "editor", T2)
    later = write(stripped, change(stripped, size="l"), "editor", T3)

    assert stripped["metadata"]["managedFields"] == []
    assert later["metadata"]["managedFields"] == []


def test_managed_fields_the_client_leaves_out_or_garbles_are_kept() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    omitted = change(created, size="l")
    del omitted["metadata"]["managedFields"]
    garbled = change(created, size="l")
    garbled["metadata"]["managedFields"] = [{"manager": "x", "operation": "Rewrite"}]

    for new in (omitted, garbled):
        assert owners(write(created, new, "editor", T2)) == {
            "kubectl-create": {"f:data": {".": {}, "f:color": {}}},
            "editor": {"f:data": {"f:size": {}}},
        }


def test_a_subresource_write_ignores_sent_managed_fields_and_is_its_own_entry() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    status_write = change(created, color="green")
    status_write["metadata"]["managedFields"] = [{}]

    stored = write(created, status_write, "kubelet", T2, subresource="status")

    assert stored["metadata"]["managedFields"][1] == {
        "manager": "kubelet",
        "operation": "Update",
        "apiVersion": "v1",
        "time": T2,
        "fieldsType": "FieldsV1",
        "fieldsV1": {"f:data": {"f:color": {}}},
        "subresource": "status",
    }


def test_reset_fields_are_not_owned_by_the_writer() -> None:
    created = write(None, configmap(color="blue"), "kubectl-create", T1)
    data_is_reset = FieldSet.of((PathElement.field("data"),))

    stored = write(created, change(created, color="red", size="l"), "editor", T2, reset_fields=data_is_reset)

    assert list(owners(stored)) == ["kubectl-create"]


def test_at_most_ten_update_entries_are_kept() -> None:
    # The creator and the two oldest updaters (by time) merge into one entry, stamped with the newest's time.
    stored = write(None, configmap(), "creator", "2024-05-01T00:00:00Z")
    for minute in range(11):
        stored = write(stored, change(stored, **{f"k{minute}": "v"}), f"m{minute:02}", f"2024-05-01T00:{minute:02}:01Z")

    entries = stored["metadata"]["managedFields"]

    assert [entry["manager"] for entry in entries] == ["ancient-changes", *(f"m{minute:02}" for minute in range(2, 11))]
    assert entries[0]["fieldsV1"] == {"f:data": {".": {}, "f:k0": {}, "f:k1": {}}}
    assert entries[0]["time"] == "2024-05-01T00:01:01Z"


def test_an_object_that_does_not_fit_its_schema_keeps_its_managed_fields() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:1"}]}}},
    }
    created = write(None, deployment, "kubectl-create", T1, api_version="apps/v1", schema=DEPLOYMENT)
    nameless = copy.deepcopy(created)
    del nameless["spec"]["template"]["spec"]["containers"][0]["name"]

    stored = write(created, nameless, "editor", T2, api_version="apps/v1", schema=DEPLOYMENT)

    assert stored["metadata"]["managedFields"] == created["metadata"]["managedFields"]


def test_entries_sort_apply_first_then_by_time() -> None:
    created = write(None, configmap(color="blue"), "zz-early", T1)
    entries = [
        {**created["metadata"]["managedFields"][0], "manager": "late", "time": T3},
        {**created["metadata"]["managedFields"][0], "manager": "applier", "operation": "Apply", "time": T3},
        created["metadata"]["managedFields"][0],
    ]
    sent = change(created, size="l")
    sent["metadata"]["managedFields"] = entries

    stored = write(created, sent, "editor", T2)

    assert [entry["manager"] for entry in stored["metadata"]["managedFields"]] == [
        "applier",
        "zz-early",
        "editor",
        "late",
    ]
