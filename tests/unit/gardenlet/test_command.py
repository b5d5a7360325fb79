"""``gardenlet``: bad input is one line on stderr and exit code 2, before anything connects."""

from __future__ import annotations

from pathlib import Path

import pytest

from gardenlet.cli import main
from gardenlet.config import load

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "gardenlet-local.yaml"


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text("apiVersion: v1\nkind: Config\n")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def test_a_missing_kubeconfig_is_exit_2(tmp_path: Path, kubeconfig: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope"
    code, err = run(
        ["--garden-kubeconfig", str(kubeconfig), "--seed-kubeconfig", str(missing), "--config", str(EXAMPLE)], capsys
    )
    assert code == 2
    assert err.strip() == f"gardenlet: --seed-kubeconfig: no such file: {missing}"


def test_an_invalid_config_names_the_field(
    tmp_path: Path, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(EXAMPLE.read_text().replace("heartbeatSeconds: 10", "heartbeatSecs: 10"))
    code, err = run(
        ["--garden-kubeconfig", str(kubeconfig), "--seed-kubeconfig", str(kubeconfig), "--config", str(config)], capsys
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "controllers.seed.heartbeatSecs" in err


def test_an_unreadable_config_is_exit_2(tmp_path: Path, kubeconfig: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["--garden-kubeconfig", str(kubeconfig), "--config", str(tmp_path / "missing.yaml")], capsys)
    assert code == 2 and "missing.yaml" in err


def test_missing_flags_are_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run([], capsys)
    assert code == 2 and err.startswith("gardenlet: ")


def test_the_example_configuration_loads() -> None:
    config = load(EXAMPLE)
    assert config.seed_config.name == "local"
    assert config.resources.capacity == {"shoots": 50}
