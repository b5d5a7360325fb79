"""The built-in schemas are generated, fresh, free of upstream prose, self-contained, and indexed by kind."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelite.apiserver.openapi.builtin import builtin_schemas, gvk_index

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "kubelite" / "apiserver" / "openapi" / "builtin_schemas.json"
REF_PREFIX = "#/components/schemas/"


def walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield key, sub
            yield from walk(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from walk(sub)


def test_committed_file_matches_a_fresh_generation(tmp_path: Path) -> None:
    fresh = tmp_path / "builtin_schemas.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_builtin_openapi.py"), "--output", str(fresh)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert fresh.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "builtin_schemas.json is stale: run scripts/gen_builtin_openapi.py"
    )


def test_no_descriptions_are_kept() -> None:
    # NB: JSONSchemaProps has a *property* named "description"; its value is a schema, not prose.
    prose = [value for key, value in walk(dict(builtin_schemas())) if key == "description" and isinstance(value, str)]
    assert prose == []


def test_every_reference_resolves() -> None:
    schemas = builtin_schemas()
    refs = {value for key, value in walk(dict(schemas)) if key == "$ref" and isinstance(value, str)}
    assert refs, "expected references"
    assert {ref for ref in refs if not ref.startswith(REF_PREFIX)} == set()
    assert {ref for ref in refs if ref.removeprefix(REF_PREFIX) not in schemas} == set()


def test_types_are_plain_and_type_enums_are_gone() -> None:
    pairs = list(walk(dict(builtin_schemas())))
    assert [value for key, value in pairs if key == "type" and not isinstance(value, str | dict)] == []
    deployment = builtin_schemas()["io.k8s.api.apps.v1.Deployment"]
    assert deployment["properties"]["kind"] == {"type": "string"}
    assert deployment["properties"]["apiVersion"] == {"type": "string"}


def test_references_with_siblings_are_wrapped_in_all_of() -> None:
    strategy = builtin_schemas()["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]
    assert strategy == {
        "allOf": [{"$ref": REF_PREFIX + "io.k8s.api.apps.v1.DeploymentStrategy"}],
        "x-kubernetes-patch-strategy": "retainKeys",
    }


def test_patch_extensions_are_kept() -> None:
    containers = builtin_schemas()["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]


INDEXED = {
    ("apps", "v1", "Deployment"): "io.k8s.api.apps.v1.Deployment",
    ("apps", "v1", "DeploymentList"): "io.k8s.api.apps.v1.DeploymentList",
    ("", "v1", "Pod"): "io.k8s.api.core.v1.Pod",
    ("", "v1", "Event"): "io.k8s.api.core.v1.Event",
    ("events.k8s.io", "v1", "Event"): "io.k8s.api.events.v1.Event",
    ("coordination.k8s.io", "v1", "Lease"): "io.k8s.api.coordination.v1.Lease",
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"): "io.k8s.api.rbac.v1.ClusterRoleBinding",
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"): (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"
    ),
    ("autoscaling", "v1", "Scale"): "io.k8s.api.autoscaling.v1.Scale",
    ("", "v1", "Status"): "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    ("apps", "v1", "DeleteOptions"): "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
}


@pytest.mark.parametrize(
    ("gvk", "name"), list(INDEXED.items()), ids=["/".join(part or "core" for part in gvk) for gvk in INDEXED]
)
def test_gvk_index_finds_the_definition(gvk: tuple[str, str, str], name: str) -> None:
    assert gvk_index()[gvk] == name


def test_groups_that_are_not_served_are_not_listed() -> None:
    assert ("batch", "v1", "DeleteOptions") not in gvk_index()
    assert ("batch", "v1", "Job") not in gvk_index()
