"""A garden API server with project dev (AWS credentials and binding) and a gardenctl configured for it.

gardenctl runs in-process through typer's runner (each call reads its configuration and session from the
environment the runner sets, exactly as a shell would pass it) against the real server on loopback.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from garden.cli.gardenctl import app
from garden.kube import SHOOTS, Kube
from tests.integration.garden.conftest import garden  # noqa: F401  (the module-scoped garden API server)
from tests.integration.garden.objects import project_with_aws_binding
from tests.integration.server import RunningServer

_sessions = itertools.count()


@dataclass
class Gardenctl:
    """gardenctl for one configuration and one shell session."""

    home: Path
    tmp: Path
    session: str

    def env(self) -> dict[str, str]:
        return {"GCTL_HOME": str(self.home), "GCTL_SESSION_ID": self.session, "TMPDIR": str(self.tmp)}

    def run(self, *args: str, input: str | None = None, code: int = 0) -> Result:
        result = CliRunner().invoke(app, list(args), input=input, env=self.env())
        assert result.exit_code == code, (
            f"gardenctl {' '.join(args)} exited {result.exit_code}:\n{result.stdout}\n{result.stderr}\n"
            f"{result.exception!r}"
        )
        return result

    def fail(self, *args: str, input: str | None = None) -> str:
        """The one error line of a failing command (and that it is one line, without a traceback)."""
        result = self.run(*args, input=input, code=1)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.output
        return lines[0]

    def configure(self, config: dict[str, Any]) -> None:
        (self.home / "gardenctl-v2.yaml").write_text(yaml.safe_dump(config))


@pytest.fixture(scope="module")
def dev(garden: RunningServer) -> str:  # noqa: F811
    """Project dev with AWS credentials and binding ``aws``; its namespace."""
    return project_with_aws_binding(garden)


@pytest.fixture(scope="module")
def kube(garden: RunningServer) -> Iterator[Kube]:  # noqa: F811
    client = Kube.from_kubeconfig(garden.kubeconfig)
    yield client
    client.close()


@pytest.fixture
def gctl(garden: RunningServer, dev: str, tmp_path: Path) -> Gardenctl:  # noqa: F811
    """A fresh gardenctl home with garden "local" configured, and a fresh session."""
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    ctl = Gardenctl(home, tmp, f"session-{next(_sessions)}")
    ctl.configure({"gardens": [{"identity": "local", "kubeconfig": str(garden.kubeconfig)}]})
    return ctl


def shoot_of(kube: Kube, namespace: str, name: str) -> dict[str, Any] | None:
    return kube.get(SHOOTS, namespace, name)
