"""Field paths and sets: the ``fieldsV1`` spelling, upstream's element order, printed paths and set algebra."""

from __future__ import annotations

import json

import pytest

from kubelite.apiserver.fieldmanager import FieldSet, PathElement, format_path

pytestmark = pytest.mark.unit

F, K, V, IX = PathElement.field, PathElement.key, PathElement.value, PathElement.index

# What kubectl apply --server-side of an nginx Deployment owns, exactly as kube-apiserver writes it.
DEPLOYMENT_FIELDS = (
    '{"f:metadata":{"f:labels":{"f:app":{}}},'
    '"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},'
    '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},'
    '"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}'
)

NGINX = K({"name": "nginx"})
PORT_80 = K({"protocol": "TCP", "containerPort": 80})
CONTAINERS = (F("spec"), F("template"), F("spec"), F("containers"))


def compact(fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"))


def test_a_deployments_fields_round_trip_byte_for_byte() -> None:
    fields = FieldSet.from_fields_v1(json.loads(DEPLOYMENT_FIELDS))

    assert compact(fields.to_fields_v1()) == DEPLOYMENT_FIELDS


def test_building_the_same_set_by_paths_writes_the_same_json() -> None:
    fields = FieldSet.of(
        (F("metadata"), F("labels"), F("app")),
        (F("spec"), F("selector")),
        (F("spec"), F("replicas")),
        (F("spec"), F("template"), F("metadata"), F("labels"), F("app")),
        (*CONTAINERS, NGINX, F("ports"), PORT_80, F("containerPort")),
        (*CONTAINERS, NGINX, F("ports"), PORT_80),
        (*CONTAINERS, NGINX, F("name")),
        (*CONTAINERS, NGINX, F("image")),
        (*CONTAINERS, NGINX),
    )

    assert compact(fields.to_fields_v1()) == DEPLOYMENT_FIELDS
    assert fields.has((*CONTAINERS, NGINX))
    assert not fields.has(CONTAINERS)


@pytest.mark.parametrize(
    ("element", "written"),
    [
        pytest.param(F("image"), "f:image", id="field"),
        pytest.param(K({"protocol": "TCP", "containerPort": 80}), 'k:{"containerPort":80,"protocol":"TCP"}', id="key"),
        pytest.param(K({"name": "<a&b>"}), 'k:{"name":"\\u003ca\\u0026b\\u003e"}', id="key-escapes-like-go"),
        pytest.param(K({"port": 443.0}), 'k:{"port":443}', id="key-float-written-as-go-does"),
        pytest.param(V("example.com/finalizer"), 'v:"example.com/finalizer"', id="set-value"),
        pytest.param(V(3), "v:3", id="set-number"),
        pytest.param(IX(2), "i:2", id="index"),
    ],
)
def test_path_elements_are_written_as_upstream_writes_them(element: PathElement, written: str) -> None:
    assert str(element) == written
    assert PathElement.parse(written) == element


def test_a_key_read_back_in_another_order_is_the_same_element() -> None:
    assert PathElement.parse('k:{"protocol":"TCP","containerPort":80}') == PORT_80


@pytest.mark.parametrize("text", ["image", "f", "k:[1]", "k:{", "x:y", "i:one"])
def test_what_is_not_a_path_element_is_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - json and int errors are ValueErrors too
        PathElement.parse(text)


def test_elements_sort_fields_keys_values_indices_and_values_by_kind() -> None:
    shuffled = [IX(0), V(None), V(True), V("a"), V(10), V(2), K({"a": "b"}), K({"a": 1}), F("b"), F("a")]

    assert sorted(shuffled) == [
        F("a"),
        F("b"),
        K({"a": 1}),
        K({"a": "b"}),
        V(2),
        V(10),
        V("a"),
        V(True),
        V(None),
        IX(0),
    ]


def test_paths_print_as_in_conflict_messages() -> None:
    assert format_path((*CONTAINERS, NGINX, F("image"))) == '.spec.template.spec.containers[name="nginx"].image'
    assert format_path((F("spec"), F("ports"), PORT_80)) == '.spec.ports[containerPort=80,protocol="TCP"]'
    assert format_path((F("metadata"), F("finalizers"), V("a/b"))) == '.metadata.finalizers[="a/b"]'
    assert format_path((F("spec"), F("args"), IX(1))) == ".spec.args[1]"


def test_difference_keeps_children_of_a_removed_member_and_recursive_difference_does_not() -> None:
    mine = FieldSet.of((F("spec"),), (F("spec"), F("replicas")), (F("data"), F("a")))
    theirs = FieldSet.of((F("spec"),))

    assert mine.difference(theirs).to_fields_v1() == {"f:data": {"f:a": {}}, "f:spec": {"f:replicas": {}}}
    assert mine.recursive_difference(theirs).to_fields_v1() == {"f:data": {"f:a": {}}}


def test_union_and_intersection_work_member_by_member() -> None:
    a = FieldSet.of((F("spec"), F("replicas")), (F("data"), F("a")))
    b = FieldSet.of((F("spec"), F("replicas")), (F("spec"),))

    assert a.intersection(b).to_fields_v1() == {"f:spec": {"f:replicas": {}}}
    assert a.union(b).to_fields_v1() == {"f:data": {"f:a": {}}, "f:spec": {".": {}, "f:replicas": {}}}
    assert a.intersection(FieldSet.of((F("data"),))).empty()


def test_reading_fields_v1_drops_unknown_element_kinds_and_refuses_garbage() -> None:
    assert FieldSet.from_fields_v1({"f:a": {}, "z:future": {}}) == FieldSet.of((F("a"),))
    assert FieldSet.from_fields_v1({"f:a": {".": {}}}) == FieldSet.of((F("a"),))
    with pytest.raises(ValueError, match="must be objects"):
        FieldSet.from_fields_v1({"f:a": 1})


def test_the_empty_path_is_never_a_member() -> None:
    fields = FieldSet.of(())

    assert fields.empty()
    assert not fields.has(())
