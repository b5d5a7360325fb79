"""The landscape's definition: the gardenlet configuration is valid, components come in the right waves with the
right flags, and the seeding objects are what shoots need."""

from __future__ import annotations

from pathlib import Path

import pytest

from garden.up.landscape import Landscape
from garden.up.seeding import aws_credentials, cloudprofiles, local_credentials
from garden.up.state import StateDir
from gardenlet.config import GardenletConfiguration

pytestmark = pytest.mark.unit


def landscape(tmp_path: Path, provider: str = "local") -> Landscape:
    state = StateDir(tmp_path)
    return Landscape(state, state.remember(provider))  # type: ignore[arg-type]


@pytest.mark.parametrize("provider", ["local", "aws"])
def test_gardenlet_configuration_is_valid_and_places_the_seed(tmp_path: Path, provider: str) -> None:
    scape = landscape(tmp_path, provider)
    config = GardenletConfiguration.model_validate(scape.gardenlet_config())
    assert config.seed_config.spec["provider"]["type"] == provider
    assert config.control_plane.storage == "sqlite"


def test_waves_start_the_servers_first_and_the_controllers_after(tmp_path: Path) -> None:
    scape = landscape(tmp_path)
    assert [spec.name for spec in scape.first_wave()] == ["garden apiserver", "seed apiserver"]
    second = {spec.name: spec for spec in scape.second_wave()}
    assert set(second) == {"kubelet", "extensions", "scheduler", "controller-manager", "gardenlet"}
    ports = scape.remembered.ports
    assert str(ports.kubelet) in second["kubelet"].argv
    assert "--providers" in second["extensions"].argv and "local" in second["extensions"].argv
    assert scape.state.gardenlet_config.exists()
    # the gardenlet stops first, the kubelet after the other controllers
    assert second["gardenlet"].stop_stage is not None and second["kubelet"].stop_stage is not None
    assert second["gardenlet"].stop_stage > 20 > second["kubelet"].stop_stage > 10


def test_aws_adds_moto_and_the_instance_bridge(tmp_path: Path) -> None:
    scape = landscape(tmp_path, "aws")
    assert scape.first_wave()[0].name == "moto"
    second = [spec.name for spec in scape.second_wave()]
    assert "moto-nodes" in second
    extensions = next(spec for spec in scape.second_wave() if spec.name == "extensions")
    assert "local,aws" in extensions.argv


def test_every_shipped_cloudprofile_is_seeded() -> None:
    names = {profile["metadata"]["name"] for profile in cloudprofiles()}
    assert {"local", "aws", "gcp"} <= names


def test_credentials_carry_what_each_provider_reads(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "seed.kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    local = local_credentials(kubeconfig, tmp_path / "backups")
    assert (local.binding, local.secret_name) == ("local", "local-credentials")
    assert set(local.data) == {"kubeconfig", "backupRoot"}
    aws = aws_credentials("http://127.0.0.1:5000")
    assert aws.data["endpointURL"] == "http://127.0.0.1:5000"
    assert {"accessKeyID", "secretAccessKey"} <= set(aws.data)
