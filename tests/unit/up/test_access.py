"""garden up's gardenctl entry: the garden and its local seed, other gardens kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from garden.cli.gardenctl.config import load_config
from garden.up.access import next_steps, register_with_gardenctl
from garden.up.state import StateDir

pytestmark = pytest.mark.unit


def test_entry_names_the_garden_and_its_seed_and_keeps_others(tmp_path: Path) -> None:
    path = tmp_path / "gardenctl-v2.yaml"
    path.write_text("gardens:\n- identity: other\n  kubeconfig: /elsewhere/kubeconfig\n")
    state = StateDir(tmp_path / "state")
    register_with_gardenctl(state, "local", "local", path)
    register_with_gardenctl(state, "local", "local", path)  # a second run replaces, never duplicates
    config = load_config(path)
    assert [g.identity for g in config.gardens] == ["other", "local"]
    garden = config.garden("local")
    assert garden.kubeconfig == state.garden_kubeconfig
    seed = garden.seed("local")
    assert seed is not None and seed.kubeconfig == state.seed_kubeconfig


@pytest.mark.parametrize("provider", ["local", "aws"])
def test_next_steps_point_at_this_landscape(tmp_path: Path, provider: str) -> None:
    state = StateDir(tmp_path)
    lines = next_steps(state, "local", provider, detached=True)
    assert lines[0] == f"export KUBECONFIG={state.garden_kubeconfig}"
    assert any(f"--shoot {provider}" in line for line in lines)
    assert any(f"garden down --state-dir {state.root}" in line for line in lines)
