"""The console scripts exist, print help, and are honest about what is not built yet."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

BIN = Path(sys.executable).parent


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("script", ["kubelite", "garden", "gardenlet", "gardenctl"])
def test_console_script_prints_help(script: str) -> None:
    result = run(script, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower()


def test_kubelite_rejects_an_unknown_verb() -> None:
    result = run("kubelite", "no-such-verb")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_gardenctl_version_names_the_installed_distribution() -> None:
    result = run("gardenctl", "version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"gardenctl {version('garden')}"


def test_garden_admission_webhook_needs_its_serving_certificate() -> None:
    result = run("garden", "admission-webhook")
    assert result.returncode == 2
    assert result.stderr.strip() == "garden admission-webhook: --tls-cert-file is required"


def test_garden_webhook_manifests_render_the_chart(tmp_path: Path) -> None:
    from kubelite.apiserver.tls import ensure_serving_certs  # noqa: PLC0415

    certs = ensure_serving_certs(tmp_path, ["127.0.0.1"])
    assert certs.ca_file is not None
    result = run("garden", "webhook-manifests", "--image", "example/garden:1", "--ca-file", str(certs.ca_file))
    assert result.returncode == 0, result.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(result.stdout)]
    assert kinds[-2:] == ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    missing = run("garden", "webhook-manifests", "--image", "x", "--ca-file", str(tmp_path / "nope.crt"))
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1


def test_garden_controller_manager_refuses_unknown_controllers() -> None:
    result = run("garden", "controller-manager", "--controllers", "project,nope")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nope" in result.stderr
