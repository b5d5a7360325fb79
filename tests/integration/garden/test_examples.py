"""Every manifest in examples/ and cloudprofiles/ is accepted by the garden, in the order the docs use them."""

from __future__ import annotations

import pytest
import yaml

from tests.integration.garden.objects import ROOT
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

EXAMPLES = ROOT / "examples"


def test_the_examples_apply_as_documented(garden: RunningServer) -> None:
    for profile in sorted((ROOT / "cloudprofiles").glob("*.yaml")):
        garden.kubectl("apply", "-f", str(profile))
    garden.kubectl("apply", "-f", str(EXAMPLES / "project.yaml"))
    garden.kubectl("create", "namespace", "garden-dev")  # the project controller does this in a running landscape
    for name in ("secretbinding-aws", "secretbinding-local", "credentialsbinding-gcp", "quota"):
        garden.kubectl("apply", "-f", str(EXAMPLES / f"{name}.yaml"))
    for name in ("shoot-aws", "shoot-gcp", "shoot-local"):
        result = garden.kubectl("create", "-f", str(EXAMPLES / f"{name}.yaml"), check=False)
        assert result.returncode == 0, f"{name}: {result.stderr}"

    shoots = {s["metadata"]["name"]: s for s in garden.kubectl_yaml("get", "shoots", "-n", "garden-dev")["items"]}
    assert sorted(shoots) == ["aws-prod", "gcp-dev", "local"]
    aws = shoots["aws-prod"]["spec"]
    assert aws["kubernetes"]["version"].startswith("1.36.")
    pools = {w["name"]: w["machine"] for w in aws["provider"]["workers"]}
    assert pools["compute"]["architecture"] == "arm64"
    assert "arm64" in _image_architectures("aws", pools["compute"]["image"])
    assert aws["hibernation"]["schedules"][0]["location"] == "Europe/Berlin"
    assert shoots["local"]["spec"]["kubernetes"]["version"].startswith("1.37.")


def _image_architectures(profile: str, image: dict[str, str]) -> list[str]:
    spec = yaml.safe_load((ROOT / "cloudprofiles" / f"{profile}.yaml").read_text())["spec"]
    for candidate in spec["machineImages"]:
        if candidate["name"] == image["name"]:
            for version in candidate["versions"]:
                if version["version"] == image["version"]:
                    return list(version.get("architectures") or ["amd64"])
    return []
