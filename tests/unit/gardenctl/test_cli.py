"""The gardenctl command line itself, through typer's runner: help, version, targets and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from garden.cli.gardenctl import app
from garden.version import VERSION

pytestmark = pytest.mark.unit


def run(tmp_path: Path, *args: str, code: int = 0) -> Result:
    env = {"GCTL_HOME": str(tmp_path / "home"), "GCTL_SESSION_ID": "unit", "TMPDIR": str(tmp_path)}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result


def test_every_verb_of_gardenctl_v2_is_there(tmp_path: Path) -> None:
    text = run(tmp_path, "--help").stdout
    for verb in (
        "target", "kubeconfig", "kubectl-env", "provider-env", "get", "create", "hibernate", "wake-up", "reconcile",
        "maintain", "rotate-credentials", "delete", "wait", "info", "ls", "logs", "version", "config",
    ):  # fmt: skip
        assert f" {verb} " in text, verb
    assert "--install-completion" in text
    assert run(tmp_path, "version").stdout == f"gardenctl {VERSION}\n"


def test_without_a_garden_commands_say_how_to_add_one(tmp_path: Path) -> None:
    result = run(tmp_path, "get", "shoots", code=1)
    assert result.stdout == ""
    assert result.stderr == (
        f"error: no garden is configured in {tmp_path / 'home' / 'gardenctl-v2.yaml'}: add one with "
        "`gardenctl config set-garden NAME --kubeconfig PATH`\n"
    )
    assert run(tmp_path, "target", "view").stdout == "nothing targeted\n"


def test_config_set_garden_then_target_it(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "garden.kubeconfig"
    run(tmp_path, "config", "set-garden", "local", "--kubeconfig", str(kubeconfig), "--context", "admin")
    config = yaml.safe_load((tmp_path / "home" / "gardenctl-v2.yaml").read_text())
    assert config == {"gardens": [{"identity": "local", "kubeconfig": str(kubeconfig), "context": "admin"}]}
    assert run(tmp_path, "target", "garden", "local").stdout == 'Successfully targeted garden "local"\n'
    assert yaml.safe_load(run(tmp_path, "target", "view").stdout) == {"garden": "local"}
    assert "local" in run(tmp_path, "ls", "gardens").stdout

    error = run(tmp_path, "kubeconfig", code=1).stderr
    assert error == f'error: the kubeconfig of garden "local" does not exist: {kubeconfig}\n'
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "c", "cluster": {"server": "https://g", "certificate-authority": "ca.crt"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "admin", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "other",
            }
        )
    )
    printed = yaml.safe_load(run(tmp_path, "kubeconfig").stdout)
    assert printed["current-context"] == "admin"  # the configured context
    assert printed["clusters"][0]["cluster"]["certificate-authority"] == str(tmp_path / "ca.crt")  # made absolute

    run(tmp_path, "config", "delete-garden", "local")
    assert run(tmp_path, "target", "view").stdout == "nothing targeted\n"


def test_bad_arguments_fail_without_a_traceback(tmp_path: Path) -> None:
    result = run(tmp_path, "target", "unset", "cluster", code=1)
    assert result.stderr.startswith('error: cannot unset "cluster"')
    result = run(tmp_path, "kubectl-env", "tcsh", code=2)  # typer's own usage error
    assert "Invalid value" in result.stderr
    assert "Traceback" not in result.output
