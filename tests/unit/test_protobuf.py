"""Protobuf request bodies: real kubectl output decodes to the JSON kube-apiserver would store, and bad input fails
with a message that says what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubelite.apiserver.protobuf import (
    MAGIC,
    ProtobufDecodeError,
    UnknownField,
    UnknownKindError,
    decode,
    iter_fields,
)

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent / "fixtures" / "protobuf"


# A protobuf writer just big enough to build messages by hand.
def varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative numbers travel as 64-bit two's complement, ten bytes long
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if not value:
            out.append(low)
            return bytes(out)
        out.append(low | 0x80)


def key(number: int, wire_type: int) -> bytes:
    return varint(number << 3 | wire_type)


def num(number: int, value: int) -> bytes:
    return key(number, 0) + varint(value)


def ld(number: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return key(number, 2) + varint(len(data)) + data


def fixed64(number: int, value: int) -> bytes:
    return key(number, 1) + value.to_bytes(8, "little")


def fixed32(number: int, value: int) -> bytes:
    return key(number, 5) + value.to_bytes(4, "little")


def entry(k: str, v: bytes | str) -> bytes:
    return ld(1, k) + ld(2, v)


def envelope(api_version: str, kind: str, raw: bytes, *, encoding: str = "", content_type: str = "") -> bytes:
    type_meta = ld(1, api_version) + ld(2, kind)
    return MAGIC + ld(1, type_meta) + ld(2, raw) + ld(3, encoding) + ld(4, content_type)


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.pb"))


@pytest.mark.parametrize("name", fixture_names())
def test_kubectl_body_decodes_to_its_json_twin(name: str) -> None:
    unknown: list[UnknownField] = []
    decoded = decode((FIXTURES / f"{name}.pb").read_bytes(), on_unknown_field=unknown.append)
    twin = json.loads((FIXTURES / f"{name}.json").read_text())
    assert unknown == []
    assert decoded == twin


def test_fixtures_cover_the_commands_the_task_names() -> None:
    names = set(fixture_names())
    assert {"namespace", "configmap_literals", "configmap_files", "secret_generic", "serviceaccount"} <= names
    assert {"deployment_replicas_port", "deployment_command", "deployment_two_images"} <= names


def test_binary_configmap_data_becomes_base64() -> None:
    decoded = decode((FIXTURES / "configmap_files.pb").read_bytes())
    assert decoded["binaryData"] == {"bin.dat": "AAEC//4gYmluYXJ5"}  # 00 01 02 ff fe " binary"
    assert decoded["data"] == {"text.txt": "hello text\n"}


# -- a hand-built Pod that exercises every wire type and every kind of field ------------------------------------


def hand_built_pod() -> bytes:
    owner = ld(5, "apps/v1") + ld(1, "ReplicaSet") + ld(3, "rs") + ld(4, "u2") + num(6, 1) + num(7, 0)
    managed = (
        ld(1, "kubectl")
        + ld(2, "Update")
        + ld(3, "v1")
        + ld(4, num(1, 1_700_000_000))
        + ld(6, "FieldsV1")
        + ld(7, ld(1, b'{"f:metadata":{"f:labels":{}}}'))
    )
    metadata = (
        ld(1, "web")
        + ld(2, "")  # gogo writes empty strings; omitempty drops them
        + ld(3, "ns")
        + ld(5, "uid-1")
        + ld(6, "7")
        + num(7, 3)
        + ld(8, num(1, 1_700_000_000) + num(2, 999_999_999))  # nanos are dropped, as Go's RFC 3339 form does
        + ld(9, num(1, 1_700_000_100))
        + num(10, 0)  # a pointer: zero is kept
        + ld(11, entry("app", "web"))
        + ld(12, entry("note", ""))
        + ld(13, owner)
        + ld(14, "example.com/f")
        + ld(17, managed)
        + fixed32(99, 7)  # unknown, 32-bit
    )
    container = (
        ld(1, "c")
        + ld(2, "")
        + ld(6, ld(1, "") + num(2, 0) + num(3, 0))  # containerPort 0 is kept, hostPort 0 dropped
        + ld(7, ld(1, "X") + ld(2, ""))
        + ld(8, ld(1, entry("cpu", ld(1, "500m"))) + ld(2, entry("memory", b"")))
        + ld(10, ld(1, ld(2, ld(2, num(1, 0) + num(2, 8080)))))
        + ld(11, ld(1, ld(3, ld(1, num(1, 1) + ld(3, "http")))))
        + ld(15, num(4, -1) + num(2, 0))
        + num(16, 0)
        + fixed64(97, 2**64 - 1)  # unknown, 64-bit
    )
    security = num(4, 1) + num(4, 2) + ld(4, varint(3) + varint(4))  # unpacked and packed
    spec = (
        ld(2, container)
        + ld(3, "Always")
        + ld(3, "Never")  # a scalar that occurs twice: the last one wins
        + num(4, 0)
        + num(25, -5)
        + ld(14, security)
        + num(98, 1)  # unknown, varint
    )
    more_metadata = ld(11, entry("tier", "db"))  # a message that occurs twice is merged
    return envelope("v1", "Pod", ld(1, metadata) + ld(2, spec) + ld(1, more_metadata) + ld(96, "x"))


def test_hand_built_pod_decodes_every_field_kind() -> None:
    unknown: list[UnknownField] = []
    decoded = decode(hand_built_pod(), on_unknown_field=unknown.append)
    assert decoded == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web",
            "namespace": "ns",
            "uid": "uid-1",
            "resourceVersion": "7",
            "generation": 3,
            "creationTimestamp": "2023-11-14T22:13:20Z",
            "deletionTimestamp": "2023-11-14T22:15:00Z",
            "deletionGracePeriodSeconds": 0,
            "labels": {"app": "web", "tier": "db"},
            "annotations": {"note": ""},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "rs",
                    "uid": "u2",
                    "controller": True,
                    "blockOwnerDeletion": False,
                }
            ],
            "finalizers": ["example.com/f"],
            "managedFields": [
                {
                    "manager": "kubectl",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": "2023-11-14T22:13:20Z",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {"f:labels": {}}},
                }
            ],
        },
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "ports": [{"containerPort": 0}],
                    "env": [{"name": "X"}],
                    "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "0"}},
                    "livenessProbe": {"httpGet": {"port": 8080}},
                    "readinessProbe": {"tcpSocket": {"port": "http"}},
                    "securityContext": {"runAsUser": -1, "privileged": False},
                }
            ],
            "restartPolicy": "Never",
            "terminationGracePeriodSeconds": 0,
            "priority": -5,
            "securityContext": {"supplementalGroups": [1, 2, 3, 4]},
        },
    }
    assert unknown == [
        UnknownField("metadata", 99, 5),
        UnknownField("spec.containers[0]", 97, 1),
        UnknownField("spec", 98, 0),
        UnknownField("", 96, 2),
    ]
    assert str(unknown[1]) == "spec.containers[0]: unknown protobuf field 97 (wire type 1) was dropped"


def test_unknown_fields_are_skipped_without_a_callback() -> None:
    assert decode(hand_built_pod())["metadata"]["name"] == "web"


def test_absent_list_map_or_pointer_without_omitempty_is_null() -> None:
    decoded = decode(envelope("apps/v1", "Deployment", ld(2, b"")))
    assert decoded["spec"] == {"selector": None}


def test_a_message_split_in_two_is_merged_after_its_nulls_were_filled() -> None:
    first = ld(2, ld(3, "Never"))  # spec without containers: containers becomes null ...
    second = ld(2, ld(2, ld(1, "c")) + ld(7, entry("disk", "ssd")))  # ... until the second part brings them
    decoded = decode(envelope("v1", "Pod", first + second))
    assert decoded["spec"] == {"restartPolicy": "Never", "containers": [{"name": "c"}], "nodeSelector": {"disk": "ssd"}}


def test_zero_creation_timestamp_is_dropped_but_other_zero_times_are_null() -> None:
    condition = ld(1, "Ready") + ld(2, "True") + ld(4, b"")
    status = ld(2, condition)
    decoded = decode(envelope("v1", "Namespace", ld(1, ld(8, b"")) + ld(3, status)))
    assert decoded["metadata"] == {}
    assert decoded["status"] == {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": None}]}


def test_secret_bytes_and_string_data() -> None:
    raw = ld(2, entry("k", b"\x00\xff")) + ld(4, entry("plain", "text")) + ld(3, "Opaque") + num(5, 0)
    decoded = decode(envelope("v1", "Secret", raw))
    assert decoded == {
        "apiVersion": "v1",
        "kind": "Secret",
        "data": {"k": "AP8="},
        "stringData": {"plain": "text"},
        "type": "Opaque",
        "immutable": False,
    }


def test_invalid_utf8_is_stored_as_go_would_write_it() -> None:
    decoded = decode(envelope("v1", "ConfigMap", ld(2, entry("k", b"a\xffb"))))
    assert decoded["data"] == {"k": "a\ufffdb"}


# -- malformed input ---------------------------------------------------------------------------------------------


def expect_error(body: bytes, match: str) -> ProtobufDecodeError:
    with pytest.raises(ProtobufDecodeError, match=match) as info:
        decode(body)
    return info.value


def test_bad_magic() -> None:
    expect_error(b'{"kind": "Namespace"}', r"must start with b'k8s\\x00'")


def test_truncated_varint() -> None:
    expect_error(MAGIC + b"\x0a\xff", "truncated varint at byte 1")


def test_overlong_varint() -> None:
    expect_error(MAGIC + b"\x08" + b"\xff" * 11, "varint longer than 10 bytes at byte 1")


def test_truncated_length() -> None:
    expect_error(MAGIC + b"\x0a\x10abc", "field 1 at byte 0 claims 16 bytes but only 3 are left")


def test_truncated_fixed_width_field() -> None:
    namespace = envelope("v1", "Namespace", key(9, 1) + b"\x00\x00")
    expect_error(namespace, "truncated 64-bit field 9")


def test_group_wire_type_is_rejected() -> None:
    expect_error(envelope("v1", "Namespace", key(1, 3)), "unsupported wire type 3 for field 1")


def test_field_number_zero_is_rejected() -> None:
    expect_error(envelope("v1", "Namespace", b"\x00\x00"), "field number 0")


def test_wire_type_must_match_the_field() -> None:
    expect_error(envelope("v1", "Namespace", ld(1, num(1, 5))), "metadata.name: a string must be length-delimited")
    expect_error(envelope("v1", "Namespace", ld(1, ld(7, "3"))), "metadata.generation: a int64 must be varint")
    expect_error(envelope("v1", "Namespace", num(1, 5)), "metadata.* must be length-delimited")


def test_unknown_kind_is_its_own_error() -> None:
    error = expect_error(envelope("example.com/v1", "Widget", b""), "protobuf is not supported for 'Widget'")
    assert isinstance(error, UnknownKindError)
    assert (error.api_version, error.kind) == ("example.com/v1", "Widget")


def test_known_kind_in_another_version_is_unsupported() -> None:
    with pytest.raises(UnknownKindError):
        decode(envelope("apps/v1beta1", "Deployment", b""))


def test_envelope_without_kind() -> None:
    expect_error(MAGIC + ld(2, b""), "names no kind")


def test_compressed_envelope_is_rejected() -> None:
    expect_error(envelope("v1", "Namespace", b"", encoding="gzip"), "content encoding 'gzip' is not supported")


def test_envelope_wrapping_json_is_rejected() -> None:
    expect_error(envelope("v1", "Namespace", b"{}", content_type="application/json"), "wraps 'application/json'")


def test_time_out_of_range() -> None:
    expect_error(envelope("v1", "Namespace", ld(1, ld(9, num(1, 2**62)))), "out of range for a timestamp")


def test_fields_v1_must_be_json() -> None:
    managed = ld(7, ld(1, b"{not json"))
    expect_error(envelope("v1", "Namespace", ld(1, ld(17, managed))), "fieldsV1 is not JSON")


def test_iter_fields_reports_every_wire_type() -> None:
    data = num(1, 150) + fixed64(2, 2**63) + ld(3, "hi") + fixed32(4, 0xDEADBEEF)
    fields: list[tuple[int, int, Any]] = list(iter_fields(data))
    assert fields == [(1, 0, 150), (2, 1, 2**63), (3, 2, b"hi"), (4, 5, 0xDEADBEEF)]
