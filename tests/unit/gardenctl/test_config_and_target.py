"""The gardenctl configuration file, the target's rules and the session directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from garden.cli.gardenctl.config import Config, GardenConfig, load_config, parse_config, render_config
from garden.cli.gardenctl.errors import GardenctlError
from garden.cli.gardenctl.session import Session, session_id
from garden.cli.gardenctl.target import Target

pytestmark = pytest.mark.unit


def test_config_reads_gardenctl_v2_gardens_and_our_seeds(tmp_path: Path) -> None:
    text = """
gardens:
- identity: local
  kubeconfig: ~/garden.kubeconfig
  context: admin
  seeds:
  - name: local
    kubeconfig: seed.kubeconfig
- identity: prod
  kubeconfig: /etc/prod.kubeconfig
"""
    config = parse_config(text, tmp_path / "gardenctl-v2.yaml")
    local = config.garden("local")
    assert local.kubeconfig == Path.home() / "garden.kubeconfig"
    assert local.context == "admin"
    seed = local.seed("local")
    assert seed is not None and seed.kubeconfig == tmp_path / "seed.kubeconfig"  # relative to the file
    assert config.garden("prod").seeds == ()
    assert parse_config(render_config(config), config.path) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gardens: {}", "gardens must be a list"),
        ("gardens:\n- kubeconfig: x", "gardens[0]: identity must be a non-empty string"),
        ("gardens:\n- identity: a", "gardens[0]: a kubeconfig path is required"),
        (
            "gardens:\n- {identity: a, kubeconfig: x}\n- {identity: a, kubeconfig: y}",
            'identity "a" is configured twice',
        ),
        ("gardens:\n- {identity: a, kubeconfig: x, seeds: [{kubeconfig: y}]}", "seeds[0]: name must be"),
        ("gardens: [", "is not valid YAML"),
    ],
    ids=["not-a-list", "no-identity", "no-kubeconfig", "duplicate", "seed-without-name", "bad-yaml"],
)
def test_config_errors_name_the_entry(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(GardenctlError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(text, tmp_path / "c.yaml")


def test_a_missing_config_is_empty_and_gardens_are_added_replaced_and_removed(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.yaml")
    assert config.gardens == ()
    with pytest.raises(GardenctlError, match=r'garden "x" is not configured in .* \(configured: none\)'):
        config.garden("x")
    config = config.with_garden(GardenConfig("a", Path("/a"))).with_garden(GardenConfig("b", Path("/b")))
    config = config.with_garden(GardenConfig("a", Path("/a2")))
    assert [(g.identity, str(g.kubeconfig)) for g in config.gardens] == [("a", "/a2"), ("b", "/b")]
    assert [g.identity for g in config.without_garden("a").gardens] == ["b"]
    assert isinstance(config, Config)


def test_targeting_keeps_what_is_above_and_drops_what_is_below() -> None:
    shoot = Target(garden="g").with_project("p").with_shoot("s", "p")
    assert shoot.kind == "shoot"
    assert shoot.with_project("q") == Target(garden="g", project="q")
    assert shoot.with_seed("seed") == Target(garden="g", seed="seed")  # project and seed are alternatives
    assert shoot.with_garden("h") == Target(garden="h")
    assert shoot.with_control_plane().kind == "control-plane"
    with pytest.raises(GardenctlError, match="no shoot targeted"):
        Target(garden="g").with_control_plane()
    with pytest.raises(GardenctlError, match="no garden targeted"):
        Target().with_project("p")


def test_unset_drops_the_kind_and_what_lies_below() -> None:
    full = Target(garden="g", project="p", seed="s", shoot="x", control_plane=True)
    assert full.unset("control-plane") == Target(garden="g", project="p", seed="s", shoot="x")
    assert full.unset("shoot") == Target(garden="g", project="p", seed="s")
    assert full.unset("project") == Target(garden="g", seed="s")
    assert full.unset("seed") == Target(garden="g", project="p")
    assert full.unset("garden") == Target()


def test_the_target_round_trips_through_gardenctl_v2s_file_format() -> None:
    target = Target(garden="g", project="p", shoot="x", control_plane=True)
    assert target.to_dict() == {"garden": "g", "project": "p", "shoot": "x", "controlPlane": True}
    assert Target.from_dict(target.to_dict()) == target
    assert Target.from_dict({"garden": "g", "controlPlane": True}) == Target(garden="g")  # no shoot: no control plane
    assert Target.from_dict(None) == Target()


def test_session_ids_come_from_the_environment_or_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM_SESSION_ID", raising=False)
    monkeypatch.setenv("GCTL_SESSION_ID", "my-shell")
    assert session_id() == "my-shell"
    monkeypatch.setenv("GCTL_SESSION_ID", "../../etc")
    assert "/" not in session_id() and len(session_id()) == 32
    monkeypatch.delenv("GCTL_SESSION_ID")
    monkeypatch.setenv("TERM_SESSION_ID", "w0t0p0:ABC")
    assert len(session_id()) == 32
    monkeypatch.delenv("TERM_SESSION_ID")
    assert session_id().startswith("ppid-")


def test_the_session_keeps_the_target_and_a_private_kubeconfig(tmp_path: Path) -> None:
    session = Session(tmp_path / "garden" / "s1")
    assert session.load_target() == Target()
    session.save_target(Target(garden="g", project="p"))
    assert session.load_target() == Target(garden="g", project="p")
    path = session.write_kubeconfig("apiVersion: v1\n")
    assert path.read_text() == "apiVersion: v1\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert session.directory.stat().st_mode & 0o777 == 0o700
    (session.directory / "target.yaml").write_text("garden: [")
    with pytest.raises(GardenctlError, match="is damaged"):
        session.load_target()
