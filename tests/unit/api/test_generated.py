"""The CRDs and the API reference are generated from the types; these tests fail when either is stale."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from garden.api import crds, reference
from garden.api.catalogue import GARDEN_KINDS, KINDS, SEED_KINDS
from garden.api.kind import resource_kind
from kubelite.apiserver.crd.structural import validate_crd

pytestmark = pytest.mark.unit

REGENERATE = "run `python -m garden.api.crds && python -m garden.api.reference` and commit the result"


@pytest.mark.parametrize(("sub", "kinds"), [("garden", GARDEN_KINDS), ("seed", SEED_KINDS)])
def test_crds_in_charts_are_current(sub: str, kinds: tuple[type, ...]) -> None:
    directory = crds.CRD_DIR / sub
    expected = crds.rendered(kinds)
    on_disk = {p.name: p.read_text() for p in directory.glob("*.yaml")}
    assert sorted(on_disk) == sorted(expected), REGENERATE
    for name, text in expected.items():
        assert on_disk[name] == text, f"{directory / name} is stale: {REGENERATE}"


def test_api_reference_is_current() -> None:
    for name, text in reference.pages(KINDS).items():
        path = reference.REFERENCE_DIR / name
        assert path.exists() and path.read_text() == text, f"{path} is stale: {REGENERATE}"


@pytest.mark.parametrize("model", KINDS, ids=lambda m: resource_kind(m).crd_name)
def test_every_crd_is_structural_and_valid(model: type) -> None:
    crd = crds.crd(model)
    assert [e.render() for e in validate_crd(crd)] == []
    assert crd["metadata"]["name"] == resource_kind(model).crd_name


def test_int_or_string_and_raw_json_keep_their_extensions() -> None:
    shoot = yaml.safe_load((crds.CRD_DIR / "garden" / "core.gardener.cloud_shoots.yaml").read_text())
    schema = shoot["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    worker = schema["properties"]["spec"]["properties"]["provider"]["properties"]["workers"]["items"]
    assert worker["properties"]["maxSurge"]["x-kubernetes-int-or-string"] is True
    assert worker["properties"]["providerConfig"]["x-kubernetes-preserve-unknown-fields"] is True
    assert "title" not in yaml.safe_dump(schema)
    assert schema["properties"]["status"]["properties"]["technicalID"]["type"] == "string"


def test_write_removes_stale_generated_files_only(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(crds.HEADER + "kind: Gone\n")
    (tmp_path / "mine.yaml").write_text("kind: HandWritten\n")
    crds.write(tmp_path, GARDEN_KINDS[:1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["core.gardener.cloud_shoots.yaml", "mine.yaml"]
