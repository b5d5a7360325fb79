"""Server-side apply on custom resources: list and map types from an inline CRD schema, and no schema at all."""

from __future__ import annotations

from typing import Any

import pytest

from kubelite.apiserver.fieldmanager import ApplyConflict, apply, update_managed_fields
from kubelite.apiserver.patch.schema import SchemaNode

pytestmark = pytest.mark.unit

T1, T2, T3 = "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z"

ENDPOINT = {
    "type": "object",
    "properties": {
        "host": {"type": "string"},
        "port": {"type": "integer", "default": 443},
        "weight": {"type": "integer"},
    },
}

BACKEND = SchemaNode(
    {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {
                "type": "object",
                "properties": {
                    "replicas": {"type": "integer"},
                    "endpoints": {
                        "type": "array",
                        "items": ENDPOINT,
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["host", "port"],
                    },
                    "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                    "args": {"type": "array", "items": {"type": "string"}},
                    "selector": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "x-kubernetes-map-type": "atomic",
                    },
                    "settings": {"type": "object", "additionalProperties": {"type": "string"}},
                    "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            },
            "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}},
        },
    }
)


def backend(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Backend",
        "metadata": {"name": "api", "namespace": "shop", "labels": {"tier": "api"}},
        "spec": spec,
    }


def apply_backend(live: dict[str, Any] | None, config: dict[str, Any], manager: str, now: str) -> dict[str, Any]:
    return apply(live, config, manager=manager, api_version="example.com/v1", force=False, schema=BACKEND, now=now)


def fields_of(obj: dict[str, Any], manager: str) -> dict[str, Any]:
    fields: dict[str, Any]
    (fields,) = (entry["fieldsV1"] for entry in obj["metadata"]["managedFields"] if entry["manager"] == manager)
    return fields


def test_each_list_and_map_type_is_owned_as_its_schema_says() -> None:
    created = apply_backend(
        None,
        backend(
            replicas=2,
            endpoints=[{"host": "a.example.com", "weight": 1}],
            tags=["blue", "fast"],
            args=["--verbose"],
            selector={"app": "api"},
            settings={"mode": "strict"},
            raw={"anything": {"nested": 1}},
        ),
        "operator",
        T1,
    )

    assert fields_of(created, "operator") == {
        "f:metadata": {"f:labels": {"f:tier": {}}},
        "f:spec": {
            "f:args": {},
            "f:endpoints": {'k:{"host":"a.example.com","port":443}': {".": {}, "f:host": {}, "f:weight": {}}},
            "f:raw": {"f:anything": {".": {}, "f:nested": {}}},
            "f:replicas": {},
            "f:selector": {},
            "f:settings": {"f:mode": {}},
            "f:tags": {'v:"blue"': {}, 'v:"fast"': {}},
        },
    }


def test_two_appliers_merge_granular_parts_and_replace_atomic_ones() -> None:
    first = apply_backend(
        None,
        backend(endpoints=[{"host": "a", "port": 80}], tags=["blue"], settings={"mode": "strict"}, args=["--a"]),
        "one",
        T1,
    )

    second = apply_backend(
        first, backend(endpoints=[{"host": "b", "port": 80}], tags=["fast"], settings={"size": "l"}), "two", T2
    )
    replaced = apply_backend(second, backend(endpoints=[], tags=[], settings={}, args=["--b"]), "one", T3)

    assert second["spec"] == {
        "endpoints": [{"host": "a", "port": 80}, {"host": "b", "port": 80}],
        "tags": ["blue", "fast"],
        "settings": {"mode": "strict", "size": "l"},
        "args": ["--a"],
    }
    assert replaced["spec"] == {
        "endpoints": [{"host": "b", "port": 80}],
        "tags": ["fast"],
        "settings": {"size": "l"},
        "args": ["--b"],
    }


def test_an_atomic_map_conflicts_as_a_whole() -> None:
    first = apply_backend(None, backend(selector={"app": "api"}), "one", T1)

    with pytest.raises(ApplyConflict, match=r'conflict with "one": \.spec\.selector$'):
        apply_backend(first, backend(selector={"app": "api", "extra": "x"}), "two", T2)


def test_an_item_keyed_by_a_defaulted_key_matches_the_live_item() -> None:
    first = apply_backend(None, backend(endpoints=[{"host": "a", "port": 443, "weight": 1}]), "one", T1)

    with pytest.raises(ApplyConflict, match=r'\.spec\.endpoints\[host="a",port=443\]\.weight$'):
        apply_backend(first, backend(endpoints=[{"host": "a", "weight": 2}]), "two", T2)


def test_metadata_is_object_meta_whatever_the_schema_says() -> None:
    config = backend()
    config["metadata"]["finalizers"] = ["example.com/cleanup"]

    created = apply_backend(None, config, "operator", T1)

    assert fields_of(created, "operator")["f:metadata"] == {
        "f:finalizers": {'v:"example.com/cleanup"': {}},
        "f:labels": {"f:tier": {}},
    }


def test_without_a_schema_objects_are_maps_and_lists_are_atomic() -> None:
    config = backend(replicas=2, ports=[{"port": 80}])

    created = apply(None, config, manager="op", api_version="example.com/v1", force=False, schema=None, now=T1)
    updated = dict(created, spec={"replicas": 3, "ports": [{"port": 80}]})
    entries = update_managed_fields(
        created, updated, manager="scaler", api_version="example.com/v1", schema=None, now=T2
    )

    assert fields_of(created, "op") == {
        "f:metadata": {"f:labels": {".": {}, "f:tier": {}}},
        "f:spec": {".": {}, "f:ports": {}, "f:replicas": {}},
    }
    assert [(entry["manager"], entry["fieldsV1"]) for entry in entries] == [
        (
            "op",
            {"f:metadata": {"f:labels": {".": {}, "f:tier": {}}}, "f:spec": {".": {}, "f:ports": {}}},
        ),
        ("scaler", {"f:spec": {"f:replicas": {}}}),
    ]
